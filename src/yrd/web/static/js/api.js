// JSON API access (same origin only) with a small cache for data every view shares. Every URL to /api/ carries the
// session's "as of" date when one is set (session.js), so the whole dashboard shows the knowledge base as it stood.

import { asOf } from "./session.js";

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** "/api/events", {type: "signing", place: ""} -> "/api/events?type=signing" (empty values dropped; as_of added). */
export function url(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === null || v === undefined || v === "") continue;
    q.set(k, String(v));
  }
  const then = asOf();
  if (then && path.startsWith("/api/") && !q.has("as_of")) q.set("as_of", then);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export async function get(path, params) {
  const res = await fetch(url(path, params), { headers: { Accept: "application/json" }, credentials: "same-origin" });
  if (!res.ok) {
    let detail = res.statusText;
    try {
      const body = await res.json();
      if (body && body.detail) detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
    } catch { /* not JSON */ }
    throw new ApiError(res.status, `${res.status} ${detail}`);
  }
  return res.json();
}

const cache = new Map();

/** Memoised GET for data that does not change while the page is open (stats, the place list, boundaries). */
export function cached(path, params) {
  const key = url(path, params);
  if (!cache.has(key)) {
    const p = get(path, params);
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return cache.get(key);
}

/** Every page of a paginated endpoint, up to ``max`` items. */
export async function getAll(path, params, max = 5000) {
  const limit = 500;
  let offset = 0;
  const items = [];
  let total = 0;
  do {
    const page = await get(path, { ...params, limit, offset });
    total = page.total;
    items.push(...page.items);
    offset += limit;
  } while (offset < total && items.length < max);
  return { total, items };
}

export const stats = () => cached("/api/stats");
/** The domain's vocabularies (yrd.model): event and relation types, project stages in order, statuses … */
export const vocabulary = () => cached("/api/vocabulary");
export const allPlaces = () => cached("/api/places", { limit: 5000 });
export const boundaries = () => cached("/api/geo/boundaries");

/** A write (POST, DELETE …) with a JSON body and the server's token, which the user typed (sessionStorage only);
 * errors as ``get``'s: the server's one-sentence detail. */
export async function send(method, path, body, token) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(path, { method, headers, credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body) });
  let data = null;
  try { data = await res.json(); } catch { /* not JSON */ }
  if (!res.ok) {
    const detail = data && data.detail ? (typeof data.detail === "string" ? data.detail : JSON.stringify(data.detail)) : res.statusText;
    throw new ApiError(res.status, `${res.status} ${detail}`);
  }
  return data;
}
