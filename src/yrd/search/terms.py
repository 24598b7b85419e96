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
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def tokens(text: str) -> list[str]:
    out: list[str] = []
    for run in _TOKEN.findall(text):
        if _HAN.match(run):
            if len(run) == 1:
                out.append(run)
            else:
                out.extend(run[i:i + 2] for i in range(len(run) - 1))
        else:
            out.append(run.lower())
    return out


def document_terms(title: str, text: str) -> str:
    return " ".join(tokens(title)) + " \n " + " ".join(tokens(text))


def normalise_query(query: str) -> str:
    """Simplified script, so a traditional query finds simplified text (and traditional originals)."""
    q = query.strip()
    if detect_script(q) == "zh-Hant" or any(_HAN.match(c) for c in q):
        q = to_simplified(q)
    return q


def query_phrases(query: str) -> list[list[str]]:
    """One phrase (list of terms) per whitespace-separated part of the query; all must match."""
    out = []
    for part in normalise_query(query).split():
        terms = tokens(part)
        if terms:
            out.append(terms)
    return out
