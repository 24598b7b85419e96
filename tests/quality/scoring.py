"""Score cleaned texts against the hashed gold set, the way trafilatura's evaluation does.

A ``must`` snippet found is a true positive, missing a false negative; a
``must_not`` snippet found is a false positive, absent a true negative.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from goldhash import GoldText

GOLD = Path(__file__).resolve().parent / "clean_gold.jsonl"


@dataclass
class Score:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def add(self, text: str, record: dict) -> list[str]:
        gt = GoldText(text)
        problems = []
        for m in record["must"]:
            if gt.contains(m["sha1"], m["len"]):
                self.tp += 1
            else:
                self.fn += 1
                problems.append(f"lost: {m.get('hint')}")
        for m in record["must_not"]:
            if gt.contains(m["sha1"], m["len"]):
                self.fp += 1
                problems.append(f"kept: {m.get('hint')}")
            else:
                self.tn += 1
        return problems

    @property
    def precision(self) -> float:
        return self.tp / max(1, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return self.tp / max(1, self.tp + self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        return (self.tp + self.tn) / max(1, self.tp + self.tn + self.fp + self.fn)

    def row(self, label: str) -> str:
        return (f"{label:28} precision {self.precision:.3f}  recall {self.recall:.3f}  "
                f"F1 {self.f1:.3f}  accuracy {self.accuracy:.3f}")


def records(kind: str | None = None) -> list[dict]:
    out = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in out if kind is None or r["kind"] == kind]


def yrd_text(path: Path) -> str:
    """All clean texts yrd produces for one file (a day's transcript yields many stories)."""
    from yrd.pipeline import Failure, run

    return "\n".join(d.text for d in run([str(path)], steps=[]) if not isinstance(d, Failure))


def trafilatura_text(path: Path) -> str:
    import trafilatura

    return trafilatura.extract(path.read_bytes(), include_comments=False) or ""
