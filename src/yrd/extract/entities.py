"""People with their titles, and organisations with a kind.

People are found where Chinese news names them: after a title chain
(``南通市委常委、常务副市长周建华``), in a byline (``记者 金珠``); the name's
length is decided by what follows it (``宁波表示`` vs ``周建华在``), and every
later mention of the same name is collected. Organisations are found by their
suffix (委员会, 管委会, 海关, 集团, 大学, 开发区, 联盟, 铁路 …) and extended to the
left over the name until a boundary word, so long names stay whole
(``长三角生态绿色一体化发展示范区执行委员会``).
"""
from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

from ..resources import Entry, guarded, path, table, words
from .lexicon import Lexicon
from .text import anchored

_SURNAMES = set(words("surnames", "surname"))
_COMPOUND = words("surnames", "compound_surname")
_TITLE_WORDS = "|".join(e.pattern or e.word for e in table("titles") if e.kind == "title")
_TITLE = re.compile(
    r"(?P<chain>(?:[\u4e00-\u9fffA-Za-z（）]{0,24}?(?:" + _TITLE_WORDS + r")[、，和及]?){1,6}?)"
    # the name is not itself the start of another title in the chain (国家主席、中央军委主席习近平)
    r"(?!常务|副|党|[^\W\d_和与及、，]{0,4}(?:" + _TITLE_WORDS + r"))"
    r"(?P<name>[\u4e00-\u9fff·]{2,5})"
)
# where title words start: the literal words of _TITLE_WORDS (首席…官 by its 首席), leftmost-longest
_TITLE_WORD = Lexicon(words("titles", "title"))
_CHAIN_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z（）]")
_FOREIGN_NAME_END = re.compile(r"(?:通电话|通话|会谈|会晤|会见|举行|进行|发表|访问|抵达|致电|出席|表示|说)")
_BYLINE = re.compile(r"(?:总台|本台|新华社|央视|本报|特约)?记者\s*(?P<name>[\u4e00-\u9fff]{2,3})(?=\s|[）)]|$|\n|报道|摄)")
_FOLLOW_WORDS = set(words("name_words", "follows_name"))
_NOT_NAME_STARTS = set(words("name_words", "not_name_start"))
_AFTER_NAME = set("在和与等说是的也还就到为对向同从将已称及并又都被把让给跟"
                  "、，。；：！？（）“”\"'《》 \n0123456789")
# 习近平总书记, 李强总理: the title after the name
_TITLE_AFTER_NAME = words("titles", "title_after_name")
_NAME_THEN_TITLE = re.compile(r"(?P<name>[\u4e00-\u9fff]{2,3}?)(?P<title>" + "|".join(_TITLE_AFTER_NAME) + ")"
                              r"(?=[，。、在向对同和与主出强指表说来到的为五多亲考调视]|$)")
# 范恒蔚说, 张杰介绍: a name right before a speech verb, after a clause boundary
_SAYS = words("titles", "says")
_NAME_SAYS = re.compile(r"(?:^|(?<=[，。：；“”\s]))(?P<name>[\u4e00-\u9fff]{2,3}?)(?=" + "|".join(_SAYS) + ")")
_CLAUSE_BREAK = frozenset("，。；：！？、\n ")
_FOREIGN_TITLES = words("titles", "foreign_title")
_NOT_NAMES = set(words("name_words", "not_name"))

# an organisation's name ends in one of these (resources/org_suffixes.tsv) or names a project of infrastructure
_SUFFIX_ROWS = [*table("org_suffixes"), *(Entry({**e, "kind": "project"}) for e in table("infrastructure") if e.org_suffix)]
_ORG_SUFFIX = tuple((e.word, e.kind) for e in _SUFFIX_ROWS)
_ORG_RE = re.compile("|".join(guarded(e) for e in sorted(_SUFFIX_ROWS, key=lambda e: -len(e.word))))
_INFRA_SUFFIX = tuple(e.word for e in table("infrastructure") if e.org_suffix)
# Words that end in an organisation suffix but are not organisations (格局, 餐厅, 全部, 系统工程 …).
_NOT_ORG_ENDINGS = words("org_words", "not_org_ending")
_GENERIC_ENDINGS = words("org_words", "generic_ending")
_ORG_KIND = dict(_ORG_SUFFIX)
_BOUNDARY_WORDS = words("org_words", "boundary")
# What ends a name on its left, written backwards: a character that is not part of names, a boundary word, or
# a measure word after a number (3家, 10个, 2025年; 国家 and 个人 do not end a name)
_REVERSED_STOP = re.compile(
    r"[^\u4e00-\u9fffA-Za-z0-9（）()·\-—]"
    + r"|[个家所座条批项年月日][0-9一二三四五六七八九十两几多余数百千万]"
)
_BOUNDARY = frozenset(_BOUNDARY_WORDS)
# 工业和信息化部, 县文化和旅游局: a department named after two fields joined by 和
_DEPARTMENT_END = re.compile(r"[^\W省市县区\d_]{1,6}?(?:部|局|厅|委员会|委)")  # (not 上海和江苏省委)
_HAN = re.compile(r"[\u4e00-\u9fff]")
_GENERIC_INFRA = re.compile(r"的|内|首条|首座|一条|多条|地区|区域|全国|国家|^长三角$|^长江$|沿线|沿江|沿海|城市")
_GENERIC_PREFIX = set(words("org_words", "generic_prefix"))
# a generic word, or one with a single character more, before a suffix (外资企业…, 相关部门…): no name
_GENERIC_PREFIX_RE = re.compile("(?:" + "|".join(map(re.escape, sorted(_GENERIC_PREFIX, key=len, reverse=True))) + ")(?s:.)?")
_GENERIC = set(words("org_words", "generic_name"))


def _span(text: str, start: int, end: int) -> dict:
    return {"start": start, "end": end, "text": text[start:end]}


def occurrences(text: str, word: str) -> list[dict]:
    """Every non-overlapping occurrence of ``word`` in ``text``, as spans."""
    out, n = [], len(word)
    i = text.find(word) if word else -1
    while i >= 0:
        out.append({"start": i, "end": i + n, "text": word})
        i = text.find(word, i + n)
    return out


def _follows(text: str, i: int) -> bool:
    """Does a word that follows names (表示, 主持, 总书记 …) start at ``i``?"""
    return text[i:i + 2] in _FOLLOW_WORDS or text[i:i + 3] in _FOLLOW_WORDS or text[i:i + 1] in ("等", "说")


def _name_length(text: str, start: int, foreign: bool) -> int:
    """How many characters from ``start`` form the person's name."""
    if not foreign:
        two = text[start:start + 2]
        if two in _COMPOUND:
            return 4 if start + 3 < len(text) and text[start + 3] not in _AFTER_NAME else 3
        if text[start:start + 1] not in _SURNAMES:
            return 0
        if text[start:start + 2] in _NOT_NAME_STARTS:
            return 0
        third = text[start + 2:start + 3]
        if not third or third in _AFTER_NAME or _follows(text, start + 2):
            return 2
        return 3
    n = 0
    while start + n < len(text) and n < 6 and (n < 2 or (text[start + n] not in _AFTER_NAME and not _follows(text, start + n))):
        n += 1
    cut = _FOREIGN_NAME_END.search(text, start, start + n + 3)
    if cut and cut.start() - start >= 2:
        n = min(n, cut.start() - start)
    return n


def find_people(text: str) -> list[dict]:
    """Named people with their title (as written before the name) and every mention."""
    people: dict[str, dict] = {}
    pos = 0
    for tw_start, _, _ in _TITLE_WORD.find(text):
        if tw_start < pos:
            continue  # inside a chain already read
        # anchor the chain at the clause boundary before this title word (at most 24 characters back)
        left = 0
        for j in range(tw_start - 1, max(-1, tw_start - 26), -1):
            if text[j] in _CLAUSE_BREAK:
                left = j + 1
                break
        m = None
        for st in range(max(left, tw_start - 24, pos), tw_start + 1):
            if _CHAIN_CHAR.match(text, st):
                m = _TITLE.match(text, st)
                if m is not None:
                    break
        if m is None:
            continue
        chain = m.group("chain").rstrip("、，和及")
        start = m.start("name")
        foreign = chain.endswith(_FOREIGN_TITLES) or _names_a_country(chain)
        n = _name_length(text, start, foreign)
        pos = start + max(n, 1)  # the next title may follow right after this name (市长李明和副市长王强)
        if n < 2:
            continue
        name = text[start:start + n]
        if name in _NOT_NAMES or name[:2] in _NOT_NAMES or (not foreign and _is_institution(name)):
            continue
        title = _trim_title(chain)
        entry = people.setdefault(name, {"name": name, "title": title, "mentions": []})
        if not entry["title"] and title:
            entry["title"] = title
        # 政治局委员肖捷、何立峰: more names share the title
        nxt = start + n
        while text[nxt:nxt + 1] == "、":
            k = _name_length(text, nxt + 1, foreign)
            if k < 2:
                break
            other = text[nxt + 1:nxt + 1 + k]
            people.setdefault(other, {"name": other, "title": title, "mentions": []})
            nxt += 1 + k
        pos = max(pos, nxt)
    for m in anchored(_NAME_THEN_TITLE, text, [(w, (3, 2)) for w in _TITLE_AFTER_NAME]):
        name = m.group("name")
        if name[:2] in _NOT_NAME_STARTS or name[0] not in _SURNAMES or _is_institution(name):
            continue
        entry = people.setdefault(name, {"name": name, "title": m.group("title"), "mentions": []})
        entry["title"] = entry["title"] or m.group("title")
    for m in anchored(_NAME_SAYS, text, [(w, (3, 2)) for w in _SAYS]):
        name = m.group("name")
        if name in people or name[0] not in _SURNAMES or name[:2] in _NOT_NAME_STARTS or _is_place_word(name):
            continue
        people[name] = {"name": name, "title": None, "mentions": []}
    for m in anchored(_BYLINE, text, [("记者", (3, 2, 0))]):
        name = m.group("name")
        if name[0] in _SURNAMES:
            people.setdefault(name, {"name": name, "title": "记者", "mentions": []})
    for name, entry in people.items():
        entry["mentions"] = occurrences(text, name)
    return [p for p in people.values() if p["mentions"]]


_INSTITUTION_END = set("院部委局会厅处办省市区县镇村港站所司队组团社馆台网报")


def _is_institution(name: str) -> bool:
    """国务院, 党中央: institutions that a title pattern can mistake for a name."""
    return name[-1] in _INSTITUTION_END or name in _known_organizations()


def _is_place_word(word: str) -> bool:
    from .places import _index

    return word in _index().forms


@lru_cache(maxsize=1)
def _country_re() -> re.Pattern:
    from .places import _index

    names = sorted((n for n in _index().countries if len(n) >= 2), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names)))


def _names_a_country(chain: str) -> bool:
    return _country_re().search(chain) is not None


def _trim_title(chain: str) -> str | None:
    """The title chain without a leading clause (``会上，``) or verb."""
    chain = re.split(r"[，。；：！？]", chain)[-1]
    # drop what precedes the title: a date tail, a verb or preposition (…1月11日同印度尼西亚总统)
    chain = re.sub(r"^.*(?:[年月日]|同|和|与|及|在|对|向|了|的|据|经|由|会见|陪同|出席|主持|参加|表示|介绍|会上)(?=[^、]{2,})", "", chain)
    return chain or None


def find_organizations(text: str, places: list[dict] | None = None, lines: list | None = None) -> list[dict]:
    """Organisations by suffix, extended left to their full name; one entry per name with every mention.

    With the article's ``places``, a name starts at the first place it contains
    (``主管部门合肥市发展改革委`` → ``合肥市发展改革委``), and railways, roads and
    governments need a place in their name.
    """
    place_spans = None
    if places is not None:
        place_spans = sorted([(m["start"], m["end"]) for p in places for m in p["mentions"]] + list(lines or ()))
    orgs: dict[str, dict] = {}
    place_starts = [a for a, _ in place_spans] if place_spans is not None else []
    reversed_text = text[::-1]
    for m in _ORG_RE.finditer(text):
        suffix = m.group()
        found = name_before(text, m.start(), m.end(), reversed_text, place_spans, place_starts)
        if found is None:
            continue
        start, name, has_place = found
        prefix = name[: len(name) - len(suffix)]
        if place_spans is not None:
            if suffix in _INFRA_SUFFIX and (not has_place or len(prefix) > 10 or _GENERIC_INFRA.search(prefix)):
                continue  # 夜间高铁, 长三角地区铁路, 示范区内首条高速铁路: a kind of thing, not a named project
            if suffix == "政府" and not has_place:
                continue  # 适时投放政府 …: a government is named by its place
        kind = _ORG_KIND.get(suffix) or _ORG_KIND.get(re.sub(r"\(.*", "", suffix), "other")
        orgs.setdefault(name, {"name": name, "kind": kind, "mentions": []})
    known = _known_organizations()
    for name in dict.fromkeys(w for _, _, w in _known_organizations_lexicon().find_all(text)):
        orgs.setdefault(name, {"name": name, "kind": known[name], "mentions": []})
    # a shorter name contained in a longer one found elsewhere stays its own organisation only if it occurs alone
    for name, entry in orgs.items():
        entry["mentions"] = occurrences(text, name)
    names = sorted(orgs, key=len, reverse=True)
    out = []
    for name in names:
        entry = orgs[name]
        longer = [o for o in out if name in o["name"]]
        if longer:
            spans = {(s["start"], s["end"]) for o in longer for s in o["mentions"]}
            entry["mentions"] = [s for s in entry["mentions"]
                                 if not any(a <= s["start"] and s["end"] <= b for a, b in spans)]
        if entry["mentions"]:
            out.append(entry)
    return sorted(out, key=lambda o: o["mentions"][0]["start"])


@lru_cache(maxsize=1)
def _known_organizations() -> dict[str, str]:
    out = {}
    with open(path("organizations.tsv"), encoding="utf-8") as fh:
        for line in fh:
            if line.strip() and not line.startswith("#"):
                name, kind, *rest = line.rstrip("\n").split("\t")
                out[name] = kind
    return out


@lru_cache(maxsize=1)
def _known_organizations_lexicon() -> Lexicon:
    return Lexicon(_known_organizations())


# jieba's parts of speech that no organisation's name holds: prepositions, pronouns, particles and
# idioms (经, 与, 此次, 的, 贯彻落实); a verb (v, not vn) right before a proper name (举办沪苏湖铁路) ends the clause
_CLAUSE_POS = frozenset({"p", "r", "i", "uj", "ul", "uz", "ud", "ug", "uv"})  # (not 和: 工业和信息化部)
_PROPER_POS = frozenset({"ns", "nt", "nz", "nr", "j"})
_LEADING_POS = frozenset({"v", "a", "ad", "d", "p", "c", "r", "f"})


def _after_clause_words(text: str, start: int, suffix_start: int) -> int | None:
    """The start of a name after the last clause word inside the candidate (受市委 → 市委), or None."""

    prefix = text[start:suffix_start]
    if len(prefix) < 2:
        return start
    tags = _tags(prefix)
    pos, cut = 0, 0
    for k, (word, tag) in enumerate(tags):
        pos += len(word)
        if tag in _CLAUSE_POS or (tag == "v" and k + 1 < len(tags) and tags[k + 1][1] in _PROPER_POS):
            cut = pos
    return start + cut


def _verb_led(prefix: str) -> bool:
    """Does a name without a place begin with a verb, an adverb or another word no name begins with (推进城区)?"""
    tags = _tags(prefix) if prefix else ()
    return bool(tags) and tags[0][1] in _LEADING_POS


@lru_cache(maxsize=8192)
def _tags(s: str) -> tuple[tuple[str, str], ...]:
    from .evidence import segmenter

    return tuple(segmenter().tag(s, False))


def name_before(text: str, suffix_start: int, suffix_end: int, reversed_text: str,
                place_spans: list[tuple[int, int]] | None, place_starts: list[int]) -> tuple[int, str, bool] | None:
    """The whole name that ends in the suffix at [suffix_start, suffix_end) — (start, name, whether it holds a place)
    — or None where no name ends there: a generic word (相关部门), a clause run into the suffix (受市委), a name
    too short or too long. Organisations and projects (extract/projects.py) are named alike."""
    start = _org_start(text, suffix_start, reversed_text)
    name = text[start:suffix_end]
    suffix_len = suffix_end - suffix_start
    if name.endswith(_NOT_ORG_ENDINGS) or (len(name) <= 6 and name.endswith(_GENERIC_ENDINGS)):
        return None
    if name in _GENERIC or len(name) - suffix_len < 2 or len(name) > 40:
        return None
    if not _HAN.search(name, 0, len(name) - suffix_len) or _GENERIC_PREFIX_RE.fullmatch(name[:len(name) - suffix_len]):
        return None
    if place_spans is None:
        return start, name, False
    start, name = _start_at_place(text, start, suffix_end, place_spans, place_starts)
    first = bisect_left(place_starts, start)
    has_place = first < len(place_starts) and place_starts[first] < suffix_end
    start = _after_clause_words(text, start, suffix_start)
    if start is None or (not has_place and _verb_led(text[start:suffix_start])):
        return None  # 全市上下要认真贯彻落实省委, 健全示范区: a clause run into a suffix, not a name
    k = bisect_left(place_starts, start) - 1
    if k >= 0 and place_spans[k][0] < start < place_spans[k][1]:
        start = place_spans[k][0]  # never inside a place's name
    # a line's name is not cut inside the run of abbreviations it is named after (通苏嘉甬高铁: 通 reads as a verb)
    while text[suffix_start:suffix_end] in _INFRA_SUFFIX and k >= 0 and place_spans[k][1] == start and \
            place_spans[k][1] - place_spans[k][0] == 1:
        start, k = place_spans[k][0], k - 1
    if suffix_start - start < 2:
        return None
    return start, text[start:suffix_end], has_place


def _start_at_place(text: str, start: int, end: int, place_spans: list[tuple[int, int]],
                    place_starts: list[int]) -> tuple[int, str]:
    """Move the start of a candidate name to the first place mention inside it, if there is one."""
    for k in range(bisect_left(place_starts, start), len(place_spans)):
        a, b = place_spans[k]
        if a >= end:
            break
        if b <= end:
            if a - start >= 2:
                return a, text[a:end]
            break  # a place at the start (上海临港…公司): the name starts there already
    return start, text[start:end]


def _org_start(text: str, suffix_start: int, reversed_text: str) -> int:
    """Where the name ending in a suffix starts: left over name characters up to a boundary word (今年, 位于,
    在 …) that is a word of the sentence (都 ends a name, 首都 does not), or a number's measure word (3家), 30
    characters at most.

    The hard stops (a character no name holds, a measure word) are found by one regex in the reversed text; the
    boundary words are then looked for among the words jieba's segmentation makes of what lies between."""
    n = len(text)
    limit = max(0, suffix_start - 30)
    stop = _REVERSED_STOP.search(reversed_text, n - suffix_start, n - limit)
    i = n - stop.start() if stop else limit
    while i < suffix_start and text[i] in "（(":
        i += 1
    if suffix_start - i >= 2:
        pos = suffix_start
        for word, _ in reversed(_tags(text[i:suffix_start])):
            pos -= len(word)
            if word in _BOUNDARY and not (word == "和" and pos > i and _DEPARTMENT_END.match(
                    text, pos + 1, suffix_start + 1)):
                return pos + len(word)
    return i
