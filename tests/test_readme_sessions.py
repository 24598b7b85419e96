"""The README's sample sessions are what the commands print: every ```console block is run and compared.

Each block is one shell session in a fresh temporary directory (``samples`` there links to the repository's
``samples/``, so ``samples/articles`` resolves and ``--db kb.db`` is a throw-away store). Every ``$ `` line is
run by bash, with ``yrd`` this checkout's command; its stdout is a terminal (a pty, 100 columns: tables, as a
reader at a terminal sees them) and its stderr a pipe. The lines shown under a command must be what it printed:
stdout and stderr each in their order, interleaved as the README shows them. Runs of spaces count as one (column
alignment is not compared); a line ending in ``…`` matches any line it begins; a line that is only ``…`` stands
for any number of lines (more rows follow). A command that needs ``jq`` is skipped where jq is not installed
(the session's other commands still run and are checked).

``python tests/test_readme_sessions.py`` prints every session with what the commands print now.
"""
from __future__ import annotations

import fcntl
import os
import pty
import re
import shutil
import struct
import subprocess
import sys
import termios
import threading
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
COLUMNS = 100


def sessions(text: str) -> list[tuple[int, list[tuple[str, list[str]]]]]:
    """Each ```console block as (line number, [(command, the lines shown under it)])."""
    out, lines = [], text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```console":
            start, steps, i = i + 1, [], i + 1
            while i < len(lines) and lines[i].strip() != "```":
                if lines[i].startswith("$ "):
                    steps.append((lines[i][2:], []))
                elif steps:
                    steps[-1][1].append(lines[i])
                i += 1
            out.append((start, steps))
        i += 1
    return out


def run(command: str, cwd: Path, env: dict) -> tuple[list[str], list[str], int]:
    """``command`` by bash in ``cwd``: its stdout through a pty of COLUMNS columns, its stderr through a pipe."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, COLUMNS, 0, 0))
    proc = subprocess.Popen(["bash", "-c", command], cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=slave,
                            stderr=subprocess.PIPE)
    os.close(slave)
    chunks: list[bytes] = []

    def drain():
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every writer has closed the terminal
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain)
    reader.start()
    err = proc.stderr.read()
    code = proc.wait(timeout=300)
    reader.join(timeout=60)
    os.close(master)
    out = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "")
    return out.splitlines(), err.decode("utf-8", "replace").splitlines(), code


def normal(line: str) -> str:
    return " ".join(line.split())


def same(shown: str, printed: str) -> bool:
    shown, printed = normal(shown), normal(printed)
    if shown.endswith("…") and shown != "…":
        return printed.startswith(shown[:-1].rstrip())
    return shown == printed


def matches(shown: list[str], out: list[str], err: list[str]) -> bool:
    """Whether the lines shown are the two streams interleaved (``…`` alone: any number of lines of either)."""
    shown = [s for s in shown if s.strip()]
    out = [o for o in out if o.strip()]
    err = [e for e in err if e.strip()]

    @cache
    def go(i: int, o: int, e: int) -> bool:
        if i == len(shown):
            return o == len(out) and e == len(err)
        if normal(shown[i]) == "…":
            return go(i + 1, o, e) or (o < len(out) and go(i, o + 1, e)) or (e < len(err) and go(i, o, e + 1))
        return (o < len(out) and same(shown[i], out[o]) and go(i + 1, o + 1, e)) or \
            (e < len(err) and same(shown[i], err[e]) and go(i + 1, o, e + 1))

    return go(0, 0, 0)


def environment(tmp: Path) -> dict:
    """This checkout's yrd first on the PATH, no store or cache of the user's touched."""
    bin_dir = tmp / ".bin"
    bin_dir.mkdir()
    shim = bin_dir / "yrd"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m yrd "$@"\n')
    shim.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("YRD_")}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", COLUMNS=str(COLUMNS), LINES="40",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")])),
               XDG_DATA_HOME=str(tmp / ".data"), LANG="C.UTF-8", LC_ALL="C.UTF-8", TERM="dumb")
    return env


def play(steps, tmp: Path):
    """Run a session's commands in order: (command, lines shown, stdout, stderr, exit status or None if skipped)."""
    (tmp / "samples").symlink_to(ROOT / "samples")
    env = environment(tmp)
    for command, shown in steps:
        if re.search(r"\bjq\b", command) and shutil.which("jq") is None:
            yield command, shown, [], [], None
            continue
        out, err, code = run(command, tmp, env)
        yield command, shown, out, err, code


BLOCKS = sessions(README.read_text(encoding="utf-8"))


def test_the_readme_has_sessions_that_use_the_samples():
    commands = [c for _, steps in BLOCKS for c, _ in steps]
    assert len(BLOCKS) >= 2 and any("samples/articles" in c for c in commands)
    for name in ("search", "entity", "projects", "portfolios", "targets", "network"):
        assert any(c.startswith(f"yrd {name} ") for c in commands), f"no `yrd {name}` in the README's sessions"


@pytest.mark.parametrize("start,steps", BLOCKS, ids=[f"README.md:{start}" for start, _ in BLOCKS])
def test_readme_session_is_what_the_commands_print(start, steps, tmp_path):
    skipped = []
    for command, shown, out, err, code in play(steps, tmp_path):
        if code is None:
            skipped.append(command)
            continue
        assert matches(shown, out, err), (
            f"README.md (block at line {start}): `$ {command}` (exit {code}) shows\n" + "\n".join(shown)
            + "\n--- but it printed on stdout:\n" + "\n".join(out) + "\n--- and on stderr:\n" + "\n".join(err))
    if skipped:
        pytest.skip("jq is not installed: not checked: " + "; ".join(skipped))


def test_the_matcher_can_fail():
    assert matches(["a", "…", "yrd: 3 of 9 shown"], ["a", "b", "c"], ["yrd: 3 of 9 shown"])
    assert matches(["a  b", "long line…"], ["a b", "long line, cut"], [])
    assert not matches(["a"], ["a", "b"], [])  # a line printed and not shown
    assert not matches(["a", "b"], ["b", "a"], [])  # out of order
    assert not matches(["yrd: 3 of 9 shown"], [], ["yrd: 3 of 10 shown"])


if __name__ == "__main__":  # print every session as the commands run it now (stdout first, then stderr)
    import tempfile

    for start, steps in BLOCKS:
        print(f"--- README.md:{start}")
        with tempfile.TemporaryDirectory() as tmp:
            for command, _, out, err, code in play(steps, Path(tmp)):
                print(f"$ {command}", *out, *err, sep="\n")
