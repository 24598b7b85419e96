"""The ``yrd`` command line: thin commands over the library (``app`` holds the group, ``options`` what they share)."""
from .app import main

__all__ = ["main"]
