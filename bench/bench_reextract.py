"""``yrd reextract``'s speed on the corpus: documents per second when nothing changed, and when an older extractor
made the store (every document's facts replaced), with the time of a second run that finds everything done.

  - "unchanged": the corpus ingested with the running extractors, then ``reextract --force`` (every document
    extracted again, nothing to write but the check);
  - "older": the corpus ingested by extractors that found no places and no relations (the store an older release
    would have left), then ``reextract`` (every document's facts, links, counts and edges replaced), then
    ``reextract`` again (nothing to do: the recorded version skips every document).
Wall-clock seconds of one process, best of ``--rounds``. The store is SQLite unless ``--pg URL`` (a server
database that is emptied first).
Run: .venv/bin/python bench/bench_reextract.py [CORPUS] [--rounds 2]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pytest

import yrd.extract.pipeline as extract_pipeline
from yrd.extract import confidence
from yrd.ingest import ingest
from yrd.reextract import reextract

ROOT = Path(__file__).resolve().parent.parent


def older_store(corpus: str, url: str) -> None:
    """The corpus as extractors that found no places and no relations stored it."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(confidence, "version", lambda: "older")
        m.setattr(extract_pipeline, "find_places", lambda text, publisher, lines: [])
        m.setattr(extract_pipeline, "find_relations", lambda ctx: [])
        ingest([corpus], url, workers=2)


def timed(url: str, **kwargs):
    """Seconds and report of one ``reextract(url, **kwargs)``."""
    t = time.perf_counter()
    out = reextract(url, **kwargs)
    return time.perf_counter() - t, out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    if not Path(args.corpus).is_dir():
        print(f"{args.corpus}: no corpus here", file=sys.stderr)
        return 1
    best: dict[str, tuple[float, int]] = {}
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/fresh.db"
            ingest([args.corpus], url, workers=2)
            s, r = timed(url, force=True)
            assert r.changed == 0, r.lines()
            best["unchanged (--force)"] = min(best.get("unchanged (--force)", (1e9, 0)), (s, r.looked))
            url = f"sqlite:///{tmp}/older.db"
            older_store(args.corpus, url)
            s, r = timed(url)
            best["older (every document replaced)"] = min(best.get("older (every document replaced)", (1e9, 0)),
                                                          (s, r.looked))
            changed = r.changed
            s, r = timed(url)
            best["second run (all done)"] = min(best.get("second run (all done)", (1e9, 0)), (s, r.looked + r.current))
    print(f"corpus: {args.corpus}; SQLite; best of {args.rounds}; {changed} document(s) changed in the older store")
    for name, (s, n) in best.items():
        rate = "(nothing to do)" if name.startswith("second") else f"{n / s:8.1f} documents/s"
        print(f"  {name:<34} {n:>6} documents  {s:6.2f} s  {rate}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
