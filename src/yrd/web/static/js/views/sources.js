// 来源 Sources: every source the observatory polls with its health (status, last success, last error, items per
// day, next poll). With the server's token (typed here, kept in sessionStorage only, sent as a Bearer header),
// a form adds a source and each row can be removed; without it the page only reads.

import { cached, get, send } from "../api.js";
import { h, clear, beijingTime, extLink } from "../dom.js";
import { token, setToken } from "../session.js";
import { t, formatNumber } from "../i18n.js";
import { empty, errorBox, field, pageHeader } from "../widgets.js";

export async function render(view, ctx) {
  const tableWrap = h("div", { class: "table-wrap", id: "src-table-wrap" });
  const note = h("p", { class: "small note", id: "src-note", role: "status", "aria-live": "polite" });
  const tokenCard = h("section", { class: "card", id: "src-token-card" });
  const formCard = h("section", { class: "card", id: "src-add-card" });
  view.append(pageHeader(t("src_title"), t("src_hint")), h("section", { class: "card" }, note, tableWrap), tokenCard, formCard);

  const say = (text, bad = false) => {
    note.textContent = text;
    note.className = `small note ${bad ? "bad" : "good"}`;
  };

  const load = async () => {
    let data;
    try {
      data = await get("/api/sources");
    } catch (err) {
      clear(tableWrap).append(errorBox(err));
      return;
    }
    if (!ctx.alive()) return;
    clear(tableWrap).append(sourceTable(data.items, token() ? remove : null));
  };

  const remove = async (source, button) => {
    if (button.dataset.armed !== "1") {  // a second click confirms (no modal dialog)
      button.dataset.armed = "1";
      button.textContent = t("src_remove_confirm");
      return;
    }
    button.disabled = true;
    try {
      await send("DELETE", `/api/sources/${source.id}`, undefined, token());
      say(t("src_removed", { name: source.name }));
      await load();
    } catch (err) {
      say(err.message, true);
      button.disabled = false;
    }
  };

  const drawToken = () => {
    const has = Boolean(token());
    const input = h("input", { id: "src-token", type: "password", class: "input", autocomplete: "off",
      placeholder: t("src_token_ph"), spellcheck: "false" });
    clear(tokenCard).append(h("h2", null, t("src_token")), h("p", { class: "muted small" }, t("src_token_hint")),
      has ? h("div", { class: "filters" }, h("span", { id: "src-token-state" }, t("src_token_set")),
        h("button", { type: "button", class: "btn", id: "src-token-clear", on: { click: () => {
          setToken("");
          drawToken();
          drawForm();
          load();
        } } }, t("src_token_clear")))
        : h("form", { class: "filters", id: "src-token-form", on: { submit: (e) => {
          e.preventDefault();
          setToken(input.value.trim());
          drawToken();
          drawForm();
          load();
        } } }, field(t("src_token"), input, "src-token"),
        h("button", { type: "submit", class: "btn primary", id: "src-token-save" }, t("src_token_save"))));
  };

  const drawForm = () => {
    clear(formCard);
    if (!token()) {
      formCard.hidden = true;
      return;
    }
    formCard.hidden = false;
    const url = h("input", { id: "src-url", type: "url", class: "input wide", placeholder: "https://example.cn/rss.xml",
      autocomplete: "off", spellcheck: "false", maxlength: "2000" });
    const name = h("input", { id: "src-name", type: "text", class: "input", placeholder: t("src_name_ph"), maxlength: "200" });
    const every = h("input", { id: "src-every", type: "text", class: "input short", value: "30m", maxlength: "20" });
    const links = h("input", { id: "src-links", type: "text", class: "input", placeholder: t("src_links_ph"), maxlength: "500",
      spellcheck: "false" });
    const allow = h("input", { id: "src-private", type: "checkbox" });
    const form = h("form", { class: "filters", id: "src-add-form", on: { submit: async (e) => {
      e.preventDefault();
      const body = { url: url.value.trim(), every: every.value.trim() || "30m", allow_private: allow.checked };
      if (name.value.trim()) body.name = name.value.trim();
      if (links.value.trim()) body.links = links.value.trim();
      try {
        const added = await send("POST", "/api/sources", body, token());
        say(t("src_added", { name: added.name }));
        url.value = name.value = links.value = "";
        await load();
      } catch (err) {
        say(err.message, true);
      }
    } } },
    field(t("src_url"), url, "src-url"), field(t("src_name"), name, "src-name"), field(t("src_every"), every, "src-every"),
    field(t("src_links"), links, "src-links"),
    h("label", { class: "toggle", for: "src-private" }, allow, t("src_private")),
    h("button", { type: "submit", class: "btn primary", id: "src-add" }, t("src_add")));
    formCard.append(h("h2", null, t("src_add_title")), h("p", { class: "muted small" }, t("src_add_hint")), form);
  };

  // a server started without a token has no write routes (its OpenAPI document says so): nothing to type in
  const writable = await cached("/openapi.json").then((d) => Boolean(d.paths?.["/api/sources"]?.post), () => true);
  if (!ctx.alive()) return;
  if (writable) {
    drawToken();
    drawForm();
  } else {
    setToken("");
    formCard.hidden = true;
    tokenCard.append(h("p", { class: "muted small", id: "src-read-only" }, t("src_read_only")));
  }
  await load();
}

function sourceTable(items, remove) {
  if (!items.length) return empty(t("src_none"));
  const cols = ["src_name", "src_status", "src_every", "src_last_success", "src_last_error", "src_per_day", "src_next"];
  return h("table", { class: "data", id: "src-table" },
    h("thead", null, h("tr", null, cols.map((k) => h("th", { scope: "col" }, t(k))), remove ? h("th", { scope: "col" }) : null)),
    h("tbody", null, items.map((s) => h("tr", { dataset: { source: s.id, status: s.status } },
      h("td", null, h("div", { class: "src-name" }, s.name), extLink(s.url, s.url),
        s.kind ? h("span", { class: "muted small" }, " · ", t(`src_kind_${s.kind}`)) : null),
      h("td", null, h("span", { class: `badge health health-${s.status}` }, t(`src_status_${s.status}`)),
        s.failures > 1 ? h("div", { class: "muted small" }, t("src_failures", { n: s.failures })) : null),
      h("td", null, s.every),
      h("td", { class: "date" }, s.last_success_at ? beijingTime(s.last_success_at) : "—"),
      h("td", { class: "error-cell" }, s.last_error ? [h("div", { class: "bad" }, s.last_error),
        h("div", { class: "muted small" }, beijingTime(s.last_error_at))] : "—"),
      h("td", { class: "num" }, formatNumber(s.items_per_day, 1)),
      h("td", { class: "date" }, s.next_due_at ? beijingTime(s.next_due_at) : t("src_due_now")),
      remove ? h("td", null, h("button", { type: "button", class: "btn danger", dataset: { remove: s.id },
        on: { click: (e) => remove(s, e.currentTarget) } }, t("src_remove"))) : null))));
}
