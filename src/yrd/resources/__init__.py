"""Data files (gazetteer, rule tables) and the scripts that build them; read at run time, never downloaded.

Rule tables are TSV files with a header: ``word``, ``kind``, ``note`` and, where a table needs them, more columns
(``unit``, ``unless``). Lines starting with ``#`` say what the table is for. :func:`table` reads one (once per
process); :func:`alternation` writes its words as a regex alternation, longest first, each with its ``unless``
(what must not follow the word) as a negative lookahead.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import re
import tempfile
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

RESOURCES = Path(__file__).resolve().parent


def path(name: str) -> Path:
    return RESOURCES / name


class Entry(dict):
    """One row of a rule table: ``entry.word``, ``entry.kind``, ``entry.note`` and any other column by name."""

    __slots__ = ()

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


@lru_cache(maxsize=None)
def table(name: str) -> tuple[Entry, ...]:
    """The rows of ``resources/<name>.tsv``, in file order (empty cells are ``""``)."""
    rows: list[Entry] = []
    header: list[str] | None = None
    with open(RESOURCES / f"{name}.tsv", encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cells = line.split("\t")
            if header is None:
                header = cells
                if header[:3] != ["word", "kind", "note"]:
                    raise ValueError(f"{name}.tsv: the header must start with word, kind, note")
                continue
            if len(cells) > len(header):
                raise ValueError(f"{name}.tsv:{n}: {len(cells)} cells, the header has {len(header)}")
            rows.append(Entry(zip(header, cells + [""] * (len(header) - len(cells)))))
    return tuple(rows)


def words(name: str, kind: str | None = None) -> tuple[str, ...]:
    """The words of a table (of one kind), in file order."""
    return tuple(e.word for e in table(name) if kind is None or e.kind == kind)


def kinds(name: str) -> dict[str, str]:
    """word -> kind."""
    return {e.word: e.kind for e in table(name)}


def alternation(name: str, kind: str | None = None, order: str = "longest") -> str:
    """The table's words as a regex alternation: escaped, each followed by ``(?!unless)`` where the row has an
    ``unless``; longest first (``order="file"``: as written)."""
    rows = [e for e in table(name) if kind is None or e.kind == kind]
    if order == "longest":
        rows = sorted(rows, key=lambda e: -len(e.word))
    return "|".join(guarded(e) for e in rows)


def guarded(e: Entry) -> str:
    """One row as a regex: its own ``pattern`` if it has one, else the word escaped, with its ``unless`` as a
    negative lookahead."""
    if e.get("pattern"):
        return e.pattern
    return re.escape(e.word) + (f"(?!{e.unless})" if e.get("unless") else "")


def cached(name: str, sources: Iterable[str], build: Callable[[], T], code: Iterable[str] = ()) -> T:
    """What ``build()`` makes of the data files ``sources``, kept in the cache directory (setting ``cache``) so the
    next process loads it in a tenth of the time; remade whenever a source file, the ``code`` that builds it (its
    modules' files) or yrd's version changes. Without a usable cache directory it is simply built."""
    from .. import __version__, settings

    folder = settings.get("cache")
    if not folder:
        return build()
    h = hashlib.sha1(__version__.encode())
    for src in sorted(sources):
        st = (RESOURCES / src).stat()
        h.update(f"{src}:{st.st_size}:{st.st_mtime_ns};".encode())
    for module in (__file__, *code):
        h.update(Path(module).read_bytes())
    target = Path(folder) / f"{name}-{h.hexdigest()[:16]}.pickle"
    try:
        with open(target, "rb") as fh:
            return pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
        pass
    value = build()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{name}-")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)  # atomic: a concurrent process reads the old file or the whole new one
    except OSError:
        pass  # a read-only home: build every time
    return value
