"""The knowledge base: one schema (SQLAlchemy + Alembic) on SQLite by default or PostgreSQL for a team."""
from .db import default_url, make_engine, migrate, normalise_url

__all__ = ["default_url", "make_engine", "migrate", "normalise_url"]
