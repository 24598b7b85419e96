"""Fact extractors: each fills one list of a Document, every span an exact slice of ``doc.text``.

The pipeline runs :func:`default_extractors` in order; later extractors
(targets, events, relations) read what earlier ones found (dates, amounts,
places, organisations) from a per-document context.
"""
from __future__ import annotations

from collections.abc import Callable

from ..model import Document

Extractor = Callable[[Document], None]


def default_extractors() -> list[Extractor]:
    from .pipeline import extract_all

    return [extract_all]
