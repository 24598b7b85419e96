"""Relations between named parties: cooperation, membership of an alliance or a listed set, infrastructure that
connects places.

- **cooperation**: a run of two or more parties joined by 和/与/同/及/、 and followed, in the same clause, by a
  cooperation word (签署, 合作, 共建, 联合 …). A sentence that lists several agreements (包括：A与B战略合作、C和D
  战略合作) gives one relation per run, so one per agreement, each with whole party names.
- **membership**: an alliance, metropolitan area or zone (the registry ``resources/alliances.tsv``, or a region
  the places extractor named by its ending, 南京都市圈) with the places listed beside it (涵盖…, 加入…, 包括…), or
  with a count of its members (G60科创走廊九城市); a listed set that joins an alliance (衢州、黄山正式加入杭州都市圈)
  is membership, not cooperation among the joiners.
- **connects**: a named railway, road or bridge and the places it links, from its name (沪苏湖 → 上海, 苏州, 湖州) and
  from its own clause where a connecting verb says so.

Parties are whole: a chain of places written together (安徽省马鞍山市当涂县) is one party, its finest unit; a place
is never the partner of its own ancestor (杭州市 and 上城区), the city hosting a meeting (在南京召开) is no party.
A cooperation's ``topic`` comes from a small taxonomy (``resources/relation_topics.tsv``: industry, transport,
ecology_water …, ``general`` for a strategic agreement that names no field) with ``topic_text``, the words it was
read from. A relation stated again in the same article is kept once, with the later sentences as ``mentions``.
"""
from __future__ import annotations

import csv
import re
from functools import lru_cache

from ..resources import path, table
from .context import Context
from .places import gazetteer
from .text import clauses

_COOP_VERB = re.compile(r"签署|签订|签约|合作|共建|联合|携手|共同|协同|结对|对口|联手|共享|共治|联防|联保|互认|共商|联动|共创|共推")
_JOINER = re.compile(r"^(?:[和与同及跟、]|以及|还有|并与|分别与|、以及|)$")  # (nothing: 粤港澳, 苏浙皖)
_COUNT_WORD = re.compile(r"[两二三四五六七八九十]+(?:个)?(?:城市|市|城|地|区|县|省市|区县|区一县)")
_MEMBER_VERB = re.compile(r"加入|纳入|列入|吸纳|扩容|覆盖|涵盖|包括|包含|囊括|成员|组成|构成|范围为|范围确定为|横跨|由|扩大到|扩展到|延伸到")
_MEMBER_OF = re.compile(r"[^，。；]{0,8}?(?:成员|节点城市|中心城市|重要城市|城市之一|之一)")  # …是南京都市圈成员县级城市
_SHARED = re.compile(r"同处|同属|均属|都是|同为")
_INFRA = re.compile("(?:" + "|".join(e.word for e in table("infrastructure") if e.connects) + ")$")  # a line's name
_CONNECT_VERB = re.compile(r"连接|连通|串联|贯通|途经|经过|起于|止于|直达|通达|往返|联通|沟通|衔接|至|到|通往")
# where a meeting or signing was held (在南京召开): one name, not a list of the parties (在金华与上海共同推动下)
_HOST = re.compile(r"(?:在|于|赴|到)(?P<where>[^\W与和及同、，。；\d_]{2,16}?)(?:召开|举行|举办|开幕|签约|签署)")
_TITLE = re.compile(r"《[^》]{2,60}》")
_SUB_AGREEMENTS = re.compile(r"子协议|分别签订|分别签署|[两三四五六七八九十]个方面")  # one agreement per field
_STRATEGIC = re.compile(r"战略合作|合作框架|框架协议|合作协议|友好城市|全面合作")
_REGION_END = re.compile(r"(?:大都市圈|都市圈|都市区|城市群|经济圈|经济带|走廊|示范区|合作区|联盟|协调会)$")


@lru_cache(maxsize=1)
def alliances() -> dict[str, tuple[str, list[str]]]:
    """alias or name -> (canonical name, members)."""
    out = {}
    with open(path("alliances.tsv"), encoding="utf-8") as fh:
        rows = [r for r in csv.reader(fh, delimiter="\t") if r and not r[0].startswith("#")]
    for name, aliases, members in rows:
        entry = (name, members.split("|"))
        for key in [name, *filter(None, aliases.split("|"))]:
            out[key] = entry
    return out


@lru_cache(maxsize=1)
def _topics() -> tuple[re.Pattern, dict[str, str]]:
    rows = table("relation_topics")
    words = sorted((e.word for e in rows), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words))), {e.word: e.kind for e in rows}


def find_relations(ctx: Context) -> list[dict]:
    """Cooperation, membership and connects relations, sentence by sentence (only sentences with a cooperation or
    membership word, an alliance's name or a named railway, road or bridge are looked at)."""
    text = ctx.text
    with_verb = {ctx.sentence_index(m.start()) for m in _COOP_VERB.finditer(text)}
    with_alliance = {ctx.sentence_index(m.start()) for m in _alliance_re().finditer(text)}
    with_alliance |= {ctx.sentence_index(m["start"]) for p in ctx.places if _REGION_END.search(p["name"])
                      for m in p["mentions"]}
    infra = [org for org in ctx.organizations if org.get("kind") == "project" and _INFRA.search(org["name"])]
    with_infra = {ctx.sentence_index(m["start"]) for org in infra for m in org["mentions"]}
    parties = _Parties(ctx)
    out: list[dict] = []
    for k in sorted((with_verb | with_alliance | with_infra) - {-1}):
        s_start, s_end = ctx.sentences[k]
        found: list[dict] = []
        if k in with_alliance:
            found.extend(_membership(ctx, parties, s_start, s_end))
        if k in with_verb:
            found.extend(_cooperation(ctx, parties, s_start, s_end, found))
        if k in with_infra:
            found.extend(_connects(ctx, parties, s_start, s_end, infra))
        out.extend(found)
    return _once(out)


@lru_cache(maxsize=1)
def _alliance_re() -> re.Pattern:
    """Any name or alias of the registry (to find the sentences worth looking at)."""
    return re.compile("|".join(map(re.escape, sorted(alliances(), key=len, reverse=True))))


class _Parties:
    """The parties of a sentence: entity mentions with chains of places made one (安徽省马鞍山市当涂县 is 当涂县),
    and what places contain what (to drop a place's ancestor and a meeting's host)."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.codes = {p["name"]: p.get("adcode") or p.get("parent_adcode") for p in ctx.places}
        self.levels = {p["name"]: p.get("level") for p in ctx.places}
        groups: dict[tuple[int, int], list[str]] = {}  # 粤港澳, 苏皖浙: one span, several places
        for p in ctx.places:
            for m in p["mentions"]:
                groups.setdefault((m["start"], m["end"]), []).append(p["name"])
        self.groups = {k: v for k, v in groups.items() if len(v) >= 2}

    def mentions(self, start: int, end: int) -> list[tuple[int, int, tuple[str, ...], str]]:
        """(start, end, names, kind): a mention's names are one, or the members of an abbreviation (粤港澳)."""
        text = self.ctx.text
        out: list[tuple[int, int, tuple[str, ...], str]] = []
        for s, e, name, kind in self.ctx.entity_mentions(start, end):
            names = tuple(self.groups.get((s, e), (name,))) if kind == "places" else (name,)
            if out and out[-1][3] == "places" and kind == "places" and out[-1][1] == s and len(names) == 1 and \
                    len(out[-1][2]) == 1 and self.within(name, out[-1][2][0]):
                out[-1] = (out[-1][0], e, names, kind)  # 马鞍山市当涂县: the finer unit
            elif out and kind == "organizations" and out[-1][3] == "places" and out[-1][1] == s:
                out[-1] = (out[-1][0], e, names, kind)  # 安徽省 + 芜湖市政府: the organisation
            else:
                out.append((s, e, names, kind))
        # not a meeting's host (在南京召开)
        away = [h.span("where") for h in _HOST.finditer(text, start, end)]
        return [m for m in out if not any(a <= m[0] and m[1] <= b for a, b in away)]

    def area(self, name: str) -> bool:
        """A region (长三角, 京津冀): no member of anything here."""
        return self.levels.get(name) == "area"

    def within(self, inner: str, outer: str) -> bool:
        a, b = self.codes.get(inner) or "", self.codes.get(outer) or ""
        if not a or not b or a == b:
            return False
        if b.endswith("0000"):
            return a[:2] == b[:2]
        if b.endswith("00"):
            return a[:4] == b[:4]
        return False

    def whole(self, names: list[str]) -> list[str]:
        """Distinct names, without a place whose descendant is also a party (杭州市 with 上城区)."""
        names = list(dict.fromkeys(names))
        return [n for n in names if not any(self.within(o, n) for o in names if o != n)]


def _runs(ctx: Context, mentions: list[tuple[int, int, str, str]]) -> list[list[tuple[int, int, str, str]]]:
    """Runs of mentions joined by a conjunction or an enumeration comma (A与B, A、B和C)."""
    text = ctx.text
    runs: list[list] = []
    for m in mentions:
        gap = text[runs[-1][-1][1]:m[0]] if runs else None
        if gap and _JOINER.match(gap) or gap == "" and runs[-1][-1][1] - runs[-1][-1][0] == 1 and m[1] - m[0] == 1:
            runs[-1].append(m)  # (nothing between: only the one-character abbreviations of 粤港澳, 苏浙皖)
        else:
            runs.append([m])
    return runs


def _cooperation(ctx: Context, parties: _Parties, s_start: int, s_end: int, known: list[dict]) -> list[dict]:
    text = ctx.text
    out = []
    members = {frozenset(r["parties"][1:]) for r in known if r["type"] == "membership"}
    prev_runs: list[list] = []  # the sentence's earlier runs: a later clause may share their subject
    for c_start, c_end in _spans(text, s_start, s_end):
        runs = _runs(ctx, parties.mentions(c_start, c_end))
        if not any(len(parties.whole([n for m in run for n in m[2]])) >= 2 for run in runs):
            shared = [r for r in prev_runs if len(parties.whole([n for m in r for n in m[2]])) >= 2]
            verb = _COOP_VERB.search(text, c_start, c_end)
            if shared and verb and not runs:  # A与B……，共同签署了协议: the subject of the clauses before
                names = parties.whole([n for m in shared[-1] for n in m[2]])
                if frozenset(names) not in members:
                    for topic, topic_text in _topics_of(text, verb.start(), c_end):
                        out.append({"type": "cooperation", "parties": names, "topic": topic, "topic_text": topic_text,
                                    "text": text[s_start:s_end], "start": s_start, "end": s_end, "mentions": []})
            prev_runs.extend(runs)
            continue
        prev_runs.extend(runs)
        for i, run in enumerate(runs):
            names = parties.whole([n for m in run for n in m[2]])
            if len(names) < 2:
                continue
            nxt = runs[i + 1][0][0] if i + 1 < len(runs) else c_end
            verb = _COOP_VERB.search(text, run[-1][1], nxt if nxt - run[-1][1] <= 40 else run[-1][1] + 40)
            # what they agree on runs to the next agreement's parties (a run of two or more), else the clause's end
            topic_end = next((r[0][0] for r in runs[i + 1:] if len(r) >= 2), c_end)
            if not verb and not (len(run) >= 2 and text[run[0][1]:run[1][0]] in ("与", "和", "同") and
                                 _COOP_VERB.search(text, run[-1][1], c_end)):
                continue
            if frozenset(names) in members:
                continue  # the listed members of an alliance named in the same sentence
            for topic, topic_text in _topics_of(text, run[-1][1], topic_end):
                out.append({"type": "cooperation", "parties": names, "topic": topic, "topic_text": topic_text,
                            "text": text[s_start:s_end], "start": s_start, "end": s_end, "mentions": []})
    return out


def _spans(text: str, s_start: int, s_end: int) -> list[tuple[int, int]]:
    """The clauses of a sentence, with a clause that holds no cooperation word joined to the next one (A与B，在…
    签署协议)."""
    out: list[tuple[int, int]] = []
    pending = None
    for c_start, c_end in clauses(text, s_start, s_end):
        start = pending if pending is not None else c_start
        if _COOP_VERB.search(text, c_start, c_end):
            out.append((start, c_end))
            pending = None
        else:
            pending = start
    return out


def _topics_of(text: str, start: int, end: int) -> list[tuple[str | None, str | None]]:
    """The topic of an agreement, or one per field where the parties sign one agreement for each of several listed
    fields (就推进公共服务一体化、综合交通一体化、文化旅游一体化…四个方面签订子协议)."""
    pattern, kinds = _topics()
    title = _TITLE.search(text, start, end)
    if not title:
        fields = [m for m in pattern.finditer(text, start, end)]
        listed = [m for m in fields if text.find("、", m.end(), end) >= 0 or text.rfind("、", start, m.start()) >= 0]
        topics = list(dict.fromkeys(kinds[m.group()] for m in listed))
        if len(topics) >= 2 and _SUB_AGREEMENTS.search(text, start, end):
            out = []
            for t in topics:
                m = next(m for m in listed if kinds[m.group()] == t)
                out.append((t, text[m.start():m.end() + 4].strip("，。；、 ")))
            return out
    return [_topic(text, start, end)]


def _topic(text: str, start: int, end: int) -> tuple[str | None, str | None]:
    """The topic of what the parties agree on: the first taxonomy word of the agreement's title, else of the words
    after the verb; ``general`` for a strategic agreement naming no field."""
    pattern, kinds = _topics()
    title = _TITLE.search(text, start, end)
    for a, b in ((title.start(), title.end()),) if title else ():
        m = pattern.search(text, a, b)
        if m:
            return kinds[m.group()], text[a:b]
    m = pattern.search(text, start, end)
    if m:
        return kinds[m.group()], text[max(start, m.start() - 6):min(end, m.end() + 6)].strip("，。；、 ")
    if _STRATEGIC.search(text, start, end):
        return "general", (title.group() if title else _STRATEGIC.search(text, start, end).group())
    return None, None


def _membership(ctx: Context, parties: _Parties, s_start: int, s_end: int) -> list[dict]:
    """An alliance or region with the places a membership word ties to it: X包括A、B、C / A、B正式加入X / X的规划
    范围为A、B; or the registry's members where the article counts them (G60科创走廊九城市)."""
    text = ctx.text
    sentence = text[s_start:s_end]
    registry = alliances()
    mentions = parties.mentions(s_start, s_end)
    cands = [(s_start + i, s_start + i + len(key), key) for key in registry for i in [sentence.find(key)] if i >= 0]
    cands += [(m[0], m[1], m[2][0]) for m in mentions if m[3] == "places" and len(m[2]) == 1
              and _REGION_END.search(m[2][0])]
    cands = [c for c in cands if not any(o[0] <= c[0] and c[1] <= o[1] and o[1] - o[0] > c[1] - c[0] for o in cands)]
    places = [m for m in mentions if m[3] == "places" and not any(_REGION_END.search(n) or parties.area(n)
                                                                  for n in m[2])]
    runs = _runs(ctx, places)
    out, seen = [], set()
    for a, b, key in sorted(cands):
        name, members = registry.get(key, (key, []))
        if name in seen:
            continue
        found: list[str] = []
        for run in runs:
            between = text[b:run[0][0]] if run[0][0] >= b else text[run[-1][1]:a] if run[-1][1] <= a else None
            if between is None or len(between) > 24 or not _MEMBER_VERB.search(between) or \
                    any(b <= c[0] and c[1] <= run[0][0] or run[-1][1] <= c[0] and c[1] <= a for c in cands
                        if c[:2] != (a, b)):
                continue  # the list must be tied to this name by a membership word, with no other name between
            found.extend(n for m in run for n in m[2])
        for run in runs:
            names = {n for m in run for n in m[2]}
            if members and len(names) >= 2 and names <= set(members):
                found.extend(n for m in run for n in m[2])  # its known members listed with it (“两区一县”)
        if _MEMBER_OF.match(text, b) or _SHARED.search(text, max(s_start, a - 4), a):
            # 天长…是南京都市圈成员县级城市 / 宁马两市同处长江经济带: the sentence's subject
            subject = [m for m in places if m[1] <= a][:2]
            found.extend(n for m in subject for n in m[2])
        found = parties.whole([n for n in found if n != name])
        if not found and members and _COUNT_WORD.match(text, b):
            found = members  # G60科创走廊九城市
        if not found:
            continue
        seen.add(name)
        out.append({"type": "membership", "parties": [name, *found], "topic": None, "topic_text": None,
                    "text": text[s_start:s_end], "start": s_start, "end": s_end, "mentions": []})
    return out


def _connects(ctx: Context, parties: _Parties, s_start: int, s_end: int, infra: list[dict]) -> list[dict]:
    """``infra``: the article's organisations of kind project whose name is a railway, road, bridge …"""
    text = ctx.text
    out = []
    gaz = gazetteer()
    for org in infra:
        for mention in org["mentions"]:
            if not (s_start <= mention["start"] < s_end):
                continue
            # the places after it in its sentence, up to the next line named, where a connecting verb says so
            # (沪苏湖高铁…连接上海、苏州; 大环线高铁开通运营，串联起苏浙沪皖)
            c_end = min([m["start"] for o in infra for m in o["mentions"] if mention["end"] <= m["start"] < s_end]
                        + [s_end])
            places = []
            verb = _CONNECT_VERB.search(text, mention["end"], c_end)
            if verb:
                places = [n for m in parties.mentions(verb.end(), c_end) if m[3] == "places" for n in m[2]]
            parties_ = parties.whole([*_places_in_name(org["name"], gaz), *places])
            if len(parties_) >= 2:
                out.append({"type": "connects", "parties": [org["name"], *parties_], "topic": "transport",
                            "topic_text": org["name"], "text": text[s_start:s_end], "start": s_start, "end": s_end,
                            "mentions": []})
            break
    return out


def _once(relations: list[dict]) -> list[dict]:
    """A relation stated again in the article (the same type and parties, and the same topic or none) is one, with
    its later sentences as mentions."""
    first: dict[tuple[str, frozenset[str]], list[dict]] = {}
    out = []
    for r in relations:
        same = [k for k in first.get((r["type"], frozenset(r["parties"])), ())
                if r.get("topic") is None or k.get("topic") in (None, r.get("topic"))]
        if same:
            kept = same[0]
            if kept.get("topic") is None and r.get("topic") is not None:
                kept["topic"], kept["topic_text"] = r["topic"], r.get("topic_text")
            if r["start"] != kept["start"] and all(m["start"] != r["start"] for m in kept["mentions"]):
                kept["mentions"].append({"start": r["start"], "end": r["end"], "text": r["text"]})
            continue
        first.setdefault((r["type"], frozenset(r["parties"])), []).append(r)
        out.append(r)
    return out


def _places_in_name(name: str, gaz) -> list[str]:
    """沪苏湖铁路 -> 上海市, 苏州市, 湖州市: the 简称 a project's name is made of."""
    head = _INFRA.sub("", name)
    if not head or len(head) > 6:
        return []
    out = []
    for ch in head:
        ids = gaz.abbreviations.get(ch, [])
        if not ids:
            return []
        units = [gaz.units[i] for i in ids if i in gaz.units]
        cities = [u for u in units if u.level == "city" and u.in_delta] or [u for u in units if u.in_delta] or units
        if ch == "苏" and len(head) > 1 and "沪" in head:
            cities = [u for u in units if u.adcode == "320500"] or cities
        out.append(cities[0].name)
    return out
