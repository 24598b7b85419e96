// Safe DOM building. Article text, titles and names are untrusted: they only ever become text nodes
// (textContent) or checked attribute values, never HTML. No innerHTML anywhere in the dashboard.

const SAFE_ATTRS = new Set([
  "id", "class", "title", "role", "tabindex", "type", "name", "value", "placeholder", "for", "min", "max",
  "step", "list", "checked", "selected", "disabled", "multiple", "colspan", "rowspan", "scope", "lang",
  "autocomplete", "download", "rel", "target", "hidden", "datetime", "label", "spellcheck", "size",
  "maxlength", "inputmode", "pattern", "accesskey", "alt", "width", "height",
]);

/** Whether ``url`` is an absolute http(s) URL (the only kind of external link the dashboard makes). */
export function isHttpUrl(url) {
  if (typeof url !== "string" || !url) return false;
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}

/** Internal links are hash routes only. */
function safeHref(href) {
  if (typeof href !== "string") return null;
  if (href.startsWith("#/") || href === "#") return href;
  if (href.startsWith("/api/") || href === "/docs") return href;
  return isHttpUrl(href) ? href : null;
}

/**
 * h("a", {href: "#/doc/1", class: "x", dataset: {kind: "place"}, on: {click: fn}}, "text", child, [more])
 * Children: strings/numbers become text nodes; null/false are skipped; arrays are flattened.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "on") {
        for (const [ev, fn] of Object.entries(value)) el.addEventListener(ev, fn);
      } else if (key === "dataset") {
        for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) el.dataset[k] = String(v);
      } else if (key === "style") {
        for (const [k, v] of Object.entries(value)) el.style.setProperty(k, String(v));
      } else if (key === "href") {
        const safe = safeHref(value);
        if (safe) el.setAttribute("href", safe);
        if (safe && isHttpUrl(safe)) {
          el.setAttribute("rel", "noopener noreferrer");
          el.setAttribute("target", "_blank");
        }
      } else if (key === "src") {
        if (typeof value === "string" && value.startsWith("/static/")) el.setAttribute("src", value); // own assets only
      } else if (key === "text") {
        el.textContent = String(value);
      } else if (key.startsWith("aria-") || key.startsWith("data-") || SAFE_ATTRS.has(key)) {
        el.setAttribute(key, value === true ? "" : String(value));
      } else if (key === "checkedProp") {
        el.checked = Boolean(value);
      } else {
        throw new Error(`h(): attribute ${key} not allowed`);
      }
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** An external link (http/https only; otherwise the text alone), opened without referrer. */
export function extLink(url, label) {
  if (!isHttpUrl(url)) return h("span", { class: "muted" }, label ?? "");
  return h("a", { href: url, class: "ext" }, label ?? url);
}

export function debounce(fn, ms = 250) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

const BEIJING = 8 * 60; // minutes east of UTC: every time is shown in Beijing time, the zone of the news itself

/** A stored time (ISO 8601 with its offset) in Beijing time with the zone said:
 * "2023-03-15T02:30:00+00:00" -> "2023-03-15 10:30 (UTC+8)"; ``withTime`` false: the Beijing day, "2023-03-15".
 * A bare date stays a bare date; a time without a zone is Beijing time (as the readers store it). */
export function beijingTime(iso, withTime = true) {
  if (typeof iso !== "string" || !iso) return "";
  if (iso.length <= 10) return iso;
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(iso);
  if (!m) return iso.slice(0, 10);
  let offset = BEIJING;
  if (m[7] === "Z") offset = 0;
  else if (m[7]) {
    const z = m[7].replace(":", "");
    offset = (z[0] === "-" ? -1 : 1) * (Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5) || 0));
  }
  const t = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0)) + (BEIJING - offset) * 60000);
  const p = (n) => String(n).padStart(2, "0");
  const d = `${t.getUTCFullYear()}-${p(t.getUTCMonth() + 1)}-${p(t.getUTCDate())}`;
  return withTime ? `${d} ${p(t.getUTCHours())}:${p(t.getUTCMinutes())} (UTC+8)` : d;
}

/** "2024-12-26T01:30:00+00:00" -> "2024-12-26" (its day in Beijing time; a bare date as it is). */
export function day(iso) {
  return beijingTime(iso, false);
}

/** Download ``text`` as a file (used for CSV export). */
export function download(filename, text, type = "text/csv;charset=utf-8") {
  const blob = new Blob(["\uFEFF", text], { type });
  const url = URL.createObjectURL(blob);
  const a = h("a", { download: filename, hidden: true });
  a.href = url; // a blob: URL we made ourselves
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A CSV field, quoted as RFC 4180 wants; formula-looking cells are defused for spreadsheets. */
export function csvField(value) {
  let s = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = "'" + s;
  return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}
