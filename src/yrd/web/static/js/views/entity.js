// 地点/机构/项目 pages (#/place/330421, #/entity/e:12): everything known about one entity, each fact with its
// sources (document title, publisher, date, link to the reader at the span). With the server's token each fact
// has a "更正" control (js/edit.js).

import { allPlaces, boundaries, get } from "../api.js";
import { h, clear, day } from "../dom.js";
import { describe } from "../facts.js";
import { t, kindName, levelName, orgKindName, roleName, formatNumber, eventTypeName, formatAmount } from "../i18n.js";
import { correctControl } from "../edit.js";
import { leaflet } from "../lib.js";
import { KIND_COLORS, LEVEL_COLORS, kindBadge, levelBadge, badge, pager, readerHref, sourceLine, empty } from "../widgets.js";

const FACT_ORDER = ["relation", "event", "target", "amount", "place", "organization", "person"];
const SHOW = 25;

export async function render(view, ctx) {
  const ref = ctx.args[0] || "";
  const isPlace = ctx.route === "place";
  const ent = await get(isPlace ? `/api/places/${encodeURIComponent(ref)}` : `/api/entities/${encodeURIComponent(ref)}`);
  if (!ctx.alive()) return;
  const code = ent.kind === "place" ? ent.code : null;
  const sub = ent.kind === "place" ? levelName(ent.subkind) : ent.kind === "organization" ? orgKindName(ent.subkind) : null;

  // header and key figures
  const places = await allPlaces().catch(() => ({ items: [] }));
  const parent = ent.parent ? places.items.find((p) => p.adcode === ent.parent) : null;
  const dl = h("dl", { class: "facts-dl" });
  const row = (label, value) => { if (value) dl.append(h("dt", null, label), h("dd", null, value)); };
  row(t("ent_adcode"), code ? h("code", null, code) : null);
  row(t("ent_parent"), ent.parent ? (parent ? h("a", { href: `#/place/${parent.adcode}` }, parent.name) : ent.parent) : null);
  row(t("ent_coords"), ent.lat != null && ent.lon != null ? `${ent.lat}, ${ent.lon} (WGS-84)` : null);
  row(t("ent_aliases"), ent.aliases && ent.aliases.length ? ent.aliases.join("、") : null);
  if (ent.roles && ent.roles.length) {
    row(t("ent_roles"), h("ul", { class: "doc-list compact" }, ent.roles.map((r) => h("li", null, r.title || "—",
      r.date ? h("span", { class: "meta" }, " ", day(r.date)) : null, " ", h("a", { href: readerHref(r.doc_id) }, "→")))));
  }

  const kpis = h("div", { class: "kpis" },
    h("div", { class: "kpi" }, h("b", null, formatNumber(ent.documents.length)), h("span", null, t("ent_documents"))),
    h("div", { class: "kpi" }, h("b", null, formatNumber(ent.mentions || 0)), h("span", null, t("mentions_label"))),
    h("div", { class: "kpi" }, h("b", null, formatNumber(ent.facts.length)), h("span", null, t("ent_facts"))));

  const quick = code ? h("div", { class: "section-tabs" },
    h("a", { class: "chip", href: `#/timeline?place=${code}` }, t("nav_timeline")),
    h("a", { class: "chip", href: `#/projects?place=${code}` }, t("nav_projects")),
    h("a", { class: "chip", href: `#/targets?place=${code}` }, t("nav_targets")),
    h("a", { class: "chip", href: `#/search?${new URLSearchParams({ q: ent.name, place: code })}` }, t("nav_search"))) : null;

  // for a province or city: the places inside it that the store knows, by activity
  const prefix = code && code.endsWith("0000") ? code.slice(0, 2) : code && code.endsWith("00") ? code.slice(0, 4) : null;
  const within = prefix ? places.items.filter((p) => p.adcode && p.adcode !== code && p.adcode.startsWith(prefix)).slice(0, 40) : [];
  const insideBox = within.length ? h("section", { class: "card" }, h("h2", null, t("ent_inside")),
    h("div", null, within.map((p) => h("a", { class: "chip", href: `#/place/${p.adcode}`, title: levelName(p.level) },
      p.name, h("span", { class: "muted" }, ` ${p.documents}`))))) : null;

  const miniMap = ent.kind === "place" && ent.lat != null ? h("div", { class: "mini-map", id: "mini-map" }) : null;
  const docsBox = h("div", { id: "entity-documents" });
  const factsBox = h("div", { id: "entity-facts" });

  view.append(
    h("div", { class: "entity-head" }, h("h1", { id: "entity-name" }, ent.name), kindBadge(ent.kind),
      sub ? (ent.kind === "place" ? levelBadge(ent.subkind) : badge("kind", sub)) : null),
    kpis,
    h("div", { class: "grid-2" },
      h("div", null,
        h("section", { class: "card" }, h("h2", null, t("ent_documents")), docsBox),
        h("section", { class: "card" }, h("h2", null, t("ent_facts")), factsBox)),
      h("div", null,
        dl.childElementCount || quick ? h("section", { class: "card" }, dl, quick) : null,
        ent.kind === "project" ? projectCard(ent) : null,
        miniMap ? h("section", { class: "card" }, miniMap) : null,
        insideBox)));

  // the documents that mention it (newest first), paged here
  pagedDocs(docsBox, ent.documents, 0);

  // facts, grouped by kind; one fact linked in several roles (a project's event: participant and stage) once
  const merged = new Map();
  for (const f of ent.facts) {
    const key = `${f.kind}|${f.source && f.source.id}|${f.span && f.span.start}|${f.span && f.span.end}|${JSON.stringify(f.fact)}`;
    if (merged.has(key)) merged.get(key).roles.add(f.role);
    else merged.set(key, { ...f, roles: new Set([f.role]) });
  }
  const groups = new Map();
  for (const f of merged.values()) {
    if (!groups.has(f.kind)) groups.set(f.kind, []);
    groups.get(f.kind).push(f);
  }
  if (!ent.facts.length) factsBox.append(empty());
  for (const kind of [...FACT_ORDER, ...groups.keys()].filter((k, i, a) => groups.has(k) && a.indexOf(k) === i)) {
    const list = groups.get(kind);
    const ul = h("div", { class: "fact-group", dataset: { kind } });
    factsBox.append(h("h3", { class: "group-head", style: { color: KIND_COLORS[kind] || "inherit" } }, kindName(kind), " · ", String(list.length)), ul);
    const reload = () => ctx.go(ctx.route, ctx.args, Object.fromEntries(ctx.query));
    const add = (items) => items.forEach((f) => ul.append(factItem(f, reload)));
    add(list.slice(0, SHOW));
    if (list.length > SHOW) {
      const more = h("button", { type: "button", class: "btn", on: { click: () => { add(list.slice(SHOW)); more.remove(); } } },
        t("show_all", { n: list.length }));
      ul.after(more);
    }
  }

  if (miniMap) await drawMiniMap(miniMap, ent, ctx);
}

/** A project's stages (dated) and investment statements, from the facts linked to it. */
function projectCard(ent) {
  const stages = ent.facts.filter((f) => f.role === "stage").map((f) => ({ type: f.fact.type, date: f.fact.date, f }))
    .sort((a, b) => String(a.date).localeCompare(String(b.date)));
  const money = ent.facts.filter((f) => f.role === "investment")
    .sort((a, b) => String(a.source.published_at).localeCompare(String(b.source.published_at)));
  if (!stages.length && !money.length) return null;
  return h("section", { class: "card" }, h("h2", null, t("pj_overview")),
    stages.length ? h("dl", { class: "facts-dl" }, stages.map((s) => [h("dt", null, s.date || "—"),
      h("dd", null, h("a", { href: readerHref(s.f.source.id, s.f.span) }, eventTypeName(s.type)))])) : null,
    money.length ? [h("h3", { class: "group-head" }, t("role_investment")), h("dl", { class: "facts-dl" }, money.map((m) => [
      h("dt", null, day(m.source.published_at) || "—"),
      h("dd", null, h("a", { href: readerHref(m.source.id, m.span) }, formatAmount(m.fact)))]))] : null);
}

function factItem(f, reload) {
  const span = f.span || {};
  const target = { docId: f.source && f.source.id, kind: f.kind, start: span.start, end: span.end, spanText: span.text,
    expected: f.fact && typeof f.fact.text === "string" ? f.fact.text : undefined };
  return h("div", { class: "fact-item" },
    h("div", { class: "fact-summary" }, [...f.roles].filter(Boolean).map((r) => h("span", { class: "chip" }, roleName(r))),
      h("span", { class: "what" }, describe(f.kind, f.fact)),
      Number.isInteger(span.start) ? correctControl(target, reload) : null),
    sourceLine(f.source, f.span, { quote: f.kind !== "place" && f.kind !== "organization" && f.kind !== "person" }));
}

function docList(box, docs) {
  if (!docs.length) { box.append(empty()); return; }
  box.append(h("ul", { class: "doc-list" }, docs.map((d) => h("li", null,
    h("a", { href: readerHref(d.id), class: "doc-link" }, d.title || d.id),
    h("div", { class: "meta" }, d.source || t("unknown_publisher"), " · ", day(d.published_at) || "—",
      d.copies ? ` · ${t("copies", { n: d.copies })}` : "")))));
}

function pagedDocs(box, docs, offset) {
  const limit = 20;
  clear(box);
  docList(box, docs.slice(offset, offset + limit));
  box.append(pager(docs.length, limit, offset, (o) => pagedDocs(box, docs, o)));
}

async function drawMiniMap(el, ent, ctx) {
  const [L, geo] = await Promise.all([leaflet(), boundaries()]);
  if (!ctx.alive()) return;
  const map = L.map(el, { zoomControl: false, attributionControl: false, dragging: true, scrollWheelZoom: false });
  ctx.onCleanup(() => map.remove());
  const code = ent.code || "";
  const mine = (f) => f.properties.adcode === code || (ent.parent && f.properties.adcode === ent.parent && f.properties.level === "city");
  // the view first: vector layers need a map that has one
  const level = ent.subkind === "province" ? "province" : "city";
  const hit = geo.features.find((f) => f.properties.adcode === code && f.properties.level === level) ||
    geo.features.find((f) => f.properties.adcode === ent.parent && f.properties.level === "city");
  if (hit) map.fitBounds(L.geoJSON(hit).getBounds().pad(ent.subkind === "province" ? 0.1 : 0.6));
  else map.setView([ent.lat, ent.lon], 8);
  L.geoJSON(geo, {
    filter: (f) => f.properties.level === "city",
    style: (f) => ({ color: "#ffffff", weight: 1, fillColor: mine(f) ? "#1f70a0" : "#dfe6ec", fillOpacity: mine(f) ? 0.55 : 0.9 }),
    interactive: false,
  }).addTo(map);
  L.geoJSON(geo, { filter: (f) => f.properties.level === "province", style: { color: "#2b3a4a", weight: 1.5, fill: false }, interactive: false }).addTo(map);
  L.circleMarker([ent.lat, ent.lon], { radius: 7, color: "#ffffff", weight: 2, fillColor: LEVEL_COLORS[ent.subkind] || "#e76f51", fillOpacity: 1 })
    .addTo(map);
  requestAnimationFrame(() => { if (ctx.alive()) map.invalidateSize(); });
}
