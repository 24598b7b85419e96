"""Walk the user's inputs (files, directories, URLs) and hand each to the reader its content calls for.

Everything streams: directories are walked lazily, JSON Lines are read line
by line, and no input is held in memory longer than it takes to read it.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..errors import InputError, Skipped
from .decode import check_binary, decode
from .readers import READERS, Item, bounded_lines, read_jsonl
from .sniff import sniff

HEAD_BYTES = 262144
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


@dataclass
class ReadOptions:
    max_bytes: int = DEFAULT_MAX_BYTES  # largest single-article file; JSON Lines stream at any size
    timeout: float = 30.0  # seconds for a URL
    guard: bool = False  # refuse addresses of the machine's own networks (a server's fetches)
    allow: tuple = ()  # networks a guarded fetch may reach all the same (yrd.read.fetch.parse_allow)


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def iter_paths(paths: Iterable[str]) -> Iterator[str | InputError]:
    """Expand directories recursively (sorted, hidden entries skipped); report unreadable entries.

    Every real file is visited once, by device and inode, whatever links lead to it, and no link loop is
    followed: a link to a directory already walked, or to one that holds a walked root (``up -> ..``), is not
    followed, and a second way to a file already read is skipped; each skip is reported (as :class:`Skipped`,
    which is no failure)."""
    walk = _Walk()
    for path in paths:
        if path.startswith(("http://", "https://")):
            yield path
            continue
        if os.path.isdir(path):
            walk.roots.append(os.path.realpath(path))
            yield from walk.directory(path)
        elif os.path.isfile(path):
            yield from walk.file(path)
        elif os.path.islink(path):
            yield InputError(path, "broken symbolic link: its target does not exist")
        elif os.path.exists(path):
            yield InputError(path, "not a regular file (a pipe, socket or device): skipped")
        else:
            yield InputError(path, "no such file or directory")


class _Walk:
    """What one walk has seen: the (device, inode) of every directory walked and every file handed out."""

    def __init__(self):
        self.roots: list[str] = []
        self.dirs: dict[tuple[int, int], str] = {}
        self.files: dict[tuple[int, int], str] = {}

    def file(self, path: str, st: os.stat_result | None = None, link: bool = True) -> Iterator[str | InputError]:
        """``link``: reached through a symbolic link, or named by the user (a way the walk may meet it again).
        Only such files, and files with several hard links, are remembered: memory does not grow with a tree."""
        try:
            st = st or os.stat(path)
        except OSError as exc:
            yield InputError(path, f"cannot stat ({exc.strerror or exc})")
            return
        if link and self.roots:
            inside = self._inside(os.path.realpath(path))
            if inside is not None:  # the walk reads it under its own name
                yield Skipped(path, f"a second way to a file: {inside}, read under that name")
                return
        if not link and st.st_nlink < 2:
            yield path
            return
        first = self.files.setdefault((st.st_dev, st.st_ino), path)
        if first is path:
            yield path
        else:
            yield Skipped(path, f"a second way to a file: {first}, read once")

    def directory(self, top: str, st: os.stat_result | None = None) -> Iterator[str | InputError]:
        try:
            st = st or os.stat(top)
        except OSError as exc:
            yield InputError(top, f"cannot stat ({exc.strerror or exc})")
            return
        key = (st.st_dev, st.st_ino)
        if key in self.dirs:
            yield Skipped(top, f"a second way to a directory: {self.dirs[key]}, walked once")
            return
        self.dirs[key] = top
        try:
            entries = sorted(os.scandir(top), key=lambda e: e.name)
        except OSError as exc:
            yield InputError(top, f"cannot list directory ({exc.strerror or exc})")
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()
                is_file = entry.is_file()
                link = entry.is_symlink()
                st = entry.stat() if (is_dir or is_file) else None
            except OSError as exc:
                yield InputError(entry.path, f"cannot stat ({exc.strerror or exc})")
                continue
            if is_dir:
                if link and self._holds_a_root(entry.path):
                    yield Skipped(entry.path, "a link loop: a link to a directory that holds this walk, not followed")
                    continue
                yield from self.directory(entry.path, st)
            elif is_file:
                yield from self.file(entry.path, st, link)
            elif link:
                yield InputError(entry.path, "broken symbolic link: its target does not exist")
            else:
                yield InputError(entry.path, "not a regular file (a pipe, socket or device): skipped")

    def _inside(self, real: str) -> str | None:
        """``real`` relative to the walked root that holds it, if a walk reaches it (no hidden part on the way)."""
        for root in self.roots:
            if real.startswith(root.rstrip(os.sep) + os.sep):
                rel = os.path.relpath(real, root)
                if not any(part.startswith(".") for part in rel.split(os.sep)):
                    return os.path.join(os.path.basename(root), rel)
        return None

    def _holds_a_root(self, path: str) -> bool:
        real = os.path.realpath(path)
        return any(root == real or root.startswith(real.rstrip(os.sep) + os.sep) for root in self.roots)


def read_input(target: str, options: ReadOptions | None = None) -> Iterator[Item]:
    """All the articles of one file or URL, as RawDocuments (or InputErrors for what cannot be read)."""
    options = options or ReadOptions()
    if target.startswith(("http://", "https://")):
        try:
            data = fetch(target, options)
        except InputError as exc:
            yield exc
            return
        yield from _read_bytes(data, None, target, options)
        return
    try:
        size = os.path.getsize(target)
        with open(target, "rb") as fh:
            head = fh.read(HEAD_BYTES)
            try:
                check_binary(head, target)
            except InputError as exc:
                yield exc
                return
            head_text, encoding = decode(_cut_at_newline(head, size), target)
            shape = sniff(head_text)
            if shape == "jsonl":
                fh.seek(0)  # streamed line by line; no line is read whole past the cap for one article
                yield from read_jsonl(bounded_lines(fh, options.max_bytes), target, encoding, options.max_bytes)
                return
            if size > options.max_bytes:
                yield InputError(target, f"file is {_mb(size)}, over the {_mb(options.max_bytes)} limit for one "
                                 f"article ({shape}); split it, or raise --max-bytes")
                return
            rest = fh.read() if len(head) == HEAD_BYTES else b""
            data = head + rest if rest else head
            # (nearly every article) the head was the whole file: it is checked and decoded already
            decoded = (head_text, encoding) if not rest and len(head) >= size else None
    except InputError as exc:
        yield exc
        return
    except OSError as exc:
        yield InputError(target, f"cannot read ({exc.strerror or exc})")
        return
    yield from _read_bytes(data, target, None, options, checked=True, decoded=decoded)


def read_bytes(data: bytes, url: str, options: ReadOptions | None = None) -> Iterator[Item]:
    """The articles of bytes fetched from ``url`` (by the observatory), as :func:`read_input` reads a URL's."""
    return _read_bytes(data, None, url, options or ReadOptions())


def _cut_at_newline(head: bytes, size: int) -> bytes:
    if len(head) >= size:
        return head
    cut = head.rfind(b"\n")
    return head[: cut + 1] if cut > 0 else head


def _read_bytes(data: bytes, path: str | None, url: str | None, options: ReadOptions, checked: bool = False,
                decoded: tuple[str, str] | None = None) -> Iterator[Item]:
    """The articles of an input's bytes; ``checked``: its head passed :func:`check_binary` already; ``decoded``:
    (text, encoding) of all of it, already made."""
    where = path or url or "<input>"
    try:
        if not checked:
            check_binary(data[:HEAD_BYTES], where)
        text, encoding = decoded or decode(data, where)
    except InputError as exc:
        yield exc
        return
    if not text.strip():
        yield InputError(where, "empty file: nothing to read")
        return
    shape = sniff(text[:HEAD_BYTES])
    if shape == "jsonl":
        yield from read_jsonl(data.splitlines(), where, encoding, options.max_bytes)
        return
    yield from READERS[shape](data, text, path, url, encoding)


def fetch(url: str, options: ReadOptions) -> bytes:
    """GET a URL the user named (a page or a feed); the only network yrd ever does (see :mod:`yrd.read.fetch`)."""
    from .fetch import fetch as get

    return get(url, options.max_bytes, options.timeout, guard=options.guard, allow=options.allow)


def read_all(paths: Iterable[str], options: ReadOptions | None = None) -> Iterator[Item]:
    """Every article under every path or URL, in a stable order."""
    for target in iter_paths(paths):
        if isinstance(target, InputError):
            yield target
        else:
            yield from read_input(target, options)
