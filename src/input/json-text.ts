/**
 * JSON text the way EventBridge writes it. The service is a Java service using Jackson
 * (its PutTargets errors quote Jackson's "[Source: (String)...; line: 1, column: 1]"), and
 * it delivers events minified: so values are written compact, strings escaped as Jackson
 * escapes them (`\"`, `\\`, the short escapes, `\u00XX` in upper case for other control
 * characters; `/` and non-ASCII text as they are), and number literals exactly as the
 * event's text spelt them (`1.50`, `1e3`, 20-digit integers), which is why events read
 * from text keep every number as a RawNumber.
 */
import { JsonSyntaxError, parseJson, RawNumber } from "../pattern/json.js";

/** A JSON object (not an array, not null, not a kept number literal). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof RawNumber);
}

/** Reads event text keeping every number literal's spelling. */
export function readEventText(text: string): unknown {
  return parseJson(text, { keepNumberText: true });
}

const HEX = "0123456789ABCDEF";
const SHORT_ESCAPES: Record<number, string> = { 8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r", 34: '\\"', 92: "\\\\" };

/** A string as a JSON string literal, escaped as Jackson escapes it. */
export function quoteJsonString(text: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 32 && c !== 34 && c !== 92) continue;
    out += text.slice(start, i) + (SHORT_ESCAPES[c] ?? `\\u00${HEX[c >> 4]}${HEX[c & 15]}`);
    start = i + 1;
  }
  return out + text.slice(start) + '"';
}

/** Compact JSON text of a value; RawNumber literals are written verbatim. */
export function writeJson(value: unknown): string {
  if (value instanceof RawNumber) return value.text;
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return quoteJsonString(value);
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      return value.toString();
    case "object":
      break;
    default:
      return "null";
  }
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined || typeof item === "function" ? "null" : writeJson(item))).join(",")}]`;
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === "function") return writeJson(withJson.toJSON());
  const members: string[] = [];
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined || typeof member === "function" || typeof member === "symbol") continue;
    members.push(`${quoteJsonString(key)}:${writeJson(member)}`);
  }
  return `{${members.join(",")}}`;
}

/** How the service reads a finished payload. */
export type PayloadReading =
  | { kind: "json"; value: unknown }
  /** Two or more JSON strings on their own (the guide's multi-line text form): delivered as text. */
  | { kind: "lines" }
  | { kind: "empty" }
  | { kind: "invalid"; reason: string };

// One JSON string literal, then whitespace.
const STRING_LITERAL = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"[\t\n\r ]*/y;

/**
 * One JSON value, or the documented multi-line form: each line a quoted string
 * (`"first <a>"\n"second <b>"`), which PutTargets accepts and the service delivers as is.
 * Anything else the service refuses to deliver ("Invalid input for target.", INVALID_JSON).
 */
export function readPayload(text: string): PayloadReading {
  if (text === "") return { kind: "empty" };
  try {
    return { kind: "json", value: parseJson(text) };
  } catch (error) {
    if (isStringSequence(text)) return { kind: "lines" };
    return { kind: "invalid", reason: error instanceof JsonSyntaxError ? error.message : String(error) };
  }
}

function isStringSequence(text: string): boolean {
  let pos = /^[\t\n\r ]*/.exec(text)![0].length;
  let count = 0;
  while (pos < text.length) {
    STRING_LITERAL.lastIndex = pos;
    const m = STRING_LITERAL.exec(text);
    if (!m) return false;
    pos += m[0].length;
    count++;
  }
  return count >= 2;
}

/** JSON text of a value laid out for reading (two-space indent, as JSON.stringify(v, null, 2)); number literals written verbatim. */
export function writeJsonIndented(value: unknown, indent = ""): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((item) => `${inner}${writeJsonIndented(item === undefined ? null : item, inner)}`).join(",\n")}\n${indent}]`;
  }
  if (isJsonObject(value) && typeof (value as { toJSON?: unknown }).toJSON !== "function") {
    const members = Object.entries(value).filter(([, member]) => member !== undefined && typeof member !== "function");
    if (members.length === 0) return "{}";
    return `{\n${members.map(([key, member]) => `${inner}${quoteJsonString(key)}: ${writeJsonIndented(member, inner)}`).join(",\n")}\n${indent}}`;
  }
  return writeJson(value);
}
