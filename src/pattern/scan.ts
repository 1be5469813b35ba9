/**
 * Reads an event into the values of the fields a plan names, and nothing else.
 *
 * JSON text goes through a scanner that descends only into the keys on the plan and
 * skips everything else without building strings or objects (it still checks the
 * grammar of what it skips, so invalid text is refused wherever it is broken). Number
 * literals keep their text. Anything the scanner does not handle itself — a key with an
 * escape or a dot on the plan's path, a key given twice in one object, nesting deeper than
 * MAX_DEPTH, or invalid text — sends the event to the full reader (parseJson, last value of
 * a repeated key winning) and the object walker, which decide and word any error. So text
 * and objects give the same values by construction; the scanner is a shortcut only.
 */
import { InvalidEventError } from "./errors.js";
import { ValueKind, isObjectNode, leafOf, readEvent, type FlatValue } from "./flatten.js";
import { MAX_DEPTH, numberFromLiteral } from "./json.js";
import { isExactDoubleLiteral } from "./number.js";
import { lengthBit, type FieldPlan, type PlanNode } from "./plan.js";

/** The values of an absent field (never added to). */
const NONE: FlatValue[] = [];

/** The values of each field of a plan for one event, reused from event to event. */
export class EventValues {
  /** Values by field id; an empty list means the field is absent. */
  readonly values: FlatValue[][];
  /** Fields with a value inside an array of objects (array consistency applies); null when none. */
  members: Uint8Array | null = null;
  private readonly memberFlags: Uint8Array;
  private touched: number[] = [];
  private arrays = 0;

  constructor(readonly plan: FieldPlan) {
    this.values = plan.keys.map(() => NONE);
    this.memberFlags = new Uint8Array(plan.keys.length);
  }

  /** Empties the values of the previous event. */
  reset(): void {
    // A new list per field and event is cheaper than emptying one (Array length setter).
    const touched = this.touched;
    for (let i = 0; i < touched.length; i++) this.values[touched[i]!] = NONE;
    touched.length = 0;
    if (this.members !== null) {
      this.memberFlags.fill(0);
      this.members = null;
    }
    this.arrays = 0;
  }

  add(field: number, leaf: FlatValue): void {
    const list = this.values[field]!;
    if (list === NONE) {
      this.values[field] = [leaf];
      this.touched.push(field);
    } else list.push(leaf);
    if (leaf.membership !== null) {
      this.memberFlags[field] = 1;
      this.members = this.memberFlags;
    }
  }

  /** A new array id, for membership. */
  nextArray(): number {
    return this.arrays++;
  }
}

/** Reads an event (JSON text or object) into `out`, which is reset first. */
export function readEventValues(event: unknown, out: EventValues): void {
  out.reset();
  if (typeof event === "string") {
    if (scanText(event, out)) return;
    out.reset();
  }
  walkObject(readEvent(event), out.plan.root, null, out, 0);
}

// ---- the object walker ----

function walkObject(obj: Record<string, unknown>, node: PlanNode, membership: number[] | null, out: EventValues, depth: number): void {
  if (depth > MAX_DEPTH) throw new InvalidEventError(`the event is nested deeper than ${MAX_DEPTH} levels`);
  if (node.nodes.length === 0) return;
  const plan = out.plan;
  for (const key in obj) {
    if (!Object.prototype.hasOwnProperty.call(obj, key)) continue;
    const next = plan.child(node, key);
    if (next === undefined) continue;
    const value = obj[key];
    if (value !== undefined) walkValue(value, next, membership, out, depth + 1);
  }
}

function walkValue(value: unknown, node: PlanNode, membership: number[] | null, out: EventValues, depth: number): void {
  if (Array.isArray(value)) {
    if (depth > MAX_DEPTH) throw new InvalidEventError(`the event is nested deeper than ${MAX_DEPTH} levels`);
    const id = out.nextArray();
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (Array.isArray(item) || isObjectNode(item)) {
        const inner = membership ? [...membership, id, i] : [id, i];
        if (Array.isArray(item)) walkValue(item, node, inner, out, depth + 1);
        else walkObject(item, node, inner, out, depth + 1);
      } else if (node.field >= 0) {
        addLeaf(item, node.field, membership, out);
      }
    }
    return;
  }
  if (isObjectNode(value)) {
    walkObject(value, node, membership, out, depth);
    return;
  }
  if (node.field >= 0) addLeaf(value, node.field, membership, out);
}

function addLeaf(value: unknown, field: number, membership: number[] | null, out: EventValues): void {
  const leaf = leafOf(value, membership);
  if (leaf === undefined) return;
  if (leaf.kind === ValueKind.String && out.plan.interned[field]) leaf.sym = out.plan.symbols.get(leaf.text);
  out.add(field, leaf);
}

// ---- the text scanner ----
// Each function takes the text and the position of a token and returns the position after
// it, or -1 when the scanner gives up (the full reader then decides). The text is passed
// along rather than kept in a module variable: V8 then keeps it in a register.

/** The values being filled by the current scan. */
let values: EventValues;
/** Counter of objects scanned, to notice a key given twice in one object. */
let objects = 0;
/** Position after the string read by the last readString. */
let stringEnd = 0;
/** The next backslash at or after the last long string looked at (text length: none); -1 to look again. */
let nextSlash = -1;
/** The same for ".", which a key on a plan's path may hold. */
let nextDot = -1;

const TRUE_LEAF = (membership: number[] | null): FlatValue => ({ kind: ValueKind.Literal, text: "true", num: NaN, membership, raw: true, ip: undefined, sym: -1 });
const FALSE_LEAF = (membership: number[] | null): FlatValue => ({ kind: ValueKind.Literal, text: "false", num: NaN, membership, raw: false, ip: undefined, sym: -1 });
const NULL_LEAF = (membership: number[] | null): FlatValue => ({ kind: ValueKind.Literal, text: "null", num: NaN, membership, raw: null, ip: undefined, sym: -1 });

function scanText(t: string, out: EventValues): boolean {
  values = out;
  nextSlash = -1;
  nextDot = -1;
  let pos = skipWs(t, 0);
  if (t.charCodeAt(pos) !== 123) return false;
  pos = scanObject(t, pos, out.plan.root, null, 0);
  if (pos < 0) return false;
  return skipWs(t, pos) === t.length;
}

function ws(t: string, pos: number): number {
  let c = t.charCodeAt(pos);
  while (c === 32 || c === 10 || c === 13 || c === 9) c = t.charCodeAt(++pos);
  return pos;
}

/** `pos` past any whitespace; inlined by V8, it calls ws() only when there is some (compact JSON has none). */
function skipWs(t: string, pos: number): number {
  return t.charCodeAt(pos) > 32 ? pos : ws(t, pos);
}

/**
 * The closing quote of the string opening at `pos` when it has no escape; -1 when it has
 * one (or no end). Short strings are scanned here, long ones with indexOf.
 */
function plainStringEnd(t: string, pos: number): number {
  const end = t.indexOf('"', pos + 1);
  if (end < 0) return -1;
  // One backslash search serves every string up to it (the scan only moves forward).
  if (nextSlash <= pos) {
    nextSlash = t.indexOf("\\", pos + 1);
    if (nextSlash < 0) nextSlash = t.length;
  }
  return nextSlash > end ? end : -1;
}

/**
 * Reads the string opening at `pos` (decoding escapes, refusing control characters, as
 * JSON.parse does), or undefined when it is not a valid string.
 */
function readString(t: string, pos: number): string | undefined {
  const end = plainStringEnd(t, pos);
  if (end >= 0) {
    for (let p = pos + 1; p < end; p++) if (t.charCodeAt(p) < 32) return undefined;
    stringEnd = end + 1;
    return t.slice(pos + 1, end);
  }
  let out = "";
  let start = pos + 1;
  let p = start;
  for (;;) {
    const c = t.charCodeAt(p);
    if (c === 34) {
      stringEnd = p + 1;
      return out + t.slice(start, p);
    }
    if (c === 92) {
      out += t.slice(start, p);
      const e = t.charCodeAt(p + 1);
      if (e === 117) {
        let code = 0;
        for (let k = 2; k < 6; k++) {
          const h = t.charCodeAt(p + k);
          const v = h >= 48 && h <= 57 ? h - 48 : h >= 65 && h <= 70 ? h - 55 : h >= 97 && h <= 102 ? h - 87 : -1;
          if (v < 0) return undefined;
          code = code * 16 + v;
        }
        out += String.fromCharCode(code);
        p += 6;
      } else {
        const ch = e === 34 ? '"' : e === 92 ? "\\" : e === 47 ? "/" : e === 98 ? "\b" : e === 102 ? "\f" : e === 110 ? "\n" : e === 114 ? "\r" : e === 116 ? "\t" : undefined;
        if (ch === undefined) return undefined;
        out += ch;
        p += 2;
      }
      start = p;
      continue;
    }
    if (!(c >= 32)) return undefined; // control character, or the end of the text
    p++;
  }
}

/** Skips a string; its escapes are checked, its characters are not (nothing reads them). */
function skipString(t: string, pos: number): number {
  const end = plainStringEnd(t, pos);
  if (end >= 0) return end + 1;
  return readString(t, pos) === undefined ? -1 : stringEnd;
}

/** End of the number token at `pos` (JSON grammar), or -1. */
function numberEnd(t: string, pos: number): number {
  let p = pos;
  if (t.charCodeAt(p) === 45) p++;
  let c = t.charCodeAt(p);
  if (c === 48) c = t.charCodeAt(++p);
  else if (c >= 49 && c <= 57) {
    do c = t.charCodeAt(++p);
    while (c >= 48 && c <= 57);
  } else return -1;
  if (c === 46) {
    c = t.charCodeAt(++p);
    if (!(c >= 48 && c <= 57)) return -1;
    do c = t.charCodeAt(++p);
    while (c >= 48 && c <= 57);
  }
  if (c === 101 || c === 69) {
    c = t.charCodeAt(++p);
    if (c === 43 || c === 45) c = t.charCodeAt(++p);
    if (!(c >= 48 && c <= 57)) return -1;
    do c = t.charCodeAt(++p);
    while (c >= 48 && c <= 57);
  }
  return p;
}

/** Skips any value at `pos`, checking its grammar. */
function skipValue(t: string, pos: number, depth: number): number {
  const c = t.charCodeAt(pos);
  if (c === 34) return skipString(t, pos);
  if (c === 123) return skipObject(t, pos, depth);
  if (c === 91) return skipArray(t, pos, depth);
  if (c === 116) return t.startsWith("true", pos) ? pos + 4 : -1;
  if (c === 102) return t.startsWith("false", pos) ? pos + 5 : -1;
  if (c === 110) return t.startsWith("null", pos) ? pos + 4 : -1;
  return numberEnd(t, pos);
}

/** A member value: strings and numbers, the common case, without another call level. */
function skipMember(t: string, pos: number, depth: number): number {
  const c = t.charCodeAt(pos);
  if (c === 34) {
    const end = plainStringEnd(t, pos);
    return end >= 0 ? end + 1 : skipString(t, pos);
  }
  if ((c >= 48 && c <= 57) || c === 45) return numberEnd(t, pos);
  return skipValue(t, pos, depth);
}

function skipObject(t: string, pos: number, depth: number): number {
  if (depth > MAX_DEPTH) return -1;
  pos = skipWs(t, pos + 1);
  if (t.charCodeAt(pos) === 125) return pos + 1;
  for (;;) {
    if (t.charCodeAt(pos) !== 34) return -1;
    const end = plainStringEnd(t, pos);
    pos = end >= 0 ? end + 1 : skipString(t, pos);
    if (pos < 0) return -1;
    pos = skipWs(t, pos);
    if (t.charCodeAt(pos) !== 58) return -1;
    pos = skipMember(t, skipWs(t, pos + 1), depth + 1);
    if (pos < 0) return -1;
    pos = skipWs(t, pos);
    const d = t.charCodeAt(pos);
    if (d === 44) pos = skipWs(t, pos + 1);
    else return d === 125 ? pos + 1 : -1;
  }
}

function skipArray(t: string, pos: number, depth: number): number {
  if (depth > MAX_DEPTH) return -1;
  pos = skipWs(t, pos + 1);
  if (t.charCodeAt(pos) === 93) return pos + 1;
  for (;;) {
    pos = skipMember(t, pos, depth + 1);
    if (pos < 0) return -1;
    pos = skipWs(t, pos);
    const d = t.charCodeAt(pos);
    if (d === 44) pos = skipWs(t, pos + 1);
    else return d === 93 ? pos + 1 : -1;
  }
}

/** The plan node of the plain key in t[start, end); null when not on the plan; undefined to give up. */
function keyNode(t: string, node: PlanNode, start: number, end: number): PlanNode | null | undefined {
  const length = end - start;
  const keys = node.keys;
  if ((node.lengths & lengthBit(length)) !== 0) {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (key.length !== length || !t.startsWith(key, start)) continue;
      // An empty key is skipped unless some rule uses an empty step (see plan.ts).
      if (length === 0 && !values.plan.steps.has("")) return null;
      // A raw control character is invalid JSON: only possible when the plan's key has one.
      if (node.controlKeys) return undefined;
      return node.nodes[i]!;
    }
  }
  // A key with dots may walk several steps: rare, left to the full reader when on the plan.
  if (!node.deep) return null;
  if (nextDot < start) {
    nextDot = t.indexOf(".", start);
    if (nextDot < 0) nextDot = t.length;
  }
  if (nextDot >= end) return null;
  return values.plan.child(node, t.slice(start, end)) === undefined ? null : undefined;
}

function scanObject(t: string, pos: number, node: PlanNode, membership: number[] | null, depth: number): number {
  if (depth > MAX_DEPTH) return -1;
  if (node.nodes.length === 0) return skipValue(t, pos, depth);
  const id = ++objects;
  pos = skipWs(t, pos + 1);
  if (t.charCodeAt(pos) === 125) return pos + 1;
  for (;;) {
    if (t.charCodeAt(pos) !== 34) return -1;
    const end = plainStringEnd(t, pos);
    let next: PlanNode | null | undefined;
    if (end >= 0) {
      next = keyNode(t, node, pos + 1, end);
      pos = end + 1;
    } else {
      // An escaped key (rare): decoded, then looked up like any key.
      const key = readString(t, pos);
      if (key === undefined) return -1;
      next = values.plan.child(node, key) ?? null;
      if (next !== null && key.includes(".")) return -1;
      pos = stringEnd;
    }
    if (next === undefined) return -1;
    pos = skipWs(t, pos);
    if (t.charCodeAt(pos) !== 58) return -1;
    pos = skipWs(t, pos + 1);
    if (next === null) pos = skipMember(t, pos, depth + 1);
    else {
      // A key given twice: the last value wins, which only the full reader can do.
      if (next.seenIn === id) return -1;
      next.seenIn = id;
      pos = scanValue(t, pos, next, membership, depth + 1);
    }
    if (pos < 0) return -1;
    pos = skipWs(t, pos);
    const d = t.charCodeAt(pos);
    if (d === 125) return pos + 1;
    if (d !== 44) return -1;
    pos = skipWs(t, pos + 1);
  }
}

function scanArray(t: string, pos: number, node: PlanNode, membership: number[] | null, depth: number): number {
  if (depth > MAX_DEPTH) return -1;
  const id = values.nextArray();
  pos = skipWs(t, pos + 1);
  if (t.charCodeAt(pos) === 93) return pos + 1;
  for (let i = 0; ; i++) {
    const c = t.charCodeAt(pos);
    if (c === 123 || c === 91) {
      // Only elements that are objects or arrays carry the array's membership.
      const inner = membership ? [...membership, id, i] : [id, i];
      pos = c === 123 ? scanObject(t, pos, node, inner, depth + 1) : scanArray(t, pos, node, inner, depth + 1);
    } else {
      pos = scanScalar(t, pos, node, membership);
    }
    if (pos < 0) return -1;
    pos = skipWs(t, pos);
    const d = t.charCodeAt(pos);
    if (d === 93) return pos + 1;
    if (d !== 44) return -1;
    pos = skipWs(t, pos + 1);
  }
}

function scanValue(t: string, pos: number, node: PlanNode, membership: number[] | null, depth: number): number {
  const c = t.charCodeAt(pos);
  if (c === 123) return scanObject(t, pos, node, membership, depth);
  if (c === 91) return scanArray(t, pos, node, membership, depth);
  return scanScalar(t, pos, node, membership);
}

function scanScalar(t: string, pos: number, node: PlanNode, membership: number[] | null): number {
  const field = node.field;
  if (field < 0) return skipValue(t, pos, 0);
  const c = t.charCodeAt(pos);
  if (c === 34) {
    const s = readString(t, pos);
    if (s === undefined) return -1;
    let sym = -1;
    if (values.plan.interned[field]) {
      // Without escapes the string is t[pos + 1, stringEnd - 1): look it up in place.
      sym = s.length === stringEnd - pos - 2 ? values.plan.symbols.getRange(t, pos + 1, stringEnd - 1) : values.plan.symbols.get(s);
    }
    values.add(field, { kind: ValueKind.String, text: s, num: NaN, membership, raw: s, ip: undefined, sym });
    return stringEnd;
  }
  if (c === 116) {
    if (!t.startsWith("true", pos)) return -1;
    values.add(field, TRUE_LEAF(membership));
    return pos + 4;
  }
  if (c === 102) {
    if (!t.startsWith("false", pos)) return -1;
    values.add(field, FALSE_LEAF(membership));
    return pos + 5;
  }
  if (c === 110) {
    if (!t.startsWith("null", pos)) return -1;
    values.add(field, NULL_LEAF(membership));
    return pos + 4;
  }
  const end = numberEnd(t, pos);
  if (end < 0) return -1;
  const literal = t.slice(pos, end);
  // Up to 15 digits without an exponent is a normal double that prints back as written.
  let digits = 0;
  let plain = true;
  for (let p = pos; p < end; p++) {
    const d = t.charCodeAt(p);
    if (d >= 48 && d <= 57) digits++;
    else if (d === 101 || d === 69) plain = false;
  }
  const exact = (plain && digits <= 15) || isExactDoubleLiteral(literal);
  const num = exact ? Number(literal) : NaN;
  // raw as parseJson gives it (numberFromLiteral), for messages.
  const raw = plain && digits <= 15 ? num : numberFromLiteral(literal);
  values.add(field, { kind: ValueKind.Number, text: literal, num, membership, raw, ip: undefined, sym: -1 });
  return end;
}
