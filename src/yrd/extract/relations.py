"""Relations between named parties: cooperation, membership of an alliance, infrastructure that connects places.

Cooperation needs two or more parties joined by a conjunction (和/与/同/及/、)
before a cooperation verb in one sentence. Membership comes from a listed set
of members next to an alliance's name, or from the curated registry
(``resources/alliances.tsv``) when the article names the alliance with a count
(``G60科创走廊九城市``). ``connects`` links a named railway, road or bridge to the
places it runs through.
"""
from __future__ import annotations

import csv
import re
from functools import lru_cache

from ..resources import path, table
from .context import Context
from .places import gazetteer

_COOP_VERB = re.compile(r"签署|签订|签约|合作|共建|联合|携手|共同|协同|结对|对口|联手|共享|共治|联防|联保|互认|共商|联动")
_JOINER = re.compile(r"^(?:[和与同及跟、，]|以及|还有|并与|分别与)?$")
_TOPIC = re.compile(r"(?:签署|签订|签约|开展|共建|联合|携手|共同|协同|深化|推进|建立)(?:了)?(?P<topic>[\u4e00-\u9fffA-Za-z0-9《》“”]{2,20}?)(?:[，。；、]|$|并|，)")
_COUNT_WORD = re.compile(r"[两二三四五六七八九十]+(?:个)?(?:城市|市|城|地|区|县|省市|区县|区一县)")
_INFRA = re.compile("(?:" + "|".join(e.word for e in table("infrastructure") if e.connects) + ")$")  # a line's name
_CONNECT_VERB = re.compile(r"连接|连通|串联|贯通|途经|经过|起于|止于|直达|通达|往返|联通|沟通|衔接|至|到|通往")


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


def find_relations(ctx: Context) -> list[dict]:
    """Cooperation, membership and connects relations, sentence by sentence (only sentences with a
    cooperation verb, an alliance's name or a named railway, road or bridge are looked at)."""
    text = ctx.text
    with_verb = {ctx.sentence_index(m.start()) for m in _COOP_VERB.finditer(text)}
    with_alliance = {ctx.sentence_index(m.start()) for m in _alliance_re().finditer(text)}
    infra = [org for org in ctx.organizations if org.get("kind") == "project" and _INFRA.search(org["name"])]
    with_infra = {ctx.sentence_index(m["start"]) for org in infra for m in org["mentions"]}
    out = []
    for k in sorted((with_verb | with_alliance | with_infra) - {-1}):
        s_start, s_end = ctx.sentences[k]
        if k in with_verb:
            out.extend(_cooperation(ctx, s_start, s_end))
        if k in with_alliance:
            out.extend(_membership(ctx, s_start, s_end))
        if k in with_infra:
            out.extend(_connects(ctx, s_start, s_end, infra))
    return out


@lru_cache(maxsize=1)
def _alliance_re() -> re.Pattern:
    """Any name or alias of the registry (to find the sentences worth looking at)."""
    return re.compile("|".join(map(re.escape, sorted(alliances(), key=len, reverse=True))))


@lru_cache(maxsize=1)
def _alliance_keys() -> list[str]:
    return sorted(alliances(), key=len, reverse=True)


def _parties_before(ctx: Context, s_start: int, verb_start: int) -> list[str]:
    """The run of parties joined by conjunctions that ends closest before the verb."""
    text = ctx.text
    mentions = ctx.entity_mentions(s_start, verb_start)
    best: list[tuple[int, int, str, str]] = []
    run: list[tuple[int, int, str, str]] = []
    for m in mentions:
        if run and _JOINER.match(text[run[-1][1]:m[0]]):
            run.append(m)
        elif run and text[run[-1][1]:m[0]] == "" :
            run[-1] = (run[-1][0], m[1], m[2], m[3])  # 宁波江北: one party, the finer unit
        else:
            if len(run) >= 2:
                best = run
            run = [m]
    if len(run) >= 2:
        best = run
    names = []
    for m in best:
        if m[2] not in names:
            names.append(m[2])
    return names


def _cooperation(ctx: Context, s_start: int, s_end: int) -> list[dict]:
    text = ctx.text
    verb = _COOP_VERB.search(text, s_start, s_end)
    if not verb:
        return []
    parties = _parties_before(ctx, s_start, verb.start())
    if len(parties) < 2:
        # 与 … 合作: "A与B开展合作" has B right before the verb; also try the whole sentence
        parties = _parties_before(ctx, s_start, s_end)
        if len(parties) < 2:
            return []
    topic = None
    tm = _TOPIC.search(text, verb.start(), s_end)
    if tm:
        topic = tm.group("topic")
    return [{"type": "cooperation", "parties": parties, "topic": topic,
             "text": text[s_start:s_end], "start": s_start, "end": s_end}]


def _membership(ctx: Context, s_start: int, s_end: int) -> list[dict]:
    text = ctx.text
    sentence = text[s_start:s_end]
    registry = alliances()
    out = []
    for key in _alliance_keys():
        i = sentence.find(key)
        if i < 0:
            continue
        name, members = registry[key]
        places = [m[2] for m in ctx.entity_mentions(s_start, s_end, kinds=("places",))
                  if m[2] != name and m[2] not in (name,)]
        listed = [p for p in dict.fromkeys(places) if p in members]
        after = sentence[i + len(key):i + len(key) + 8]
        if len(listed) >= 2:
            parties = [name, *listed]
        elif _COUNT_WORD.match(after):
            parties = [name, *members]
        else:
            continue
        out.append({"type": "membership", "parties": parties, "topic": None,
                    "text": text[s_start:s_end], "start": s_start, "end": s_end})
        break
    return out


def _connects(ctx: Context, s_start: int, s_end: int, infra: list[dict]) -> list[dict]:
    """``infra``: the article's organisations of kind project whose name is a railway, road, bridge …"""
    text = ctx.text
    out = []
    gaz = gazetteer()
    for org in infra:
        for mention in org["mentions"]:
            if not (s_start <= mention["start"] < s_end):
                continue
            places = [m[2] for m in ctx.entity_mentions(s_start, s_end, kinds=("places",))
                      if not (mention["start"] <= m[0] < mention["end"])]
            if not _CONNECT_VERB.search(text, s_start, s_end):
                places = []
            from_name = _places_in_name(org["name"], gaz)
            parties = list(dict.fromkeys([*from_name, *places]))
            if len(parties) >= 2:
                out.append({"type": "connects", "parties": [org["name"], *parties], "topic": org["name"],
                            "text": text[s_start:s_end], "start": s_start, "end": s_end})
            break
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
