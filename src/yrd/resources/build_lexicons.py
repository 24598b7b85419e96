#!/usr/bin/env python3
"""Build ``countries.tsv`` (maintainer tool, not used at run time).

ISO 3166 code and Chinese name of every country and territory, from Babel's
CLDR data (``zh`` locale), for places of ``level: foreign``.
(``place_common_words.txt`` — short place names that are also ordinary words —
is curated by hand: jieba's part-of-speech tags, tried first, mark 南通, 合肥 and
嘉兴 as non-place words, so they cannot decide it.)

Rebuild:  pip install babel==2.18.0 && python src/yrd/resources/build_lexicons.py
"""
from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent
SKIP = {"CN", "ZZ", "EU", "EZ", "UN", "QO", "XA", "XB", "HK", "MO", "TW"}


def main() -> None:
    from babel import Locale

    zh = Locale("zh")
    rows = sorted((code, name) for code, name in zh.territories.items()
                  if code.isalpha() and len(code) == 2 and code not in SKIP)
    with open(HERE / "countries.tsv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(["iso", "name"])
        w.writerows(rows)
    print(f"{len(rows)} countries and territories")


if __name__ == "__main__":
    main()
