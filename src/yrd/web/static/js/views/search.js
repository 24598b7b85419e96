// 搜索 Search: query box, filters (place, from, to, event type, publisher), ranked results with highlighted
// snippets (built from snippet_parts as text nodes and <mark>), pagination. State lives in the URL.

import { get, stats, vocabulary } from "../api.js";
import { h, day } from "../dom.js";
import { t, eventTypeName, formatNumber } from "../i18n.js";
import { field, pageHeader, pager, placeInput, readerHref, resolvePlace, select, empty, errorBox } from "../widgets.js";

const LIMIT = 20;

export async function render(view, ctx) {
  const EVENT_TYPE_KEYS = (await vocabulary()).event_types;
  const q = ctx.query;
  const state = {
    q: q.get("q") || "", place: q.get("place") || "", from: q.get("from") || "", to: q.get("to") || "",
    event_type: q.get("event_type") || "", publisher: q.get("publisher") || "", offset: Number(q.get("offset") || 0) || 0,
  };
  const s = await stats().catch(() => ({ publishers: [] }));
  const publishers = (s.publishers || []).filter((p) => p.publisher).map((p) => [p.publisher, `${p.publisher} (${p.documents})`]);
  if (state.publisher && !publishers.some(([v]) => v === state.publisher)) publishers.push([state.publisher, state.publisher]);

  const qInput = h("input", { id: "search-q", type: "search", class: "input q", name: "q", value: state.q, placeholder: t("sr_ph"),
    "aria-label": t("sr_q"), maxlength: "200", autocomplete: "off" });
  const place = placeInput("search-place", state.place);
  const from = h("input", { id: "search-from", type: "date", class: "input", value: state.from });
  const to = h("input", { id: "search-to", type: "date", class: "input", value: state.to });
  const evType = select("search-event-type", EVENT_TYPE_KEYS.map((k) => [k, eventTypeName(k)]), state.event_type);
  const publisher = select("search-publisher", publishers, state.publisher);
  const note = h("span", { class: "muted small", role: "status" });

  const form = h("form", { class: "search-form", role: "search", on: { submit: async (e) => {
    e.preventDefault();
    const placeText = place.querySelector("input").value;
    const code = await resolvePlace(placeText);
    if (code === null) { note.textContent = t("place_unknown"); return; }
    ctx.go("search", [], { q: qInput.value.trim(), place: code, from: from.value, to: to.value, event_type: evType.value,
      publisher: publisher.value });
  } } },
  qInput, h("button", { type: "submit", class: "btn primary", id: "search-go" }, t("sr_go")));
  const filters = h("div", { class: "filters" },
    field(t("place"), place, "search-place"), field(t("from"), from, "search-from"), field(t("to"), to, "search-to"),
    field(t("event_type"), evType, "search-event-type"), field(t("publisher"), publisher, "search-publisher"),
    h("button", { type: "button", class: "btn", on: { click: () => ctx.go("search", [], { q: state.q }) } }, t("reset")), note);
  for (const el of [from, to, evType, publisher]) el.addEventListener("change", () => form.requestSubmit());

  const results = h("div", { class: "results", id: "search-results" });
  view.append(pageHeader(t("sr_title"), null), h("section", { class: "card" }, form, filters), h("section", { class: "card" }, results));
  if (!state.q) {
    results.append(empty(t("sr_start")));
    qInput.focus();
    return;
  }
  let page;
  try {
    page = await get("/api/search", { q: state.q, place: state.place, from: state.from, to: state.to,
      event_type: state.event_type, publisher: state.publisher, limit: LIMIT, offset: state.offset });
  } catch (err) {
    results.append(errorBox(err));
    return;
  }
  if (!ctx.alive()) return;
  const count = formatNumber(page.total) + (page.total_exact === false ? "+" : "");  // counted up to 10,000
  results.append(h("div", { class: "muted", id: "search-total" }, t("sr_results", { n: count })));
  if (!page.items.length) results.append(empty(t("sr_none")));
  for (const hit of page.items) {
    results.append(h("article", { class: "result", dataset: { doc: hit.id } },
      h("h3", null, h("a", { href: readerHref(hit.id), class: "doc-link result-title" }, hit.title || hit.id)),
      h("div", { class: "meta" }, hit.source || t("unknown_publisher"), " · ", day(hit.published_at) || "—",
        " · ", t("sr_score"), " ", String(hit.score)),
      h("p", { class: "snippet" }, (hit.snippet_parts || [{ text: hit.snippet || "", hit: false }])
        .map((p) => (p.hit ? h("mark", null, p.text) : p.text)))));
  }
  results.append(pager(page.total, LIMIT, state.offset, (offset) => ctx.go("search", [], { ...state, offset })));
}
