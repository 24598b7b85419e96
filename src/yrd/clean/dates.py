"""Parse the publication stamps found in news metadata into ISO 8601.

A stamp with a time and no zone is Beijing time (+08:00), the zone Chinese
news sites publish in; a stamp with an explicit zone (``GMT``, ``Z``,
``+0800``) keeps it; a bare date stays a date (``2022-09-18``).
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

BEIJING = timezone(timedelta(hours=8))

_NUM_DATE = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*(?:[-/.年]\s*)(?P<m>\d{1,2})\s*(?:[-/.月]\s*)(?P<d>\d{1,2})\s*日?"
    r"(?:[T\s]*(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{1,2})(?:\s*[:：分]\s*(?P<S>\d{1,2})(?:\.\d+)?)?\s*秒?)?"
    r"\s*(?P<tz>Z|[+-]\d\d:?\d\d|GMT|UTC)?"
)
_COMPACT = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)(?:\s+(?P<H>\d\d):(?P<M>\d\d))?(?!\d)")
_URL_DATE = re.compile(
    r"/(?P<y>(?:19|20)\d\d)[-/_]?(?P<m>[01]\d)[-/_]?(?P<d>[0-3]\d)/"
    r"|/(?P<y2>(?:19|20)\d\d)[-/](?P<m2>[01]?\d)/(?P<d2>[0-3]?\d)/"
    r"|[/_tc](?P<y3>(?:19|20)\d\d)(?P<m3>[01]\d)(?P<d3>[0-3]\d)[_/.]"
)


def _build(y, m, d, H=None, M=None, S=None, tz=None) -> str | None:
    try:
        day = datetime(int(y), int(m), int(d))
    except ValueError:
        return None
    if H is None:
        return day.date().isoformat()
    try:
        stamp = day.replace(hour=int(H), minute=int(M or 0), second=int(S or 0))
    except ValueError:
        return day.date().isoformat()
    if tz in ("Z", "GMT", "UTC"):
        zone = timezone.utc
    elif tz:
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace(":", "")
        zone = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    else:
        zone = BEIJING
    return stamp.replace(tzinfo=zone).isoformat()


def parse_date(value: object) -> str | None:
    """Parse one metadata stamp (RFC 2822, ISO 8601, Chinese ``2022年8月9日 10:21``…) or return None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=BEIJING)
        return value.isoformat()
    s = str(value).strip()
    if not s:
        return None
    if re.match(r"^[A-Za-z]{3},?\s+\d{1,2}\s+[A-Za-z]{3}\s+\d{4}", s):
        try:
            dt = parsedate_to_datetime(s)
        except (TypeError, ValueError, IndexError):
            dt = None
        if dt is not None:
            if dt.tzinfo is None:
                dt = dt.replace(tzinfo=timezone.utc)
            return dt.isoformat()
    m = _NUM_DATE.search(s)
    if m:
        return _build(m["y"], m["m"], m["d"], m["H"], m["M"], m["S"], m["tz"])
    m = _COMPACT.search(s)
    if m:
        return _build(m["y"], m["m"], m["d"], m["H"], m["M"])
    return None


def find_date_in_text(s: str) -> str | None:
    """The first full date (with time if given) anywhere in ``s``."""
    m = _NUM_DATE.search(s)
    if m:
        return _build(m["y"], m["m"], m["d"], m["H"], m["M"], m["S"], m["tz"])
    return None


def date_from_url(url: str | None) -> str | None:
    """A date encoded in a news URL path (``/2022/09/18/``, ``/20220918/``, ``t20220918_``)."""
    if not url:
        return None
    m = _URL_DATE.search(url)
    if not m:
        return None
    y, mo, d = (m["y"], m["m"], m["d"]) if m["y"] else (m["y2"], m["m2"], m["d2"]) if m["y2"] else (m["y3"], m["m3"], m["d3"])
    return _build(y, mo, d)
