/**
 * Values read from a template or plan before deploy: plain JSON, where a part that only
 * deploy time knows (an `!ImportValue`, a parameter without a value, an attribute the
 * service assigns) is an `Unresolved` marker naming why. Markers survive concatenation
 * (`!Sub`, `!Join`) so that whatever needed the value can say which one it was.
 */

/** A value course-doctor cannot know before deploy, with what it is (`!ImportValue SharedBusName`) and why. */
export class Unresolved {
  constructor(
    /** What the template says, in its own words: "!ImportValue SharedBusName", "parameter Stage". */
    readonly what: string,
    /** Why it has no value here, and how to give it one. */
    readonly why: string,
  ) {}

  /** One line: "!ImportValue SharedBusName (exported by another stack: give its template with another --template)". */
  describe(): string {
    return `${this.what} (${this.why})`;
  }
}

/** `AWS::NoValue`: the property (or list element) is left out. */
export class NoValue {}
export const NO_VALUE = new NoValue();

export type Value = string | number | boolean | null | Unresolved | NoValue | Value[] | { [key: string]: Value };

export function isUnresolved(value: unknown): value is Unresolved {
  return value instanceof Unresolved;
}

/** The first marker inside a value (depth first), or null when the value is fully known. */
export function firstUnresolved(value: unknown): Unresolved | null {
  if (value instanceof Unresolved) return value;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = firstUnresolved(item);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === "object") {
    for (const item of Object.values(value)) {
      const found = firstUnresolved(item);
      if (found) return found;
    }
  }
  return null;
}

/** A known string; a number or boolean as its text; a marker as is; anything else undefined. */
export function textOf(value: unknown): string | Unresolved | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof Unresolved) return value;
  return undefined;
}

/** A known string, or undefined (a marker or another type). */
export function knownText(value: unknown): string | undefined {
  const text = textOf(value);
  return typeof text === "string" ? text : undefined;
}

export function isObject(value: unknown): value is Record<string, Value> {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Unresolved) && !(value instanceof NoValue);
}

/** A JSON document (a pattern, a policy) as text; null when it holds a marker. */
export function jsonText(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (firstUnresolved(value)) return null;
  return JSON.stringify(value);
}
