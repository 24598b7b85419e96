// 目标 Targets: targets grouped by deadline, each with a status badge (open/reported/achieved/missed/unreported), its goal,
// the latest report on it and the source (link to the reader at the target's span).

import { getAll, vocabulary } from "../api.js";
import { h, day } from "../dom.js";
import { t, statusName, formatAmount, formatNumber } from "../i18n.js";
import { busy, field, pageHeader, placeInput, readerHref, resolvePlace, select, sourceLine, statusBadge, empty } from "../widgets.js";

export async function render(view, ctx) {
  const STATUS_KEYS = (await vocabulary()).target_statuses;
  const q = ctx.query;
  const state = { status: q.get("status") || "", due: q.get("due") || "", place: q.get("place") || "" };

  const statusSel = select("tg-status", STATUS_KEYS.map((k) => [k, statusName(k)]), state.status);
  const dueIn = h("input", { id: "tg-due", type: "number", class: "input", min: "1949", max: "2100", step: "1", value: state.due,
    placeholder: "2027" });
  const place = placeInput("tg-place", state.place);
  const note = h("span", { class: "muted small", role: "status" });
  const apply = async () => {
    const code = await resolvePlace(place.querySelector("input").value);
    if (code === null) { note.textContent = t("place_unknown"); return; }
    ctx.go("targets", [], { status: statusSel.value, due: dueIn.value, place: code });
  };
  statusSel.addEventListener("change", apply);
  dueIn.addEventListener("change", apply);
  place.querySelector("input").addEventListener("change", apply);
  const summary = h("div", { class: "summary-bar", id: "tg-summary" });
  const body = h("div", { id: "targets" });
  view.append(pageHeader(t("tg_title"), t("tg_hint")),
    h("section", { class: "card" }, h("form", { class: "filters", on: { submit: (e) => { e.preventDefault(); apply(); } } },
      field(t("tg_status"), statusSel, "tg-status"), field(t("tg_deadline"), dueIn, "tg-due"), field(t("place"), place, "tg-place"),
      h("button", { type: "button", class: "btn", on: { click: () => ctx.go("targets") } }, t("reset")), note), summary),
    body);

  const data = await busy(body, getAll("/api/targets", { place: state.place, due: state.due }));
  if (!ctx.alive()) return;
  const byStatus = {};
  for (const x of data.items) byStatus[x.status] = (byStatus[x.status] || 0) + 1;
  for (const k of STATUS_KEYS) {
    summary.append(h("a", { class: "chip", href: `#/targets?${new URLSearchParams({ ...state, status: state.status === k ? "" : k })}` },
      statusBadge(k), " ", formatNumber(byStatus[k] || 0)));
  }
  const items = state.status ? data.items.filter((x) => x.status === state.status) : data.items;
  if (!items.length) {
    body.append(h("div", { class: "card" }, empty()));
    return;
  }
  const years = new Map();
  for (const x of items) {
    const y = x.deadline ?? "?";
    if (!years.has(y)) years.set(y, []);
    years.get(y).push(x);
  }
  for (const [year, list] of [...years.entries()].sort((a, b) => String(a[0]).localeCompare(String(b[0])))) {
    body.append(h("section", { class: "year-group", dataset: { year } },
      h("div", { class: "year-head" }, h("h2", null, t("tg_due", { y: year })), h("span", { class: "muted" }, t("n_targets", { n: list.length }))),
      h("div", { class: "target-grid" }, list.map(targetCard))));
  }
}

function targetCard(x) {
  const quantified = x.value !== null && x.value !== undefined;
  const rep = x.latest_report;
  let progress = null;
  if (quantified && rep && typeof rep.value === "number" && x.value > 0 && x.approx !== "under") {
    const pct = Math.max(0, Math.min(100, (100 * rep.value) / x.value));
    progress = h("div", { class: "progress", title: `${pct.toFixed(0)}%` }, h("span", { style: { width: `${pct}%` } }));
  }
  return h("article", { class: "card target", dataset: { status: x.status, metric: x.metric } },
    h("div", { class: "target-top" },
      h("div", null, h("div", { class: "target-metric" }, x.metric || "—"),
        x.subject ? h("div", { class: "muted small" }, t("tg_subject"), ": ", x.subject) : null),
      statusBadge(x.status)),
    h("div", { class: `target-goal${quantified ? "" : " qual"}` }, quantified ? formatAmount(x) : t("tg_qualitative")),
    progress,
    h("div", { class: "small" }, h("strong", null, t("tg_latest"), ": "),
      rep ? [formatAmount(rep), " · ", day(rep.published_at), " · ",
        h("a", { href: readerHref(rep.source.id, rep.span) }, rep.source.title || rep.source.id)]
        : h("span", { class: "muted" }, t("tg_no_report"))),
    sourceLine(x.source, x.span, { quote: true }));
}
