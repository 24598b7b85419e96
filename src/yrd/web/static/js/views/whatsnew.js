// 新近 What's new: what arrived in the last 24 hours, 7 days or since the last visit (kept in localStorage):
// the counts of /api/new in all and by province and city, and the new documents (/api/documents?since=).
// The period is in the URL (#/new?period=24h|7d|visit); the server's own "since" is used for both requests.

import { get } from "../api.js";
import { h, clear, beijingTime, day } from "../dom.js";
import { t, formatNumber } from "../i18n.js";
import { empty, errorBox, pageHeader, pager, readerHref } from "../widgets.js";

const VISIT_KEY = "yrd.lastVisit";  // localStorage: when this browser last opened the dashboard
const PREVIOUS_KEY = "yrd.previousVisit";  // sessionStorage: the visit before this session's, fixed for the session
const PERIODS = [["24h", "nw_24h"], ["7d", "nw_7d"], ["visit", "nw_visit"]];
const KINDS = ["documents", "projects", "signings", "cooperation", "targets", "reports"];
const LIMIT = 20;

/** The time of the previous visit (ISO) or null, and this visit remembered for the next one. */
export function previousVisit() {
  try {
    let previous = sessionStorage.getItem(PREVIOUS_KEY);
    if (previous === null) {
      previous = localStorage.getItem(VISIT_KEY) || "";
      sessionStorage.setItem(PREVIOUS_KEY, previous);
      localStorage.setItem(VISIT_KEY, new Date().toISOString());
    }
    return previous && !Number.isNaN(Date.parse(previous)) ? previous : null;
  } catch {
    return null;  // storage unavailable: no last visit
  }
}

export async function render(view, ctx) {
  const previous = previousVisit();
  let period = ctx.query.get("period") || "24h";
  if (!PERIODS.some(([p]) => p === period)) period = "24h";
  const offset = Number(ctx.query.get("offset") || 0) || 0;
  const since = period === "visit" ? (previous || null) : period;

  const chips = h("div", { class: "period-switch", role: "group", "aria-label": t("nw_period") },
    PERIODS.map(([p, key]) => h("a", { class: `chip${p === period ? " active" : ""}`, href: `#/new?period=${p}`,
      "aria-current": p === period ? "true" : null, dataset: { period: p } }, t(key))));
  const sinceNote = h("p", { class: "muted small", id: "nw-since" });
  const counts = h("div", { class: "count-grid", id: "nw-counts" });
  const places = h("div", { class: "table-wrap", id: "nw-places" });
  const docs = h("div", { id: "nw-documents" });
  view.append(pageHeader(t("nw_title"), t("nw_hint"), chips),
    h("section", { class: "card" }, sinceNote, counts),
    h("div", { class: "new-layout" },
      h("section", { class: "card" }, h("h2", null, t("nw_documents")), docs),
      h("section", { class: "card" }, h("h2", null, t("nw_by_place")), places)));

  if (period === "visit" && !previous) {
    sinceNote.textContent = t("nw_first_visit");
    counts.append(empty(t("nw_first_visit_hint")));
    return;
  }
  let summary;
  try {
    summary = await get("/api/new", { since });
  } catch (err) {
    counts.append(errorBox(err));
    return;
  }
  if (!ctx.alive()) return;
  sinceNote.textContent = t("nw_since", { since: beijingTime(summary.since), until: beijingTime(summary.until) });
  sinceNote.dataset.since = summary.since;
  for (const k of KINDS) {
    const n = summary.counts[k] ?? 0;
    counts.append(h("div", { class: "count", dataset: { kind: k, count: n } },
      h("span", { class: "count-n" }, formatNumber(n)), h("span", { class: "count-l" }, t(`nw_${k}`)),
      k === "projects" && summary.counts.new_projects ? h("span", { class: "muted small" },
        t("nw_first_seen", { n: formatNumber(summary.counts.new_projects) })) : null));
  }
  if (!summary.complete) counts.append(h("p", { class: "muted small" }, t("nw_partial", { n: formatNumber(summary.read) })));
  places.append(placeTable(summary.places));

  let page;
  try {
    page = await get("/api/documents", { since: summary.since, limit: LIMIT, offset });
  } catch (err) {
    docs.append(errorBox(err));
    return;
  }
  if (!ctx.alive()) return;
  clear(docs);
  if (!page.items.length) {
    docs.append(empty(t("nw_no_documents")));
    return;
  }
  docs.append(h("ul", { class: "doc-list", id: "nw-doc-list" }, page.items.map((d) => h("li", { dataset: { doc: d.id } },
    h("a", { href: readerHref(d.id), class: "doc-link" }, d.title || d.id),
    h("div", { class: "meta" }, d.source || t("unknown_publisher"), " · ", day(d.published_at) || "—",
      d.copies ? [" · ", t("copies", { n: d.copies })] : null)))),
  pager(page.total, LIMIT, offset, (o) => ctx.go("new", [], { period, offset: o })));
}

function placeTable(provinces) {
  const rows = [];
  for (const p of provinces) {
    if (!p.documents && !Object.values(p.counts).some(Boolean)) continue;
    rows.push(placeRow(p, "province"));
    for (const c of p.cities) {
      if (c.code === p.code || (!c.documents && !Object.values(c.counts).some(Boolean))) continue;
      rows.push(placeRow(c, "city"));
    }
  }
  if (!rows.length) return empty(t("nw_nothing"));
  return h("table", { class: "data compact", id: "nw-place-table" },
    h("thead", null, h("tr", null, h("th", { scope: "col" }, t("place")),
      KINDS.map((k) => h("th", { scope: "col", class: "num" }, t(`nw_${k}_short`))))),
    h("tbody", null, rows));
}

function placeRow(g, level) {
  const name = g.code ? h("a", { href: `#/place/${g.code}` }, g.name) : h("span", { class: "muted" }, t("nw_no_place"));
  return h("tr", { class: `place-${level}`, dataset: { code: g.code || "", level } },
    h("td", { class: level === "city" ? "indent" : null }, name),
    KINDS.map((k) => {
      const n = k === "documents" ? g.documents : g.counts[k];
      return h("td", { class: "num", dataset: { kind: k } }, n ? formatNumber(n) : "·");
    }));
}
