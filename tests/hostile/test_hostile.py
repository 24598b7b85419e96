"""A corpus of hostile inputs (built by build.py, never committed) through `yrd extract` and `yrd ingest`: each
bad input costs only itself — one stderr line, no traceback, nothing hangs — and every good input beside them is
stored. The subprocess timeouts detect a hang (a regression to exponential backtracking takes minutes), they
are not speed checks."""
import resource
import subprocess
import sys

import pytest

from build import build

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("hostile")
    return out, build(out, scale=0.05)  # 5,000 levels deep, 6 MB records (over a 2 MB cap below)


def _run(*args, timeout=240):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.run([sys.executable, "-m", "yrd", *args], capture_output=True, text=True, timeout=timeout)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return proc, max(peak, before) / 1024  # MB (the largest child so far)


EXPECTED_FAILURES = {  # case -> what its one line says
    "deep_jsonl.jsonl:2": "not a JSON object",
    "deep_jsonl.jsonl:4": "not a JSON object",
    "deep_json.json": "invalid JSON",
    "big_record.jsonl:2": "over the 2.0 MB limit",
    "big_line.txt": "over the 2.0 MB limit",
    "big_brace_line.txt": "over the 2.0 MB limit",
}
SKIPS = {"loops/again": "a second way to a file", "loops/self": "a second way to a directory", "loops/up": "a link loop"}


def test_extract_reports_each_bad_input_once_and_keeps_every_good_one(corpus):
    out, made = corpus
    # (a generous budget: this test is about bounded parsers and one line per bad input, not about the timer,
    # and the machine may be loaded)
    proc, peak_mb = _run("extract", str(out), "--max-bytes", "2M", "--budget", "30", "--no-progress")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert all(line.startswith("yrd: ") for line in lines), lines
    for where, why in {**EXPECTED_FAILURES, **SKIPS}.items():
        mine = [line for line in lines if f"/{where}:" in line]
        assert len(mine) == 1 and why in mine[0], (where, mine)
    titles = [line.split('"title": "', 1)[1].split('"', 1)[0] for line in proc.stdout.splitlines()]
    for n in (1, 2, 3, 5, 6):  # the good records beside the bad ones
        assert any(f"记录{n}" in t for t in titles), n
    assert sum("（0）" in t for t in titles) == 1 and sum("（7）" in t for t in titles) == 1  # the loops' article once
    for name in ("breadcrumb_12", "breadcrumb_20", "breadcrumb_40", "digits", "one_char", "dots", "separators"):
        assert not [line for line in lines if f"/{name}." in line], name  # read, not failed
    assert peak_mb < 1500, peak_mb


def test_ingest_stores_every_good_input_and_names_each_bad_one(corpus, tmp_path):
    out, _ = corpus
    db = f"sqlite:///{tmp_path / 'kb.db'}"
    proc, _ = _run("ingest", str(out), "--db", db, "--max-bytes", "2M", "--workers", "2", "--budget", "30",
                   "--no-progress")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "worker" not in proc.stderr  # no worker died
    extracted, _ = _run("extract", str(out), "--max-bytes", "2M", "--budget", "30", "--no-progress")
    from sqlalchemy import create_engine, text

    with create_engine(db).connect() as conn:
        stored = conn.execute(text("SELECT count(*) FROM documents")).scalar()
    assert stored == len(extracted.stdout.splitlines())
    for where in EXPECTED_FAILURES:
        assert sum(f"/{where}:" in line for line in proc.stderr.splitlines()) == 1, where


def test_a_document_past_its_time_budget_fails_alone(corpus):
    out, made = corpus
    proc, _ = _run("extract", str(made["one_char"]), str(made["good"]), "--budget", "0.05", "--no-progress")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "one_char.txt: clean: took longer than" in proc.stderr or "one_char.txt: extract: took longer than" in proc.stderr
    # the run went on to the good page (under load even it may overrun so small a budget: then it says so)
    assert "（0）" in proc.stdout or "good.html: " in proc.stderr


def test_the_budget_stops_a_step_and_a_runaway_pattern_in_it():
    import re
    import time

    from yrd.model import Document, RawDocument
    from yrd.pipeline import Step, process

    raw = RawDocument(b"x", "嘉兴市与上海市签署合作协议。" * 3, "text", "t.txt", None, "text")
    sleepy = Step("extract", lambda doc: time.sleep(30) or doc)
    started = time.monotonic()
    out = process(raw, (sleepy,), 0.3)
    assert out.reason.startswith("extract: took longer than 0.3 s") and time.monotonic() - started < 10
    runaway = Step("link", lambda doc: re.match(r"(a+)+$", "a" * 40 + "b") or doc)  # exponential backtracking
    started = time.monotonic()
    out = process(raw, (runaway,), 0.3)
    assert out.reason.startswith("link: took longer than") and time.monotonic() - started < 10
    assert isinstance(process(raw, (), 30), Document)  # within its budget, it is finished
