"""Cleaning: RawDocument -> Document (faithful simplified text plus metadata)."""
from __future__ import annotations


def clean(raw):
    """See :func:`yrd.clean.cleaner.clean` (imported when first needed: ``yrd.clean.script`` alone stays light)."""
    from .cleaner import clean as _clean

    return _clean(raw)


__all__ = ["clean"]
