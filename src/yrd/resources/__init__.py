"""Data files (gazetteer, lexicons) and the scripts that build them; read at run time, never downloaded."""
from pathlib import Path

RESOURCES = Path(__file__).resolve().parent


def path(name: str) -> Path:
    return RESOURCES / name
