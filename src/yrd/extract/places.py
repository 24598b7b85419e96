"""Places: find every mention of a unit of the gazetteer and resolve it to one unit.

Matching finds every name, short name and alias with a :class:`~.lexicon.Lexicon`
(a numpy bigram prefilter, then a dictionary of forms by their first two
characters); overlaps go to the longest match. Resolution
then uses, in order: an adjacent parent (``宁波江北`` → 330205), a parent or
ancestor named elsewhere in the article, a preference for the delta, and the
higher level. Guards drop short names that are ordinary words (合作, 通道),
places inside a person's name (``市委书记宁波``), inside a publisher's name
(``浙江在线``) and street names (``南京路``).
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter

from ..resources import cached, path
from .gazetteer import LEVEL_RANK, Gazetteer, Unit, load
from .evidence import Words, corroborated, features, ordinary
from .lexicon import Lexicon

_SUFFIX = re.compile(r"(?:自治县|自治旗|自治州|新区|林区|特区|地区|矿区|区|县|市|旗|盟|省)$")
_TITLE_BEFORE = (  # a title right before a short name: the name is a person's (芜湖市委书记宁波)
    "书记", "市长", "区长", "县长", "镇长", "主任", "局长", "厅长", "部长", "主席", "总理", "委员", "常委", "院长", "校长", "董事长",
    "总经理", "总裁", "经理", "处长", "科长", "秘书长", "会长", "理事长", "社长", "总编", "记者", "编辑", "同志", "教授", "研究员", "代表",
    "负责人", "干部", "村民", "市民", "居民", "游客", "工人", "专家", "副任", "总监", "队长", "所长", "站长", "馆长", "行长", "主持人",
    "通讯员",
)
_NAME_CHAR = re.compile(r"[\u4e00-\u9fff]")
_CONNECTOR_AFTER = re.compile(
    r"^(?:[两三四五六七八九十]?(?:地|省|市|城|省市|省一市|区|县)|高铁|铁路|城际|高速|合作|一体化|同城|都市圈|大桥|通道|线|运河|走廊|协同|"
    r"联动|交界|毗邻|边界|跨界|之间|间|经济圈|城市群|地区|区域|合肥|杭|沪|港)"
)
_INFRA_AFTER = re.compile(r"^(?:铁路|高铁|城际|高速|大桥|通道|线|运河|特高压|输电)")
_SITE_AFTER = ("在线", "网", "新闻网")  # … unless it names a publisher's site (浙江在线, 中国江苏网)
# what follows a short name that is not a place: a medium named after its province (江苏卫视, 浙江日报), a street,
# river, mountain or landmark (南京路, 黄浦江, 长白山, 龙门大桥), or another unit's suffix (贵安新区 is not 安新县)
_NOT_A_PLACE_AFTER = (
    "日报", "晚报", "早报", "商报", "时报", "在线", "网", "新闻网", "新闻", "广播电视台", "电视台", "卫视", "发布", "之声", "观察", "头条",
    "青年报", "法治报",
    "路", "街", "大街", "大道", "中路", "东路", "西路", "南路", "北路", "巷", "弄", "公路", "号",
    "江", "河", "湖", "溪", "山", "岛", "峰", "岭", "荡", "漾", "大桥", "机场", "车站", "站", "码头", "公园", "风景区", "景区",
    "新区", "区", "县", "市", "镇", "乡", "街道", "省",
)


@dataclass
class _Index:
    gaz: Gazetteer
    forms: dict[str, list[tuple[str, str]]]  # every surface form -> (unit id, kind)
    common: frozenset[str]
    countries: dict[str, str] = field(default_factory=dict)
    areas: dict[str, tuple[str, float, float]] = field(default_factory=dict)
    lexicon: Lexicon | None = None
    # per form, computed once: is it a full name (not only a short name); its candidate units; what naming
    # it adds to an article's context (the one unit it names in full, with its ancestors)
    full_name: dict[str, bool] = field(default_factory=dict)
    units_of: dict[str, list[tuple[Unit, str]]] = field(default_factory=dict)
    context_ids: dict[str, tuple[str, ...]] = field(default_factory=dict)
    country_name: dict[str, str] = field(default_factory=dict)  # ISO code -> the first name listed for it
    special: dict[str, str] = field(default_factory=dict)  # form -> "foreign:ISO" or "area:name"
    area_scope: dict[str, str] = field(default_factory=dict)  # area -> delta | china
    area_members: dict[str, tuple[str, ...]] = field(default_factory=dict)  # area -> the units its name names


@lru_cache(maxsize=1)
def _index() -> _Index:
    """The places' index, built once per machine and kept in the cache directory (0.1 s to load, 0.8 s to build)."""
    from . import gazetteer, lexicon

    return cached("places", ("gazetteer.tsv", "renamed.tsv", "areas.tsv", "countries.tsv", "place_common_words.txt"),
                  _build_index, code=(__file__, gazetteer.__file__, lexicon.__file__))


def _build_index() -> _Index:
    gaz = load()
    common = frozenset(
        w.strip() for w in path("place_common_words.txt").read_text(encoding="utf-8").splitlines()
        if w.strip() and not w.startswith("#")
    )
    forms: dict[str, list[tuple[str, str]]] = {f: list(c) for f, c in gaz.forms.items()}
    for uid, unit in gaz.units.items():
        if unit.level in ("district", "county", "city", "province"):
            derived = _SUFFIX.sub("", unit.name)
            if len(derived) >= 2 and derived != unit.name and (uid, "short") not in forms.get(derived, []):
                forms.setdefault(derived, []).append((uid, "short"))
    countries = {}
    import csv

    area_scope: dict[str, str] = {}
    area_members: dict[str, tuple[str, ...]] = {}
    areas: dict[str, tuple[str, float, float]] = {}
    with open(path("areas.tsv"), encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if row and not row[0].startswith("#"):
                name, aliases, lat, lon, scope, members = (row + [""] * 6)[:6]
                for form in [name, *filter(None, aliases.split("|"))]:
                    areas[form] = (name, float(lat), float(lon))
                    forms.setdefault(form, []).insert(0, ("area:" + name, "name"))
                area_scope[name] = scope or "china"
                area_members[name] = tuple(filter(None, members.split("|")))

    with open(path("countries.tsv"), encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            countries[row["name"]] = row["iso"]
            forms.setdefault(row["name"], []).append(("foreign:" + row["iso"], "name"))
    idx = _Index(gaz, forms, common, countries, areas, Lexicon(forms), area_scope=area_scope, area_members=area_members)
    for iso_name, iso in countries.items():
        idx.country_name.setdefault(iso, iso_name)
    for form, cands in forms.items():
        if cands[0][0].startswith(("foreign:", "area:")):
            idx.special[form] = cands[0][0]
        idx.full_name[form] = any(kind in ("name", "alias", "old") for _, kind in cands)
        units = []
        for uid, kind in cands:
            unit = gaz.units.get(gaz.renamed.get(uid, uid) if uid.startswith("old:") else uid)
            if unit is not None:
                units.append((unit, kind))
        idx.units_of[form] = units
        named = [gaz.units.get(gaz.renamed.get(uid, uid)) for uid, kind in cands
                 if kind in ("name", "alias", "old") or len(cands) == 1]
        named = [u for u in named if u is not None and u.level != "town"]
        if len(named) == 1 and form not in common:
            idx.context_ids[form] = (named[0].id, *named[0].ancestors(gaz))
    return idx


def _guarded(text: str, start: int, end: int, form: str, full_name: bool, publisher_spans: list[tuple[int, int]]) -> bool:
    """True if this match of a form is not a place of the article."""
    for s, e in publisher_spans:
        if s <= start < e:
            return True  # inside the publisher's own name
    if text.startswith(_SITE_AFTER, end):
        return True  # 浙江在线, 中国江苏网: a publisher's site name
    if full_name:
        return False  # a full name (宁波市, 江北区) is a place whatever surrounds it
    if len(form) <= 3 and text.endswith(_TITLE_BEFORE, max(0, start - 8), start):
        return True  # 芜湖市委书记宁波: a person
    return text.startswith(_NOT_A_PLACE_AFTER, end)


def _pick(form: str, adjacent_parent: Unit | None, context: set[str], gaz: Gazetteer,
          common: frozenset[str]) -> tuple[Unit, str] | None:
    """The unit a form names (with the kind of form it is for that unit), given the unit right before it (if any)
    and the article's context."""
    cands = list(_index().units_of[form])  # a copy: it is sorted below
    if not cands:
        return None
    if adjacent_parent is not None:
        below = [(u, k) for u, k in cands if adjacent_parent.id in (u.parent, u.province) or
                 adjacent_parent.id in u.ancestors(gaz) or adjacent_parent.adcode in u.hosts]
        if below:
            cands = below
        elif form in common or all(k == "townshort" for _, k in cands):
            return None
    elif form in common or all(k == "townshort" for _, k in cands):
        return None  # 合作, 通道, 城区: ordinary words unless next to their parent; town short names likewise

    def score(item):
        unit, kind = item
        anc = unit.ancestors(gaz)
        in_context = sum(1 for a in anc if a in context)
        return (
            unit.level == "province" and adjacent_parent is None,  # 河北、天津: the province, not 天津's 河北区
            in_context > 0,
            kind in ("name", "alias", "old"),
            unit.in_delta,
            -LEVEL_RANK.get(unit.level, 9),
            in_context,
        )

    if len(cands) > 1:
        cands.sort(key=score, reverse=True)
    best, kind = cands[0]
    if best.level == "town" and adjacent_parent is None and not any(a in context for a in best.ancestors(gaz)[:2]):
        return None  # a town counts when its county or city is named too (快于城镇 is not 于城镇)
    if kind == "short" and best.level in ("district", "county") and not best.in_delta:
        # a bare district name outside the delta needs its city or province in the article
        if not any(a in context for a in best.ancestors(gaz)):
            return None
    if len(cands) > 1 and kind == "short" and best.level in ("district", "county", "zone"):
        rival = cands[1]
        if score(rival)[:5] == score(cands[0])[:5]:
            return None  # 鼓楼: several cities have one and nothing says which
    return best, kind


def gazetteer() -> Gazetteer:
    """The gazetteer the places were matched with (loaded with the index, from the cache)."""
    return _index().gaz


@lru_cache(maxsize=1)
def _abbreviation_tables() -> tuple[re.Pattern, frozenset[str]]:
    gaz = gazetteer()
    chars = "".join(sorted(gaz.abbreviations))
    run = re.compile(f"[{chars}](?:、?[{chars}])+")
    provinces = frozenset(ch for ch, ids in gaz.abbreviations.items()
                          if any(gaz.units[i].level == "province" for i in ids if i in gaz.units))
    return run, provinces


def _abbreviations(text: str, taken: list[tuple[int, int]], gaz: Gazetteer, words: Words | None = None
                   ) -> list[tuple[int, int, Unit]]:
    """Runs of one-character 简称 (沪苏浙皖, 苏、浙、沪、皖, 宁杭, 锡常泰, 川渝) outside other matches."""
    run_re, provinces = _abbreviation_tables()
    out = []
    taken_starts = [s for s, _ in taken]  # in text order, not overlapping
    for rm in run_re.finditer(text):
        k = bisect_left(taken_starts, rm.end())  # the spans that start before the run ends …
        if k and taken[k - 1][1] > rm.start():  # … the last of which ends after it starts: overlap
            continue  # part of a longer name (黄山, 金华 are matched whole)
        groups, k = [], rm.start()
        for part in rm.group().split("、"):
            groups.append((k, k + len(part)))
            k += len(part) + 1
        if all(b - a == 1 for a, b in groups):
            runs = [([a for a, _ in groups], rm.end(), True)]  # 苏、浙、沪、皖
        else:
            runs = [(list(range(a, b)), b, False) for a, b in groups if b - a >= 2]  # 川渝、云贵
        for chars, j, listed in runs:
            out.extend(_abbreviation_run(text, chars, j, listed, provinces, gaz, words))
    return out


def _abbreviation_run(text, chars, j, listed, provinces, gaz, words=None) -> list[tuple[int, int, Unit]]:
    i = chars[0]
    run = "".join(text[k] for k in chars)
    if listed and _NAME_CHAR.match(text[j:j + 1] or " ") and not _CONNECTOR_AFTER.match(text[j:j + 4]):
        # 苏、浙、沪 must end the list (or be followed by 三省一市 …), not run into a word
        if not all(ch in provinces for ch in run):
            return []
    prev_ok = i == 0 or not _NAME_CHAR.match(text[i - 1]) or text[i - 1] in "与和及、同往至到从在的"
    prev_ok = prev_ok or bool(_INFRA_AFTER.match(text[j:j + 4]))  # …的沪苏湖高铁
    prev_ok = prev_ok or (words is not None and words.starts_word(i))  # 来自|沪苏浙皖: a word of its own
    strong = any(ch in "沪苏浙皖" for ch in run) or all(ch in provinces for ch in run)
    if not (len(run) >= 2 and prev_ok and (len(run) >= 3 or strong or _CONNECTOR_AFTER.match(text[j:j + 4]))):
        return []
    out = []
    for k in chars:
        unit = _resolve_abbreviation(text[k], run, gaz)
        if unit is not None:
            out.append((k, k + 1, unit))
    return out


def _resolve_abbreviation(ch: str, run: str, gaz: Gazetteer) -> Unit | None:
    units = [gaz.units[u] for u in gaz.abbreviations.get(ch, []) if u in gaz.units]
    if not units:
        return None
    provinces_in_run = sum(1 for c in run if c in "沪苏浙皖")
    city_only = any(c not in "沪苏浙皖" and all(gaz.units[u].level == "city" for u in gaz.abbreviations.get(c, [])
                                              if u in gaz.units) for c in run)
    if ch == "苏" and (provinces_in_run < 2 or city_only) and len(run) >= 2:
        city = [u for u in units if u.adcode == "320500"]  # 苏锡常: 苏州
        if city:
            return city[0]
    units.sort(key=lambda u: (u.in_delta, -LEVEL_RANK.get(u.level, 9)), reverse=True)
    return units[0]


def find_places(text: str, publisher: str | None = None, lines: list | None = None) -> list[dict]:
    """Every place mentioned in ``text``, one entry per unit with all its mentions (FACTSHEET Place).

    ``lines``, if given, receives the (start, end) of the abbreviations a line's name is made of (沪苏湖 in
    沪苏湖铁路): no mention of a place, but what makes the line a named project."""
    idx = _index()
    kept, rejected = _kept(text, publisher, lines, idx)
    if rejected:
        kept = _after_rejected(text, publisher, lines, idx, kept, rejected)
    kept.extend(_regions_in_names(text, kept, idx))
    dynamic = _region_members(text, kept, idx) | _named_regions(text, kept, idx)
    return _group(text, kept, idx, dynamic)


def _after_rejected(text: str, publisher: str | None, lines: list | None, idx: _Index, kept: list,
                    rejected: list[tuple[int, int]]) -> list:
    """A name the leftmost-longest match hid behind a rejected one (和安 in 浙江省和安徽省 hides 安徽省): the text
    is read again with the rejected names' first characters blanked, and a province or a unit's full name it then
    finds is added where it is a whole word of the real sentence (not 浦东 in 青浦东航路, 安县 in 金安县)."""
    strong = _strong_names(idx)
    blank = [s for s, e in rejected
             if any(0 < a < e - s and w in strong for a, _, w in idx.lexicon.find_all(text[s:e + 6]))]
    if not blank:
        return kept
    chars = list(text)
    for s in blank:
        chars[s] = "\u3000"
    again, _ = _kept("".join(chars), publisher, lines, idx)
    taken = [(s, e) for s, e, _ in kept]
    words = Words(text)
    for s, e, unit in again:
        # (the blank made a boundary in the text read again that the real sentence may not have)
        if isinstance(unit, str) or not (unit.level == "province" or text[s:e] == unit.name):
            continue  # only a province or a unit's own full name: a hidden short or old name is too weak
        if words.aligned(s, e) and not any(a < e and s < b for a, b in taken):
            kept.append((s, e, unit))
    kept.sort(key=lambda k: (k[0], k[1]))
    return kept


def _strong_names(idx: _Index) -> frozenset[str]:
    """The forms a hidden name may be read again for: a unit's own full name, a province's short name."""
    cached = getattr(idx, "_strong", None)
    if cached is None:
        gaz = idx.gaz
        cached = frozenset(form for form, cands in gaz.forms.items() for uid, kind in cands
                           if kind == "name" or (kind == "short" and uid in gaz.units
                                                 and gaz.units[uid].level == "province"))
        object.__setattr__(idx, "_strong", cached)
    return cached


def _kept(text: str, publisher: str | None, lines: list | None, idx: _Index) -> tuple[list, list[tuple[int, int]]]:
    """The place names of ``text`` kept by their evidence, and the dictionary matches that were not kept."""
    gaz = idx.gaz
    publisher_spans = []
    if publisher:
        for m in re.finditer(re.escape(publisher), text):
            publisher_spans.append((m.start(), m.end()))
    full_names = idx.full_name
    mentions = []
    matched = idx.lexicon.find(text)
    for s, e, form in matched:
        if full_names[form] and not publisher_spans and not text.startswith(_SITE_AFTER, e):
            mentions.append((s, e, form))  # a full name (宁波市, 江北区) is a place whatever surrounds it …
        elif not _guarded(text, s, e, form, full_names[form], publisher_spans):
            mentions.append((s, e, form))
    # context: units named in full anywhere in the article (their codes and ancestors)
    context: set[str] = set()
    context_ids = idx.context_ids
    for _, _, form in mentions:
        ids = context_ids.get(form)
        if ids:
            context.update(ids)
    prev_unit, prev_end = None, -1
    found: list[tuple[int, int, Unit | str, str, str]] = []  # (start, end, unit, kind of form, form)
    picked: dict[tuple[str, str | None], tuple[Unit, str] | None] = {}  # a form next to one parent resolves once
    special = idx.special
    for start, end, form in mentions:
        other = special.get(form)
        if other is not None:  # a country or a named region
            found.append((start, end, other, "name", form))
            prev_unit = None
            continue
        adjacent_parent = prev_unit if prev_end == start else None
        key = (form, adjacent_parent.id if adjacent_parent is not None else None)
        hit = picked[key] if key in picked else picked.setdefault(key, _pick(form, adjacent_parent, context, gaz,
                                                                             idx.common))
        unit = hit[0] if hit is not None else None
        if hit is not None:
            found.append((start, end, unit, "adjacent" if adjacent_parent is not None else hit[1], form))
        prev_unit, prev_end = unit, end
    words = Words(text)
    found.extend((s, e, u, "abbreviation", text[s:e])
                 for s, e, u in _abbreviations(text, [(s, e) for s, e, _ in mentions], gaz, words))
    kept = _with_evidence(text, found, gaz, lines, matched, words)
    spans = {(k[0], k[1]) for k in kept}
    return kept, [(s, e) for s, e, _ in matched if (s, e) not in spans]


def _regions_in_names(text: str, kept: list, idx: _Index) -> list:
    """A named region at the head of a zone's name (长三角 in 长三角G60科创走廊): the zone is in it, and the name
    mentions it."""
    out = []
    for start, end, unit in kept:
        if isinstance(unit, str) or unit.level != "zone":
            continue
        for n in range(min(end - start - 1, 8), 1, -1):
            area = idx.special.get(text[start:start + n])
            if area and area.startswith("area:"):
                out.append((start, start + n, area))
                break
    return out


_REGION_END = re.compile(r"大都市圈|都市圈|都市区|城市群|经济圈|经济带|经济区|发展带")


def _named_regions(text: str, kept: list, idx: _Index) -> dict[str, tuple[str, float | None, float | None]]:
    """Regions named after the places they are made of (南京都市圈, 苏锡常都市圈, 沪宁合杭甬发展带): the places
    mentioned right before the ending make the region's name, and it lies in the delta when they all do. Each
    is added to ``kept`` as an area; returns area key -> (scope, lat, lon)."""
    ends = {e: (s, u) for s, e, u in kept if not isinstance(u, str)}
    out: dict[str, tuple[str, float | None, float | None]] = {}
    for m in _REGION_END.finditer(text):
        units, i = [], m.start()
        while i in ends:
            s, u = ends[i]
            units.append(u)
            i = s
        if not units or any(isinstance(u, str) for u in units):
            continue
        name = text[i:m.end()]
        if name in idx.areas:
            continue
        key = "area:" + name
        first = units[-1]
        out[key] = ("delta" if all(u.in_delta for u in units) else "china", first.lat, first.lon)
        kept.append((i, m.end(), key))
    return out


def _region_members(text: str, kept: list, idx: _Index) -> dict:
    """The units a listed region's name is made of (京津冀 -> 北京, 天津, 河北), each a mention of its character."""
    gaz = idx.gaz
    extra = []
    for start, end, unit in kept:
        if not (isinstance(unit, str) and unit.startswith("area:")):
            continue
        for code in idx.area_members.get(unit[5:], ()):
            member = gaz.units.get(code)
            if member is None:
                continue
            chars = [c for c, ids in gaz.abbreviations.items() if code in ids] + [member.short[:1]]
            at = next((start + k for k, c in enumerate(text[start:end]) if c in chars), None)
            if at is not None:
                extra.append((at, at + 1, member))
    kept.extend(extra)
    return {}


def _with_evidence(text: str, found: list, gaz: Gazetteer, lines: list | None = None,
                   matched: list | None = None, words: Words | None = None) -> list[tuple[int, int, Unit | str]]:
    """The matches that are places of their sentence (extract/evidence.py): whole words, corroborated where the
    name is ambiguous, not inside a line's or a ticker's name."""
    words = words or Words(text)
    kept = []
    every = {(s, e) for s, e, *_ in found} | {(s, e) for s, e, _ in matched or ()}  # every name the gazetteer matched
    starts, ends = Counter(s for s, _ in every), Counter(e for _, e in every)
    for start, end, unit, kind, form in found:
        names = _OtherNames(starts, ends, start, end)
        if kind == "abbreviation":
            if _in_line_name(text, start, end):
                if lines is not None:
                    lines.append((start, end))
                continue
        elif (kind not in ("name", "adjacent", "old") or end - start <= 3) and \
                not words.aligned(start, end, names, full=kind in ("name", "adjacent", "old") and end - start >= 3):
            continue
        kept.append((start, end, unit, kind, form))
    named = {u.id for _, _, u, k, _ in kept if not isinstance(u, str) and k in ("name", "adjacent", "old")}
    units = list({u.id: u for _, _, u, _, _ in kept if not isinstance(u, str)}.values())
    out = []
    for start, end, unit, kind, form in kept:
        if not isinstance(unit, str) and kind == "name" and (ordinary(form) or len(form) <= 2 and not unit.in_delta) \
                and not corroborated(unit, set(), units, gaz):
            continue  # 老城区 (an old town), 义县 in 全义县: a full name that is a word, or short and far away
        if not isinstance(unit, str) and kind in ("short", "alias", "townshort", "abbreviation", "old"):
            if unit.level in ("town", "zone") and len(form) <= 2 and unit.parent \
                    and unit.parent not in named | {u.id for u in units}:
                continue  # a town or zone by a two-character name (虹桥, 临港) counts next to its county, or with it named
            if form in features() and unit.id not in named:
                continue  # 太湖, 黄山: the lake or the mountain, unless the unit is named in full or next to its parent
            if _needs_corroboration(unit, form, kind) and not corroborated(unit, named, units, gaz):
                continue
        out.append((start, end, unit))
    return out


def _needs_corroboration(unit: Unit, form: str, kind: str) -> bool:
    if not unit.in_delta and (unit.level in ("district", "county", "town") or kind == "old" or ordinary(form)):
        return True  # a far-away county by its short or former name (资源, 平原, 安县), or a city that is a word
    return kind != "abbreviation" and ordinary(form)  # 资源, 合作 in the delta too


class _OtherNames:
    """``p in names``: does a name other than [start, end) start or end at ``p``?"""

    __slots__ = ("starts", "ends", "start", "end")

    def __init__(self, starts: Counter, ends: Counter, start: int, end: int):
        self.starts, self.ends, self.start, self.end = starts, ends, start, end

    def __contains__(self, p: int) -> bool:
        own = (p == self.start) + (p == self.end)
        return self.starts[p] + self.ends[p] > own


_LINE_AFTER = re.compile(r"(?:[\u4e00-\u9fff]{0,3}?(?:高速公路|高速|铁路|高铁|城际|轨道|大桥|通道|运河|线|段|动车|客专|快速路))")
_TICKER_AFTER = frozenset("铜金银锌镍铝锡铅")


def _in_line_name(text: str, start: int, end: int) -> bool:
    """Is this abbreviation part of the name of a line (沪渝高速, 沪苏湖铁路, 合杭高铁湖杭段) or a futures ticker (沪铜)?"""
    j = end
    while j < len(text) and j - end < 4 and text[j] in _ABBREVIATION_CHARS():
        j += 1
    if _LINE_AFTER.match(text, j):
        return True
    i = start
    while i > 0 and start - i < 4 and text[i - 1] in _ABBREVIATION_CHARS():
        i -= 1
    run = text[i:j]
    return len(run) == 2 and run[0] == "沪" and run[1] in _TICKER_AFTER


@lru_cache(maxsize=1)
def _ABBREVIATION_CHARS() -> frozenset[str]:
    return frozenset(gazetteer().abbreviations)


def _entry(unit: Unit | str, idx: _Index, dynamic: dict) -> dict:
    """The fact-sheet place of a unit (or of "area:…" / "foreign:…"), without mentions yet."""
    if isinstance(unit, str):
        kind, _, code = unit.partition(":")
        if kind == "area":
            if unit in dynamic:
                scope, lat, lon = dynamic[unit]
                name = code
            else:
                name, lat, lon = idx.areas[code]
                scope = idx.area_scope.get(name, "china")
            return {"name": name, "adcode": None, "level": "area", "lat": lat, "lon": lon, "parent_adcode": None,
                    "scope": scope, "mentions": []}
        return {"name": idx.country_name[code], "adcode": None, "level": "foreign", "lat": None, "lon": None,
                "parent_adcode": None, "iso": code, "scope": "foreign", "mentions": []}
    entry = {
        # zones keep their statistical code apart: adcode is for GB/T 2260 units only
        "name": unit.name, "adcode": unit.adcode if unit.level != "zone" else None,
        "level": unit.level, "lat": unit.lat, "lon": unit.lon,
        "parent_adcode": unit.parent, "scope": "delta" if unit.in_delta else "china", "mentions": []}
    if unit.level == "zone" and unit.adcode:
        entry["code"] = unit.adcode
    return entry


def _group(text: str, resolved, idx: _Index, dynamic: dict) -> list[dict]:
    by_key: dict[str, dict] = {}
    resolved.sort(key=itemgetter(0))
    for start, end, unit in resolved:
        key = unit if isinstance(unit, str) else unit.id
        entry = by_key.get(key)
        if entry is None:
            entry = by_key[key] = _entry(unit, idx, dynamic)
        mentions = entry["mentions"]
        if not mentions or mentions[-1]["end"] <= start:  # in text order: only the last one can overlap
            mentions.append({"start": start, "end": end, "text": text[start:end]})
    return list(by_key.values())


def place_of_code(code: str) -> dict | None:
    """The fact-sheet place of the unit with this code (an adcode, or a zone's code), without mentions; None if the
    gazetteer has no such unit (a correction names a place by its code)."""
    gaz = gazetteer()
    unit = gaz.units.get(code) or next((u for u in gaz.units.values() if u.adcode == code), None)
    return None if unit is None else _entry(unit, _index(), {})
