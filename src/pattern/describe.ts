/** Human descriptions of pattern alternatives and event values, for explanations. */
import type { CompiledField, Matcher } from "./compile.js";
import { RawNumber } from "./json.js";

function q(value: unknown): string {
  return JSON.stringify(value);
}

function range(m: Extract<Matcher, { kind: "numeric" }>): string {
  if (m.low === m.high) return `= ${m.low}`;
  const parts: string[] = [];
  if (m.low !== -Number.MAX_VALUE) parts.push(`${m.lowOpen ? ">" : ">="} ${m.low}`);
  if (m.high !== Number.MAX_VALUE) parts.push(`${m.highOpen ? "<" : "<="} ${m.high}`);
  return parts.join(" and ");
}

/** One alternative, e.g. `prefix "orders."`. */
export function describeMatcher(m: Matcher): string {
  switch (m.kind) {
    case "string":
      return q(m.value);
    case "ip":
      return q(m.text);
    case "number":
      return m.text;
    case "raw-number":
      return m.text;
    case "literal":
      return m.value;
    case "prefix":
      return `prefix ${q(m.value)}`;
    case "suffix":
      return `suffix ${q(m.value)}`;
    case "prefix-ignore-case":
      return `prefix ${q(m.value)} (ignoring case)`;
    case "suffix-ignore-case":
      return `suffix ${q(m.value)} (ignoring case)`;
    case "equals-ignore-case":
      return `${q(m.value)} (ignoring case)`;
    case "wildcard":
      return `wildcard ${q(m.value)}`;
    case "anything-but":
      return `anything but ${m.display.length === 1 ? q(m.display[0]) : q(m.display)}`;
    case "anything-but-ignore-case":
      return `anything but ${q(m.values)} (ignoring case)`;
    case "anything-but-prefix":
      return `anything not starting with ${m.values.map(q).join(" or ")}`;
    case "anything-but-suffix":
      return `anything not ending with ${m.values.map(q).join(" or ")}`;
    case "anything-but-wildcard":
      return `anything not matching wildcard ${m.values.map(q).join(" or ")}`;
    case "numeric":
      return `a number ${range(m)}`;
    case "cidr":
      return `an IP address in ${m.text}`;
    case "exists":
      return "the field to exist";
  }
}

const EXACT = new Set(["string", "ip", "number", "raw-number", "literal"]);

/** What a field expects, e.g. `one of ["A", "B"]` or `prefix "x" or the field to be absent`. */
export function describeField(field: CompiledField): string {
  const exact = field.matchers.filter((m) => EXACT.has(m.kind));
  const others = field.matchers.filter((m) => !EXACT.has(m.kind));
  const parts: string[] = [];
  if (exact.length > 0) parts.push(`one of [${exact.map(describeMatcher).join(", ")}]`);
  for (const m of others) parts.push(describeMatcher(m));
  if (field.absent) parts.push(parts.length === 0 ? "the field to be absent" : "the field to be absent");
  return parts.join(" or ");
}

/** An event value as it reads in JSON (RawNumber as its literal text). */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing (the field is absent)";
  if (value instanceof RawNumber) return value.text;
  try {
    const text = JSON.stringify(value, (_k, v: unknown) => (v instanceof RawNumber ? Number(v.text) : v));
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  } catch {
    return String(value);
  }
}
