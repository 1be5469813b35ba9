import * as v from "valibot";
import { parseDuration } from "../util/duration.js";

const duration = v.pipe(
  v.string("expected a duration such as \"30s\""),
  v.check((text) => parseDuration(text) !== undefined, "expected a duration such as 500ms, 30s, 5m or 1h"),
);
const nonEmpty = v.pipe(v.string("expected a string"), v.minLength(1, "must not be empty"));
const jsonObject = v.record(v.string(), v.unknown(), "expected a JSON object");

/** The application's event as the config file describes it. */
const eventSchema = v.union(
  [
    // A full event (source, detail-type, detail) or a PutEvents entry (Source, DetailType, Detail).
    jsonObject,
  ],
  "expected an event object (a full event or a PutEvents entry)",
);

/** How a job API looks, for APIs other than the built-in presets. */
const apiSchema = v.strictObject({
  preset: v.optional(v.picklist(["courses", "ingestor"], "expected \"courses\" or \"ingestor\"")),
  url: v.optional(v.pipe(nonEmpty, v.url("expected an absolute URL such as https://api.example.com/dev"))),
  submit: v.optional(
    v.strictObject({
      method: v.optional(v.picklist(["POST", "PUT"], "expected \"POST\" or \"PUT\"")),
      path: v.optional(nonEmpty),
      body: v.optional(jsonObject),
    }),
  ),
  idField: v.optional(nonEmpty),
  statusPath: v.optional(nonEmpty),
  statusField: v.optional(nonEmpty),
  phaseField: v.optional(nonEmpty),
  progressField: v.optional(nonEmpty),
  errorField: v.optional(nonEmpty),
  resultIdField: v.optional(nonEmpty),
  resultPath: v.optional(nonEmpty),
  completedStates: v.optional(v.array(nonEmpty, "expected a list of status values")),
  failedStates: v.optional(v.array(nonEmpty, "expected a list of status values")),
  /** Timeout of each HTTP request to the job API (default 30s). */
  requestTimeout: v.optional(duration),
});

const smokeSchema = v.strictObject({
  body: v.optional(jsonObject),
  timeout: v.optional(duration),
  stuckAfter: v.optional(duration),
  interval: v.optional(duration),
});

/** How to read one other account's resources: a profile for it, or a role in it to assume. */
const accountSchema = v.pipe(
  v.strictObject({
    profile: v.optional(nonEmpty),
    roleArn: v.optional(v.pipe(nonEmpty, v.regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, "expected a role ARN such as arn:aws:iam::999999999999:role/course-doctor-read"))),
    externalId: v.optional(nonEmpty),
  }),
  v.check((entry) => (entry.profile === undefined) !== (entry.roleArn === undefined), "give exactly one of profile and roleArn"),
);

/** Keys allowed both at the top level and inside an environment. */
const settingsEntries = {
  region: v.optional(nonEmpty),
  profile: v.optional(nonEmpty),
  endpointUrl: v.optional(v.pipe(nonEmpty, v.url("expected an absolute URL such as http://127.0.0.1:5000"))),
  timeout: v.optional(duration),
  bus: v.optional(nonEmpty),
  rule: v.optional(nonEmpty),
  function: v.optional(nonEmpty),
  publisher: v.optional(nonEmpty),
  busEnvVar: v.optional(nonEmpty),
  event: v.optional(eventSchema),
  source: v.optional(nonEmpty),
  detailType: v.optional(nonEmpty),
  detail: v.optional(jsonObject),
  since: v.optional(duration),
  probeTimeout: v.optional(duration),
  strict: v.optional(v.boolean("expected true or false")),
  peekDlq: v.optional(v.boolean("expected true or false")),
  api: v.optional(apiSchema),
  smoke: v.optional(smokeSchema),
  /** Credentials for other accounts, by account id: what cross-account targets and publishers are read with. */
  accounts: v.optional(
    v.record(v.pipe(v.string(), v.regex(/^\d{12}$/, "account ids are 12 digits")), accountSchema, "expected an object of account ids"),
  ),
};

export const settingsSchema = v.strictObject(settingsEntries);

export const configFileSchema = v.strictObject({
  $schema: v.optional(v.string()),
  ...settingsEntries,
  defaultEnv: v.optional(nonEmpty),
  environments: v.optional(v.record(v.string(), settingsSchema, "expected an object of named environments")),
});

/** Settings from the config file, after choosing the environment. */
export type Settings = v.InferOutput<typeof settingsSchema>;
export type ApiSettings = NonNullable<Settings["api"]>;
export type SmokeSettings = NonNullable<Settings["smoke"]>;
export type ConfigFile = v.InferOutput<typeof configFileSchema>;

/** The keys a config file may hold, for "did you mean" hints. */
export const SETTING_KEYS = [...Object.keys(settingsEntries), "$schema", "defaultEnv", "environments"];
export const API_KEYS = Object.keys(apiSchema.entries);
export const SMOKE_KEYS = Object.keys(smokeSchema.entries);
