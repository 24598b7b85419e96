"""Walk the user's inputs (files, directories, URLs) and hand each to the reader its content calls for.

Everything streams: directories are walked lazily, JSON Lines are read line
by line, and no input is held in memory longer than it takes to read it.
"""
from __future__ import annotations

import os
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..errors import InputError
from .decode import check_binary, decode
from .readers import READERS, Item, read_jsonl
from .sniff import sniff

HEAD_BYTES = 262144
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


@dataclass
class ReadOptions:
    max_bytes: int = DEFAULT_MAX_BYTES  # largest single-article file; JSON Lines stream at any size
    timeout: float = 30.0  # seconds for a URL


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def iter_paths(paths: Iterable[str]) -> Iterator[str | InputError]:
    """Expand directories recursively (sorted, hidden entries skipped); report unreadable entries."""
    for path in paths:
        if path.startswith(("http://", "https://")):
            yield path
            continue
        if os.path.isdir(path):
            yield from _walk(path)
        elif os.path.isfile(path):
            yield path
        elif os.path.islink(path):
            yield InputError(path, "broken symbolic link: its target does not exist")
        elif os.path.exists(path):
            yield InputError(path, "not a regular file (a pipe, socket or device): skipped")
        else:
            yield InputError(path, "no such file or directory")


def _walk(top: str) -> Iterator[str | InputError]:
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
        except OSError as exc:
            yield InputError(entry.path, f"cannot stat ({exc.strerror or exc})")
            continue
        if is_dir:
            yield from _walk(entry.path)
        elif is_file:
            yield entry.path
        elif entry.is_symlink():
            yield InputError(entry.path, "broken symbolic link: its target does not exist")
        else:
            yield InputError(entry.path, "not a regular file (a pipe, socket or device): skipped")


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
                fh.seek(0)
                yield from read_jsonl(fh, target, encoding)
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
        yield from read_jsonl(data.splitlines(), where, encoding)
        return
    yield from READERS[shape](data, text, path, url, encoding)


def fetch(url: str, options: ReadOptions) -> bytes:
    """GET a URL the user named (a page or a feed); the only network yrd ever does."""
    request = urllib.request.Request(url, headers={"User-Agent": "yrd/0.1 (+news reader)"})
    try:
        with urllib.request.urlopen(request, timeout=options.timeout) as resp:  # noqa: S310 - user-given URL
            data = resp.read(options.max_bytes + 1)
    except urllib.error.HTTPError as exc:
        raise InputError(url, f"HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise InputError(url, f"cannot fetch ({reason})") from None
    if len(data) > options.max_bytes:
        raise InputError(url, f"response is over the {_mb(options.max_bytes)} limit; raise --max-bytes")
    return data


def read_all(paths: Iterable[str], options: ReadOptions | None = None) -> Iterator[Item]:
    """Every article under every path or URL, in a stable order."""
    for target in iter_paths(paths):
        if isinstance(target, InputError):
            yield target
        else:
            yield from read_input(target, options)
