"""Sniff an input's shape from its content, never from its file name."""
from __future__ import annotations

import re

import orjson

_FRONT_MATTER = re.compile(r"\A\s*---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_HTML_START = re.compile(r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S)
_FEED = re.compile(r"\A\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*|<\?[^>]*\?>\s*)*<(?:rss|feed|rdf:RDF)\b", re.I | re.S)
_TAG = re.compile(r"<(?:p|div|br|span|a|table|li|h[1-6]|img|strong|section|article)\b[^>]*>", re.I)
_MD_MARKS = re.compile(r"^(?:#{1,6} \S|[*-] \S|\d+\. \S|> \S)|\[[^\]\n]+\]\([^)\s]+\)|\*\*[^*\n]+\*\*", re.M)


def split_front_matter(text: str) -> tuple[str | None, str]:
    """(front matter YAML or None, the rest)."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return None, text
    return m.group(1), text[m.end():]


def body_kind(body: str) -> str:
    """``html`` if the text is mostly markup, ``markdown`` if it carries Markdown marks, else ``text``."""
    head = body[:20000]
    tags = len(_TAG.findall(head))
    lines = [ln for ln in head.splitlines() if ln.strip()]
    if tags and (tags >= 3 or head.lstrip().startswith("<")) and tags >= len(lines) / 10:
        return "html"
    if len(_MD_MARKS.findall(head)) >= 2:
        return "markdown"
    return "text"


def sniff(head: str) -> str:
    """The shape of an input from its first characters: feed, html, markdown, jsonl, json or text."""
    stripped = head.lstrip("\ufeff \t\r\n")
    if _FEED.match(stripped):
        return "feed"
    if _HTML_START.match(stripped):
        return "html"
    if _FRONT_MATTER.match(stripped):
        return "markdown"
    if stripped.startswith("{"):
        first = stripped.split("\n", 1)[0].strip()
        try:
            if isinstance(orjson.loads(first), dict):  # (bounded nesting: see readers.loads)
                return "jsonl"
        except ValueError:
            pass
        return "json"
    if stripped.startswith("["):
        return "json"
    kind = body_kind(stripped)
    if kind == "html":
        return "html"
    if kind == "markdown":
        return "markdown"
    return "text"
