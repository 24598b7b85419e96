"""The document and fact types every stage passes on (stdlib only).

Every offset is a Python ``str`` index into ``Document.text`` (end-exclusive),
so ``text[span.start:span.end] == span.text`` always holds.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

FORMATS = ("markdown", "html", "text", "jsonl", "feed")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str

    @classmethod
    def of(cls, text: str, start: int, end: int) -> "Span":
        return cls(start, end, text[start:end])


@dataclass
class Source:
    """Where a document came from: file path or URL, its sniffed shape, who published it."""

    path: str | None = None
    url: str | None = None
    format: str = "text"
    publisher: str | None = None
    author: str | None = None


@dataclass
class RawDocument:
    """One article as a reader found it: decoded but not yet cleaned.

    ``body`` is the article's markup or text in its sniffed ``format``
    (``html`` for pages and HTML bodies, ``markdown`` for Markdown bodies,
    ``text`` for plain text); ``meta`` holds what the container said about it
    (front matter, JSON fields, feed item fields).
    """

    raw: bytes
    body: str
    format: str
    path: str | None = None
    url: str | None = None
    body_kind: str = "html"  # how ``body`` is written: html | markdown | text
    encoding: str = "utf-8"
    meta: dict[str, Any] = field(default_factory=dict)
    part: int | None = None  # index inside a multi-article container (jsonl line, feed item)

    @cached_property  # (asked by the store lookup and by the cleaner: hashed once)
    def id(self) -> str:
        """Stable id: the same bytes in (and the same position in a container) give the same id."""
        h = hashlib.sha256(self.raw)
        if self.part is not None:
            h.update(b"#%d" % self.part)
        return h.hexdigest()[:20]


@dataclass
class Document:
    """A cleaned article: the unit every extractor and the store work on."""

    id: str
    source: Source
    title: str
    published_at: str | None
    script: str
    text: str
    original_text: str = ""  # clean text before script conversion (same length as ``text``)
    raw: bytes = b""
    encoding: str = "utf-8"
    meta: dict[str, Any] = field(default_factory=dict)
    duplicate_of: str | None = None
    places: list[dict] = field(default_factory=list)
    people: list[dict] = field(default_factory=list)
    organizations: list[dict] = field(default_factory=list)
    amounts: list[dict] = field(default_factory=list)
    targets: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    relations: list[dict] = field(default_factory=list)

    def factsheet(self) -> dict[str, Any]:
        """The per-document contract of ../shared/spec/FACTSHEET.md (plus a few added fields)."""
        return {
            "id": self.id,
            "source": {"path": self.source.path, "url": self.source.url, "format": self.source.format,
                       "publisher": self.source.publisher, "author": self.source.author},
            "title": self.title,
            "published_at": self.published_at,
            "script": self.script,
            "text": self.text,
            "duplicate_of": self.duplicate_of,
            "places": self.places,
            "people": self.people,
            "organizations": self.organizations,
            "amounts": self.amounts,
            "targets": self.targets,
            "events": self.events,
            "relations": self.relations,
            "meta": {k: v for k, v in self.meta.items() if v not in (None, "", [])},
        }
