/**
 * `check` and `snapshot`: collect (or read) snapshots, run the checks, diagnose, render.
 * Loaded only when one of these commands runs; it pulls in the AWS SDK.
 */
import { Aws } from "../aws/clients.js";
import { isFatalFailure, reachHint } from "../aws/errors.js";
import { eventMatchesCheck } from "../checks/event-matches.js";
import { runChecks } from "../checks/index.js";
import { skipped } from "../checks/support.js";
import { AccountSession, collectAllRules } from "../collect/account.js";
import { CollectSession } from "../collect/readers.js";
import { collectSnapshot, type CollectRequest } from "../collect/snapshot.js";
import { diagnose, exitCodeFor, exitCodeForAll, worstStatus } from "../diagnose.js";
import { mapOfSnapshot } from "../map/snapshot.js";
import { AwsAccessError, ExitCode, UsageError } from "../errors.js";
import type { Host } from "../host/host.js";
import { busNameOf } from "../model/arn.js";
import type { Diagnosis, DiagnosisSet, Finding } from "../model/finding.js";
import type { Collected, Snapshot } from "../model/snapshot.js";
import { appendStepSummary } from "../report/github.js";
import { renderReport, renderReportSet, type ReportOptions } from "../report/index.js";
import type { PipelineFlags, PipelineRequest } from "../settings/resolve.js";
import { formatDuration, formatWindow } from "../util/duration.js";
import { TOOL } from "../version.js";
import { readSnapshots, writeSnapshot } from "./snapshot-file.js";

/** The flags that read a template or plan instead of an account (check and snapshot). */
export interface TemplateFlags {
  /** --template FILE (repeatable: templates of stacks that import from each other). */
  template?: string[];
  tfPlan?: string;
  /** --account ID: AWS::AccountId. */
  account?: string;
  /** --parameter KEY=VALUE (repeatable). */
  parameter?: string[];
}

/** Flags of `check` beyond the pipeline. */
export interface CheckFlags extends PipelineFlags, TemplateFlags {
  from?: string;
  saveSnapshot?: string;
  /** Also send a probe event (the only write `check` makes, and only with this flag). */
  probe?: boolean;
  trace?: boolean;
  busLogs?: boolean;
  probeTimeout?: string;
}

/** Runs `check`; returns the exit code. */
export async function runCheck(host: Host, flags: CheckFlags): Promise<number> {
  const format = host.settings.formatFor(["pretty", "json", "markdown", "junit"]);
  const started = Date.now();
  if (flags.probe !== true && (flags.trace === true || flags.busLogs === true || flags.probeTimeout !== undefined)) {
    throw new UsageError("--trace, --bus-logs and --probe-timeout go with --probe");
  }
  if (flags.trace === true && flags.busLogs === true) throw new UsageError("--trace and --bus-logs are two ways to see the match: choose one");
  if (flags.probe === true && flags.from !== undefined) throw new UsageError("--probe sends a live event: it cannot be combined with --from (a saved snapshot)");
  if (flags.probe === true && flags.all === true) throw new UsageError("--probe probes one rule: use it with --rule, not --all");
  if (readsTemplate(flags)) {
    if (flags.from !== undefined) throw new UsageError(`${templateFlag(flags)} reads the snapshot from the ${flags.tfPlan ? "plan" : "template"}: it cannot be combined with --from`);
    if (flags.probe === true) throw new UsageError(`--probe sends a live event to a deployed pipeline: it cannot be combined with ${templateFlag(flags)} (before deploy)`);
    const request = await host.settings.pipeline(flags);
    const snapshots = await templateSnapshots(host, flags, request);
    if (flags.saveSnapshot !== undefined) {
      const where = await writeSnapshot(flags.saveSnapshot, snapshots.length === 1 && !request.all ? snapshots[0]! : snapshots, host.io);
      host.out.progress(`snapshot written to ${where}`);
    }
    return report(host, format, snapshots, request, Date.now() - started, { offline: false, all: request.all || snapshots.length > 1 });
  }
  if (flags.account !== undefined || (flags.parameter?.length ?? 0) > 0) throw new UsageError("--account and --parameter go with --template or --tf-plan");
  if (flags.from !== undefined) {
    if (flags.saveSnapshot !== undefined) throw new UsageError("--save-snapshot writes what a live check collects: with --from there is nothing new to save");
    const request = await host.settings.pipeline(flags);
    const snapshots = selectFromSnapshots(await readSnapshots(flags.from, host.io), flags, request);
    return report(host, format, snapshots, request, Date.now() - started, { offline: true, all: snapshots.length > 1 || flags.all === true });
  }
  const request = await host.settings.pipeline(flags);
  if (flags.probe === true && request.event === null) {
    throw new UsageError("--probe needs the application's event: --event FILE|JSON, or --source and --detail-type (or the config file)");
  }
  const snapshots = await collectForRequest(host, request);
  if (flags.saveSnapshot !== undefined) {
    const where = await writeSnapshot(flags.saveSnapshot, snapshots.length === 1 && !request.all ? snapshots[0]! : snapshots, host.io);
    host.out.progress(`snapshot written to ${where}`);
  }
  let extraFindings: Finding[] = [];
  const probed = snapshots[0];
  if (flags.probe === true && probed && (probed.identity.ok || !isFatalFailure(probed.identity))) {
    if (probed.rule.ok) {
      // After the reads, so the probe's own event does not show in the metrics and logs just read.
      const { sendProbe } = await import("../probe/run.js");
      extraFindings = (await sendProbe(host, request, flags)).result.findings;
    } else {
      extraFindings = [skipped("probe.accepted", "no probe sent: the rule could not be read (see rule.exists)")];
    }
  }
  return report(host, format, snapshots, request, Date.now() - started, { offline: false, all: request.all, extraFindings });
}

/**
 * What `check --from` diagnoses: the snapshot file's rules, narrowed by --rule. A --bus,
 * --rule or --since that the snapshot contradicts is a usage error: offline, nothing can
 * be read again to honour it.
 */
function selectFromSnapshots(snapshots: Snapshot[], flags: PipelineFlags, request: PipelineRequest): Snapshot[] {
  const collected = `the snapshot holds ${snapshots.length === 1 ? `rule ${snapshots[0]!.request.rule ?? "(none)"}` : `${snapshots.length} rules`}`;
  if (flags.bus !== undefined) {
    const asked = busNameOf(flags.bus);
    const other = snapshots.find((snapshot) => busNameOf(snapshot.request.bus) !== asked);
    if (other) throw new UsageError(`--bus ${flags.bus}: the snapshot was collected for bus ${busNameOf(other.request.bus)} (drop --bus, or collect a new snapshot)`);
  }
  let selected = snapshots;
  if (flags.rule !== undefined) {
    selected = snapshots.filter((snapshot) => snapshot.request.rule === flags.rule);
    if (selected.length === 0) {
      throw new UsageError(`--rule ${flags.rule}: ${collected}`, { hint: "drop --rule, or collect a snapshot of that rule (course-doctor snapshot --rule NAME --out FILE)" });
    }
  }
  if (flags.since !== undefined) {
    const other = selected.find((snapshot) => snapshot.request.sinceMs !== request.sinceMs);
    if (other) {
      throw new UsageError(`--since ${flags.since}: the snapshot's metrics and logs cover ${formatWindow(other.request.sinceMs)}; offline the window cannot change`, {
        hint: "drop --since, or collect a new snapshot with it",
      });
    }
  }
  return selected;
}

function readsTemplate(flags: TemplateFlags): boolean {
  return (flags.template?.length ?? 0) > 0 || flags.tfPlan !== undefined;
}

function templateFlag(flags: TemplateFlags): string {
  return flags.tfPlan !== undefined ? "--tf-plan" : "--template";
}

/** KEY=VALUE pairs of --parameter. */
function parseParameters(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf("=");
    if (at <= 0) throw new UsageError(`--parameter ${value}: expected KEY=VALUE`);
    out[value.slice(0, at)] = value.slice(at + 1);
  }
  return out;
}

/** The snapshots of a template or plan: one per rule, before deploy (no AWS call, no credentials). */
async function templateSnapshots(host: Host, flags: PipelineFlags & TemplateFlags, request: PipelineRequest): Promise<Snapshot[]> {
  if ((flags.template?.length ?? 0) > 0 && flags.tfPlan !== undefined) throw new UsageError("--template and --tf-plan exclude each other: check one kind of definition at a time");
  if (flags.account !== undefined && !/^\d{12}$/.test(flags.account)) throw new UsageError(`--account ${flags.account}: an AWS account id is 12 digits`);
  const { readTemplateSnapshots } = await import("../template/index.js");
  const parameters = parseParameters(flags.parameter ?? []);
  if (flags.account !== undefined) parameters["AWS::AccountId"] ??= flags.account;
  const region = await host.settings.givenRegion();
  if (region !== null) parameters["AWS::Region"] ??= region;
  const { snapshots, notes } = await readTemplateSnapshots(
    { templates: flags.template ?? [], tfPlan: flags.tfPlan ?? null, region, account: flags.account ?? null, parameters },
    {
      bus: flags.bus ?? null,
      rule: request.rule,
      all: request.all,
      function: request.function,
      publisher: request.publisher,
      busEnvVar: request.busEnvVar,
      event: request.event,
      sinceMs: request.sinceMs,
      tool: TOOL,
      now: new Date().toISOString(),
    },
    host.io,
  );
  for (const note of notes) host.out.warn(note);
  return snapshots;
}

/** Runs `snapshot`: collects and writes the snapshot(s) without diagnosing. */
export async function runSnapshot(host: Host, flags: PipelineFlags & TemplateFlags & { out?: string }): Promise<number> {
  if (host.settings.formatGiven) host.settings.formatFor(["json"]);
  const request = await host.settings.pipeline(flags);
  const snapshots = readsTemplate(flags) ? await templateSnapshots(host, flags, request) : await collectForRequest(host, request);
  const where = await writeSnapshot(flags.out ?? "-", request.all ? snapshots : snapshots[0]!, host.io);
  if (where !== "stdout") host.out.progress(`snapshot of ${snapshots.length === 1 ? `rule ${snapshots[0]!.request.rule}` : `${snapshots.length} rules`} written to ${where}`);
  // A snapshot of a pipeline that could not be read is not a snapshot of the pipeline: say what blocked it.
  const diagnoses = snapshots.map((snapshot) => diagnoseSnapshot(snapshot, { strict: false, durationMs: 0, offline: false }));
  for (const diagnosis of diagnoses) {
    if (diagnosis.blockedBy) host.out.warn(`rule ${diagnosis.target.rule ?? "(none)"}: the snapshot is incomplete: ${diagnosis.blockedBy.id}: ${diagnosis.blockedBy.title}`);
  }
  return diagnoses.some((diagnosis) => diagnosis.status === "unknown") ? ExitCode.CannotRun : ExitCode.Ok;
}

/**
 * The diagnosis of one pipeline, for `smoke` when a job is stuck: collects, checks and
 * diagnoses; never prints. `awsTimeoutMs` is the deadline of its AWS calls.
 */
export async function diagnosePipeline(host: Host, flags: PipelineFlags, options: { awsTimeoutMs: number }): Promise<Diagnosis> {
  const started = Date.now();
  const request = await host.settings.pipeline({ ...flags, all: false });
  const [snapshot] = await collectForRequest(host, request, options.awsTimeoutMs);
  return diagnoseSnapshot(snapshot!, { strict: request.strict, durationMs: Date.now() - started, offline: false });
}

/**
 * Checks and diagnoses one snapshot. `eventIsFor` (check --all with an event) names the
 * rules the event matches: for another rule, a pattern that does not match the event is
 * not a fault — the event was never meant for it.
 */
export function diagnoseSnapshot(
  snapshot: Snapshot,
  options: { strict: boolean; durationMs: number; offline: boolean; extraFindings?: Finding[]; eventIsFor?: readonly RuleFor[] },
): Diagnosis {
  const eventIsFor = options.eventIsFor ?? [];
  const meantForOthers = eventIsFor.length > 0 && !eventIsFor.some((r) => r.rule === snapshot.request.rule);
  const findings = [...runChecks(snapshot), ...(options.extraFindings ?? [])].map((f) => (meantForOthers ? sentElsewhere(f, eventIsFor) : f));
  const notes = notesFor(snapshot, options.offline);
  if (meantForOthers) notes.push(`The event is for ${rulesNamed(eventIsFor)}, not for this rule: its pattern was not held against it.`);
  const diagnosis = diagnose(findings, {
    target: {
      region: snapshot.identity.ok ? snapshot.identity.value.region : snapshot.request.region,
      account: snapshot.identity.ok ? snapshot.identity.value.account : null,
      bus: snapshot.rule.ok ? snapshot.rule.value.busName : busNameOf(snapshot.request.bus),
      rule: snapshot.request.rule,
    },
    durationMs: options.durationMs,
    strict: options.strict,
    notes,
  });
  return { ...diagnosis, map: mapOfSnapshot(snapshot) };
}

/** A rule an event is for, with its state (a DISABLED one is called out). */
export interface RuleFor {
  rule: string;
  state: string;
}

/** The rules of a `check --all` whose pattern the application's event matches (as `route` finds them); empty without an event. */
export function rulesTheEventIsFor(snapshots: readonly Snapshot[]): RuleFor[] {
  return snapshots
    .filter((snapshot) => snapshot.event !== null && runChecks(snapshot, [eventMatchesCheck]).some((f) => f.status === "pass" || f.status === "warn"))
    .map((snapshot) => ({ rule: snapshot.request.rule ?? "", state: snapshot.rule.ok ? snapshot.rule.value.state : "unknown" }));
}

function rulesNamed(rules: readonly RuleFor[]): string {
  const names = rules.map((r) => (r.state === "DISABLED" ? `${r.rule} (DISABLED)` : r.rule));
  return names.length === 1 ? `rule ${names[0]}` : `rules ${names.join(", ")}`;
}

/** event.matches for a rule the event was never meant for: skip, naming the rule it is for. */
function sentElsewhere(finding: Finding, eventIsFor: readonly RuleFor[]): Finding {
  if (finding.id !== "event.matches" || finding.status !== "fail") return finding;
  return {
    id: finding.id,
    status: "skip",
    title: `the event is for ${rulesNamed(eventIsFor)}`,
    detail: `This rule's pattern does not match it (${finding.title}); another rule on the bus takes it, so that is no fault of this rule.`,
    ...(finding.evidence ? { evidence: finding.evidence } : {}),
  };
}

function notesFor(snapshot: Snapshot, offline: boolean): string[] {
  const notes: string[] = [];
  if (snapshot.source) {
    const what = snapshot.source.kind === "tf-plan" ? "the Terraform plan" : snapshot.source.files.length > 1 ? "the templates" : "the template";
    notes.push(`Checked before deploy from ${what} ${snapshot.source.files.join(", ")}: no AWS call was made; metrics, logs and queue depths need the deployed stack.`);
    if (snapshot.source.accountPlaceholder) notes.push("AWS::AccountId stands as ACCOUNT in every ARN: pass --account ID to compare them with ARNs the template writes out.");
  }
  if (offline) notes.push(`Diagnosed offline from a snapshot collected ${snapshot.collectedAt} by ${snapshot.tool}.`);
  if (snapshot.request.endpoint) notes.push(`AWS calls went to ${snapshot.request.endpoint}, not to AWS itself.`);
  if (snapshot.metrics.ok) {
    notes.push(`Metrics cover the last ${formatDuration(snapshot.request.sinceMs)} and arrive with a delay of a few minutes.`);
  }
  return notes;
}

async function report(
  host: Host,
  format: "pretty" | "json" | "markdown" | "junit",
  snapshots: Snapshot[],
  request: PipelineRequest,
  durationMs: number,
  options: { offline: boolean; all: boolean; extraFindings?: Finding[] },
): Promise<number> {
  const render: ReportOptions = { chalk: host.out.chalk, columns: host.out.columns, command: host.commandLine, strict: request.strict };
  const eventIsFor = options.all ? rulesTheEventIsFor(snapshots) : [];
  const diagnoses = snapshots.map((snapshot) => diagnoseSnapshot(snapshot, { strict: request.strict, durationMs, offline: options.offline, extraFindings: options.extraFindings, eventIsFor }));
  if (diagnoses.length === 1 && !options.all) {
    const diagnosis = diagnoses[0]!;
    host.out.result(renderReport(format, diagnosis, render));
    noteStepSummary(host, await appendStepSummary(host.io.env, renderReport("markdown", diagnosis, render)));
    return exitCodeFor(diagnosis);
  }
  const set = diagnosisSet(diagnoses, snapshots, durationMs, request.bus);
  host.out.result(renderReportSet(format, set, render));
  noteStepSummary(host, await appendStepSummary(host.io.env, renderReportSet("markdown", set, render)));
  return exitCodeForAll(diagnoses);
}

function diagnosisSet(diagnoses: Diagnosis[], snapshots: Snapshot[], durationMs: number, bus: string): DiagnosisSet {
  const first = diagnoses[0];
  return {
    schemaVersion: 1,
    status: worstStatus(diagnoses.map((d) => d.status)),
    // A bus without rules has no snapshot to name it.
    bus: first?.target.bus ?? busNameOf(snapshots[0]?.request.bus ?? bus),
    region: first?.target.region ?? null,
    account: first?.target.account ?? null,
    durationMs,
    rules: diagnoses,
  };
}

/** Collects the snapshot of the requested rule, or of every rule with --all. */
async function collectForRequest(host: Host, request: PipelineRequest, awsTimeoutMs?: number): Promise<Snapshot[]> {
  const awsOptions = await host.settings.awsOptions(host.signal, awsTimeoutMs === undefined ? {} : { timeoutMs: awsTimeoutMs });
  const aws = new Aws(awsOptions);
  try {
    const base: Omit<CollectRequest, "rule"> = {
      bus: request.bus,
      function: request.function,
      publisher: request.publisher,
      busEnvVar: request.busEnvVar,
      event: request.event,
      sinceMs: request.sinceMs,
      peekDlq: request.peekDlq,
      profile: awsOptions.profile,
    };
    if (request.rule !== null && !request.all) {
      host.out.progress(`checking rule ${request.rule} on bus ${busNameOf(request.bus)}…`);
      return [await collectSnapshot(new CollectSession(aws, { tool: TOOL }), { ...base, rule: request.rule })];
    }
    if (request.all) {
      host.out.progress(`checking every rule on bus ${busNameOf(request.bus)}…`);
      const session = new AccountSession(aws, { tool: TOOL }, { sinceMs: request.sinceMs });
      const all = await collectAllRules(session, base, (checked, listed, complete) => host.out.live(`checked ${checked}/${listed}${complete ? "" : "+"} rules`));
      if (!all.ok) return await cannotListRules(session, request.bus, all);
      return all.value;
    }
    const session = new CollectSession(aws, { tool: TOOL });
    const rules = await session.rules(request.bus);
    if (!rules.ok) return await cannotListRules(session, request.bus, rules);
    const found = rules.value;
    const names = found.map((rule) => rule.Name ?? "").filter(Boolean);
    if (names.length === 1) {
      host.out.progress(`checking rule ${names[0]} (the only rule on bus ${busNameOf(request.bus)})…`);
      return [await collectSnapshot(session, { ...base, rule: names[0]! }, found[0])];
    }
    if (names.length === 0) {
      throw new UsageError(`bus "${busNameOf(request.bus)}" has no rules, so nothing routes its events anywhere`, {
        hint: "name the bus the rule lives on with --bus (see `aws events list-event-buses`), or create the rule",
      });
    }
    throw new UsageError(`bus "${busNameOf(request.bus)}" has ${names.length} rules; name one with --rule, or check them all with --all`, {
      hint: `rules: ${names.slice(0, 20).join(", ")}${names.length > 20 ? ", …" : ""}`,
    });
  } finally {
    host.out.clearLive();
    host.out.debug(pacingSummary(aws));
    aws.destroy();
  }
}

/** With --verbose: how many calls each AWS quota's bucket let through, and its throttles. */
function pacingSummary(aws: Aws): string {
  const buckets = aws.rateLimits.all().filter(({ bucket }) => bucket.granted > 0);
  if (buckets.length === 0) return "AWS calls paced: none";
  return `AWS calls paced: ${buckets.map(({ key, bucket }) => `${key.split("|").slice(1).join(" ")} ${bucket.granted} at ${bucket.quota.perSecond}/s${bucket.throttles > 0 ? ` (slowed ${bucket.throttles}× by throttles, now ${bucket.rate.toFixed(1)}/s)` : ""}`).join("; ")}`;
}

/** Why the rules on a bus could not be listed, as the error that ends the command. */
async function cannotListRules(session: CollectSession, bus: string, rules: Extract<Collected<unknown>, { ok: false }>): Promise<never> {
  const identity = await session.identity();
  if (!identity.ok && isFatalFailure(identity)) throw new AwsAccessError(`cannot reach AWS: ${identity.error}`, { hint: reachHint(identity.reason) });
  if (rules.reason === "not-found") throw new UsageError(`bus "${busNameOf(bus)}" does not exist in ${session.aws.region} (${rules.error})`, { hint: "name the bus with --bus, and its region with --region" });
  throw new AwsAccessError(`cannot list the rules on bus "${busNameOf(bus)}": ${rules.error}`, {
    hint: rules.reason === "access-denied" && rules.action ? `the caller needs ${rules.action}` : undefined,
  });
}

/** Says where the job summary went, or why it could not be written (the report itself still counts). */
function noteStepSummary(host: Host, written: Awaited<ReturnType<typeof appendStepSummary>>): void {
  if (written === undefined) return;
  if (written.error !== undefined) host.out.warn(`could not append the report to the GitHub job summary (${written.path}): ${written.error}`);
  else host.out.debug(`report appended to the GitHub job summary (${written.path})`);
}
