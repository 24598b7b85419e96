import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The development corpus in ../shared/corpus; tests that need it skip where it is absent."""
    if not CORPUS.is_dir():
        pytest.skip(f"../shared/corpus not found at {CORPUS}: corpus checks skipped (a fresh clone has no corpus)")
    return CORPUS


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


# --- stores on both backends -------------------------------------------------------------------------
# PostgreSQL must answer at 127.0.0.1:5432 (user postgres; override with YRD_TEST_PG): the tests fail,
# not skip, when it does not, so CI cannot pass without testing the team backend.


PG = os.environ.get("YRD_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")


@pytest.fixture(scope="session")
def pg_server():
    engine = sa.create_engine(f"{PG}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"PostgreSQL does not answer at {PG} ({str(exc).splitlines()[0]}); the store tests need it. "
                    "Start it (pg_ctlcluster 15 main start) or set YRD_TEST_PG.")
    yield engine
    engine.dispose()


@pytest.fixture
def new_pg_db(pg_server):
    """A fresh, empty PostgreSQL database; dropped afterwards."""
    made = []

    def make() -> str:
        name = f"yrd_test_{uuid.uuid4().hex[:10]}"
        with pg_server.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return f"{PG}/{name}"

    yield make
    with pg_server.connect() as conn:
        for name in made:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kb.db'}"
    return request.getfixturevalue("new_pg_db")()
