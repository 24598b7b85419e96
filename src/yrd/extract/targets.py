"""Targets: a goal for a future year — its deadline, metric, value, qualifier and subject.

A target sentence names a deadline (``到2027年``, ``2025年前``, ``“十五五”期间``);
each comma clause after it that states a value (``突破3000亿元``) or a goal verb
(``基本建成``) is one target.
"""
from __future__ import annotations

import re

from .context import Context
from .text import clauses

_DEADLINE_TEXT = re.compile(r"^(?:到|至|力争到|争取到|计划到|预计到|目标到|力争在|争取在|确保|力争|于)|(?:前|底|末|期间|时期)$")
_APPROX_VERB = (
    (re.compile(r"(?:突破|超过|超|逾|不少于|不低于|以上|达到.{0,12}以上)"), "over"),
    (re.compile(r"(?:控制在|不超过|不高于|以内|以下|降至|降低到)"), "under"),
    (re.compile(r"(?:左右|约|大约|上下)"), "about"),
)
_VALUE_VERB = re.compile(
    r"(?:力争|确保|努力|预计|计划|将|要)?(?:突破|超过|达到|达|不少于|不低于|增长|提高到|提高至|提升到|提升至|降至|降低到|控制在|实现|保持在|稳定在|占比|超|逾|约|新增|累计|力争)$"
)
_GOAL_VERB = re.compile(r"全线开通|开通|通车|投用|投产|开工|竣工|落地|上线|启用|基本建成|全面建成|建成|基本形成|形成|基本实现|全面实现|实现|成为|构建|打造|迈上|走在|取得|达到|率先|完成|覆盖|贯通|全面提升|显著提升|明显提升")
_LEAD = re.compile(r"^(?:[，、；：\s的]|力争|确保|努力|争取|计划|预计|目标是|目标为|全市|全省|全区|全县|将|要|并|同时|其中|实现|"
                   r"[两三四五六七八九]地|[两三]港|[两三]市|[两三]省|双方|各方|该市|该区|该县|园区|示范区将)+")
_TAIL = re.compile(r"(?:将|要|达|达到|力争|预计|计划|实现|累计|合计|共计|总计|超过|突破|不少于|不低于)+$")


_HAN_RE = re.compile(r"[\u4e00-\u9fff]")
_AHEAD = re.compile(r"将|力争|确保|争取|目标|计划|预期")
_PAST = re.compile(r"了|已|已经|启动")
_RELATIVE_YEAR = re.compile(r"^(?:今年|明年|后年|年底前|年内|今年底|今年年底|今年年内|明年底|年底)$")
_PLAN_PERIOD = re.compile(r"十[一二三四五六七八九]五")
_GOAL_WORDS = re.compile(r"到|至|力争|确保|争取|目标|计划|将|要|前|底|末")


def _is_deadline(text: str, date: dict) -> bool:
    """到2027年, 2025年前, 到2025年底, “十五五”期间 — not 今年前7个月, “十四五”以来, 一季度, 截至2022年底."""
    after = text[date["end"]:date["end"] + 3]
    if text[max(0, date["start"] - 2):date["start"]] in ("截至", "截止") or date["text"].startswith(("截至", "截止")):
        return False  # as of a date: a result, not a goal
    if date.get("precision") == "year":
        if re.match(r"[0-9０-９一二三四五六七八九十两个季半]", after):
            return False
        if _RELATIVE_YEAR.match(date["text"]):
            # 今年/明年/年底前 … 将 …: a plan for this or next year
            ahead = text[date["end"]:date["end"] + 40]
            if "预计" in ahead[:20]:
                return False  # a forecast, not a goal
            return bool(re.search(r"^[，,\s]*[^。；]{0,30}?(?:力争|确保|计划|争取|目标|将(?:全线|全面|基本|正式)?"
                                  r"(?:开通|建成|投用|投产|开工|竣工|完成|实现|达到|突破|通车|上线|启用))", ahead))
        return bool(_DEADLINE_TEXT.search(date["text"]))
    if date.get("precision") == "period" and _PLAN_PERIOD.search(date["text"]):
        tail = re.match(r"(?:时期|期间)?", text[date["end"]:date["end"] + 2]).group()
        if not re.match(r"[，,、：:；]|末|内|要|将|力争|确保|前", text[date["end"] + len(tail):date["end"] + len(tail) + 2]):
            return False  # “十四五”时期的…报告, “十五五”时期经济社会发展: a period that names a thing
        if after.startswith(("以来", "时期以来", "期间以来")) or re.search(r"以来", text[date["end"]:date["end"] + 6]):
            return False
        return bool(re.search(r"期间|时期|末", date["text"] + after))
    return False


def _deadline_year(date: dict) -> int | None:
    value = date.get("end_value") if date.get("precision") == "period" else date.get("value")
    if not value:
        return None
    try:
        return int(str(value)[:4])
    except ValueError:
        return None


def find_targets(ctx: Context) -> list[dict]:
    text = ctx.text
    pub_year = int(ctx.published_at[:4]) if ctx.published_at else None
    targets = []
    for date in ctx.dates:
        if not _is_deadline(text, date):
            continue
        year = _deadline_year(date)
        if year is None or (pub_year and year < pub_year):
            continue
        s_start, s_end = ctx.sentence_of(date["start"])
        subject = _subject(ctx, s_start, date["start"])
        # a clause that only says what shall be so (…大幅提高) is a goal where the deadline is one (到2025年,
        # 2025年前) or the sentence looks ahead (将, 力争); “十四五”时期，我国启动… looks back
        if date.get("precision") == "period":  # a plan period looks ahead if it is still to come, or its end
            ahead = (pub_year is None or int(str(date["value"])[:4]) > pub_year) or date["text"].endswith("末")
        else:
            ahead = bool(_DEADLINE_TEXT.search(date["text"]))
        ahead = ahead or bool(_AHEAD.search(text, s_start, s_end))
        first = True
        # a deadline governs its sentence and the items of a list that go on after a semicolon (到2025年，A；B；C。)
        while s_end < len(text) and text[s_end - 1] in "；;":
            nxt = ctx.sentence_of(s_end + 1)[1]
            if nxt <= s_end or any(s_end <= d["start"] < nxt and _is_deadline(text, d) for d in ctx.dates):
                break
            s_end = nxt
        for c_start, c_end in _items(text, date["end"], s_end):
            if c_end <= date["end"]:
                continue
            later_deadline = any(d is not date and c_start <= d["start"] < c_end and _DEADLINE_TEXT.search(d["text"])
                                 for d in ctx.dates)
            if later_deadline:
                break
            head = ""
            if first:  # the words of the deadline's own clause before it (工程主体将于…)
                d_clause = next(((a, b) for a, b in _items(text, s_start, s_end) if a <= date["start"] < b), None)
                if d_clause and c_start == date["end"]:
                    head = _LEAD.sub("", re.sub(r"(?:将于|将在|于|在|将|要|计划)$", "",
                                               text[d_clause[0]:date["start"]])).strip("，、 ")
            if re.fullmatch(r"\s*(?:届时|到时|那时|从而|进而|以便|由此)\s*", text[c_start:c_end]):
                break  # 届时，将成为…: what the goal will bring, not more goals
            found = _clause_targets(ctx, c_start, c_end, year, subject, ahead, head)
            for t in found:
                if first:
                    t["start"] = date["start"]
                    t["text"] = text[t["start"]:t["end"]]
                    first = False
                targets.append(t)
    return _dedupe(targets)


def _items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The clauses between ``start`` and ``end``, a list's items (after a semicolon) apart."""
    out = []
    for c_start, c_end in clauses(text, start, end):
        a = c_start
        for m in re.finditer(r"[；;]", text[c_start:c_end]):
            if c_start + m.start() > a:
                out.append((a, c_start + m.start()))
            a = c_start + m.end()
        if c_end > a:
            out.append((a, c_end))
    return out


def _clause_targets(ctx: Context, c_start: int, c_end: int, year: int, subject: str | None,
                    ahead: bool = True, head: str = "") -> list[dict]:
    text = ctx.text
    if re.search(r"(?:后|了|时)$", text[c_start:c_end].rstrip("。；;，, ")) or "预计" in text[c_start:c_end]:
        return []  # 形成四个工位后 / 还争取了: a condition or a past act, not a goal
    if re.match(r"(?:届时|到时|那时|从而|进而|以便)", text[c_start:c_end]):
        return []  # 届时，将成为…: what the goal will bring, not another goal
    # (not a figure that names a zone: 1小时生活圈, 3小时城市圈)
    amounts = [a for a in ctx.in_range(ctx.amounts, c_start, c_end) if not _CIRCLE.match(text, a["end"])]
    out = []
    if amounts:
        seg_start = c_start
        for k, a in enumerate(amounts):
            if _RESULT.search(text, c_start, a["start"]):
                continue  # 目前已建成…168个: what there is, not a goal
            if k + 1 < len(amounts) and _FROM.search(text, seg_start, a["start"]) and \
                    _TO.match(text[a["end"]:amounts[k + 1]["start"]]):
                continue  # 从现在的500多座增加到1000座以上: the goal is the second figure
            before = text[seg_start:a["start"]]
            before = before[:before.find("从")] if "从" in before and _TO.search(before) else before
            metric = _VALUE_VERB.sub("", _LEAD.sub("", before)).strip("，、；： ")
            metric = _TAIL.sub("", re.sub(r"(?:达到|达|突破|超过|不少于|不低于|力争|确保|实现|增长|提高到|提升至)$", "", metric))
            metric = _noun_phrase(_LEAD.sub("", metric))
            if not metric:
                continue
            approx = a.get("approx", "exact")
            for pattern, word in _APPROX_VERB:
                if pattern.search(text[max(c_start, a["start"] - 6):a["end"] + 3]):
                    approx = word if approx == "exact" else approx
                    break
            out.append({
                "deadline": year, "metric": metric, "value": a["value"], "unit": a["unit"], "approx": approx,
                "subject": subject, "start": seg_start, "end": a["end"], "text": text[seg_start:a["end"]],
            })
            seg_start = a["end"]
        return out
    clause = text[c_start:c_end]
    if _GOAL_VERB.search(clause) and ahead or _GOAL_VERB.search(clause) and not _PAST.search(clause) \
            or ahead and _ends_in_a_predicate(clause.rstrip("。；;，, ")):
        lead = _LEAD.match(clause)
        start = c_start + (lead.end() if lead else 0)
        end = c_end
        while end > start and text[end - 1] in "。；;，,":
            end -= 1
        metric = text[start:end]
        if end - start < 4 and head:
            metric = head + metric  # 工程主体将于2026年底建成: what shall be done is named before the deadline
        if len(metric) >= 4:
            out.append({"deadline": year, "metric": metric, "value": None, "unit": None, "approx": None,
                        "subject": subject, "start": start, "end": end, "text": text[start:end]})
    return out


def _subject(ctx: Context, sentence_start: int, deadline_start: int) -> str | None:
    """Whose target: the place or region the sentence names before its deadline (苏州市到2027年…, 南京都市圈…到
    2025年), else the article's main place in the delta (else anywhere)."""
    levels = {p["name"]: p.get("level") for p in ctx.places}
    mentions = [m for m in ctx.entity_mentions(sentence_start, deadline_start, kinds=("places",))
                if levels.get(m[2]) in _SUBJECT_LEVELS]
    if mentions:
        return mentions[-1][2]
    return _main_place(ctx)


_SUBJECT_LEVELS = ("area", "zone", "province", "city", "district", "county")


def _main_place(ctx: Context) -> str | None:
    """The most-mentioned place of the article that a plan is made for (a region, zone, province, city, district
    or county; towns are too small), in the delta if there is one there (ties: the first named)."""
    ranked = [p for p in ctx.places if p.get("level") in _SUBJECT_LEVELS]
    delta = [p for p in ranked if p.get("scope") == "delta"]
    best, best_n = None, 0
    for p in delta or ranked:
        if len(p["mentions"]) > best_n:
            best, best_n = p["name"], len(p["mentions"])
    return best


_PREDICATE_POS = frozenset({"v", "a", "ad", "an", "vn", "l"})  # (l: 大幅提高)
_FROM = re.compile(r"从")
_RESULT = re.compile(r"目前|截至")  # (not 累计 or 已: 到2025年累计建成… is a goal)
_CIRCLE = re.compile(r"[^，。；、]{0,4}圈")
_TO = re.compile(r"[^，；。]{0,8}?(?:增加到|增至|提高到|提高至|提升到|提升至|增长到|增长至|扩大到|扩大至|达到|到)")
_NOT_IN_METRIC = frozenset({"c", "p", "d", "r", "uj", "ul", "uz", "ud", "ug", "uv", "y", "e", "x", "t"})
_NOUNISH = ("n", "vn", "l", "j", "an", "nz", "ns", "nt", "nr", "ng", "i")


def _noun_phrase(metric: str) -> str | None:
    """The metric as a noun phrase: without the conjunctions, adverbs, particles and times at its ends (以及, 保障了,
    明年中), and None if no noun is left."""
    if not metric:
        return None
    from .evidence import segmenter

    tags = segmenter().tag(metric, False)
    while tags and tags[0][1] in _NOT_IN_METRIC:
        tags = tags[1:]
    while tags and (tags[-1][1] in _NOT_IN_METRIC or tags[-1][1] == "v"):
        tags = tags[:-1]
    if not any(t.startswith(_NOUNISH) for _, t in tags):
        return None
    return "".join(w for w, _ in tags) or None


def _ends_in_a_predicate(clause: str) -> bool:
    """A clause of a goal that says what shall be so (基础设施一体化程度大幅提高, 城际断头路全面消除): four
    characters or more, ending in a verb or an adjective, or in 进展 (progress made)."""
    if len(clause) < 4 or len(clause) > 40 or not _HAN_RE.search(clause):
        return False
    if clause.endswith(("进展", "成效", "突破")):
        return True
    from .evidence import segmenter

    tags = segmenter().tag(clause[-8:], False)
    if not tags:
        return False
    word, pos = tags[-1]
    if pos == "l" and len(word) >= 3:  # a set phrase: 大幅提高 ends in a verb, 良好环境 in a noun
        pos = segmenter().tag(word[-2:], False)[-1][1]
    return pos in _PREDICATE_POS


def _dedupe(targets: list[dict]) -> list[dict]:
    seen, out = set(), []
    for t in targets:
        key = (t["start"], t["end"])
        if key not in seen:
            seen.add(key)
            out.append(t)
    return out
