import type { ApiSettings } from "../config/schema.js";
import { UsageError } from "../errors.js";
import { requireDuration } from "../util/duration.js";

/** The built-in job APIs (DESIGN.md, "The job API client"). */
export const PRESET_NAMES = ["courses", "ingestor"] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/**
 * How one job API looks: where to submit, where to read a job's status, which fields of
 * the answers mean what. Field names may be dotted paths into nested objects ("data.state").
 * Path templates hold `{id}`, replaced by the URL-encoded job (or result) id.
 */
export interface JobApi {
  /** "courses", "ingestor", or "custom" when the config file changed a preset. */
  name: string;
  baseUrl: URL;
  submit: {
    method: "POST" | "PUT";
    path: string;
    /** Body used when no body flags are given. */
    body: Record<string, unknown> | undefined;
    /** True when --query/--hours/--preferences build the body (the course API's shape). */
    acceptsQueryFlags: boolean;
  };
  idField: string;
  statusPath: string;
  statusField: string;
  phaseField: string | null;
  progressField: string | null;
  errorField: string;
  /** Field of the status answer naming the id to fetch the result with (the final course id). */
  resultIdField: string | null;
  /** Where the finished result is read; null means the status answer is the result. */
  resultPath: string | null;
  completedStates: string[];
  failedStates: string[];
  /** Timeout of each HTTP request. */
  requestTimeoutMs: number;
}

type ApiShape = Omit<JobApi, "name" | "baseUrl" | "requestTimeoutMs">;

const PRESETS: Record<PresetName, ApiShape> = {
  // POST /courses → {"course_id", "status": "processing"}; GET /course-status/{id} →
  // {status, phase, progress}; GET /course?courseId=... reads the finished course, whose
  // id the status answer may name.
  courses: {
    submit: { method: "POST", path: "/courses", body: undefined, acceptsQueryFlags: true },
    idField: "course_id",
    statusPath: "/course-status/{id}",
    statusField: "status",
    phaseField: "phase",
    progressField: "progress",
    errorField: "error",
    resultIdField: "final_course_id",
    resultPath: "/course?courseId={id}",
    completedStates: ["completed"],
    failedStates: ["failed", "error"],
  },
  // POST /upload/process-s3-files → {"job_id", "status": "queued", ...}; a job goes
  // queued → processing → completed | failed. The status route is not part of the
  // write-up: /jobs/{id} is the common shape, and the config file can name another.
  ingestor: {
    submit: { method: "POST", path: "/upload/process-s3-files", body: undefined, acceptsQueryFlags: false },
    idField: "job_id",
    statusPath: "/jobs/{id}",
    statusField: "status",
    phaseField: "phase",
    progressField: "progress",
    errorField: "error",
    resultIdField: null,
    resultPath: null,
    completedStates: ["completed"],
    failedStates: ["failed"],
  },
};

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Where the pieces of an API description come from, highest priority first. */
export interface ApiSources {
  /** --api-url */
  urlFlag: string | undefined;
  /** --api */
  presetFlag: string | undefined;
  /** COURSE_DOCTOR_API_URL */
  urlEnv: string | undefined;
  /** The config file's api section (environment applied). */
  settings: ApiSettings | undefined;
}

/**
 * Builds the API description: a preset (--api, then the config's api.preset, then
 * "courses"), adjusted by the config's api fields, with the base URL from --api-url,
 * COURSE_DOCTOR_API_URL or api.url.
 */
export function resolveJobApi(sources: ApiSources): JobApi {
  const settings = sources.settings ?? {};
  const presetName = sources.presetFlag ?? settings.preset ?? "courses";
  if (!(PRESET_NAMES as readonly string[]).includes(presetName)) {
    throw new UsageError(`--api: "${presetName}" is not a known API (use ${PRESET_NAMES.join(" or ")}, or describe yours in the config's "api" section)`);
  }
  const preset = PRESETS[presetName as PresetName];
  const customised = Object.keys(settings).some((key) => key !== "preset" && key !== "url" && key !== "requestTimeout");

  const urlText = sources.urlFlag ?? nonEmpty(sources.urlEnv) ?? settings.url;
  const urlOrigin = sources.urlFlag !== undefined ? "--api-url" : nonEmpty(sources.urlEnv) !== undefined ? "COURSE_DOCTOR_API_URL" : "api.url (config)";
  if (urlText === undefined) {
    throw new UsageError("no job API URL: give --api-url URL, set COURSE_DOCTOR_API_URL, or add api.url to the config file", {
      hint: "e.g. --api-url https://abc123.execute-api.us-east-1.amazonaws.com/dev",
    });
  }
  const baseUrl = parseBaseUrl(urlText, urlOrigin);

  const submitPath = settings.submit?.path ?? preset.submit.path;
  return {
    name: customised ? "custom" : presetName,
    baseUrl,
    submit: {
      method: settings.submit?.method ?? preset.submit.method,
      path: submitPath,
      body: settings.submit?.body ?? preset.submit.body,
      // A custom submit route may take any body; only the course API's own route is known
      // not to want --query when another preset is chosen.
      acceptsQueryFlags: preset.submit.acceptsQueryFlags || settings.submit?.path !== undefined,
    },
    idField: settings.idField ?? preset.idField,
    statusPath: checkTemplate(settings.statusPath ?? preset.statusPath, "api.statusPath"),
    statusField: settings.statusField ?? preset.statusField,
    phaseField: settings.phaseField ?? preset.phaseField,
    progressField: settings.progressField ?? preset.progressField,
    errorField: settings.errorField ?? preset.errorField,
    resultIdField: settings.resultIdField ?? preset.resultIdField,
    resultPath: settings.resultPath !== undefined ? checkTemplate(settings.resultPath, "api.resultPath") : preset.resultPath,
    completedStates: settings.completedStates ?? preset.completedStates,
    failedStates: settings.failedStates ?? preset.failedStates,
    requestTimeoutMs: settings.requestTimeout !== undefined ? requireDuration(settings.requestTimeout, "api.requestTimeout (config)") : DEFAULT_REQUEST_TIMEOUT_MS,
  };
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text.trim() === "" ? undefined : text.trim();
}

/** Validates a base URL: absolute http(s), and no credentials in it (the token has its own flag). */
export function parseBaseUrl(text: string, origin: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${origin}: "${text}" is not a URL (expected e.g. https://abc123.execute-api.us-east-1.amazonaws.com/dev)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`${origin}: "${url.protocol}" URLs are not supported; the job API is reached over http or https`);
  }
  if (url.username !== "" || url.password !== "") {
    // Never echo the URL here: its credentials are a secret.
    throw new UsageError(`${origin}: the URL holds a user name or password; pass the token with --token or COURSE_DOCTOR_TOKEN instead`);
  }
  return url;
}

function checkTemplate(template: string, name: string): string {
  if (!template.includes("{id}")) throw new UsageError(`${name}: "${template}" has no {id} placeholder for the job id`);
  return template;
}

/**
 * The absolute URL for a path (or a path template with `{id}`) under the base URL. The
 * base URL's own path is kept: an API Gateway stage (`/dev`) prefixes every route.
 */
export function apiUrl(api: JobApi, pathTemplate: string, id?: string): URL {
  const path = id === undefined ? pathTemplate : pathTemplate.replaceAll("{id}", encodeURIComponent(id));
  const base = api.baseUrl.href.replace(/[?#].*$/, "").replace(/\/+$/, "");
  return new URL(`${base}/${path.replace(/^\/+/, "")}`);
}
