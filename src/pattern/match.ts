/**
 * Matching compiled sub-rules against a flattened event, value by value, the way
 * EventBridge does: a field matches when any of its event values matches any of its
 * alternatives; a sub-rule when all its fields match with array-consistent values.
 */
import type { CompiledField, Matcher, SubRule } from "./compile.js";
import { ValueKind, type FlatValue } from "./flatten.js";
import { hexInRange, parseIp, toHex } from "./ip.js";
import { matchWildcard } from "./wildcard.js";

/** True when one event value satisfies one alternative. */
export function matchValue(m: Matcher, v: FlatValue): boolean {
  switch (m.kind) {
    case "string":
      return v.kind === ValueKind.String && v.text === m.value;
    case "number":
      return v.kind === ValueKind.Number && v.num === m.value;
    case "raw-number":
      return v.kind === ValueKind.Number && v.text === m.text;
    case "literal":
      return v.kind === ValueKind.Literal && v.text === m.value;
    case "ip":
    case "cidr": {
      // A string as its address's hex digits; a number as its own text, unless the field's
      // numeric patterns make event-ruler read it as a number (see hexInRange).
      if (v.kind === ValueKind.String) {
        let hex = v.ip;
        if (hex === undefined) {
          const ip = parseIp(v.text);
          hex = v.ip = ip === undefined ? null : toHex(ip);
        }
        return hex !== null && hexInRange(hex, m.range);
      }
      if (v.kind === ValueKind.Number) return !(m.numeric && !Number.isNaN(v.num)) && hexInRange(v.text, m.range);
      return false;
    }
    // EventBridge compares prefixes and suffixes against the quoted string ("abc" with its
    // quotes), so a prefix ending in a quote character can match a whole value.
    case "prefix":
      return v.kind === ValueKind.String && (m.quoted ? `${v.text}"`.startsWith(m.value) : v.text.startsWith(m.value));
    case "suffix":
      return v.kind === ValueKind.String && (m.quoted ? `"${v.text}`.endsWith(m.value) : v.text.endsWith(m.value));
    case "prefix-ignore-case":
      return v.kind === ValueKind.String && m.re.test(`${v.text}"`);
    case "suffix-ignore-case":
      return v.kind === ValueKind.String && m.re.test(`"${v.text}`);
    case "equals-ignore-case":
      return v.kind === ValueKind.String && m.re.test(v.text);
    case "wildcard":
      return v.kind === ValueKind.String && matchWildcard(m.wildcard, v.text);
    case "anything-but":
      if (v.kind === ValueKind.String) return !m.strings.has(v.text);
      if (v.kind === ValueKind.Number) return Number.isNaN(v.num) || !m.numbers.includes(v.num);
      return true;
    case "anything-but-ignore-case":
      return v.kind !== ValueKind.String || !m.res.some((re) => re.test(v.text));
    case "anything-but-prefix":
      return v.kind !== ValueKind.String || !m.values.some((p) => `${v.text}"`.startsWith(p));
    case "anything-but-suffix":
      return v.kind !== ValueKind.String || !m.values.some((s) => `"${v.text}`.endsWith(s));
    case "anything-but-wildcard":
      return v.kind !== ValueKind.String || !m.wildcards.some((w) => matchWildcard(w, v.text));
    case "numeric": {
      if (v.kind !== ValueKind.Number || Number.isNaN(v.num)) return false;
      const n = v.num;
      if (m.lowOpen ? !(n > m.low) : !(n >= m.low)) return false;
      return m.highOpen ? n < m.high : n <= m.high;
    }
    case "exists":
      return true;
  }
}

/** True when the value satisfies any alternative of the field. */
export function fieldAccepts(field: CompiledField, v: FlatValue): boolean {
  const ms = field.matchers;
  for (let i = 0; i < ms.length; i++) if (matchValue(ms[i]!, v)) return true;
  return false;
}

/** True when the membership of a value can join the memberships chosen so far. */
export function consistent(current: number[] | null, m: number[] | null): boolean {
  if (current === null || m === null) return true;
  for (let i = 0; i < m.length; i += 2) {
    const id = m[i];
    for (let j = 0; j < current.length; j += 2) {
      if (current[j] === id && current[j + 1] !== m[i + 1]) return false;
    }
  }
  return true;
}

function merge(current: number[] | null, m: number[] | null): number[] | null {
  if (m === null) return current;
  if (current === null) return m;
  const out = current.slice();
  for (let i = 0; i < m.length; i += 2) {
    let seen = false;
    for (let j = 0; j < current.length; j += 2) if (current[j] === m[i]) seen = true;
    if (!seen) out.push(m[i]!, m[i + 1]!);
  }
  return out;
}

/**
 * True when the sub-rule matches an event's values (by field id, see CompiledField.id; an
 * empty list is an absent field). `members` marks the fields with a value inside an array
 * of objects (array consistency applies to them); null when there is none.
 */
export function matchSubRule(rule: SubRule, values: readonly FlatValue[][], members: Uint8Array | null): boolean {
  const fields = rule.fields;
  if (members !== null) {
    for (let i = 0; i < fields.length; i++) if (members[fields[i]!.id] === 1) return search(fields, 0, values, null);
  }
  // No value from an array of objects: every field can be decided on its own.
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    const list = values[field.id]!;
    if (list.length === 0) {
      if (!field.absent) return false;
      continue;
    }
    let ok = false;
    for (let j = 0; j < list.length; j++) {
      if (fieldAccepts(field, list[j]!)) {
        ok = true;
        break;
      }
    }
    if (!ok) return false;
  }
  return true;
}

/** The `members` argument of matchSubRule for values by field id. */
export function membersOf(values: readonly FlatValue[][]): Uint8Array | null {
  let members: Uint8Array | null = null;
  values.forEach((list, id) => {
    if (!list.some((v) => v.membership !== null)) return;
    members ??= new Uint8Array(values.length);
    members[id] = 1;
  });
  return members;
}

/**
 * Backtracking over fields in key order (as event-ruler walks them): a value extends the
 * set of array elements in use; `exists: false` holds when no value of the field is
 * compatible with the elements chosen so far.
 */
function search(fields: CompiledField[], index: number, values: readonly FlatValue[][], membership: number[] | null): boolean {
  if (index === fields.length) return true;
  const field = fields[index]!;
  const list = values[field.id]!;
  for (let j = 0; j < list.length; j++) {
    const v = list[j]!;
    if (!consistent(membership, v.membership) || !fieldAccepts(field, v)) continue;
    if (search(fields, index + 1, values, merge(membership, v.membership))) return true;
  }
  if (field.absent) {
    const present = list.some((v) => consistent(membership, v.membership));
    if (!present && search(fields, index + 1, values, membership)) return true;
  }
  return false;
}

/** True when any sub-rule matches. */
export function matchSubRules(rules: readonly SubRule[], values: readonly FlatValue[][], members: Uint8Array | null): boolean {
  for (let i = 0; i < rules.length; i++) if (matchSubRule(rules[i]!, values, members)) return true;
  return false;
}
