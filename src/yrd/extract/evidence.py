"""Evidence that a name matched in a sentence is a place of that sentence.

Three mechanisms, none of them a list of banned words:

- **Word boundaries.** A short name (without 省/市/县/区), an abbreviation or a name of three characters or
  fewer is a place only where it is a word of the sentence: its start and end must be boundaries of the
  segmentation that jieba's dictionary gives the clause around it (rjieba, jieba's algorithm and dictionary in
  Rust, without its statistical guess for unknown words). 新和 in 创新和发展 (创新|和), 新平 in 新平台 (新|平台),
  阿里 in 阿里巴巴, 范县 in 示范县 and 海地 in 沿海地区 are inside other words. A name that is the head of a
  port or station (上海港) still counts, as the gold set's guidelines say.
- **Corroboration.** A district or county outside the delta found by its short name, and any unit whose short
  name is an ordinary word (资源, 来宾: jieba tags them as common nouns or verbs, or resources/
  place_common_words.txt lists them) or a lake or mountain (resources/place_features.tsv: 太湖, 黄山), is a place
  only if the article corroborates it: it names the unit in full, one of its ancestors, or another unit beside
  it (the same parent, or within 60 km). An article about 资源县 (广西资源县, 桂林) or 太湖县 (安徽太湖) still finds
  it; 森林资源 and 太湖治理 do not.
- **Context.** An abbreviation inside the name of a line (沪渝高速, 沪苏湖铁路: the line is named after its ends,
  it does not mention them) or a futures ticker (沪铜) is no mention.
"""
from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

from ..resources import path, table

_CLAUSE = re.compile(r"[，。！？；：、,.!?;:\s“”\"'（）()《》【】\[\]]")
# the parts of speech of ordinary words: nouns, verbs and adjectives (jieba's dictionary tags a few place names
# oddly, 大连 as an adverb: only these three count)
_COMMON_POS = frozenset({"n", "v", "vn", "a", "an"})
_HEAD_OF = frozenset("港站委")  # 上海港, 苏州站, 安徽省委: a place names its port, station or party committee


@lru_cache(maxsize=1)
def segmenter():
    """jieba's dictionary in rjieba, with the fixed phrases jieba does not hold (resources/place_phrases.tsv)."""
    import rjieba  # its import builds the default segmenter (0.15 s): that one is used, not a second one

    for e in table("place_phrases"):
        if not rjieba.has_word(e.word):
            rjieba.add_word(e.word, None, None)
    return rjieba


class Words:
    """Word boundaries of one text, segmented clause by clause (to the nearest punctuation, at most 16 characters
    each way) as they are asked for."""

    REACH = 16

    def __init__(self, text: str):
        self.text = text
        self.stops: list[int] | None = None  # positions of punctuation, found once
        self.done: set[tuple[int, int]] = set()
        self.bounds: set[int] = set()
        self.tokens: dict[int, str] = {}  # token start -> token

    def _clause(self, start: int, end: int) -> tuple[int, int]:
        if self.stops is None:
            self.stops = [m.start() for m in _CLAUSE.finditer(self.text)]
        stops = self.stops
        k = bisect_right(stops, start - 1)
        a = stops[k - 1] + 1 if k else 0
        j = bisect_left(stops, end)
        b = stops[j] if j < len(stops) else len(self.text)
        return max(a, start - self.REACH), min(b, end + self.REACH)

    def _segment(self, start: int, end: int) -> None:
        a, b = self._clause(start, end)
        if (a, b) in self.done:
            return
        self.done.add((a, b))
        pos = a
        self.bounds.add(a)
        for token in segmenter().cut(self.text[a:b], False):
            self.tokens[pos] = token
            pos += len(token)
            self.bounds.add(pos)

    def tokens_in(self, start: int, end: int) -> list[tuple[int, str]]:
        """The words (offset, word) that lie inside [start, end)."""
        self._segment(start, end)
        out, pos = [], start
        while pos < end:
            token = self.tokens.get(pos)
            if token is None:  # not a word's start (a window began elsewhere): step on to the next one
                pos += 1
                continue
            if pos + len(token) <= end:
                out.append((pos, token))
            pos += len(token)
        return out

    def starts_word(self, start: int) -> bool:
        self._segment(start, start + 1)
        return start in self.bounds

    def aligned(self, start: int, end: int, names=frozenset(), full: bool = False) -> bool:
        """Is [start, end) one or more whole words (or the head of a port or station: 上海港)? ``names``: where
        other names of places start and end, which bound words too (辽宁沈阳 is one word to jieba). ``full``: a
        full name (with 省/市/县/区) needs only to start a word (安徽省委, 常州市区)."""
        self._segment(start, end)
        if (start in self.bounds or start in names) and (full or end in self.bounds or end in names):
            return True  # (a full name, 安徽省 in 安徽省政府, needs only to start a word)
        if start in self.bounds:
            token = self.tokens.get(start, "")
            return len(token) == end - start + 1 and token[-1] in _HEAD_OF
        return False


@lru_cache(maxsize=None)
def ordinary(form: str) -> bool:
    """Is ``form`` an ordinary word of Chinese (资源, 来宾, 合作), not (only) a name?"""
    if form in _common_words():
        return True
    tags = segmenter().tag(form, False)
    return len(tags) == 1 and tags[0][1] in _COMMON_POS


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    return frozenset(w.strip() for w in path("place_common_words.txt").read_text(encoding="utf-8").splitlines()
                     if w.strip() and not w.startswith("#"))


@lru_cache(maxsize=1)
def features() -> frozenset[str]:
    """Lakes, mountains and rivers that share their name with a unit (太湖 and 太湖县)."""
    return frozenset(e.word for e in table("place_features"))


_WIDE = ("province", "city")


def near(a, b, km: float = 60.0) -> bool:
    """Are two units neighbours: within ``km`` of each other (150 km where one is a city or province)?"""
    if a.lat is None or b.lat is None:
        return False
    if a.level in _WIDE or b.level in _WIDE:
        km = max(km, 150.0)
    dy = (a.lat - b.lat) * 111.0
    dx = (a.lon - b.lon) * 111.0 * math.cos(math.radians((a.lat + b.lat) / 2))
    return dx * dx + dy * dy <= km * km


def corroborated(unit, named: set[str], others: list, gaz) -> bool:
    """Does the article back ``unit`` up: ``named`` holds the ids of the units it names in full, ``others`` the
    other units it mentions (whose ancestors and neighbours count)?"""
    if unit.id in named:
        return True
    ancestors = set(unit.ancestors(gaz))
    for other in others:
        if other.id == unit.id:
            continue
        if other.id in ancestors or unit.id in other.ancestors(gaz):
            return True  # its city or province, or a town or district of its own
        if other.parent and other.parent == unit.parent:
            return True  # a sibling under the same parent
        if near(unit, other):
            return True
    return False
