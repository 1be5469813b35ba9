/**
 * An event as EventBridge's matcher sees it: every leaf value under its dotted path
 * ("detail.items.id"), arrays flattened into several values under the same path. A value
 * inside an array of objects remembers which element it came from, so two fields are
 * never matched from different elements of the same array ("array consistency").
 */
import { InvalidEventError } from "./errors.js";
import { MAX_DEPTH, parseEventJson, JsonSyntaxError, RawNumber } from "./json.js";

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
  /** The number when it is an exact double, NaN otherwise (and for non-numbers). */
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
    // A JavaScript number is always exact; infinities are not JSON and match nothing numeric.
    leaf = { kind: ValueKind.Number, text: JSON.stringify(value), num: Number.isFinite(value) ? value : NaN, membership, raw: value };
  } else if (value instanceof RawNumber) leaf = { kind: ValueKind.Number, text: value.text, num: NaN, membership, raw: value };
  else if (typeof value === "boolean" || value === null) leaf = { kind: ValueKind.Literal, text: String(value), num: NaN, membership, raw: value };
  else if (typeof value === "bigint") leaf = { kind: ValueKind.Number, text: value.toString(), num: NaN, membership, raw: value };
  else return;
  const list = fields.get(path);
  if (list) list.push(leaf);
  else fields.set(path, [leaf]);
}
