"""Script handling: detect traditional script, strip converter pinyin, convert to simplified.

Conversion is done with OpenCC (phrase-aware). It is kept one-to-one in
characters, so the text before conversion (``original_text``) and after it
share every offset: a span found in the simplified text cites the same
characters of the original.
"""
from __future__ import annotations

import operator
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
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


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


def detect_script(text: str) -> str:
    """``zh-Hant`` when a noticeable share of the Han characters change under t2s, else ``zh-Hans``."""
    han = _CJK.findall(text[:20000])
    if not han:
        return "zh-Hans"
    sample = "".join(han)
    converted = _t2s().convert(sample)
    changed = sum(map(operator.ne, sample, converted))  # characters t2s changes
    return "zh-Hant" if changed >= 3 and changed / len(han) > 0.04 else "zh-Hans"


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
