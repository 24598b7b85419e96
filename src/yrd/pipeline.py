"""The list of stages, and the one place that catches a stage's failure.

``run`` streams inputs through read -> clean -> extract and yields either a
Document or a Failure (what input, which stage, one-line reason); nothing a
bad input does stops the good ones.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass, field

from .clean import clean
from .errors import InputError, Rejected
from .model import Document
from .read import ReadOptions, read_all

Extractor = Callable[[Document], None]


@dataclass(frozen=True)
class Failure:
    where: str
    stage: str
    reason: str

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


def extractors() -> list[Extractor]:
    """The fact extractors run on every document, in order (filled by the extract package)."""
    try:
        from .extract import default_extractors
    except ImportError:
        return []
    return default_extractors()


def run(paths: Iterable[str], options: ReadOptions | None = None, stats: Stats | None = None,
        steps: list[Extractor] | None = None, known: Container[str] | None = None
        ) -> Iterator[Document | Failure | Known]:
    """Read, clean and extract every article under ``paths`` (articles whose id is in ``known`` are not redone)."""
    stats = stats if stats is not None else Stats()
    steps = extractors() if steps is None else steps
    for item in read_all(paths, options):
        stats.read += 1
        if isinstance(item, InputError):
            stats.failed["read: " + reason_kind(item.reason)] += 1
            yield Failure(item.where, "read", item.reason)
            continue
        if known is not None and item.id in known:
            yield Known(item.id, item.path or item.url or "<input>")
            continue
        try:
            doc = clean(item)
            for step in steps:
                step(doc)
        except Rejected as exc:
            stats.failed["clean: no article text"] += 1
            yield Failure(exc.where, "clean", exc.reason)
            continue
        except Exception as exc:  # noqa: BLE001 - one bad article must not stop the rest
            where = item.path or item.url or "<input>"
            stats.failed[f"bug: {type(exc).__name__}"] += 1
            yield Failure(where, "internal", f"internal error {type(exc).__name__}: {exc} (please report this input)")
            continue
        stats.ok += 1
        yield doc


def reason_kind(reason: str) -> str:
    """The kind of a one-line failure reason, for counting by reason ('cannot decode: …' -> 'cannot decode')."""
    return reason.split("(")[0].split(":")[0].strip()
