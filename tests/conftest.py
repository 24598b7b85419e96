import os
from pathlib import Path

import pytest

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
