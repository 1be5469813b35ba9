/**
 * The Condition element: operators, set qualifiers, `...IfExists`, `Null` and policy variables,
 * evaluated against a request's context. Rules from the IAM User Guide pages "IAM JSON policy
 * elements: Condition operators", "Condition", "Conditions with multiple context keys or values",
 * "Single-valued vs. multivalued context keys" and "IAM policy elements: Variables and tags".
 */
import type { ConditionEntry } from "./document.js";
import type { AccessRequest, ContextValue } from "./request.js";
import { allOf, anyOf, not, type Match } from "./truth.js";
import { parseOperator, type Family, type Operator } from "./operator.js";
import { arnLikeMatches, globMatches, literalChars, patternChars, type PatternChar } from "./wildcard.js";

export { parseOperator, type Operator } from "./operator.js";

/** One condition test's verdict. */
export interface ConditionResult {
  operator: string;
  key: string;
  values: string[];
  /** The operator is a negated one (StringNotEquals, ArnNotLike, NotIpAddress, ...). */
  negated: boolean;
  matched: Match;
  /** The condition as written, e.g. `ArnNotLike aws:SourceArn arn:...` — a negation stays visible. */
  text: string;
  /** Why it holds, fails or cannot be told, in words. */
  reason: string;
}

// "You can use a policy variable with the String / Boolean / ARN condition operator"; the page
// says it cannot with Numeric, Date, Binary, IP address and Null.
const VARIABLE_FAMILIES = new Set<Family>(["String", "Bool", "Arn"]);

type KeyState = { state: "present"; value: ContextValue } | { state: "absent" } | { state: "unknown" };

/** The request's context, read: key names compare case-insensitively (IAM JSON policy elements: Condition). */
export class ContextReader {
  private readonly values = new Map<string, ContextValue>();
  private readonly absentAll: boolean;
  private readonly absent: string[];
  private readonly readings = new Map<string, string>();

  constructor(request: Pick<AccessRequest, "context" | "absent" | "readings">) {
    for (const [key, value] of Object.entries(request.context)) this.values.set(key.toLowerCase(), value);
    this.absentAll = request.absent === undefined || request.absent === "all-others";
    this.absent = Array.isArray(request.absent) ? request.absent.map((k) => k.toLowerCase()) : [];
    for (const [key, text] of Object.entries(request.readings ?? {})) this.readings.set(key.toLowerCase(), text);
  }

  get(key: string): KeyState {
    const k = key.toLowerCase();
    if (this.values.has(k)) return { state: "present", value: this.values.get(k)! };
    if (this.absentAll || this.absent.some((a) => (a.endsWith("*") ? k.startsWith(a.slice(0, -1)) : a === k))) return { state: "absent" };
    return { state: "unknown" };
  }

  /** The assumption behind a key's value, when the request states one. */
  reading(key: string): string | undefined {
    return this.readings.get(key.toLowerCase());
  }
}

/** A policy value after its variables are replaced: pattern characters, IAM's "null", or unknown. */
type Resolved = { state: "value"; chars: PatternChar[] } | { state: "null"; why: string } | { state: "unknown"; why: string };

/**
 * Replaces `${key}`, `${key, 'default'}`, `${*}`, `${?}` and `${$}` (IAM policy elements:
 * Variables and tags). Only policies with `"Version": "2012-10-17"` have variables; in others
 * `${...}` is literal text. A variable whose key is absent "is effectively null"; one whose key
 * may or may not be present makes the value unknown.
 */
export function resolveVariables(text: string, context: ContextReader, enabled: boolean): Resolved {
  if (!enabled || !text.includes("${")) return { state: "value", chars: patternChars(text) };
  const chars: PatternChar[] = [];
  let last = 0;
  for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
    chars.push(...patternChars(text.slice(last, match.index)));
    last = match.index + match[0].length;
    const inner = match[1]!;
    if (inner === "*" || inner === "?" || inner === "$") {
      chars.push(...literalChars(inner));
      continue;
    }
    const parsed = /^\s*([^,\s]+)\s*(?:,\s*'([^']*)'\s*)?$/.exec(inner);
    if (!parsed) return { state: "unknown", why: `cannot read the policy variable ${match[0]}` };
    const [, key, fallback] = parsed;
    const found = context.get(key!);
    if (found.state === "present") {
      if (Array.isArray(found.value)) return { state: "unknown", why: `${match[0]} names a multivalued key, which cannot be a policy variable` };
      chars.push(...literalChars(String(found.value)));
    } else if (found.state === "absent" && fallback !== undefined) {
      chars.push(...literalChars(fallback));
    } else if (found.state === "absent") {
      return { state: "null", why: `the request carries no ${key}, so ${match[0]} has no value` };
    } else {
      return { state: "unknown", why: `cannot resolve ${match[0]}: the request may or may not carry ${key}` };
    }
  }
  chars.push(...patternChars(text.slice(last)));
  return { state: "value", chars };
}

const text = (chars: PatternChar[]) => chars.map((p) => p.c).join("");

/** Compares one request value with one policy value; unknown when the comparison is undefined. */
function compare(operator: Operator, requestValue: string, policyValue: PatternChar[]): Match {
  const p = text(policyValue);
  switch (operator.base.replace("Not", "")) {
    case "StringEquals":
      return requestValue === p;
    case "StringEqualsIgnoreCase":
      return requestValue.toLowerCase() === p.toLowerCase();
    case "StringLike":
      return globMatches(policyValue, requestValue);
    case "NumericEquals":
    case "NumericLessThan":
    case "NumericLessThanEquals":
    case "NumericGreaterThan":
    case "NumericGreaterThanEquals":
      return order(operator.base, parseNumber(requestValue), parseNumber(p));
    case "DateEquals":
    case "DateLessThan":
    case "DateLessThanEquals":
    case "DateGreaterThan":
    case "DateGreaterThanEquals":
      return order(operator.base, parseDate(requestValue), parseDate(p));
    case "Bool":
      // Boolean conditions compare a key "to "true" or "false"": any other value cannot be read.
      if (p !== "true" && p !== "false") return "unknown";
      return requestValue === p;
    case "BinaryEquals":
      return sameBytes(requestValue, p);
    case "IpAddress":
      return ipInRange(requestValue, p);
    case "ArnEquals":
    case "ArnLike":
      return arnLikeMatches(policyValue, requestValue) ?? "unknown";
    default:
      return "unknown";
  }
}

function order(base: string, a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  if (base.endsWith("GreaterThanEquals")) return a >= b;
  if (base.endsWith("GreaterThan")) return a > b;
  if (base.endsWith("LessThanEquals")) return a <= b;
  if (base.endsWith("LessThan")) return a < b;
  return a === b;
}

function parseNumber(value: string): number {
  return value.trim() === "" ? NaN : Number(value);
}

/** A date "with one of the W3C implementations of the ISO 8601 date formats or in epoch (UNIX) time". */
function parseDate(value: string): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  return Date.parse(value);
}

function sameBytes(a: string, b: string): boolean {
  try {
    return atob(a) === atob(b);
  } catch {
    return false;
  }
}

/** The address as a number and its bit width; null when it is not an IPv4 or IPv6 address. */
function parseIp(address: string): { value: bigint; bits: number } | null {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) {
    const octets = address.split(".").map(Number);
    if (octets.some((o) => o > 255)) return null;
    return { value: octets.reduce((n, o) => (n << 8n) | BigInt(o), 0n), bits: 32 };
  }
  if (!/^[0-9a-fA-F:]+$/.test(address) || (address.match(/::/g) ?? []).length > 1) return null;
  const [head, tail] = address.includes("::") ? address.split("::") : [address, undefined];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  const groups = [...left, ...new Array<string>(tail === undefined ? 0 : missing).fill("0"), ...right];
  if (groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return null;
  return { value: groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n), bits: 128 };
}

/** "If you specify an IP address without the associated routing prefix, IAM uses the default prefix value of /32." */
function ipInRange(address: string, range: string): boolean {
  const [base, prefixText] = range.split("/");
  const ip = parseIp(address.trim());
  const net = parseIp(base!.trim());
  if (!ip || !net || ip.bits !== net.bits) return false;
  const prefix = prefixText === undefined ? net.bits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > net.bits) return false;
  const shift = BigInt(net.bits - prefix);
  return ip.value >> shift === net.value >> shift;
}

function show(value: ContextValue): string {
  return Array.isArray(value) ? `[${value.join(", ")}]` : String(value);
}

/** Evaluates one condition test against the request's context. */
export function evaluateCondition(entry: ConditionEntry, context: ContextReader, variables: boolean): ConditionResult {
  const written = `${entry.operator} ${entry.key} ${entry.values.length === 1 ? entry.values[0] : `[${entry.values.join(", ")}]`}`;
  const operator = parseOperator(entry.operator);
  const result = (matched: Match, why: string): ConditionResult => ({
    operator: entry.operator,
    key: entry.key,
    values: entry.values,
    negated: operator?.negated ?? false,
    matched,
    text: written,
    reason: `${written} ${matched === true ? "holds" : matched === false ? "does not hold" : "cannot be evaluated"}: ${why}`,
  });
  if (!operator) return result("unknown", `${entry.operator} is not an operator this evaluator implements`);
  const found = context.get(entry.key);

  if (operator.family === "Null") {
    // Null "true" means the key is absent; "false" that it is present.
    if (found.state === "unknown") return result("unknown", `cannot tell whether the request carries ${entry.key}`);
    const isNull = found.state === "absent";
    const wanted = entry.values.map((v) => (v === "true" ? isNull : v === "false" ? !isNull : ("unknown" as const)));
    return result(anyOf(wanted), isNull ? `the request carries no ${entry.key}` : `the request carries ${entry.key}`);
  }
  if (found.state === "unknown") return result("unknown", `cannot tell whether the request carries ${entry.key}`);
  if (found.state === "absent") {
    // "If the key ... is not present in the request context, the values do not match and the
    // condition is false. If the policy condition requires that the key is not matched, such as
    // StringNotLike or ArnNotLike, and the right key is not present, the condition is true" —
    // except IfExists (true when absent) and the set qualifiers: ForAllValues "returns true if
    // there are no keys in the request", ForAnyValue returns false.
    if (operator.ifExists) return result(true, `the request carries no ${entry.key}, and ${entry.operator} holds on a missing key`);
    if (operator.set === "ForAllValues") return result(true, `the request carries no ${entry.key}, and ForAllValues holds on a missing key`);
    if (operator.set === "ForAnyValue") return result(false, `the request carries no ${entry.key}, and ForAnyValue fails on a missing key`);
    if (operator.negated) return result(true, `the request carries no ${entry.key}, and a negated operator holds on a missing key`);
    return result(false, `the request carries no ${entry.key}`);
  }

  const resolved = entry.values.map((v) => resolveVariables(v, context, variables && VARIABLE_FAMILIES.has(operator.family)));
  const unresolved = resolved.find((r) => r.state === "unknown");
  // One value against the policy's values: OR for a plain operator, NOR for a negated one
  // ("Conditions with multiple context keys or values"). A variable with no value matches
  // nothing, so a negated operator holds against it (Variables and tags).
  const testOne = (value: string): Match => {
    const hits = resolved.map((r) => (r.state === "value" ? compare(operator, value, r.chars) : r.state === "null" ? false : ("unknown" as const)));
    const any = anyOf(hits);
    return operator.negated ? not(any) : any;
  };
  const value = found.value;
  const seen = `the request's ${entry.key} is ${show(value)}`;
  const why = (matched: Match) => (matched === "unknown" && unresolved?.state === "unknown" ? unresolved.why : seen);
  if (operator.set !== null) {
    const members = Array.isArray(value) ? value : [String(value)];
    // "If the key values in the request resolve to an empty data set ... ForAllValues returns true. ... ForAnyValue returns false."
    const each = members.map(testOne);
    const matched = operator.set === "ForAllValues" ? allOf(each) : anyOf(each);
    return result(matched, members.length === 0 ? `the request's ${entry.key} is empty` : why(matched));
  }
  if (Array.isArray(value)) {
    if (value.length !== 1) return result("unknown", `${seen}, a multivalued key that needs ForAnyValue or ForAllValues`);
    const matched = testOne(value[0]!);
    return result(matched, why(matched));
  }
  const matched = testOne(String(value));
  return result(matched, why(matched));
}
