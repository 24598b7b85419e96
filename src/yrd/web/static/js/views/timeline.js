// 时间线 Timeline: events filtered by type, place and dates; a monthly histogram stacked by type (Plotly);
// the list with date, type badge, participants and the source (link to the reader at the event's span).

import { getAll, vocabulary } from "../api.js";
import { h } from "../dom.js";
import { t, eventTypeName, getLang, formatNumber } from "../i18n.js";
import { plotly } from "../lib.js";
import {
  EVENT_COLORS, busy, eventBadge, field, monthRange, pageHeader, placeInput, resolvePlace, select, sourceLine, empty,
} from "../widgets.js";

const PAGE = 60;

export async function render(view, ctx) {
  const EVENT_TYPE_KEYS = (await vocabulary()).event_types;
  const q = ctx.query;
  const MODALITIES = (await vocabulary()).modalities;
  const state = { type: q.get("type") || "", place: q.get("place") || "", from: q.get("from") || "", to: q.get("to") || "",
    month: q.get("month") || "", modality: q.get("modality") || "happened" };

  const typeSel = select("tl-type", EVENT_TYPE_KEYS.map((k) => [k, eventTypeName(k)]), state.type);
  // what happened by default; plans and quoted hopes on request, never mixed in unasked
  const modalitySel = h("select", { id: "tl-modality", class: "input" },
    [...MODALITIES, "all"].map((m) => h("option", { value: m, selected: m === state.modality }, t(`modality_${m}`))));
  const place = placeInput("tl-place", state.place);
  const from = h("input", { id: "tl-from", type: "date", class: "input", value: state.from });
  const to = h("input", { id: "tl-to", type: "date", class: "input", value: state.to });
  const note = h("span", { class: "muted small", role: "status" });
  const apply = async (extra = {}) => {
    const code = await resolvePlace(place.querySelector("input").value);
    if (code === null) { note.textContent = t("place_unknown"); return; }
    ctx.go("timeline", [], { type: typeSel.value, place: code, from: from.value, to: to.value,
      modality: modalitySel.value === "happened" ? "" : modalitySel.value, ...extra });
  };
  for (const el of [typeSel, modalitySel, from, to]) el.addEventListener("change", () => apply());
  place.querySelector("input").addEventListener("change", () => apply());
  const filters = h("form", { class: "filters", on: { submit: (e) => { e.preventDefault(); apply(); } } },
    field(t("event_type"), typeSel, "tl-type"), field(t("tl_modality"), modalitySel, "tl-modality"),
    field(t("place"), place, "tl-place"),
    field(t("from"), from, "tl-from"), field(t("to"), to, "tl-to"),
    h("button", { type: "submit", class: "btn primary" }, t("apply")),
    h("button", { type: "button", class: "btn", on: { click: () => ctx.go("timeline") } }, t("reset")), note);

  const chart = h("div", { class: "chart", id: "timeline-chart", role: "img", "aria-label": t("tl_hint") });
  const list = h("div", { id: "timeline-list" });
  view.append(pageHeader(t("tl_title"), t("tl_hint")), h("section", { class: "card" }, filters, chart), h("section", { class: "card" }, list));

  const [Plotly, data] = await busy(list, Promise.all([plotly(), getAll("/api/events", { type: state.type, place: state.place,
    from: state.from, to: state.to, modality: state.modality })]));
  if (!ctx.alive()) return;
  const events = data.items;
  if (!events.length) {
    chart.remove();
    list.append(empty());
    return;
  }

  // histogram: months on x, one stacked trace per event type
  const months = events.map((e) => (e.date || "").slice(0, 7)).filter((m) => /^\d{4}-\d{2}$/.test(m)).sort();
  const axis = months.length ? monthRange(months[0], months[months.length - 1]) : [];
  const types = EVENT_TYPE_KEYS.filter((k) => events.some((e) => e.type === k));
  const traces = types.map((type) => {
    const per = new Map(axis.map((m) => [m, 0]));
    for (const e of events) if (e.type === type && per.has((e.date || "").slice(0, 7))) per.set(e.date.slice(0, 7), per.get(e.date.slice(0, 7)) + 1);
    return { type: "bar", name: eventTypeName(type), x: axis.map((m) => `${m}-15`), y: axis.map((m) => per.get(m)),
      marker: { color: EVENT_COLORS[type] }, customdata: axis, hovertemplate: `%{customdata}: %{y} ${eventTypeName(type)}<extra></extra>` };
  });
  const layout = {
    barmode: "stack", bargap: 0.15, margin: { l: 44, r: 12, t: 10, b: 40 }, height: 320,
    font: { family: getComputedStyle(document.body).fontFamily, size: 12, color: "#1b2a38" },
    paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
    xaxis: { type: "date", tickformat: getLang() === "en" ? "%b %Y" : "%Y-%m", gridcolor: "#edf0f3" },
    yaxis: { title: { text: t("tl_count") }, gridcolor: "#edf0f3", rangemode: "tozero", tickformat: "d" },
    legend: { orientation: "h", y: 1.12, x: 0 },
  };
  // a few events are dated decades back (history recalled in an article): start the view where the bulk is;
  // a double click shows everything
  const lo = months[Math.floor(months.length * 0.02)];
  if (months.length > 50 && lo > months[0]) layout.xaxis.range = [`${lo}-01`, `${months[months.length - 1]}-28`];
  ctx.onCleanup(() => Plotly.purge(chart));
  await Plotly.newPlot(chart, traces, layout, { displaylogo: false, responsive: true,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"] });
  if (!ctx.alive()) return;
  chart.on("plotly_click", (ev) => {
    const m = ev && ev.points && ev.points[0] && ev.points[0].customdata;
    if (m) ctx.go("timeline", [], { ...state, month: m });
  });

  // the list
  const shown = state.month ? events.filter((e) => (e.date || "").startsWith(state.month)) : events;
  const ul = h("ol", { class: "event-list" });
  const head = h("div", { class: "year-head" }, h("h2", null, t("n_events", { n: formatNumber(shown.length) })),
    state.month ? h("button", { type: "button", class: "chip removable", on: { click: () => ctx.go("timeline", [], { ...state, month: "" }) } },
      t("tl_month_filter", { m: state.month }), " ✕") : null);
  list.append(head, ul);
  let count = 0;
  const more = h("button", { type: "button", class: "btn", on: { click: () => addPage() } }, t("more"));
  const addPage = () => {
    for (const e of shown.slice(count, count + PAGE)) ul.append(eventItem(e));
    count += PAGE;
    if (count >= shown.length) more.remove();
  };
  addPage();
  if (count < shown.length) list.append(h("div", { class: "pager" }, more));
}

function eventItem(e) {
  return h("li", { class: "event-item", dataset: { type: e.type } },
    h("div", { class: `event-date${e.date_stated ? "" : " inferred"}`, title: e.date_stated ? null : t("date_inferred") },
      e.date || "—", e.date_stated ? null : " *"),
    h("div", null, eventBadge(e.type)),
    h("div", { class: "event-body" },
      e.participants && e.participants.length
        ? h("div", { class: "participants" }, e.participants.map((p) => h("span", { class: "chip" }, p)),
          e.place ? h("span", { class: "chip", title: t("place") }, "📍 ", e.place) : null)
        : (e.place ? h("div", { class: "participants" }, h("span", { class: "chip" }, "📍 ", e.place)) : null),
      sourceLine(e.source, e.span, { quote: true })));
}

