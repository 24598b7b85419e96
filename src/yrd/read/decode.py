"""Turn raw bytes into text: detect the encoding (UTF-8, GB18030/GBK, Big5), never assume it."""
from __future__ import annotations

import re


from ..errors import InputError

_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (docx/xlsx?)",
    b"\x1f\x8b": "a gzip archive",
    b"\x7fELF": "an executable",
    b"BZh": "a bzip2 archive",
    b"\xfd7zXZ": "an xz archive",
}
# every byte but the control characters (tab, line feed, form feed, carriage return and escape are text)
_NOT_CONTROL = bytes(b for b in range(256) if b >= 32 or b in (9, 10, 12, 13, 27))
_DECLARED = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_CHINESE_CODECS = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "x-gbk": "gb18030",
                   "big5": "big5", "big5-hkscs": "big5hkscs", "cp950": "cp950", "cp936": "gb18030"}


def check_binary(head: bytes, where: str) -> None:
    """Raise InputError if ``head`` (the first bytes of an input) is not text."""
    if not head.strip():
        raise InputError(where, "empty file: nothing to read")
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            raise InputError(where, f"binary file ({what}), not a text article")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 text with a BOM
    sample = head[:65536]
    control = len(sample.translate(None, _NOT_CONTROL))  # the bytes left once text bytes are deleted
    if b"\x00" in sample or control > len(sample) * 0.05:
        raise InputError(where, "binary file (control bytes), not a text article")


def decode(data: bytes, where: str) -> tuple[str, str]:
    """Return ``(text, encoding)``; raise InputError naming ``where`` if no encoding fits.

    Order: a BOM; strict UTF-8; the charset the document declares; then detection
    among the Chinese encodings; finally UTF-8 with a handful of bad bytes replaced.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", where), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", where), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    declared = _declared_codec(data[:4096])
    if declared and declared != "utf-8":
        try:
            return data.decode(declared), declared
        except (UnicodeDecodeError, LookupError):
            pass
    lenient = data.decode("utf-8", errors="replace")
    bad = lenient.count("\ufffd")
    multibyte = sum(1 for ch in lenient if ord(ch) > 0x7F)
    if bad <= 3 and multibyte > 20 * bad:
        return lenient, "utf-8 (with %d undecodable byte%s replaced)" % (bad, "s" if bad > 1 else "")
    from charset_normalizer import from_bytes  # (only a page that is not UTF-8 needs it)

    best = from_bytes(data[:262144], cp_isolation=["gb18030", "big5", "cp950", "big5hkscs"]).best()
    if best is not None:
        codec = _CHINESE_CODECS.get(best.encoding.lower().replace("_", ""), best.encoding)
        for candidate in _candidates(codec):
            try:
                return data.decode(candidate), candidate
            except UnicodeDecodeError:
                continue
    raise InputError(
        where,
        f"cannot decode: not valid UTF-8 (bad byte at offset {first_bad}), GB18030/GBK or Big5; "
        "convert the file to UTF-8",
    )


def _candidates(codec: str) -> list[str]:
    if codec in ("big5", "cp950", "big5hkscs"):
        return [codec, "big5hkscs", "cp950"]
    return [codec]


def _strict(data: bytes, codec: str, where: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(where, f"cannot decode as {codec} (bad byte at offset {exc.start})") from None


def _declared_codec(head: bytes) -> str | None:
    m = _DECLARED.search(head)
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore").lower()
    if name in ("utf-8", "utf8"):
        return "utf-8"
    return _CHINESE_CODECS.get(name)
