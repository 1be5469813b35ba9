/**
 * A small JSON reader that keeps what `JSON.parse` loses: a number literal that is not
 * an exact double (event-ruler compares such a literal by its text, so `1.00000000000000001`
 * must not silently become `1`). Exact literals become plain numbers; the others become
 * `RawNumber`, and so do the few exact literals whose double JSON.stringify would write
 * differently (`4.9e-324` reads as the double JSON writes `5e-324`; see number.ts).
 * Nesting is bounded so hostile input fails with a message, not a stack overflow.
 */
import { isComparableNumber, isExactDoubleLiteral } from "./number.js";

/** A JSON number literal kept as text, because a double would not give it back. */
export class RawNumber {
  constructor(readonly text: string) {}
  /** True when event-ruler compares it as a number all the same (4.9e-324). */
  get comparable(): boolean {
    return isExactDoubleLiteral(this.text);
  }
  toJSON(): number {
    return Number(this.text);
  }
  toString(): string {
    return this.text;
  }
}

/** Deepest nesting accepted in patterns and events. */
export const MAX_DEPTH = 256;

/** JSON text that cannot be read; `line` and `column` are 1-based. */
export class JsonSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`line ${line}, column ${column}: ${reason}`);
    this.name = "JsonSyntaxError";
  }
}

const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** How parseJson reads numbers. */
export interface ParseJsonOptions {
  /**
   * Keep every number literal as a RawNumber, not only the inexact ones: for output that
   * must repeat the input's text (`1.50`, `1e3`), as the input transformer does.
   */
  keepNumberText?: boolean;
}

/** Parses JSON text; duplicate keys keep the last value, as `JSON.parse` does. */
export function parseJson(text: string, options: ParseJsonOptions = {}): unknown {
  const readNumber = options.keepNumberText ? (literal: string) => new RawNumber(literal) : numberFromLiteral;
  let pos = 0;
  const fail = (reason: string, at = pos): never => {
    const before = text.slice(0, at);
    const line = before.split("\n").length;
    throw new JsonSyntaxError(reason, line, at - before.lastIndexOf("\n"));
  };
  const skip = () => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 10 || c === 13 || c === 9) pos++;
      else break;
    }
  };
  const readString = (): string => {
    // pos is at the opening quote
    let out = "";
    let start = ++pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (Number.isNaN(c)) fail("unterminated string");
      if (c === 34) {
        out += text.slice(start, pos++);
        return out;
      }
      if (c < 32) fail("control character in string");
      if (c === 92) {
        out += text.slice(start, pos);
        const e = text[pos + 1];
        switch (e) {
          case '"': out += '"'; break;
          case "\\": out += "\\"; break;
          case "/": out += "/"; break;
          case "b": out += "\b"; break;
          case "f": out += "\f"; break;
          case "n": out += "\n"; break;
          case "r": out += "\r"; break;
          case "t": out += "\t"; break;
          case "u": {
            const hex = text.slice(pos + 2, pos + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("bad \\u escape", pos);
            out += String.fromCharCode(parseInt(hex, 16));
            pos += 4;
            break;
          }
          default:
            fail("bad escape", pos);
        }
        pos += 2;
        start = pos;
        continue;
      }
      pos++;
    }
  };
  const readValue = (depth: number): unknown => {
    if (depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH} levels`);
    skip();
    const c = text[pos];
    if (c === "{") {
      pos++;
      const obj: Record<string, unknown> = {};
      skip();
      if (text[pos] === "}") {
        pos++;
        return obj;
      }
      for (;;) {
        skip();
        if (text[pos] !== '"') fail("expected a string key");
        const key = readString();
        skip();
        if (text[pos] !== ":") fail('expected ":"');
        pos++;
        const value = readValue(depth + 1);
        // defineProperty keeps "__proto__" an ordinary key.
        Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
        skip();
        if (text[pos] === ",") {
          pos++;
          continue;
        }
        if (text[pos] === "}") {
          pos++;
          return obj;
        }
        fail('expected "," or "}"');
      }
    }
    if (c === "[") {
      pos++;
      const arr: unknown[] = [];
      skip();
      if (text[pos] === "]") {
        pos++;
        return arr;
      }
      for (;;) {
        arr.push(readValue(depth + 1));
        skip();
        if (text[pos] === ",") {
          pos++;
          continue;
        }
        if (text[pos] === "]") {
          pos++;
          return arr;
        }
        fail('expected "," or "]"');
      }
    }
    if (c === '"') return readString();
    if (c === "t" && text.startsWith("true", pos)) {
      pos += 4;
      return true;
    }
    if (c === "f" && text.startsWith("false", pos)) {
      pos += 5;
      return false;
    }
    if (c === "n" && text.startsWith("null", pos)) {
      pos += 4;
      return null;
    }
    NUMBER_RE.lastIndex = pos;
    const m = NUMBER_RE.exec(text);
    if (m) {
      pos += m[0].length;
      return readNumber(m[0]);
    }
    return fail(c === undefined ? "unexpected end of input" : `unexpected character ${JSON.stringify(c)}`);
  };
  const value = readValue(0);
  skip();
  if (pos < text.length) fail("unexpected text after the JSON value");
  return value;
}

/** A plain number when the literal is an exact double that JSON writes back alike, else a RawNumber. */
export function numberFromLiteral(text: string): number | RawNumber {
  if (!isExactDoubleLiteral(text)) return new RawNumber(text);
  const value = Number(text);
  return isComparableNumber(value) ? value : new RawNumber(text);
}

// A number token that may not survive JSON.parse: 16+ digits (with a dot inside) or an
// exponent of 3+ digits. Strings that look like this only cost the slower reader.
const MAYBE_INEXACT = /[:,[]\s*-?\d(?:[\d.eE+-]{15}|[\d.]*[eE][-+]?\d{3})/;

/**
 * Parses event text fast: `JSON.parse` when no number literal could lose precision,
 * the exact reader otherwise.
 */
export function parseEventJson(text: string): unknown {
  if (!MAYBE_INEXACT.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      // fall through to the reader for a precise message
    }
  }
  return parseJson(text);
}

/** JSON text of a value, writing RawNumber literals verbatim (JSON.stringify would round them). */
export function toJsonText(value: unknown, indent = 0): string {
  const marks: string[] = [];
  const text = JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (v instanceof RawNumber) {
        marks.push(v.text);
        return `\u0000raw${marks.length - 1}\u0000`;
      }
      return v;
    },
    indent,
  );
  if (marks.length === 0) return text;
  return text.replace(/"\\u0000raw(\d+)\\u0000"/g, (_m, i: string) => marks[Number(i)]!);
}
