"""RawDocument -> Document: the faithful article text and its metadata.

The clean text is the article body in simplified script, one paragraph per
line, without markup, chrome, spam or repeated paragraphs. The text before
script conversion is kept as ``original_text`` (same length, same offsets)
and the raw bytes as ``raw``, so a fact can always cite its source characters.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable
from functools import lru_cache


from ..errors import Rejected
from ..model import Document, RawDocument, Source
from .dates import date_from_url, parse_date
from .html import article_html, clean_title, stamp_from_text
from .lines import filter_paragraphs, normalize_paragraph
from .script import detect_script, strip_pinyin, to_simplified

_SENTENCE_END = re.compile(r"[。！？!?；;…]$")
_STRAY_EMPHASIS = re.compile(r"\*{2,}|(?<!\w)__|__(?!\w)")
_JEKYLL_NAME = re.compile(r"^((?:19|20)\d\d)-(\d{1,2})-(\d{1,2})-")


@lru_cache(maxsize=1)
def _markdown():
    from markdown_it import MarkdownIt  # (loaded for the first Markdown body)

    return MarkdownIt("commonmark", {"html": True}).enable("table")


def _first(*values):
    for v in values:
        if isinstance(v, str) and v.strip():
            return v.strip()
    return None


def _body_paragraphs(raw: RawDocument) -> tuple[list[str], dict, Callable[[], str | None]]:
    """The body's paragraphs, the page's metadata, and a function giving the page text outside the article."""
    if raw.body_kind == "page":
        return article_html(raw.body)
    if raw.body_kind == "html":
        paras, _, _ = article_html(raw.body, whole=True)
        return paras, {}, _nothing
    if raw.body_kind == "markdown":
        paras, _, _ = article_html(_markdown().render(raw.body), whole=True)
        # Unbalanced emphasis (``**1、…``) survives rendering as literal asterisks: markup, not text.
        return [_STRAY_EMPHASIS.sub("", p) for p in paras], {}, _nothing
    return raw.body.splitlines(), {}, _nothing


def _nothing() -> None:
    return None


def _title_from_text(paragraphs: list[str]) -> str | None:
    """A plain-text article's title: its first short line that does not read as a sentence."""
    for p in paragraphs[:3]:
        p = normalize_paragraph(p)
        if p and len(p) <= 60 and not _SENTENCE_END.search(p) and "，" not in p[:-1]:
            return p
    return None


def clean(raw: RawDocument) -> Document:
    """Clean one article; raise :class:`Rejected` with a reason when it holds no article text."""
    where = raw.path or raw.url or "<input>"
    paragraphs, page, outside = _body_paragraphs(raw)
    meta = raw.meta
    paragraphs = [strip_pinyin(p) for p in paragraphs]
    title = _first(meta.get("title"), page.get("title"))
    title = clean_title(strip_pinyin(title)) if title else None
    verdict = filter_paragraphs(paragraphs, title)
    kept = verdict.kept
    if not title and raw.body_kind == "text":
        title = _title_from_text(kept)
        if title and kept and kept[0] == title:
            kept = kept[1:]
            verdict.dropped["title line"] += 1
    if not kept:
        reasons = ", ".join(f"{n} {r}" for r, n in verdict.dropped.most_common()) or "no paragraphs"
        raise Rejected(where, f"no article text found ({reasons})")
    original_text = "\n".join(kept)
    script = detect_script(original_text)
    text = to_simplified(original_text) if script == "zh-Hant" else original_text
    if title and (script == "zh-Hant" or detect_script(title) == "zh-Hant"):
        title = to_simplified(title)

    url = _first(raw.url, meta.get("url"), meta.get("link"), page.get("url"))
    published = (
        parse_date(meta.get("date") or meta.get("published_at"))
        or page.get("published_at")
        or verdict.meta.get("published_at")
    )
    publisher = _first(
        meta.get("publisher") if raw.format != "markdown" else None,
        meta.get("source"),
        meta.get("author") if raw.format == "markdown" else None,
        verdict.meta.get("publisher"),
    )
    if not published or not publisher:  # then the labelled stamps outside the article (发布时间, 来源) count
        stamp_date, stamp_publisher = stamp_from_text(outside())
        published = published or stamp_date or date_from_url(url) or _date_from_filename(raw.path)
        publisher = _first(publisher, stamp_publisher, page.get("publisher"), meta.get("publisher"))
    author = _first(verdict.meta.get("author"), page.get("author"), meta.get("author") if raw.format != "markdown" else None)
    if script == "zh-Hant" or (publisher and detect_script(publisher) == "zh-Hant"):
        publisher = to_simplified(publisher) if publisher else None
        author = to_simplified(author) if author else None
    doc_meta = {
        "editor": verdict.meta.get("editor"),
        "original_title": verdict.meta.get("original_title"),
        "container_title": meta.get("container_title"),
        "categories": meta.get("categories") if isinstance(meta.get("categories"), list) else None,
        "keywords": meta.get("keywords") or page.get("keywords"),
        "encoding": raw.encoding,
        "dropped": dict(verdict.dropped),
    }
    return Document(
        id=raw.id,
        source=Source(path=raw.path, url=url, format=raw.format, publisher=publisher, author=author),
        title=title or "",
        published_at=published,
        script=script,
        text=text,
        original_text=original_text,
        raw=raw.raw,
        encoding=raw.encoding,
        meta=doc_meta,
    )


def _date_from_filename(path: str | None) -> str | None:
    """Jekyll and Hexo name posts ``YYYY-MM-DD-slug.md``."""
    if not path:
        return None
    m = _JEKYLL_NAME.match(os.path.basename(path))
    if not m:
        return None
    return parse_date(f"{m.group(1)}-{m.group(2)}-{m.group(3)}")
