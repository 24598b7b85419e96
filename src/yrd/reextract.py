"""``yrd reextract``: the running extractors over every stored current document, its facts replaced where they changed.

Each document is rebuilt from what the store keeps (its clean text and fact sheet), goes through the pipeline's
extract and link steps, and its facts, links and every count derived from them are replaced in the store
(``yrd.store.replace``). The text is not cleaned again (that is re-ingesting), so its search terms and near-duplicate
signature stay. Every batch is one transaction and records the extractors' version on each document it did: a run
killed half-way and run again goes on where it stopped.
"""
from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from . import settings
from .errors import YrdError
from .extract.confidence import version as extractor_version
from .model import FACT_KINDS, Document, Source, choices
from .pipeline import EXTRACT, LINK, Failure, Overtime, finish, time_budget, warm_up
from .store import make_engine
from .store.replace import (
    Content,
    Replacement,
    StoredDocument,
    StoredText,
    content_of,
    lock,
    stored_documents,
    stored_texts,
    to_redo,
)
from .store.replace import replace as write
from .correct import apply as apply_corrections
from .store.corrections import load as load_corrections
from .store.rows import FactRow, decompress, doc_key, fact_rows
from .upgrade import open_store

#: the fact sheet's list of each fact kind
FIELDS = {"place": "places", "person": "people", "organization": "organizations", "amount": "amounts",
          "target": "targets", "event": "events", "relation": "relations", "project": "projects",
          "portfolio": "portfolios"}
EXAMPLES = 3  # per kind and kind of change


@dataclass
class KindChanges:
    """The fact rows of one kind that re-extraction added, removed and changed, with a few examples of each."""

    added: int = 0
    removed: int = 0
    changed: int = 0
    examples: dict[str, list[str]] = field(default_factory=lambda: {"added": [], "removed": [], "changed": []})

    def note(self, what: str, title: str, before: str, after: str) -> None:
        setattr(self, what, getattr(self, what) + 1)
        self.example(what, f"《{title}》 {before} → {after}")

    def example(self, what: str, line: str) -> None:
        """Keep ``line`` if there is room and it is not there already (a copy's facts change as its original's)."""
        if len(self.examples[what]) < EXAMPLES and line not in self.examples[what]:
            self.examples[what].append(line)


@dataclass
class Report:
    dry_run: bool = False
    kinds_asked: tuple[str, ...] = ()
    current: int = 0  # documents already extracted by the running extractors (skipped)
    looked: int = 0  # documents re-extracted
    changed: int = 0  # ... whose facts changed
    rewritten: int = 0  # ... whose facts are the same, their fact sheet or version stamps rewritten
    failed: list[tuple[str, str]] = field(default_factory=list)  # (document, reason): their facts stay
    kinds: dict[str, KindChanges] = field(default_factory=dict)
    seconds: float = 0.0

    def kind(self, name: str) -> KindChanges:
        return self.kinds.setdefault(name, KindChanges())

    def add(self, other: Report) -> None:
        self.looked += other.looked
        self.changed += other.changed
        self.rewritten += other.rewritten
        self.failed.extend(other.failed)
        for name, k in other.kinds.items():
            mine = self.kind(name)
            for what in ("added", "removed", "changed"):
                setattr(mine, what, getattr(mine, what) + getattr(k, what))
                for line in k.examples[what]:
                    mine.example(what, line)

    def as_dict(self) -> dict:
        return {"dry_run": self.dry_run, "kinds": list(self.kinds_asked) or None, "already_current": self.current,
                "documents": self.looked, "changed": self.changed, "same_facts_rewritten": self.rewritten,
                "failed": [{"document": d, "reason": r} for d, r in self.failed], "seconds": round(self.seconds, 2),
                "facts": {k: {"added": c.added, "removed": c.removed, "changed": c.changed, "examples": c.examples}
                          for k, c in sorted(self.kinds.items(), key=lambda kv: FACT_KINDS.index(kv[0]))}}

    def lines(self) -> list[str]:
        rate = f" ({self.looked / self.seconds:.1f}/s)" if self.seconds > 0 and self.looked else ""
        out = [f"{'would re-extract' if self.dry_run else 're-extracted'} {self.looked} document(s) in "
               f"{self.seconds:.1f} s{rate}: {self.changed} with changed facts, {self.rewritten} with the same facts "
               f"(fact sheet and version stamps rewritten); {self.current} already current (skipped)"
               + (f"; kinds replaced: {', '.join(self.kinds_asked)}" if self.kinds_asked else "")]
        if self.failed:
            out.append(f"{len(self.failed)} failed, their facts kept: "
                       + "; ".join(f"{d}: {r}" for d, r in self.failed[:5]))
        if not any(c.added or c.removed or c.changed for c in self.kinds.values()):
            out.append("no fact changed")
        for name in FACT_KINDS:
            c = self.kinds.get(name)
            if c is None or not (c.added or c.removed or c.changed):
                continue
            out.append(f"{name}: {c.added} added, {c.removed} removed, {c.changed} changed")
            for what in ("added", "removed", "changed"):
                out.extend(f"  {what:<8}{example}" for example in c.examples[what])
        if self.dry_run:
            out.append("dry run: nothing was written")
        return out


def reextract(url: str, kinds: Iterable[str] | None = None, *, dry_run: bool = False, limit: int | None = None,
              force: bool = False, batch_size: int | None = None, budget: float | None = None,
              progress: Callable[[int], None] | None = None, on_total: Callable[[int], None] | None = None,
              nums: list[int] | None = None) -> Report:
    """Re-extract the current documents of the store at ``url`` that older extractors made (all with ``force``;
    at most ``limit``), replacing the facts of ``kinds`` (default: every kind); returns what changed.

    ``progress(n)`` is called after each batch of ``n`` documents, ``on_total(n)`` once with the number to do;
    ``nums``: only these documents (``documents.num``), whatever extractors made them (a new correction's)."""
    asked = tuple(dict.fromkeys(kinds or ()))
    for k in asked:
        if k not in FACT_KINDS:
            raise YrdError(f"fact kind {k!r}: expected one of {choices('fact_kinds')}")
    batch_size = batch_size or settings.get("batch")
    budget = settings.get("budget") if budget is None else budget
    version = extractor_version()
    engine = open_store(url)
    report = Report(dry_run=dry_run, kinds_asked=asked)
    started = time.perf_counter()
    try:
        with engine.connect() as conn:
            decisions = load_corrections(conn)
            if nums is None:
                nums, report.current = to_redo(conn, version, force)
            else:
                force = True
        if limit is not None:
            nums = nums[:limit]
        if on_total:
            on_total(len(nums))
        if nums:
            warm_up()
        writer = None if dry_run else make_engine(url, writer=True)
        try:
            for i in range(0, len(nums), batch_size):
                chunk = nums[i:i + batch_size]
                with engine.connect() as conn:
                    texts = stored_texts(conn, chunk)
                done = {t.num: _extract(t, asked, budget, decisions) for t in texts}
                if writer is None:
                    with engine.connect() as conn:
                        part, _ = _compare(stored_documents(conn, chunk), texts, done, asked, version, force)
                else:
                    with writer.begin() as conn:
                        lock(conn)
                        part, batch = _compare(stored_documents(conn, chunk), texts, done, asked, version, force)
                        write(conn, batch)
                report.add(part)
                if progress:
                    progress(len(chunk))
        finally:
            if writer is not None:
                writer.dispose()
    finally:
        engine.dispose()
    report.seconds = time.perf_counter() - started
    return report


def stored_document(t: StoredText) -> Document:
    """A stored document as the cleaner left it (its fact lists empty): the inverse of what the store keeps."""
    sheet = json.loads(t.sheet)
    src = sheet.get("source") or {}
    return Document(id=t.id, source=Source(src.get("path"), src.get("url"), src.get("format") or "text",
                                           src.get("publisher"), src.get("author")),
                    title=sheet.get("title", t.title), published_at=sheet.get("published_at"),
                    script=sheet.get("script") or "zh-Hans", text=t.text, original_text=t.original_text or t.text,
                    meta=dict(sheet.get("meta") or {}), duplicate_of=sheet.get("duplicate_of"))


def _extract(t: StoredText, asked: tuple[str, ...], budget: float,
             decisions: list | None = None) -> tuple[Document, Document] | Failure:
    """The document with the running extractors' facts of the ``asked`` kinds (its stored facts of the others),
    and with all of theirs; or why they failed on it."""
    doc = stored_document(t)
    seconds = budget * max(1.0, len(doc.text) / 1_000_000) if budget > 0 else 0.0
    try:
        with time_budget(seconds):
            out = finish(doc, (EXTRACT, LINK))
    except Overtime as exc:
        return Failure(doc.where, exc.stage, f"{exc.stage}: took longer than {seconds:g} s (--budget)")
    if decisions and not isinstance(out, Failure):  # the analyst's corrections outlast every extractor
        apply_corrections(out, decisions, doc_key(out))
    if isinstance(out, Failure) or not asked:
        return out if isinstance(out, Failure) else (out, out)
    sheet = json.loads(t.sheet)
    merged = replace(out, **{f: sheet.get(f, []) for k, f in FIELDS.items() if k not in asked})
    return merged, out


def _compare(stored: dict[int, StoredDocument], texts: list[StoredText], done: dict, asked: tuple[str, ...],
             version: str, force: bool) -> tuple[Report, list[Replacement]]:
    """What changed in each document of a batch (as stored now, inside the batch's transaction) and what to write."""
    report = Report()
    batch = []
    for t in texts:
        s = stored.get(t.num)
        if s is None or not s.is_current or (s.extractor == version and not force):
            continue  # replaced by a new version, or done by another run, since the batch was read
        out = done[t.num]
        report.looked += 1
        if isinstance(out, Failure):
            report.failed.append((s.title, out.reason))
            continue
        merged, full = out
        rows = fact_rows(merged)
        new = content_of(rows)
        sheet = decompress(rows.sheet)
        same_sheet = sheet == s.sheet or json.loads(sheet) == json.loads(s.sheet)
        # the version is recorded once the stored facts are all the running extractors' (not after a partial --kind)
        whole = full is merged or (content_of(full_rows := fact_rows(full)) == new
                                   and decompress(full_rows.sheet) == sheet)
        stamp = version if whole else None
        if new == s.content and same_sheet:
            if stamp is not None and s.extractor != stamp:
                batch.append(Replacement(t.num, None, None, stamp))
            continue
        before, after = s.content.unstamped(), new.unstamped()
        if before != after:
            report.changed += 1
            _diff(report, s.title, before, after)
            batch.append(Replacement(t.num, rows, None, stamp))
        else:  # the same facts: their JSON and the fact sheet restamped by the running extractors (dates, triggers …)
            report.rewritten += 1
            stamps = tuple((fid, f.data) for fid, (old, _), (f, _) in zip(s.fact_ids, s.content.facts, new.facts)
                           if old.data != f.data)
            batch.append(Replacement(t.num, None, None if same_sheet else rows.sheet, stamp, stamps))
    return report, batch


def _diff(report: Report, title: str, old: Content, new: Content) -> None:
    """Count and describe the fact rows added, removed and changed: a row with the same kind and span (else an
    overlapping span) before and after is changed; the others are added or removed."""
    before, after = Counter(old.facts), Counter(new.facts)
    gone = sorted((before - after).elements(), key=lambda x: (x[0].start, x[0].end))
    came = sorted((after - before).elements(), key=lambda x: (x[0].start, x[0].end))
    pairs = []
    for match in (lambda a, b: (a.start, a.end) == (b.start, b.end), lambda a, b: a.start < b.end and b.start < a.end):
        for g in list(gone):
            c = next((c for c in came if c[0].kind == g[0].kind and match(g[0], c[0])), None)
            if c is not None:
                gone.remove(g)
                came.remove(c)
                pairs.append((g, c))
    for (row, key), (row2, key2) in pairs:
        b, a = describe(row, key), describe(row2, key2)
        if a == b:
            b, a = _difference(row, key, row2, key2)
        report.kind(row.kind).note("changed", title, b, a)
    for row, key in gone:
        report.kind(row.kind).note("removed", title, describe(row, key), "(none)")
    for row, key in came:
        report.kind(row.kind).note("added", title, "(none)", describe(row, key))


def describe(row: FactRow, entity=None) -> str:
    """A fact row in a few words: its evidence and what it says (上海 (place 310000))."""
    parts = [row.kind]
    if row.label and row.label != row.text:
        parts.append(row.label)
    for value in (row.code, row.type if row.type != row.label else None, row.date, row.deadline and f"by {row.deadline}",
                  row.modality if row.modality not in (None, "happened") else None):
        if value:
            parts.append(str(value))
    if row.value is not None:
        parts.append(f"{row.value:g}{row.unit or ''}")
    return f"{_short(row.text)} ({' '.join(parts)})"


def _difference(row: FactRow, key, row2: FactRow, key2) -> tuple[str, str]:
    """Two rows that :func:`describe` alike: the fields where they differ."""
    def fields(r: FactRow, k) -> dict:
        out = {f: v for f, v in r._asdict().items() if f != "data"}
        try:
            out.update(json.loads(r.data) if r.data else {})
        except ValueError:
            out["data"] = r.data
        out["entity"] = ":".join(k) if k else None
        return out
    def show(d: dict) -> str:
        return ", ".join(f"{f}={_short(json.dumps(d.get(f), ensure_ascii=False))}" for f in differ)

    a, b = fields(row, key), fields(row2, key2)
    differ = [f for f in dict.fromkeys([*a, *b]) if a.get(f) != b.get(f)][:2]
    return f"{_short(row.text)} ({show(a)})", f"{_short(row2.text)} ({show(b)})"


def _short(s: str, n: int = 40) -> str:
    s = " ".join(str(s).split())
    return s if len(s) <= n else s[:n - 1] + "…"
