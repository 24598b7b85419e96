// 更正 Edit mode: with the server's token (session.js) a fact gets a "更正" control — reject it (a reason is
// required), change a place's adcode or an event's date — and, in the reader, a selected span can become a place.
// Each is one POST /api/corrections on the fact's span, whose text is checked first against what the extractor
// said it reads; the server's refusal (401, 422) is shown as one line. Without the token nothing here is drawn.

import { send } from "./api.js";
import { h, clear } from "./dom.js";
import { t } from "./i18n.js";
import { token } from "./session.js";
import { placeInput, resolvePlace } from "./widgets.js";

/** The kinds a correction on a span can name (yrd/correct.py LISTS). */
export const CORRECTABLE = new Set(["place", "person", "organization", "amount", "target", "event", "relation",
  "project", "portfolio"]);

export const editing = () => Boolean(token());

let seq = 0;

/**
 * A "更正" button that opens its form below it, for one fact: target = {docId, kind, start, end, spanText (the
 * article's text on the span), expected (the fact's own text, when it has one)}; onDone() once it is kept.
 */
export function correctControl(target, onDone) {
  if (!editing() || !CORRECTABLE.has(target.kind) || !target.docId) return null;
  const holder = h("div", { class: "edit-holder" });
  const btn = h("button", { type: "button", class: "btn edit-btn", dataset: { edit: target.kind },
    "aria-expanded": "false", on: { click: (e) => {
      e.stopPropagation();
      const open = !holder.firstChild;
      clear(holder);
      if (open) holder.append(correctForm(target, onDone));
      btn.setAttribute("aria-expanded", String(open));
    } } }, t("ed_correct"));
  return h("span", { class: "edit-wrap" }, btn, holder);
}

/** The form for one fact: reject, or change (a place's adcode, an event's date), with the reason. */
export function correctForm(target, onDone) {
  const id = `ed-${++seq}`;
  const change = target.kind === "place" ? "ed_change_adcode" : target.kind === "event" ? "ed_change_date" : null;
  const action = h("select", { id: `${id}-action`, class: "input edit-action" },
    h("option", { value: "reject" }, t("ed_reject")), change ? h("option", { value: "change" }, t(change)) : null);
  const value = target.kind === "place" ? placeInput(`${id}-code`, "")
    : target.kind === "event" ? h("input", { id: `${id}-date`, type: "date", class: "input" }) : null;
  const valueField = value ? h("span", { class: "edit-value", hidden: true }, value) : null;
  action.addEventListener("change", () => { if (valueField) valueField.hidden = action.value !== "change"; });
  return form(id, target, [action, valueField], async () => {
    const body = base(target, action.value);
    if (action.value === "change") {
      if (target.kind === "place") {
        const code = await resolvePlace(value.querySelector("input").value);
        if (!code) throw new Error(t("ed_need_adcode"));
        body.set = { adcode: code };
      } else {
        if (!value.value) throw new Error(t("ed_need_date"));
        body.set = { date: value.value };
      }
    }
    return body;
  }, onDone);
}

/** The reader's "添加地点": a place (by adcode) on the span the user selected. */
export function addPlaceForm(target, onDone) {
  const id = `ed-${++seq}`;
  const value = placeInput(`${id}-code`, "");
  return form(id, { ...target, kind: "place" }, [h("span", { class: "edit-what" }, t("ed_add_place"), " «", target.spanText, "»"), value],
    async () => {
      const code = await resolvePlace(value.querySelector("input").value);
      if (!code) throw new Error(t("ed_need_adcode"));
      return { ...base({ ...target, kind: "place" }, "add"), set: { adcode: code } };
    }, onDone);
}

function base(target, action) {
  return { action, doc_id: target.docId, kind: target.kind, start: target.start, end: target.end };
}

function form(id, target, controls, build, onDone) {
  const why = h("input", { id: `${id}-why`, type: "text", class: "input reason", maxlength: "2000",
    placeholder: t("ed_why_ph"), "aria-label": t("ed_why") });
  const note = h("div", { class: "small edit-note", role: "status", "aria-live": "polite" });
  const submit = h("button", { type: "submit", class: "btn primary edit-submit" }, t("ed_send"));
  const fail = (msg) => { note.textContent = msg; note.className = "small edit-note bad"; };
  return h("form", { class: "edit-form", id, on: { click: (e) => e.stopPropagation(), submit: async (e) => {
    e.preventDefault();
    if (!why.value.trim()) { fail(t("ed_need_why")); why.focus(); return; }
    // the span must still read what the fact says (the reader's text and the extractor's offsets agree)
    if (target.expected !== undefined && target.expected !== null && target.spanText !== target.expected) {
      fail(t("ed_span_mismatch", { a: target.spanText, b: target.expected }));
      return;
    }
    submit.disabled = true;
    try {
      const body = await build();
      body.why = why.value.trim();
      await send("POST", "/api/corrections", body, token());
      note.textContent = t("ed_kept");
      note.className = "small edit-note good";
      await onDone();
    } catch (err) {
      fail(String(err && err.message ? err.message : err).split("\n")[0]);
      submit.disabled = false;
    }
  } } }, ...controls, why, submit, note);
}
