"""The named list of steps, and the one place that catches a step's failure.

read -> clean -> extract -> link -> sign -> index. ``read`` turns the user's inputs into raw documents, ``clean``
makes each a :class:`~yrd.model.Document`, and every later step takes a Document and returns it (or a
:class:`Failure` with a one-line reason). The store receives a finished Document: its facts, the links of
projects to their stages and investments, its MinHash signature and LSH band keys, and its search terms.
Nothing a bad input does stops the good ones.
"""
from __future__ import annotations

import signal
import threading
from collections import Counter
from collections.abc import Callable, Container, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from .errors import InputError, Rejected, Skipped
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
    from .extract.confidence import assess, version
    from .extract.pipeline import extract_all

    extract_all(doc)
    assess(doc)
    doc.extractor = version()
    return doc


def _link(doc: Document) -> Document:
    from .extract.confidence import assess
    from .extract.projects import find_projects

    doc.projects, doc.portfolios = find_projects(doc)
    assess(doc)
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


class Overtime(BaseException):
    """Raised by the timer in whatever a document's step was doing when its time budget ran out. A BaseException,
    so that no extractor's ``except Exception`` takes it for a failure of its own."""

    stage = "extract"


@contextmanager
def time_budget(seconds: float):
    """Raise :class:`Overtime` inside the block once ``seconds`` have passed (wall clock). Python checks for
    signals between bytecodes and inside long regular-expression matches, so a runaway pattern is stopped too.
    Only in the main thread of a process with ``setitimer`` (the command line, ingest workers, the server's ingest
    process); elsewhere the block runs unbounded."""
    if seconds <= 0 or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def ring(signum, frame):
        raise Overtime

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def budget_for(raw: RawDocument, per_million: float) -> float:
    """The seconds a document may take: ``per_million`` for each million characters, at least ``per_million``."""
    return per_million * max(1.0, len(raw.body) / 1_000_000) if per_million > 0 else 0.0


def clean_one(raw: RawDocument) -> Document | Failure:
    from .clean import clean

    try:
        return clean(raw)
    except Overtime as exc:
        exc.stage = "clean"
        raise
    except Rejected as exc:
        return Failure(exc.where, "clean", exc.reason, skipped=True)
    except Exception as exc:  # noqa: BLE001 - one bad article must not stop the rest
        return _internal(raw.where, "clean", exc)


def finish(doc: Document, steps: Iterable[Step] = STEPS) -> Document | Failure:
    """Run ``steps`` on a clean document; the first failure ends it."""
    for step in steps:
        try:
            out = step.run(doc)
        except Overtime as exc:
            exc.stage = step.name
            raise
        except Exception as exc:  # noqa: BLE001 - one bad article must not stop the rest
            return _internal(doc.where, step.name, exc)
        if isinstance(out, Failure):
            return out
        doc = out
    return doc


def read_failure(error: InputError) -> Failure:
    """The Failure of an input that could not be read (``Skipped``: left out on purpose, no error)."""
    return Failure(error.where, "read", error.reason, skipped=isinstance(error, Skipped))


def _internal(where: str, stage: str, exc: Exception) -> Failure:
    return Failure(where, stage, f"internal error {type(exc).__name__}: {exc} (please report this input)")


def warm_up() -> None:
    """Load the gazetteer and lexicons (before workers fork, so they share them; before a time budget starts, so
    the first document does not pay for them)."""
    from .clean.script import detect_script
    from .extract.confidence import version
    from .extract.pipeline import extract_all
    from .model import Source

    extract_all(Document("warm-up", Source(), "", None, "zh-Hans", "上海市。"))
    version()
    detect_script("上海市。")


def process(raw: RawDocument, steps: Iterable[Step], budget: float) -> Document | Failure:
    """Clean one raw document and run ``steps`` on it, within its time budget (:func:`budget_for`)."""
    seconds = budget_for(raw, budget)
    try:
        with time_budget(seconds):
            out = clean_one(raw)
            if isinstance(out, Document):
                out = finish(out, steps)
    except Overtime as exc:
        return Failure(raw.where, exc.stage, f"{exc.stage}: took longer than {seconds:g} s (--budget)")
    return out


def run(paths: Iterable[str], options: ReadOptions | None = None, stats: Stats | None = None,
        steps: Iterable[Step] | None = None, known: Container[str] | None = None, budget: float | None = None
        ) -> Iterator[Document | Failure | Known]:
    """Read every article under ``paths``, clean it and run ``steps`` on it (default: up to ``extract``); an
    article whose id is in ``known`` is not done again. ``budget``: seconds per document and million characters
    (default: the ``budget`` setting)."""
    return run_items(read_all(paths, options), stats, steps, known, budget)


def run_items(items: Iterable[RawDocument | InputError], stats: Stats | None = None,
              steps: Iterable[Step] | None = None, known: Container[str] | None = None, budget: float | None = None
              ) -> Iterator[Document | Failure | Known]:
    """:func:`run` for raw documents already read (the observatory reads them from what it fetched)."""
    from . import settings

    budget = settings.get("budget") if budget is None else budget
    stats = stats if stats is not None else Stats()
    warm = False
    steps = tuple(steps_until("extract") if steps is None else steps)
    for item in items:
        stats.read += 1
        if isinstance(item, InputError):
            failure = read_failure(item)
            (stats.skipped if failure.skipped else stats.failed)["read: " + reason_kind(item.reason)] += 1
            yield failure
            continue
        if known is not None and item.id in known:
            yield Known(item.id, item.where)
            continue
        if budget > 0 and steps and not warm:
            warm_up()  # (outside any document's budget)
            warm = True
        out = process(item, steps, budget)
        if isinstance(out, Failure):
            (stats.skipped if out.skipped else stats.failed)[f"{out.stage}: {reason_kind(out.reason)}"] += 1
            yield out
            continue
        stats.ok += 1
        yield out


def reason_kind(reason: str) -> str:
    """The kind of a one-line failure reason, for counting by reason ('cannot decode: …' -> 'cannot decode';
    'clean: took longer than 5 s (…)' -> 'took longer than 5 s')."""
    head, sep, rest = reason.partition(": ")
    if sep and head in STEP_NAMES:
        reason = rest
    return reason.split("(")[0].split(":")[0].strip()
