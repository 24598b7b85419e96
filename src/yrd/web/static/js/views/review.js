// 待审 Review: the review queue (/api/review: the facts a correction would change most, the least certain first),
// each with its confidence, the reasons for it, its sentence and its source (a link to the reader at the span,
// where it can be corrected); and the corrections kept (/api/corrections: who, when, why, whether each still
// applies), each withdrawn with the token (DELETE).

import { get, send } from "../api.js";
import { h, clear, beijingTime } from "../dom.js";
import { describe } from "../facts.js";
import { t, formatNumber, kindName } from "../i18n.js";
import { token } from "../session.js";
import { busy, empty, errorBox, field, kindBadge, pageHeader, pager, select, sourceLine } from "../widgets.js";

const KINDS = ["project", "target", "relation", "event", "portfolio", "amount", "person"];
const LIMIT = 25;

export async function render(view, ctx) {
  const only = KINDS.includes(ctx.query.get("only")) ? ctx.query.get("only") : "";
  const offset = Math.max(0, Number.parseInt(ctx.query.get("offset") || "0", 10) || 0);
  const kindSel = select("rv-kind", KINDS.map((k) => [k, kindName(k)]), only);
  kindSel.addEventListener("change", () => ctx.go("review", [], { only: kindSel.value }));
  const queue = h("div", { id: "rv-queue" });
  const corrBox = h("div", { id: "co-list" });
  const note = h("p", { class: "small note", id: "co-note", role: "status", "aria-live": "polite" });
  view.append(pageHeader(t("rv_title"), t("rv_hint")),
    h("section", { class: "card", id: "co-card" }, h("h2", null, t("co_title")),
      token() ? null : h("p", { class: "muted small", id: "co-token-hint" }, h("a", { href: "#/sources" }, t("ed_need_token"))),
      note, h("div", { class: "table-wrap" }, corrBox)),
    h("section", { class: "card" }, h("h2", null, t("rv_title")), h("form", { class: "filters", on: { submit: (e) => e.preventDefault() } },
      field(t("rv_kind"), kindSel, "rv-kind")), queue));

  const loadCorrections = async () => {
    let data;
    try {
      data = await get("/api/corrections");
    } catch (err) {
      clear(corrBox).append(errorBox(err));
      return;
    }
    if (ctx.alive()) clear(corrBox).append(correctionTable(data.items, token() ? withdraw : null));
  };
  const withdraw = async (c, button) => {
    if (button.dataset.armed !== "1") {  // a second click confirms (no modal dialog)
      button.dataset.armed = "1";
      button.textContent = t("co_withdraw_confirm");
      return;
    }
    button.disabled = true;
    try {
      await send("DELETE", `/api/corrections/${c.id}`, undefined, token());
      note.textContent = t("co_withdrawn", { id: c.id });
      note.className = "small note good";
      await loadCorrections();
    } catch (err) {
      note.textContent = err.message;
      note.className = "small note bad";
      button.disabled = false;
    }
  };

  const [page] = await Promise.all([
    busy(queue, get("/api/review", { only, limit: LIMIT, offset })).catch((err) => ({ err })),
    loadCorrections(),
  ]);
  if (!ctx.alive()) return;
  if (page.err) { queue.append(errorBox(page.err)); return; }
  queue.append(h("p", { class: "muted small", id: "rv-total", dataset: { total: page.total } }, t("rv_total", { n: formatNumber(page.total) })));
  if (!page.items.length) queue.append(empty());
  queue.append(h("div", { id: "rv-items" }, page.items.map(reviewRow)),
    pager(page.total, LIMIT, offset, (o) => ctx.go("review", [], { only, offset: o })));
}

function reviewRow(item) {
  const score = typeof item.confidence === "number" ? item.confidence : null;
  return h("div", { class: "review-row", dataset: { fact: item.id, kind: item.kind, confidence: score ?? "" } },
    h("div", { class: "fact-summary" }, kindBadge(item.kind), " ",
      h("span", { class: `conf${score !== null && score < 0.6 ? " low" : ""}`, title: t("rv_confidence") },
        score === null ? "—" : score.toFixed(2)), " ",
      (item.because || []).map((b) => h("span", { class: "chip" }, b)), " ",
      h("span", { class: "what" }, item.kind === "project" && item.fact && item.fact.name ? item.fact.name : describe(item.kind, item.fact || {}))),
    sourceLine(item.source, item.span, { quote: true }),
    item.extractor ? h("div", { class: "muted small" }, t("rv_extractor"), " ", item.extractor) : null);
}

function correctionTable(items, withdraw) {
  if (!items.length) return empty(t("co_none"));
  const cols = ["co_what", "co_who", "co_when", "co_why", "co_status"];
  const rows = [...items].reverse();  // newest first
  return h("table", { class: "data", id: "co-table" },
    h("thead", null, h("tr", null, cols.map((k) => h("th", { scope: "col" }, t(k))), withdraw ? h("th", { scope: "col" }) : null)),
    h("tbody", null, rows.map((c) => h("tr", { dataset: { correction: c.id, status: c.status, action: c.action } },
      h("td", null, h("div", null, `#${c.id} `, t(`co_action_${c.action}`), c.kind ? ` · ${kindName(c.kind)}` : ""),
        what(c)),
      h("td", null, c.who || "—"),
      h("td", { class: "date" }, beijingTime(c.created_at) || c.created_at),
      h("td", null, c.why),
      h("td", null, h("span", { class: `badge ${c.status === "applies" ? "corr-applies" : "corr-stale"}` },
        t(`co_status_${c.status}`))),
      withdraw ? h("td", null, h("button", { type: "button", class: "btn danger", dataset: { withdraw: c.id },
        on: { click: (e) => withdraw(c, e.currentTarget) } }, t("co_withdraw"))) : null))));
}

/** What a decision is about: the span's text (a link to the reader there), the form merged or blocked, the values. */
function what(c) {
  const value = c.value ? ` → ${c.value}` : "";
  if (c.doc_id && Number.isInteger(c.start)) {
    return h("div", { class: "small" }, h("a", { href: `#/doc/${c.doc_id}?at=${c.start}-${c.end}` }, `«${c.text || ""}»`), value);
  }
  return h("div", { class: "small" }, c.surface ? `«${c.surface}»` : "", value, c.scope ? ` (${c.scope}${c.site ? " " + c.site : ""})` : "");
}
