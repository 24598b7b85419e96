"""What one document's extractors share: its text, sentences, and the facts found so far."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from .text import sentences


@dataclass
class Context:
    """The text and the facts found so far. The later extractors (targets, events, relations) only read the
    entity lists, so their positional indexes are built on first use and kept."""

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
    _indexes: dict = field(default_factory=dict, repr=False)

    @property
    def words(self):
        """The text's word boundaries (extract/evidence.py), segmented clause by clause as they are asked for."""
        w = self._indexes.get("words")
        if w is None:
            from .evidence import Words

            w = self._indexes["words"] = Words(self.text)
        return w

    def __post_init__(self):
        if not self.sentences:
            self.sentences = sentences(self.text)
        self._starts = [s for s, _ in self.sentences]

    def sentence_of(self, offset: int) -> tuple[int, int]:
        i = bisect_right(self._starts, offset) - 1
        return self.sentences[max(i, 0)] if self.sentences else (0, len(self.text))

    def sentence_index(self, offset: int) -> int:
        """The index of the sentence that holds ``offset`` (or the last one starting before it; -1 if none)."""
        return bisect_right(self._starts, offset) - 1

    def starting_in(self, items: list[dict], start: int, end: int) -> list[dict]:
        """The items (dates, amounts: in text order) that start inside [start, end)."""
        key = ("starts", id(items))
        cached = self._indexes.get(key)
        if cached is None or cached[0] is not items or len(cached[1]) != len(items):
            starts = [x["start"] for x in items]
            cached = self._indexes[key] = (items, starts, all(a <= b for a, b in zip(starts, starts[1:])))
        _, starts, ordered = cached
        if not ordered:
            return [x for x in items if start <= x["start"] < end]
        return items[bisect_left(starts, start):bisect_left(starts, end)]

    def in_range(self, items: list[dict], start: int, end: int) -> list[dict]:
        """The items (dates, amounts: in text order) that lie inside [start, end)."""
        return [x for x in self.starting_in(items, start, end) if x["end"] <= end]

    def _mentions(self, kinds: tuple[str, ...]) -> tuple[list[tuple[int, int, str, str]], list[int]]:
        key = ("mentions", kinds)
        cached = self._indexes.get(key)
        if cached is None:
            out = [(m["start"], m["end"], entity["name"], kind)
                   for kind in kinds for entity in getattr(self, kind) for m in entity["mentions"]]
            out.sort()
            cached = self._indexes[key] = (out, [m[0] for m in out])
        return cached

    def entity_mentions(self, start: int, end: int, kinds=("places", "organizations")) -> list[tuple[int, int, str, str]]:
        """(start, end, canonical name, kind) of place and organisation mentions inside [start, end)."""
        mentions, starts = self._mentions(tuple(kinds))
        kept: list[tuple[int, int, str, str]] = []
        for i in range(bisect_left(starts, start), len(mentions)):
            item = mentions[i]
            if item[0] >= end:
                break
            if item[1] > end:
                continue
            # drop a place mention inside an organisation mention (上海海关 is one party, not two)
            if kept and item[0] < kept[-1][1]:
                if item[1] - item[0] > kept[-1][1] - kept[-1][0]:
                    kept[-1] = item
                continue
            kept.append(item)
        return kept
