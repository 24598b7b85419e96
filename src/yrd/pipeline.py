"""The named list of steps, and the one place that catches a step's failure.

read -> clean -> extract -> link -> sign -> index. ``read`` turns the user's inputs into raw documents, ``clean``
makes each a :class:`~yrd.model.Document`, and every later step takes a Document and returns it (or a
:class:`Failure` with a one-line reason). The store receives a finished Document: its facts, the links of
projects to their stages and investments, its MinHash signature and LSH band keys, and its search terms.
Nothing a bad input does stops the good ones.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass, field

from .errors import InputError, Rejected
from .model import Document, RawDocument
from .read import ReadOptions, read_all


@dataclass(frozen=True)
class Failure:
    """An input that gives no document: a failure (unreadable, refused, an internal error), or ``skipped``: readable
    but not an article (a table, a README, a page without an article body), which is no error."""

    where: str
    stage: str
    reason: str
    skipped: bool = False

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass(frozen=True)
class Known:
    """An input whose exact bytes are already stored: nothing to do."""

    id: str
    where: str


@dataclass
class Stats:
    read: int = 0
    ok: int = 0
    failed: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)  # not articles, by reason


@dataclass(frozen=True)
class Step:
    """One named step: a Document in, the same Document out (filled further), or a Failure."""

    name: str
    run: Callable[[Document], Document | Failure]


def _extract(doc: Document) -> Document:
    from .extract.pipeline import extract_all

    extract_all(doc)
    return doc


def _link(doc: Document) -> Document:
    from .extract.projects import find_projects

    doc.projects, doc.portfolios = find_projects(doc)
    return doc


def _sign(doc: Document) -> Document:
    from . import dedup

    doc.signature, doc.buckets = dedup.sign(doc.text)
    return doc


def _index(doc: Document) -> Document:
    from .search.terms import document_terms

    doc.terms = document_terms(doc.title, doc.text)
    return doc


EXTRACT = Step("extract", _extract)
LINK = Step("link", _link)
SIGN = Step("sign", _sign)
INDEX = Step("index", _index)
#: what follows cleaning, in order: ``yrd extract`` stops after ``extract``, an ingest runs them all
STEPS: tuple[Step, ...] = (EXTRACT, LINK, SIGN, INDEX)
STEP_NAMES = ("read", "clean") + tuple(s.name for s in STEPS)


def steps_until(name: str) -> tuple[Step, ...]:
    """The steps after cleaning up to and including ``name`` (``clean`` for none)."""
    if name not in STEP_NAMES:
        raise ValueError(f"step {name!r}: expected one of {', '.join(STEP_NAMES)}")
    return STEPS[:max(0, STEP_NAMES.index(name) - 1)]


def clean_one(raw: RawDocument) -> Document | Failure:
    from .clean import clean

    try:
        return clean(raw)
    except Rejected as exc:
        return Failure(exc.where, "clean", exc.reason, skipped=True)
    except Exception as exc:  # noqa: BLE001 - one bad article must not stop the rest
        return _internal(raw.where, "clean", exc)


def finish(doc: Document, steps: Iterable[Step] = STEPS) -> Document | Failure:
    """Run ``steps`` on a clean document; the first failure ends it."""
    for step in steps:
        try:
            out = step.run(doc)
        except Exception as exc:  # noqa: BLE001 - one bad article must not stop the rest
            return _internal(doc.where, step.name, exc)
        if isinstance(out, Failure):
            return out
        doc = out
    return doc


def _internal(where: str, stage: str, exc: Exception) -> Failure:
    return Failure(where, stage, f"internal error {type(exc).__name__}: {exc} (please report this input)")


def run(paths: Iterable[str], options: ReadOptions | None = None, stats: Stats | None = None,
        steps: Iterable[Step] | None = None, known: Container[str] | None = None
        ) -> Iterator[Document | Failure | Known]:
    """Read every article under ``paths``, clean it and run ``steps`` on it (default: up to ``extract``); an
    article whose id is in ``known`` is not done again."""
    stats = stats if stats is not None else Stats()
    steps = tuple(steps_until("extract") if steps is None else steps)
    for item in read_all(paths, options):
        stats.read += 1
        if isinstance(item, InputError):
            stats.failed["read: " + reason_kind(item.reason)] += 1
            yield Failure(item.where, "read", item.reason)
            continue
        if known is not None and item.id in known:
            yield Known(item.id, item.where)
            continue
        out = clean_one(item)
        if isinstance(out, Document):
            out = finish(out, steps)
        if isinstance(out, Failure):
            (stats.skipped if out.skipped else stats.failed)[f"{out.stage}: {reason_kind(out.reason)}"] += 1
            yield out
            continue
        stats.ok += 1
        yield out


def reason_kind(reason: str) -> str:
    """The kind of a one-line failure reason, for counting by reason ('cannot decode: …' -> 'cannot decode')."""
    return reason.split("(")[0].split(":")[0].strip()
