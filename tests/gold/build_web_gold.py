#!/usr/bin/env python3
"""Turn plain web-page annotations (outside the repository) into the committed, hashed web gold set.

    python tests/gold/build_web_gold.py                 # all of /tmp/web_gold_plain -> tests/gold/web_gold.jsonl
    python tests/gold/build_web_gold.py --check 0019_xdkb   # check one annotation, write nothing
    python tests/gold/build_web_gold.py --plain DIR --corpus ../shared/corpus

The plain annotations (`<stem>.json`, see WEB_GUIDELINES.md) quote the page; the committed file keeps
names, values and, for every snippet (title, must, must_not, evidence), the SHA-1 and length of its
normalized form only (`tests/quality/goldhash.py`), so no article text enters the repository.
Every snippet is checked against the raw file first (simplified, converter pinyin removed, markup
stripped); one that is not found is reported and nothing is written.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import html
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE.parent / "quality"))
from goldhash import normalize, snippet_key  # noqa: E402

DEFAULT_PLAIN = Path("/tmp/web_gold_plain")
OUT = HERE / "web_gold.jsonl"
LEVELS = {"province", "city", "district", "county", "town", "village", "zone", "area", "foreign"}
SCOPES = {"delta", "china", "foreign"}
EVENT_TYPES = {"meeting", "signing", "unveiling", "groundbreaking", "completion", "approval", "release", "launch"}
MODALITIES = {"happened", "planned", "quoted"}
RELATION_TYPES = {"cooperation", "membership", "connects"}
TOPICS = {"industry", "science_technology", "transport", "ecology_water", "public_services", "trade_ftz", "finance",
          "culture_tourism", "health", "education", "energy", "agriculture", "governance", "general"}
ORG_KINDS = {"government", "company", "university", "research", "park", "platform", "zone", "project", "other"}
PROJECT_KINDS = {"infrastructure", "industrial", "park", "platform", "centre", "fund", "other"}
STAGES = {"planned", "approval", "signing", "groundbreaking", "construction", "completion", "launch"}
APPROX = {"exact", "over", "under", "about", "order"}
KEYS = {"file", "article", "title", "title_alt", "published", "published_hint", "must", "must_not", "places",
        "place_traps", "people", "organizations", "events", "relations", "targets", "projects", "portfolios", "notes"}
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
PINYIN = re.compile(r"[(（][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ\s]{1,40}[)）]")


def split_of(site: str) -> str:
    """The part a site's documents belong to, fixed before annotation: two sites in five are test."""
    return "test" if int(hashlib.sha1(("yrd-gold-split:" + site).encode()).hexdigest()[:8], 16) % 5 < 2 else "dev"


def find_corpus(arg: str | None) -> Path:
    for c in (arg, REPO.parent / "shared" / "corpus"):
        if c and Path(c).is_dir():
            return Path(c).resolve()
    sys.exit("build_web_gold: no corpus (give --corpus DIR)")


def manifest(corpus: Path) -> dict[str, dict]:
    sites = {}
    for folder in ("web_pages", "laws_md"):
        with open(corpus / folder / "MANIFEST.tsv", encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                site = row.get("site") or row.get("repo") or folder
                sites[f"{folder}/{row['file']}"] = {"site": site, "tag": row["description"].split("]")[0].strip("[")
                                                    if row["description"].startswith("[") else folder}
    return sites


def views(raw: str) -> tuple[str, str]:
    """(reference, loose): the page text simplified with pinyin glosses and markup gone; and every rendering."""
    import opencc

    t2s = opencc.OpenCC("t2s").convert
    stripped = re.sub(r"<[^>]+>", "", re.sub(r"(?s)<!--.*?-->", "", raw)).replace("**", "")
    ref = normalize(html.unescape(PINYIN.sub("", t2s(stripped))))
    loose = "\x00".join(normalize(v) for v in (raw, t2s(raw), stripped, t2s(stripped), html.unescape(t2s(raw))))
    return ref, loose


def _hash(s: str, where: str, text: str, errors: list[str], what: str) -> dict | None:
    if not isinstance(s, str) or not s.strip():
        errors.append(f"{what}: empty snippet")
        return None
    if normalize(s) not in where:
        errors.append(f"{what}: {s[:30]!r} not found in the page")
        return None
    return snippet_key(s)


def convert(ann: dict, raw: str, info: dict, gaz: dict[str, tuple[str, str]]) -> tuple[dict, list[str]]:
    errors: list[str] = []
    ref, loose = views(raw)
    unknown = set(ann) - KEYS
    if unknown:
        errors.append(f"unknown keys {sorted(unknown)}")
    rec = {"file": ann["file"], "file_sha1": hashlib.sha1(raw.encode("utf-8")).hexdigest(), "site": info["site"],
           "tag": info["tag"], "split": split_of(info["site"]), "article": bool(ann.get("article", True))}
    title = ann.get("title")
    rec["title"] = _hash(title, ref, title or "", errors, "title") if title else None
    rec["title_alt"] = [k for k in (_hash(t, ref, t, errors, "title_alt") for t in ann.get("title_alt") or []) if k]
    pub = ann.get("published")
    if pub is not None and not DATE.match(str(pub)):
        errors.append(f"published {pub!r} is not YYYY[-MM[-DD]]")
    rec["published"] = pub
    rec["must"] = [k for k in (_hash(s, ref, s, errors, "must") for s in ann.get("must") or []) if k]
    rec["must_not"] = [k for k in (_hash(s, ref + "\x00" + loose, s, errors, "must_not")
                                   for s in ann.get("must_not") or []) if k]
    if rec["article"] and len(rec["must"]) < 2:
        errors.append("an article needs at least 2 must snippets")
    rec["places"] = []
    for p in ann.get("places") or []:
        name, code = p.get("name"), p.get("adcode")
        if p.get("level") not in LEVELS:
            errors.append(f"place {name}: level {p.get('level')!r}")
        if p.get("scope") not in SCOPES:
            errors.append(f"place {name}: scope {p.get('scope')!r}")
        if code is not None and code not in gaz:
            errors.append(f"place {name}: adcode {code} not in the gazetteer")
        for f in p.get("forms") or []:
            if normalize(f) not in ref:
                errors.append(f"place {name}: form {f!r} not in the page")
        rec["places"].append({"name": name, "adcode": code, "level": p.get("level"), "scope": p.get("scope"),
                              "forms": p.get("forms") or []})
    rec["place_traps"] = [{"form": t["form"], "why": t.get("why")} for t in ann.get("place_traps") or []]
    rec["people"] = [{"name": p["name"], "title": p.get("title")} for p in ann.get("people") or []]
    rec["organizations"] = []
    for o in ann.get("organizations") or []:
        if o.get("kind") not in ORG_KINDS:
            errors.append(f"organization {o.get('name')}: kind {o.get('kind')!r}")
        rec["organizations"].append({"name": o["name"], "kind": o.get("kind")})

    def evidence(item: dict, what: str) -> dict | None:
        return _hash(item.get("evidence"), ref, item.get("evidence"), errors, f"{what} evidence")

    def check_date(v, what):
        if v is not None and not DATE.match(str(v)):
            errors.append(f"{what}: date {v!r}")

    def check_amount(a, what):
        if a is None:
            return None
        if not isinstance(a, dict) or not isinstance(a.get("value"), (int, float)) or a.get("approx") not in APPROX:
            errors.append(f"{what}: investment {a!r}")
            return None
        return {"value": a["value"], "unit": a.get("unit"), "approx": a.get("approx")}

    rec["events"] = []
    for e in ann.get("events") or []:
        if e.get("type") not in EVENT_TYPES:
            errors.append(f"event type {e.get('type')!r}")
        if e.get("modality") not in MODALITIES:
            errors.append(f"event modality {e.get('modality')!r}")
        check_date(e.get("date"), "event")
        rec["events"].append({"type": e.get("type"), "date": e.get("date"), "modality": e.get("modality"),
                              "participants": e.get("participants") or [], "place": e.get("place"),
                              "evidence": evidence(e, "event")})
    rec["relations"] = []
    for r in ann.get("relations") or []:
        if r.get("type") not in RELATION_TYPES:
            errors.append(f"relation type {r.get('type')!r}")
        if r.get("topic") is not None and r.get("topic") not in TOPICS:
            errors.append(f"relation topic {r.get('topic')!r}")
        rec["relations"].append({"type": r.get("type"), "parties": r.get("parties") or [], "topic": r.get("topic"),
                                 "evidence": evidence(r, "relation")})
    rec["targets"] = []
    for t in ann.get("targets") or []:
        if not isinstance(t.get("deadline"), int):
            errors.append(f"target deadline {t.get('deadline')!r}")
        if t.get("approx") is not None and t.get("approx") not in APPROX:
            errors.append(f"target approx {t.get('approx')!r}")
        rec["targets"].append({k: t.get(k) for k in ("deadline", "metric", "value", "unit", "approx", "subject")}
                              | {"evidence": evidence(t, "target")})
    rec["projects"] = []
    for p in ann.get("projects") or []:
        if p.get("kind") not in PROJECT_KINDS:
            errors.append(f"project {p.get('name')}: kind {p.get('kind')!r}")
        if p.get("stage") is not None and p.get("stage") not in STAGES:
            errors.append(f"project {p.get('name')}: stage {p.get('stage')!r}")
        check_date(p.get("stage_date"), f"project {p.get('name')}")
        if not p.get("name") or normalize(p["name"]) not in ref:
            errors.append(f"project name {p.get('name')!r} not in the page")
        rec["projects"].append({"name": p.get("name"), "kind": p.get("kind"), "places": p.get("places") or [],
                                "investment": check_amount(p.get("investment"), f"project {p.get('name')}"),
                                "stage": p.get("stage"), "stage_date": p.get("stage_date"),
                                "evidence": evidence(p, "project")})
    rec["portfolios"] = []
    for p in ann.get("portfolios") or []:
        if p.get("stage") is not None and p.get("stage") not in STAGES:
            errors.append(f"portfolio stage {p.get('stage')!r}")
        rec["portfolios"].append({"count": p.get("count"), "investment": check_amount(p.get("investment"), "portfolio"),
                                  "place": p.get("place"), "stage": p.get("stage"),
                                  "evidence": evidence(p, "portfolio")})
    return rec, errors


def gazetteer() -> dict[str, tuple[str, str]]:
    out = {}
    with open(REPO / "src" / "yrd" / "resources" / "gazetteer.tsv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            out[row["adcode"]] = (row["name"], row["level"])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plain", type=Path, default=DEFAULT_PLAIN)
    ap.add_argument("--corpus")
    ap.add_argument("--check", nargs="*", metavar="STEM", help="check these annotations only; write nothing")
    args = ap.parse_args(argv)
    if REPO in args.plain.resolve().parents:
        sys.exit("build_web_gold: plain annotations quote the corpus and must stay outside the repository")
    corpus, gaz = find_corpus(args.corpus), gazetteer()
    infos = manifest(corpus)
    paths = sorted(args.plain.glob("*.json"))
    if args.check:
        paths = [args.plain / f"{s.removesuffix('.json')}.json" for s in args.check]
    records, failed = [], 0
    for path in paths:
        try:
            ann = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            print(f"{path.name}: {exc}")
            failed += 1
            continue
        info = infos.get(ann.get("file", ""))
        if info is None:
            print(f"{path.name}: file {ann.get('file')!r} is not in a MANIFEST")
            failed += 1
            continue
        raw = (corpus / ann["file"]).read_bytes().decode("utf-8", errors="replace")
        rec, errors = convert(ann, raw, info, gaz)
        for e in errors:
            print(f"{path.name}: {e}")
        failed += bool(errors)
        records.append(rec)
    if args.check is not None:
        print(f"checked {len(paths)} annotation(s): {failed} with errors")
        return 1 if failed else 0
    if failed:
        print(f"{failed} annotation(s) with errors: nothing written")
        return 1
    records.sort(key=lambda r: r["file"])
    with open(OUT, "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(f"wrote {len(records)} documents to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
