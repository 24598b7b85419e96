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

from ..clean.script import to_simplified

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


_PAD = 0xFFFFFFFF  # not a character: marks the unused slot of a one-character term


def terms_string(text: str) -> str:
    """``" ".join(tokens(text))``, made with numpy over the text's code points at once (twice as fast on an
    article: no Python string per term). Each character opens a slot of three code points: its bigram and a
    space, itself and a space (a one-character run), or nothing."""
    import numpy as np  # (only documents need it: a query does not wait for numpy to load)

    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if not len(codes):
        return ""
    folded = codes | np.uint32(0x20)
    lower = (folded >= 0x61) & (folded <= 0x7A)  # A-Z, a-z
    alnum = lower | ((codes >= 0x30) & (codes <= 0x39))
    han = ((codes >= 0x3400) & (codes <= 0x9FFF)) | ((codes >= 0xF900) & (codes <= 0xFAFF))
    cls = han.view(np.uint8) + alnum.view(np.uint8) * np.uint8(2)  # 0: neither, 1: Han, 2: letter or digit
    codes = np.where(lower, folded, codes)
    pair = np.zeros(len(codes), dtype=bool)  # a bigram starts here
    pair[:-1] = (cls[:-1] != 0) & (cls[:-1] == cls[1:])
    joined = np.zeros(len(codes), dtype=bool)  # the second character of the bigram before
    joined[1:] = pair[:-1]
    single = (cls != 0) & ~pair & ~joined
    out = np.full((len(codes), 3), np.uint32(_PAD), dtype=np.uint32)
    out[:, 0] = codes
    out[:-1, 1] = np.where(pair[:-1], codes[1:], 0x20)
    out[-1, 1] = 0x20
    out[:, 2] = np.where(pair, 0x20, _PAD)
    flat = out[pair | single].ravel()
    flat = flat[flat != _PAD]
    return flat[:-1].tobytes().decode("utf-32-le") if len(flat) else ""


def document_terms(title: str, text: str) -> str:
    return terms_string(title or "") + " \n " + terms_string(text)


def normalise_query(query: str) -> str:
    """Simplified script, so a traditional query finds simplified text (and traditional originals)."""
    q = query.strip()
    if _HAN.search(q):  # (converting is cheaper than asking first whether it is traditional)
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
