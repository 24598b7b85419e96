"""Dates: absolute, partial, relative, deadlines and plan periods, resolved to ISO.

:func:`find_dates` returns, in text order, non-overlapping dates as dicts::

    {"text", "start", "end", "value", "precision", "end_value", "relative"}

``value`` is ISO at the precision known (``2021-10-22``, ``2019-03``, ``2022``);
``precision`` is ``day``, ``month``, ``year``, ``period`` (``end_value`` then
holds the last day/month/year: ``2023年上半年`` → 2023-01..2023-06, ``十四五``
→ 2021..2025) or ``approx`` (``近日``, ``上周``).  Partial and relative
expressions (``9月18日``, ``15日下午``, ``去年11月``, ``前天``) are resolved
against ``published_at`` and marked ``relative``; without a publication date
their value is None.  A clock time after a day (``10:21``, ``下午3时``) joins
the span and adds ``"time": "HH:MM"`` (24-hour clock).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

__all__ = ["find_dates"]

BEIJING = timezone(timedelta(hours=8))
_CN = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
       "六": 6, "七": 7, "八": 8, "九": 9}

_Y = r"(?:19[4-9][0-9]|20[0-9][0-9]|2100)"
_M = r"(?:1[0-2]|0?[1-9])"
_D = r"(?:3[01]|[12][0-9]|0?[1-9])"
_CM = r"(?:十[一二]?|[一二三四五六七八九])"
_CD = r"(?:三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])"
_CY = r"[〇零○一二三四五六七八九]{4}"
_DASH = r"(?:—{1,2}|[-－~～–至到])"
_NUMERAL_BEFORE = r"(?<![0-9０-９零〇一二两三四五六七八九十百千几多数个半每])"

_DATE = re.compile(
    r"(?P<fyp>[“\"「『]?(?<![零〇一二两三四五六七八九十百千])十(?P<fypn>[一二三四五六])五[”\"」』]?)(?![十百千万亿个])"
    rf"|(?<![0-9.])(?P<yr1>{_Y})(?:年度?)?{_DASH}(?P<yr2>{_Y})年度?"
    rf"|(?<![0-9.])(?P<ny>{_Y})(?P<sep>[-/.])(?P<nm>{_M})(?P=sep)(?P<nd>{_D})(?![0-9])"
    rf"|(?<![0-9.])(?P<ny2>{_Y})-(?P<nm2>0[1-9]|1[0-2])(?![0-9年月日])"
    rf"|(?:(?<![0-9.])(?P<ay>{_Y}) ?年(?!代)度?|(?P<cy>{_CY})年|(?P<ry>今年|(?<!过)去年|(?<![提之以目此])前年(?![均龄])"
    r"|(?<![光文说证表声透聪])明年|(?<![最落之以此随其今前然])后年(?![均龄限])|本年度?|上年度?))"
    rf"(?: ?(?P<am>{_M}|{_CM}) ?月份?(?: ?(?P<ad>{_D}|{_CD}) ?[日号])?)?"
    rf"|(?<![0-9.])(?P<mr1>{_M})(?:月份?)?{_DASH}(?P<mr2>{_M})月份?"
    rf"|(?<![0-9.\-/])(?P<mm>{_M}) ?月份?(?: ?(?P<dd>{_D}) ?[日号])?"
    rf"|(?<![〇零一二三四五六七八九十])(?P<cmm>{_CM})月(?P<cdd>{_CD})日"
    rf"|(?<![0-9０-９.\-/第月近每前后连数])(?<![0-9][:：])(?P<d1>{_D})日(?![均常益趋元圆本语用报货内])"
    r"|(?P<rel>今天|今日|昨天|昨日|前天(?!津)|明天|明日|后天|近日|(?<![节假作生念今昨之数几个易止期记盘庆效市息权票算场放0-9])日前|近期"
    r"|上周(?!期)|本周(?!期)|下周(?!期)|上个?月|本月|下个?月)"
    rf"|{_NUMERAL_BEFORE}(?P<per>上半年|下半年|第?[一二三四1-4]季度|前[两二三]个?季度|年底|年末|年初|年内)"
)
# Every date starts with one of these characters and holds an anchor (年, 月, 日 … or a separator after a
# digit) at most five characters after its start: _START finds exactly those starts, at C speed.
_FIRST_CHARS = "0123456789“\"「『十〇零○一二三四五六七八九今去前明后本上昨近日下第年"
_ANCHOR = r"(?:[年月日天周季期五]|(?<=[0-9])[/.\-－—~～–至到])"
_START = re.compile(rf"[{_FIRST_CHARS}](?:(?<=[年日五])|(?=(?s:.){{0,4}}?{_ANCHOR}))")  # (2019 年12 月: a space)
_YEAR_TAIL = re.compile(
    r"(?P<half>上半年|下半年)|第?(?P<qn>[一二三四1-4])季度|Q(?P<qn2>[1-4])(?![0-9])|前(?P<q3n>[两二三])个?季度"
    rf"|(?P<mr1>{_M})(?:月份?)?{_DASH}(?P<mr2>{_M})月份?|(?P<yend>年?底|年?末)|(?P<ybeg>年?初)|(?P<yin>年?内)"
)
_MONTH_TAIL = re.compile(rf"(?P<mend>底|末)|(?P<mbeg>初)|(?P<xun>[上中下]旬)|{_DASH}(?:(?P<y2>{_Y})年)?(?P<m2>{_M})月份?")
_DAY_TAIL = re.compile(rf"{_DASH}(?:(?:(?P<y2>{_Y})年)?(?P<m2>{_M})月)?(?P<d2>{_D})日")
_AMPM = r"上午|下午|晚上|晚间|凌晨|中午|早上|早晨|傍晚|夜间|夜里|晚(?![会宴报餐霞])"
_TIME_TAIL = re.compile(
    r"(?:[（(](?:星期|周)[一二三四五六日天][）)]|(?:星期|周)[一二三四五六日天])?"
    rf"(?:(?P<ap1>{_AMPM})[ ]?(?P<h1>[01]?[0-9]|2[0-3])点(?:(?P<i1>[0-5]?[0-9])分|(?P<half>半))?"
    rf"|(?P<ap2>{_AMPM})?[ ]?(?:(?P<h2>[01]?[0-9]|2[0-3])[:：](?P<i2>[0-5][0-9])(?![0-9])"
    r"|(?P<h3>[01]?[0-9]|2[0-3])时(?:(?P<i3>[0-5]?[0-9])分)?)|(?P<ap3>" + _AMPM + "))"
)
_BEFORE = re.compile(r"(?:以前|之前|前)(?![往进行列沿景期夕身者述提面端台后来所瞻线锋卫0-9一二两三四五六七八九十几半])")
_FYP_TAIL = re.compile(r"(?P<fend>期末|末期?)|(?P<fbeg>初期?)|(?:期间|时期|规划期)")
_PM = {"下午", "晚上", "晚间", "傍晚", "夜间", "夜里", "晚"}
_REL_YEAR = {"今年": 0, "本年": 0, "本年度": 0, "去年": -1, "上年": -1, "上年度": -1, "前年": -2, "明年": 1, "后年": 2}
_HALF = {"上半年": (1, 6), "下半年": (7, 12)}
_FUTURE = ("将", "拟", "预计", "计划", "力争", "争取", "有望")
_NO_TO = set("受得达看做想遇找收感回提来报迟送")


@lru_cache(maxsize=256)
def _pub_date(published_at: str | None) -> date | None:
    if not published_at:
        return None
    s = published_at.strip()
    try:
        dt = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        m = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", s)
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
        except ValueError:
            return None
    if dt.tzinfo is not None:
        dt = dt.astimezone(BEIJING)
    return dt.date()


def _int(s: str) -> int:
    """An Arabic or Chinese-numeral day, month or year (``十八``, ``二〇二三``)."""
    if s.isdigit():
        return int(s)
    if "十" not in s:
        return int("".join(str(_CN[c]) for c in s))
    tens, _, ones = s.partition("十")
    return (_CN[tens] if tens else 1) * 10 + (_CN[ones] if ones else 0)


def _valid(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _closest_day(pub: date, m: int, d: int, w: int) -> date | None:
    """The year for ``m月d日`` nearest to ``pub``; a future reading costs ``w`` times a past one."""
    best = None
    for y in (pub.year - 1, pub.year, pub.year + 1):
        c = _valid(y, m, d)
        if c:
            delta = (c - pub).days
            cost = -delta if delta <= 0 else delta * w
            if best is None or cost < best[0]:
                best = (cost, c)
    return best[1] if best else None


def _closest_month_year(pub: date, m: int, w: int) -> int:
    best = None
    for y in (pub.year - 1, pub.year, pub.year + 1):
        delta = (y * 12 + m) - (pub.year * 12 + pub.month)
        cost = -delta if delta <= 0 else delta * w
        if best is None or cost < best[0]:
            best = (cost, y)
    return best[1]


def _shift_month(y: int, m: int, k: int) -> tuple[int, int]:
    i = y * 12 + m - 1 + k
    return i // 12, i % 12 + 1


def _ym(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


def _time(t: re.Match) -> str | None:
    h = t.group("h1") or t.group("h2") or t.group("h3")
    if h is None:
        return None
    hh = int(h)
    mi = int(t.group("i1") or t.group("i2") or t.group("i3") or (30 if t.group("half") else 0))
    ap = t.group("ap1") or t.group("ap2")
    if (ap in _PM or ap == "中午" and hh < 11) and hh < 12:
        hh += 12
    return f"{hh:02d}:{mi:02d}"


def find_dates(text: str, published_at: str | None = None) -> list[dict]:
    """Every date in ``text``, in order, non-overlapping (see the module docstring)."""
    pub = _pub_date(published_at)
    out: list[dict] = []
    pos = floor = 0
    match = _DATE.match
    for c in _START.finditer(text):
        if c.start() < pos:
            continue
        m = match(text, c.start())
        if m is None:
            continue
        d = _resolve(text, m, pub, floor)
        if d is None:
            pos = m.end()
            continue
        out.append(d)
        pos = floor = d["end"]
    return out


def _resolve(text: str, m: re.Match, pub: date | None, floor: int) -> dict | None:
    g = m.group
    start, end = m.start(), m.end()
    value = end_value = None
    relative = False
    precision = "day"
    kind = m.lastgroup
    year = month = day = None  # what the tails may refine
    if kind == "fyp":
        first = 1966 + 5 * (_int("十" + g("fypn")) - 3)
        t = _FYP_TAIL.match(text, end)
        precision, value, end_value = "period", str(first), str(first + 4)
        if t:
            end = t.end()
            if t.group("fend") or t.group("fbeg"):
                precision, end_value = "year", None
                value = str(first + 4 if t.group("fend") else first)
    elif kind == "yr2":
        y1, y2 = int(g("yr1")), int(g("yr2"))
        if y2 < y1:
            return None
        precision, value, end_value = "period", str(y1), str(y2)
    elif kind == "nd":
        c = _valid(int(g("ny")), int(g("nm")), int(g("nd")))
        if c is None:
            return None
        year, month, day = c.year, c.month, c.day
    elif kind == "nm2":
        year, month = int(g("ny2")), int(g("nm2"))
    elif kind in ("ay", "cy", "ry", "am", "ad"):
        if g("ry"):
            relative = True
            year = pub.year + _REL_YEAR[g("ry")] if pub else None
        else:
            year = int(g("ay")) if g("ay") else _int(g("cy"))
            if not 1949 <= year <= 2100:
                return None
        if g("am"):
            month = _int(g("am"))
            if g("ad"):
                day = _int(g("ad"))
                if year is not None and _valid(year, month, day) is None:
                    return None
    elif kind == "mr2":
        relative = True
        m1, m2 = int(g("mr1")), int(g("mr2"))
        if m2 <= m1:
            return None
        precision = "period"
        if pub:
            y = pub.year - 1 if m1 > pub.month + 5 else pub.year
            value, end_value = _ym(y, m1), _ym(y, m2)
    elif kind in ("mm", "dd", "cdd"):
        relative = True
        month = _int(g("mm") or g("cmm"))
        dd = g("dd") or g("cdd")
        day = _int(dd) if dd else None
        year = -1  # to be chosen once the tails are known
    elif kind == "d1":
        relative = True
        day = int(g("d1"))
        if pub:
            y, mo = pub.year, pub.month
            if day > pub.day + 3:
                y, mo = _shift_month(y, mo, -1)
            c = _valid(y, mo, day) or _valid(*_shift_month(y, mo, -1), day)
            if c is None:
                return None
            year, month = c.year, c.month
        else:
            year = month = None
            precision = "day"
    elif kind == "rel":
        relative = True
        w = g("rel")
        if w in ("近日", "日前", "近期", "上周", "本周", "下周"):
            precision = "approx"
            shift = {"上周": -7, "下周": 7}.get(w, 0)
            value = (pub + timedelta(days=shift)).isoformat() if pub else None
            if w.endswith("周") and text.startswith("末", end):
                end += 1
        elif w.endswith("月"):
            precision = "month"
            k = -1 if w[0] == "上" else 1 if w[0] == "下" else 0
            if pub:
                year, month = _shift_month(pub.year, pub.month, k)
            else:
                year, month = None, 0
        else:
            k = {"今": 0, "昨": -1, "前": -2, "明": 1, "后": 2}[w[0]]
            if pub:
                c = pub + timedelta(days=k)
                year, month, day = c.year, c.month, c.day
            else:
                year, month, day = None, 0, 0
    elif kind == "per":
        relative = True
        span = _period_months(g("per"))
        year = pub.year if pub else None
        if span is None:  # 年底, 年内: the year itself
            precision, value = "year", str(year) if pub else None
        else:
            precision = "period"
            if pub:
                year -= span[0] > pub.month + 5  # 四季度 in a January article: the last one
                value, end_value = _ym(year, span[0]), _ym(year, span[1])
        year = None
    else:  # pragma: no cover - every branch is named above
        return None

    # refine by tails: a year takes a period or a month range, a month its 底/旬 or a range, a day a range and a time
    time = None
    if kind in ("ay", "cy", "ry") and month is None:
        precision = "year"
        t = _YEAR_TAIL.match(text, end)
        if t:
            end = t.end()
            span = (int(t.group("mr1")), int(t.group("mr2"))) if t.group("mr1") else _period_months(t.group())
            if span and span[1] <= span[0]:
                end = t.start()
            elif span:
                precision = "period"
                if year is not None:
                    value, end_value = _ym(year, span[0]), _ym(year, span[1])
                year = None
        if year is not None:
            value = str(year)
    elif month is not None and day is None and kind != "rel" or kind == "rel" and precision == "month":
        precision = "month"
        t = _MONTH_TAIL.match(text, end)
        m2 = y2 = None
        if t:
            end = t.end()
            if t.group("m2"):
                m2, y2 = int(t.group("m2")), t.group("y2")
        if year == -1:
            year = _closest_month_year(pub, month, _weight(text, start, end)) if pub else None
        if year is not None and month:
            value = _ym(year, month)
            if m2:
                ey = int(y2) if y2 else year
                if (ey, m2) <= (year, month):
                    end = t.start()
                else:
                    precision, end_value = "period", _ym(ey, m2)
    elif day is not None:
        precision = "day"
        t = _DAY_TAIL.match(text, end)
        if year == -1:
            c = _closest_day(pub, month, day, _weight(text, start, t.end() if t else end)) if pub else None
            if pub and c is None:
                return None
            year = c.year if c else None
        if year is not None and month:
            c = _valid(year, month, day)
            value = c.isoformat() if c else None
            if t and c:
                y2 = int(t.group("y2")) if t.group("y2") else c.year
                e = _valid(y2, int(t.group("m2")) if t.group("m2") else c.month, int(t.group("d2")))
                if e and e > c:
                    end, precision, end_value = t.end(), "period", e.isoformat()
        elif t and kind != "rel":
            end = t.end()
            precision = "period"
        tt = _TIME_TAIL.match(text, end) if precision == "day" else None
        if tt and tt.end() > end:
            end = tt.end()
            time = _time(tt)
    if precision != "approx" and kind != "rel":
        b = _BEFORE.match(text, end)
        if b and precision != "period":
            end = b.end()
        start = _deadline_start(text, start, floor)
    if end == start:
        return None
    d = {"text": text[start:end], "start": start, "end": end, "value": value, "precision": precision,
         "end_value": end_value, "relative": relative}
    if time:
        d["time"] = time
    return d


def _period_months(w: str) -> tuple[int, int] | None:
    """First and last month of 上半年, 一季度, 第三季度, Q2, 前三季度; None for 年底, 年内."""
    if w.endswith("半年"):
        return _HALF[w[-3:]]
    if w.startswith("前"):
        return (1, 3 * _int(w[1]))
    if w.endswith("季度") or w.startswith("Q"):
        q = _int(w[1] if w.startswith("Q") else w[-3])
        return (3 * q - 2, 3 * q)
    return None


def _weight(text: str, start: int, end: int) -> int:
    """How much more a future reading of a yearless date costs than a past one: news reports the past
    (4), unless a word points forward (到, 将于, 计划, 预计, …前)."""
    before = text[max(0, start - 4):start]
    if before.endswith(("截至", "截止")):
        return 4  # as of: a report on the past
    forward = before.endswith(("到", "至")) or any(w in before for w in _FUTURE) or _BEFORE.match(text, end)
    return 1 if forward else 4


def _deadline_start(text: str, start: int, floor: int) -> int:
    """Take a deadline word (到, 至, 截至, 截止到) into the span."""
    if start == 0 or text[start - 1] not in "到至止":
        return start
    for w in ("截止到", "截止至", "截至", "截止", "到", "至"):
        s = start - len(w)
        if s >= floor and text.startswith(w, s):
            if len(w) == 1 and s > 0 and (text[s - 1] in _NO_TO or w == "至" and text[s - 1] in "甚乃以"):
                return start
            return s
    return start
