"""Hash-based matching for the gold sets: see yrd.evaluation.goldhash (the scorers use it too)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from yrd.evaluation.goldhash import *  # noqa: E402,F401,F403
from yrd.evaluation.goldhash import __all__  # noqa: E402,F401
