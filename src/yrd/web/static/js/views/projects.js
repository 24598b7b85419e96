// 项目库 Projects: a sortable, filterable table (name, places, stage, stage date, latest investment in 亿元,
// sources) with a client-side CSV export (UTF-8 with BOM, so Excel reads the Chinese correctly).

import { getAll, url, vocabulary } from "../api.js";
import { h, clear, csvField, download, day } from "../dom.js";
import { t, eventTypeName, formatNumber, approxName } from "../i18n.js";
import { busy, field, pageHeader, placeInput, readerHref, resolvePlace, select, empty, badge, scopeSelect } from "../widgets.js";

let STAGES = [];  // a project's stages in order, from /api/vocabulary (yrd.model.STAGES)

/** 亿元 (100 million CNY), the unit planners quote project budgets in; null when not CNY. */
function yi(inv) {
  return inv && inv.unit === "CNY" && typeof inv.value === "number" ? inv.value / 1e8 : null;
}

function sourcesOf(p) {
  const seen = new Map();
  for (const x of [...(p.stages || []), ...(p.investments || [])]) {
    if (x.source && !seen.has(x.source.id)) seen.set(x.source.id, { source: x.source, span: x.span });
  }
  return [...seen.values()];
}

const COLUMNS = [
  { key: "name", label: "pj_name", value: (p) => p.name },
  { key: "places", label: "pj_places", value: (p) => (p.places || []).map((x) => x.name).join("、") },
  { key: "stage", label: "pj_stage", value: (p) => (p.stage ? STAGES.indexOf(p.stage) : -1) },
  { key: "stage_date", label: "pj_stage_date", value: (p) => p.stage_date || "" },
  { key: "stages", label: "pj_stages", value: (p) => (p.stages || []).length },
  { key: "investment", label: "pj_investment", value: (p) => yi(p.investment) ?? -1, num: true },
  { key: "sources", label: "pj_sources", value: (p) => sourcesOf(p).length },
];

export async function render(view, ctx) {
  STAGES = (await vocabulary()).stages;
  const q = ctx.query;
  const state = { place: q.get("place") || "", from: q.get("from") || "", to: q.get("to") || "", scope: q.get("scope") || "delta" };
  const local = { text: q.get("q") || "", stage: q.get("stage") || "", sort: q.get("sort") || "stage_date", dir: q.get("dir") || "desc" };

  const textIn = h("input", { id: "pj-filter", type: "search", class: "input", placeholder: t("pj_filter"), value: local.text });
  const stageSel = select("pj-stage", STAGES.map((s) => [s, eventTypeName(s)]), local.stage);
  const place = placeInput("pj-place", state.place);
  const note = h("span", { class: "muted small", role: "status" });
  const exportBtn = h("button", { type: "button", class: "btn", id: "pj-export", title: t("pj_export_title") }, "⬇ ", t("pj_export"));
  // the whole library as an Excel workbook, built by the server (same filters as this view)
  const xlsxLink = h("a", { class: "btn primary", id: "pj-export-xlsx", href: url("/api/export", { format: "xlsx", place: state.place }), download: "",
    title: t("pj_export_xlsx_title") }, "⬇ ", t("pj_export_xlsx"));
  const applyServer = async () => {
    const code = await resolvePlace(place.querySelector("input").value);
    if (code === null) { note.textContent = t("place_unknown"); return; }
    ctx.go("projects", [], { place: code, q: local.text, stage: local.stage, scope: scopeSel.value });
  };
  const scopeSel = scopeSelect("pj-scope", state.scope);
  scopeSel.addEventListener("change", applyServer);
  place.querySelector("input").addEventListener("change", applyServer);
  const countEl = h("span", { class: "muted", id: "pj-count" });
  const table = h("table", { class: "data", id: "projects-table" });
  view.append(pageHeader(t("pj_title"), t("pj_hint"), h("div", { class: "toolbar" }, xlsxLink, exportBtn)),
    h("section", { class: "card" },
      h("div", { class: "filters" }, field(t("pj_name"), textIn, "pj-filter"), field(t("pj_stage"), stageSel, "pj-stage"),
        field(t("place"), place, "pj-place"), field(t("scope"), scopeSel, "pj-scope"), countEl, note),
      h("div", { class: "table-wrap" }, table)));

  const portfolioTable = h("table", { class: "data", id: "portfolios-table" });
  view.append(h("section", { class: "card" }, h("h2", null, t("pf_title")), h("p", { class: "muted small" }, t("pf_hint")),
    h("div", { class: "table-wrap" }, portfolioTable)));
  const [data, groups] = await busy(table.parentElement, Promise.all([getAll("/api/projects", state),
    getAll("/api/portfolios", state)]));
  if (!ctx.alive()) return;
  const all = data.items;
  portfolioTable.append(h("thead", null, h("tr", null, [t("pf_date"), t("pf_count"), t("place"), t("pj_stage"), t("pf_total"), t("pj_sources")]
    .map((x) => h("th", { scope: "col" }, x)))), h("tbody", null, groups.items.length ? groups.items.map((g) => h("tr", null,
    h("td", { class: "date" }, day(g.source.published_at)), h("td", { class: "num" }, formatNumber(g.count)),
    h("td", null, g.place || "—"), h("td", null, g.stage ? eventTypeName(g.stage) : "—"),
    h("td", { class: "num" }, yi(g.investment) !== null ? yi(g.investment).toFixed(2) : "—"),
    h("td", null, h("a", { href: readerHref(g.source.id, g.span) }, g.source.title || g.source.id)))) :
    h("tr", null, h("td", { colspan: "6" }, empty()))));

  const visible = () => {
    const needle = local.text.trim().toLowerCase();
    let rows = all.filter((p) => (!local.stage || p.stage === local.stage) && (!needle ||
      [p.name, ...(p.aliases || []), ...(p.places || []).map((x) => x.name)].some((s) => (s || "").toLowerCase().includes(needle))));
    const col = COLUMNS.find((c) => c.key === local.sort) || COLUMNS[0];
    const sign = local.dir === "asc" ? 1 : -1;
    rows = [...rows].sort((a, b) => {
      const va = col.value(a), vb = col.value(b);
      const c = typeof va === "number" && typeof vb === "number" ? va - vb : String(va).localeCompare(String(vb), "zh-CN");
      return sign * c || a.name.localeCompare(b.name, "zh-CN");
    });
    return rows;
  };

  const draw = () => {
    const rows = visible();
    countEl.textContent = t("pj_count", { n: formatNumber(rows.length) });
    clear(table);
    const headRow = h("tr", null, COLUMNS.map((c) => h("th", {
      scope: "col", class: `sortable${c.num ? " num" : ""}`, tabindex: "0", dataset: { col: c.key },
      "aria-sort": local.sort === c.key ? (local.dir === "asc" ? "ascending" : "descending") : "none",
      on: {
        click: () => sortBy(c.key),
        keydown: (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(c.key); } },
      },
    }, t(c.label))));
    const body = h("tbody", null, rows.map(projectRow));
    table.append(h("thead", null, headRow), body);
    if (!rows.length) body.append(h("tr", null, h("td", { colspan: String(COLUMNS.length) }, empty())));
  };
  const sortBy = (key) => {
    if (local.sort === key) local.dir = local.dir === "asc" ? "desc" : "asc";
    else { local.sort = key; local.dir = key === "name" || key === "places" ? "asc" : "desc"; }
    draw();
  };
  textIn.addEventListener("input", () => { local.text = textIn.value; draw(); });
  stageSel.addEventListener("change", () => { local.stage = stageSel.value; draw(); });
  exportBtn.addEventListener("click", () => exportCsv(visible()));
  draw();
}

function projectRow(p) {
  const inv = p.investment;
  const v = yi(inv);
  const srcs = sourcesOf(p);
  return h("tr", { dataset: { project: p.name } },
    h("td", { class: "name" }, h("a", { href: `#/entity/e:${p.id}` }, p.name),
      p.aliases && p.aliases.length ? h("div", { class: "muted small" }, p.aliases.join("、")) : null),
    h("td", null, (p.places || []).map((x) => (x.adcode ? h("a", { class: "chip", href: `#/place/${x.adcode}` }, x.name) : h("span", { class: "chip" }, x.name)))),
    h("td", null, p.stage ? badge("stage", eventTypeName(p.stage)) : h("span", { class: "muted" }, "—")),
    h("td", { class: "date" }, p.stage_date || "—"),
    // every stage stated, in date order, each linked to its sentence; planned ones apart and marked so
    h("td", null, h("div", { class: "stage-list" },
      (p.stages || []).map((s) => h("a", { class: "chip", href: readerHref(s.source.id, s.span), title: s.span ? s.span.text : null },
        eventTypeName(s.stage), " ", s.date || day(s.source.published_at))),
      (p.planned || []).map((s) => h("a", { class: "chip planned", href: readerHref(s.source.id, s.span), title: s.span ? s.span.text : null },
        t("pj_planned"), ": ", eventTypeName(s.stage), s.date ? ` ${s.date}` : "")))),
    h("td", { class: "num", dataset: { col: "investment" } },
      v !== null ? h("a", { href: readerHref(inv.source.id, inv.span), title: inv.span ? inv.span.text : null },
        inv.approx && inv.approx !== "exact" ? h("span", { class: "muted small" }, approxName(inv.approx), " ") : null,
        v.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })) : h("span", { class: "muted" }, "—"),
      p.investments && p.investments.length > 1 ? h("div", { class: "muted small" }, t("pj_revisions", { n: p.investments.length })) : null),
    h("td", null, srcs.slice(0, 3).map((s) => h("div", { class: "small" },
      h("a", { href: readerHref(s.source.id, s.span) }, s.source.title || s.source.id),
      h("span", { class: "meta" }, " ", s.source.publisher || "", " ", day(s.source.published_at)))),
    srcs.length > 3 ? h("div", { class: "muted small" }, `+${srcs.length - 3}`) : null));
}

function exportCsv(rows) {
  const header = ["name", "aliases", "places", "adcodes", "stage", "stage_date", "investment_yi_cny", "investment_approx",
    "investment_source", "sources"];
  const lines = [header.join(",")];
  for (const p of rows) {
    const inv = p.investment;
    const v = yi(inv);
    lines.push([
      p.name, (p.aliases || []).join("; "), (p.places || []).map((x) => x.name).join("; "),
      (p.places || []).map((x) => x.adcode || "").join("; "), p.stage ? eventTypeName(p.stage) : "", p.stage_date || "",
      v !== null ? v.toFixed(2) : "", inv ? inv.approx || "" : "",
      inv && inv.source ? `${inv.source.title || ""} (${inv.source.publisher || ""} ${day(inv.source.published_at)})` : "",
      sourcesOf(p).map((s) => `${s.source.title || s.source.id} ${day(s.source.published_at)}`).join(" | "),
    ].map(csvField).join(","));
  }
  const stamp = new Date().toISOString().slice(0, 10);
  download(`yrd-projects-${stamp}.csv`, lines.join("\r\n") + "\r\n");
}
