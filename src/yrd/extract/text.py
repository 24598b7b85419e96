"""Sentences and clauses of a clean text, as (start, end) offsets."""
from __future__ import annotations

import re
from collections.abc import Iterable

# a sentence runs to a run of end punctuation (with the closing quotes after it), a line break or the end
_SENTENCE = re.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;]+[”’」』）)]*)?")
_CLAUSE_END = re.compile(r"[，,：:]")
#: the longest sentence the extractors read at once; a longer run without end punctuation (a table flattened
#: into one line, a crafted page) is cut at its last clause mark before this, else here. It bounds the work of
#: every pattern matched sentence by sentence (none of the corpus's 1,738 articles has a sentence over 600).
LONGEST_SENTENCE = 1000
_CUT = re.compile(r"[，,：:、 ]")


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (end-exclusive, including the closing punctuation, without surrounding blanks)."""
    out = []
    for m in _SENTENCE.finditer(text):
        start, end = m.span()
        if start == end:
            continue
        if text[start].isspace() or text[end - 1].isspace():
            start, end = _trim(text, start, end)
            if start == end:
                continue
        while end - start > LONGEST_SENTENCE:
            cut = start + LONGEST_SENTENCE
            marks = [m.end() for m in _CUT.finditer(text, start + LONGEST_SENTENCE // 2, cut)]
            cut = marks[-1] if marks else cut
            out.append((start, cut))
            start = cut
        out.append((start, end))
    return out


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Comma-separated clauses of one sentence."""
    out, s = [], start
    for m in _CLAUSE_END.finditer(text, start, end):
        if m.start() > s:
            out.append((s, m.start()))
        s = m.end()
    if end > s:
        out.append((s, end))
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def anchored(pattern: re.Pattern, text: str, anchors: Iterable[tuple[str, Iterable[int]]]) -> list[re.Match]:
    """What ``pattern.finditer(text)`` finds (non-empty matches), when every match holds one of the anchor words
    starting one of its offsets after the match's start: only those starts are tried, and the words are found
    with ``str.find`` at C speed (a name of 2–3 characters before 总书记, a share before 成)."""
    starts: set[int] = set()
    for word, back in anchors:
        back = tuple(back)
        i = text.find(word)
        while i >= 0:
            starts.update(i - k for k in back if i >= k)
            i = text.find(word, i + 1)
    out, pos = [], 0
    for st in sorted(starts):
        if st < pos:
            continue
        m = pattern.match(text, st)
        if m is not None and m.end() > m.start():
            out.append(m)
            pos = m.end()
    return out
