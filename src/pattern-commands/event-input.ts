/**
 * Reading EVENT the way `pattern test` does, for every command that takes one (`pattern
 * test`, `pattern lint --event`, `route`): one JSON value, a JSON array or JSON Lines;
 * each a full event or a PutEvents entry, normalised into the event EventBridge builds.
 */
import { InputError } from "../errors.js";
import { normalizeEvent, type EventContext } from "../event/index.js";
import { InvalidEventError } from "../pattern/errors.js";
import { JsonSyntaxError, parseJson, RawNumber } from "../pattern/json.js";
import type { TextInput } from "../util/input.js";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof RawNumber);
}

/** One event of the EVENT input, as given. */
export interface EventInput {
  /** 1-based position (line number for JSON Lines). */
  index: number;
  line?: number;
  value: unknown;
}

/** Splits EVENT into events: one JSON value, a JSON array of events, or JSON Lines. */
export function readEvents(input: TextInput): { events: EventInput[]; lines: boolean } {
  const text = input.text;
  if (text.trim() === "") throw new InputError(`EVENT (${input.origin}) is empty`);
  try {
    const value = parseJson(text);
    if (Array.isArray(value)) {
      if (value.length === 0) throw new InputError(`EVENT (${input.origin}) is an empty array: no events to test`);
      return { events: value.map((v, i) => ({ index: i + 1, value: v })), lines: true };
    }
    return { events: [{ index: 1, value }], lines: false };
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    const lines = text.split(/\r?\n/);
    const nonEmpty = lines.filter((l) => l.trim() !== "");
    if (nonEmpty.length < 2) throw new InputError(`EVENT (${input.origin}) is not valid JSON (${error.message})`);
    const events: EventInput[] = [];
    lines.forEach((line, i) => {
      if (line.trim() === "") return;
      try {
        events.push({ index: events.length + 1, line: i + 1, value: parseJson(line) });
      } catch (lineError) {
        if (!(lineError instanceof JsonSyntaxError)) throw lineError;
        throw new InputError(`EVENT (${input.origin}), line ${i + 1}: not valid JSON (${lineError.message.replace(/^line 1, /, "")})`);
      }
    });
    return { events, lines: true };
  }
}

/** One event of EVENT as the event EventBridge builds (a PutEvents entry is turned into one); bad input is an InputError naming where. */
export function normalizeEventInput(input: EventInput, origin: string, context: EventContext) {
  const where = input.line ? `line ${input.line}` : `event ${input.index}`;
  if (!isObject(input.value)) {
    throw new InputError(`EVENT (${origin}), ${where}: an event must be a JSON object (a full event or a PutEvents entry)`);
  }
  try {
    return normalizeEvent(input.value, context);
  } catch (error) {
    if (error instanceof InvalidEventError) throw new InputError(`EVENT (${origin}), ${where}: ${error.message}`);
    throw error;
  }
}
