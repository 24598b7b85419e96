"""Readers for every input shape; :func:`read_all` is the entry point."""
from .inputs import ReadOptions, read_all, read_input

__all__ = ["ReadOptions", "read_all", "read_input"]
