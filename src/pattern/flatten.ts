/**
 * An event as EventBridge's matcher sees it: every leaf value under its dotted path
 * ("detail.items.id"), arrays flattened into several values under the same path. A value
 * inside an array of objects remembers which element it came from, so two fields are
 * never matched from different elements of the same array ("array consistency").
 */
import { InvalidEventError } from "./errors.js";
import { MAX_DEPTH, parseEventJson, JsonSyntaxError, RawNumber } from "./json.js";
import { isComparableNumber, isExactDoubleLiteral } from "./number.js";

export const enum ValueKind {
  String = 0,
  Number = 1,
  Literal = 2,
}

/** A leaf value of the event. */
export interface FlatValue {
  kind: ValueKind;
  /** The string, the number's literal text, or "true" / "false" / "null". */
  text: string;
  /** The number when event-ruler can compare it (see number.ts), NaN otherwise. */
  num: number;
  /** Pairs of (array id, element index) for every enclosing array of objects/arrays; null when none. */
  membership: number[] | null;
  /** The original value, for messages. */
  raw: unknown;
}

/** A flattened event. */
export interface FlatEvent {
  fields: Map<string, FlatValue[]>;
  /** True when some value sits inside an array of objects (array consistency applies). */
  hasMembership: boolean;
  /** The event as an object, for explanations. */
  source: Record<string, unknown>;
}

/** Reads an event (object or JSON text) into a plain object, or throws InvalidEventError. */
export function readEvent(event: unknown): Record<string, unknown> {
  let value = event;
  if (typeof event === "string") {
    try {
      value = parseEventJson(event);
    } catch (error) {
      if (error instanceof JsonSyntaxError) throw new InvalidEventError(`the event is not valid JSON (${error.message})`);
      throw error;
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value) || value instanceof RawNumber) {
    throw new InvalidEventError("an event must be a JSON object");
  }
  return value as Record<string, unknown>;
}

/**
 * Flattens an event. `wanted`, when given, holds the path steps some rule uses: other
 * branches are skipped (like event-ruler does), which keeps big events cheap.
 */
export function flattenEvent(event: unknown, wanted?: Set<string>): FlatEvent {
  const source = readEvent(event);
  const fields = new Map<string, FlatValue[]>();
  const state = { arrays: 0, hasMembership: false };
  walkObject(source, "", fields, null, state, wanted, 0);
  return { fields, hasMembership: state.hasMembership, source };
}

function stepUsed(key: string, wanted: Set<string> | undefined): boolean {
  if (!wanted || wanted.has(key)) return true;
  if (!key.includes(".")) return false;
  return key.split(".").every((step) => wanted.has(step));
}

function walkObject(
  obj: Record<string, unknown>,
  prefix: string,
  fields: Map<string, FlatValue[]>,
  membership: number[] | null,
  state: { arrays: number; hasMembership: boolean },
  wanted: Set<string> | undefined,
  depth: number,
): void {
  if (depth > MAX_DEPTH) throw new InvalidEventError(`the event is nested deeper than ${MAX_DEPTH} levels`);
  for (const key in obj) {
    if (!Object.prototype.hasOwnProperty.call(obj, key)) continue;
    if (!stepUsed(key, wanted)) continue;
    const value = obj[key];
    if (value === undefined) continue;
    walkValue(value, prefix === "" ? key : `${prefix}.${key}`, fields, membership, state, wanted, depth + 1);
  }
}

function walkValue(
  value: unknown,
  path: string,
  fields: Map<string, FlatValue[]>,
  membership: number[] | null,
  state: { arrays: number; hasMembership: boolean },
  wanted: Set<string> | undefined,
  depth: number,
): void {
  if (Array.isArray(value)) {
    if (depth > MAX_DEPTH) throw new InvalidEventError(`the event is nested deeper than ${MAX_DEPTH} levels`);
    const id = state.arrays++;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (item !== null && typeof item === "object" && !(item instanceof RawNumber)) {
        // Only elements that are objects or arrays carry the array's membership.
        state.hasMembership = true;
        const inner = membership ? [...membership, id, i] : [id, i];
        if (Array.isArray(item)) walkValue(item, path, fields, inner, state, wanted, depth + 1);
        else walkObject(item as Record<string, unknown>, path, fields, inner, state, wanted, depth + 1);
      } else if (item !== undefined) {
        addLeaf(item, path, fields, membership);
      }
    }
    return;
  }
  if (value !== null && typeof value === "object" && !(value instanceof RawNumber)) {
    walkObject(value as Record<string, unknown>, path, fields, membership, state, wanted, depth);
    return;
  }
  addLeaf(value, path, fields, membership);
}

function addLeaf(value: unknown, path: string, fields: Map<string, FlatValue[]>, membership: number[] | null): void {
  let leaf: FlatValue;
  if (typeof value === "string") leaf = { kind: ValueKind.String, text: value, num: NaN, membership, raw: value };
  else if (typeof value === "number") {
    // Compared as the JSON text it is sent as (see number.ts); infinities are not JSON and match nothing numeric.
    leaf = { kind: ValueKind.Number, text: JSON.stringify(value), num: isComparableNumber(value) ? value : NaN, membership, raw: value };
  } else if (value instanceof RawNumber) leaf = { kind: ValueKind.Number, text: value.text, num: value.comparable ? Number(value.text) : NaN, membership, raw: value };
  else if (typeof value === "boolean" || value === null) leaf = { kind: ValueKind.Literal, text: String(value), num: NaN, membership, raw: value };
  else if (typeof value === "bigint") {
    const text = value.toString();
    leaf = { kind: ValueKind.Number, text, num: isExactDoubleLiteral(text) ? Number(text) : NaN, membership, raw: value };
  }
  else return;
  const list = fields.get(path);
  if (list) list.push(leaf);
  else fields.set(path, [leaf]);
}

/** Raised by the scanner on anything unusual; the caller falls back to the full reader. */
class ScanFallback extends Error {}

const NUMBER_TOKEN = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * Flattens JSON text directly, without building the event: only the branches some rule
 * uses are decoded, the rest is validated and skipped. Number literals keep their text
 * (so an inexact literal compares by text, as in event-ruler) and a key given twice keeps
 * both values (event-ruler reads the text as a stream, too).
 */
export function flattenJsonText(text: string, wanted: Set<string> | undefined): FlatEvent {
  const fields = new Map<string, FlatValue[]>();
  let pos = 0;
  let arrays = 0;
  let hasMembership = false;
  const fail = (): never => {
    throw new ScanFallback();
  };
  const ws = () => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 10 || c === 13 || c === 9) pos++;
      else return;
    }
  };
  // Reads a string starting at the opening quote; decodes escapes only when present.
  const readString = (): string => {
    const start = ++pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 34) return text.slice(start, pos++);
      if (c === 92 || c < 32 || Number.isNaN(c)) break;
      pos++;
    }
    pos = start - 1;
    const value = readEscaped();
    return value;
  };
  const readEscaped = (): string => {
    let out = "";
    let start = ++pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (Number.isNaN(c) || c < 32) fail();
      if (c === 34) {
        out += text.slice(start, pos++);
        return out;
      }
      if (c === 92) {
        out += text.slice(start, pos);
        const e = text.charCodeAt(pos + 1);
        if (e === 117) {
          const hex = text.slice(pos + 2, pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail();
          out += String.fromCharCode(parseInt(hex, 16));
          pos += 6;
        } else {
          const map: Record<number, string> = { 34: '"', 92: "\\", 47: "/", 98: "\b", 102: "\f", 110: "\n", 114: "\r", 116: "\t" };
          const ch = map[e];
          if (ch === undefined) fail();
          out += ch;
          pos += 2;
        }
        start = pos;
        continue;
      }
      pos++;
    }
  };
  // Skips a string nobody reads without copying it. (Raw control characters inside such
  // strings are not looked for: only what a rule reads is fully validated.)
  const skipString = () => {
    const end = text.indexOf('"', pos + 1);
    if (end < 0) fail();
    const slash = text.indexOf("\\", pos + 1);
    if (slash < 0 || slash > end) {
      pos = end + 1;
      return;
    }
    readEscaped();
  };
  const add = (path: string, leaf: FlatValue) => {
    const list = fields.get(path);
    if (list) list.push(leaf);
    else fields.set(path, [leaf]);
  };
  const scalar = (path: string, membership: number[] | null, record = true) => {
    const c = text.charCodeAt(pos);
    if (c === 34) {
      const s = readString();
      if (record) add(path, { kind: ValueKind.String, text: s, num: NaN, membership, raw: s });
    } else if (c === 116 && text.startsWith("true", pos)) {
      pos += 4;
      if (record) add(path, { kind: ValueKind.Literal, text: "true", num: NaN, membership, raw: true });
    } else if (c === 102 && text.startsWith("false", pos)) {
      pos += 5;
      if (record) add(path, { kind: ValueKind.Literal, text: "false", num: NaN, membership, raw: false });
    } else if (c === 110 && text.startsWith("null", pos)) {
      pos += 4;
      if (record) add(path, { kind: ValueKind.Literal, text: "null", num: NaN, membership, raw: null });
    } else {
      // A plain integer is by far the most common number: scan it without a regex.
      const start = pos;
      let p = c === 45 ? pos + 1 : pos;
      const first = text.charCodeAt(p);
      let q = p;
      while (q < text.length) {
        const d = text.charCodeAt(q);
        if (d < 48 || d > 57) break;
        q++;
      }
      const next = text.charCodeAt(q);
      let literal: string;
      if (q > p && !(first === 48 && q - p > 1) && next !== 46 && next !== 101 && next !== 69) {
        literal = text.slice(start, q);
      } else {
        NUMBER_TOKEN.lastIndex = pos;
        const m = NUMBER_TOKEN.exec(text);
        if (!m) fail();
        literal = m![0];
      }
      pos = start + literal.length;
      if (!record) return;
      // Up to 15 significant digits without an exponent is always an exact double.
      const exact = (literal.length <= 15 && !/[eE]/.test(literal)) || isExactDoubleLiteral(literal);
      const num = exact ? Number(literal) : NaN;
      add(path, { kind: ValueKind.Number, text: literal, num, membership, raw: exact ? num : new RawNumber(literal) });
    }
  };
  const skip = (depth: number) => {
    if (depth > MAX_DEPTH) fail();
    const c = text.charCodeAt(pos);
    if (c === 123 || c === 91) {
      const close = c === 123 ? 125 : 93;
      pos++;
      ws();
      if (text.charCodeAt(pos) === close) {
        pos++;
        return;
      }
      for (;;) {
        ws();
        if (close === 125) {
          if (text.charCodeAt(pos) !== 34) fail();
          skipString();
          ws();
          if (text.charCodeAt(pos) !== 58) fail();
          pos++;
          ws();
        }
        skip(depth + 1);
        ws();
        const d = text.charCodeAt(pos++);
        if (d === close) return;
        if (d !== 44) fail();
      }
    }
    if (c === 34) {
      skipString();
      return;
    }
    scalar("", null, false);
  };
  const object = (prefix: string, membership: number[] | null, depth: number) => {
    if (depth > MAX_DEPTH) fail();
    pos++; // {
    ws();
    if (text.charCodeAt(pos) === 125) {
      pos++;
      return;
    }
    for (;;) {
      ws();
      if (text.charCodeAt(pos) !== 34) fail();
      const key = readString();
      ws();
      if (text.charCodeAt(pos) !== 58) fail();
      pos++;
      ws();
      if (stepUsed(key, wanted)) value(prefix === "" ? key : `${prefix}.${key}`, membership, depth + 1);
      else skip(depth + 1);
      ws();
      const d = text.charCodeAt(pos++);
      if (d === 125) return;
      if (d !== 44) fail();
    }
  };
  const array = (path: string, membership: number[] | null, depth: number) => {
    if (depth > MAX_DEPTH) fail();
    const id = arrays++;
    pos++; // [
    ws();
    if (text.charCodeAt(pos) === 93) {
      pos++;
      return;
    }
    for (let i = 0; ; i++) {
      ws();
      const c = text.charCodeAt(pos);
      if (c === 123 || c === 91) {
        hasMembership = true;
        const inner = membership ? [...membership, id, i] : [id, i];
        if (c === 123) object(path, inner, depth + 1);
        else array(path, inner, depth + 1);
      } else {
        scalar(path, membership);
      }
      ws();
      const d = text.charCodeAt(pos++);
      if (d === 93) return;
      if (d !== 44) fail();
    }
  };
  const value = (path: string, membership: number[] | null, depth: number) => {
    const c = text.charCodeAt(pos);
    if (c === 123) object(path, membership, depth);
    else if (c === 91) array(path, membership, depth);
    else scalar(path, membership);
  };
  ws();
  if (text.charCodeAt(pos) !== 123) fail();
  object("", null, 0);
  ws();
  if (pos !== text.length) fail();
  return { fields, hasMembership, source: {} };
}

/** Flattens an event given as text with the scanner, or as anything else with the reader. */
export function flattenForMatching(event: unknown, wanted: Set<string> | undefined): FlatEvent {
  if (typeof event === "string") {
    try {
      return flattenJsonText(event, wanted);
    } catch (error) {
      if (!(error instanceof ScanFallback) && !(error instanceof RangeError)) throw error;
      // Unusual or invalid text: the full reader decides (and words the error).
    }
  }
  return flattenEvent(event, wanted);
}
