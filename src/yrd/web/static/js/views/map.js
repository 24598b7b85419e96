// 地图 Map (home): the delta's boundaries without tiles, cities coloured by activity, districts/counties/zones as
// circle markers sized by documents, cooperation lines between places with coordinates.

import { boundaries, get } from "../api.js";
import { h, clear, day } from "../dom.js";
import { t, levelName, relationTypeName, formatNumber } from "../i18n.js";
import { leaflet } from "../lib.js";
import { LEVEL_COLORS, RELATION_COLORS, busy, entityHref, field, pageHeader, empty, readerHref, scopeSelect } from "../widgets.js";
import { stats } from "../api.js";

const PALETTE = ["#d4ecf2", "#a5d5e3", "#70b8d0", "#3f97bd", "#1f70a0", "#0b4a78"];
const ZERO = "#eef1f4";
const MARKER_LEVELS = new Set(["district", "county", "zone", "town"]);

/** Class lower bounds for a legend: every integer for small maxima, else 1-2-5 steps. */
function breaks(max) {
  if (max <= PALETTE.length) return Array.from({ length: Math.max(max, 1) }, (_, i) => i + 1);
  const nice = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];
  let b = nice.filter((x) => x <= max);
  while (b.length > PALETTE.length) b = b.filter((_, i) => i % 2 === 0 || i === b.length - 1).slice(0, PALETTE.length);
  return b;
}

function colorFor(n, bounds) {
  if (!n) return ZERO;
  let idx = 0;
  bounds.forEach((b, i) => { if (n >= b) idx = i; });
  const offset = PALETTE.length - bounds.length; // few classes: use the darker end of the palette
  return PALETTE[Math.min(PALETTE.length - 1, idx + Math.max(0, Math.floor(offset / 2)))];
}

/** Area centroid of the largest outer ring (label position; robust for multipolygons with islands). */
function labelPoint(geometry) {
  const polys = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  let best = null;
  let bestArea = -1;
  for (const poly of polys) {
    const ring = poly[0];
    let a = 0, cx = 0, cy = 0;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const f = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
      a += f;
      cx += (ring[j][0] + ring[i][0]) * f;
      cy += (ring[j][1] + ring[i][1]) * f;
    }
    if (Math.abs(a) > bestArea) {
      bestArea = Math.abs(a);
      best = [cy / (3 * a), cx / (3 * a)];
    }
  }
  return best;
}

function yearRange(year) {
  return year ? { from: `${year}-01-01`, to: `${year}-12-31` } : {};
}

export async function render(view, ctx) {
  const year = ctx.query.get("year") || "";
  const range = yearRange(year);
  const s = await stats().catch(() => null);
  const years = [];
  if (s && s.date_range && s.date_range[0] && s.date_range[1]) {
    for (let y = Number(s.date_range[1].slice(0, 4)); y >= Number(s.date_range[0].slice(0, 4)); y--) years.push(y);
  }
  const yearSel = h("select", { id: "map-year", class: "input", "aria-label": t("year"),
    on: { change: (e) => ctx.go("map", [], { year: e.target.value, scope: ctx.query.get("scope") || "" }) } },
  h("option", { value: "" }, t("all_years")), years.map((y) => h("option", { value: y, selected: String(y) === year }, String(y))));

  const scope = ctx.query.get("scope") || "delta";
  const scopeSel = scopeSelect("map-scope", scope);
  scopeSel.addEventListener("change", () => ctx.go("map", [], { year, scope: scopeSel.value }));
  const mapEl = h("div", { id: "map", class: "map", role: "region", "aria-label": t("map_title") });
  const panel = h("aside", { class: "map-panel" });
  view.append(pageHeader(t("map_title"), t("map_hint"), h("div", { class: "toolbar" }, yearSel, field(t("scope"), scopeSel, "map-scope"))),
    h("div", { class: "map-layout" }, mapEl, panel));

  const [L, geo, places, coop, latest] = await busy(mapEl, Promise.all([
    leaflet(), boundaries(), get("/api/places", { limit: 5000, scope, ...range }),
    get("/api/relations", { type: "cooperation", limit: 5000, scope, ...range }), get("/api/documents", { limit: 8, ...range }),
  ]));
  if (!ctx.alive()) return;
  const cities = geo.features.filter((f) => f.properties.level === "city");
  const provinces = geo.features.filter((f) => f.properties.level === "province");
  // documents that mention each city by name (上海 is one unit under 310000); places inside a city are its dots
  const counts = new Map();
  const inside = new Map();
  for (const p of places.items) {
    if (!p.adcode) continue;
    if (p.level === "city" || (p.level === "province" && p.adcode === "310000")) counts.set(p.adcode, p.documents);
    else if (MARKER_LEVELS.has(p.level)) {
      const city = p.adcode.startsWith("31") ? "310000" : `${p.adcode.slice(0, 4)}00`;
      inside.set(city, (inside.get(city) || 0) + 1);
    }
  }

  const map = L.map(mapEl, { zoomSnap: 0.25, minZoom: 5, maxZoom: 12, attributionControl: true, preferCanvas: false });
  ctx.onCleanup(() => map.remove());
  map.attributionControl.setPrefix("Leaflet");
  map.attributionControl.addAttribution(t("boundary_attr"));

  const max = Math.max(0, ...counts.values());
  const bounds = breaks(max);

  const cityLayer = L.geoJSON({ type: "FeatureCollection", features: cities }, {
    style: (f) => ({ color: "#ffffff", weight: 1, fillColor: colorFor(counts.get(f.properties.adcode), bounds), fillOpacity: 0.92 }),
    onEachFeature: (f, layer) => {
      const n = counts.get(f.properties.adcode) || 0;
      const sub = inside.get(f.properties.adcode) || 0;
      layer.bindTooltip(h("div", { class: "tip" }, h("strong", null, f.properties.name), h("br"),
        n ? t("n_docs", { n: formatNumber(n) }) : t("no_mentions"),
        sub ? h("div", { class: "muted" }, t("places_inside", { n: sub })) : null), { sticky: true, direction: "top", offset: [0, -6] });
      layer.on("mouseover", () => layer.setStyle({ weight: 2.5, color: "#1b2a38" }));
      layer.on("mouseout", () => cityLayer.resetStyle(layer));
      if (n) layer.on("click", () => ctx.go("place", [f.properties.adcode]));
    },
  });
  const full = cityLayer.getBounds();
  map.fitBounds(full, { padding: [8, 8] }); // a view before any vector layer is added
  map.setMaxBounds(full.pad(0.6));
  cityLayer.addTo(map);
  L.geoJSON({ type: "FeatureCollection", features: provinces },
    { style: { color: "#2b3a4a", weight: 2.2, fill: false, opacity: 0.9 }, interactive: false }).addTo(map);

  const labels = L.layerGroup(cities.map((f) => {
    const n = counts.get(f.properties.adcode) || 0;
    return L.tooltip({ permanent: true, direction: "center", className: `city-label${n ? " active" : ""}`, interactive: false })
      .setLatLng(labelPoint(f.geometry)).setContent(h("span", null, f.properties.name.replace(/市$/, "")));
  })).addTo(map);

  // cooperation lines: between places of the delta that have coordinates (provinces other than 上海 are areas,
  // not points: their relations are listed in the panel and drawn in the network view)
  const area = cityLayer.getBounds().pad(0.02);
  const inDelta = (n) => n && n.lat != null && n.lon != null && area.contains([n.lat, n.lon]) &&
    (n.code ? /^3[1-4]/.test(n.code) && (n.subkind !== "province" || n.code === "310000") : n.kind === "place" && n.subkind !== "area");
  const nodes = new Map(coop.nodes.map((n) => [n.id, n]));
  const edgeLayer = L.layerGroup();
  const drawn = coop.edges.filter((e) => inDelta(nodes.get(e.source)) && inDelta(nodes.get(e.target)));
  const maxCount = Math.max(1, ...drawn.map((e) => e.count));
  const hidden = coop.edges.length - drawn.length;
  for (const e of [...drawn].sort((a, b) => a.count - b.count)) {
    const a = nodes.get(e.source), b = nodes.get(e.target);
    const line = L.polyline([[a.lat, a.lon], [b.lat, b.lon]], {
      color: RELATION_COLORS.cooperation, weight: 1.5 + 6 * (e.count / maxCount), opacity: 0.75, lineCap: "round",
    });
    line.bindTooltip(h("div", { class: "tip" }, h("strong", null, `${a.name} ↔ ${b.name}`), h("br"),
      relationTypeName(e.type), " · ", t("n_docs", { n: e.count }),
      e.topics.length ? h("div", { class: "muted" }, e.topics.slice(0, 3).join("、")) : null), { sticky: true });
    line.bindPopup(() => edgePopup(a, b, e), { maxWidth: 320 });
    edgeLayer.addLayer(line);
  }
  edgeLayer.addTo(map);

  // districts, counties, zones, towns as circle markers
  const markerLayer = L.layerGroup();
  const markerPlaces = places.items.filter((p) => MARKER_LEVELS.has(p.level) && p.lat != null && p.lon != null &&
    /^3[1-4]/.test(p.adcode || p.parent || "")).sort((a, b) => b.documents - a.documents);
  const maxDocs = Math.max(1, ...markerPlaces.map((p) => p.documents));
  for (const p of markerPlaces) {
    const m = L.circleMarker([p.lat, p.lon], {
      radius: 3 + 14 * Math.sqrt(p.documents / Math.max(maxDocs, 30)), color: "#ffffff", weight: 1.2, fillColor: LEVEL_COLORS[p.level] || "#888",
      fillOpacity: 0.9,
    });
    m.bindTooltip(h("div", { class: "tip" }, h("strong", null, p.name), " ", h("span", { class: "muted" }, levelName(p.level)),
      h("br"), t("n_docs", { n: formatNumber(p.documents) })), { direction: "top", offset: [0, -4] });
    m.on("click", () => { location.hash = entityHref(p); });
    m.on("add", () => {
      const el = m.getElement();
      if (el) {
        el.dataset.place = p.adcode || `e:${p.id}`;
        el.dataset.name = p.name;
        el.setAttribute("aria-label", p.name);
      }
    });
    markerLayer.addLayer(m);
  }
  markerLayer.addTo(map);

  for (const layer of cityLayer.getLayers()) {
    const el = layer.getElement();
    const p = layer.feature.properties;
    if (!el) continue;
    el.dataset.adcode = p.adcode;
    el.dataset.name = p.name;
    el.dataset.documents = String(counts.get(p.adcode) || 0);
    el.setAttribute("aria-label", `${p.name} ${t("n_docs", { n: counts.get(p.adcode) || 0 })}`);
    if (counts.get(p.adcode)) el.setAttribute("role", "link");
  }

  legend(L, bounds).addTo(map);
  requestAnimationFrame(() => { if (ctx.alive()) map.invalidateSize(); });

  // the side panel
  const toggle = (label, layer, on = true) => h("label", { class: "toggle" },
    h("input", { type: "checkbox", checked: on, on: { change: (e) => (e.target.checked ? map.addLayer(layer) : map.removeLayer(layer)) } }),
    label);
  const ranking = cities.map((f) => ({ code: f.properties.adcode, name: f.properties.name, n: counts.get(f.properties.adcode) || 0 }))
    .filter((c) => c.n > 0).sort((a, b) => b.n - a.n || a.code.localeCompare(b.code)).slice(0, 12);
  const pairs = coop.edges.slice(0, 8).map((e) => [nodes.get(e.source), nodes.get(e.target), e]).filter(([a, b]) => a && b);

  panel.append(
    h("section", { class: "panel-block toggles" },
      toggle(t("layer_labels"), labels), toggle(t("layer_markers"), markerLayer), toggle(t("layer_edges"), edgeLayer),
      toggle(t("layer_cities"), cityLayer)),
    h("section", { class: "panel-block" }, h("h2", null, t("top_cities")),
      ranking.length ? h("ol", { class: "ranking" }, ranking.map((c) => h("li", null,
        h("a", { href: `#/place/${c.code}`, class: "rank-row", dataset: { adcode: c.code } },
          h("span", { class: "rank-name" }, c.name),
          h("span", { class: "rank-bar" }, h("span", { style: { width: `${Math.max(4, (100 * c.n) / ranking[0].n)}%` } })),
          h("span", { class: "rank-n" }, formatNumber(c.n)))))) : empty()),
    h("section", { class: "panel-block" }, h("h2", null, t("top_pairs")),
      pairs.length ? h("ul", { class: "pairs" }, pairs.map(([a, b, e]) => h("li", null,
        h("a", { href: entityHref(a) }, a.name), h("span", { class: "pair-x" }, " ↔ "), h("a", { href: entityHref(b) }, b.name),
        h("span", { class: "pair-n" }, `×${e.count}`),
        e.topics.length ? h("div", { class: "muted small" }, e.topics.slice(0, 2).join("、")) : null))) : empty(),
      hidden ? h("p", { class: "muted small" }, h("a", { href: "#/network" }, t("edges_hidden", { n: hidden }))) : null),
    h("section", { class: "panel-block" }, h("h2", null, t("latest_docs")),
      latest.items.length ? h("ul", { class: "doc-list compact" }, latest.items.map((d) => h("li", null,
        h("a", { href: readerHref(d.id), class: "doc-link" }, d.title || d.id),
        h("div", { class: "meta" }, d.source || t("unknown_publisher"), " · ", day(d.published_at) || "—")))) : empty()),
  );
}

function legend(L, bounds) {
  const ctl = L.control({ position: "bottomright" });
  ctl.onAdd = () => {
    const rows = [h("div", { class: "legend-row" }, h("i", { style: { background: ZERO } }), t("legend_none"))];
    bounds.forEach((b, i) => {
      const next = bounds[i + 1];
      const label = next === undefined ? `≥ ${b}` : next - 1 === b ? String(b) : `${b}–${next - 1}`;
      rows.push(h("div", { class: "legend-row" }, h("i", { style: { background: colorFor(b, bounds) } }), label));
    });
    const levels = ["district", "county", "zone", "town"].map((l) => h("div", { class: "legend-row" },
      h("i", { class: "dot", style: { background: LEVEL_COLORS[l] } }), levelName(l)));
    const div = h("div", { class: "legend" }, h("div", { class: "legend-title" }, t("legend_docs")), rows,
      h("div", { class: "legend-sep" }), levels,
      h("div", { class: "legend-row" }, h("i", { class: "line", style: { background: RELATION_COLORS.cooperation } }), t("layer_edges")));
    L.DomEvent.disableClickPropagation(div);
    return div;
  };
  return ctl;
}

function edgePopup(a, b, e) {
  const list = h("ul", { class: "doc-list compact" });
  const box = h("div", { class: "edge-popup" }, h("strong", null, `${a.name} ↔ ${b.name}`),
    e.topics.length ? h("div", { class: "muted" }, e.topics.join("、")) : null, list);
  for (const id of e.documents.slice(0, 10)) {
    const li = h("li", null, h("a", { href: readerHref(id) }, id));
    list.append(li);
    get(`/api/documents/${id}`).then((d) => {
      clear(li).append(h("a", { href: readerHref(id) }, d.title || id),
        h("div", { class: "meta" }, (d.source && d.source.publisher) || t("unknown_publisher"), " · ", day(d.published_at)));
    }).catch(() => {});
  }
  return box;
}
