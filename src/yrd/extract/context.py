"""What one document's extractors share: its text, sentences, and the facts found so far."""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from .text import sentences


@dataclass
class Context:
    text: str
    published_at: str | None
    publisher: str | None = None
    sentences: list[tuple[int, int]] = field(default_factory=list)
    dates: list[dict] = field(default_factory=list)
    amounts: list[dict] = field(default_factory=list)
    places: list[dict] = field(default_factory=list)
    people: list[dict] = field(default_factory=list)
    organizations: list[dict] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)

    def __post_init__(self):
        if not self.sentences:
            self.sentences = sentences(self.text)
        self._starts = [s for s, _ in self.sentences]

    def sentence_of(self, offset: int) -> tuple[int, int]:
        i = bisect_right(self._starts, offset) - 1
        return self.sentences[max(i, 0)] if self.sentences else (0, len(self.text))

    def in_range(self, items: list[dict], start: int, end: int) -> list[dict]:
        return [x for x in items if start <= x["start"] and x["end"] <= end]

    def entity_mentions(self, start: int, end: int, kinds=("places", "organizations")) -> list[tuple[int, int, str, str]]:
        """(start, end, canonical name, kind) of place and organisation mentions inside [start, end)."""
        out = []
        for kind in kinds:
            for entity in getattr(self, kind):
                for m in entity["mentions"]:
                    if start <= m["start"] and m["end"] <= end:
                        out.append((m["start"], m["end"], entity["name"], kind))
        out.sort()
        # drop a place mention inside an organisation mention (上海海关 is one party, not two)
        kept = []
        for item in out:
            if kept and item[0] < kept[-1][1]:
                if item[1] - item[0] > kept[-1][1] - kept[-1][0]:
                    kept[-1] = item
                continue
            kept.append(item)
        return kept
