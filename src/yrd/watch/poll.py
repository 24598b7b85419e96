"""One poll of one source: fetch it (conditionally), find its items, fetch the new ones, ingest them, record.

A source is a feed (RSS/Atom: its entries, with the article page fetched when an entry carries only a summary),
a sitemap (its ``<loc>`` links; a sitemap index's first sitemaps), or a site's list page (its links that match
the source's pattern, or by default the same site's links that look like articles). Every item goes through the
same pipeline and writer as ``yrd ingest``: an item already stored changes nothing, a changed article becomes a
new version. An item link is remembered only after its document is committed, so a poll killed half-way is done
again in full by the next one and nothing is lost or doubled. At most ``max_items`` new links are fetched per
poll; the rest wait for the next.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from ..batches import BatchWriter, IngestOptions, StoredIds, Summary, corrected, process_fetched, take
from ..errors import InputError
from ..model import RawDocument
from ..pipeline import STEPS, Failure, Known, run_items
from ..read.inputs import read_bytes
from ..read.sniff import sniff
from ..store.corrections import load as load_corrections
from ..store.rows import DocRows, rows
from . import sources
from .polite import FetchError, Fetcher

SUMMARY_ONLY = 200  # characters: a feed entry shorter than this is a teaser, and its page is fetched
_ARTICLE_PATH = re.compile(r"\d{4,}")  # news sites date or number their articles: /2026-11/30/c_1234.htm, t20261130_1.html
_TAGS = re.compile(r"<[^>]{0,2000}>")


@dataclass
class Outcome:
    health: sources.Health
    failed: list[str] = field(default_factory=list)  # one line per item that failed


def sniff_kind(body: bytes) -> str:
    head = body[:4096].decode("utf-8", "replace")
    if re.search(r"<(?:urlset|sitemapindex)\b", head):
        return "sitemap"
    return "feed" if sniff(head) == "feed" else "page"


def page_links(body: bytes, base: str, pattern: str | None) -> list[str]:
    """The article links of a list page, in page order, once each: those matching ``pattern`` (a regular
    expression searched in the absolute URL), or by default the same site's links whose path holds a run of four
    or more digits (a date or a number: what a news site's article paths have, and its section pages lack)."""
    import lxml.html

    try:
        root = lxml.html.fromstring(body, base_url=base)
    except (ValueError, lxml.etree.ParserError):
        return []
    host = urlsplit(base).hostname
    wanted = re.compile(pattern) if pattern else None
    out, seen = [], {base.split("#")[0]}
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        url = urljoin(base, href).split("#")[0]
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or url in seen:
            continue
        if wanted is not None:
            keep = bool(wanted.search(url))
        else:
            keep = parts.hostname == host and bool(_ARTICLE_PATH.search(parts.path))
        if keep:
            seen.add(url)
            out.append(url)
    return out


def sitemap_links(body: bytes) -> tuple[list[str], bool]:
    """(the ``<loc>`` links, whether it is a sitemap index); no entity is expanded, nothing is fetched."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError:
        return [], False
    if root is None:
        return [], False
    locs = [el.text.strip() for el in root.iter("{*}loc") if el.text and el.text.strip()]
    return locs, etree.QName(root).localname == "sitemapindex"


def _entries(body: bytes, url: str, options: IngestOptions) -> tuple[list[str], dict[str, RawDocument]]:
    """A feed's entry links, and the entries whose own content is a whole article (to ingest as they are)."""
    links, full = [], {}
    for item in read_bytes(body, url, options.read_options()):
        if isinstance(item, InputError) or not item.url:
            continue
        links.append(item.url)
        if len(_TAGS.sub("", item.body).strip()) >= SUMMARY_ONLY:
            full[item.url] = item
    return links, full


def poll(store_url: str, source: dict, fetcher: Fetcher, options: IngestOptions | None = None,
         max_items: int = 50) -> Outcome:
    """Poll ``source`` once and record its health in the registry; never raises for what a site does."""
    from ..upgrade import open_store

    options = options or IngestOptions(workers=1)
    engine = open_store(store_url)
    with engine.connect() as conn:
        options.decisions = load_corrections(conn)  # the analyst's corrections apply to what a poll brings too
    try:
        outcome = _poll(engine, store_url, source, fetcher, options, max_items)
        with engine.begin() as conn:
            sources.record(conn, source, outcome.health)
        return outcome
    finally:
        engine.dispose()


def _poll(engine, store_url: str, source: dict, fetcher: Fetcher, options: IngestOptions, max_items: int) -> Outcome:
    guard = not source["allow_private"]
    try:
        answer = fetcher.get(source["url"], source["etag"], source["last_modified"], guard=guard)
    except FetchError as exc:
        return Outcome(sources.Health(False, exc.reason))
    if answer.status == 304:
        return Outcome(sources.Health(True, kind=source["kind"], etag=answer.etag, last_modified=answer.last_modified))
    kind = source["kind"] or sniff_kind(answer.body)
    full: dict[str, RawDocument] = {}
    if kind == "feed":
        links, full = _entries(answer.body, answer.url, options)
        if not links:
            return Outcome(sources.Health(False, "the feed has no entries with a link", kind=kind))
    elif kind == "sitemap":
        links, index = sitemap_links(answer.body)
        if index:  # a sitemap of sitemaps: the first few, newest usually listed first
            children, links = links[:5], []
            for child in children:
                try:
                    links += sitemap_links(fetcher.get(child, guard=guard).body)[0]
                except FetchError:
                    continue
    else:
        links = page_links(answer.body, answer.url, source["link_pattern"])
    with engine.connect() as conn:
        seen = sources.seen_before(conn, source["id"], links)
    new = [link for link in links if link not in seen][:max_items]
    again = [link for link in full if link in seen]  # entries with content: a changed one is a new version
    summary, failed, remembered = Summary(), [], []
    writer = BatchWriter(store_url, options.batch_size, summary)
    stored = StoredIds(store_url)
    for link in new + again:
        if link in full:
            results = [r if isinstance(r, (Failure, Known)) else rows(corrected(r, options.decisions))
                       for r in run_items([full[link]], steps=STEPS, known=stored, budget=options.budget)]
        else:
            try:
                page = fetcher.get(link, guard=guard)
            except FetchError as exc:
                failed.append(str(exc))
                if exc.permanent:
                    remembered.append((link, "failed", None, exc.reason))
                continue  # (a passing failure is not remembered: the next poll tries the link again)
            results = process_fetched(page.body, link, options, stored)
        take(summary, results, writer, None)
        if link in new:
            remembered.append(_what_came(link, results, failed))
    writer.close()  # the documents are committed before their links are remembered
    with engine.begin() as conn:
        for link, status, doc_id, error in remembered:
            sources.remember(conn, source["id"], link, status, doc_id, error)
    return Outcome(sources.Health(True, kind=kind, etag=answer.etag, last_modified=answer.last_modified,
                                  seen=len(new), stored=summary.new), failed)  # (new counts versions and copies too)


def _what_came(link: str, results: list, failed: list[str]) -> tuple[str, str, str | None, str | None]:
    for r in results:
        if isinstance(r, DocRows):
            return link, "stored", r.document.id, None
        if isinstance(r, Known):
            return link, "known", r.id, None
    for r in results:
        if isinstance(r, Failure):
            if not r.skipped:
                failed.append(f"{link}: {r.reason}")
            return link, "not_article" if r.skipped else "failed", None, r.reason
    return link, "not_article", None, "no article"
