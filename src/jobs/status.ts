import type { JobApi } from "./api.js";
import { JobApiError } from "./http.js";

/** Where a job stands, as course-doctor classifies the API's status text. */
export type JobState = "running" | "completed" | "failed";

/** One reading of a job's status, normalised from the API's answer. */
export interface JobStatus {
  id: string;
  /** The API's status text, as it said it ("processing", "queued", ...). */
  status: string;
  state: JobState;
  phase: string | null;
  /** Percent done (0-100), when the API says. */
  progress: number | null;
  /** The API's error text, for a failed job. */
  error: string | null;
  /** The id to read the result with (the final course id), when the answer names one. */
  resultId: string | null;
  /** The answer as the API sent it. */
  response: unknown;
}

/** Reads a field by dotted path ("data.state"); a key that itself holds a dot wins. */
export function readField(value: unknown, path: string): unknown {
  if (value === null || typeof value !== "object") return undefined;
  const record = value as Record<string, unknown>;
  if (path in record) return record[path];
  const dot = path.indexOf(".");
  if (dot < 0) return undefined;
  return readField(record[path.slice(0, dot)], path.slice(dot + 1));
}

/** Classifies a status text against the API's terminal states (case-insensitive). */
export function classifyState(api: Pick<JobApi, "completedStates" | "failedStates">, status: string): JobState {
  const text = status.toLowerCase();
  if (api.completedStates.some((state) => state.toLowerCase() === text)) return "completed";
  if (api.failedStates.some((state) => state.toLowerCase() === text)) return "failed";
  return "running";
}

/**
 * Percent done from whatever shape the API uses: 45, 0.45, "45%", "45",
 * {percent: 45}, {current: 9, total: 20}. Integers are percents (so 1 is 1%, not 100%);
 * a fraction below 1 is a share. Null when there is no usable number.
 */
export function progressPercent(value: unknown): number | null {
  if (typeof value === "number" && Number.isFinite(value)) {
    const percent = value > 0 && value < 1 && !Number.isInteger(value) ? value * 100 : value;
    return clampPercent(percent);
  }
  if (typeof value === "string") {
    const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(value);
    return match ? progressPercent(Number(match[1])) : null;
  }
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    for (const key of ["percent", "percentage", "pct"]) {
      if (typeof record[key] === "number" || typeof record[key] === "string") return progressPercent(record[key]);
    }
    const done = firstNumber(record, ["current", "completed", "done", "step", "completed_steps", "current_step"]);
    const total = firstNumber(record, ["total", "total_steps", "steps", "of"]);
    if (done !== undefined && total !== undefined && total > 0) return clampPercent((done / total) * 100);
  }
  return null;
}

function firstNumber(record: Record<string, unknown>, keys: string[]): number | undefined {
  for (const key of keys) {
    const value = record[key];
    if (typeof value === "number" && Number.isFinite(value)) return value;
  }
  return undefined;
}

function clampPercent(value: number): number {
  return Math.round(Math.min(100, Math.max(0, value)) * 10) / 10;
}

function text(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "string") return value.trim() === "" ? null : value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return null;
}

/** The error text of a failed job: the configured field, then the usual suspects. */
function errorText(api: JobApi, body: unknown): string | null {
  for (const path of [api.errorField, "error", "error_message", "errorMessage", "message", "failure_reason"]) {
    const value = readField(body, path);
    const direct = text(value);
    if (direct !== null) return direct;
    if (value !== null && typeof value === "object") {
      const nested = text((value as Record<string, unknown>).message);
      return nested ?? JSON.stringify(value);
    }
  }
  return null;
}

/** The keys of an answer, for messages about a missing field. */
export function describeKeys(body: unknown): string {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return `it is ${Array.isArray(body) ? "an array" : JSON.stringify(body)}`;
  const keys = Object.keys(body);
  return keys.length === 0 ? "it is an empty object" : `it has ${keys.slice(0, 12).join(", ")}${keys.length > 12 ? ", …" : ""}`;
}

/**
 * Normalises a status answer. An answer without the status field is an API description
 * that does not fit this API, which waiting will not fix.
 */
export function readJobStatus(api: JobApi, id: string, body: unknown): JobStatus {
  const status = text(readField(body, api.statusField));
  if (status === null) {
    throw new JobApiError("malformed", `the status answer for job ${id} has no "${api.statusField}" field (${describeKeys(body)})`, {
      hint: 'if this API names it differently, set "api": {"statusField": "..."} in the config file',
    });
  }
  return statusFrom(api, id, status, body);
}

function statusFrom(api: JobApi, id: string, status: string, body: unknown): JobStatus {
  const state = classifyState(api, status);
  const progress = api.progressField === null ? null : progressPercent(readField(body, api.progressField));
  return {
    id,
    status,
    state,
    phase: api.phaseField === null ? null : text(readField(body, api.phaseField)),
    // A finished job is all done, whatever scale its progress used (1 may mean 100%).
    progress: state === "completed" && progress !== null ? 100 : progress,
    error: state === "failed" ? errorText(api, body) : null,
    resultId: api.resultIdField === null ? null : text(readField(body, api.resultIdField)),
    response: body,
  };
}

/**
 * Reads the job id from a submit answer; its status, when present, is the first reading
 * (APIs answer "processing" or "queued").
 */
export function readSubmitAnswer(api: JobApi, body: unknown): JobStatus {
  const id = text(readField(body, api.idField));
  if (id === null) {
    throw new JobApiError("malformed", `the API accepted the submit, but its answer has no "${api.idField}" field (${describeKeys(body)})`, {
      hint: 'the job may have been created; if this API names its id differently, set "api": {"idField": "..."} in the config file',
    });
  }
  const status = text(readField(body, api.statusField)) ?? "submitted";
  return statusFrom(api, id, status, body);
}
