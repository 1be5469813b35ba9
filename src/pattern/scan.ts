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
import type { FieldPlan, PlanNode } from "./plan.js";

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
    this.values = plan.keys.map(() => []);
    this.memberFlags = new Uint8Array(plan.keys.length);
  }

  /** Empties the values of the previous event. */
  reset(): void {
    const touched = this.touched;
    for (let i = 0; i < touched.length; i++) this.values[touched[i]!]!.length = 0;
    touched.length = 0;
    if (this.members !== null) {
      this.memberFlags.fill(0);
      this.members = null;
    }
    this.arrays = 0;
  }

  add(field: number, leaf: FlatValue): void {
    const list = this.values[field]!;
    if (list.length === 0) this.touched.push(field);
    list.push(leaf);
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
        const leaf = leafOf(item, membership);
        if (leaf) out.add(node.field, leaf);
      }
    }
    return;
  }
  if (isObjectNode(value)) {
    walkObject(value, node, membership, out, depth);
    return;
  }
  if (node.field >= 0) {
    const leaf = leafOf(value, membership);
    if (leaf) out.add(node.field, leaf);
  }
}

// ---- the text scanner ----
// Each function takes the position of a token and returns the position after it, or -1
// when the scanner gives up (the full reader then decides). State shared by one scan:

let text = "";
/** Position of the next backslash at or after the scan position (text.length when none). */
let nextSlash = 0;
let objects = 0;
let values: EventValues;

const TRUE_LEAF = (membership: number[] | null): FlatValue => ({ kind: ValueKind.Literal, text: "true", num: NaN, membership, raw: true, ip: undefined });
const FALSE_LEAF = (membership: number[] | null): FlatValue => ({ kind: ValueKind.Literal, text: "false", num: NaN, membership, raw: false, ip: undefined });
const NULL_LEAF = (membership: number[] | null): FlatValue => ({ kind: ValueKind.Literal, text: "null", num: NaN, membership, raw: null, ip: undefined });

function scanText(source: string, out: EventValues): boolean {
  text = source;
  nextSlash = -1;
  values = out;
  let pos = ws(0);
  if (text.charCodeAt(pos) !== 123) return false;
  pos = scanObject(pos, out.plan.root, null, 0);
  if (pos < 0) return false;
  pos = ws(pos);
  text = "";
  return pos === source.length;
}

function ws(pos: number): number {
  for (;;) {
    const c = text.charCodeAt(pos);
    if (c === 32 || c === 10 || c === 13 || c === 9) pos++;
    else return pos;
  }
}

/** The closing quote of the string opening at `pos` when it has no escape, else -1. */
function plainStringEnd(pos: number): number {
  const end = text.indexOf('"', pos + 1);
  if (end < 0) return -1;
  if (nextSlash < pos) {
    nextSlash = text.indexOf("\\", pos);
    if (nextSlash < 0) nextSlash = text.length;
  }
  return nextSlash > end ? end : -1;
}

/** Position after the string read by the last readString. */
let stringEnd = 0;

/**
 * Reads the string opening at `pos` (decoding escapes, refusing control characters, as
 * JSON.parse does), or undefined when it is not a valid string.
 */
function readString(pos: number): string | undefined {
  const end = plainStringEnd(pos);
  if (end >= 0) {
    for (let p = pos + 1; p < end; p++) if (text.charCodeAt(p) < 32) return undefined;
    stringEnd = end + 1;
    return text.slice(pos + 1, end);
  }
  let out = "";
  let start = pos + 1;
  let p = start;
  for (;;) {
    const c = text.charCodeAt(p);
    if (c === 34) {
      stringEnd = p + 1;
      return out + text.slice(start, p);
    }
    if (c === 92) {
      out += text.slice(start, p);
      const e = text.charCodeAt(p + 1);
      if (e === 117) {
        let code = 0;
        for (let k = 2; k < 6; k++) {
          const h = text.charCodeAt(p + k);
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
function skipString(pos: number): number {
  const end = plainStringEnd(pos);
  if (end >= 0) return end + 1;
  return readString(pos) === undefined ? -1 : stringEnd;
}

/** End of the number token at `pos` (JSON grammar), or -1. */
function numberEnd(pos: number): number {
  let p = pos;
  if (text.charCodeAt(p) === 45) p++;
  let c = text.charCodeAt(p);
  if (c === 48) c = text.charCodeAt(++p);
  else if (c >= 49 && c <= 57) {
    do c = text.charCodeAt(++p);
    while (c >= 48 && c <= 57);
  } else return -1;
  if (c === 46) {
    c = text.charCodeAt(++p);
    if (!(c >= 48 && c <= 57)) return -1;
    do c = text.charCodeAt(++p);
    while (c >= 48 && c <= 57);
  }
  if (c === 101 || c === 69) {
    c = text.charCodeAt(++p);
    if (c === 43 || c === 45) c = text.charCodeAt(++p);
    if (!(c >= 48 && c <= 57)) return -1;
    do c = text.charCodeAt(++p);
    while (c >= 48 && c <= 57);
  }
  return p;
}

/** Skips any value at `pos`, checking its grammar. */
function skipValue(pos: number, depth: number): number {
  const c = text.charCodeAt(pos);
  if (c === 34) return skipString(pos);
  if (c === 123 || c === 91) {
    if (depth > MAX_DEPTH) return -1;
    const isObject = c === 123;
    const close = isObject ? 125 : 93;
    pos = ws(pos + 1);
    if (text.charCodeAt(pos) === close) return pos + 1;
    for (;;) {
      if (isObject) {
        if (text.charCodeAt(pos) !== 34) return -1;
        pos = skipString(pos);
        if (pos < 0) return -1;
        pos = ws(pos);
        if (text.charCodeAt(pos) !== 58) return -1;
        pos = ws(pos + 1);
      }
      pos = skipValue(pos, depth + 1);
      if (pos < 0) return -1;
      pos = ws(pos);
      const d = text.charCodeAt(pos);
      if (d === close) return pos + 1;
      if (d !== 44) return -1;
      pos = ws(pos + 1);
    }
  }
  if (c === 116) return text.startsWith("true", pos) ? pos + 4 : -1;
  if (c === 102) return text.startsWith("false", pos) ? pos + 5 : -1;
  if (c === 110) return text.startsWith("null", pos) ? pos + 4 : -1;
  return numberEnd(pos);
}

/** The plan node of the key whose string opens at `pos` and closes at `end`; null when not on the plan; undefined to give up. */
function keyNode(node: PlanNode, pos: number, end: number): PlanNode | null | undefined {
  const start = pos + 1;
  const length = end - start;
  const keys = node.keys;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key.length === length && text.startsWith(key, start)) {
      // An empty key is skipped unless some rule uses an empty step (see plan.ts).
      if (length === 0 && !values.plan.steps.has("")) return null;
      for (let p = start; p < end; p++) if (text.charCodeAt(p) < 32) return undefined;
      return node.nodes[i]!;
    }
  }
  // A key with dots may walk several steps: rare, left to the full reader when on the plan.
  for (let p = start; p < end; p++) {
    if (text.charCodeAt(p) === 46) return values.plan.child(node, text.slice(start, end)) === undefined ? null : undefined;
  }
  return null;
}

function scanObject(pos: number, node: PlanNode, membership: number[] | null, depth: number): number {
  if (depth > MAX_DEPTH) return -1;
  if (node.nodes.length === 0) return skipValue(pos, depth);
  const id = ++objects;
  pos = ws(pos + 1);
  if (text.charCodeAt(pos) === 125) return pos + 1;
  for (;;) {
    if (text.charCodeAt(pos) !== 34) return -1;
    const end = plainStringEnd(pos);
    let next: PlanNode | null | undefined;
    if (end >= 0) {
      next = keyNode(node, pos, end);
      pos = end + 1;
    } else {
      // An escaped key (rare): decoded, then looked up like any key.
      const key = readString(pos);
      if (key === undefined) return -1;
      next = values.plan.child(node, key) ?? null;
      if (next !== null && key.includes(".")) return -1;
      pos = stringEnd;
    }
    if (next === undefined) return -1;
    pos = ws(pos);
    if (text.charCodeAt(pos) !== 58) return -1;
    pos = ws(pos + 1);
    if (next === null) pos = skipValue(pos, depth + 1);
    else {
      // A key given twice: the last value wins, which only the full reader can do.
      if (next.seenIn === id) return -1;
      next.seenIn = id;
      pos = scanValue(pos, next, membership, depth + 1);
    }
    if (pos < 0) return -1;
    pos = ws(pos);
    const d = text.charCodeAt(pos);
    if (d === 125) return pos + 1;
    if (d !== 44) return -1;
    pos = ws(pos + 1);
  }
}

function scanArray(pos: number, node: PlanNode, membership: number[] | null, depth: number): number {
  if (depth > MAX_DEPTH) return -1;
  const id = values.nextArray();
  pos = ws(pos + 1);
  if (text.charCodeAt(pos) === 93) return pos + 1;
  for (let i = 0; ; i++) {
    const c = text.charCodeAt(pos);
    if (c === 123 || c === 91) {
      // Only elements that are objects or arrays carry the array's membership.
      const inner = membership ? [...membership, id, i] : [id, i];
      pos = c === 123 ? scanObject(pos, node, inner, depth + 1) : scanArray(pos, node, inner, depth + 1);
    } else {
      pos = scanScalar(pos, node, membership);
    }
    if (pos < 0) return -1;
    pos = ws(pos);
    const d = text.charCodeAt(pos);
    if (d === 93) return pos + 1;
    if (d !== 44) return -1;
    pos = ws(pos + 1);
  }
}

function scanValue(pos: number, node: PlanNode, membership: number[] | null, depth: number): number {
  const c = text.charCodeAt(pos);
  if (c === 123) return scanObject(pos, node, membership, depth);
  if (c === 91) return scanArray(pos, node, membership, depth);
  return scanScalar(pos, node, membership);
}

function scanScalar(pos: number, node: PlanNode, membership: number[] | null): number {
  const field = node.field;
  if (field < 0) return skipValue(pos, 0);
  const c = text.charCodeAt(pos);
  if (c === 34) {
    const s = readString(pos);
    if (s === undefined) return -1;
    values.add(field, { kind: ValueKind.String, text: s, num: NaN, membership, raw: s, ip: undefined });
    return stringEnd;
  }
  if (c === 116) {
    if (!text.startsWith("true", pos)) return -1;
    values.add(field, TRUE_LEAF(membership));
    return pos + 4;
  }
  if (c === 102) {
    if (!text.startsWith("false", pos)) return -1;
    values.add(field, FALSE_LEAF(membership));
    return pos + 5;
  }
  if (c === 110) {
    if (!text.startsWith("null", pos)) return -1;
    values.add(field, NULL_LEAF(membership));
    return pos + 4;
  }
  const end = numberEnd(pos);
  if (end < 0) return -1;
  const literal = text.slice(pos, end);
  // Up to 15 digits without an exponent is a normal double that prints back as written.
  let digits = 0;
  let plain = true;
  for (let p = pos; p < end; p++) {
    const d = text.charCodeAt(p);
    if (d >= 48 && d <= 57) digits++;
    else if (d === 101 || d === 69) plain = false;
  }
  const exact = (plain && digits <= 15) || isExactDoubleLiteral(literal);
  const num = exact ? Number(literal) : NaN;
  // raw as parseJson gives it (numberFromLiteral), for messages.
  const raw = plain && digits <= 15 ? num : numberFromLiteral(literal);
  values.add(field, { kind: ValueKind.Number, text: literal, num, membership, raw, ip: undefined });
  return end;
}
