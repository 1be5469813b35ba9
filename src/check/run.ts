/**
 * `check` and `snapshot`: collect (or read) snapshots, run the checks, diagnose, render.
 * Loaded only when one of these commands runs; it pulls in the AWS SDK.
 */
import { Aws } from "../aws/clients.js";
import { CollectSession, collectSnapshot, type CollectRequest } from "../aws/collect.js";
import { isFatalFailure, reachHint } from "../aws/errors.js";
import { runChecks } from "../checks/index.js";
import { skipped } from "../checks/support.js";
import type { CommandContext } from "../cli/context.js";
import { awsOptionsFor, resolvePipeline, type PipelineFlags, type PipelineRequest } from "../cli/pipeline-options.js";
import { VERSION } from "../cli/program.js";
import { diagnose, exitCodeFor } from "../diagnose.js";
import { AwsAccessError, ExitCode, UsageError } from "../errors.js";
import { busNameOf } from "../model/arn.js";
import type { Diagnosis, DiagnosisSet, Finding } from "../model/finding.js";
import type { Snapshot } from "../model/snapshot.js";
import { appendStepSummary } from "../report/github.js";
import { renderReport, renderReportSet } from "../report/index.js";
import { formatDuration } from "../util/duration.js";
import { mapLimit } from "../util/concurrency.js";
import { readSnapshots, writeSnapshot } from "./snapshot-file.js";

/** Flags of `check` beyond the pipeline. */
export interface CheckFlags extends PipelineFlags {
  from?: string;
  saveSnapshot?: string;
  /** Also send a probe event (the only write `check` makes, and only with this flag). */
  probe?: boolean;
  trace?: boolean;
  probeTimeout?: string;
}

/** How many rules `check --all` examines at once (EventBridge allows ~50 control-plane calls/s). */
export const ALL_RULES_CONCURRENCY = 6;

const TOOL = `course-doctor ${VERSION}`;

/** Runs `check`; returns the exit code. */
export async function runCheck(ctx: CommandContext, flags: CheckFlags): Promise<number> {
  const format = ctx.format(["pretty", "json", "markdown", "junit"]);
  const started = Date.now();
  if (flags.probe !== true && (flags.trace === true || flags.probeTimeout !== undefined)) {
    throw new UsageError("--trace and --probe-timeout go with --probe");
  }
  if (flags.probe === true && flags.from !== undefined) throw new UsageError("--probe sends a live event: it cannot be combined with --from (a saved snapshot)");
  if (flags.probe === true && flags.all === true) throw new UsageError("--probe probes one rule: use it with --rule, not --all");
  if (flags.from !== undefined) {
    const request = await resolvePipeline(ctx, flags);
    const snapshots = await readSnapshots(flags.from, ctx.io);
    return report(ctx, format, snapshots, request, Date.now() - started, { offline: true });
  }
  const request = await resolvePipeline(ctx, flags);
  if (flags.probe === true && request.event === null) {
    throw new UsageError("--probe needs the application's event: --event FILE|JSON, or --source and --detail-type (or the config file)");
  }
  const snapshots = await collectForRequest(ctx, request);
  if (flags.saveSnapshot !== undefined) {
    const where = await writeSnapshot(flags.saveSnapshot, snapshots.length === 1 && !request.all ? snapshots[0]! : snapshots, ctx.io);
    ctx.out.progress(`snapshot written to ${where}`);
  }
  let extraFindings: Finding[] = [];
  const probed = snapshots[0];
  if (flags.probe === true && probed && (probed.identity.ok || !isFatalFailure(probed.identity))) {
    if (probed.rule.ok) {
      // After the reads, so the probe's own event does not show in the metrics and logs just read.
      const { sendProbe } = await import("../probe/run.js");
      extraFindings = (await sendProbe(ctx, request, flags)).result.findings;
    } else {
      extraFindings = [skipped("probe.delivered", "no probe sent: the rule could not be read (see rule.exists)")];
    }
  }
  return report(ctx, format, snapshots, request, Date.now() - started, { offline: false, extraFindings });
}

/** Runs `snapshot`: collects and writes the snapshot(s) without diagnosing. */
export async function runSnapshot(ctx: CommandContext, flags: PipelineFlags & { out?: string }): Promise<number> {
  const request = await resolvePipeline(ctx, flags);
  const snapshots = await collectForRequest(ctx, request);
  const where = await writeSnapshot(flags.out ?? "-", request.all ? snapshots : snapshots[0]!, ctx.io);
  if (where !== "stdout") ctx.out.progress(`snapshot of ${snapshots.length === 1 ? `rule ${snapshots[0]!.request.rule}` : `${snapshots.length} rules`} written to ${where}`);
  const fatal = snapshots.find((snapshot) => !snapshot.identity.ok && isFatalFailure(snapshot.identity));
  return fatal ? ExitCode.CannotRun : ExitCode.Ok;
}

/**
 * The diagnosis of one pipeline, for `smoke` when a job is stuck: collects, checks and
 * diagnoses; never prints.
 */
export async function diagnosePipeline(ctx: CommandContext, flags: PipelineFlags): Promise<Diagnosis> {
  const started = Date.now();
  const request = await resolvePipeline(ctx, { ...flags, all: false });
  const [snapshot] = await collectForRequest(ctx, request);
  return diagnoseSnapshot(snapshot!, { strict: request.strict, durationMs: Date.now() - started, offline: false });
}

/** Checks and diagnoses one snapshot. */
export function diagnoseSnapshot(snapshot: Snapshot, options: { strict: boolean; durationMs: number; offline: boolean; extraFindings?: Finding[] }): Diagnosis {
  const findings = [...runChecks(snapshot), ...(options.extraFindings ?? [])];
  return diagnose(findings, {
    target: {
      region: snapshot.identity.ok ? snapshot.identity.value.region : snapshot.request.region,
      account: snapshot.identity.ok ? snapshot.identity.value.account : null,
      bus: snapshot.rule.ok ? snapshot.rule.value.busName : busNameOf(snapshot.request.bus),
      rule: snapshot.request.rule,
    },
    durationMs: options.durationMs,
    strict: options.strict,
    notes: notesFor(snapshot, options.offline),
  });
}

function notesFor(snapshot: Snapshot, offline: boolean): string[] {
  const notes: string[] = [];
  if (offline) notes.push(`Diagnosed offline from a snapshot collected ${snapshot.collectedAt} by ${snapshot.tool}.`);
  if (snapshot.request.endpoint) notes.push(`AWS calls went to ${snapshot.request.endpoint}, not to AWS itself.`);
  if (snapshot.metrics.ok) {
    notes.push(`Metrics cover the last ${formatDuration(snapshot.request.sinceMs)} and arrive with a delay of a few minutes.`);
  }
  return notes;
}

async function report(
  ctx: CommandContext,
  format: "pretty" | "json" | "markdown" | "junit",
  snapshots: Snapshot[],
  request: PipelineRequest,
  durationMs: number,
  options: { offline: boolean; extraFindings?: Finding[] },
): Promise<number> {
  const render = { chalk: ctx.out.chalk, columns: ctx.out.columns, command: ctx.commandLine };
  const diagnoses = snapshots.map((snapshot) => diagnoseSnapshot(snapshot, { strict: request.strict, durationMs, offline: options.offline, extraFindings: options.extraFindings }));
  const nothingRan = snapshots.every((snapshot) => !snapshot.identity.ok && isFatalFailure(snapshot.identity));
  let code: number;
  if (diagnoses.length === 1 && !request.all) {
    const diagnosis = diagnoses[0]!;
    ctx.out.result(renderReport(format, diagnosis, render));
    noteStepSummary(ctx, await appendStepSummary(ctx.io.env, renderReport("markdown", diagnosis, render)));
    code = exitCodeFor(diagnosis, { strict: request.strict });
  } else {
    const set = diagnosisSet(diagnoses, snapshots, durationMs, request.strict);
    ctx.out.result(renderReportSet(format, set, render));
    noteStepSummary(ctx, await appendStepSummary(ctx.io.env, renderReportSet("markdown", set, render)));
    code = Math.max(...diagnoses.map((diagnosis) => exitCodeFor(diagnosis, { strict: request.strict })));
  }
  return nothingRan ? ExitCode.CannotRun : code;
}

function diagnosisSet(diagnoses: Diagnosis[], snapshots: Snapshot[], durationMs: number, strict: boolean): DiagnosisSet {
  const first = diagnoses[0];
  const failing = diagnoses.some((d) => d.status === "fail");
  const warning = diagnoses.some((d) => d.status === "warn");
  return {
    schemaVersion: 1,
    status: failing ? "fail" : warning ? "warn" : "pass",
    bus: first?.target.bus ?? busNameOf(snapshots[0]?.request.bus ?? "default"),
    region: first?.target.region ?? null,
    account: first?.target.account ?? null,
    durationMs,
    rules: diagnoses,
  };
  void strict;
}

/** Collects the snapshot of the requested rule, or of every rule with --all. */
async function collectForRequest(ctx: CommandContext, request: PipelineRequest): Promise<Snapshot[]> {
  const aws = new Aws(awsOptionsFor(ctx, request));
  try {
    const session = new CollectSession(aws, { tool: TOOL });
    const base: Omit<CollectRequest, "rule"> = {
      bus: request.bus,
      function: request.function,
      publisher: request.publisher,
      busEnvVar: request.busEnvVar,
      event: request.event,
      sinceMs: request.sinceMs,
      peekDlq: request.peekDlq,
    };
    if (request.rule !== null && !request.all) {
      ctx.out.progress(`checking rule ${request.rule} on bus ${busNameOf(request.bus)}…`);
      return [await collectSnapshot(session, { ...base, rule: request.rule })];
    }
    const rules = await session.rules(request.bus);
    if (!rules.ok) {
      const identity = await session.identity();
      if (!identity.ok && isFatalFailure(identity)) throw new AwsAccessError(`cannot reach AWS: ${identity.error}`, { hint: reachHint(identity.reason) });
      if (rules.reason === "not-found") throw new UsageError(`bus "${busNameOf(request.bus)}" does not exist (${rules.error})`, { hint: "name the bus with --bus" });
      throw new AwsAccessError(`cannot list the rules on bus "${busNameOf(request.bus)}": ${rules.error}`, {
        hint: rules.action ? `the caller needs ${rules.action}` : undefined,
      });
    }
    const names = rules.value.map((rule) => rule.Name ?? "").filter(Boolean);
    if (!request.all) {
      if (names.length === 1) {
        ctx.out.progress(`checking rule ${names[0]} (the only rule on bus ${busNameOf(request.bus)})…`);
        return [await collectSnapshot(session, { ...base, rule: names[0]! }, rules.value[0])];
      }
      if (names.length === 0) {
        throw new UsageError(`bus "${busNameOf(request.bus)}" has no rules, so nothing routes its events anywhere`, {
          hint: "name the bus the rule lives on with --bus (see `aws events list-event-buses`), or create the rule",
        });
      }
      throw new UsageError(`bus "${busNameOf(request.bus)}" has ${names.length} rules; name one with --rule, or check them all with --all`, {
        hint: `rules: ${names.slice(0, 20).join(", ")}${names.length > 20 ? ", …" : ""}`,
      });
    }
    ctx.out.progress(`checking ${names.length} rules on bus ${busNameOf(request.bus)}…`);
    let done = 0;
    return await mapLimit(rules.value, ALL_RULES_CONCURRENCY, async (rule) => {
      const snapshot = await collectSnapshot(session, { ...base, rule: rule.Name ?? "" }, rule);
      done++;
      ctx.out.live(`checked ${done}/${names.length} rules`);
      return snapshot;
    });
  } finally {
    ctx.out.clearLive();
    aws.destroy();
  }
}


/** Says where the job summary went, or why it could not be written (the report itself still counts). */
function noteStepSummary(ctx: CommandContext, written: Awaited<ReturnType<typeof appendStepSummary>>): void {
  if (written === undefined) return;
  if (written.error !== undefined) ctx.out.warn(`could not append the report to the GitHub job summary (${written.path}): ${written.error}`);
  else ctx.out.debug(`report appended to the GitHub job summary (${written.path})`);
}
