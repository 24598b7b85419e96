"""When the store fails (its disk full, its connection lost), the run stops with one line saying so and how to
resume, after its summary; no document is blamed, and a rerun stores everything."""
import sqlite3
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError, OperationalError

from yrd.cli import main
from yrd.store.db import store_fault

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "articles"


def _failing_after(n, error):
    import yrd.batches as batches

    real, calls = batches.write_batch, [0]

    def write_batch(conn, batch, wait=True):
        calls[0] += 1
        if calls[0] > n:
            raise error
        return real(conn, batch, wait)

    return write_batch


def test_what_is_a_fault_of_the_store_and_what_is_a_documents():
    full = OperationalError("INSERT …", {}, sqlite3.OperationalError("database or disk is full"))
    assert "disk is full" in store_fault(full)
    gone = OperationalError("SELECT 1", {}, sqlite3.OperationalError("unable to open database file"))
    assert store_fault(gone)
    refused = IntegrityError("INSERT …", {}, sqlite3.IntegrityError("UNIQUE constraint failed: facts.id"))
    assert store_fault(refused) is None
    assert store_fault(OperationalError("x", {}, sqlite3.OperationalError("too many SQL variables"))) is None


def test_a_full_disk_stops_the_run_once_and_a_rerun_resumes(tmp_path, monkeypatch):
    db = f"sqlite:///{tmp_path / 'kb.db'}"
    full = OperationalError("INSERT …", {}, sqlite3.OperationalError("database or disk is full"))
    monkeypatch.setattr("yrd.batches.write_batch", _failing_after(2, full))
    result = CliRunner().invoke(main, ["ingest", str(SAMPLES), "--db", db, "--batch", "2", "--no-progress"])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1 and "disk is full" in errors[0] and "run the same command again" in errors[0]
    assert "please report" not in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.index("yrd: read ") < result.stderr.index("error:")  # the summary first
    stored = create_engine(db).connect().execute(text("SELECT count(*) FROM documents")).scalar()
    assert stored == 4  # the two batches committed before the disk filled
    monkeypatch.undo()
    again = CliRunner().invoke(main, ["ingest", str(SAMPLES), "--db", db, "--no-progress"])
    assert again.exit_code == 0, again.stderr
    assert create_engine(db).connect().execute(text("SELECT count(*) FROM documents")).scalar() == 11


def test_a_lost_connection_in_a_worker_stops_the_run_once(tmp_path, monkeypatch):
    db = f"sqlite:///{tmp_path / 'kb.db'}"
    lost = OperationalError("INSERT …", {}, sqlite3.OperationalError("disk I/O error"))
    monkeypatch.setattr("yrd.batches.write_batch", _failing_after(0, lost))  # (inherited by the forked workers)
    result = CliRunner().invoke(main, ["ingest", str(SAMPLES), "--db", db, "--workers", "2", "--batch", "1",
                                       "--no-progress"])
    assert result.exit_code == 1
    assert [line for line in result.stderr.splitlines() if "error:" in line] == [
        line for line in result.stderr.splitlines() if "disk I/O error" in line]
    assert len([line for line in result.stderr.splitlines() if "disk I/O error" in line]) == 1
    assert "please report" not in result.stderr and "Traceback" not in result.stderr
