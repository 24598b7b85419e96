"""Hash-based matching for the clean-text gold set (stdlib only).

The gold set (clean_gold.jsonl) stores no corpus text: every annotated
snippet is kept as the SHA-1 of its normalized form plus that form's length.
To test a cleaned text, normalize it the same way and ask whether any window
of that length hashes to the stored value.

normalize(s): drop every whitespace character (str.isspace, so U+3000 and
newlines too), then apply Unicode NFKC. Whitespace is removed *before* NFKC.
"""
from __future__ import annotations

import hashlib
import unicodedata
from typing import Dict, Iterable, Set

__all__ = [
    "normalize",
    "sha1_hex",
    "snippet_key",
    "windows",
    "contains",
    "GoldText",
    "check_record",
    "iter_records",
]


def normalize(s: str) -> str:
    """Remove all whitespace (str.isspace) and apply NFKC."""
    return unicodedata.normalize("NFKC", "".join(c for c in s if not c.isspace()))


def sha1_hex(s: str) -> str:
    return hashlib.sha1(s.encode("utf-8")).hexdigest()


def snippet_key(s: str) -> Dict[str, object]:
    """{'sha1': ..., 'len': ...} for a snippet (normalized first)."""
    n = normalize(s)
    return {"sha1": sha1_hex(n), "len": len(n)}


def _windows_normalized(n: str, length: int) -> Set[str]:
    if length <= 0 or length > len(n):
        return set()
    return {sha1_hex(n[i:i + length]) for i in range(len(n) - length + 1)}


def windows(text: str, length: int) -> Set[str]:
    """SHA-1 hex digests of every window of normalize(text) of `length` chars."""
    return _windows_normalized(normalize(text), length)


def contains(text: str, sha1: str, length: int) -> bool:
    """True iff some window of normalize(text) of `length` chars has digest `sha1`."""
    return sha1 in windows(text, length)


class GoldText:
    """A text normalized once, with window-hash sets cached per length.

    Use this when checking many snippets against the same text.
    """

    def __init__(self, text: str, already_normalized: bool = False):
        self.norm = text if already_normalized else normalize(text)
        self._cache: Dict[int, Set[str]] = {}

    def windows(self, length: int) -> Set[str]:
        if length not in self._cache:
            self._cache[length] = _windows_normalized(self.norm, length)
        return self._cache[length]

    def contains(self, sha1: str, length: int) -> bool:
        return sha1 in self.windows(length)


def check_record(text: str, record: dict) -> dict:
    """Score one cleaned text against one gold record.

    Returns {'must_found', 'must_total', 'must_missing': [hints],
             'must_not_found', 'must_not_total', 'must_not_present': [hints]}.
    """
    gt = GoldText(text)
    must = record.get("must", [])
    must_not = record.get("must_not", [])
    missing = [m.get("hint", "") for m in must if not gt.contains(m["sha1"], m["len"])]
    present = [m.get("hint", "") for m in must_not if gt.contains(m["sha1"], m["len"])]
    return {
        "must_found": len(must) - len(missing),
        "must_total": len(must),
        "must_missing": missing,
        "must_not_found": len(present),
        "must_not_total": len(must_not),
        "must_not_present": present,
    }


def iter_records(path) -> Iterable[dict]:
    import json

    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                yield json.loads(line)
