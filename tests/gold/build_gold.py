"""Turn plain hand annotations (span strings, outside the repo) into the committed gold set (offsets only).

Plain annotations live next to the clean texts in a work directory
(default /tmp/gold_work): ``gNN.txt`` (clean text from ``yrd extract``),
``gNN.meta.json`` (file, index, doc_id, text_sha1) and ``gNN.ann.json``::

  {"places": [{"name": "湖州市", "adcode": "330500", "level": "city", "forms": ["湖州市", "湖州"],
               "exclude": ["湖州日报"]}],
   "people": [{"name": "周建华", "title": "南通市委常委、常务副市长", "forms": ["周建华"]}],
   "organizations": [{"name": "…", "kind": "government", "forms": ["…"]}],
   "amounts": [{"span": "86.37亿元", "nth": 0, "value": 8637000000, "unit": "CNY", "approx": "exact"}],
   "targets": [{"span": "…", "deadline": 2027, "metric": "…", "value": 3e11, "unit": "CNY", "approx": "over", "subject": "…"}],
   "events": [{"span": "…", "type": "signing", "date": "2022-09-18", "participants": ["…"], "place": "…"}],
   "relations": [{"span": "…", "type": "cooperation", "parties": ["…", "…"], "topic": "…"}]}

``forms`` are every surface form of the entity; all their occurrences become
mentions, except occurrences inside an ``exclude`` string. ``span`` is an exact
substring, ``nth`` (default 0) picks its occurrence. The output keeps only
offsets, values and names — never the article text — and a SHA-1 per span so
the evaluator can re-anchor a span if the cleaner later shifts the text.

Run: python tests/gold/build_gold.py [WORK_DIR]  ->  tests/gold/gold.jsonl
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
KINDS = {"places", "people", "organizations", "amounts", "targets", "events", "relations"}
EVENT_TYPES = {"meeting", "signing", "unveiling", "groundbreaking", "completion", "approval", "release", "launch"}
RELATION_TYPES = {"cooperation", "membership", "connects"}
LEVELS = {"province", "city", "district", "county", "town", "village", "zone", "area", "foreign"}


def sha1(s: str) -> str:
    return hashlib.sha1(s.encode("utf-8")).hexdigest()


def _occurrences(text: str, form: str) -> list[int]:
    out, i = [], text.find(form)
    while i >= 0:
        out.append(i)
        i = text.find(form, i + 1)
    return out


def _mentions(text: str, forms: list[str], exclude: list[str], errors: list[str], what: str) -> list[list[int]]:
    blocked = set()
    for ex in exclude:
        for i in _occurrences(text, ex):
            blocked.update(range(i, i + len(ex)))
    taken: set[int] = set()
    spans = []
    for form in sorted(forms, key=len, reverse=True):
        found = _occurrences(text, form)
        if not found:
            errors.append(f"{what}: form {form!r} not in text")
        for i in found:
            rng = set(range(i, i + len(form)))
            if rng & taken or rng <= blocked:
                continue
            taken |= rng
            spans.append([i, i + len(form), sha1(form)])
    return sorted(spans)


def _span(text: str, item: dict, errors: list[str], what: str) -> tuple[int, int] | None:
    s, nth = item.get("span", ""), item.get("nth", 0)
    occ = _occurrences(text, s) if s else []
    if len(occ) <= nth:
        errors.append(f"{what}: span {s[:30]!r} occurrence {nth} not in text")
        return None
    return occ[nth], occ[nth] + len(s)


def convert(text: str, meta: dict, ann: dict) -> tuple[dict, list[str]]:
    errors: list[str] = []
    unknown = set(ann) - KINDS
    if unknown:
        errors.append(f"unknown keys {sorted(unknown)}")
    rec = {k: meta[k] for k in ("key", "file", "index", "doc_id", "text_sha1")}
    rec["places"] = []
    for p in ann.get("places", []):
        if p.get("level") not in LEVELS:
            errors.append(f"place {p.get('name')}: bad level {p.get('level')!r}")
        rec["places"].append({"name": p["name"], "adcode": p.get("adcode"), "level": p.get("level"),
                              "mentions": _mentions(text, p.get("forms") or [p["name"]], p.get("exclude", []),
                                                    errors, f"place {p['name']}")})
    for kind in ("people", "organizations"):
        rec[kind] = []
        for e in ann.get(kind, []):
            item = {"name": e["name"], "mentions": _mentions(text, e.get("forms") or [e["name"]], e.get("exclude", []),
                                                             errors, f"{kind} {e['name']}")}
            item["title" if kind == "people" else "kind"] = e.get("title" if kind == "people" else "kind")
            rec[kind].append(item)
    for kind, fields in (
        ("amounts", ("value", "unit", "approx", "value_max")),
        ("targets", ("deadline", "metric", "value", "unit", "approx", "subject")),
        ("events", ("type", "date", "participants", "place")),
        ("relations", ("type", "parties", "topic")),
    ):
        rec[kind] = []
        for item in ann.get(kind, []):
            pos = _span(text, item, errors, kind)
            if pos is None:
                continue
            if kind == "events" and item.get("type") not in EVENT_TYPES:
                errors.append(f"event type {item.get('type')!r}")
            if kind == "relations" and item.get("type") not in RELATION_TYPES:
                errors.append(f"relation type {item.get('type')!r}")
            out = {f: item.get(f) for f in fields}
            out.update(start=pos[0], end=pos[1], sha1=sha1(text[pos[0]:pos[1]]))
            rec[kind].append(out)
    return rec, errors


def main() -> int:
    work = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/gold_work")
    records, failed = [], 0
    for meta_path in sorted(work.glob("g*.meta.json")):
        key = meta_path.name.split(".")[0]
        ann_path = work / f"{key}.ann.json"
        if not ann_path.exists():
            print(f"{key}: not annotated yet")
            continue
        text = (work / f"{key}.txt").read_text(encoding="utf-8")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        rec, errors = convert(text, meta, json.loads(ann_path.read_text(encoding="utf-8")))
        for e in errors:
            print(f"{key}: {e}")
        failed += bool(errors)
        records.append(rec)
    out = HERE / "gold.jsonl"
    with open(out, "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(f"wrote {len(records)} documents to {out} ({failed} with errors)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
