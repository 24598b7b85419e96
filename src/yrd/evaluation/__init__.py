"""Scoring yrd against the hand-annotated gold sets (``yrd eval``).

- ``tests/gold/gold.jsonl``: facts of 42 corpus documents, mention by mention (:mod:`.facts`).
- ``tests/gold/web_gold.jsonl``: pages from sites yrd was never tuned on: article or not, title, date, clean
  text, places, events, relations, targets (:mod:`.pages`).

Both are split into a development part and a test part, fixed before development: by site for the pages, by
file for the corpus documents (:func:`split_of`). Tune on the development part; report both.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..errors import YrdError

SPLITS = ("dev", "test")


def split_of(key: str) -> str:
    """The part a site's (or a file's) documents belong to: two keys in five are test."""
    return "test" if int(hashlib.sha1(("yrd-gold-split:" + key).encode()).hexdigest()[:8], 16) % 5 < 2 else "dev"


def load_gold(path: str | Path) -> list[dict]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise YrdError(f"{path}: cannot read gold set ({exc.strerror})") from None
    out = []
    for i, line in enumerate(lines, 1):
        if line.strip():
            try:
                rec = json.loads(line)
            except ValueError:
                raise YrdError(f"{path}:{i}: not a JSON object") from None
            rec.setdefault("split", split_of(rec.get("file", "")))
            out.append(rec)
    return out


def is_pages(records: list[dict]) -> bool:
    return bool(records) and "must" in records[0]


def evaluate(gold_path: str | Path, corpus: str | Path, split: str | None = None, errors: bool = False):
    """Score the gold set at ``gold_path`` (one part, or the whole of a corpus facts set when ``split`` is None)."""
    records = load_gold(gold_path)
    if is_pages(records):
        from .pages import evaluate_pages

        return evaluate_pages(records, corpus, split or "dev", errors)
    from .facts import evaluate as evaluate_facts

    return evaluate_facts(gold_path, corpus, [r for r in records if split is None or r["split"] == split])
