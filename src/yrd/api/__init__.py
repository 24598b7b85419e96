"""The REST API and the dashboard (FastAPI under uvicorn)."""
from .app import create_app

__all__ = ["create_app"]
