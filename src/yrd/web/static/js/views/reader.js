// 文档 Reader: the clean text with every fact highlighted by kind (hover for the normalised value), a legend
// that toggles kinds, the document's metadata and copies; ?at=START-END scrolls to and flashes that span. With the
// server's token (edit mode, js/edit.js) a click on a highlight lists the facts there, each with a "更正" control,
// and a selection of text can be added as a place.

import { get } from "../api.js";
import { h, clear, day, beijingTime, extLink } from "../dom.js";
import { KIND_ORDER, CLAUSE_KINDS, describe, segments, spansOf } from "../facts.js";
import { t, kindName } from "../i18n.js";
import { addPlaceForm, correctControl, editing } from "../edit.js";
import { KIND_COLORS, readerHref, empty } from "../widgets.js";

const UNDERLINE_OFFSETS = { event: 2, relation: 4, target: 6 };

function parseAt(value, n) {
  const m = /^(\d+)-(\d+)$/.exec(value || "");
  if (!m) return null;
  const s = Number(m[1]), e = Number(m[2]);
  return s < e && e <= n ? { start: s, end: e } : null;
}

/** The text as segment elements: every segment is a <span data-s data-e>, highlighted ones have class hl. */
function renderText(box, text, spans, enabled, at) {
  clear(box);
  const visible = spans.filter((s) => enabled.has(s.kind));
  const frag = document.createDocumentFragment();
  for (const seg of segments(text.length, visible, at ? [at.start, at.end] : [])) {
    const el = document.createElement("span");
    el.textContent = text.slice(seg.start, seg.end);
    el.dataset.s = String(seg.start);
    el.dataset.e = String(seg.end);
    if (at && seg.start >= at.start && seg.end <= at.end) el.classList.add("at");
    if (seg.spans.length) {
      const kinds = [...new Set(seg.spans.map((s) => s.kind))];
      el.classList.add("hl", ...kinds.map((k) => `k-${k}`));
      el.dataset.kinds = kinds.join(" ");
      // the innermost short kind gives the background; clause kinds stack underlines
      const token = seg.spans.filter((s) => !CLAUSE_KINDS.has(s.kind)).sort((a, b) => (a.end - a.start) - (b.end - b.start))[0];
      if (token) el.classList.add(`tok-${token.kind}`);
      const lines = kinds.filter((k) => CLAUSE_KINDS.has(k)).map((k) => `inset 0 -${UNDERLINE_OFFSETS[k]}px 0 ${KIND_COLORS[k]}`);
      if (lines.length) el.style.boxShadow = lines.reverse().join(", ");
      // innermost first: hovering a place inside an event sentence names the place first
      const inner = [...seg.spans].sort((a, b) => (a.end - a.start) - (b.end - b.start));
      el.title = [...new Set(inner.map((s) => s.info))].join("\n");
    }
    frag.append(el);
  }
  box.append(frag);
}

function flash(box, start, end, scroll = true) {
  const els = [...box.querySelectorAll("span[data-s]")].filter((el) => Number(el.dataset.s) >= start && Number(el.dataset.e) <= end);
  if (!els.length) return;
  for (const el of els) {
    el.classList.remove("flash");
    void el.offsetWidth; // restart the animation
    el.classList.add("flash");
  }
  if (scroll) els[0].scrollIntoView({ block: "center", behavior: "smooth" });
}

export async function render(view, ctx) {
  const id = ctx.args[0] || "";
  const doc = await get(`/api/documents/${encodeURIComponent(id)}`);
  if (!ctx.alive()) return;
  const text = doc.text || "";
  const at = parseAt(ctx.query.get("at"), text.length);
  const spans = spansOf(doc);
  const counts = {};
  for (const s of spans) counts[s.kind] = (counts[s.kind] || 0) + 1;
  const present = KIND_ORDER.filter((k) => counts[k]);
  const enabled = new Set(present);

  const textBox = h("div", { class: "reader-text", id: "reader-text", lang: "zh-CN" });
  const legend = h("div", { class: "legend-toggles", role: "group", "aria-label": t("rd_legend") },
    present.map((k) => {
      const btn = h("button", { type: "button", class: "legend-toggle", "aria-pressed": "true", dataset: { kind: k },
        style: { "--c": KIND_COLORS[k] } }, h("span", { class: "sw" }), kindName(k), h("span", { class: "n" }, String(counts[k])));
      btn.addEventListener("click", () => {
        if (enabled.has(k)) enabled.delete(k); else enabled.add(k);
        btn.setAttribute("aria-pressed", String(enabled.has(k)));
        renderText(textBox, text, spans, enabled, at);
      });
      return btn;
    }));

  const src = doc.source || {};
  const meta = doc.meta || {};
  const dl = h("dl", { class: "facts-dl" });
  const row = (label, value) => { if (value !== null && value !== undefined && value !== "") dl.append(h("dt", null, label), h("dd", null, value)); };
  row(t("rd_publisher"), src.publisher || t("unknown_publisher"));
  row(t("rd_published"), beijingTime(doc.published_at) || "—");
  row(t("rd_author"), src.author);
  row(t("rd_editor"), meta.editor);
  row(t("rd_url"), src.url ? extLink(src.url, hostOf(src.url)) : null);
  row(t("rd_format"), [src.format, meta.encoding].filter(Boolean).join(" · "));
  row(t("rd_script"), doc.script && doc.script !== "zh-Hans" ? `${doc.script} (${t("rd_converted")})` : doc.script);
  row(t("rd_version"), doc.version ? `${doc.version}${doc.is_current === false ? " · " + t("rd_not_current") : ""}` : null);
  row(t("rd_dup_of"), doc.duplicate_of ? h("a", { href: readerHref(doc.duplicate_of) }, doc.duplicate_of) : null);
  row(t("rd_copies"), doc.copies && doc.copies.length ? h("span", null, doc.copies.map((c, i) => [i ? ", " : "", h("a", { href: readerHref(c) }, c)])) : null);
  row(t("rd_id"), h("code", null, doc.id));

  // a correction is stored as a new version of the article: show the version now current
  const reload = async () => {
    const now = await get(`/api/documents/${encodeURIComponent(id)}`);
    ctx.go("doc", [now.current_id || id], Object.fromEntries(ctx.query));
  };
  const target = (s) => ({ docId: doc.id, kind: s.kind, start: s.start, end: s.end, spanText: text.slice(s.start, s.end),
    expected: s.text });
  const editPanel = editing() ? h("section", { class: "card", id: "edit-panel" }, h("h2", null, t("ed_title"))) : null;
  const showEdit = (...children) => {
    clear(editPanel).append(h("h2", null, t("ed_title")), ...children);
    editPanel.scrollIntoView({ block: "nearest" });
  };
  if (editPanel) {
    editPanel.append(h("p", { class: "muted small" }, t("ed_reader_hint")));
    textBox.classList.add("editing");
    textBox.addEventListener("mouseup", () => {
      const span = selectedSpan(textBox);
      if (span) showEdit(addPlaceForm({ docId: doc.id, start: span.start, end: span.end, spanText: text.slice(span.start, span.end) }, reload));
    });
    textBox.addEventListener("click", (e) => {
      const el = e.target.closest && e.target.closest("span[data-s]");
      const sel = window.getSelection();
      if (!el || !el.classList.contains("hl") || (sel && !sel.isCollapsed)) return;
      const a = Number(el.dataset.s), b = Number(el.dataset.e);
      const here = spans.filter((x) => enabled.has(x.kind) && x.start <= a && x.end >= b)
        .sort((x, y) => (x.end - x.start) - (y.end - y.start));
      showEdit(h("ul", { class: "fact-list edit-list", id: "edit-facts" }, here.map((x) => h("li", { style: { "--c": KIND_COLORS[x.kind] },
        dataset: { kind: x.kind, span: `${x.start}-${x.end}` } },
      h("span", { class: "sw" }), kindName(x.kind), " · ", describe(x.kind, x.fact),
      h("div", { class: "muted small" }, `«${text.slice(x.start, x.end).slice(0, 60)}» ${x.start}–${x.end}`),
      correctControl(target(x), reload)))));
    });
  }

  const factList = h("ul", { class: "fact-list" });
  for (const k of present) {
    const seen = new Set();
    for (const s of spans.filter((x) => x.kind === k)) {
      const key = k === "place" || k === "person" || k === "organization" ? `${k}:${s.fact.name}` : `${k}:${s.start}`;
      if (seen.has(key)) continue;
      seen.add(key);
      factList.append(h("li", { style: { "--c": KIND_COLORS[k] }, tabindex: "0", dataset: { kind: k },
        on: { click: () => flash(textBox, s.start, s.end), keydown: (e) => { if (e.key === "Enter") flash(textBox, s.start, s.end); } } },
      h("span", { class: "sw" }), describe(k, s.fact),
      k === "place" && s.fact.adcode ? [" ", h("a", { href: `#/place/${s.fact.adcode}`, on: { click: (e) => e.stopPropagation() } }, "→")] : null,
      correctControl(target(s), reload)));
    }
  }

  view.append(h("div", { class: "reader-layout" },
    h("article", { class: "card reader" },
      h("h1", { class: "reader-title", id: "reader-title" }, doc.title || id),
      h("div", { class: "meta" }, src.publisher || t("unknown_publisher"), " · ", day(doc.published_at) || "—",
        at ? [" · ", h("a", { href: "#", on: { click: (e) => { e.preventDefault(); flash(textBox, at.start, at.end); } } }, t("rd_at"))] : null),
      h("hr", { class: "sep" }),
      text ? textBox : empty()),
    h("aside", { class: "reader-side" },
      editPanel,
      h("section", { class: "card" }, h("h2", null, t("rd_legend")), legend),
      h("section", { class: "card" }, h("h2", null, t("rd_meta")), dl),
      present.length ? h("section", { class: "card" }, h("h2", null, t("rd_facts")), factList) : null)));

  renderText(textBox, text, spans, enabled, at);
  if (at) requestAnimationFrame(() => flash(textBox, at.start, at.end));
}

/** The selection inside the text as {start, end} (offsets into the text: each segment knows where it starts). */
function selectedSpan(box) {
  const sel = window.getSelection();
  if (!sel || sel.isCollapsed || !sel.rangeCount) return null;
  const r = sel.getRangeAt(0);
  if (!box.contains(r.startContainer) || !box.contains(r.endContainer)) return null;
  const at = (node, off) => {
    const el = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    if (!el || !el.dataset || el.dataset.s === undefined) return null;
    return Number(el.dataset.s) + (node.nodeType === Node.TEXT_NODE ? off : (off ? el.textContent.length : 0));
  };
  const start = at(r.startContainer, r.startOffset), end = at(r.endContainer, r.endOffset);
  return start !== null && end !== null && end > start ? { start, end } : null;
}

function hostOf(url) {
  try { return new URL(url).host + new URL(url).pathname.slice(0, 40); } catch { return url; }
}
