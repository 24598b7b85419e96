"""What is new, as a digest: the projects, signings and cooperation, targets and reports on targets that the
documents arrived since a time state, grouped by place (province, then city), each with its source.

:func:`gather` reads it (the JSON that ``/api/new`` and ``yrd digest --format json`` give); :func:`render` writes
it as text for a terminal, Markdown or HTML. Markdown and HTML are self-contained, and article text in them stays
text: Markdown escapes every character that could start markup (so no renderer sees a tag), HTML escapes it all
and carries a Content-Security-Policy that lets nothing run.
"""
from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from urllib.parse import quote

from sqlalchemy.engine import Connection

from ..errors import YrdError
from ..store.query import Filters, arrivals
from .times import now

KINDS = ("projects", "signings", "cooperation", "targets", "reports")
FORMATS = ("text", "md", "html", "json")
MUNICIPALITIES = ("110000", "120000", "310000", "500000")  # cities at a province's level: districts come next
DELTA = ("310000", "320000", "330000", "340000")
LABELS = {  # section headings: the dashboard's words, and English
    "projects": ("项目", "Projects"), "signings": ("签约", "Signings"), "cooperation": ("合作", "Cooperation"),
    "targets": ("目标", "Targets"), "reports": ("目标进展", "Reports on targets"),
}
NO_PLACE = "地点未注明"


def gather(conn: Connection, since: datetime, place: str | None = None, detail: bool = True,
           today: date | None = None) -> dict:
    """What arrived since ``since`` (naive UTC), in ``place`` (an adcode; a city includes its counties) if given:
    totals, and places (provinces, each with its cities) holding their items. ``detail=False``: counts only (no
    target statuses, no items)."""
    f = Filters(place=place, since=since).validate()
    found = arrivals(conn, f, today=today, detail=detail)
    counts = {"documents": found["documents"], **{k: len(found[k]) for k in KINDS},
              "new_projects": sum(1 for p in found["projects"] if p["first_seen"])}
    out = {"since": _iso(since), "until": _iso(now()), "place": place, "place_name": _name(place) if place else None,
           "counts": counts, "read": found["read"], "complete": found["read"] == found["documents"],
           "places": _by_place(found, detail)}
    return out


def _iso(dt: datetime) -> str:
    return dt.replace(tzinfo=timezone.utc).isoformat(timespec="seconds")


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Adcode -> name, from the gazetteer (provinces and cities that no article names have none in the store)."""
    from ..extract.gazetteer import load

    return {u.adcode: u.name for u in load().units.values() if u.adcode}


def _name(code: str | None) -> str:
    if not code:
        return NO_PLACE
    return _names().get(code, code)


def _levels(code: str | None) -> tuple[str | None, str | None]:
    """(province, the city an item is listed under): 330421 -> 330000, 330400; a municipality's districts are
    its cities (310114 -> 310000, 310114); a province's own items sit under the province itself."""
    if not code:
        return None, None
    province = code[:2] + "0000"
    if code == province:
        return province, province
    city = code[:4] + "00"
    if province in MUNICIPALITIES or city == code[:2] + "0000" or city not in _names():
        return province, code
    return province, city


def _by_place(found: dict, detail: bool) -> list[dict]:
    """Provinces (the delta's first, then others, then items with no place), each with its cities; every group
    has its new documents (those that mention it or a place inside it) and the number of its items by kind."""
    docs = found["documents_by_place"]
    provinces: dict[str | None, dict] = {}

    def group(code: str | None) -> dict:
        prov, city = _levels(code)
        p = provinces.setdefault(prov, _group(prov, docs, "province") | {"cities": {}})
        return p["cities"].setdefault(city, _group(city, docs, "province" if city == prov else "city"))

    for code in docs:  # every province and city with new documents, whether or not it has items to list
        if code in _names():
            group(code)
    for kind in KINDS:
        for item in found[kind]:
            c = group(item["code"])
            c["counts"][kind] += 1
            provinces[_levels(item["code"])[0]]["counts"][kind] += 1
            if detail:
                c["items"][kind].append(item)
    ordered = sorted(provinces.values(), key=lambda p: (p["code"] is None, p["code"] not in DELTA, p["code"] or ""))
    for p in ordered:
        p["cities"] = sorted(p["cities"].values(), key=lambda c: (c["code"] != p["code"], -sum(c["counts"].values()),
                                                                  -c["documents"], c["code"] or ""))
        del p["items"]  # (a province's own items are in its first "city": the province itself)
        if not detail:
            for c in p["cities"]:
                del c["items"]
    return ordered


def _group(code: str | None, docs: dict, level: str) -> dict:
    return {"code": code, "name": _name(code), "level": level, "documents": docs.get(code, 0) if code else 0,
            "counts": dict.fromkeys(KINDS, 0), "items": {k: [] for k in KINDS}}


# --- rendering ---------------------------------------------------------------------------------------------


def render(digest: dict, fmt: str) -> str:
    if fmt == "json":
        import json

        return json.dumps(digest, ensure_ascii=False, indent=2)
    if fmt not in FORMATS:
        raise YrdError(f"format {fmt!r}: expected one of {', '.join(FORMATS)}")
    return {"text": _Text, "md": _Markdown, "html": _Html}[fmt](digest).build()


BEIJING = timezone(timedelta(hours=8))


def beijing(iso: str | None, with_time: bool = True) -> str:
    """A time in Beijing time with its zone said: ``2026-12-01T02:30:00+00:00`` -> ``2026-12-01 10:30 (UTC+8)``;
    a bare date stays a bare date, a time without a zone is Beijing time (as the readers store an article's)."""
    if not iso:
        return ""
    if len(iso) <= 10:
        return iso
    try:
        t = datetime.fromisoformat(iso)
    except ValueError:
        return iso[:10]
    t = t.replace(tzinfo=BEIJING) if t.tzinfo is None else t.astimezone(BEIJING)
    return t.strftime("%Y-%m-%d %H:%M (UTC+8)") if with_time else t.strftime("%Y-%m-%d")


def summary_line(digest: dict) -> str:
    c = digest["counts"]
    return (f"{c['documents']} 篇新文档 new documents · {c['projects']} 个项目 projects ({c['new_projects']} 首次出现 "
            f"first seen) · {c['signings']} 签约 signings · {c['cooperation']} 合作 cooperation · {c['targets']} 目标 "
            f"targets · {c['reports']} 目标进展 reports")


def _one_line(s: str | None, limit: int = 160) -> str:
    s = " ".join(str(s or "").split())
    return s if len(s) <= limit else s[:limit - 1] + "…"


def _list(names) -> str:
    return "、".join(n for n in names if n)


def describe(kind: str, x: dict) -> tuple[str, list[str]]:
    """An item's headline and its details (plain text: each format escapes them its own way)."""
    if kind == "projects":
        head = x["name"]
        bits = [f"阶段 stage {x['stage']}" + (f" ({x['stage_date']})" if x.get("stage_date") else "")
                if x.get("stage") else "",
                f"投资 investment {x['investment']['text']}" if x.get("investment") else "",
                "首次出现 first seen" if x.get("first_seen") else f"此前已有报道 stated before ({x['statements']} new)"]
        places = _list(p["name"] for p in x.get("places", []))
        if places:
            bits.append(f"地点 places {places}")
        return head, [b for b in bits if b]
    if kind == "signings":
        return f"{x['date'] or '—'} 签约 {_list(x['participants']) or '—'}", \
            [f"地点 place {x['place']}"] if x.get("place") else []
    if kind == "cooperation":
        return f"合作 {_list(x['parties']) or '—'}", [f"领域 topics {', '.join(x['topics'])}"] if x["topics"] else []
    if kind == "targets":
        bits = [f"期限 deadline {x['deadline']}" if x.get("deadline") else "",
                f"主体 subject {x['subject']}" if x.get("subject") else "",
                f"状态 status {x['status']}" if x.get("status") else ""]
        rep = x.get("latest_report")
        if rep:
            bits.append(f"最新进展 latest report {rep['span']['text']} ({beijing(rep.get('published_at'), False)})")
        return x["metric"], [b for b in bits if b]
    if kind == "reports":
        t = x["target"]
        origin = t.get("source") or {}
        return f"{x['metric']}: {x['span']['text']}", [
            f"目标 target {t['span']['text']}" + (f" (期限 deadline {t['deadline']})" if t.get("deadline") else ""),
            f"目标出处 target stated in: {origin.get('title') or origin.get('id') or '—'}"]
    raise ValueError(kind)


class _Writer:
    """Walks a digest (header, places, cities, sections, items) and asks its format for each part."""

    def __init__(self, digest: dict):
        self.d = digest
        self.out: list[str] = []

    def build(self) -> str:
        d = self.d
        where = f" · {d['place_name']} ({d['place']})" if d.get("place") else ""
        self.header(f"新近动态 What is new{where}", f"{beijing(d['since'])} – {beijing(d['until'])}", summary_line(d))
        if not d["complete"]:
            self.note(f"只读取了最新的 {d['read']} 篇文档的事实 (facts of the newest {d['read']} documents only)")
        if not any(p["counts"][k] for p in d["places"] for k in KINDS):
            self.note("没有新的项目、签约、合作或目标 (nothing new to list)")
        for p in d["places"]:
            if not any(p["counts"].values()):
                continue
            self.place(p)
            for c in p["cities"]:
                if not any(c["items"][k] for k in KINDS):
                    continue
                self.city(p, c)
                for kind in KINDS:
                    if c["items"][kind]:
                        self.section(kind)
                        for x in c["items"][kind]:
                            self.item(kind, x)
        self.footer()
        return "\n".join(self.out) + "\n"

    def city_title(self, p: dict, c: dict) -> str:
        if c["code"] is None:
            return NO_PLACE
        name = f"{c['name']}（本级）" if c["code"] == p["code"] else c["name"]
        return f"{name} {c['code']}"

    def footer(self) -> None:
        pass


class _Text(_Writer):
    def header(self, title, period, summary):
        self.out += [title, period, summary]

    def note(self, text):
        self.out.append(f"({text})")

    def place(self, p):
        docs = f" · {p['documents']} 篇文档 documents" if p["documents"] else ""
        self.out += ["", f"== {p['name']}{' ' + p['code'] if p['code'] else ''}{docs} =="]

    def city(self, p, c):
        self.out.append(f"  -- {self.city_title(p, c)} --")

    def section(self, kind):
        self.out.append(f"    {LABELS[kind][0]} {LABELS[kind][1]}")

    def item(self, kind, x):
        head, details = describe(kind, x)
        s = x["source"]
        self.out.append(f"    · {_one_line(head)}" + (f" · {' · '.join(details)}" if details else ""))
        self.out.append(f"        「{_one_line(x['span']['text'], 120)}」")
        where = [_one_line(s.get("title"), 60), s.get("publisher") or "—", beijing(s.get("published_at"), False) or "—",
                 s.get("url"), s["id"]]
        self.out.append("        " + " · ".join(w for w in where if w))


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~&$])")


def md_text(s) -> str:
    """Article text for Markdown: one line, every character that could start markup escaped (``\\<script>``
    renders as the text ``<script>``, never as a tag)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(s or "").split()))


def safe_url(url: str | None) -> str | None:
    """An absolute http(s) URL, with what could end a link or a quoted attribute percent-encoded; else None."""
    if not url or not re.match(r"^https?://[^\s/]", url, re.IGNORECASE):
        return None
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")


class _Markdown(_Writer):
    def header(self, title, period, summary):
        self.out += [f"# {md_text(title)}", "", f"*{md_text(period)}*", "", md_text(summary), ""]

    def note(self, text):
        self.out += [f"> {md_text(text)}", ""]

    def place(self, p):
        docs = f" · {p['documents']} 篇文档" if p["documents"] else ""
        self.out += [f"## {md_text(p['name'])}{' ' + p['code'] if p['code'] else ''}{docs}", ""]

    def city(self, p, c):
        self.out += [f"### {md_text(self.city_title(p, c))}", ""]

    def section(self, kind):
        self.out += [f"#### {LABELS[kind][0]} {LABELS[kind][1]}", ""]

    def item(self, kind, x):
        head, details = describe(kind, x)
        s = x["source"]
        title = md_text(s.get("title") or s["id"])
        url = safe_url(s.get("url"))
        link = f"[{title}](<{url}>)" if url else title
        self.out.append(f"- **{md_text(head)}**" + (f" — {md_text(' · '.join(details))}" if details else "") + "  ")
        self.out.append(f"  「{md_text(_one_line(x['span']['text'], 200))}」  ")
        self.out.append(f"  {link} · {md_text(s.get('publisher') or '—')} · "
                        f"{md_text(beijing(s.get('published_at'), False) or '—')} · 文档 `{s['id']}`")
        self.out.append("")


_CSS = """body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;max-width:60rem;
margin:2rem auto;padding:0 1rem;color:#1d2a33;line-height:1.5}h1{font-size:1.5rem}
h2{border-bottom:2px solid #2a9d8f;padding-bottom:.2rem;margin-top:2rem}h3{color:#264653;margin-bottom:.3rem}
h4{margin:.6rem 0 .2rem;color:#555}ul{padding-left:1.2rem}
li{margin:.4rem 0}.evidence{color:#444;border-left:3px solid #ddd;padding-left:.5rem;margin:.15rem 0}
.source{font-size:.9rem;color:#555}.muted{color:#777}code{font-size:.85rem}"""


def _h(s) -> str:
    return html.escape(str(s if s is not None else ""), quote=True)


# nothing in the file may run or load: no script, no remote resource, no form; its own styles only
HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'"


class _Html(_Writer):
    open = False  # a section's <ul> is open

    def header(self, title, period, summary):
        self.out += ["<!doctype html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
                     f'<meta http-equiv="Content-Security-Policy" content="{HTML_CSP}">',
                     '<meta name="referrer" content="no-referrer">',
                     f"<title>{_h(title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
                     f"<h1>{_h(title)}</h1>", f'<p class="muted">{_h(period)}</p>', f"<p>{_h(summary)}</p>"]

    def note(self, text):
        self.out.append(f'<p class="muted">{_h(text)}</p>')

    def place(self, p):
        self._close()
        docs = f' <span class="muted">· {p["documents"]} 篇文档</span>' if p["documents"] else ""
        self.out.append(f"<h2>{_h(p['name'])}{' ' + _h(p['code']) if p['code'] else ''}{docs}</h2>")

    def city(self, p, c):
        self._close()
        self.out.append(f"<h3>{_h(self.city_title(p, c))}</h3>")

    def section(self, kind):
        self._close()
        self.out += [f"<h4>{_h(LABELS[kind][0])} {_h(LABELS[kind][1])}</h4>", "<ul>"]
        self.open = True

    def item(self, kind, x):
        head, details = describe(kind, x)
        s = x["source"]
        url = safe_url(s.get("url"))
        title = _h(s.get("title") or s["id"])
        link = f'<a href="{_h(url)}" rel="noopener noreferrer">{title}</a>' if url else title
        self.out.append(f"<li><strong>{_h(head)}</strong>" + (f" — {_h(' · '.join(details))}" if details else "")
                        + f'<div class="evidence">「{_h(_one_line(x["span"]["text"], 200))}」</div>'
                        + f'<div class="source">{link} · {_h(s.get("publisher") or "—")} · '
                        f'{_h(beijing(s.get("published_at"), False) or "—")} · 文档 <code>{_h(s["id"])}</code></div>'
                        + "</li>")

    def _close(self):
        if self.open:
            self.out.append("</ul>")
            self.open = False

    def footer(self):
        self._close()
        self.out += ['<p class="muted">yrd digest</p>', "</body>", "</html>"]
