"""Score yrd on pages from sites it was never tuned on: the web gold set (tests/gold/web_gold.jsonl).

Each gold page says whether it is an article, its title and publication date, snippets its clean text must and
must not hold, the places it mentions (one entry per unit), and its events, relations, targets and projects with
a hash of the clause that states each (tests/gold/WEB_GUIDELINES.md). Every check is made on what ``yrd extract``
would print for the page. The gold set is split by site into a development part and a test part, fixed before
development; :func:`evaluate_pages` scores one part at a time, and gives the per-page errors of the development
part only when asked (the test part's errors are not for tuning).

Places are scored per document: a unit with a GB/T 2260 code by its code, a zone, region or country by its name.
A unit outside the delta that yrd finds and the gold does not is listed: it is the error users notice most.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import YrdError
from ..model import Document
from .goldhash import normalize, sha1_hex

DELTA = ("31", "32", "33", "34")


@dataclass
class Tally:
    ok: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.ok += bool(ok)
        self.total += 1

    @property
    def share(self) -> float:
        return self.ok / self.total if self.total else 1.0

    def __str__(self) -> str:
        return f"{self.share:.3f} ({self.ok}/{self.total})"


@dataclass
class PRF:
    tp: int = 0
    gold: int = 0
    pred: int = 0
    attrs: dict[str, Tally] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        return self.tp / self.pred if self.pred else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def attr(self, name: str) -> Tally:
        return self.attrs.setdefault(name, Tally())

    def row(self, name: str) -> str:
        extra = "  ".join(f"{k} {v}" for k, v in self.attrs.items())
        return (f"{name:16} {self.gold:5d} {self.pred:5d} {self.tp:5d} {self.precision:9.3f} {self.recall:7.3f} "
                f"{self.f1:6.3f}  {extra}")


@dataclass
class PagesReport:
    split: str
    documents: int = 0
    articles: Tally = field(default_factory=Tally)
    titles: Tally = field(default_factory=Tally)
    dates: Tally = field(default_factory=Tally)
    title_and_date: Tally = field(default_factory=Tally)
    clean: Tally = field(default_factory=Tally)
    places: PRF = field(default_factory=PRF)
    units: PRF = field(default_factory=PRF)
    named: PRF = field(default_factory=PRF)
    events: PRF = field(default_factory=PRF)
    events_dated: Tally = field(default_factory=Tally)  # gold events found with their right date (recall)
    relations: PRF = field(default_factory=PRF)
    targets: PRF = field(default_factory=PRF)
    projects: PRF = field(default_factory=PRF)
    projects_right: Tally = field(default_factory=Tally)  # listed projects with places, investment and stage right
    portfolios: PRF = field(default_factory=PRF)
    people: PRF = field(default_factory=PRF)
    organizations: PRF = field(default_factory=PRF)
    far_away: list[str] = field(default_factory=list)  # units outside the delta found and not in the gold
    errors: list[str] = field(default_factory=list)  # per page (development part only)

    def table(self) -> str:
        out = [f"{self.split}: {self.documents} pages",
               f"  article or not   {self.articles}",
               f"  title right      {self.titles}",
               f"  date right       {self.dates}",
               f"  both right       {self.title_and_date}",
               f"  clean-text checks {self.clean}",
               f"  far-away units found from nothing: {len(self.far_away)}",
               f"  events found with the right date (recall) {self.events_dated}",
               f"  {'kind':16} {'gold':>5} {'pred':>5} {'match':>5} {'precision':>9} {'recall':>7} {'F1':>6}"]
        for name in ("places", "units", "named", "people", "organizations", "events", "relations", "targets",
                     "projects", "portfolios"):
            out.append("  " + getattr(self, name).row(name))
        out.append(f"  listed projects with places, investment and stage all right {self.projects_right}")
        return "\n".join(out)

    def as_dict(self) -> dict:
        def prf(x: PRF) -> dict:
            return {"gold": x.gold, "pred": x.pred, "match": x.tp, "precision": round(x.precision, 4),
                    "recall": round(x.recall, 4), "f1": round(x.f1, 4),
                    **{k: round(v.share, 4) for k, v in x.attrs.items()}}
        return {"split": self.split, "documents": self.documents, "articles": round(self.articles.share, 4),
                "titles": round(self.titles.share, 4), "dates": round(self.dates.share, 4),
                "title_and_date": round(self.title_and_date.share, 4), "clean": round(self.clean.share, 4),
                "far_away": len(self.far_away), "events_dated": round(self.events_dated.share, 4),
                "projects_right": round(self.projects_right.share, 4),
                **{k: prf(getattr(self, k)) for k in ("places", "units", "named", "people", "organizations", "events",
                                                       "relations", "targets", "projects", "portfolios")}}


class Located:
    """A clean text, normalized as the gold's snippets were (whitespace out, NFKC), with the way back to offsets."""

    def __init__(self, text: str):
        chars, origin = [], []
        for i, c in enumerate(text):
            if c.isspace():
                continue
            for n in unicodedata.normalize("NFKC", c):
                chars.append(n)
                origin.append(i)
        self.text, self.norm, self.origin = text, "".join(chars), origin

    def find(self, key: dict | None) -> tuple[int, int] | None:
        """The [start, end) of the text whose normalized form hashes to ``key`` ({sha1, len}), or None."""
        if not key:
            return None
        n, digest = key["len"], key["sha1"]
        for i in range(len(self.norm) - n + 1):
            if sha1_hex(self.norm[i:i + n]) == digest:
                return self.origin[i], self.origin[i + n - 1] + 1
        return None

    def contains(self, key: dict) -> bool:
        return self.find(key) is not None


def _same(value: str | None, key: dict | None) -> bool:
    if not key or not value:
        return False
    n = normalize(value)
    return len(n) == key["len"] and sha1_hex(n) == key["sha1"]


def _bare(name: str) -> str:
    for suffix in ("省", "市", "区", "县"):
        if name.endswith(suffix) and len(name) > 2:
            return name[: -len(suffix)]
    return name


def _place_key(p: dict) -> str:
    return p.get("adcode") or f"{p.get('level')}:{p.get('name')}"


def _overlap(a: tuple[int, int] | None, b: tuple[int, int]) -> bool:
    return a is not None and a[0] < b[1] and b[0] < a[1]


def score_page(doc: Document | None, rec: dict, report: PagesReport, errors: list[str] | None) -> None:
    """Add one page's checks to ``report``; ``errors`` (development part only) gets what went wrong, in words."""
    where = rec["file"]

    def wrong(msg: str) -> None:
        if errors is not None:
            errors.append(f"{where}: {msg}")

    report.documents += 1
    report.articles.add((doc is not None) == rec["article"])
    if (doc is not None) != rec["article"]:
        wrong("an article that yrd skipped" if rec["article"] else "not an article, but yrd made one")
    if doc is None or not rec["article"]:
        return
    title = (doc.title or "").strip()
    title_ok = (not title) if rec["title"] is None else any(_same(title, k) for k in [rec["title"], *rec["title_alt"]])
    report.titles.add(title_ok)
    if not title_ok:
        wrong(f"title {title[:40]!r}" + (" (the page has no headline)" if rec["title"] is None else ""))
    gold_date, got = rec["published"], (doc.published_at or None)
    date_ok = got is None if gold_date is None else bool(got) and got[:len(gold_date)] == gold_date
    report.dates.add(date_ok)
    report.title_and_date.add(title_ok and date_ok)
    if not date_ok:
        wrong(f"date {got!r}, the page says {gold_date!r}")
    located = Located(doc.text)
    for key in rec["must"]:
        found = located.contains(key)
        report.clean.add(found)
        if not found:
            wrong(f"clean text lost a passage of {key['len']} characters")
    for key in rec["must_not"]:
        found = located.contains(key)
        report.clean.add(not found)
        if found:
            wrong(f"clean text kept clutter of {key['len']} characters")
    _places(doc, rec, report, wrong)
    _named(doc.people, rec["people"], report.people, "title", "person", wrong)
    _named(doc.organizations, rec["organizations"], report.organizations, "kind", "organization", wrong)
    _events(doc, rec, located, report, wrong)
    _relations(doc, rec, report, wrong)
    _targets(doc, rec, located, report, wrong)
    _projects(doc, rec, located, report, wrong)


def _same_money(a: dict | None, b: dict | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a.get("unit") == b.get("unit") and abs(float(a["value"]) - float(b["value"])) <= 0.01 * abs(float(b["value"]))


def _projects(doc: Document, rec: dict, located: Located, report: PagesReport, wrong) -> None:
    """Projects by name (the same name, or one holding the other), with their places, investment and stage."""
    s = report.projects
    pred = list(getattr(doc, "projects", []) or [])
    s.gold += len(rec["projects"])
    s.pred += len(pred)
    used: set[int] = set()
    for g in rec["projects"]:
        gname = normalize(g["name"] or "")
        for i, p in enumerate(pred):
            pname = normalize(p["name"])
            if i in used or not (gname == pname or len(gname) >= 4 and len(pname) >= 4 and (gname in pname or pname in gname)):
                continue
            used.add(i)
            s.tp += 1
            # places right: no place that the page does not give it, and one at least where the page gives any (the
            # guidelines' annotators differ on listing a province or region above its units)
            got, want = set(p.get("places") or []), set(g.get("places") or [])
            places_ok = got <= want and bool(got) == bool(want)
            money_ok = _same_money(p.get("investment"), g.get("investment"))
            stage_ok = (p.get("stage") or None) == (g.get("stage") or None)
            s.attr("places").add(places_ok)
            s.attr("investment").add(money_ok)
            s.attr("stage").add(stage_ok)
            report.projects_right.add(places_ok and money_ok and stage_ok)
            if not places_ok:
                wrong(f"project {g['name']}: places {p.get('places')}, the page says {g.get('places')}")
            if not money_ok:
                wrong(f"project {g['name']}: investment {(p.get('investment') or {}).get('value')}, "
                      f"the page says {(g.get('investment') or {}).get('value')}")
            if not stage_ok:
                wrong(f"project {g['name']}: stage {p.get('stage')}, the page says {g.get('stage')}")
            break
        else:
            wrong(f"project {g['name']} missed")
    for i, p in enumerate(pred):
        if i not in used:
            report.projects_right.add(False)  # a listed project that is none: nothing about it is right
            wrong(f"project {p['name']} is not one")
    t = report.portfolios
    got = list(getattr(doc, "portfolios", []) or [])
    t.gold += len(rec["portfolios"])
    t.pred += len(got)
    taken: set[int] = set()
    for g in rec["portfolios"]:
        span = located.find(g.get("evidence"))
        for i, p in enumerate(got):
            if i not in taken and p["count"] == g["count"] and _overlap(span, (p["start"], p["end"])):
                taken.add(i)
                t.tp += 1
                t.attr("investment").add(_same_money(p.get("investment"), g.get("investment")))
                break
        else:
            wrong(f"portfolio of {g['count']} projects missed")


def _places(doc: Document, rec: dict, report: PagesReport, wrong) -> None:
    gold = {_place_key(p): p for p in rec["places"] if p.get("level") != "village"}
    pred = {_place_key(p): p for p in doc.places if p.get("level") != "village"}
    for prf, keep in ((report.places, lambda k, p: True), (report.units, lambda k, p: bool(p.get("adcode"))),
                      (report.named, lambda k, p: not p.get("adcode"))):
        g = {k for k, p in gold.items() if keep(k, p)}
        q = {k for k, p in pred.items() if keep(k, p)}
        prf.gold += len(g)
        prf.pred += len(q)
        prf.tp += len(g & q)
    for k in sorted(set(pred) - set(gold)):
        p = pred[k]
        code = p.get("adcode") or ""
        if code and not code.startswith(DELTA):
            report.far_away.append(f"{rec['file']}: {p['name']} {code}")
        wrong(f"place {p['name']} {code} is not mentioned ({'/'.join(m['text'] for m in p['mentions'][:3])})")
    for k in sorted(set(gold) - set(pred)):
        wrong(f"place {gold[k]['name']} {gold[k].get('adcode') or ''} missed")
    for k in set(gold) & set(pred):
        if "scope" in pred[k]:
            report.places.attr("scope").add(pred[k]["scope"] == gold[k]["scope"])


def _named(pred: list[dict], gold: list[dict], s: PRF, attr: str, what: str, wrong) -> None:
    """People and organisations by their whole name (as the page writes it), with their title or kind."""
    by_name = {normalize(p["name"]): p for p in pred}
    s.gold += len(gold)
    s.pred += len(by_name)
    for g in gold:
        p = by_name.pop(normalize(g["name"]), None)
        if p is None:
            wrong(f"{what} {g['name']} missed")
            continue
        s.tp += 1
        ok = (p.get(attr) or None) == (g.get(attr) or None)
        s.attr(attr).add(ok)
        if not ok:
            wrong(f"{what} {g['name']}: {attr} {p.get(attr)!r}, the page says {g.get(attr)!r}")
    for name in by_name:
        wrong(f"{what} {by_name[name]['name']} is not one")


def _events(doc: Document, rec: dict, located: Located, report: PagesReport, wrong) -> None:
    s = report.events
    s.gold += len(rec["events"])
    s.pred += len(doc.events)
    used: set[int] = set()
    for g in rec["events"]:
        span = located.find(g.get("evidence"))
        for i, e in enumerate(doc.events):
            if i not in used and e["type"] == g["type"] and any(
                    _overlap(span, (m["start"], m["end"])) for m in [e, *e.get("mentions", ())]):
                used.add(i)
                s.tp += 1
                date_ok = (e.get("date") or None) == (g.get("date") or None)
                s.attr("date").add(date_ok)
                report.events_dated.add(date_ok)
                if not date_ok:
                    wrong(f"event {g['type']} dated {e.get('date')} ({e.get('date_from')}), the page says {g.get('date')}")
                if "modality" in e:
                    s.attr("modality").add(e["modality"] == g["modality"])
                    if e["modality"] != g["modality"]:
                        wrong(f"event {g['type']} {e['modality']}, the page says {g['modality']}")
                break
        else:
            report.events_dated.add(False)
            wrong(f"event {g['type']} ({g['modality']}, {g.get('date')}) missed")
    for i, e in enumerate(doc.events):
        if i not in used:
            wrong(f"event {e['type']} ({e.get('modality')}) is no event: {e['text'][:30]!r}")


def _relations(doc: Document, rec: dict, report: PagesReport, wrong) -> None:
    s = report.relations
    s.gold += len(rec["relations"])
    s.pred += len(doc.relations)
    used: set[int] = set()
    for g in rec["relations"]:
        parties = {_bare(x) for x in g["parties"]}
        for i, r in enumerate(doc.relations):
            if i in used or r["type"] != g["type"]:
                continue
            if len(parties & {_bare(x) for x in r["parties"]}) >= min(2, len(parties)):
                used.add(i)
                s.tp += 1
                s.attr("parties").add(parties == {_bare(x) for x in r["parties"]})
                break
        else:
            wrong(f"relation {g['type']} {'、'.join(g['parties'])} missed")
    for i, r in enumerate(doc.relations):
        if i not in used:
            wrong(f"relation {r['type']} {'、'.join(r['parties'])} is not one")


def _targets(doc: Document, rec: dict, located: Located, report: PagesReport, wrong) -> None:
    s = report.targets
    s.gold += len(rec["targets"])
    s.pred += len(doc.targets)
    used: set[int] = set()
    for g in rec["targets"]:
        span = located.find(g.get("evidence"))
        for i, t in enumerate(doc.targets):
            if i not in used and t.get("deadline") == g["deadline"] and _overlap(span, (t["start"], t["end"])):
                used.add(i)
                s.tp += 1
                s.attr("metric").add(bool(g["metric"]) and (g["metric"] in t["metric"] or t["metric"] in g["metric"]))
                break
        else:
            wrong(f"target {g['deadline']} {g['metric']} missed")


def evaluate_pages(records: Iterable[dict], corpus: str | Path, split: str, errors: bool = False) -> PagesReport:
    """Run ``yrd extract`` on every gold page of ``split`` and score it (``errors``: list what went wrong, which
    only the development part may do)."""
    from ..pipeline import run, steps_until

    if errors and split != "dev":
        raise YrdError("the test part's errors are not shown: tune on the development part (--split dev)")
    corpus = Path(corpus)
    if not corpus.is_dir():
        raise YrdError(f"{corpus}: corpus directory not found; pass --corpus DIR")
    report = PagesReport(split)
    for rec in records:
        if rec["split"] != split:
            continue
        docs = [d for d in run([str(corpus / rec["file"])], steps=steps_until("link")) if isinstance(d, Document)]
        score_page(docs[0] if docs else None, rec, report, report.errors if errors else None)
    return report
