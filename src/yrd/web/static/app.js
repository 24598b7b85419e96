// yrd dashboard: header with stats, navigation, hash router. Each view lives in js/views/*.js and exports
// render(container, ctx); it may register cleanups (map.remove, cy.destroy, Plotly.purge) with ctx.onCleanup.

import { stats } from "./js/api.js";
import { h, clear, append } from "./js/dom.js";
import { t, getLang, setLang, formatNumber } from "./js/i18n.js";
import { asOf, setAsOf } from "./js/session.js";
import { errorBox, loading } from "./js/widgets.js";

const VIEWS = {
  map: () => import("./js/views/map.js"),
  timeline: () => import("./js/views/timeline.js"),
  projects: () => import("./js/views/projects.js"),
  targets: () => import("./js/views/targets.js"),
  network: () => import("./js/views/network.js"),
  search: () => import("./js/views/search.js"),
  new: () => import("./js/views/whatsnew.js"),
  sources: () => import("./js/views/sources.js"),
  place: () => import("./js/views/entity.js"),
  entity: () => import("./js/views/entity.js"),
  doc: () => import("./js/views/reader.js"),
  review: () => import("./js/views/review.js"),
};
const NAV = [
  ["map", "nav_map"], ["timeline", "nav_timeline"], ["projects", "nav_projects"], ["targets", "nav_targets"],
  ["network", "nav_network"], ["search", "nav_search"], ["new", "nav_new"], ["sources", "nav_sources"],
  ["review", "nav_review"],
];

let generation = 0;
let cleanups = [];

/** "#/doc/abc?at=3-9" -> {name: "doc", args: ["abc"], query: URLSearchParams} */
function parseHash() {
  const raw = location.hash.replace(/^#\/?/, "");
  const [path, qs] = raw.split("?", 2);
  const parts = path.split("/").filter(Boolean).map((p) => {
    try { return decodeURIComponent(p); } catch { return p; }
  });
  return { name: parts[0] || "map", args: parts.slice(1), query: new URLSearchParams(qs || "") };
}

/** Navigate to a route with a query (empty values dropped). */
export function go(name, args = [], query = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== null && v !== undefined && v !== "") q.set(k, String(v));
  const qs = q.toString();
  const hash = `#/${[name, ...args.map(encodeURIComponent)].join("/")}${qs ? "?" + qs : ""}`;
  if (location.hash === hash) render();
  else location.hash = hash;
}

function header() {
  const head = document.getElementById("app-header");
  clear(head);
  const route = parseHash().name;
  const nav = h("nav", { class: "main-nav", "aria-label": "main" },
    NAV.map(([name, key]) => h("a", { href: `#/${name}`, class: route === name ? "active" : null,
      "aria-current": route === name ? "page" : null, dataset: { nav: name } }, t(key))),
    h("a", { href: "/docs", class: "api-link", dataset: { nav: "api" } }, t("nav_api")));
  const langBtn = h("button", { type: "button", class: "btn lang", id: "lang-switch", title: t("lang_switch_title"),
    on: { click: () => { setLang(getLang() === "en" ? "zh" : "en"); render(); } } }, t("lang_switch"));
  const statBar = h("div", { class: "stats", id: "stats", "aria-live": "polite" });
  head.append(
    h("div", { class: "brand" },
      h("a", { href: "#/map", class: "logo", "aria-label": t("brand") },
        h("img", { src: "/static/favicon.svg", alt: "", width: 30, height: 30 })),
      h("div", null, h("div", { class: "brand-name" }, t("brand")), h("div", { class: "brand-sub" }, t("brand_sub")))),
    ...[nav, statBar, asOfField(), langBtn, asOfBanner()].filter(Boolean));
  stats().then((s) => {
    const stat = (key, n, id) => h("div", { class: "stat", dataset: { stat: id } },
      h("span", { class: "stat-n" }, typeof n === "number" ? formatNumber(n) : n), h("span", { class: "stat-l" }, t(key)));
    const facts = Object.values(s.facts || {}).reduce((a, b) => a + b, 0);
    const ents = s.entities || {};
    const range = (s.date_range || []).filter(Boolean).map((d) => d.slice(0, 7));
    append(clear(statBar), [
      stat("stat_documents", s.documents, "documents"),
      stat("stat_duplicates", s.duplicates, "duplicates"),
      stat("stat_facts", facts, "facts"),
      stat("stat_places", ents.place || 0, "places"),
      stat("stat_orgs", ents.organization || 0, "organizations"),
      stat("stat_projects", ents.project || 0, "projects"),
      range.length ? stat("stat_range", range.join(" – "), "range") : null,
    ]);
  }).catch(() => { /* the header still works without stats */ });
}

/** The knowledge base as it stood on a day: every request to /api/ then carries as_of (js/api.js). */
function asOfField() {
  const input = h("input", { id: "as-of", type: "date", class: "input", value: asOf(), max: new Date().toISOString().slice(0, 10),
    title: t("as_of_title"), "aria-label": t("as_of") });
  input.addEventListener("change", () => { setAsOf(input.value); render(); });
  return h("label", { class: "as-of-field", for: "as-of" }, h("span", null, t("as_of")), input);
}

function asOfBanner() {
  const then = asOf();
  if (!then) return null;
  return h("div", { class: "as-of-banner", id: "as-of-banner", role: "status" },
    h("strong", null, t("as_of_banner", { date: then })), " ", h("span", { class: "small" }, t("as_of_hint")), " ",
    h("button", { type: "button", class: "btn", id: "as-of-clear", on: { click: () => { setAsOf(""); render(); } } }, t("as_of_clear")));
}

async function render() {
  const gen = ++generation;
  for (const fn of cleanups.splice(0)) {
    try { fn(); } catch (e) { console.warn("cleanup failed", e); }
  }
  document.documentElement.lang = getLang() === "en" ? "en" : "zh-CN";
  document.title = `${t("brand")} · yrd`;
  header();
  const main = document.getElementById("app");
  const route = parseHash();
  clear(main).append(loading());
  main.dataset.view = route.name;
  main.setAttribute("aria-busy", "true");
  const loader = VIEWS[route.name];
  const view = h("div", { class: `view view-${route.name}` });
  const ctx = {
    args: route.args,
    query: route.query,
    route: route.name,
    alive: () => gen === generation,
    onCleanup: (fn) => cleanups.push(fn),
    go,
  };
  try {
    if (!loader) {
      clear(main).append(h("div", { class: "state empty" }, h("h1", null, t("not_found")), h("a", { href: "#/map" }, t("back_home"))));
      return;
    }
    const mod = await loader();
    if (!ctx.alive()) return;
    clear(main).append(view);
    await mod.render(view, ctx);
  } catch (err) {
    if (!ctx.alive()) return;
    console.warn(err);
    clear(main).append(errorBox(err, () => render()));
  } finally {
    if (ctx.alive()) main.removeAttribute("aria-busy");
  }
}

window.addEventListener("hashchange", render);
setLang(getLang());
render();
