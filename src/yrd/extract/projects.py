"""The link step's projects: every named project of an article with its places, investment and stages, and the
portfolios (aggregates of many projects) apart.

- **Named projects of every kind**: lines, roads, bridges and ports (the organisations the infrastructure table
  names), parks and bases, platforms and centres, funds, and what an article calls a project by name (X项目, X工程)
  — a name is a name where the organisation extractor would take it as one (extract/entities.name_before: whole,
  no clause run into it) and holds something proper (a place, a company, a brand: jieba's proper-noun tags), not
  only words any project could have (重大项目, 产业项目: resources/project_words.tsv).
- **Investment within its own clause**: 总投资100亿元的X项目, X项目总投资约10亿元 — a sum of money next to a word
  of investing, with no other project named between; a sum stated for a group (13个项目总投资206亿元, a county's
  library of major projects) is a **portfolio**, never one project's cost.
- **Places from its name and its own clause**, not every place of the article: 沪苏湖铁路 → 上海, 苏州, 湖州 (the
  abbreviations of its name), 嘉善安太力…项目 → 嘉善县 and the places its clause names.
- **Stages with dates**: the events (extract/events.py) whose clause names the project, or whose sentence names
  it alone, give its stages (approval, signing, groundbreaking, completion, launch) with their dates and
  modality; 在建/加快建设 is construction, 规划建设/拟建 planned. ``stage`` is the latest stage this article states
  as done; planned stages are listed with their modality, never taken for done.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from ..model import Document, entity_key
from ..resources import words
from .context import Context
from .entities import name_before
from .text import LONGEST_SENTENCE, clauses

_NAMED = re.compile(r"项目|工程|基地|基金|产业园|产业基地|科技园|创新中心|研究院|物流园|产业城")
_KIND_OF_ORG = {"project": "infrastructure", "park": "park", "platform": "platform"}
_KIND_OF_SUFFIX = (("基金", "fund"), ("中心", "centre"), ("研究院", "centre"), ("基地", "industrial"),
                   ("园", "park"), ("城", "park"), ("工程", "infrastructure"), ("项目", "industrial"))
_ZONE_END = re.compile(r"(?:开发区|经开区|高新区|综合保税区|保税区|自贸区|新区)$")
_INFRA_WORD = re.compile(r"铁路|高铁|城际|公路|高速|大桥|隧道|机场|港|码头|航道|运河|轨道|地铁|枢纽|管网|电站|水利")
_GENERIC = frozenset(words("project_words", "generic"))
_PROPER_POS = frozenset({"ns", "nt", "nz", "nr", "nrt", "j", "eng"})
_INVEST = re.compile(r"(?:计划)?(?:总投资|投资总额|投资额|总投入|投资|投入|造价|总造价|估算投资|概算)(?:额)?"
                     r"(?:为|约为|约|达|达到|超过|超|逾|近|共|合计|预计)?$")
_INVEST_AFTER = re.compile(r"[，,]?(?:项目)?(?:计划)?(?:总投资|投资总额|投资额|总投入|投资|投入|造价|总造价|估算投资|概算)(?:额)?"
                           r"(?:为|约为|约|达|达到|超过|超|逾|近|共|合计|预计)?")
# (a count starts where its run of numerals starts, and takes the whole run: a long run is read once, not once
# from each of its characters)
_COUNT = re.compile(r"(?<![\d一二三四五六七八九十百千两])[\d一二三四五六七八九十百千两]++(?:多|余)?个"
                    r"(?:重大|重点|产业|签约|开工|竣工)?(?:项目|工程)"
                    r"|项目[\d一二三四五六七八九十百千两]+(?:多|余)?个")
_STAGE_OF_EVENT = {"approval": "approval", "signing": "signing", "groundbreaking": "groundbreaking",
                   "completion": "completion", "launch": "launch", "unveiling": "launch"}
_STAGE_WORD = re.compile(r"(?P<planned>规划建设|计划建设|拟建|谋划|将建设|将建|规划中|前期工作|启动前期|打造|布局|建设|推进)"
                         r"|(?P<construction>在建|建设中|正在建设|加快建设|加紧建设|全面建设|施工中|加快推进|有序推进|推进建设)")
_STAGE_RANK = {s: i for i, s in enumerate(("planned", "approval", "signing", "groundbreaking", "construction",
                                            "completion", "launch"))}


def find_projects(doc: Document) -> tuple[list[dict], list[dict]]:
    """The article's projects and portfolios (see the module docstring)."""
    text = doc.text
    ctx = Context(text, doc.published_at, doc.source.publisher, places=doc.places, organizations=doc.organizations,
                  amounts=doc.amounts, people=doc.people)
    ctx.dates = doc.meta.get("dates") or []
    portfolios = _portfolios(ctx, doc)
    taken = {(p["start"], p["end"]) for p in portfolios}
    money_of_groups = {(a["start"], a["end"]) for p in portfolios if p.get("_amount") for a in [p.pop("_amount")]}
    found: dict[str, dict] = {}
    names = _names(ctx, doc)
    spans = [(a, b) for _, _, a, b in names]
    span_ends = sorted(b for _, b in spans)
    by_start = sorted(spans)
    span_starts = [a for a, _ in by_start]
    for name, kind, start, end in names:
        key = entity_key(name)
        project = found.get(key)
        c_start, c_end = _clause(text, start, end)
        if project is None:
            project = found[key] = {"name": name, "kind": kind, "places": [], "investment": None, "stage": None,
                                    "stage_date": None, "stages": [], "text": text[c_start:c_end], "start": c_start,
                                    "end": c_end, "mentions": []}
        else:
            project["mentions"].append({"start": start, "end": end, "text": text[start:end]})
        # its own part of the clause: up to the projects named before and after it (a list of projects shares a
        # clause, not its places)
        i = bisect_right(span_ends, start) - 1  # (the nearest end at or before it, and start after it: bisect)
        seg_start = max(c_start, span_ends[i]) if i >= 0 and span_ends[i] >= c_start else c_start
        j = bisect_left(span_starts, end)
        seg_end = min(c_end, span_starts[j]) if j < len(span_starts) and span_starts[j] < c_end else c_end
        for place in _places(ctx, name, start, end, seg_start, seg_end):
            if place not in project["places"]:
                project["places"].append(place)
        if project["investment"] is None:
            project["investment"] = _investment(ctx, start, end, c_start, c_end, money_of_groups, taken) or \
                _subjects_investment(ctx, start, end, spans, money_of_groups)
        # the names around it (no farther than a longest sentence: none farther can be nearer to its trigger)
        near = by_start[bisect_left(span_starts, start - LONGEST_SENTENCE):bisect_left(span_starts, end + LONGEST_SENTENCE)]
        project["stages"].extend(_stages(ctx, doc, start, end, c_start, c_end, near))
    out = []
    for project in found.values():
        stages = _distinct(project["stages"])
        project["stages"] = stages
        done = [s for s in stages if s["modality"] == "happened"]
        if done:
            last = max(done, key=lambda s: (_STAGE_RANK[s["stage"]], s["date"] or ""))
            project["stage"], project["stage_date"] = last["stage"], last["date"]
        elif stages:  # only plans for it (规划建设…, 将于2025年建成): it is at the planning stage
            project["stage"] = "planned"
        out.append(project)
    return out, portfolios


def _names(ctx: Context, doc: Document) -> list[tuple[str, str, int, int]]:
    """(name, kind, start, end) of every named project's mention, in text order."""
    text = ctx.text
    out = []
    for o in doc.organizations:
        kind = _KIND_OF_ORG.get(o.get("kind") or "")
        if kind is None or not _proper(o["name"], ctx):
            continue
        if kind == "platform" and not re.search(r"中心|平台|基地|园|城", o["name"][-4:]):
            continue  # an alliance, an association or a corridor (G60科创走廊) is no project
        if kind == "park" and _ZONE_END.search(o["name"]):
            continue  # a development zone (经开区, 高新区) is a place that hosts projects, not one
        if kind == "platform":
            kind = "centre" if o["name"].endswith("中心") else "platform"
        out.extend((o["name"], kind, m["start"], m["end"]) for m in o["mentions"])
    place_spans = sorted((m["start"], m["end"]) for p in ctx.places for m in p["mentions"])
    place_starts = [a for a, _ in place_spans]
    reversed_text = text[::-1]
    orgs = sorted((m["start"], m["end"]) for o in doc.organizations for m in o["mentions"])
    org_starts = [a for a, _ in orgs]
    for m in _NAMED.finditer(text):
        # (mentions do not nest: the one that starts last at or before the word is the only one that may hold it)
        i = bisect_right(org_starts, m.start()) - 1
        if i >= 0 and m.end() <= orgs[i][1]:
            continue  # the organisation extractor named it already (…产业园 is a park)
        got = name_before(text, m.start(), m.end(), reversed_text, place_spans, place_starts)
        if got is None:
            continue
        start, name, _ = got
        prefix = name[: len(name) - len(m.group())]
        if (m.group() in ("项目", "工程") and _collective(prefix)) or not _proper(prefix, ctx, whole=name) \
                or _only_a_place(prefix, ctx):
            continue
        kind = "infrastructure" if _INFRA_WORD.search(name) else next(k for s, k in _KIND_OF_SUFFIX if s in m.group())
        out.append((name, kind, start, m.end()))
    return sorted(out, key=lambda x: x[2])


def _only_a_place(prefix: str, ctx: Context) -> bool:
    """湖州项目, 苏州工程: a place and the word project name no project (上海港 does: the port is named so)."""
    core = prefix.strip("“”\"（）() ")
    return any(core in (p["name"], *(m["text"] for m in p["mentions"])) for p in ctx.places)


def _collective(prefix: str) -> bool:
    """示范区开发者联盟重大项目, 分别代表签约项目: a kind of project right before the suffix makes a group of them."""
    from .evidence import segmenter

    tags = segmenter().tag(prefix[-6:], False)
    return bool(tags) and tags[-1][0] in _GENERIC


def _proper(prefix: str, ctx: Context, whole: str | None = None) -> bool:
    """Does a name hold something proper (a place, a company, a brand), not only words any project could have?"""
    from .evidence import segmenter

    core = re.sub(r"^[“”\"《》（）()\s]+|[“”\"《》（）()\s]+$", "", prefix)
    if len(core) < 2 or core in _GENERIC or re.match(r"^[\d一二三四五六七八九十百千两]+(?:个|项|批|大)", core):
        return False
    if any(p["name"] in (whole or core) or any(m["text"] in (whole or core) for m in p["mentions"])
           for p in ctx.places):
        return True
    tags = segmenter().tag(core, False)
    if any(t in _PROPER_POS for _, t in tags):
        return True
    return len(core) >= 6 and not all(w in _GENERIC for w, _ in tags)


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around a mention (a sentence's comma-separated part; the whole sentence if it is short). Looked
    for at most a longest sentence away (extract/text.py), so a page without punctuation costs no more."""
    lo, hi = max(0, start - LONGEST_SENTENCE), min(len(text), end + LONGEST_SENTENCE)
    s_start = max(max(text.rfind(c, lo, start) for c in "。！？；\n") + 1, lo)
    s_end = min((i for i in (text.find(c, end, hi) for c in "。！？；\n") if i >= 0), default=hi)
    for a, b in clauses(text, s_start, s_end):
        if a <= start < b:
            return a, max(b, end)
    return s_start, s_end


def _places(ctx: Context, name: str, start: int, end: int, c_start: int, c_end: int) -> list[str]:
    """Places from the project's name (its abbreviations: 沪苏湖铁路) and from its own clause."""
    from .places import gazetteer
    from .relations import _places_in_name

    out = list(_places_in_name(name, gazetteer())) if _INFRA_WORD.search(name) else []
    for a, b, place, _ in ctx.entity_mentions(c_start, c_end, kinds=("places",)):
        if place not in out:
            out.append(place)
    levels = {p["name"]: (p.get("level"), p.get("adcode") or "") for p in ctx.places}
    codes = [levels.get(p, (None, ""))[1] for p in out]
    # not a region (长三角) nor a province that holds a finer place of the list: where the project is, not the map
    return [p for p in out if levels.get(p, ("", ""))[0] != "area" and not (
        levels.get(p, ("", ""))[0] == "province" and any(c[:2] == levels[p][1][:2] and c != levels[p][1]
                                                          for c in codes if c))]


def _money(ctx: Context, start: int, end: int) -> list[dict]:
    return [a for a in ctx.in_range(ctx.amounts, start, end) if a.get("unit") in ("CNY", "USD", "EUR", "JPY", "HKD")]


def _investment(ctx: Context, start: int, end: int, c_start: int, c_end: int, groups: set, taken: set) -> dict | None:
    """A sum of money bound to the project in its own clause: 总投资100亿元的X项目 or X项目总投资约10亿元."""
    text = ctx.text
    for a in _money(ctx, c_start, start):  # before the name: …投资 AMOUNT 的 NAME
        if (a["start"], a["end"]) in groups or not _INVEST.search(text, max(c_start, a["start"] - 10), a["start"]):
            continue
        if re.fullmatch(r"[的、]?|(?:用于|建设|打造|实施|新建|兴建)", text[a["end"]:start]):
            return _amount(a)  # 总投资100亿元的X项目, 共同投资21.5亿元建设X工程
    after = _INVEST_AFTER.match(text, end, c_end)
    if after:
        for a in _money(ctx, after.end(), c_end):
            if (a["start"], a["end"]) in groups or _COUNT.search(text, end, a["start"]):
                return None
            if a["start"] - after.end() <= 4:
                return _amount(a)
    return None


def _subjects_investment(ctx: Context, start: int, end: int, spans: list[tuple[int, int]], groups: set) -> dict | None:
    """The sentence's subject's cost in a later clause (沪苏湖铁路东起上海虹桥站，…，总投资约386.37亿元): where the
    project opens its sentence, and no other project or count of projects comes before the sum."""
    text = ctx.text
    s_start = max(text.rfind(c, 0, start) for c in "。！？；\n") + 1
    s_end = min((i for i in (text.find(c, end) for c in "。！？；\n") if i >= 0), default=len(text))
    if not re.fullmatch(r"[\s“”\"（）()]*", text[s_start:start]):
        return None
    for a in _money(ctx, end, s_end):
        if (a["start"], a["end"]) in groups:
            return None
        if any(end <= x < a["start"] for x, _ in spans) or _COUNT.search(text, end, a["start"]):
            return None
        if _INVEST.search(text, max(end, a["start"] - 10), a["start"]):
            return _amount(a)
    return None


def _amount(a: dict) -> dict:
    return {"value": a["value"], "unit": a["unit"], "approx": a.get("approx", "exact"), "text": a["text"],
            "start": a["start"], "end": a["end"]}


def _nearer(others: list[tuple[int, int]], start: int, end: int, trigger: dict) -> bool:
    """Is another project's mention nearer the trigger than this one?"""
    def gap(a: int, b: int) -> int:
        return trigger["start"] - b if b <= trigger["start"] else a - trigger["end"] if a >= trigger["end"] else 0
    mine = gap(start, end)
    return any(gap(a, b) < mine for a, b in others if (a, b) != (start, end))


def _stages(ctx: Context, doc: Document, start: int, end: int, c_start: int, c_end: int,
            others: list[tuple[int, int]] = ()) -> list[dict]:
    """The stages the article states for the project at this mention: events of its clause (or of its sentence
    when it is the sentence's only project), construction and planning words of its clause."""
    text = ctx.text
    out = []
    held_at = re.search(r"[在于]$", text[max(0, start - 1):start]) and re.match(r"[^，。；]{0,3}(?:举行|召开|举办)", text[end:])
    for e in doc.events:
        if held_at or not (e["start"] <= start < e["end"]):
            continue  # (仪式在当涂经开区举行: the park is where, not what)
        stage = _STAGE_OF_EVENT.get(e["type"])
        trigger = e.get("trigger")
        if stage is None or trigger is None:
            continue
        # the event's own project: in the trigger's clause, the one nearest the trigger (苏通大桥下游建设的通海港区
        # 2018年开港 is the port's opening, not the bridge's)
        t_clause = _clause(text, trigger["start"], trigger["end"])
        if not (t_clause[0] <= start < t_clause[1]) or _nearer(others, start, end, trigger):
            continue
        out.append({"stage": stage, "date": e.get("date"), "modality": e.get("modality", "happened"),
                    "start": e["start"], "end": e["end"], "text": e["text"]})
    # construction and planning words: after it in its own part (X加快建设), else the last before it in its sentence
    # (规划建设A、B和C: the list shares the verb)
    lo = max(0, start - LONGEST_SENTENCE)
    s_start = max(max(text.rfind(c, lo, start) for c in "。！？；\n") + 1, lo)
    seg_end = min([c_end] + [a for a, b in others if end <= a < c_end])
    words = [m for m in _STAGE_WORD.finditer(text, end, seg_end)] or \
        [m for m in _STAGE_WORD.finditer(text, s_start, start)][-1:]
    for m in words[:1]:
        if out:
            continue  # an event told its stage (开工建设: the 建设 is the groundbreaking's)
        planned = m.lastgroup == "planned"
        sentence_end = min((i for i in (text.find(c, end) for c in "。！？；\n") if i >= 0), default=len(text))
        out.append({"stage": "planned" if planned else "construction", "date": None,
                    "modality": "planned" if planned else "happened", "start": s_start, "end": sentence_end,
                    "text": text[s_start:sentence_end]})
    return out


def _distinct(stages: list[dict]) -> list[dict]:
    """Each stage once per date and modality, in date order (undated last), then in the stages' order."""
    seen, out = set(), []
    for s in stages:
        k = (s["stage"], s["date"], s["modality"])
        if k not in seen:
            seen.add(k)
            out.append(s)
    return sorted(out, key=lambda s: (s["date"] is None, s["date"] or "", _STAGE_RANK[s["stage"]]))


def _portfolios(ctx: Context, doc: Document) -> list[dict]:
    """Aggregates: a count of projects with their total investment (此次开工的13个项目总投资206.1亿元, 全县共有
    重大项目120个、总投资560亿元)."""
    text = ctx.text
    out = []
    starts = [s for s, _ in ctx.sentences]
    for m in _COUNT.finditer(text):
        k = bisect_left(starts, m.start() + 1) - 1
        if k < 0:
            continue
        s_start, s_end = ctx.sentences[k]
        count = _count(m.group())
        # its total: a sum of investment right after the count (N个项目，总投资M亿元) or right before it (总投资M亿元的
        # N个项目), in its clause or the next
        c_start = max(text.rfind(c, s_start, m.start()) for c in "，,") + 1 if any(
            text.rfind(c, s_start, m.start()) >= 0 for c in "，,") else s_start
        nxt = [i for i in (text.find(c, m.end(), s_end) for c in "，,") if i >= 0]
        c_end = min([i for i in (text.find(c, min(nxt) + 1, s_end) for c in "，,") if i >= 0] + [s_end]) if nxt else s_end
        money = [a for a in _money(ctx, c_start, c_end) if _INVEST.search(text, max(s_start, a["start"] - 10), a["start"])
                 and (a["start"] >= m.end() or re.fullmatch(r"的?", text[a["end"]:m.start()]))]
        if count is None or (count < 2 and not money):
            continue
        a = min(money, key=lambda a: abs(a["start"] - m.end()), default=None)
        stage = next((_STAGE_OF_EVENT.get(e["type"]) for e in doc.events if e["start"] <= m.start() < e["end"]
                      and e.get("modality", "happened") == "happened" and e["type"] in _STAGE_OF_EVENT), None)
        places = [p for _, _, p, _ in ctx.entity_mentions(s_start, m.start(), kinds=("places",))]
        out.append({"count": count, "investment": _amount(a) if a else None, "place": places[-1] if places else None,
                    "stage": stage, "text": text[s_start:s_end], "start": s_start, "end": s_end, "_amount": a})
    seen, kept = set(), []
    for p in out:
        if (p["start"], p["count"]) not in seen:
            seen.add((p["start"], p["count"]))
            kept.append(p)
    return kept


_CN = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _count(s: str) -> int | None:
    digits = re.search(r"\d+", s)
    if digits:
        return int(digits.group())
    m = re.search(r"[一二三四五六七八九十百千两]+", s)
    if not m:
        return None
    n, total, cur = m.group(), 0, 0
    for ch in n:
        if ch in _CN:
            cur = _CN[ch]
        elif ch == "十":
            total += (cur or 1) * 10
            cur = 0
        elif ch == "百":
            total += (cur or 1) * 100
            cur = 0
        elif ch == "千":
            total += (cur or 1) * 1000
            cur = 0
    return total + cur
