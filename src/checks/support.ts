/**
 * What every check shares: the check shape, reading what the snapshot knows about the
 * pipeline (region, account, the rule's bus), turning a collection failure into the
 * right finding, and building paste-ready commands.
 */
import type { Finding, FindingId, FindingStatus } from "../model/finding.js";
import { parseBusArn } from "../model/rule-arn.js";
import type { Collected, RuleInfo, Snapshot, TargetInfo } from "../model/snapshot.js";

/** A check: data plus a pure function over the snapshot. */
export interface Check {
  id: FindingId;
  /** What the check verifies, for help and documentation. */
  title: string;
  /** It reads what only a running account has (metrics, logs, credentials): `skip` for a snapshot read before deploy. */
  needsAccount?: boolean;
  run(snapshot: Snapshot): Finding[];
}

/** A collection failure, as the `{ ok: false }` side of a Collected. */
export type CollectFailure = Extract<Collected<unknown>, { ok: false }>;

export function finding(
  id: FindingId,
  status: FindingStatus,
  title: string,
  extra: Omit<Finding, "id" | "status" | "title"> = {},
): Finding {
  const out: Finding = { id, status, title };
  if (extra.subject !== undefined) out.subject = extra.subject;
  if (extra.detail !== undefined) out.detail = extra.detail;
  if (extra.evidence !== undefined) out.evidence = extra.evidence;
  if (extra.fix !== undefined) out.fix = extra.fix;
  return out;
}

/**
 * Why a piece is missing, in one line that says everything known once: "access denied
 * (lambda:GetPolicy)", "EventBridge answered HTTP 500 InternalFailure: \"...\"", "Lambda did
 * not answer within 5s (the --timeout deadline)".
 */
export function describeFailure(failure: CollectFailure): string {
  switch (failure.reason) {
    case "access-denied":
      return `access denied (${failure.action ?? failure.error})`;
    case "not-found":
      return `not found (${failure.error})`;
    case "unresolved":
      return failure.error;
    default:
      return failure.error;
  }
}

/** What the user can do about a piece that could not be read (the title already says why). */
function adviceFor(failure: CollectFailure): string {
  switch (failure.reason) {
    case "access-denied":
      return failure.action
        ? `Add ${failure.action} to the policy of the identity you run as (course-doctor iam-policy prints all it needs). The service said: ${failure.error}`
        : `The service said: ${failure.error}`;
    case "throttled":
      return "Throttled past the SDK's retries: run again in a moment.";
    case "timeout":
      return "Cut by the deadline: raise --timeout if the service is just slow.";
    case "unreachable":
      return "The endpoint could not be reached: check --endpoint-url, --region and the network.";
    case "no-credentials":
      return "No usable credentials: sign in, or pass --profile.";
    case "not-found":
      return "Not found: check the names, the region and the account you run as.";
    case "unresolved":
      return "course-doctor resolves the template statically and never guesses a value that only deploy time (or another stack) gives.";
    default:
      return "The service could not answer this read; it may be passing: run again (--verbose shows its whole answer).";
  }
}

function fixFor(failure: CollectFailure): string {
  switch (failure.reason) {
    case "access-denied":
      return failure.action
        ? `Allow ${failure.action} for the identity you run as (course-doctor iam-policy prints the whole read-only policy), then run again.`
        : "Allow the read-only actions course-doctor needs (course-doctor iam-policy prints them), then run again.";
    case "throttled":
      return "Run again in a moment; with --all, check fewer rules at once.";
    case "timeout":
      return "Run again with a longer deadline, e.g. --timeout 2m.";
    case "no-credentials":
      return "Sign in (aws sso login, or set AWS_PROFILE / --profile) and run again.";
    case "unreachable":
      return "Check the network, --region and --endpoint-url, then run again.";
    case "unresolved":
      return "Give the value: --parameter NAME=VALUE for a parameter, --account ID for AWS::AccountId, or the template that defines or exports it with another --template; or check the deployed stack (course-doctor check).";
    default:
      return "Run again with --verbose to see the service's answer.";
  }
}

/**
 * The `error` finding for a piece this check needed and could not read: could not tell,
 * which is not the same as broken.
 */
export function couldNotRead(id: FindingId, what: string, failure: CollectFailure, subject?: string): Finding {
  const title = failure.reason === "unresolved" ? `not known before deploy: ${describeFailure(failure)}` : `could not read ${what}: ${describeFailure(failure)}`;
  return finding(id, "error", title, {
    detail: adviceFor(failure),
    fix: fixFor(failure),
    evidence: { reason: failure.reason, error: failure.error, ...(failure.action ? { action: failure.action } : {}) },
    ...(subject !== undefined ? { subject } : {}),
  });
}

/**
 * The finding for a piece that could not be read: `error` naming why, except when the
 * tool had no access to AWS at all (aws.access already says so once).
 */
export function unreadable(snapshot: Snapshot, id: FindingId, what: string, failure: CollectFailure, subject?: string): Finding {
  if (failure.reason === "other-account") return notReadElsewhere(id, what, failure, subject);
  if (!snapshot.identity.ok && (failure.reason === "no-credentials" || failure.reason === "unreachable")) {
    return skipped(id, "not checked: no access to AWS (see aws.access)", undefined, subject);
  }
  return couldNotRead(id, what, failure, subject);
}

/** True for a snapshot read from a template or plan: nothing is deployed yet. */
export function beforeDeploy(snapshot: Snapshot): boolean {
  return snapshot.source !== undefined;
}

/** The `skip` of a check that needs a running account, for a snapshot read before deploy. */
export function beforeDeploySkip(snapshot: Snapshot, id: FindingId, subject?: string): Finding {
  const what = snapshot.source?.kind === "tf-plan" ? "a Terraform plan" : "a template";
  return skipped(id, `before deploy: read from ${what}; this needs a running account`, "Run course-doctor check against the deployed stack for this one.", subject);
}

/** The value a field of a before-deploy snapshot rests on that the template leaves to deploy time, if any. */
export function unresolvedFor(snapshot: Snapshot, field: string): NonNullable<Snapshot["source"]>["unresolved"][number] | undefined {
  return snapshot.source?.unresolved.find((u) => u.field === field || u.field.startsWith(`${field}.`));
}

/** The `error` of a finding whose input the template leaves to deploy time: naming the value, never a guess. */
export function unresolvedFinding(snapshot: Snapshot, id: FindingId, field: string, what: string, subject?: string): Finding | null {
  const value = unresolvedFor(snapshot, field);
  if (!value) return null;
  return finding(id, "error", `not known before deploy: ${what} is ${value.value}`, {
    detail: `${value.why}.${value.resource ? ` (in ${value.resource})` : ""} course-doctor never guesses a value that only deploy time gives.`,
    evidence: { field: value.field, value: value.value, why: value.why, ...(value.resource ? { resource: value.resource } : {}) },
    fix: "Give the value: --parameter NAME=VALUE for a parameter, --account ID for AWS::AccountId, or the template that defines or exports it with another --template; or check the deployed stack (course-doctor check).",
    ...(subject !== undefined ? { subject } : {}),
  });
}

/** A `skip`: the check did not apply, or an earlier finding explains why its input is missing. */
export function skipped(id: FindingId, title: string, detail?: string, subject?: string): Finding {
  return finding(id, "skip", title, {
    ...(detail !== undefined ? { detail } : {}),
    ...(subject !== undefined ? { subject } : {}),
  });
}

/** The region the pipeline lives in, from the best source the snapshot has. */
export function regionOf(snapshot: Snapshot): string | null {
  if (snapshot.identity.ok) return snapshot.identity.value.region;
  if (snapshot.request.region) return snapshot.request.region;
  if (snapshot.rule.ok) return snapshot.rule.value.arn.split(":")[3] || null;
  return null;
}

/** The account, from the caller's identity or the rule's ARN. */
export function accountOf(snapshot: Snapshot): string | null {
  if (snapshot.identity.ok) return snapshot.identity.value.account;
  if (snapshot.rule.ok) return snapshot.rule.value.arn.split(":")[4] || null;
  if (snapshot.bus.ok) return snapshot.bus.value.arn.split(":")[4] || null;
  return null;
}

/** The name of the bus the rule lives on (or the bus asked about, when the rule is unknown). */
export function busNameOf(snapshot: Snapshot): string {
  if (snapshot.rule.ok) return snapshot.rule.value.busName;
  if (snapshot.bus.ok) return snapshot.bus.value.name;
  return parseBusArn(snapshot.request.bus)?.name ?? snapshot.request.bus;
}

/** The targets the per-target checks look at: all of them, or the one `--function` names. */
export function targetsInScope(snapshot: Snapshot): TargetInfo[] {
  if (!snapshot.targets.ok) return [];
  const only = snapshot.request.function;
  if (!only) return snapshot.targets.value;
  return snapshot.targets.value.filter((t) => t.id === only || t.function?.name === only || t.arn === only);
}

/**
 * Runs a per-target check over the targets in scope (all, or the one --function names),
 * or says in one skip why there is none to look at.
 */
export function perTarget(snapshot: Snapshot, id: FindingId, each: (target: TargetInfo, rule: RuleInfo) => Finding | Finding[]): Finding[] {
  if (!snapshot.rule.ok) return [skipped(id, "no rule to read (see rule.exists)")];
  if (!snapshot.targets.ok || snapshot.targets.value.length === 0) return [skipped(id, "no targets (see targets.present)")];
  const targets = targetsInScope(snapshot);
  if (targets.length === 0) return [skipped(id, `no target is ${snapshot.request.function} (see targets.present)`)];
  const rule = snapshot.rule.value;
  return targets.flatMap((target) => each(target, rule));
}

/** How a target reads in one line: "function api-dev:live", "queue orders". */
export function describeTarget(target: TargetInfo): string {
  if (target.kind === "lambda" && target.function) {
    return `function ${target.function.name}${target.function.qualifier ? `:${target.function.qualifier}` : ""}`;
  }
  const last = target.arn.split(":").pop() ?? target.arn;
  switch (target.kind) {
    case "sqs":
      return `queue ${last}`;
    case "sns":
      return `topic ${last}`;
    case "logs":
      return `log group ${target.arn.split(":log-group:")[1]?.replace(/:\*$/, "") ?? last}`;
    case "events":
      return `bus ${last.replace(/^event-bus\//, "")}`;
    case "stepfunctions":
      return `state machine ${last}`;
    case "kinesis":
      return `stream ${last.replace(/^stream\//, "")}`;
    case "firehose":
      return `delivery stream ${last.replace(/^deliverystream\//, "")}`;
    case "api-destination":
      return `API destination ${last.replace(/^api-destination\//, "").split("/")[0]}`;
    case "ecs":
      return `ECS cluster ${last.replace(/^cluster\//, "")}`;
    case "batch":
      return `Batch job queue ${last.replace(/^job-queue\//, "")}`;
    default:
      return `${target.service ?? "unknown"} target ${target.arn}`;
  }
}

/** What a kind is called in prose ("queue", "topic", ...). */
export const KIND_NOUN: Record<TargetInfo["kind"], string> = {
  lambda: "function",
  sqs: "queue",
  sns: "topic",
  logs: "log group",
  events: "bus",
  "api-destination": "API destination",
  stepfunctions: "state machine",
  kinesis: "Kinesis stream",
  firehose: "Firehose delivery stream",
  ecs: "ECS cluster",
  batch: "Batch job queue",
  other: "target",
};

/** The account and region a target's ARN names. */
export function whereOf(target: TargetInfo): { account: string; region: string } {
  const [, , , region = "", account = ""] = target.arn.split(":");
  return { account, region };
}

/** True when the target lives in another account than the rule. */
export function isCrossAccount(snapshot: Snapshot, target: TargetInfo): boolean {
  const account = whereOf(target).account;
  const here = accountOf(snapshot);
  return account !== "" && here !== null && account !== here;
}

/** The finding for a resource in another account the run could not read: could not tell, saying how to give access. */
export function notReadElsewhere(id: FindingId, what: string, failure: CollectFailure, subject?: string): Finding {
  const account = /in account (\d{12})/.exec(failure.error)?.[1] ?? "ACCOUNT";
  return finding(id, "error", `${what} is in account ${account}: not read (no credentials for that account)`, {
    detail: `course-doctor reads another account's resources only with credentials the configuration names for it; it never looks for them by name in the caller's account.`,
    evidence: { reason: failure.reason, account },
    fix: `Add to course-doctor.config.json: "accounts": { "${account}": { "profile": "PROFILE" } } (or { "roleArn": "arn:aws:iam::${account}:role/ROLE" } with read access), then run again.`,
    ...(subject !== undefined ? { subject } : {}),
  });
}

/** The subject of a per-target finding: the function name (with qualifier) or the target id. */
export function subjectOf(target: TargetInfo): string {
  if (target.function) return target.function.qualifier ? `${target.function.name}:${target.function.qualifier}` : target.function.name;
  return target.id;
}

/** Quotes a value for a POSIX shell, only when it needs it. */
export function sh(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `--flag value` pairs as shell words; undefined/null values are left out, "" makes a bare flag. */
export function flagsText(flags: Array<[string, string | null | undefined]>): string {
  const parts: string[] = [];
  for (const [flag, value] of flags) {
    if (value === undefined || value === null) continue;
    parts.push(value === "" ? flag : `${flag} ${sh(value)}`);
  }
  return parts.join(" ");
}

/** An `aws ...` command line from words and `--flag value` pairs. */
export function awsCommand(words: string[], flags: Array<[string, string | null | undefined]>): string {
  const rest = flagsText(flags);
  return ["aws", ...words, ...(rest ? [rest] : [])].join(" ");
}

export { formatWindow } from "../util/duration.js";

/** "1 target", "2 targets". */
export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}

/** The unqualified ARN of a function in the pipeline's region and account (placeholders when unknown). */
export function functionArnFor(snapshot: Snapshot, name: string): string {
  return `arn:aws:lambda:${regionOf(snapshot) ?? "REGION"}:${accountOf(snapshot) ?? "ACCOUNT"}:function:${name}`;
}

/** A statement id for the permission a rule needs, unique among `taken`. */
export function statementIdFor(ruleName: string, taken: readonly string[] = []): string {
  const base = `eventbridge-${ruleName}`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 90);
  let sid = base;
  for (let n = 2; taken.includes(sid); n++) sid = `${base}-${n}`;
  return sid;
}

/** `aws lambda add-permission` letting this rule, and only it, invoke the function (or its alias/version). */
export function addPermissionCommand(options: {
  functionName: string;
  qualifier?: string | undefined;
  ruleName: string;
  ruleArn: string;
  region: string | null;
  takenSids?: readonly string[];
}): string {
  return awsCommand(
    ["lambda", "add-permission"],
    [
      ["--function-name", options.functionName],
      ["--qualifier", options.qualifier],
      ["--statement-id", statementIdFor(options.ruleName, options.takenSids)],
      ["--action", "lambda:InvokeFunction"],
      ["--principal", "events.amazonaws.com"],
      ["--source-arn", options.ruleArn],
      ["--region", options.region],
    ],
  );
}

/**
 * `aws events put-targets` for one target with a change made by a jq filter over the
 * target as `list-targets-by-rule` returns it: put-targets replaces the whole target, so
 * the command reads it back and changes only what the filter changes (needs jq).
 */
export function putTargetCommand(rule: Pick<RuleInfo, "name" | "busName">, targetId: string, region: string | null, jqFilter: string): string {
  const where: Array<[string, string | null]> = [["--rule", rule.name], ["--event-bus-name", rule.busName], ["--region", region]];
  const current = awsCommand(["events", "list-targets-by-rule"], [...where, ["--query", `Targets[?Id=='${targetId}']`], ["--output", "json"]]);
  return `${awsCommand(["events", "put-targets"], where)} --targets "$(${current} | jq -c ${sh(jqFilter)})"`;
}

/** A window for `aws logs tail --since`, which takes one unit: "1h", "90m". */
export function tailSince(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${Math.max(1, Math.ceil(ms / 60_000))}m`;
}

/** The connection a run used: its fixes must run against the same account, region and endpoint. */
export interface Connection {
  region: string | null;
  profile?: string | undefined;
  endpoint?: string | null;
}

/** One `aws SERVICE OPERATION` command in a fix (also inside `$(...)`), for the services fixes use. */
const AWS_COMMAND = /(^|[\s"'(`])aws (events|lambda|sqs|sns|logs|cloudwatch|iam|kms|sts|stepfunctions|kinesis|firehose) ([a-z][a-z0-9-]*)(?=[\s"')`]|$)/g;

/**
 * Adds the run's own --region, --profile and --endpoint-url to every `aws` command of a
 * fix that lacks them, so what the user pastes runs where the diagnosis looked. A
 * command naming another region (a target elsewhere) keeps it.
 */
export function withConnection(fix: string, connection: Connection): string {
  return fix.replace(AWS_COMMAND, (whole, before: string, service: string, operation: string, offset: number) => {
    const rest = fix.slice(offset + whole.length, endOfCommand(fix, offset + whole.length));
    const add: Array<[string, string | null | undefined]> = [];
    // IAM is global: a region means nothing to it.
    if (service !== "iam" && !/\s--region\s/.test(`${rest} `)) add.push(["--region", connection.region]);
    if (!/\s--profile\s/.test(`${rest} `)) add.push(["--profile", connection.profile]);
    if (!/\s--endpoint-url\s/.test(`${rest} `)) add.push(["--endpoint-url", connection.endpoint]);
    const extra = flagsText(add);
    return `${before}aws ${service} ${operation}${extra ? ` ${extra}` : ""}`;
  });
}

/** Where a command that starts at `from` ends: the end of the line, a pipe, or the `)` closing its `$(`. */
function endOfCommand(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === "\n" || c === "|") return i;
    if (c === "(") depth++;
    if (c === ")") {
      if (depth === 0) return i;
      depth--;
    }
  }
  return text.length;
}

/** The connection recorded in a snapshot. */
export function connectionOf(snapshot: Snapshot): Connection {
  return { region: regionOf(snapshot), profile: snapshot.request.profile, endpoint: snapshot.request.endpoint };
}
