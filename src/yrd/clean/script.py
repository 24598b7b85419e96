"""Script handling: detect traditional script, strip converter pinyin, convert to simplified.

Conversion is done with OpenCC (phrase-aware). It is kept one-to-one in
characters, so the text before conversion (``original_text``) and after it
share every offset: a span found in the simplified text cites the same
characters of the original.
"""
from __future__ import annotations

import re
from functools import lru_cache

import opencc

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_SYLLABLE = (
    r"(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?"
    r"(?:i?ang|iong|ong|eng|ing|uang|uan|ian|iao|uai|uen|ai|ei|ao|ou|an|en|in|un|ia|ie|iu|ua|uo|ue|ui|er|a|o|e|i|u|v|n|ng|m)"
)
_TONE_LETTERS = {ch: base for base, group in (
    ("a", "āáǎà"), ("e", "ēéěè"), ("i", "īíǐì"), ("o", "ōóǒò"), ("u", "ūúǔù"), ("v", "ǖǘǚǜü"), ("n", "ńňǹ"), ("m", "ḿ"),
) for ch in group}
_PINYIN_PAREN = re.compile(r"(?<=[\u3400-\u9fff\uf900-\ufaff])[(（]([a-z" + _TONED + r"]{1,7})[)）]")
_SYLLABLE_RE = re.compile(_SYLLABLE + r"[1-5]?")


def _is_pinyin(word: str) -> bool:
    if not any(ch in _TONE_LETTERS for ch in word):
        return False  # only toned syllables: "(ok)" or "(a)" are not converter artifacts
    plain = "".join(_TONE_LETTERS.get(ch, ch) for ch in word)
    return _SYLLABLE_RE.fullmatch(plain) is not None


def strip_pinyin(text: str) -> str:
    """Remove ``(jìn)``-style pinyin a converter appended after characters; keep real parentheses."""
    if "(" not in text and "（" not in text:
        return text
    return _PINYIN_PAREN.sub(lambda m: "" if _is_pinyin(m.group(1)) else m.group(0), text)


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _traditional() -> re.Pattern:
    """One character class of every Han character t2s changes on its own (4,000-odd), read from OpenCC's
    dictionaries once (and kept in the cache directory): counting them is a regex scan, where converting the text
    was a phrase-by-phrase lookup (30x slower; the same verdict on every document of the corpus)."""
    from ..resources import cached

    return re.compile("[" + cached("traditional", (), _traditional_chars, code=(__file__, opencc.__file__)) + "]")


def _traditional_chars() -> str:
    chars = [chr(c) for lo, hi in ((0x3400, 0xA000), (0xF900, 0xFB00)) for c in range(lo, hi)]
    converted = _t2s().convert("\n".join(chars)).split("\n")
    return "".join(c for c, s in zip(chars, converted) if s != c)


_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def detect_script(text: str) -> str:
    """``zh-Hant`` when a noticeable share of the Han characters are ones t2s changes, else ``zh-Hans``."""
    sample = text[:20000]
    changed = len(_traditional().findall(sample))
    if changed < 3:
        return "zh-Hans"
    han = sum(map(len, _HAN_RUN.findall(sample)))
    return "zh-Hant" if changed / han > 0.04 else "zh-Hans"


def to_simplified(text: str) -> str:
    """Convert to simplified script, keeping the character count (and so every offset) unchanged."""
    converter = _t2s()
    out = converter.convert(text)
    if len(out) == len(text):
        return out
    # A phrase rule changed the length: fall back to line-by-line, then character-by-character.
    lines = []
    for line in text.split("\n"):
        conv = converter.convert(line)
        if len(conv) != len(line):
            conv = "".join(c if len(c) == 1 else ch for ch, c in ((ch, converter.convert(ch)) for ch in line))
        lines.append(conv)
    return "\n".join(lines)


def simplify_strays(text: str) -> str:
    """A simplified text with the few traditional characters a repost left in it (國家) made simplified, each on
    its own (one character for one, so offsets stay): no phrase of simplified text is touched."""
    pattern = _traditional()
    if not pattern.search(text):
        return text
    convert = _t2s().convert
    return pattern.sub(lambda m: convert(m.group()), text)
