"""Amounts: money, percentages, areas, lengths, counts, people, containers, tonnes.

:func:`find_amounts` returns, in text order, non-overlapping amounts as dicts::

    {"value", "unit", "approx", "text", "start", "end", "kind", "value_max"}

``value`` is in base units (``86.37亿元`` → 8637000000 CNY), ``value_max`` the
upper bound of a range (``20亿至30亿元``) or None.  ``approx`` is ``exact``,
``over`` (超/逾/突破/以上/余/多…), ``under`` (不到/不足/以下/以内…), ``about``
(约/近/左右…) or ``order`` (千亿级).  The approximation words are part of the
span, so ``text[start:end] == text`` always holds.

:func:`parse_chinese_number` turns ``1,234.5``, ``１２３``, ``一千零二十万``,
``3.2万`` or ``1.5万亿`` into a number (int when integral), or None.
"""
from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from ..resources import guarded, table
from .text import anchored

__all__ = ["find_amounts", "parse_chinese_number"]

_FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")
_CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_MAG = {"十": 10, "百": 100, "千": 1000}
_TOKEN = re.compile(r"([0-9]+(?:\.[0-9]+)?)|([零〇○一二两三四五六七八九])|([十百千])|([万亿])")
_COMMA = re.compile(r"(?<=[0-9]),(?=[0-9]{3}(?![0-9]))")


def _to_number(d: Decimal) -> int | float:
    """A Decimal as an int when integral, else a float rounded to 6 places."""
    if d == d.to_integral_value():
        return int(d)
    d = round(d, 6)
    return int(d) if d == d.to_integral_value() else float(d)


@lru_cache(maxsize=8192)
def _parse_decimal(s: str) -> Decimal | None:
    """The number written in ``s`` (Arabic, Chinese or mixed), or None; cached: news repeats its numbers."""
    s = _COMMA.sub("", s.strip().translate(_FULLWIDTH))
    if not s:
        return None
    if "点" in s:  # 三点五 / 三点五亿
        head, _, rest = s.partition("点")
        i = 0
        while i < len(rest) and (rest[i] in _CN_DIGITS or rest[i].isascii() and rest[i].isdigit()):
            i += 1
        whole = _parse_decimal(head or "零")
        if i == 0 or whole is None or whole != whole.to_integral_value():
            return None
        frac = "".join(str(_CN_DIGITS.get(c, c)) for c in rest[:i])
        s = f"{int(whole)}.{frac}{rest[i:]}"
    toks = []
    pos = 0
    while pos < len(s):
        m = _TOKEN.match(s, pos)
        if not m:
            return None
        toks.append((m.lastindex, m.group()))
        pos = m.end()
    if len(toks) > 1 and all(k == 2 for k, _ in toks):  # 二〇二三: digit by digit
        return Decimal("".join(str(_CN_DIGITS[t]) for _, t in toks))
    total = section = Decimal(0)
    cur: Decimal | None = None
    last_small = None  # the last 十/百/千 inside the current section
    last_mag = None  # the magnitude token just before a trailing digit (一万五 → 15000)
    zero = False
    prev_kind = None
    for kind, t in toks:
        if kind in (1, 2):
            v = Decimal(t) if kind == 1 else Decimal(_CN_DIGITS[t])
            if kind == 2 and v == 0:
                zero = True
                prev_kind = kind
                continue
            if cur is not None or prev_kind == 1:
                return None  # 十四五, 三四: two numbers side by side
            cur = v
        elif kind == 3:
            mag = _SMALL_MAG[t]
            if cur is None:
                if section or prev_kind == 3:
                    return None
                cur = Decimal(1)  # 十二, 百亿
            if last_small is not None and mag >= last_small:
                return None
            section += cur * mag
            cur, last_small, last_mag, zero = None, mag, mag, False
        else:
            s_val = section + (cur or 0)
            if t == "万":
                if s_val == 0:
                    if total or prev_kind == 4:
                        return None
                    s_val = Decimal(1)
                total += s_val * 10000
                last_mag = 10000
            else:
                if s_val == 0 and total == 0:
                    s_val = Decimal(1)
                total = (total + s_val) * 100000000
                last_mag = 100000000
            section, cur, last_small, zero = Decimal(0), None, None, False
        prev_kind = kind
    if cur is not None and prev_kind == 2 and not zero and last_mag and last_mag >= 100 and len(toks) > 1 \
            and toks[-2][0] in (3, 4):
        cur = cur * last_mag / 10  # 一万五 = 15000, 三百五 = 350
    return total + section + (cur or 0)


def parse_chinese_number(s: str) -> int | float | None:
    """``1,234.5`` → 1234.5, ``１２３`` → 123, ``一千零二十万`` → 10200000, ``3.2万`` → 32000; else None."""
    try:
        d = _parse_decimal(s)
    except (ArithmeticError, ValueError):
        return None
    return None if d is None else _to_number(d)


# ---------------------------------------------------------------- the pattern

# (literal, regex fragment or None for re.escape(literal), kind, unit), from resources/units.tsv
_UNITS: list[tuple[str, str | None, str, str]] = [(e.word, guarded(e) if e.unless else None, e.kind, e.unit)
                                                  for e in table("units")]
_UNIT_INFO = {lit: (kind, unit) for lit, _, kind, unit in _UNITS}
_UNIT_RE = "|".join(frag or re.escape(lit) for lit, frag, _, _ in sorted(_UNITS, key=lambda u: -len(u[0])))

_CN = "零〇○一二两三四五六七八九十百千万亿"
_ANUM = r"[0-9０-９]+(?:,[0-9]{3}(?![0-9]))*(?:[.．][0-9０-９]+)?"
_MAG = r"(?:千(?![米克瓦])|[十百万亿])+"


def _num(i: int) -> str:
    return rf"(?:(?P<a{i}>{_ANUM})|(?P<c{i}>[{_CN}]+))(?P<x{i}>[余多])?(?P<m{i}>{_MAG})?(?P<y{i}>[余多])?"


_HEAD = rf"(?<![0-9０-９A-Za-zＡ-Ｚａ-ｚ._．{_CN}第])(?<![0-9][-:：/])"
_SUFFIX = "(?P<suf>" + "|".join(guarded(e) for e in table("approx_words") if e.position == "suffix") + ")?"
_AMOUNT = re.compile(
    _HEAD + rf"(?:百分之(?P<pc>[{_CN}点]+|{_ANUM})"
    rf"|(?P<ord>百亿|千亿|万亿)元?级"
    rf"|{_num(0)}(?:(?P<u0>{_UNIT_RE})?(?P<conn>—{{1,2}}|[-－~～–至到]){_num(1)})? ?(?P<u>{_UNIT_RE}))"
    + _SUFFIX
)
_FOLLOW = "".join(sorted({u[0] for u in _UNIT_INFO} | set("余多分级米克瓦 .,．-－~～–—至到")))
_RUN = re.compile(rf"[0-9０-９{_CN}]++(?=[{re.escape(_FOLLOW)}])")
_SINGLE = re.compile(_HEAD + rf"{_num(0)} ?(?P<u>{_UNIT_RE})" + _SUFFIX)

_PREFIXES = [(e.word, e.kind) for e in table("approx_words") if e.position == "prefix"]  # longest first
_PREFIX_BY_LAST: dict[str, list[tuple[str, str]]] = {}
for _word, _approx in _PREFIXES:
    _PREFIX_BY_LAST.setdefault(_word[-1], []).append((_word, _approx))
_SUFFIX_APPROX = {e.word: e.kind for e in table("approx_words") if e.position == "suffix"}
_ORDER = {"百亿": 10**10, "千亿": 10**11, "万亿": 10**12}
_BARE = set("十百千万亿")
_MAG_TAIL = re.compile(r"[十百千万亿]+$")


def _prefix(text: str, start: int, floor: int) -> tuple[int, str | None]:
    if start <= floor:
        return start, None
    for word, approx in _PREFIX_BY_LAST.get(text[start - 1], ()):
        s = start - len(word)
        if s >= floor and text.startswith(word, s):
            return s, approx
    return start, None


_LONGEST = 40  # characters of the longest number an amount is written with (3,541,070,000,000.00 has 20)
_SIDE_GROUPS = (("a0", "m0", "c0"), ("a1", "m1", "c1"))


@lru_cache(maxsize=256)
def _magnitude(mag: str) -> Decimal | None:
    """The value of a magnitude word (万, 亿, 百万, 千亿 …), or None where it is no magnitude."""
    try:
        return _parse_decimal("1" + mag)
    except (ArithmeticError, ValueError):
        return None


def _side(g, i: int) -> tuple[Decimal | None, str]:
    """(value, magnitude text) of number ``i`` of a match (``g``: its groupdict's ``get``)."""
    ga, gm, gc = _SIDE_GROUPS[i]
    a, mag = g(ga), g(gm) or ""
    if len(a or g(gc) or "") > _LONGEST:
        return None, mag  # a run of digits no amount is written with (and past what Decimal may hold)
    if a is not None and a.isascii():  # 86.37亿, 3,541.07万: Arabic digits times a magnitude, the common case
        scale = _magnitude(mag) if mag else 1
        number = Decimal(a.replace(",", ""))
        if scale is not None and number:
            return number * scale, mag
    try:
        return _parse_decimal((a if a is not None else g(gc)) + mag), mag
    except (ArithmeticError, ValueError):  # (decimal's InvalidOperation and Overflow are ArithmeticErrors)
        return None, mag


_NUMBER_GROUPS = (("c0", "m0", "x0", "y0"), ("c1", "m1", "x1", "y1"))


def _number_ok(g, i: int, kind: str, has_prefix: bool) -> bool:
    gc, gm, gx, gy = _NUMBER_GROUPS[i]
    c = g(gc)
    if c is None:
        return True
    if all(ch in _BARE for ch in c + (g(gm) or "")):  # 百亿, 千家, 万户: needs 超/余/多 or money
        if c == "十":
            return True
        fuzzy = has_prefix or g(gx) or g(gy)
        return bool(fuzzy) or (kind == "money" and len(c) >= 2)
    if all(ch in "零〇○" for ch in c):
        return False  # 零件, 零售
    if c == "一" and not g(gm):
        return False  # 一个, 一家, 一次: noise
    if not any(ch in _BARE for ch in c) and len(c) > 1:
        return False  # 三四个: a guess, not an amount; 二〇二三: a year
    return True


def _amount(text: str, m: re.Match, floor: int) -> dict | bool | None:
    """The amount of match ``m``; None when it is no amount, False when a range should be read as
    its first half alone."""
    g = m.groupdict().get
    start, end = m.start(), m.end()
    pstart, papprox = start, None
    if g("pc") is not None:  # 百分之三十
        try:
            v = _parse_decimal(g("pc"))
        except (ArithmeticError, ValueError):
            v = None
        if v is None:
            return None
        pstart, papprox = _prefix(text, start, floor)
        value, vmax, kind, unit, fuzzy = v, None, "percent", "percent", False
    elif g("ord") is not None:  # 千亿级
        value, vmax, kind, unit, fuzzy = Decimal(_ORDER[g("ord")]), None, "money", "CNY", False
        papprox = "order"
    else:
        kind, unit = _UNIT_INFO[g("u")]
        pstart, papprox = _prefix(text, start, floor)
        if pstart == start and start > floor and text[start - 1] == "上" and g("c0") and g("c0")[0] in "百千万亿":
            pstart, papprox = start - 1, "over"  # 上万家, 上百亿元
        if not _number_ok(g, 0, kind, papprox is not None):
            return None
        if kind == "money" and g("c0") and len(g("c0")) == 1 and g("c0") not in _BARE and not g("m0") \
                and g("conn") is None:
            return None  # 外三元 (a pig breed), 三元里: a lone numeral before 元 is rarely a sum
        if g("u") == "人民币" and not (g("m0") or (g("c0") and any(ch in "万亿" for ch in g("c0")))):
            return None  # 四人民币: a currency word after a bare numeral is no sum
        if g("c0") and not g("m0") and start > 0 and text[start - 1] in "“「\"'‘" and len(g("c0")) == 1:
            return None  # “两个确立”, “四个全面”: a slogan, not a count
        if g("u") == "名" and start > 0 and text[start - 1] == "前":
            return None  # 前10名: a ranking
        value, mag0 = _side(g, 0)
        if value is None:
            return None
        vmax = None
        if g("conn") is not None:
            if g("u0") is not None and _UNIT_INFO[g("u0")] != (kind, unit):
                return False  # 5%至120亿元: two amounts, not a range
            if not _number_ok(g, 1, kind, True):
                return None
            vmax, mag1 = _side(g, 1)
            if vmax is None:
                return None
            low = (g("a0") or g("c0")) + mag0
            if "万" not in low and "亿" not in low:  # 20-30亿元, 三至五千万元: the lower bound shares the unit
                tail = _MAG_TAIL.search((g("a1") or g("c1")) + mag1)
                tail = tail.group() if tail else ""
                if any(ch in "十百千" for ch in low):
                    tail = tail.lstrip("十百千")  # 二十至三十万元: only the 万
                if tail:
                    value = value * _parse_decimal("1" + tail)
            if vmax < value:
                return False
        fuzzy = bool(g("x0") or g("y0") or g("x1") or g("y1"))
    if unit == "km" and "时速" in text[max(0, pstart - 4):pstart]:
        kind, unit = "speed", "km/h"  # 设计时速350公里
    if kind == "count" and value != value.to_integral_value():
        return None  # 高7.5个和4.5个百分点: a count is whole
    approx = papprox or _SUFFIX_APPROX.get(g("suf") or "") or ("over" if fuzzy else "exact")
    return {
        "value": _to_number(value), "unit": unit, "approx": approx, "text": text[pstart:end],
        "start": pstart, "end": end, "kind": kind,
        "value_max": None if vmax is None else _to_number(vmax),
    }


def find_amounts(text: str) -> list[dict]:
    """Every amount in ``text``, in order, non-overlapping (see the module docstring)."""
    out: list[dict] = []
    pos = floor = 0
    match = _AMOUNT.match
    # An amount can only start where a run of numerals starts (its lookbehind refuses a numeral
    # before it), so trying those few places equals a full search and is several times faster.
    for run in _RUN.finditer(text):
        if run.start() < pos:
            continue
        m = match(text, run.start())
        if m is None:
            continue
        a = _amount(text, m, floor)
        if a is False:  # not a range after all: read the first half alone
            single = _SINGLE.match(text, m.start())
            if single is None:
                continue
            m = single
            a = _amount(text, m, floor)
        pos = m.end()
        if a:
            out.append(a)
            floor = a["end"]
    if "成" in text or "一半" in text:
        out = _merge(out, _shares(text))
    return out


_SHARE = re.compile(
    r"(?P<pre>超过|超|逾|近|约|将近)?(?:(?P<n>[一二三四五六七八九])成(?P<tail>[一二三四五六七八九])?|(?P<half>一半))"
    r"(?P<suf>以上|左右|多)?(?![为立功本果效交员都绩品熟年长型就人材像全不])"
)
_SHARE_APPROX = {"超过": "over", "超": "over", "逾": "over", "近": "about", "约": "about", "将近": "about"}


def _shares(text: str) -> list[dict]:
    """九成 = 90%, 超四成 = over 40%, 一半以上 = over 50%: shares written in tenths."""
    out = []
    for m in _share_matches(text):
        if m["n"]:
            if m.start("n") > 0 and text[m.start("n") - 1] in _CN + "0123456789":
                continue  # 十一成, 三四成: not a share
            value = _CN_DIGITS[m["n"]] * 10 + (_CN_DIGITS[m["tail"]] if m["tail"] else 0)
        else:
            value = 50
        approx = _SHARE_APPROX.get(m["pre"] or "", "exact")
        if m["suf"] in ("以上", "多"):
            approx = "over"
        elif m["suf"] == "左右":
            approx = "about"
        out.append({"value": value, "unit": "percent", "approx": approx, "text": m.group(), "start": m.start(),
                    "end": m.end(), "kind": "percent", "value_max": None})
    return out


def _share_matches(text: str) -> list[re.Match]:
    """What ``_SHARE.finditer`` finds, trying only the few starts before each 成 or 一半.

    A share holds ``[一-九]成`` or ``一半`` after at most two characters of prefix, so these starts are
    the only ones where it can match.
    """
    return anchored(_SHARE, text, [("成", range(4)), ("一半", range(3))])


def _merge(found: list[dict], extra: list[dict]) -> list[dict]:
    merged = list(found)
    for e in extra:
        if not any(a["start"] < e["end"] and e["start"] < a["end"] for a in found):
            merged.append(e)
    return sorted(merged, key=lambda a: a["start"])
