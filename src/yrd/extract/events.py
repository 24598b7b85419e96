"""Events: what happened (or is planned, or only hoped for), with its date, participants and place.

A trigger word of one of the eight types (``resources/event_words.tsv``) makes an event of its type, once per
sentence, where it is a word of the sentence (jieba's segmentation: 破土而出 holds no 破土, 发布会 no 发布).
Each event gets:

- a **modality**: ``planned`` (将于…召开, 计划…开工, a date after publication, 到2030年…建成), ``quoted`` (a
  hope, 希望…早日开通, or a plan in a speaker's words), else ``happened``. Conditions (建成后), statistics
  (新开工面积), aggregates (先后4次召开) and negations (未开工) are no events;
- a **date**: its clause's or sentence's own; else its frame's: the date of an earlier dated event of the same
  paragraph (acts at a dated meeting take its date), or the article's lead event where the sentence points back
  to it (会上, 此次, 当天, 现场); ``date_from`` says which (``stated``, ``paragraph``, ``document``);
- **participants**: the organisations, places and people named in the sentence up to the trigger's clause, all
  of them where a sentence lists what was signed or unveiled together; and a **place** where it was held.

Meetings are known by a meeting noun in the trigger's clause (会议, 座谈会, 年会, 论坛, a session 第N次全体会议,
十四届八次全会) with a meeting verb (召开, 举行, 开幕), or by being where something was said or done (在…座谈会上).
A ceremony takes the type of what it celebrates: 签约仪式举行 is a signing, not a meeting.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..model import EVENT_TYPES
from ..resources import guarded, table, words
from .context import Context
from .text import clauses

_TRIGGER_ROWS = [e for e in table("event_words") if e.kind in EVENT_TYPES]  # resources/event_words.tsv
_TRIGGERS = {t: re.compile("|".join(guarded(e) for e in _TRIGGER_ROWS if e.kind == t))
             for t in dict.fromkeys(e.kind for e in _TRIGGER_ROWS)}
# the words that make a sentence worth reading, found in one scan of plain words: every trigger's word (a pattern's
# last two characters, which it always holds: 启动…建设), and the meeting nouns a named meeting ends in
_ANY_WORD = re.compile("|".join(sorted({re.escape(e.word[-2:] if e.get("pattern") else e.word) for e in _TRIGGER_ROWS}
                                       | {"会议", "全会", "座谈会", "论坛", "年会", "峰会", "大会", "博览会", "进博会", "联席会",
                                          "洽谈会", "推介会", "对接会", "研讨会", "发布会", "交流会", "典礼"},
                                       key=len, reverse=True)))
_PRIORITY = ["signing", "unveiling", "groundbreaking", "completion", "approval", "release", "launch", "meeting"]


def _alt(kind: str) -> str:
    return "|".join(map(re.escape, sorted(words("event_words", kind), key=len, reverse=True)))


_MEETING_NOUN = re.compile(_alt("meeting_noun"))
_SESSION = re.compile(r"第[一二三四五六七八九十百零\d]+次(?:全体|常务|工作)?(?:（扩大）|\(扩大\))?(?:会议|全会)"
                      r"|[一二三四五六七八九十\d]+届[一二三四五六七八九十\d]+次全(?:体)?(?:（扩大）|\(扩大\))?(?:会议|会)")
_MEETING_NAME = (r"[^，。；！？!?;\n]{2,40}?(?:会议|座谈会|论坛|年会|峰会|大会|博览会|进博会|联席会|全会|洽谈会|推介会|对接会"
                 r"|研讨会|发布会|交流会|典礼)")
_AT_MEETING = re.compile(rf"(?:在|从|于)(?P<name>{_MEETING_NAME})(?:上|期间|开幕式上)")
_NAMED_SESSION = re.compile(r"(?P<name>(?:第[一二三四五六七八九十百零\d]+[次届]|[一二三四五六七八九十\d]+届[一二三四五六七八九十\d]+次)"
                            r"[^，。；！？!?;\n]{0,16}?(?:会议|全会|联席会|座谈会|论坛|年会|峰会|大会|博览会))")
_CEREMONY = re.compile(r"(?:签约|签字|开工|动工|奠基|揭牌|开园|通车|竣工|投产|开港|授牌)(?:仪式|活动)")
_RELEASE_OBJECT = re.compile(_alt("release_object"))
_PLAN = frozenset(words("event_words", "plan"))
_DONE = frozenset(words("event_words", "done"))
_HOPE = re.compile(_alt("hope"))
_SPEECH = re.compile(_alt("speech"))
_ANAPHOR = re.compile(_alt("anaphor"))
_NOT_HAPPENING_AFTER = re.compile(r"^(?:的|后|之后|之前|面积|量|率|规模|数量|总量|金额|项目|许可|令|意向|时间|前)")
_AGGREGATE_BEFORE = re.compile(r"(?:多次|先后|一系列|累计|陆续|每年|每月|已累计|年均|逐步)[^，。]{0,6}$")
_QUOTED_TERM = re.compile(r"“[^”，。]{0,5}$")
_QUOTE_CLOSE = re.compile(r"[^“，。]{0,5}”")
_TITLED = re.compile(r"《[^》]{1,60}》")
_BACK = re.compile(r"^(?:这是|这也是|这标志着|此次|本次|会上|仪式上|活动中|现场)")  # a sentence about what was told
_SERIES_AFTER = re.compile(r"^(?:了)?(?:一系列|多场|多次|等)")  # 召开一系列会议, 企业设立等173个事项
_COUNT_AFTER = re.compile(r"^[^，。；]{0,2}?[\d一二三四五六七八九十百千万两]+多?(?:个|座|条|家|项|所|处|批)")
_CONDITION_AFTER = re.compile(r"^[^，。；,]{0,6}?(?:后|之后|以后)(?:[，,。；]|$)")  # 建成运营后: a condition
_EARLY = re.compile(r"早[^，。；]{0,2}$|早日$|尽快$")  # 争取早开工: a hope
_LOCATION = re.compile(r"(?:在|于)(?P<where>[\u4e00-\u9fffA-Za-z0-9（）]{2,24}?)(?:召开|举行|举办|签约|签署|揭牌|开工|开幕|成立|启动|发布|正式)")


def find_events(ctx: Context) -> list[dict]:
    text = ctx.text
    # one scan for any trigger picks the few sentences worth reading; each type's triggers are then
    # found inside those sentences alone
    candidates = {ctx.sentence_index(m.start()) for m in _ANY_WORD.finditer(text)}
    events: list[dict] = []
    frames = _Frames(ctx)
    for k in sorted(candidates - {-1}):
        s_start, s_end = ctx.sentences[k]
        sentence = text[s_start:s_end]
        found: list[dict] = []
        taken: list[tuple[int, int]] = []  # the triggers used: 启动建设 is a groundbreaking, not also a launch
        for etype in _PRIORITY:
            for m in _TRIGGERS[etype].finditer(sentence):
                t_start, t_end = s_start + m.start(), s_start + m.end()
                if any(a < t_end and t_start < b for a, b in taken):
                    continue
                if any(e["type"] == etype for e in found) and not _own_date_since(ctx, found, etype, t_start):
                    continue  # one event of a type per sentence, unless a later one has a date of its own
                event = _read(ctx, etype, s_start, s_end, t_start, t_end)
                if event is not None:
                    found.append(event)
                    taken.append((t_start, t_end))
        if not any(e["type"] == "meeting" for e in found):
            # a meeting where something was said or done (在…座谈会上), or named by its session (第十一次市长联席会议)
            at = _AT_MEETING.search(sentence) or _NAMED_SESSION.search(sentence)
            if at and not _CEREMONY.search(at.group("name")):
                t_start = s_start + at.start("name")
                c_start = _clause(text, s_start, s_end, t_start)[0]
                found.append(_event(ctx, "meeting", s_start, s_end, t_start,
                                    _modality(ctx, s_start, s_end, c_start, t_start), s_start + at.end("name")))
        back = bool(_BACK.match(sentence)) or bool(_ANAPHOR.search(sentence[:12]))
        for event in sorted(found, key=lambda e: e["_at"]):
            frames.date(event, k)
            at = event.pop("_at")
            named = text[at - 1:at] == "的"  # 示范区的揭牌，标志着…: the happening named as a thing
            same = next((e for e in events if e["type"] == event["type"] and e["modality"] == "happened"), None) \
                if (back or named) and event["modality"] == "happened" and event["date_from"] != "stated" else None
            if same is not None:  # 仪式上，…签订了协议 / 这是…首次共同举办开工活动: the happening told before
                same["participants"] += [p for p in event["participants"] if p not in same["participants"]]
                same["mentions"].append({"start": event["start"], "end": event["end"], "text": event["text"]})
                continue
            events.append(event)
    return events


def _own_date_since(ctx: Context, found: list[dict], etype: str, t_start: int) -> bool:
    """Is there a date between the last ``etype`` event's trigger and ``t_start`` (2021年…的颁布和2019年…的出台)?"""
    last = max(e["_at"] for e in found if e["type"] == etype)
    return bool(ctx.starting_in(ctx.dates, last + 1, t_start))


def _read(ctx: Context, etype: str, s_start: int, s_end: int, t_start: int, t_end: int) -> dict | None:
    """The event a trigger makes in its sentence, or None (not a word here, not a happening, not its type)."""
    text = ctx.text
    trigger = text[t_start:t_end]
    c_start, c_end = _clause(text, s_start, s_end, t_start)
    clause = text[c_start:c_end]
    if len(trigger) <= 3 and not ctx.words.aligned(t_start, t_end):
        return None  # inside another word: 破土而出, 发布会
    if _QUOTED_TERM.search(text, max(s_start, t_start - 6), t_start) and \
            _QUOTE_CLOSE.match(text, t_end) and text.rfind("“", s_start, t_start) >= t_start - 6:
        return None  # a term in quotes (以“云开工”方式), not an act
    if etype == "meeting":
        if _CEREMONY.search(clause):
            return None  # 签约仪式举行: the ceremony is the signing
        if not (_MEETING_NOUN.search(clause) or _SESSION.search(clause)):
            return None
    if etype == "release" and not _RELEASE_OBJECT.search(text, max(s_start, t_start - 20), min(s_end, t_end + 30)):
        return None
    if etype == "launch" and trigger == "开通" and "开通运营" in text[s_start:s_end]:
        return None
    if not _a_happening(ctx, etype, c_start, t_start, t_end) or text.startswith(("截至", "目前"), s_start):
        return None  # (截至2022年底，已开通…95条; 目前，已投运…: a running total, a state)
    if any(d["text"].startswith(("到", "至", "力争")) for d in ctx.starting_in(ctx.dates, s_start, t_start)):
        return None  # 到2035年建成…: a goal (a target), not an event
    return _event(ctx, etype, s_start, s_end, t_start, _modality(ctx, s_start, s_end, c_start, t_start), t_end)


def _clause(text: str, s_start: int, s_end: int, at: int) -> tuple[int, int]:
    for c_start, c_end in clauses(text, s_start, s_end):
        if c_start <= at < c_end:
            return c_start, c_end
    return s_start, s_end


def _a_happening(ctx: Context, etype: str, c_start: int, t_start: int, t_end: int) -> bool:
    """False for conditions (建成后), statistics (新开工面积, 开行班列5536列), aggregates (先后4次召开), negations."""
    text = ctx.text
    after = text[t_end:t_end + 8]
    if _NOT_HAPPENING_AFTER.match(after) and not re.match(r"的(?:数据|报告|信息|公告|名单|统计|通知|《)", after) \
            and not (etype == "meeting" and after.startswith("的") and _MEETING_NOUN.search(text, t_end, t_end + 30)):
        return False  # (日前举行的…颁奖典礼 is a meeting that was held)
    if _CONDITION_AFTER.match(after) or _SERIES_AFTER.match(after):
        return False
    if etype in ("completion", "unveiling") and _COUNT_AFTER.match(after):
        return False  # 已建成10个示范园区: a count of what exists
    if _AGGREGATE_BEFORE.search(text[c_start:t_start]):
        return False
    if text[t_start:t_end] == "开行" and re.match(r"[^，。；]{0,12}?\d", text[t_end:t_end + 14]):
        return False
    return text[t_start - 1:t_start] not in ("未", "不", "没")


def _modality(ctx: Context, s_start: int, s_end: int, c_start: int, t_start: int) -> str:
    """planned, quoted or happened: from the words before the trigger in its clause (将于, 计划; 已, 正式), a
    deadline before it (到2030年) or its own date after the publication, and a hope or a speaker before it."""
    text = ctx.text
    names = [(a, b) for a, b, _, _ in ctx.entity_mentions(c_start, t_start)]
    names += [m.span() for m in _TITLED.finditer(text, c_start, t_start)]
    before = [w for i, w in ctx.words.tokens_in(c_start, t_start)
              if not any(a <= i < b for a, b in names)]  # not 推动 of 推动长三角一体化发展领导小组, 规划 of 《…规划》
    planned = any(w in _PLAN for w in before[-6:]) and not any(w in _DONE for w in before[-3:])
    own = _stated_date(ctx, s_start, s_end, t_start)
    pub = (ctx.published_at or "")[:10]
    if own and pub and own[:len(pub)] > pub[:len(own)]:
        planned = True
    head = text[s_start:t_start]
    if _HOPE.search(head) or _EARLY.search(text[c_start:t_start]):
        return "quoted"
    if planned and _SPEECH.search(head):
        return "quoted"
    return "planned" if planned else "happened"


def _event(ctx: Context, etype: str, s_start: int, s_end: int, t_start: int, modality: str, t_end: int) -> dict:
    text = ctx.text
    place = None
    loc = _LOCATION.search(text, s_start, s_end)
    participants: list[str] = []
    c_end = _clause(text, s_start, s_end, t_start)[1]
    for start, end, name, kind in ctx.entity_mentions(s_start, s_end):
        if loc and loc.start("where") <= start and end <= loc.end("where"):
            place = place or (name if kind == "places" else None)
            continue
        if start < c_end and name not in participants:
            participants.append(name)
    for person in ctx.people:
        if any(s_start <= m["start"] < s_end for m in person["mentions"]) and person["name"] not in participants:
            participants.append(person["name"])
    return {"type": etype, "modality": modality, "date": None, "date_from": None, "participants": participants,
            "place": place, "text": text[s_start:s_end], "start": s_start, "end": s_end, "mentions": [],
            "trigger": {"start": t_start, "end": t_end, "text": text[t_start:t_end]}, "_at": t_start}


class _Frames:
    """Dates for events whose sentence states none: the paragraph's earlier dated event, or the article's lead."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.paragraph: tuple[int, str | None] = (-1, None)  # (paragraph start, its frame date)
        self.lead: str | None = None
        self.lead_set = False

    def _paragraph_start(self, offset: int) -> int:
        return self.ctx.text.rfind("\n", 0, offset) + 1

    def date(self, event: dict, k: int) -> None:
        ctx = self.ctx
        s_start, s_end = ctx.sentences[k]
        t_start = event["_at"]
        own = _stated_date(ctx, s_start, s_end, t_start)
        para = self._paragraph_start(s_start)
        if para != self.paragraph[0]:
            self.paragraph = (para, None)
        if own is not None:
            event["date"], event["date_from"] = own, "stated"
            if event["modality"] == "happened":
                self.paragraph = (para, own)
                if not self.lead_set:
                    self.lead, self.lead_set = own, True
            return
        if event["modality"] != "happened":
            return
        earlier = self._earlier_date(para, s_start)
        if earlier is not None:
            event["date"], event["date_from"] = earlier, "paragraph"
        elif self.lead is not None and _ANAPHOR.search(ctx.text, s_start, t_start):
            event["date"], event["date_from"] = self.lead, "document"
        if not self.lead_set:
            self.lead_set = True  # the lead event is the article's first; an undated one leaves no frame


    def _earlier_date(self, para: int, s_start: int) -> str | None:
        """The last date stated before ``s_start`` in its paragraph (not a deadline, not after publication)."""
        ctx = self.ctx
        pub = (ctx.published_at or "")[:10]
        for d in reversed(ctx.starting_in(ctx.dates, para, s_start)):
            value = d.get("value")
            if not value or d.get("precision") not in ("day", "month", "approx") or d["text"].startswith(("到", "至")):
                continue
            if pub and value[:len(pub)] > pub[:len(value)]:
                continue
            return value[:7] if d.get("precision") == "approx" else value
        return self.paragraph[1]


_NOUN_POS = frozenset({"n", "vn", "nz", "b", "j", "l"})  # jieba's common nouns and noun-like words


def _names_a_thing(text: str, end: int) -> bool:
    """Does the year ending at ``end`` qualify a noun (2025年政府工作报告, 2020年度合作项目) rather than time an act
    (2018年开港, 于2021年在徐州召开, 2028年建成)? By the part of speech of the word after it."""
    if text[end - 1:end] == "度":
        return True
    return _first_pos(text[end:end + 6]) in _NOUN_POS


@lru_cache(maxsize=4096)
def _first_pos(s: str) -> str | None:
    if not s or not ("\u4e00" <= s[0] <= "\u9fff"):
        return None
    from .evidence import segmenter

    tags = segmenter().tag(s, False)
    return tags[0][1] if tags else None


def _stated_date(ctx: Context, s_start: int, s_end: int, t_start: int) -> str | None:
    """The sentence's own date of the event: the nearest before the trigger, else a day after it (于7月1日生效)."""
    dates = [d for d in ctx.in_range(ctx.dates, s_start, s_end) if d.get("value") and (
        d.get("precision") != "period" or str(d.get("end_value") or "")[:4] == str(d["value"])[:4])]
    before = [d for d in dates if d["start"] < t_start]
    # a year that qualifies a noun (2025年政府工作报告, 2020年度合作项目) names the thing, not the time of the act
    timed = [d for d in before if not (d.get("precision") == "year" and _names_a_thing(ctx.text, d["end"]))]
    after = [d for d in dates if d["start"] > t_start and d.get("precision") == "day"]
    chosen = timed[-1] if timed else after[0] if after else None
    if chosen is None:
        return None
    date = chosen["value"]
    if chosen.get("precision") == "period":
        return str(date)[:4]  # 今年上半年: the year is known
    if chosen.get("precision") == "approx":
        date = date[:7]  # 近日, 日前: about the publication date, so only its month is known
    return date
