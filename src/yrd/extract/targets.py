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


_RELATIVE_YEAR = re.compile(r"^(?:今年|明年|后年|年底前|年内|今年底|今年年底|今年年内|明年底|年底)$")
_PLAN_PERIOD = re.compile(r"十[一二三四五六七八九]五")
_GOAL_WORDS = re.compile(r"到|至|力争|确保|争取|目标|计划|将|要|前|底|末")


def _is_deadline(text: str, date: dict) -> bool:
    """到2027年, 2025年前, 到2025年底, “十五五”期间 — not 今年前7个月, “十四五”以来, 一季度."""
    after = text[date["end"]:date["end"] + 3]
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
        first = True
        for c_start, c_end in clauses(text, date["end"], s_end):
            if c_end <= date["end"]:
                continue
            later_deadline = any(d is not date and c_start <= d["start"] < c_end and _DEADLINE_TEXT.search(d["text"])
                                 for d in ctx.dates)
            if later_deadline:
                break
            found = _clause_targets(ctx, c_start, c_end, year, subject)
            for t in found:
                if first:
                    t["start"] = date["start"]
                    t["text"] = text[t["start"]:t["end"]]
                    first = False
                targets.append(t)
    return _dedupe(targets)


def _clause_targets(ctx: Context, c_start: int, c_end: int, year: int, subject: str | None) -> list[dict]:
    text = ctx.text
    if re.search(r"(?:后|了|时)$", text[c_start:c_end].rstrip("。；;，, ")) or "预计" in text[c_start:c_end]:
        return []  # 形成四个工位后 / 还争取了: a condition or a past act, not a goal
    amounts = [a for a in ctx.in_range(ctx.amounts, c_start, c_end)]
    out = []
    if amounts:
        seg_start = c_start
        for a in amounts:
            before = text[seg_start:a["start"]]
            metric = _VALUE_VERB.sub("", _LEAD.sub("", before)).strip("，、；： ")
            metric = _TAIL.sub("", re.sub(r"(?:达到|达|突破|超过|不少于|不低于|力争|确保|实现|增长|提高到|提升至)$", "", metric))
            metric = _LEAD.sub("", metric)
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
    if _GOAL_VERB.search(clause):
        lead = _LEAD.match(clause)
        start = c_start + (lead.end() if lead else 0)
        end = c_end
        while end > start and text[end - 1] in "。；;，,":
            end -= 1
        if end - start >= 4:
            out.append({"deadline": year, "metric": text[start:end], "value": None, "unit": None, "approx": None,
                        "subject": subject, "start": start, "end": end, "text": text[start:end]})
    return out


def _subject(ctx: Context, sentence_start: int, deadline_start: int) -> str | None:
    """Whose target: a place or organisation opening its sentence (苏州市到2027年…), else the article's main place."""
    mentions = ctx.entity_mentions(sentence_start, deadline_start, kinds=("places",))
    if mentions and mentions[0][0] - sentence_start <= 2:
        return mentions[0][2]
    return _main_place(ctx)


def _main_place(ctx: Context) -> str | None:
    """The most-mentioned city, district or county of the article (ties: the first named)."""
    best, best_n = None, 0
    for p in ctx.places:
        if p.get("level") in ("city", "district", "county") and len(p["mentions"]) > best_n:
            best, best_n = p["name"], len(p["mentions"])
    return best


def _dedupe(targets: list[dict]) -> list[dict]:
    seen, out = set(), []
    for t in targets:
        key = (t["start"], t["end"])
        if key not in seen:
            seen.add(key)
            out.append(t)
    return out
