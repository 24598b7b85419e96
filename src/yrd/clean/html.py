"""HTML to paragraphs: page metadata, the article's content block, and its paragraphs.

Pages are parsed with lxml (a tolerant C parser: truncated markup still
parses). The content block is found by well-known article selectors first,
then by a text-density score in the manner of Readability: paragraphs rich in
Chinese punctuation and poor in links vote for their parent.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from html import unescape

from lxml import etree
from lxml.cssselect import CSSSelector

from .dates import date_from_url, find_date_in_text, parse_date

_DROP_TAGS = {
    "script", "style", "noscript", "iframe", "form", "button", "nav", "select", "textarea", "svg",
    "canvas", "video", "audio", "object", "embed", "template", "input", "head", "link", "meta", "map",
}
_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
    "article", "blockquote", "dd", "dt", "dl", "pre", "header", "footer", "figure", "figcaption", "hr",
    "main", "aside", "center", "tbody", "thead", "td", "th", "caption", "address", "summary", "details",
}
_BLOCK_TAG_LIST = sorted(_BLOCK_TAGS)
_BREAK = "\ue000"  # a private-use character marks paragraph breaks while serialising
# the text of a tree with a break mark before and after every block element's content, made by libxslt in C
# (as setting each element's text and tail from Python would, in half the time)
_MARK_BLOCKS = etree.XSLT(etree.XML(
    '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
    '<xsl:output method="text" encoding="UTF-8"/>'
    f'<xsl:template match="{"|".join(_BLOCK_TAG_LIST)}">&#xE000;<xsl:apply-templates/>&#xE000;</xsl:template>'
    '</xsl:stylesheet>'))
_CHROME_ATTR = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|breadcrumbs?|crumbs?|footer|foot|header|sidebar|side|share|sharing|comments?|pinglun|"
    r"recommend|related|relate|hot|rank|bangdan|login|search|advert|ads?|banner|toolbar|qrcode|qr|kaihu|appendqr|promo|"
    r"swiper|slide|pager|pagination|gotop|back_to_top|copyright|tonglan|phone_share|nativeshare|dianzan|gongneng)(?:$|[\s_-]|\d)",
    re.I,
)
_CONTENT_SELECTORS = (
    "#content_area", ".content_area", "[itemprop=articleBody]", "#artibody", ".article-content", ".article_content",
    "#article-content", ".TRS_Editor", "#js_content", ".rich_media_content", ".post-content", ".entry-content",
    "#mainText", ".main-text", "#text", ".article-body", ".articleBody", "#zoom", ".Custom_UnionStyle", "article",
)
_PUNCT = re.compile(r"[，。、；：！？,]")
_SPACE = re.compile(r"\s+")
_DATE_META = (
    "article:published_time", "og:article:published_time", "publishdate", "publish_date", "pubdate", "PubDate",
    "og:release_date", "published_time", "datePublished", "date", "dc.date", "DC.date.issued", "sailthru.date",
    "weibo:article:create_at", "article:modified_time", "updated_time", "lastmod",
)
_SITE_SUFFIX = re.compile(r"\s*(?:[_|｜–—－]|--| - )\s*")
_LABEL_PREFIX = re.compile(r"^(?:\[(?:视频|視頻|图文|圖文|组图|組圖|快讯|快訊)\]|【(?:视频|視頻|图文|圖文|组图|組圖)】)\s*")

# Plain lxml elements (not lxml.html's, whose class lookup runs Python code for every element touched):
# the few lxml.html methods used are the functions below.
_parser = etree.HTMLParser(remove_comments=True, remove_pis=True, recover=True, encoding="utf-8")
_string = etree.XPath("string()")
_WITH_CLASS_OR_ID = etree.XPath(".//*[@class or @id]")  # descendants, in document order
_SELECTORS = []
for _sel in _CONTENT_SELECTORS:
    try:
        _SELECTORS.append(CSSSelector(_sel, translator="html"))
    except Exception:  # noqa: BLE001 - cssselect raises several types for odd selectors
        pass


def text_content(el) -> str:
    """The text of an element and its descendants (lxml.html's ``text_content``)."""
    return str(_string(el))


def drop_tree(el) -> None:
    """Remove an element and its descendants, keeping its tail text (lxml.html's ``drop_tree``)."""
    parent = el.getparent()
    if el.tail:
        previous = el.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + el.tail
        else:
            previous.tail = (previous.tail or "") + el.tail
    parent.remove(el)


def parse_html(markup: str) -> etree._Element | None:
    """Parse markup (a page or a fragment) into an lxml tree; None if nothing parses."""
    markup = markup.strip()
    if not markup:
        return None
    try:
        root = etree.fromstring(markup.encode("utf-8"), _parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    return root


def _meta_map(metas) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in metas:
        key = m.get("property") or m.get("name") or m.get("itemprop") or m.get("http-equiv")
        val = m.get("content")
        if key and val and key not in out:
            out[key.strip()] = val.strip()
            out.setdefault(key.strip().lower(), val.strip())
    return out


def clean_title(title: str | None) -> str | None:
    """Drop a site-name suffix (``标题_新华网``) and a leading label (``[视频]``)."""
    if not title:
        return None
    title = re.sub(r"\s+", " ", unescape(title)).strip()
    parts = [p for p in _SITE_SUFFIX.split(title) if p.strip()]
    if len(parts) > 1:
        longest = max(parts, key=len)
        others = [p for p in parts if p is not longest]
        if all(len(p) <= 14 for p in others) and len(longest) >= 6:
            title = longest.strip()
    title = _LABEL_PREFIX.sub("", title)
    return title or None


def _json_ld(scripts) -> dict:
    for s in scripts:
        try:
            data = json.loads(s.text or "")
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict) and ("datePublished" in item or "headline" in item):
                return item
    return {}


def page_metadata(root) -> dict[str, object]:
    """Title, date, publisher, author, URL and description a page states about itself."""
    found: dict[str, list] = {"meta": [], "script": [], "title": [], "h1": [], "link": [], "time": []}
    for el in root.iter("meta", "script", "title", "h1", "link", "time"):  # one walk of the tree, not six
        found[el.tag].append(el)
    meta = _meta_map(found["meta"])
    ld = _json_ld(s for s in found["script"] if s.get("type") == "application/ld+json")
    title_el = found["title"][0] if found["title"] else None
    page_title = text_content(title_el) if title_el is not None else None
    h1 = found["h1"][0] if found["h1"] else None
    url = None
    for link in found["link"]:
        if (link.get("rel") or "").lower() == "canonical" and link.get("href"):
            url = link.get("href").strip()
            break
    url = url or meta.get("og:url")
    published = None
    for key in _DATE_META:
        if meta.get(key):
            published = parse_date(meta[key])
            if published:
                break
    if not published and ld.get("datePublished"):
        published = parse_date(ld["datePublished"])
    if not published:
        for t in found["time"]:
            published = parse_date(t.get("datetime") or text_content(t))
            if published:
                break
    publisher = meta.get("source") or meta.get("og:site_name") or meta.get("application-name")
    if not publisher and isinstance(ld.get("publisher"), dict):
        publisher = ld["publisher"].get("name")
    author = meta.get("author") or meta.get("article:author")
    if not author and isinstance(ld.get("author"), dict):
        author = ld["author"].get("name")
    title = meta.get("og:title") or (ld.get("headline") if isinstance(ld.get("headline"), str) else None)
    title = title or page_title or (text_content(h1) if h1 is not None else None)
    return {
        "title": clean_title(title),
        "page_title": page_title.strip() if page_title else None,
        "published_at": published,
        "url_date": date_from_url(url),
        "publisher": publisher,
        "author": author,
        "url": url,
        "description": meta.get("description") or meta.get("og:description"),
        "keywords": meta.get("keywords"),
    }


def _drop(root) -> None:
    """Remove scripts, styles, forms, media … below ``root``, keeping the text that follows each (in C: what
    :func:`drop_tree` on each would do)."""
    etree.strip_elements(root, *_DROP_TAGS, with_tail=False)


def _is_chrome(el) -> bool:
    attrs = " ".join(filter(None, (el.get("class"), el.get("id"))))
    return bool(attrs) and bool(_CHROME_ATTR.search(attrs))


def _text_len(el) -> int:
    return len(_SPACE.sub("", text_content(el)))


def _link_len(el) -> int:
    return sum(len(_SPACE.sub("", text_content(a))) for a in el.iter("a"))


def _by_selector(root):
    best, best_len = None, 0
    for select in _SELECTORS:
        for el in select(root):
            n = _text_len(el) - _link_len(el)
            if n > best_len:
                best, best_len = el, n
        if best is not None and best_len >= 30:
            return best
    return None


def _by_density(root):
    scores: dict = {}
    for el in root.iter("p", "div", "td", "section", "article", "li", "pre"):
        own = (el.text or "") + "".join((c.tail or "") for c in el)
        if el.tag != "p" and len(own.strip()) < 25:
            continue
        text = text_content(el) if el.tag == "p" else own
        text = _SPACE.sub("", text)
        if len(text) < 10:
            continue
        score = 1 + len(_PUNCT.findall(text)) + min(len(text) / 100, 3)
        parent = el.getparent() if el.tag == "p" else el
        if parent is None:
            continue
        scores[parent] = scores.get(parent, 0) + score
        grand = parent.getparent()
        if grand is not None and el.tag == "p":
            scores[grand] = scores.get(grand, 0) + score / 2
    best, best_score = None, 0.0
    for el, score in scores.items():
        total = _text_len(el) or 1
        density = _link_len(el) / total
        final = score * (1 - density)
        if _is_chrome(el):
            final *= 0.2
        if final > best_score:
            best, best_score = el, final
    return best


def find_content_block(root):
    """The element that holds the article (None when the page has no article-like text)."""
    body = root.find(".//body")
    body = body if body is not None else root
    block = _by_selector(body)
    if block is None:
        block = _by_density(body)
    return block


def paragraphs(el, marked: bool = True) -> list[str]:
    """Flatten an element into paragraphs: block elements and ``<br>`` break, inline ones join.

    A break mark is put before and after every block element's content as libxslt serialises the text, and
    the text is cut at the marks. Where the page holds the mark character itself (``marked=False``) or nests
    deeper than libxslt goes, the tree is walked in Python instead."""
    text = _marked_text(el) if marked else None
    if text is None:
        return _paragraphs_walk(el)
    return [part for part in text.split(_BREAK) if part.strip()]


def text_lines(el, marked: bool = True) -> str:
    """The element's text with a line break at every block boundary: the lines of ``paragraphs(el)``, and the
    blank ones between blocks, which are left in (no reader of the lines minds them) instead of being cut out
    and joined again."""
    text = _marked_text(el) if marked else None
    if text is None:
        return "\n".join(_paragraphs_walk(el))
    return text.replace(_BREAK, "\n")


def _marked_text(el) -> str | None:
    """The element's text with a break mark around every block element's content (None if it nests deeper than
    libxslt recurses)."""
    try:
        return str(_MARK_BLOCKS(el))
    except etree.XSLTApplyError:
        return None


def _paragraphs_walk(el) -> list[str]:
    out: list[str] = []
    buf: list[str] = []

    def flush():
        if buf:
            text = "".join(buf)
            if text.strip():
                out.append(text)
            buf.clear()

    def walk(node, depth=0):
        tag = node.tag if isinstance(node.tag, str) else None
        if tag is None:  # comments / processing instructions that survived parsing
            if node.tail:
                buf.append(node.tail)
            return
        block = tag in _BLOCK_TAGS
        if block:
            flush()
        if node.text:
            buf.append(node.text)
        if depth < 200:
            for child in node:
                walk(child, depth + 1)
        if block:
            flush()
        if node.tail and depth > 0:
            buf.append(node.tail)

    walk(el)
    flush()
    return out


def article_html(markup: str, whole: bool = False) -> tuple[list[str], dict[str, object], Callable[[], str | None]]:
    """Return (paragraphs, page metadata, the page text outside the block) for a page or fragment.

    With ``whole`` the markup is an article body already (a feed item, a
    Markdown body): no block selection, only chrome removal. The outside text is
    a function: it is only read when the page's metadata lacks a date or publisher.
    """
    root = parse_html(markup)
    if root is None:
        return [], {}, _nothing
    meta = page_metadata(root) if not whole else {}
    _drop(root)
    body = root.find(".//body")
    body = body if body is not None else root
    block = body if whole else find_content_block(body)
    if block is None:
        return [], meta, _nothing
    for el in _WITH_CLASS_OR_ID(block):  # (only they can be chrome: _is_chrome reads class and id)
        if _is_chrome(el) and el.getparent() is not None:
            drop_tree(el)
    marked = _BREAK not in markup
    paras = paragraphs(block, marked)
    if whole:
        return paras, meta, _nothing
    # Labelled stamps (发布时间, 来源) usually sit outside the article block.
    parent = block.getparent()
    if parent is not None:
        parent.remove(block)
    return paras, meta, lambda: text_lines(body, marked)


def _nothing() -> None:
    return None


_STAMP_SOURCE = re.compile(r"(?:来源|來源)[^\S\n]*[:：][^\S\n]*([^\s\u3000|｜]{2,30})")  # within one line
_STAMP_DATE_CUE = re.compile(r"时间|時間|日期|发布|發布|\d{4}[-年/]")
_STAMP_LINE = 120  # a stamp is a short line: longer ones are article text that happens to say 来源 or 时间


def _line_at(text: str, i: int) -> tuple[int, str]:
    """(start, stripped text) of the line of ``text`` that holds offset ``i``."""
    start = text.rfind("\n", 0, i) + 1
    end = text.find("\n", i)
    return start, text[start:end if end >= 0 else len(text)].strip()


def stamp_from_text(text: str | None) -> tuple[str | None, str | None]:
    """(published_at, publisher) from labelled lines such as ``发布时间：… 来源：…`` in page text: the publisher
    of the first short line that names a 来源, the first date of the first short line with a date cue. The
    text is searched whole (a page's outside text runs to hundreds of lines) and only the lines around a cue
    are looked at."""
    if not text:
        return None, None
    publisher = date = None
    for m in _STAMP_SOURCE.finditer(text):
        if len(_line_at(text, m.start())[1]) <= _STAMP_LINE:
            publisher = m.group(1)
            break
    checked = -1
    for m in _STAMP_DATE_CUE.finditer(text):
        start, line = _line_at(text, m.start())
        if start == checked:
            continue  # another cue of a line already looked at
        checked = start
        if len(line) <= _STAMP_LINE:
            date = find_date_in_text(line)
            if date:
                break
    return date, publisher
