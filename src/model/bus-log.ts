/**
 * The records of an event bus's own log (EventBridge's documented log schema): reading
 * one from its JSON text, the filter pattern that narrows a log group to one rule's
 * events, and what the records say about an event — pure, shared by `check` (bus.logs)
 * and `probe --bus-logs`.
 */
import type { BusLogRecord } from "./snapshot.js";

/** Records that carry the event itself (source, detail-type, detail). */
export const RECEIPT_TYPES: ReadonlySet<string> = new Set(["EVENT_RECEIPT", "EVENT_INGEST_SUCCESS", "EVENT_INGEST_FAILURE", "RULE_MATCH_START"]);

/** How an invocation ended for good: delivered, or given up on. */
export const INVOCATION_FAILED: ReadonlySet<string> = new Set(["INVOCATION_FAILURE", "INVOCATION_DLQ"]);
/** One attempt that failed: for good (permanent), or to be tried again. */
export const ATTEMPT_FAILED: ReadonlySet<string> = new Set(["INVOCATION_ATTEMPT_PERMANENT_FAILURE", "INVOCATION_ATTEMPT_RETRYABLE_FAILURE", "INVOCATION_ATTEMPT_THROTTLE"]);

export const NO_RULES_MATCHED = "NO_STANDARD_RULES_MATCHED";

/** The delivery source log type that carries a level's records. */
export function logTypeOf(level: string): string {
  return `${level.toUpperCase()}_LOGS`;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function integer(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/**
 * One log line as a record; null when the line is not a bus log record (no
 * message_type). `fallbackTime` is the log event's own timestamp, for a record whose
 * message_timestamp_ms is missing or unreadable.
 */
export function parseBusLogRecord(line: string, fallbackTime: number): BusLogRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const raw = value as Record<string, unknown>;
  const messageType = text(raw.message_type);
  if (!messageType) return null;
  const details = (typeof raw.details === "object" && raw.details !== null ? raw.details : {}) as Record<string, unknown>;
  const error = typeof raw.error === "object" && raw.error !== null ? (raw.error as Record<string, unknown>) : null;
  const record: BusLogRecord = { timestamp: integer(raw.message_timestamp_ms) ?? fallbackTime, messageType };
  const set = <K extends keyof BusLogRecord>(key: K, v: BusLogRecord[K] | undefined) => {
    if (v !== undefined) record[key] = v;
  };
  set("eventId", text(raw.event_id));
  set("invocationId", text(raw.invocation_id));
  set("logLevel", text(raw.log_level));
  set("ruleArn", text(details.rule_arn));
  set("targetArn", text(details.target_arn));
  if (Array.isArray(details.target_arns)) set("targetArns", details.target_arns.filter((a): a is string => typeof a === "string"));
  set("source", text(details.source));
  set("detailType", text(details.detail_type)?.trim());
  set("eventDetail", text(details.event_detail));
  set("attempts", integer(details.total_attempts) ?? integer(details.attempt_count));
  if (error) {
    const e: NonNullable<BusLogRecord["error"]> = {};
    if (text(error.error_message)) e.message = text(error.error_message)!;
    if (text(error.aws_service)) e.service = text(error.aws_service)!;
    if (integer(error.http_status_code) !== undefined) e.status = integer(error.http_status_code)!;
    if (text(error.request_id)) e.requestId = text(error.request_id)!;
    record.error = e;
  }
  return record;
}

/** Which records matter for one rule: its own (rule_arn), events matching no rule, receipts of the application's sources. */
export interface BusLogScope {
  ruleArn: string | null;
  /** The application's sources; empty when none is known. */
  sources: readonly string[];
  /** Only these events (the probe's own); every event when absent. */
  eventIds?: readonly string[];
}

/**
 * The application's sources: the event's own when one is given (a full event's `source`
 * or an entry's `Source`), else the literal sources the rule's pattern names.
 */
export function applicationSources(eventInput: unknown, eventPattern: string | undefined): string[] {
  const input = typeof eventInput === "object" && eventInput !== null ? (eventInput as Record<string, unknown>) : {};
  const given = typeof input.source === "string" ? input.source : typeof input.Source === "string" ? input.Source : null;
  if (given) return [given];
  if (!eventPattern) return [];
  try {
    const source = (JSON.parse(eventPattern) as Record<string, unknown>).source;
    return Array.isArray(source) ? source.filter((s): s is string => typeof s === "string") : [];
  } catch {
    return [];
  }
}

/** A string a CloudWatch Logs filter pattern can quote as it is. */
function quotable(value: string): boolean {
  return !/["\\\n\r]/.test(value);
}

/**
 * The CloudWatch Logs filter pattern for a scope; undefined when a value cannot be quoted
 * (then every line is read and narrowed here). Emulators match filters loosely: what a
 * filter returns is always narrowed again with `inScope`.
 */
export function scopeFilter(scope: BusLogScope): string | undefined {
  if (scope.eventIds) {
    if (scope.eventIds.length === 0 || !scope.eventIds.every(quotable)) return undefined;
    return `{ ${scope.eventIds.map((id) => `$.event_id = "${id}"`).join(" || ")} }`;
  }
  const values = [...(scope.ruleArn ? [scope.ruleArn] : []), ...scope.sources];
  if (!values.every(quotable)) return undefined;
  const terms = [`$.message_type = "${NO_RULES_MATCHED}"`];
  if (scope.ruleArn) terms.push(`$.details.rule_arn = "${scope.ruleArn}"`);
  for (const source of scope.sources) terms.push(`$.details.source = "${source}"`);
  return `{ ${terms.join(" || ")} }`;
}

/** The record is one the scope asks for. */
export function inScope(record: BusLogRecord, scope: BusLogScope): boolean {
  if (scope.eventIds) return record.eventId !== undefined && scope.eventIds.includes(record.eventId);
  if (record.messageType === NO_RULES_MATCHED) return true;
  if (scope.ruleArn && record.ruleArn === scope.ruleArn) return true;
  return record.source !== undefined && scope.sources.includes(record.source);
}

/** The event one record is about, as the receipt records describe it. */
export interface LoggedEvent {
  eventId: string;
  source?: string;
  detailType?: string;
  /** The event's detail text (only when the bus logs with IncludeDetail FULL). */
  detail?: string;
  /** When the bus first recorded it. */
  firstSeen: number;
}

/** Every event the records describe, by event id (from their receipt records). */
export function eventsOf(records: readonly BusLogRecord[]): Map<string, LoggedEvent> {
  const events = new Map<string, LoggedEvent>();
  for (const record of records) {
    if (!record.eventId) continue;
    const known = events.get(record.eventId) ?? { eventId: record.eventId, firstSeen: record.timestamp };
    known.firstSeen = Math.min(known.firstSeen, record.timestamp);
    if (RECEIPT_TYPES.has(record.messageType)) {
      if (record.source && !known.source) known.source = record.source;
      if (record.detailType && !known.detailType) known.detailType = record.detailType;
      if (record.eventDetail && !known.detail) known.detail = record.eventDetail;
    }
    events.set(record.eventId, known);
  }
  return events;
}

/** How one target's invocations ended, per the records of one rule. */
export interface TargetOutcome {
  targetArn: string;
  succeeded: number;
  /** Invocations given up on (INVOCATION_FAILURE, INVOCATION_DLQ). */
  failed: number;
  /** Attempts that failed (permanent, retryable, throttled). */
  failedAttempts: number;
  /** The newest failure's record (the service's error), when any failed. */
  newestFailure?: BusLogRecord;
  /** The distinct errors, newest first: message, service, status, and for how many events. */
  errors: Array<{ message: string; service?: string; status?: number; count: number; requestId?: string }>;
}

/** What the records say about one rule: events it matched, and per target how delivery ended. */
export interface RuleOutcome {
  matchedEvents: number;
  targets: TargetOutcome[];
}

export function ruleOutcome(records: readonly BusLogRecord[], ruleArn: string): RuleOutcome {
  const matched = new Set<string>();
  const byTarget = new Map<string, TargetOutcome>();
  const outcome = (arn: string) => {
    let t = byTarget.get(arn);
    if (!t) byTarget.set(arn, (t = { targetArn: arn, succeeded: 0, failed: 0, failedAttempts: 0, errors: [] }));
    return t;
  };
  const newestFirst = [...records].sort((a, b) => b.timestamp - a.timestamp);
  const counted = new Map<string, Set<string>>();
  for (const record of newestFirst) {
    if (record.ruleArn !== ruleArn) continue;
    if (record.messageType === "RULE_MATCH") {
      matched.add(record.eventId ?? `${record.timestamp}`);
      continue;
    }
    if (!record.targetArn) continue;
    if (record.messageType === "INVOCATION_SUCCESS") outcome(record.targetArn).succeeded++;
    else if (INVOCATION_FAILED.has(record.messageType) || ATTEMPT_FAILED.has(record.messageType)) {
      const t = outcome(record.targetArn);
      if (INVOCATION_FAILED.has(record.messageType)) t.failed++;
      else t.failedAttempts++;
      if (record.messageType !== "INVOCATION_ATTEMPT_RETRYABLE_FAILURE" && record.messageType !== "INVOCATION_ATTEMPT_THROTTLE" && !t.newestFailure) t.newestFailure = record;
      if (record.error?.message) {
        // Counted once per event: an event's failed attempt and its final failure carry the same error.
        const key = record.eventId ?? `${record.timestamp}`;
        const same = t.errors.find((e) => e.message === record.error!.message);
        if (!same) {
          t.errors.push({ message: record.error.message, count: 1, ...pick(record.error) });
          counted.set(record.error.message, new Set([key]));
        } else if (!counted.get(record.error.message)!.has(key)) {
          counted.get(record.error.message)!.add(key);
          same.count++;
        }
      }
    }
  }
  // An invocation that ended (success or failure) without a RULE_MATCH record (ERROR/INFO
  // levels do not record matches) still shows the rule matched its event.
  for (const record of records) if (record.ruleArn === ruleArn && record.eventId && record.messageType.startsWith("INVOCATION_")) matched.add(record.eventId);
  return { matchedEvents: matched.size, targets: [...byTarget.values()] };
}

function pick(error: NonNullable<BusLogRecord["error"]>): { service?: string; status?: number; requestId?: string } {
  const out: { service?: string; status?: number; requestId?: string } = {};
  if (error.service) out.service = error.service;
  if (error.status !== undefined) out.status = error.status;
  if (error.requestId) out.requestId = error.requestId;
  return out;
}

/** A record's target ARN names this target (a function's ARN may be logged with or without its qualifier). */
export function sameTarget(logged: string, target: string): boolean {
  return logged === target || logged.startsWith(`${target}:`) || target.startsWith(`${logged}:`);
}

/** The service's error in one line: "Lambda answered HTTP 403: <message>". */
export function describeLoggedError(error: { message?: string; service?: string; status?: number }): string {
  const who = error.service ? `${error.service}` : "the target's service";
  const status = error.status !== undefined ? ` HTTP ${error.status}` : "";
  return `${who}${status}: ${error.message ?? "(no message)"}`;
}

/** The events that reached the bus and matched no rule, with what the receipts say about each. */
export function unmatchedEvents(records: readonly BusLogRecord[]): LoggedEvent[] {
  const events = eventsOf(records);
  const ids = new Set(records.filter((r) => r.messageType === NO_RULES_MATCHED && r.eventId).map((r) => r.eventId!));
  const out: LoggedEvent[] = [];
  for (const id of ids) out.push(events.get(id) ?? { eventId: id, firstSeen: 0 });
  return out.sort((a, b) => b.firstSeen - a.firstSeen);
}
