"""An ingest killed with SIGKILL at random moments, then re-run, holds exactly the expected documents."""
import os
import random
import signal
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from yrd.ingest import ingest
from yrd.store import make_engine
from yrd.store.schema import documents, facts, lsh_bands, search_terms


def _state(url):
    engine = make_engine(url)
    with engine.connect() as conn:
        docs = sorted(tuple(r) for r in conn.execute(sa.select(documents.c.id, documents.c.duplicate_of)))
        per_doc = dict(conn.execute(sa.select(facts.c.doc_id, sa.func.count()).group_by(facts.c.doc_id)).all())
        bands = conn.scalar(sa.select(sa.func.count()).select_from(lsh_bands))
        terms = conn.scalar(sa.select(sa.func.count()).select_from(search_terms))
    engine.dispose()
    return docs, per_doc, bands, terms


@pytest.fixture(scope="module")
def inputs(corpus, tmp_path_factory):
    """150 corpus pages and two day transcripts (whose stories are copies of some pages)."""
    d = tmp_path_factory.mktemp("inputs")
    pages = sorted((corpus / "cctv_xwlb_html").iterdir())[:150]
    for p in pages + sorted((corpus / "cctv_xwlb_md").iterdir())[:2]:
        os.symlink(p, d / p.name)
    return d


def test_sigkill_at_random_points_then_rerun(store_url, inputs, tmp_path):
    reference = f"sqlite:///{tmp_path / 'reference.db'}"
    ingest([str(inputs)], reference, batch_size=10)
    expected = _state(reference)

    rng = random.Random(int(os.environ.get("YRD_KILL_SEED", time.time())))
    cmd = [sys.executable, "-m", "yrd", "ingest", str(inputs), "--db", store_url, "--batch", "10", "--no-progress"]
    kills = 0
    for _ in range(4):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(1.0, 4.0))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
    final = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert final.returncode == 0, final.stderr
    assert kills >= 1, "every run finished before it could be killed: raise the input size"
    assert _state(store_url) == expected
