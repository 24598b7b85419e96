"""The layout of a page's text: its headline, the stamp that dates it, where the article runs, and the clutter.

Pages scraped as text arrive with their navigation, spam headers, stamps and footers as lines of their own.
Every line is given a part by what it is made of (``resources/page_words.tsv`` holds the labels and phrases,
with why each is there), looked at in simplified script so both scripts read alike:

- ``spam``: porn, gambling or escort vocabulary (a line of it, or a brand glued to the head of a line);
- ``nav``: a breadcrumb or a row of short menu items; ``chrome``: the site's furniture (登录, 放大字体);
- ``stamp``: a short line made of a date, a source, an author or counters (发布时间：… 来源：… 浏览：32);
- ``label``: a line that opens with a label that is not article text (关键词：…, 本文摘要：);
- ``footer``, ``caption`` (X 摄, △…, 图为…, image files), ``byline`` (authors, affiliations), ``table``;
- ``text``: everything else.

The article starts at its first long line of text; the lines above it are the page's header, where the
headline is looked for: a Markdown ``#`` heading, a line a stamp follows, a line that follows the breadcrumb,
a line the page repeats. The publication date is the date of the stamp nearest the headline, labelled or bare,
in either script, read before anything is dropped; a date after the article (a footer) or of another kind (a
forum user's last login, a citation's access date) is not taken, and a page with no full date says so (None).
A regulation's date is its latest adoption or amendment line.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from ..resources import table
from .dates import find_date_in_text
from .lines import normalize_paragraph
from .script import to_simplified

_SEP = r"[\s\u3000|｜>＞»›/·•?？\-–—_]+"
_SEPARATORS = re.compile(_SEP)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SENTENCE = re.compile(r"[。！？!?；;]")
_COMMA = re.compile(r"[，,、]")
_DATE = re.compile(r"(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?")
_PART_DATE = re.compile(r"\d{1,2}\s*[-/月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?|\d{1,2}[:：]\d{2}")
_HEADING_MD = re.compile(r"^#{1,2}\s+(?P<t>.+?)\s*#*$")
_SECTION = re.compile(r"^(?:第[一二三四五六七八九十百零\d]+[章节条部分篇]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．]\s?|0\d)")
_ADOPTED = re.compile(r"(?:通过|修正|修订|公布|批准|施行|颁布)")
_ORIGINAL_TITLE = re.compile(r"^原标题\s*[:：]\s*(?P<t>.+)$")
# authors: two or more names (陈 雯,刘 伟 / 张学良, 吴胜男), a name written with a space (冯 萌), or after □
_NAME = re.compile(r"^[□■◇◆]\s*[\u4e00-\u9fff]{2,3}(?:[\s,，、]+[\u4e00-\u9fff]{2,3})*$|^[\u4e00-\u9fff]\s[\u4e00-\u9fff]{1,2}$"
                   r"|^[\u4e00-\u9fff]\s?[\u4e00-\u9fff]{1,2}(?:\s*[,，、;；]\s*[\u4e00-\u9fff]\s?[\u4e00-\u9fff]{1,2}){1,6}$")
_AFFILIATION = re.compile(r"^[（(].*(?:大学|学院|研究所|研究院|研究中心|实验室|科学院|\d{6}).*[)）]$")
_CAPTION = re.compile(r"(?:^[△▲▼◆▶]|^图为|^(?:图|图片|照片)\s*[:：]|摄$|摄[)）。]?$|供图[)）。]?$|\(图\d*\)$|（图\d*）$|示意图\s*\|?$"
                      r"|\.(?:jpe?g|png|gif|webp)$|^[（(]相关资料图[)）]$|资料图$)", re.I)
_TABLE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$|^\|.*\|$|^[^|]{1,30}\|[^|]{0,40}\|\s*$")
_SIZE = re.compile(r"^[•·\s]*(?:\d+(?:\.\d+)?\s*(?:KB|MB|GB|kb|mb|页|字)|\d+\s*$)")
_DEK = re.compile(r"^(?:本文|文章|近日|据|摘要|记者|日前|今天|昨天)")
_CREDIT_LINE = re.compile(r"^[（(【\[].{0,80}(?:编辑|撰稿|审稿|摄影|摄)\s*[/:：]?.{0,60}[)）】\]]?$")
_WIKI_TABS = re.compile(r"(?:(?:查看源代码|编辑源代码|查看历史|讨论|阅读|编辑)){2,}$")  # a wiki's tabs after its title
# a stamp run into the article's first line (http://msn.finance.sina.com.cn 2011-11-23 13:35 来源: 商务部网站11月13日,…)
_STAMP_PREFIX = re.compile(r"^(?:https?://\S+\s*)?(?P<date>(?:19|20)\d\d[-/.]\d{1,2}[-/.]\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)"
                           r"(?:\s*(?:来源|稿源)\s*[:：]\s*[^\d\s，。,]{2,12}?(?=\d|\s|$))?\s*")
_EMAIL = re.compile(r"^\S+@\S+\.[a-z]{2,6}$", re.I)
_ISSUE = re.compile(r"(?:19|20)\d\d年\s*(?:第\s*)?\d{1,2}\s*期")  # a journal's issue (池州学院学报 2022年2期)
_CREDIT_WORDS = re.compile(r"记者|通讯员|摄影|撰稿")
_SITE_NAME = re.compile(r"https?://|www\.|(?:网|在线|频道|门户|客户端|日报|晚报|报社|电视台)$")
_WIRE_TITLE = re.compile(r"^.{0,16}?电\s*题\s*[:：]\s*(?P<t>.+)$")  # 新华社成都9月13日电 题：…: the wire's headline
_TITLE_SITE = re.compile(r"\s*(?:(?<![\w])_(?![\w])|(?<=[^\x00-\x7f])_(?=[^\x00-\x7f])|\s[-–—|｜]\s|[|｜]|-(?=[^-\s]{2,12}$))\s*")


@lru_cache(maxsize=1)
def _words() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in table("page_words"):
        out.setdefault(e.kind, []).append(e.word)
    return out


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    w = _words()

    def alt(*kinds: str) -> str:
        return "|".join(sorted((re.escape(x) for k in kinds for x in w.get(k, ())), key=len, reverse=True))

    spam = table("page_words")
    return {
        "field": re.compile(rf"(?:{alt('stamp', 'not_stamp', 'source', 'author', 'editor', 'counter')})\s*[:：]?"),
        "stamp_label": re.compile(rf"(?:{alt('stamp')})\s*[:：]?\s*$|(?:{alt('stamp')})\s*[:：]"),
        "not_stamp": re.compile(rf"(?:{alt('not_stamp')})"),
        "label": re.compile(rf"^[\[【〖(（]?\s*(?:{alt('label')})\s*[\]】〗)）]?\s*(?:[:：]|$)"),
        "label_any": re.compile(rf"(?:{'|'.join(re.escape(e.word) for e in spam if e.kind == 'label' and e.position == 'any')})\s*[:：]"),
        "footer": re.compile(rf"(?:{alt('footer')})"),
        "spam": re.compile(rf"(?:{alt('spam')})"),
        "source_value": re.compile(rf"(?:{alt('source')})\s*[:：]\s*(?P<v>[^\s|｜:：]{{2,30}})"),
        "author_value": re.compile(rf"(?:{alt('author')})\s*[:：]\s*(?P<v>[^\s|｜:：]{{2,20}})"),
        "editor_value": re.compile(rf"(?:{alt('editor')})\s*[:：/]\s*(?P<v>[^\s|｜:：]{{2,20}})"),
    }


@lru_cache(maxsize=1)
def _spam_weight() -> dict[str, int]:
    return {e.word: int(e.weight or 1) for e in table("page_words") if e.kind == "spam"}


@lru_cache(maxsize=1)
def _chrome_words() -> frozenset[str]:
    return frozenset(_words().get("chrome", ()))


@lru_cache(maxsize=1)
def _chrome_phrase() -> re.Pattern:
    return re.compile("|".join(sorted((re.escape(w) for w in _chrome_words() if len(w) >= 3), key=len, reverse=True)))


@lru_cache(maxsize=1)
def _strong_spam() -> re.Pattern:
    """The spam words that are never news vocabulary (weight 2)."""
    return re.compile("|".join(sorted((re.escape(w) for w, n in _spam_weight().items() if n >= 2), key=len,
                                      reverse=True)))


def spam_score(view: str) -> int:
    weights = _spam_weight()
    return sum(weights.get(m.group(), 1) for m in _patterns()["spam"].finditer(view))


def spam_head(view: str) -> int:
    """The length of a spam brand glued to the head of a line (上海龙凤论坛419 - …, 爱上海 …), else 0."""
    m = re.match(r"^(?P<h>[^\s•\-–—]{2,14})(?:\s*[•\-–—]\s*|\s+)(?=\S)", view)
    if m and spam_score(m.group("h")) >= 2:
        return m.end()
    return 0


def _bare(view: str) -> str:
    """A line without its dates, times, field labels and their short values, and separators: what is left of
    a stamp line is (almost) nothing."""
    s = _DATE.sub(" ", view)
    s = _PART_DATE.sub(" ", s)
    s = _patterns()["field"].sub(" ", s)
    return s


def is_stamp(view: str) -> bool:
    if len(view) > 100:
        return False
    has_date = bool(_DATE.search(view))
    fields = len(_patterns()["field"].findall(view))
    if len(view) <= 40 and _ISSUE.search(view) and not _SENTENCE.search(view):
        return True
    if not has_date and fields < 1:
        return False
    if fields >= 2 and not _FULL_STOP.search(view):
        return True
    rest = _CJK.findall(_patterns()["field"].sub(" ", _DATE.sub(" ", view)))
    if has_date:
        return len(rest) <= 12 or fields >= 2
    # labels without a date (来源：新华网 作者：…): a line of fields, short values only
    return fields >= 1 and bool(re.match(r"^\S{0,6}\s*[:：]|^[\[【(（]?\s*\S{0,6}[:：]", view)) and len(view) <= 60 \
        and not _SENTENCE.search(view)


def is_nav(view: str) -> bool:
    if len(view) > 80 or _SENTENCE.search(view) or "，" in view:
        return False
    tokens = [t for t in _SEPARATORS.split(view) if t]
    if not tokens:
        return True
    if re.search(r"[>＞»›]", view) and all(len(t) <= 14 for t in tokens):
        return True  # a breadcrumb
    chrome = _chrome_words()
    if all(t in chrome for t in tokens):
        return True
    return len(tokens) >= 3 and all(len(t) <= 6 for t in tokens) and sum(t in chrome for t in tokens) >= 1 \
        or len(tokens) >= 4 and all(len(t) <= 4 for t in tokens)


def part_of(view: str) -> str:
    """What one line of a page is (see the module's docstring), from its simplified text."""
    if not view:
        return "empty"
    score, covered = spam_score(view), sum(m.end() - m.start() for m in _patterns()["spam"].finditer(view))
    if score >= 4 and (len(view) < 40 or covered >= 0.15 * len(view)) or score >= 2 and (
            len(view) <= 24 or not _SENTENCE.search(view) and len(_COMMA.findall(view)) < 2):
        return "spam"
    if is_stamp(view):
        return "stamp"
    if _TABLE.match(view):
        return "table"
    stripped = view.strip("•·*[]【】〖〗()（）<>《》 ")
    if stripped in _chrome_words() or (len(view) <= 40 and all(
            t in _chrome_words() for t in _SEPARATORS.split(stripped) if t) and stripped):
        return "chrome"
    tight = re.sub(r"\s+", "", view)
    if len(tight) <= 40 and _chrome_phrase().search(tight) and not _FULL_STOP.search(tight[:-1]):
        return "chrome"
    if "上一篇" in view and "下一篇" in view or _EMAIL.match(view):
        return "nav"
    if _patterns()["label"].match(view) or (len(view) <= 60 and _patterns()["label_any"].search(view)):
        return "label"
    if len(view) <= 120 and _patterns()["footer"].search(view):
        return "footer"
    if is_nav(view):
        return "nav"
    if _SIZE.match(view):
        return "chrome"
    if len(view) <= 60 and _CAPTION.search(view) and not (len(view) > 30 and _SENTENCE.search(view[:-1])):
        return "caption"
    if len(view) <= 40 and _NAME.match(view) and not _SENTENCE.search(view):
        return "byline"
    if len(view) <= 120 and (_AFFILIATION.match(view) or _CREDIT_LINE.match(view)):
        return "byline"
    if len(view) <= 30 and _CREDIT_WORDS.search(view) and not _SENTENCE.search(view) and "，" not in view \
            and not re.match(r"^[（(].*[)）]$", view):
        return "byline"  # 马报融媒记者 江勇 邵纪明 (a reporter's own parenthesised credit stays: （总台记者 金珠）)
    return "text"


@dataclass
class Layout:
    title: str | None = None
    published: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    dropped: Counter = field(default_factory=Counter)
    meta: dict[str, str] = field(default_factory=dict)


_FULL_STOP = re.compile(r"[。；;]|[？?](?!$)")


def _long_text(view: str) -> bool:
    """A line of the article's text: a sentence, or a long run of words. A headline may hold a comma or an
    exclamation (出炉,宜宾入选!), rarely a full stop or two commas."""
    return len(view) >= 64 or (len(view) >= 20 and (bool(_FULL_STOP.search(view)) or len(_COMMA.findall(view)) >= 2)) \
        or (len(view) >= 36 and bool(_COMMA.search(view)))


def _headline_like(view: str, short: bool = False, section: bool = False) -> bool:
    """Could ``view`` be a headline (``short``: an entry's name of 2–4 characters, where the page says so;
    ``section``: a chapter's heading may head its own page)?"""
    n = len(_CJK.findall(view))
    if n < (2 if short else 5) or len(view) > 64 or view.endswith(("。", "，", "：", ":", "；")):
        return False
    if (_SECTION.match(view) and not section) or _DEK.match(view) or _NAME.match(view):
        return False
    return not (len(view) > 36 and len(_COMMA.findall(view)) >= 2)


def _trim_site(title: str) -> str:
    """``标题_站名`` / ``标题 - 站名`` / ``标题|站名``: the headline is the longest part."""
    parts = [p.strip() for p in _TITLE_SITE.split(title) if p.strip()]
    if len(parts) == 1:
        return parts[0]
    if len(parts) >= 2:
        best = max(parts, key=lambda p: len(_CJK.findall(p)))
        if len(_CJK.findall(best)) >= 5:
            return best
    return title.strip()


def read_layout(lines: list[str], markdown: bool = False) -> Layout:
    """The layout of a page given as lines (each a paragraph as the page had it, either script)."""
    out = Layout()
    raw = [normalize_paragraph(x) for x in lines]
    raw = [x for x in raw if x]
    view = [to_simplified(x) for x in raw]
    heading = None  # a Markdown heading at the top (a regulation's title), in a Markdown file or in text
    for i, v in enumerate(view[:3]):
        if _HEADING_MD.match(v):
            heading = i
            break
    parts = [part_of(_HEADING_MD.sub(r"\g<t>", v) if v.startswith("#") else v) for v in view]
    body = next((i for i, (p, v) in enumerate(zip(parts, view)) if p == "text" and _long_text(v) and i != heading),
                len(view))
    title_at = _headline(raw, view, parts, body, heading, out)
    out.published = _published(view, parts, body, title_at, heading)
    if body < len(view) and (m := _STAMP_PREFIX.match(view[body])) and m.end() < len(view[body]):
        out.published = out.published or find_date_in_text(m.group("date"))
        raw[body], view[body] = raw[body][m.end():], view[body][m.end():]
        out.dropped["metadata line"] += 1
    for i, (line, v, part) in enumerate(zip(raw, view, parts)):
        if i == title_at and out.title:
            out.dropped["title line"] += 1
            continue
        m = _ORIGINAL_TITLE.match(v)
        if m:
            out.meta.setdefault("original_title", line[m.start("t"):])
            out.dropped["metadata line"] += 1
            continue
        if part in ("empty",):
            continue
        if part != "text":
            if part == "stamp":
                _stamp_fields(line, v, out.meta)
            out.dropped[_REASON[part]] += 1
            continue
        if i < body < len(view) and not _long_text(v) and (title_at is None or i < title_at):
            out.dropped["page header"] += 1  # a short line above the headline: the site's, not the article's
            continue
        out.paragraphs.append(line)
    return out


_REASON = {"spam": "spam", "table": "table", "chrome": "site chrome", "label": "label line", "stamp": "metadata line",
           "footer": "copyright notice", "nav": "breadcrumb", "caption": "caption", "byline": "byline"}


def _stamp_fields(line: str, view: str, meta: dict[str, str]) -> None:
    p = _patterns()
    for key, name in (("source_value", "publisher"), ("author_value", "author"), ("editor_value", "editor")):
        m = p[key].search(view)
        if m:
            meta.setdefault(name, line[m.start("v"):m.end("v")].strip())


def _headline(raw: list[str], view: list[str], parts: list[str], body: int, heading: int | None,
              out: Layout) -> int | None:
    """Choose the headline among the header's lines (or a Markdown heading); set ``out.title``; its index."""
    if heading is not None:
        m = _HEADING_MD.match(raw[heading])
        out.title = m.group("t") if m else raw[heading]
        return heading
    candidates: list[tuple[int, int, str]] = []  # (score, index, text as the page writes it)
    first = next((i for i, p in enumerate(parts) if p == "text"), None)
    for i in range(min(body + 2, len(view))):
        v = view[i]
        if parts[i] == "stamp":  # a headline glued before its stamp (《…》(上)时间: 2019-08-28 来源：…)
            m = _patterns()["stamp_label"].search(v)
            head = v[:m.start()].strip() if m else ""
            if head and _headline_like(head) and not _patterns()["field"].search(head) and not _SITE_NAME.search(head):
                # a document's title (《…》) is its headline; other heads are a headline only when none stands above
                candidates.append((7 if "《" in head else 2, i, raw[i][:len(head)].strip()))
            continue
        if _ORIGINAL_TITLE.match(v):
            continue
        wire = _WIRE_TITLE.match(v)
        if wire and _headline_like(wire.group("t")):
            candidates.append((6, i, raw[i][wire.start("t"):].strip()))
            continue
        core = _trim_site(_WIKI_TABS.sub("", v))
        repeated = _repeated(core, view, i)
        after = next((k for k in range(i + 1, min(i + 4, len(view))) if parts[k] == "text" and _long_text(view[k])),
                     None)
        entry = len(core) <= 10 and after is not None and view[after].startswith(core) and _long_text(view[after])
        section = bool(_SECTION.match(v)) and i == first
        if parts[i] != "text" or not _headline_like(v, short=repeated or entry, section=section) \
                or (i >= body and _long_text(v)) or (i > body and not repeated):
            continue
        score = 0
        nxt = [k for k in range(i + 1, min(i + 4, len(view))) if parts[k] not in ("empty", "chrome", "caption")]
        if nxt and (parts[nxt[0]] == "stamp" or _ORIGINAL_TITLE.match(view[nxt[0]])):
            score += 3
        elif len(nxt) >= 2 and parts[nxt[1]] == "stamp" and not _long_text(view[nxt[0]]):
            score += 2
        prev = [k for k in range(max(0, i - 3), i) if parts[k] != "empty"]
        if prev and parts[prev[-1]] in ("nav", "chrome"):
            score += 2
        if repeated or entry:
            score += 3  # the page says it again, or the article opens with it (an encyclopedia's entry)
        if i == first and all(parts[k] != "text" for k in range(i + 1, body)):
            score += 2  # the page's first line, right above the article (labels, chrome between)
        elif i < body:
            score += 1
        candidates.append((score, i, _trim_site(_WIKI_TABS.sub("", raw[i]))))
    best = max(candidates, key=lambda c: (c[0], -c[1]), default=None)
    if best is None or best[0] < 2:
        for i in range(min(body + 3, len(view))):  # the original headline a repost quotes (原标题：…)
            m = _ORIGINAL_TITLE.match(view[i])
            if m:
                out.title = raw[i][m.start("t"):].strip()
                return None
        if body == first and body < len(view):
            _flattened_headline(raw, view, body, out)
        return None
    out.title = best[2]
    return best[1] if parts[best[1]] != "stamp" else None


_GAP = re.compile(r"\s+")
_PAIRS = ("（）", "()", "《》", "“”", "【】", "[]")
_DATELINE = re.compile(r"\d{1,2}日电$|讯$")  # a wire's or paper's dateline (…11月14日电, 本报讯)


def _flattened_headline(raw: list[str], view: list[str], body: int, out: Layout) -> None:
    """A page flattened into one run of text keeps its paragraphs apart by spaces only: when the article's
    first line is the page's first, its first space-separated run that reads as a headline (no full stop,
    five Chinese characters or more) is the headline, and is taken out of the text."""
    v = view[body]
    for gap in _GAP.finditer(v[:72]):
        head, rest = v[:gap.start()], v[gap.end():]
        if len(head) > 64 or len(rest) < 20:
            break
        if _FULL_STOP.search(head):
            break
        if any(head.count(a) != head.count(b) for a, b in _PAIRS):
            break  # a fragment cut out of a sentence: (四川农村日报讯, 朱国亮)26日
        if not all(run[-1] in "!！?？:：" for run in _GAP.split(head)[:-1]):
            break  # a headline's inner space follows a kicker's mark (官宣!! 南京都市圈…), not a word
        if _DATELINE.search(head):
            break  # 中新网上海11月14日电: the story's dateline opens the text, no headline stands before it
        if len(_CJK.findall(head)) < 5 or part_of(head) != "text":
            continue
        if _headline_like(head) or (len(head) <= 48 and not head.endswith(("，", ",", "：", ":"))):
            out.title = raw[body][:gap.start()]
            raw[body], view[body] = raw[body][gap.end():], rest
            out.dropped["title line"] += 1
        break


def _repeated(core: str, view: list[str], i: int) -> bool:
    """Does the page say ``core`` again: as a line of its own, as the last item of a breadcrumb, or as a title
    with the site's name (标题_站名)?"""
    if len(core) < 2:
        return False
    for k, v in enumerate(view):
        if k == i:
            continue
        if v == core or _trim_site(v) == core and len(_CJK.findall(core)) >= 6:
            return True
        if v.endswith(core) and re.search(r"[>＞»›/|｜]\s*$", v[: len(v) - len(core)]):
            return True
        if k < i and len(core) >= 6 and v.startswith(core) and len(v) > len(core) + 20:
            return True  # a headline run into the article's first line above, and standing alone below it
    return False


def _published(view: list[str], parts: list[str], body: int, title_at: int | None, heading: int | None) -> str | None:
    """The date of the stamp nearest the headline, in the page's header or at the article's top."""
    limit = min(len(view), body + 3)
    if heading is not None:  # a regulation: its latest adoption or amendment line under the heading
        dates = [find_date_in_text(m.group()) for i in range(heading + 1, min(len(view), heading + 6))
                 if _ADOPTED.search(view[i]) and _DATE.match(view[i].lstrip("（( ")) for m in _DATE.finditer(view[i])]
        dates = [d for d in dates if d]
        if dates:
            return max(dates)
    start = title_at + 1 if title_at is not None else 0
    order = list(range(start, limit)) + list(range(0, start))
    for i in order:
        if parts[i] not in ("stamp", "label") and not (i < body and parts[i] in ("text", "nav", "chrome")):
            continue
        v = view[i]
        if len(v) > 100:
            continue
        for m in _DATE.finditer(v):
            before = v[max(0, m.start() - 8):m.start()]
            if _patterns()["not_stamp"].search(before) or _patterns()["not_stamp"].match(v[m.end():m.end() + 4]):
                continue
            if parts[i] == "text" and not (_patterns()["stamp_label"].search(before) or len(v) <= 30):
                continue
            return find_date_in_text(m.group())
    return None


# Clutter inside a paragraph, by reason: what a converter, a template or a credit left in the article's lines; a
# pattern is tried only on a paragraph holding one of its marks (each match contains one)
_INLINE = (
    ("converter note", ("[", "【", "《", "{", "（", "("),
     re.compile(r"[\[【《{（(](?:繁体?|简体?|拼音|pinyin|练)\s*[:：][^\]】》}）)]{1,12}[\]】》}）)]")),
    ("markup residue", ("<", ">", "[", ";", "&"),
     re.compile(r"<正>|<!--.*?-->|<!--.*$|^(?:(?!<!--).)*?-->|</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]{0,200})?/?>|"
                r"[?？…。,，]{0,2}/[a-z]{1,6}>|!\[[^\]]*\]\([^)]*\)|^(?:;\s*){2,}|&[a-z]{2,6};")),
    # credits: a dateline's 本报讯(记者 …), and credits that name editors or reviewers (a reporter's own credit,
    # （总台记者 金珠）, says who wrote the article and stays)
    ("byline", ("本报讯", "撰稿", "审稿", "编辑", "观察员", "摄"),
     re.compile(r"^本报讯\s*[（(][^)）]{1,30}[)）]\s*|"
                r"[（(【\[][^)）】\]]{0,24}(?:撰稿人?|审稿人?|编辑|观察员)[^)）】\]]{0,30}(?:[)）】\]]|$)"
                r"|(?<=[。！？!?”])\s*[\u4e00-\u9fff]{2,4}(?:\s[\u4e00-\u9fff]{2,4})*\s?摄$|\[编辑\s*[:：]?$")),
    ("source credit", ("来源", "稿源", "新华社发", "供图"),
     re.compile(r"[（(](?:来源|稿源|图片来源)\s*[:：][^)）]{2,24}[)）]|(?:^|(?<=\s))图片来源\s*[:：]\s*\S{2,20}(?=\s|$)"
                r"|新华社发\s*[（(][^)）]{0,12}[)）]$|[（(][^)）]{0,12}供图[)）]$")),
    ("photo credit", ("摄",),
     re.compile(r"(?:^|(?<=\s))\S{0,12}记者\s?[\u4e00-\u9fff]{2,3}\s?摄(?=\s|$)")),
    ("citation mark", ("[", "〔"),
     re.compile(r"\[\d{1,3}\]|〔\d{1,3}〕|\[\d{1,3}(?:[-,，]\d{1,3})+\]")),
    ("image file", (".",),
     re.compile(r"[\w\u4e00-\u9fff-]{1,40}\.(?:jpe?g|png|gif|webp)\b", re.I)),
    ("picture mark", ("图",),
     re.compile(r"[（(]图\d{0,2}[)）]")),
)


def scrub(line: str, view: str | None = None, dropped: Counter | None = None) -> str:
    """A paragraph without the clutter inside it (converter notes, markup residue, credits, citation marks, image
    files, a spam brand at its head), each removal counted by reason in ``dropped``. Matching is done on its
    simplified ``view`` (same length), so both scripts are cleaned alike."""
    view = view if view is not None else to_simplified(line)
    spans: list[tuple[int, int, str]] = []
    head = spam_head(view)
    if head:
        spans.append((0, head, "spam"))
    for m in _strong_spam().finditer(view):  # an advertisement spliced into a sentence (…规划中开云体育的沪苏湖高铁…)
        spans.append((m.start(), m.end(), "spam"))
    for reason, marks, pattern in _INLINE:
        if not any(mark in view for mark in marks):
            continue
        for m in pattern.finditer(view):
            if m.end() > m.start():
                spans.append((m.start(), m.end(), reason))
    if not spans:
        return line
    spans.sort()
    out, pos = [], 0
    for a, b, reason in spans:
        if a < pos:
            continue
        out.append(line[pos:a])
        pos = b
        if dropped is not None:
            dropped[reason] += 1
    out.append(line[pos:])
    return normalize_paragraph("".join(out))
