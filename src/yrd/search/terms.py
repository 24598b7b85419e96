"""Chinese-aware search terms: overlapping character bigrams for Han text, lowercase words otherwise.

The same function tokenises documents (at ingest) and queries, in simplified
script, so a two-character query such as ``嘉善`` is one term, a longer one
(``嘉善县``) is the phrase of its bigrams (``嘉善 善县``), and a query typed in
traditional script (``嘉善縣``) finds simplified text. A phrase of bigrams
matches exactly where the query occurs as a substring, so recall equals plain
substring search for every query of two or more characters.
"""
from __future__ import annotations

import re

from ..clean.script import detect_script, to_simplified

_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[A-Za-z0-9]+")
_TOKEN_PARTS = re.compile(r"([\u3400-\u9fff\uf900-\ufaff]+)|([A-Za-z0-9]+)")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def tokens(text: str) -> list[str]:
    """Overlapping bigrams of every run of Han characters and of every run of letters and digits (lowercase),
    so any substring of two or more characters is a phrase of consecutive terms (G60 is found in AG600M too,
    as plain substring search would)."""
    out: list[str] = []
    for han, word in _TOKEN_PARTS.findall(text):
        run = han or word.lower()
        if len(run) == 1:
            out.append(run)
        else:
            out.extend(map(str.__add__, run[:-1], run[1:]))  # its bigrams, made in C
    return out


def document_terms(title: str, text: str) -> str:
    return " ".join(tokens(title)) + " \n " + " ".join(tokens(text))


def normalise_query(query: str) -> str:
    """Simplified script, so a traditional query finds simplified text (and traditional originals)."""
    q = query.strip()
    if detect_script(q) == "zh-Hant" or any(_HAN.match(c) for c in q):
        q = to_simplified(q)
    return q


def query_phrases(query: str) -> list[tuple[str, list[str]]]:
    """(part, phrase terms) per whitespace-separated part of the query; all parts must match.

    A part with a one-character run (``沪``, ``A股``) has no exact bigram phrase: its terms are ``[]`` and the
    caller matches the part as a plain substring instead.
    """
    out = []
    for part in normalise_query(query).split():
        runs = _TOKEN.findall(part)
        if not runs:
            continue
        out.append((part, [] if any(len(r) == 1 for r in runs) else tokens(part)))
    return out
