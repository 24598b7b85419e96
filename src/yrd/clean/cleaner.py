"""RawDocument -> Document: the faithful article text and its metadata.

The clean text is the article body in simplified script, one paragraph per
line, without markup, chrome, spam or repeated paragraphs. The text before
script conversion is kept as ``original_text`` (same length, same offsets)
and the raw bytes as ``raw``, so a fact can always cite its source characters.
"""
from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable
from functools import lru_cache


from ..errors import Rejected
from ..model import Document, RawDocument, Source
from .dates import date_from_url, parse_date
from .html import article_html, clean_title, stamp_from_text
from .lines import filter_paragraphs
from .page import read_layout, scrub
from .script import detect_script, simplify_strays, strip_pinyin, to_simplified

_SENTENCE_END = re.compile(r"[。！？!?；;…]$")
_STRAY_EMPHASIS = re.compile(r"\*{2,}|(?<!\w)__|__(?!\w)")
_TAG_BREAK = re.compile(r"</?(?:h[1-6]|p|div|br|li|ul|ol|section|article|table|tr|td|span|strong|b|em|a)\b[^>]*>", re.I)
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
        paras, page, outside = article_html(raw.body)
        if not paras and not raw.body.lstrip().startswith("<"):
            # text with some markup in it (<h3>…</h3> pasted into a blog's text): its lines, the tags as breaks
            return _TAG_BREAK.sub("\n", raw.body).splitlines(), page, _nothing
        return paras, page, outside
    if raw.body_kind == "html":
        paras, _, _ = article_html(raw.body, whole=True)
        return paras, {}, _nothing
    if raw.body_kind == "markdown":
        paras, _, _ = article_html(_markdown().render(raw.body), whole=True)
        # Unbalanced emphasis (``**1、…``) survives rendering as literal asterisks: markup, not text.
        return [_STRAY_EMPHASIS.sub("", p) for p in paras], {}, _nothing
    return raw.body.splitlines(), {}, _nothing


_TAB_ROW = re.compile(r"\t")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def _not_an_article(raw: RawDocument, text: str) -> str | None:
    """Why an input that reads as text is no article (a table, a README or licence in English), else None."""
    if raw.body_kind == "text":
        rows = [line for line in raw.body.splitlines() if line.strip()]
        tabbed = [line.count("\t") for line in rows if "\t" in line]
        if len(rows) >= 3 and len(tabbed) >= 0.6 * len(rows) and max(tabbed) >= 2:
            return f"a table ({len(rows)} rows of {max(set(tabbed), key=tabbed.count) + 1} columns)"
    han, latin = len(_HAN.findall(text)), len(_LATIN.findall(text))
    if han < 8 or han < 0.5 * (han + latin / 4):  # (a word of English is about four letters; articles: >= 0.76)
        return "not Chinese text" if latin else "too little text"
    return None


def _nothing() -> None:
    return None


def clean(raw: RawDocument) -> Document:
    """Clean one article; raise :class:`Rejected` with a reason when it holds no article text."""
    where = raw.path or raw.url or "<input>"
    paragraphs, page, outside = _body_paragraphs(raw)
    meta = raw.meta
    title = _first(meta.get("title"), page.get("title"))
    layout = None
    if raw.body_kind == "text" or (raw.body_kind == "page" and not title):  # a page without its own metadata:
        lines = [line for p in paragraphs for line in p.splitlines()]
        layout = read_layout([strip_pinyin(p) for p in lines])  # headline, stamp and article from its layout
        paragraphs = layout.paragraphs
    elif raw.body_kind == "markdown" and not title:  # a Markdown file: its # heading and the date under it
        layout = read_layout([strip_pinyin(p) for p in raw.body.splitlines()], markdown=True)
        layout.paragraphs = []
    dropped = Counter(layout.dropped) if layout and raw.body_kind != "markdown" else Counter()
    paragraphs = [scrub(strip_pinyin(p), dropped=dropped) for p in paragraphs]
    if title:
        title = clean_title(strip_pinyin(title))
    elif layout is not None and layout.title:  # (the layout trimmed the site's name already)
        title = strip_pinyin(layout.title).strip() or None
    verdict = filter_paragraphs(paragraphs, title)
    verdict.dropped.update(dropped)
    if layout is not None:
        for k, v in layout.meta.items():
            verdict.meta.setdefault(k, v)
    kept = verdict.kept
    if not kept:
        reasons = ", ".join(f"{n} {r}" for r, n in verdict.dropped.most_common()) or "no paragraphs"
        raise Rejected(where, f"no article text found ({reasons})")
    original_text = "\n".join(kept)
    not_article = _not_an_article(raw, original_text)
    if not_article:
        raise Rejected(where, f"not an article: {not_article}")
    script = detect_script(original_text)
    text = to_simplified(original_text) if script == "zh-Hant" else simplify_strays(original_text)
    if title and (script == "zh-Hant" or detect_script(title) == "zh-Hant"):
        title = to_simplified(title)

    url = _first(raw.url, meta.get("url"), meta.get("link"), page.get("url"))
    published = (
        parse_date(meta.get("date") or meta.get("published_at"))
        or page.get("published_at")
        or (layout.published if layout is not None else None)
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
