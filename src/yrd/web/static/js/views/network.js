// 合作网络 Network: /api/relations as a Cytoscape graph. Nodes coloured by kind, sized by weighted degree; edges
// coloured by relation type, width by the number of documents; clicking a node opens its page.

import { get, vocabulary } from "../api.js";
import { h } from "../dom.js";
import { t, kindName, relationTypeName, levelName, orgKindName, formatNumber } from "../i18n.js";
import { cytoscape } from "../lib.js";
import { KIND_COLORS, RELATION_COLORS, busy, entityHref, field, pageHeader, select, empty, scopeSelect } from "../widgets.js";

const SHAPES = { place: "ellipse", organization: "round-rectangle", project: "diamond", person: "triangle" };

export async function render(view, ctx) {
  const RELATION_TYPE_KEYS = (await vocabulary()).relation_types;
  const type = ctx.query.get("type") || "";
  const typeSel = select("nw-type", RELATION_TYPE_KEYS.map((k) => [k, relationTypeName(k)]), type);
  const scope = ctx.query.get("scope") || "delta";
  const scopeSel = scopeSelect("nw-scope", scope);
  typeSel.addEventListener("change", () => ctx.go("network", [], { type: typeSel.value, scope: scopeSel.value }));
  scopeSel.addEventListener("change", () => ctx.go("network", [], { type: typeSel.value, scope: scopeSel.value }));
  const relayout = h("button", { type: "button", class: "btn" }, t("nw_relayout"));
  const graph = h("div", { class: "cy", id: "network", role: "img", "aria-label": t("nw_title") });
  const side = h("aside", { class: "map-panel" });
  view.append(pageHeader(t("nw_title"), t("nw_hint"), h("div", { class: "toolbar" }, field(t("nw_type"), typeSel, "nw-type"),
    field(t("scope"), scopeSel, "nw-scope"), relayout)),
    h("div", { class: "network-layout" }, graph, side));

  const [cy, data] = await busy(graph, Promise.all([cytoscape(), get("/api/relations", { type, scope, limit: 1000 })]));
  if (!ctx.alive()) return;
  if (!data.edges.length) {
    graph.replaceWith(h("div", { class: "card" }, empty()));
    return;
  }
  const degree = new Map();
  for (const e of data.edges) {
    degree.set(e.source, (degree.get(e.source) || 0) + e.count);
    degree.set(e.target, (degree.get(e.target) || 0) + e.count);
  }
  const maxDeg = Math.max(1, ...degree.values());
  const maxCount = Math.max(1, ...data.edges.map((e) => e.count));
  const elements = [
    ...data.nodes.map((n) => ({ data: {
      id: `n${n.id}`, label: n.name, kind: n.kind, href: entityHref(n),
      color: KIND_COLORS[n.kind] || "#888", shape: SHAPES[n.kind] || "ellipse",
      size: 18 + 34 * Math.sqrt((degree.get(n.id) || 0) / maxDeg),
    } })),
    ...data.edges.map((e, i) => ({ data: {
      id: `e${i}`, source: `n${e.source}`, target: `n${e.target}`, type: e.type, count: e.count,
      width: 1.2 + 7 * (e.count / maxCount), color: RELATION_COLORS[e.type] || "#999",
    } })),
  ];
  const instance = cy({
    container: graph,
    elements,
    minZoom: 0.2,
    maxZoom: 3,
    style: [
      { selector: "node", style: {
        "background-color": "data(color)", shape: "data(shape)", width: "data(size)", height: "data(size)",
        label: "data(label)", "font-size": 15, "min-zoomed-font-size": 6, "font-family": getComputedStyle(document.body).fontFamily, color: "#1b2a38",
        "text-valign": "bottom", "text-margin-y": 3, "text-outline-color": "#ffffff", "text-outline-width": 2.5,
        "text-wrap": "ellipsis", "text-max-width": "9em",
        "border-width": 1.5, "border-color": "#ffffff",
      } },
      { selector: "edge", style: {
        width: "data(width)", "line-color": "data(color)", opacity: 0.7, "curve-style": "bezier",
      } },
      { selector: "node:selected, node.hover", style: { "border-color": "#1b2a38", "border-width": 3 } },
      { selector: "edge.hover", style: { opacity: 1 } },
      { selector: ".faded", style: { opacity: 0.15 } },
    ],
    layout: layoutOptions(),
  });
  ctx.onCleanup(() => instance.destroy());
  relayout.addEventListener("click", () => instance.layout(layoutOptions(true)).run());
  instance.on("tap", "node", (ev) => { location.hash = ev.target.data("href"); });
  instance.on("mouseover", "node", (ev) => {
    const n = ev.target;
    graph.style.cursor = "pointer";
    instance.elements().addClass("faded");
    n.closedNeighborhood().removeClass("faded").addClass("hover");
    graph.title = `${n.data("label")} · ${kindName(n.data("kind"))}`;
  });
  instance.on("mouseout", "node", () => {
    graph.style.cursor = "";
    instance.elements().removeClass("faded hover");
    graph.title = "";
  });

  // side panel: legend, summary, the most connected nodes
  const kinds = [...new Set(data.nodes.map((n) => n.kind))];
  const types = [...new Set(data.edges.map((e) => e.type))];
  const top = [...data.nodes].sort((a, b) => (degree.get(b.id) || 0) - (degree.get(a.id) || 0)).slice(0, 12);
  side.append(
    h("section", { class: "panel-block net-legend" },
      h("p", { class: "muted", id: "nw-summary" }, t("nw_summary", { n: formatNumber(data.nodes.length), e: formatNumber(data.edges.length) })),
      kinds.map((k) => h("div", { class: "legend-row" }, h("i", { class: "dot", style: { background: KIND_COLORS[k] || "#888" } }), kindName(k))),
      h("div", { class: "legend-sep" }),
      types.map((k) => h("div", { class: "legend-row" }, h("i", { class: "line", style: { background: RELATION_COLORS[k] } }), relationTypeName(k)))),
    h("section", { class: "panel-block" }, h("h2", null, t("nw_top")),
      h("ol", { class: "ranking" }, top.map((n) => h("li", null,
        h("a", { href: entityHref(n), class: "rank-row" }, h("span", { class: "rank-name" }, n.name),
          h("span", { class: "muted small" }, n.kind === "place" ? levelName(n.subkind) : orgKindName(n.subkind)),
          h("span", { class: "rank-n" }, formatNumber(degree.get(n.id) || 0))))))),
  );
}

function layoutOptions(randomize = false) {
  return { name: "cose", animate: false, randomize, nodeRepulsion: () => 9000, idealEdgeLength: () => 80, padding: 24,
    componentSpacing: 60, nodeOverlap: 12, gravity: 0.6, numIter: 1500, fit: true };
}
