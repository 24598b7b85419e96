"""Events of eight types, one per happening, with date, participants and place.

A trigger word (签署, 揭牌, 开工 …) in a sentence makes an event of its type;
several triggers of one type in one sentence are one happening. Plans
(``将于明年开工``, ``计划签约``) are not events.
"""
from __future__ import annotations

import re

from ..model import EVENT_TYPES
from ..resources import guarded, table, words
from .context import Context
from .text import clauses

_TRIGGER_ROWS = [e for e in table("event_words") if e.kind in EVENT_TYPES]  # resources/event_words.tsv
_TRIGGERS = {t: re.compile("|".join(guarded(e) for e in _TRIGGER_ROWS if e.kind == t))
             for t in dict.fromkeys(e.kind for e in _TRIGGER_ROWS)}
# (never across a sentence's end, so no match can hide a trigger of the next sentence)
_ANY_TRIGGER = re.compile("|".join(p.pattern for p in _TRIGGERS.values()).replace("[^，。；]", "[^，。；！？!?;\n]"))
assert _ANY_TRIGGER.pattern.count("[^，。；！？!?;\n]") == 1
_MEETING_NOUN = re.compile("|".join(words("event_words", "meeting_noun")))
_NOT_HAPPENING_AFTER = re.compile(r"^(?:的|后|以来|之后|之前|面积|量|率|规模|数量|总量|金额|项目数|时间|于)")
_AGGREGATE_BEFORE = re.compile(r"(?:多次|先后|一系列|累计|陆续|每年|每月|已累计|年均|逐步)[^，。]{0,6}$")
_RELEASE_OBJECT = re.compile("|".join(words("event_words", "release_object")))
_PLAN = re.compile("|".join(words("event_words", "plan")))
_DONE = re.compile("|".join(words("event_words", "done")))
_LOCATION = re.compile(r"(?:在|于)(?P<where>[\u4e00-\u9fffA-Za-z0-9（）]{2,24}?)(?:召开|举行|举办|签约|签署|揭牌|开工|开幕|成立|启动|发布|正式)")
_PRIORITY = ["signing", "unveiling", "groundbreaking", "completion", "approval", "release", "launch", "meeting"]


def find_events(ctx: Context) -> list[dict]:
    text = ctx.text
    # one scan for any trigger picks the few sentences worth reading; each type's triggers are then
    # found inside those sentences alone
    candidates = sorted({ctx.sentence_index(m.start()) for m in _ANY_TRIGGER.finditer(text)} - {-1})
    events = []
    for k in candidates:
        s_start, s_end = ctx.sentences[k]
        sentence = text[s_start:s_end]
        triggers = {etype: [(s_start + m.start(), m.group()) for m in _TRIGGERS[etype].finditer(sentence)]
                    for etype in _PRIORITY}
        for etype in _PRIORITY:
            for t_start, trigger in triggers[etype]:
                if not _happened(text, ctx, s_start, t_start, trigger):
                    continue
                if etype == "meeting" and not _MEETING_NOUN.search(sentence):
                    continue
                if etype == "release" and (not _RELEASE_OBJECT.search(text[max(s_start, t_start - 20):t_start + 30])
                                           or text[t_start + len(trigger):t_start + len(trigger) + 1] in ("会", "厅")):
                    continue  # 发布会 is a meeting, not a release
                if _deadline_before(ctx, s_start, t_start):
                    continue  # 到2030年…基本建成: a goal, not a happening
                if etype == "launch" and trigger == "开通" and "开通运营" in sentence:
                    continue
                events.append(_event(ctx, etype, s_start, s_end, t_start))
                break  # one event of a type per sentence
    return events


def _deadline_before(ctx: Context, s_start: int, t_start: int) -> bool:
    """A date after the publication (到2030年, 明年) before the trigger makes the clause a plan."""
    pub = (ctx.published_at or "")[:10]
    for d in ctx.starting_in(ctx.dates, s_start, t_start):
        if d.get("value"):
            value = str(d.get("end_value") or d["value"])
            if pub and value[:len(pub)] > pub[:len(value)]:
                return True
            if d["text"].startswith(("到", "至", "力争")):
                return True
    return False


def _happened(text: str, ctx: Context, s_start: int, t_start: int, trigger: str) -> bool:
    """False for plans and intentions: 将于明年开工, 计划签约 (in the same clause, before the trigger)."""
    clause_start = s_start
    for c_start, c_end in clauses(text, s_start, t_start + len(trigger)):
        if c_start <= t_start:
            clause_start = c_start
    before = text[clause_start:t_start]
    if _PLAN.search(before[-8:]) and not _DONE.search(before[-8:]):
        return False
    after = text[t_start + len(trigger):t_start + len(trigger) + 8]
    if _NOT_HAPPENING_AFTER.match(after) and not re.match(r"的(?:数据|报告|信息|公告|名单|统计)", after):
        return False  # 建成后, 推出的节目, 新开工面积, 运输启动以来: not a happening
    if _AGGREGATE_BEFORE.search(before):
        return False  # 先后4次主持召开: a summary of many, not one happening
    if trigger == "开行" and re.match(r"[^，。；]{0,12}?\d", text[t_start + 2:t_start + 16]):
        return False  # 开行班列5536列: a statistic
    return not text[t_start - 1:t_start] in ("未", "不")


def _event(ctx: Context, etype: str, s_start: int, s_end: int, t_start: int) -> dict:
    text = ctx.text
    dates = [d for d in ctx.in_range(ctx.dates, s_start, s_end) if d.get("value") and d.get("precision") != "period"]
    before = [d for d in dates if d["start"] < t_start]
    after = [d for d in dates if d["start"] > t_start and d.get("precision") == "day"]  # 于7月1日正式生效
    chosen = before[-1] if before else after[0] if after else None
    date = chosen["value"] if chosen else None
    if chosen and chosen.get("precision") == "approx":
        date = date[:7]  # 近日, 日前: about the publication date, so only its month is known
    place = None
    loc = _LOCATION.search(text, s_start, s_end)
    participants = []
    for start, end, name, kind in ctx.entity_mentions(s_start, s_end):
        if loc and loc.start("where") <= start and end <= loc.end("where"):
            place = place or (name if kind == "places" else None)
            continue
        if start < t_start + 20 and name not in participants:
            participants.append(name)
    for person in ctx.people:
        if any(s_start <= m["start"] < s_end for m in person["mentions"]) and person["name"] not in participants:
            participants.append(person["name"])
    return {"type": etype, "date": date, "participants": participants, "place": place,
            "text": text[s_start:s_end], "start": s_start, "end": s_end}
