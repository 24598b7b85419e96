"""Durations and instants as users write them: ``30m``, ``2h``, ``7d``, ``90s``; ``2026-12-01``, ``24h`` ago."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from ..errors import YrdError

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d|w)?\s*$", re.I)
_UNIT = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(value: str, name: str = "duration") -> int:
    """``30m`` -> 1800 seconds (s, m, h, d, w; a bare number is minutes); YrdError names a bad value."""
    m = _DURATION.match(str(value))
    if not m:
        raise YrdError(f"{name}={value!r}: expected a duration such as 30m, 2h, 1d")
    seconds = int(float(m.group(1)) * _UNIT[(m.group(2) or "m").lower()])
    if seconds <= 0:
        raise YrdError(f"{name}={value!r}: must be more than nothing")
    return seconds


def format_duration(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def now() -> datetime:
    """UTC, without a zone (the store's DateTime columns are naive UTC)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def parse_since(value: str, name: str = "since") -> datetime:
    """``7d``/``24h`` (that long ago) or an ISO date/time (UTC unless it says) -> a naive UTC datetime."""
    try:
        return now() - timedelta(seconds=parse_duration(value, name))
    except YrdError:
        pass
    try:
        dt = datetime.fromisoformat(value.strip())
    except ValueError:
        raise YrdError(f"{name}={value!r}: expected a duration (24h, 7d) or a date (2026-12-01)") from None
    return dt.astimezone(timezone.utc).replace(tzinfo=None) if dt.tzinfo else dt
