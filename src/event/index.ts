/**
 * The application's event, in both forms people hold it: the PutEvents entry the code
 * sends (Source, DetailType, Detail as JSON text, ...) and the event EventBridge builds
 * from it and matches rules against (source, detail-type, detail object, account, ...).
 */
import { InvalidEventError } from "../pattern/errors.js";
import { JsonSyntaxError, parseJson, RawNumber } from "../pattern/json.js";

/** A PutEvents request entry (API_PutEventsRequestEntry). */
export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  /** A JSON object serialised as a string. */
  Detail?: string;
  Resources?: string[];
  /** A bus name or ARN; omitted means the default bus. */
  EventBusName?: string;
  /** ISO 8601 timestamp; omitted means the time PutEvents received it. */
  Time?: string;
}

/** What the event fields that an entry leaves to the service are filled with. */
export interface EventContext {
  account?: string;
  region?: string;
  time?: string;
  id?: string;
}

/** The input recognised as one form, the full event and the entry. */
export interface NormalizedEvent {
  form: "event" | "entry";
  event: Record<string, unknown>;
  entry: PutEventsEntry;
}

/** A problem PutEvents would report for the entry (as a failed entry inside an HTTP 200). */
export interface EntryProblem {
  /** The PutEvents error code where one exists: InvalidArgument, MalformedDetail, ... */
  code: string;
  /** The entry field: Source, DetailType, Detail, Resources, EventBusName, Time. */
  field: string;
  message: string;
}

export const DEFAULT_ACCOUNT = "123456789012";
export const DEFAULT_REGION = "us-east-1";
/** The time used for an entry without Time when the caller asked for determinism. */
export const FIXED_TIME = "1970-01-01T00:00:00Z";
/** PutEvents' entry size limit (256 KB). */
export const MAX_ENTRY_SIZE = 256 * 1024;

const ENTRY_KEYS = ["Source", "DetailType", "Detail", "Resources", "EventBusName", "Time"];
const EVENT_KEYS = ["source", "detail-type", "detail"];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof RawNumber);
}

/** True when the object looks like a PutEvents entry rather than a delivered event. */
export function isPutEventsEntry(input: Record<string, unknown>): boolean {
  const entryish = ENTRY_KEYS.some((k) => k in input);
  const eventish = EVENT_KEYS.some((k) => k in input);
  return entryish && !eventish;
}

/**
 * Turns a full event or a PutEvents entry into the event EventBridge would match (with
 * version "0", id, detail-type, source, account, time, region, resources, detail) and the
 * entry that produces it. With a context, the generated id and time are deterministic.
 * An entry whose Detail is not JSON keeps it as a string; `validateEntry` reports it.
 */
export function normalizeEvent(input: unknown, context?: EventContext): NormalizedEvent {
  if (!isObject(input)) throw new InvalidEventError("an event must be a JSON object (a full event or a PutEvents entry)");
  const account = context?.account ?? DEFAULT_ACCOUNT;
  const region = context?.region ?? DEFAULT_REGION;
  if (isPutEventsEntry(input)) {
    const entry = entryOf(input);
    const detail = parseDetail(entry.Detail);
    const event: Record<string, unknown> = {
      version: "0",
      id: context?.id ?? eventId(entry, context),
      "detail-type": entry.DetailType,
      source: entry.Source,
      account,
      time: normalizeTime(entry.Time) ?? context?.time ?? (context ? FIXED_TIME : new Date().toISOString().replace(/\.\d{3}Z$/, "Z")),
      region,
      resources: entry.Resources ?? [],
      detail: detail.ok ? detail.value : (entry.Detail ?? {}),
    };
    return { form: "entry", event, entry };
  }
  const given = input;
  const event: Record<string, unknown> = {
    version: given.version ?? "0",
    id: given.id ?? context?.id ?? eventId(given, context),
    "detail-type": given["detail-type"],
    source: given.source,
    account: given.account ?? account,
    time: given.time ?? context?.time ?? (context ? FIXED_TIME : new Date().toISOString().replace(/\.\d{3}Z$/, "Z")),
    region: given.region ?? region,
    resources: given.resources ?? [],
    detail: given.detail ?? {},
  };
  for (const [key, value] of Object.entries(given)) if (!(key in event)) event[key] = value;
  if (event["detail-type"] === undefined) delete event["detail-type"];
  if (event.source === undefined) delete event.source;
  const entry: PutEventsEntry = {};
  if (typeof given.source === "string") entry.Source = given.source;
  if (typeof given["detail-type"] === "string") entry.DetailType = given["detail-type"];
  const detail = given.detail ?? {};
  entry.Detail = typeof detail === "string" ? detail : stringify(detail);
  if (Array.isArray(given.resources) && given.resources.length > 0) entry.Resources = given.resources as string[];
  if (typeof given.time === "string") entry.Time = given.time;
  return { form: "event", event, entry };
}

/** The fields TestEventPattern requires of an event (API_TestEventPattern), in that order. */
export const ENVELOPE_FIELDS = ["id", "account", "source", "time", "region", "resources", "detail-type"] as const;

/**
 * The envelope fields TestEventPattern requires that the event lacks (an empty list when
 * it has them all). A field holding `undefined` counts as absent, as JSON would drop it.
 */
export function missingEnvelopeFields(event: Record<string, unknown>): string[] {
  return ENVELOPE_FIELDS.filter((field) => !Object.prototype.hasOwnProperty.call(event, field) || event[field] === undefined);
}

function entryOf(input: Record<string, unknown>): PutEventsEntry {
  const entry: PutEventsEntry = {};
  if (input.Source !== undefined) entry.Source = input.Source as string;
  if (input.DetailType !== undefined) entry.DetailType = input.DetailType as string;
  if (input.Detail !== undefined) entry.Detail = (isObject(input.Detail) ? stringify(input.Detail) : input.Detail) as string;
  if (input.Resources !== undefined) entry.Resources = input.Resources as string[];
  if (input.EventBusName !== undefined) entry.EventBusName = input.EventBusName as string;
  if (input.Time !== undefined) entry.Time = (input.Time instanceof Date ? input.Time.toISOString() : input.Time) as string;
  return entry;
}

function stringify(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v instanceof RawNumber ? Number(v.text) : v));
}

function normalizeTime(time: unknown): string | undefined {
  if (typeof time !== "string" || time === "") return undefined;
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? time : new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function eventId(seed: unknown, context: EventContext | undefined): string {
  // The Web Crypto global loads node:crypto only when called (start-up matters here).
  if (!context) return globalThis.crypto.randomUUID();
  const hex = hash128(stringify(seed) ?? "");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * 128 bits of a deterministic, non-cryptographic hash (four FNV-1a lanes) as 32 hex
 * digits: an id that stays the same for the same event, without loading node:crypto.
 */
function hash128(text: string): string {
  const lanes = [0x811c9dc5, 0x050c5d1f, 0x1b873593, 0x85ebca6b];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    for (let l = 0; l < 4; l++) lanes[l] = Math.imul(lanes[l]! ^ (c + l), 0x01000193);
  }
  return lanes.map((h) => (h >>> 0).toString(16).padStart(8, "0")).join("");
}

type DetailResult = { ok: true; value: Record<string, unknown> } | { ok: false; reason: string };

function parseDetail(detail: unknown): DetailResult {
  if (detail === undefined) return { ok: false, reason: "missing" };
  if (typeof detail !== "string") return { ok: false, reason: "Detail must be a string holding a JSON object" };
  let value: unknown;
  try {
    value = parseJson(detail);
  } catch (error) {
    const why = error instanceof JsonSyntaxError ? error.message : (error as Error).message;
    return { ok: false, reason: `Detail is not valid JSON (${why})` };
  }
  if (!isObject(value)) {
    return { ok: false, reason: `Detail must be a JSON object, not ${value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`}` };
  }
  return { ok: true, value };
}

function utf8(text: unknown): number {
  return typeof text === "string" ? Buffer.byteLength(text, "utf8") : 0;
}

/**
 * The entry's size as PutEvents counts it (CalculatePutEventsEntrySize): 14 bytes when
 * Time is set, plus the UTF-8 bytes of Source, DetailType, Detail and each Resource.
 */
export function entrySize(entry: PutEventsEntry): number {
  let size = entry.Time !== undefined && entry.Time !== null ? 14 : 0;
  size += utf8(entry.Source) + utf8(entry.DetailType) + utf8(entry.Detail);
  for (const resource of entry.Resources ?? []) size += utf8(resource);
  return size;
}

const BUS_NAME = /^[A-Za-z0-9._\-/]{1,256}$/;
const BUS_ARN = /^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[A-Za-z0-9._\-/]{1,256}$/;

/** Problems PutEvents would report for this entry; empty when it would be accepted. */
export function validateEntry(entry: PutEventsEntry): EntryProblem[] {
  const problems: EntryProblem[] = [];
  const requireString = (field: "Source" | "DetailType", value: unknown) => {
    if (value === undefined || value === null || value === "") {
      problems.push({ code: "InvalidArgument", field, message: `${field} is required` });
      return false;
    }
    if (typeof value !== "string") {
      problems.push({ code: "InvalidArgument", field, message: `${field} must be a string` });
      return false;
    }
    return true;
  };
  if (requireString("Source", entry.Source) && entry.Source!.startsWith("aws.")) {
    problems.push({
      code: "NotAuthorizedForSourceException",
      field: "Source",
      message: `"${entry.Source}": sources starting with "aws." are reserved for AWS services; use your own, e.g. "myapp.orders"`,
    });
  }
  requireString("DetailType", entry.DetailType);
  if (entry.Detail === undefined || entry.Detail === null || entry.Detail === "") {
    problems.push({ code: "InvalidArgument", field: "Detail", message: "Detail is required (a JSON object serialised as a string, e.g. \"{}\")" });
  } else {
    const detail = parseDetail(entry.Detail);
    if (!detail.ok) problems.push({ code: "MalformedDetail", field: "Detail", message: detail.reason });
  }
  if (entry.Resources !== undefined && (!Array.isArray(entry.Resources) || entry.Resources.some((r) => typeof r !== "string"))) {
    problems.push({ code: "InvalidArgument", field: "Resources", message: "Resources must be an array of strings (ARNs)" });
  }
  if (entry.EventBusName !== undefined && entry.EventBusName !== "") {
    const bus = entry.EventBusName;
    if (typeof bus !== "string" || !(BUS_NAME.test(bus) || BUS_ARN.test(bus))) {
      problems.push({ code: "InvalidArgument", field: "EventBusName", message: `${JSON.stringify(bus)} is neither an event bus name nor an event bus ARN` });
    }
  }
  if (entry.Time !== undefined && (typeof entry.Time !== "string" || Number.isNaN(Date.parse(entry.Time)))) {
    problems.push({ code: "InvalidArgument", field: "Time", message: `Time ${JSON.stringify(entry.Time)} is not a timestamp` });
  }
  const size = entrySize(entry);
  if (size > MAX_ENTRY_SIZE) {
    problems.push({ code: "EntryTooLarge", field: "Detail", message: `the entry is ${size} bytes; PutEvents accepts at most ${MAX_ENTRY_SIZE} (256 KB)` });
  }
  return problems;
}
