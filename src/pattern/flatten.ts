/**
 * An event as EventBridge's matcher sees it: every leaf value under its dotted path
 * ("detail.items.id"), arrays flattened into several values under the same path. A value
 * inside an array of objects remembers which element it came from, so two fields are
 * never matched from different elements of the same array ("array consistency").
 *
 * Paths join the keys with "." as event-ruler's Path does, empty keys included
 * (`{"": {"b": 1}}` is ".b"). JSON text is read with the last value of a repeated key
 * winning, as `JSON.parse` and event-ruler's tree reader do, so an event given as text
 * and the same event given as an object always flatten alike.
 */
import { InvalidEventError } from "./errors.js";
import { MAX_DEPTH, parseEventJson, JsonSyntaxError, RawNumber } from "./json.js";
import { isComparableNumber, isExactDoubleLiteral } from "./number.js";
import type { FieldPlan } from "./plan.js";

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
  /** The string read as an IP address, in hex digits (null: not one), once a pattern asked. */
  ip: string | null | undefined;
  /** The string's number in the plan's StringTable when its field is interned; -1 otherwise or when absent there. */
  sym: number;
}

/** A flattened event, for explanations: every field by path. */
export interface FlatEvent {
  fields: Map<string, FlatValue[]>;
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
  if (!isObjectNode(value)) throw new InvalidEventError("an event must be a JSON object");
  return value;
}

/** A JSON object (not an array, not a number kept as text). */
export function isObjectNode(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof RawNumber);
}

/** The leaf for a JavaScript value read from JSON, or undefined for what JSON has no leaf for. */
export function leafOf(value: unknown, membership: number[] | null): FlatValue | undefined {
  switch (typeof value) {
    case "string":
      return { kind: ValueKind.String, text: value, num: NaN, membership, raw: value, ip: undefined, sym: -1 };
    case "number":
      // Written as JSON (JSON.stringify), the way the event would be sent; infinities are not JSON.
      return { kind: ValueKind.Number, text: JSON.stringify(value), num: isComparableNumber(value) ? value : NaN, membership, raw: value, ip: undefined, sym: -1 };
    case "boolean":
      return { kind: ValueKind.Literal, text: value ? "true" : "false", num: NaN, membership, raw: value, ip: undefined, sym: -1 };
    case "bigint": {
      const text = value.toString();
      return { kind: ValueKind.Number, text, num: isExactDoubleLiteral(text) ? Number(text) : NaN, membership, raw: value, ip: undefined, sym: -1 };
    }
    case "object":
      if (value === null) return { kind: ValueKind.Literal, text: "null", num: NaN, membership, raw: null, ip: undefined, sym: -1 };
      if (value instanceof RawNumber) return { kind: ValueKind.Number, text: value.text, num: value.comparable ? Number(value.text) : NaN, membership, raw: value, ip: undefined, sym: -1 };
      return undefined;
    default:
      return undefined;
  }
}

/** `prefix.key`, or the key alone at the top (event-ruler's Path.name). */
export function joinPath(prefix: string | undefined, key: string): string {
  return prefix === undefined ? key : `${prefix}.${key}`;
}

/**
 * Flattens an event, every field. With a plan, keys event-ruler would skip (not a step any
 * of the plan's rules uses) are skipped with their subtree, as the matcher does; without
 * one, everything is read (for hints about fields the pattern does not name).
 */
export function flattenEvent(event: unknown, plan?: FieldPlan): FlatEvent {
  const source = readEvent(event);
  const out: FlatEvent = { fields: new Map() };
  const state = { arrays: 0 };
  const add = (path: string, leaf: FlatValue) => {
    const list = out.fields.get(path);
    if (list) list.push(leaf);
    else out.fields.set(path, [leaf]);
  };
  const walkObject = (obj: Record<string, unknown>, prefix: string | undefined, membership: number[] | null, depth: number): void => {
    if (depth > MAX_DEPTH) throw new InvalidEventError(`the event is nested deeper than ${MAX_DEPTH} levels`);
    for (const key in obj) {
      if (!Object.prototype.hasOwnProperty.call(obj, key)) continue;
      if (plan !== undefined && !plan.isStepUsed(key)) continue;
      const value = obj[key];
      if (value !== undefined) walkValue(value, joinPath(prefix, key), membership, depth + 1);
    }
  };
  const walkValue = (value: unknown, path: string, membership: number[] | null, depth: number): void => {
    if (Array.isArray(value)) {
      if (depth > MAX_DEPTH) throw new InvalidEventError(`the event is nested deeper than ${MAX_DEPTH} levels`);
      const id = state.arrays++;
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (Array.isArray(item) || isObjectNode(item)) {
          // Only elements that are objects or arrays carry the array's membership.
          const inner = membership ? [...membership, id, i] : [id, i];
          if (Array.isArray(item)) walkValue(item, path, inner, depth + 1);
          else walkObject(item, path, inner, depth + 1);
        } else {
          const leaf = leafOf(item, membership);
          if (leaf) add(path, leaf);
        }
      }
      return;
    }
    if (isObjectNode(value)) {
      walkObject(value, path, membership, depth);
      return;
    }
    const leaf = leafOf(value, membership);
    if (leaf) add(path, leaf);
  };
  walkObject(source, undefined, null, 0);
  return out;
}
