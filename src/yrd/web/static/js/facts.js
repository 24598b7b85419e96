// Facts as readable text (tooltips, lists) and as spans over a document's text (the reader's highlights).

import {
  t, approxName, eventTypeName, formatAmount, kindName, levelName, orgKindName, relationTypeName, getLang, precisionName,
} from "./i18n.js";

export const KIND_ORDER = ["place", "person", "organization", "amount", "date", "target", "event", "relation"];
/** Kinds that cover whole clauses or sentences: drawn as underlines so the short kinds inside stay visible. */
export const CLAUSE_KINDS = new Set(["target", "event", "relation"]);

const sep = () => (getLang() === "en" ? ", " : "、");

function rawValue(a) {
  if (a.value === null || a.value === undefined) return "";
  const v = a.value_max !== null && a.value_max !== undefined ? `${a.value}–${a.value_max}` : String(a.value);
  return `${v} ${a.unit || ""}`.trim();
}

/** One line describing a fact: the normalised value (adcode, base units, ISO date …). */
export function describe(kind, f) {
  switch (kind) {
    case "place":
      return [f.name, levelName(f.level), f.adcode || f.code, f.lat != null ? `${f.lat}, ${f.lon}` : null].filter(Boolean).join(" · ");
    case "person":
      return [f.name, f.title].filter(Boolean).join(" — ");
    case "organization":
      return [f.name, orgKindName(f.kind)].filter(Boolean).join(" · ");
    case "amount": {
      const q = approxName(f.approx);
      return `${formatAmount(f)}  =  ${q ? q + " " : ""}${rawValue(f)}`;
    }
    case "date":
      return `${f.text} → ${f.value}${f.end_value ? " – " + f.end_value : ""} (${precisionName(f.precision)}${f.relative ? ", " + precisionName("relative") : ""})`;
    case "target": {
      const goal = f.value === null || f.value === undefined ? t("tg_qualitative") : `${formatAmount(f)} (${rawValue(f)})`;
      return `${t("tg_deadline")} ${f.deadline ?? "?"} · ${f.metric || ""} · ${goal}${f.subject ? " · " + f.subject : ""}`;
    }
    case "event":
      return [eventTypeName(f.type), f.date, (f.participants || []).join(sep()), f.place].filter(Boolean).join(" · ");
    case "relation":
      return [relationTypeName(f.type), (f.parties || []).join(sep()), f.topic].filter(Boolean).join(" · ");
    default:
      return kindName(kind);
  }
}

/** Every fact of a fact sheet as {kind, start, end, text, info, fact}; mentions of places/people/organisations each count. */
export function spansOf(doc) {
  const n = (doc.text || "").length;
  const out = [];
  // text: what the extractor says the span reads (a mention's text, else the fact's), checked before a correction
  const add = (kind, start, end, fact, text = fact.text) => {
    if (Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end > start && end <= n) {
      out.push({ kind, start, end, fact, text, info: `${kindName(kind)}: ${describe(kind, fact)}` });
    }
  };
  for (const p of doc.places || []) for (const m of p.mentions || []) add("place", m.start, m.end, p, m.text);
  for (const p of doc.people || []) for (const m of p.mentions || []) add("person", m.start, m.end, p, m.text);
  for (const o of doc.organizations || []) for (const m of o.mentions || []) add("organization", m.start, m.end, o, m.text);
  for (const a of doc.amounts || []) add("amount", a.start, a.end, a);
  for (const d of (doc.meta && doc.meta.dates) || []) add("date", d.start, d.end, d);
  for (const x of doc.targets || []) add("target", x.start, x.end, x);
  for (const e of doc.events || []) add("event", e.start, e.end, e);
  for (const r of doc.relations || []) add("relation", r.start, r.end, r);
  return out;
}

/**
 * Split [0, n) at every span boundary: each segment with the spans that cover it (nested and overlapping spans
 * become flat, non-overlapping segments). ``extra`` offsets (e.g. the ``at`` span) are boundaries too.
 */
export function segments(n, spans, extra = []) {
  const cuts = new Set([0, n, ...extra.filter((x) => x >= 0 && x <= n)]);
  for (const s of spans) { cuts.add(s.start); cuts.add(s.end); }
  const points = [...cuts].sort((a, b) => a - b);
  const byStart = [...spans].sort((a, b) => a.start - b.start);
  const out = [];
  let active = [];
  let next = 0;
  for (let i = 0; i < points.length - 1; i++) {
    const a = points[i], b = points[i + 1];
    if (a === b) continue;
    while (next < byStart.length && byStart[next].start <= a) active.push(byStart[next++]);
    active = active.filter((s) => s.end > a);
    out.push({ start: a, end: b, spans: active.filter((s) => s.start <= a && s.end >= b) });
  }
  return out;
}
