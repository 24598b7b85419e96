// Building blocks the views share: source lines, badges, the place picker, pagination, states.

import { allPlaces } from "./api.js";
import { h, day } from "./dom.js";
import { t, eventTypeName, statusName, levelName, kindName, formatNumber } from "./i18n.js";

// one palette for the whole dashboard (CSS has the same values as custom properties)
export const KIND_COLORS = {
  place: "#1f77b4", person: "#9467bd", organization: "#2ca02c", amount: "#d62728", target: "#e377c2",
  event: "#ff7f0e", relation: "#17becf", date: "#8c6d31", project: "#bcbd22",
};
export const EVENT_COLORS = {
  meeting: "#4e79a7", signing: "#f28e2b", unveiling: "#e15759", groundbreaking: "#76b7b2",
  completion: "#59a14f", approval: "#edc948", release: "#b07aa1", launch: "#ff9da7",
};
export const RELATION_COLORS = { cooperation: "#e15759", membership: "#4e79a7", connects: "#59a14f" };
export const LEVEL_COLORS = {
  province: "#264653", city: "#2a9d8f", district: "#e76f51", county: "#f4a261", town: "#8d99ae",
  zone: "#7b2cbf", area: "#6c757d", foreign: "#adb5bd", village: "#adb5bd",
};

/** #/doc/ID?at=START-END */
export function readerHref(docId, span) {
  const at = span && Number.isInteger(span.start) && Number.isInteger(span.end) ? `?at=${span.start}-${span.end}` : "";
  return `#/doc/${encodeURIComponent(docId)}${at}`;
}

/** The page of a place (by adcode) or of any entity (by e:ID). */
export function entityHref(ent) {
  if (ent.kind === "place" && ent.code) return `#/place/${ent.code}`;
  if (ent.adcode) return `#/place/${ent.adcode}`;
  return `#/entity/e:${ent.id}`;
}

/** Title (link to the reader at the span) · publisher · date · copies. */
export function sourceLine(source, span, opts = {}) {
  if (!source) return null;
  const title = source.title || source.id;
  return h("div", { class: "source-line" },
    h("a", { href: readerHref(source.id, span), class: "doc-link", title: t("open_reader") }, title),
    h("span", { class: "meta" },
      source.publisher || source.source || t("unknown_publisher"),
      " · ", day(source.published_at) || "—",
      source.copies ? h("span", { class: "copies" }, " · ", t("copies", { n: source.copies })) : null),
    opts.quote && span && span.text ? h("blockquote", { class: "evidence" }, span.text) : null);
}

export function badge(cls, text, title) {
  return h("span", { class: `badge ${cls}`, title }, text);
}

export const eventBadge = (type) => h("span", { class: "badge ev", dataset: { type }, style: { "--c": EVENT_COLORS[type] || "#888" } },
  eventTypeName(type));
export const statusBadge = (st) => h("span", { class: `badge status status-${st}` }, statusName(st));
export const kindBadge = (k) => h("span", { class: "badge kind", style: { "--c": KIND_COLORS[k] || "#888" } }, kindName(k));
export const levelBadge = (l) => h("span", { class: "badge level", style: { "--c": LEVEL_COLORS[l] || "#888" } }, levelName(l));

export function loading() {
  return h("div", { class: "state loading", role: "status" }, h("span", { class: "spinner" }), t("loading"));
}

/** Show a spinner in ``container`` while ``promise`` runs. */
export async function busy(container, promise) {
  const el = loading();
  container.append(el);
  try {
    return await promise;
  } finally {
    el.remove();
  }
}

export function errorBox(err, retry) {
  return h("div", { class: "state error", role: "alert" },
    h("strong", null, t("error")), " ", String(err && err.message ? err.message : err),
    retry ? h("button", { type: "button", class: "btn", on: { click: retry } }, t("retry")) : null);
}

export const empty = (text) => h("div", { class: "state empty" }, text || t("none"));

export function pageHeader(title, hint, ...extra) {
  return h("header", { class: "page-head" }, h("div", null, h("h1", null, title), hint ? h("p", { class: "hint" }, hint) : null), ...extra);
}

/** Previous/next pagination: onPage(newOffset). */
export function pager(total, limit, offset, onPage) {
  if (total <= limit && offset === 0) return document.createDocumentFragment(); // nothing to page
  const a = total ? offset + 1 : 0;
  const b = Math.min(offset + limit, total);
  return h("nav", { class: "pager", "aria-label": "pagination" },
    h("button", { type: "button", class: "btn", disabled: offset <= 0, on: { click: () => onPage(Math.max(0, offset - limit)) } }, "‹ ", t("prev")),
    h("span", { class: "muted" }, t("page_of", { a: formatNumber(a), b: formatNumber(b), n: formatNumber(total) })),
    h("button", { type: "button", class: "btn", disabled: b >= total, on: { click: () => onPage(offset + limit) } }, t("next"), " ›"));
}

/** Resolve what the user typed in a place box: an adcode, "name 330421", or a (unique-ish) name. */
export async function resolvePlace(text) {
  const s = (text || "").trim();
  if (!s) return "";
  const m = s.match(/\b(\d{6})\b/);
  if (m) return m[1];
  const { items } = await allPlaces();
  const withCode = items.filter((p) => p.adcode);
  const exact = withCode.find((p) => p.name === s);
  if (exact) return exact.adcode;
  const prefix = withCode.find((p) => p.name.startsWith(s));
  return prefix ? prefix.adcode : null;
}

/** A text input with a datalist of every place the store knows (name + adcode). */
export function placeInput(id, adcode) {
  const listId = `${id}-list`;
  const input = h("input", { id, type: "search", class: "input place-input", list: listId, placeholder: t("place_ph"),
    autocomplete: "off", spellcheck: "false" });
  const list = h("datalist", { id: listId });
  allPlaces().then(({ items }) => {
    const seen = new Set();
    for (const p of items) {
      if (!p.adcode || seen.has(p.adcode)) continue;
      seen.add(p.adcode);
      list.append(h("option", { value: `${p.name} ${p.adcode}`, label: levelName(p.level) }));
      if (p.adcode === adcode) input.value = `${p.name} ${p.adcode}`;
    }
    if (adcode && !input.value) input.value = adcode;
  }).catch(() => { if (adcode) input.value = adcode; });
  return h("span", { class: "place-field" }, input, list);
}

/** A <select> from [value, label] pairs with an "all" option first. */
export function select(id, options, value, allLabel = t("all")) {
  const sel = h("select", { id, class: "input" }, h("option", { value: "" }, allLabel));
  for (const [v, label] of options) sel.append(h("option", { value: v, selected: String(v) === String(value ?? "") }, label));
  return sel;
}

/** Whose places a view shows: the delta's by default, or elsewhere in China, abroad, all (the API's scope). */
export function scopeSelect(id, value) {
  const sel = h("select", { id, class: "input" });
  for (const v of ["delta", "china", "foreign", "all"]) {
    sel.append(h("option", { value: v, selected: v === (value || "delta") }, t(`scope_${v}`)));
  }
  return sel;
}

export function field(label, control, forId) {
  return h("label", { class: "field", for: forId }, h("span", { class: "field-label" }, label), control);
}

/** Months between two "YYYY-MM" strings, inclusive. */
export function monthRange(first, last) {
  const out = [];
  let [y, m] = first.split("-").map(Number);
  const [y2, m2] = last.split("-").map(Number);
  while (y < y2 || (y === y2 && m <= m2)) {
    out.push(`${y}-${String(m).padStart(2, "0")}`);
    m += 1;
    if (m > 12) { m = 1; y += 1; }
  }
  return out;
}
