"""Cleaning: RawDocument -> Document (faithful simplified text plus metadata)."""
from .cleaner import clean

__all__ = ["clean"]
