"""The house's rules, checked on the source: module sizes, which layer may import which, no import cycle.

Imports are read with ``ast`` (function-level ones too: a lazy import is still a dependency).
"""
import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "yrd"
MAX_LINES = 600
EXEMPT = ("yrd.resources.build_", "yrd.store.migrations", "yrd.web.build_")  # data builders and migrations


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports() -> dict[str, set[str]]:
    """Each module of yrd -> the modules of yrd it imports (resolved to existing modules or packages)."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    out: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    mod = ".".join(base + ([node.module] if node.module else []))
                else:
                    mod = node.module or ""
                targets = [mod] + [f"{mod}.{a.name}" for a in node.names]
            else:
                continue
            for t in targets:
                if t in modules and t != name:
                    found.add(t)
        out[name] = found
    return out


IMPORTS = _imports()


def _under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_is_over_600_lines(path):
    name = _module_name(path)
    if name.startswith(EXEMPT):
        pytest.skip("data builders and migrations may be long")
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{name} has {n} lines: split it by purpose"


def test_the_store_imports_no_extractor_and_only_its_query_side_reads_search():
    for module, deps in IMPORTS.items():
        if not _under(module, "yrd.store"):
            continue
        bad = {d for d in deps if _under(d, "yrd.extract") or _under(d, "yrd.dedup") or _under(d, "yrd.pipeline")}
        assert not bad, f"{module} imports {bad}: the store only writes and reads finished documents"
        if not _under(module, "yrd.store.query"):
            assert not {d for d in deps if _under(d, "yrd.search")}, f"{module} imports search/"


def test_the_layers_below_the_store_never_import_the_adapters():
    adapters = ("yrd.store", "yrd.api", "yrd.web", "yrd.cli", "yrd.ingest", "yrd.executors", "yrd.scale")
    for module, deps in IMPORTS.items():
        if any(_under(module, layer) for layer in ("yrd.read", "yrd.clean", "yrd.extract", "yrd.model", "yrd.search",
                                                     "yrd.dedup")):
            bad = {d for d in deps if any(_under(d, a) for a in adapters)}
            assert not bad, f"{module} imports {bad}"
    assert IMPORTS["yrd.model"] == set(), "model imports nothing of ours"
    assert IMPORTS["yrd.settings"] == set(), "settings imports nothing of ours"


def test_no_import_cycle():
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for d in sorted(IMPORTS.get(m, ())):
            if d == m.rsplit(".", 1)[0] or m.startswith(d + "."):
                continue  # a module and its own package's __init__
            if state.get(d) == 1:
                cycle = stack[stack.index(d):] + [d]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if d not in state:
                visit(d)
        stack.pop()
        state[m] = 2

    for m in sorted(IMPORTS):
        if m not in state:
            visit(m)
