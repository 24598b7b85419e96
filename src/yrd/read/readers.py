"""Readers: one per input shape, each turning decoded input into RawDocuments.

Every reader is a generator; a multi-article container (JSON Lines, a feed,
a day's news transcript) yields one RawDocument per article, and a bad part of
a container is yielded as an :class:`InputError` so the good parts still flow.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from ..errors import InputError
from ..model import RawDocument
from .sniff import body_kind, split_front_matter

Item = RawDocument | InputError

_TEXT_KEYS = ("text", "content", "body", "article", "正文")
_HTML_KEYS = ("html", "content_html", "body_html")
_DATE_KEYS = ("published_at", "published", "date", "pubDate", "pub_date", "publish_time", "time", "datetime")
_SOURCE_LINK = re.compile(r"^\s*\[(?:查看原文|原文|閱讀原文|阅读原文|原文链接|Source|source)\]\((\S+?)\)\s*$", re.M)
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.M)


_FRONT_MATTER_BYTES = 65536  # front matter is a few lines of metadata; past this it is no front matter we parse


def loads(text: str | bytes) -> Any:
    """JSON with a bound on nesting: orjson refuses more than 1,024 levels with a ValueError (the standard
    library's parser recurses until Python's stack limit and raises RecursionError, taking the run with it)."""
    return orjson.loads(text)


def _front_matter(yaml_text: str) -> dict[str, Any]:
    """Parse front matter keeping every scalar a string (dates are parsed by us, not YAML)."""
    try:
        import yaml  # (loaded for the first front matter)

        data = None
        if len(yaml_text) <= _FRONT_MATTER_BYTES:  # a longer block is read line by line below
            data = yaml.load(yaml_text, Loader=yaml.BaseLoader)  # noqa: S506 - BaseLoader builds only str/list/dict
    except (yaml.YAMLError, RecursionError):  # (PyYAML's parser recurses once per level of nesting)
        data = None
    if isinstance(data, dict):
        return data
    out: dict[str, Any] = {}
    for line in yaml_text.splitlines():
        if ":" in line and not line.startswith((" ", "-")):
            k, _, v = line.partition(":")
            out[k.strip()] = v.strip().strip("'\"")
    return out


def read_page(raw: bytes, text: str, path: str | None, url: str | None, encoding: str) -> Iterator[Item]:
    yield RawDocument(raw=raw, body=text, format="html", path=path, url=url, body_kind="page", encoding=encoding)


def read_text(raw: bytes, text: str, path: str | None, url: str | None, encoding: str) -> Iterator[Item]:
    yield RawDocument(raw=raw, body=text, format="text", path=path, url=url, body_kind="text", encoding=encoding)


def read_markdown(raw: bytes, text: str, path: str | None, url: str | None, encoding: str) -> Iterator[Item]:
    """Front matter (Hexo, Jekyll) + an HTML or Markdown body; a day's transcript splits into stories."""
    fm_text, body = split_front_matter(text.lstrip("\ufeff"))
    meta = _front_matter(fm_text) if fm_text is not None else {}
    kind = body_kind(body)
    if kind == "html" and not body.lstrip().startswith("<"):
        kind = "markdown"  # Markdown with some inline HTML: render it as Markdown
    if kind != "html":
        kind = "markdown"
        stories = list(_split_transcript(body))
        if len(stories) >= 2:
            h1 = _HEADING.search(body)
            day = h1.group(2) if h1 and h1.group(1) == "#" else None
            for i, (title, story, link) in enumerate(stories):
                story_meta = {**meta, "title": title, "container_title": meta.get("title") or day, "url": link}
                story_meta.setdefault("date", _transcript_stamp(body) or day)
                yield RawDocument(raw=story.encode("utf-8"), body=story, format="markdown", path=path,
                                  url=link or url, body_kind="markdown", encoding=encoding, meta=story_meta, part=i)
            return
    yield RawDocument(raw=raw, body=body, format="markdown", path=path, url=url or meta.get("url"),
                      body_kind=kind, encoding=encoding, meta=meta)


def _transcript_stamp(body: str) -> str | None:
    m = re.search(r"[（(]《[^》]{1,20}》\s*(\d{8}\s*\d{1,2}:\d{2})[）)]", body)
    return m.group(1) if m else None


def _split_transcript(body: str) -> Iterator[tuple[str, str, str | None]]:
    """Sections of one heading level that each end with a source link: one story per section."""
    headings = list(_HEADING.finditer(body))
    for level in (3, 2, 4):
        marks = [h for h in headings if len(h.group(1)) == level]
        if len(marks) < 2:
            continue
        sections = []
        for i, h in enumerate(marks):
            end = marks[i + 1].start() if i + 1 < len(marks) else len(body)
            nxt = [g for g in headings if h.end() < g.start() < end and len(g.group(1)) < level]
            if nxt:
                end = nxt[0].start()
            sections.append((h.group(2).strip(), body[h.end():end]))
        linked = [(t, s, _SOURCE_LINK.search(s)) for t, s in sections]
        if sum(1 for _, _, m in linked if m) >= 2:
            for title, section, m in linked:
                yield title, section, (m.group(1) if m else None)
            return


def _fields(obj: dict[str, Any]) -> tuple[str | None, str]:
    for key in _HTML_KEYS:
        if isinstance(obj.get(key), str) and obj[key].strip():
            return obj[key], "html"
    for key in _TEXT_KEYS:
        if isinstance(obj.get(key), str) and obj[key].strip():
            return obj[key], "text"
    return None, "text"


def _json_article(obj: Any, raw: bytes, where: str, path: str | None, encoding: str, part: int | None) -> Item:
    if not isinstance(obj, dict):
        return InputError(where, f"expected a JSON object per article, got {type(obj).__name__}")
    body, kind = _fields(obj)
    if body is None:
        return InputError(where, "article has no 'text' or 'html' field")
    if kind == "html":
        kind = "page" if re.match(r"\s*<(?:!doctype|html)", body, re.I) else "html"
    else:
        kind = body_kind(body) if body.lstrip().startswith("<") else "text"
        kind = "html" if kind == "html" else "text"
    meta = {k: obj.get(k) for k in obj if k not in _TEXT_KEYS + _HTML_KEYS}
    for key in _DATE_KEYS:
        if obj.get(key):
            meta["date"] = obj[key]
            break
    url = obj.get("url") or obj.get("link")
    return RawDocument(raw=raw, body=body, format="jsonl", path=path, url=url if isinstance(url, str) else None,
                       body_kind=kind, encoding=encoding, meta=meta, part=part)


class TooLong(bytes):
    """What :func:`bounded_lines` yields for a line over its cap: the line's first bytes, and its size."""

    size: int


def bounded_lines(fh, cap: int, chunk: int = 1 << 20) -> Iterator[bytes]:
    """The lines of a binary file, none read whole past ``cap`` bytes: a longer line is yielded as a
    :class:`TooLong` (its first bytes) after the rest of it has been read and dropped in chunks."""
    while True:
        line = fh.readline(cap + 1)
        if not line:
            return
        if len(line) <= cap or line.endswith(b"\n"):
            yield line
            continue
        size = len(line)
        while True:
            part = fh.readline(chunk)
            size += len(part)
            if not part or part.endswith(b"\n"):
                break
        long = TooLong(line[:200])
        long.size = size
        yield long


def read_jsonl(lines: Iterable[bytes], path: str | None, encoding: str, cap: int | None = None) -> Iterator[Item]:
    """One article per line, streamed: a bad line (not JSON, nested past 1,024 levels, over ``cap`` bytes) is
    reported with its line number, the rest flow."""
    codec = encoding.split(" ")[0].replace("-sig", "")
    for lineno, line in enumerate(lines, 1):
        where = f"{path or '<stdin>'}:{lineno}"
        if isinstance(line, TooLong) or (cap is not None and len(line) > cap):
            size = getattr(line, "size", len(line))
            yield InputError(where, f"record is {size / 1048576:.1f} MB, over the {cap / 1048576:.1f} MB limit for "
                                    "one article; raise --max-bytes")
            continue
        if not line.strip():
            continue
        try:
            obj = loads(line.removeprefix(b"\xef\xbb\xbf") if codec == "utf-8"
                        else line.decode(codec, errors="strict").lstrip("\ufeff"))
        except (UnicodeDecodeError, ValueError) as exc:
            yield InputError(where, f"not a JSON object ({str(exc).splitlines()[0][:80]})")
            continue
        yield _json_article(obj, line.rstrip(b"\r\n"), where, path, encoding, None)


def read_json(raw: bytes, text: str, path: str | None, url: str | None, encoding: str) -> Iterator[Item]:
    where = path or url or "<input>"
    try:
        data = loads(text)
    except ValueError as exc:
        yield InputError(where, f"invalid JSON ({str(exc)[:80]})")
        return
    items = data if isinstance(data, list) else data.get("articles", [data]) if isinstance(data, dict) else [data]
    for i, obj in enumerate(items):
        try:
            part_raw = json.dumps(obj, ensure_ascii=False, sort_keys=True).encode("utf-8")
        except RecursionError:  # (nested deeper than Python's stack, though within orjson's bound)
            yield InputError(f"{where}[{i}]", "nested too deep to be an article")
            continue
        yield _json_article(obj, part_raw, f"{where}[{i}]", path, encoding, None)


def read_feed(raw: bytes, text: str, path: str | None, url: str | None, encoding: str) -> Iterator[Item]:
    """RSS 2.0, RSS 1.0 and Atom via feedparser; one article per entry."""
    where = path or url or "<feed>"
    import feedparser  # (loaded for the first feed)

    parsed = feedparser.parse(text)
    if not parsed.entries:
        reason = "feed has no entries"
        if parsed.bozo:
            reason = f"malformed feed ({str(parsed.bozo_exception).splitlines()[0][:80]})"
        yield InputError(where, reason)
        return
    feed_title = parsed.feed.get("title")
    for i, entry in enumerate(parsed.entries):
        body = ""
        if entry.get("content"):
            body = max((c.get("value", "") for c in entry.content), key=len)
        body = body if len(body) >= len(entry.get("summary", "")) else entry.get("summary", "")
        if not body.strip():
            yield InputError(f"{where}[{i}]", "feed entry has no content or summary")
            continue
        meta = {
            "title": entry.get("title"),
            "date": entry.get("published") or entry.get("updated") or entry.get("pubDate"),
            "author": entry.get("author"),
            "publisher": _entry_publisher(entry) or feed_title,
            "feed_url": url,
        }
        link = entry.get("link")
        part_raw = json.dumps({"title": meta["title"], "link": link, "date": meta["date"], "body": body},
                              ensure_ascii=False, sort_keys=True).encode("utf-8")
        kind = "html" if "<" in body else "text"
        yield RawDocument(raw=part_raw, body=body, format="feed", path=path, url=link, body_kind=kind,
                          encoding=encoding, meta=meta)


_OUTLET = re.compile(r"(?:报|報|网|網|社|台|新闻|新聞|杂志|雜誌|频道|頻道|传媒|傳媒|在线|在線|客户端)$")


def _entry_publisher(entry) -> str | None:
    """The outlet of a feed item: its ``<source>``, or an ``<author>`` that names an outlet (新华日报)."""
    source = entry.get("source") or {}
    if source.get("title"):
        return source["title"]
    author = (entry.get("author") or "").strip()
    return author if author and _OUTLET.search(author) else None


READERS = {"html": read_page, "text": read_text, "markdown": read_markdown, "json": read_json, "feed": read_feed}
