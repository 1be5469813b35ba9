import type { Host } from "../host/host.js";
import type { PipelineFlags } from "../settings/resolve.js";
import { CliError, ExitCode, InterruptedError, TimeoutError, UsageError } from "../errors.js";
import type { Diagnosis } from "../model/finding.js";
import { formatDuration, requireDuration } from "../util/duration.js";
import type { JobApi } from "./api.js";
import type { StuckWatch } from "./follow.js";
import { describeState, renderFinishedPretty } from "./render.js";
import { announceSubmitted, followWithLiveLine } from "./run.js";
import { buildSubmitBody, openSession, resolveWaitTiming, resumeHint, shellQuote, type ApiFlags, type BodyFlags, type JobDependencies } from "./session.js";
import {
  describeOutcome,
  describeRootCause,
  renderSmokeJunit,
  renderSmokeMarkdown,
  smokeDocument,
  type RenderReportFn,
  type SmokeReport,
} from "./smoke-report.js";
import type { JobStatus } from "./status.js";

/** The check feature's diagnosis of the configured pipeline, as smoke calls it. */
export type DiagnoseFn = (host: Host, flags: PipelineFlags, options: { awsTimeoutMs: number }) => Promise<Diagnosis>;

/** The deadline of the diagnosis's AWS calls. */
const DIAGNOSIS_TIMEOUT_MS = 60_000;

/** What smoke needs besides the job API; tests pass fakes for the diagnosis and its renderer. */
export interface SmokeDependencies extends JobDependencies {
  diagnose?: DiagnoseFn;
  renderReport?: RenderReportFn;
}

export interface SmokeFlags extends ApiFlags, BodyFlags, PipelineFlags {
  interval?: string;
  stuckAfter?: string;
}

/*
 * The hook to the check feature: the diagnosis smoke prints when a job is stuck, and the
 * renderers it embeds. Both load only when a job is stuck (they pull in the AWS SDK), and
 * tests inject fakes through SmokeDependencies instead.
 */
async function loadDiagnose(): Promise<DiagnoseFn> {
  return (await import("../check/diagnose-pipeline.js")).diagnosePipeline;
}

async function loadRenderReport(): Promise<RenderReportFn> {
  return (await import("../report/index.js")).renderReport;
}

const DEFAULT_STUCK_AFTER_MS = 60_000;

/** A small course request, so a smoke run costs little. */
function defaultSmokeBody(api: JobApi): Record<string, unknown> | undefined {
  return api.submit.acceptsQueryFlags ? { query: "course-doctor smoke test", hours: 1 } : undefined;
}

function pipelineFlagsOf(flags: SmokeFlags): PipelineFlags {
  const picked: PipelineFlags = {};
  for (const key of ["bus", "rule", "function", "publisher", "busEnvVar", "event", "source", "detailType", "detail", "since"] as const) {
    if (flags[key] !== undefined) picked[key] = flags[key];
  }
  return picked;
}

/**
 * `smoke`: submits a small job, waits for it under a deadline, exits 0 when it
 * completes. When the job sits in its first state past --stuck-after, it runs the
 * pipeline diagnosis: a failing diagnosis ends the wait at once (the job will not move,
 * and the CI log says why); otherwise the wait goes on to the deadline with the
 * diagnosis kept for the report.
 */
export async function runSmoke(host: Host, flags: SmokeFlags, deps: SmokeDependencies = {}): Promise<number> {
  const format = host.settings.formatFor(["pretty", "json", "junit", "markdown"] as const);
  const session = await openSession(host, flags, deps);
  const smokeSettings = session.settings.smoke ?? {};
  const timing = await resolveWaitTiming(host, flags.interval, smokeSettings);
  const stuckAfterText = flags.stuckAfter ?? smokeSettings.stuckAfter;
  const stuckAfterMs =
    stuckAfterText === undefined ? DEFAULT_STUCK_AFTER_MS : requireDuration(stuckAfterText, flags.stuckAfter !== undefined ? "--stuck-after" : "smoke.stuckAfter (config)");
  const pipelineFlags = pipelineFlagsOf(flags);
  // Checked now, so a bad --event or --since fails before a job is submitted.
  await host.settings.pipeline(pipelineFlags);
  const body = (await buildSubmitBody(host, session.api, flags, smokeSettings.body)) ?? defaultSmokeBody(session.api);
  if (body === undefined) throw new UsageError(`smoke needs a job to submit to the ${session.api.name} API: give --body FILE|JSON, or smoke.body in the config file`);

  const timer = session.timer;
  const report: SmokeReport = {
    api: { name: session.api.name, url: session.client.redact(session.api.baseUrl.href) },
    id: undefined,
    last: undefined,
    outcome: "not_submitted",
    submitError: undefined,
    submitMs: 0,
    elapsedMs: 0,
    timeoutMs: timing.timeoutMs,
    stuckAfterMs,
    stuck: undefined,
    diagnosis: undefined,
    diagnosisError: undefined,
    problem: undefined,
    statusUrl: undefined,
  };
  const renderReport = deps.renderReport;
  const view: DiagnosisView = { host, renderReport, command: checkCommand(host, pipelineFlags) };
  const render = async () => renderSmoke(format, report, view);

  const submitStart = timer.now();
  let submitted: JobStatus;
  try {
    submitted = await session.client.submit(body);
  } catch (error) {
    // CI reads the report file: a submit that failed must show up there too.
    if (format !== "pretty" && error instanceof CliError && !(error instanceof InterruptedError)) {
      report.submitError = error.message;
      report.submitMs = timer.now() - submitStart;
      host.out.result(await render());
    }
    throw error;
  }
  const startedAt = timer.now();
  report.submitMs = startedAt - submitStart;
  report.id = submitted.id;
  report.statusUrl = session.client.redact(session.client.statusUrl(submitted.id).href);
  announceSubmitted(host, format, submitted);

  const diagnose = deps.diagnose;
  const stuck: StuckWatch = {
    afterMs: stuckAfterMs,
    onStuck: async (status, elapsedMs) => {
      host.out.clearLive();
      host.out.progress(`job ${submitted.id} has not left ${describeState(status)} for ${formatDuration(elapsedMs)}: diagnosing the pipeline…`);
      try {
        // The diagnosis's AWS calls get their own deadline, not the wait's (--timeout, which smoke reads as the wait).
        report.diagnosis = await (diagnose ?? (await loadDiagnose()))(host, pipelineFlags, { awsTimeoutMs: DIAGNOSIS_TIMEOUT_MS });
      } catch (error) {
        if (host.signal.aborted) throw error;
        report.diagnosisError = session.client.redact(error instanceof Error ? error.message : String(error));
        host.out.warn(`the pipeline diagnosis could not run: ${report.diagnosisError}`);
      }
      if (report.diagnosis && format === "pretty") host.out.result(await renderDiagnosis("pretty", report.diagnosis, view));
      if (report.diagnosis?.status === "fail") return "stop";
      host.out.progress(
        `${report.diagnosis ? "the pipeline diagnosis found no failure" : "no diagnosis"}; still waiting for job ${submitted.id} until the deadline (${formatDuration(timing.timeoutMs)})`,
      );
      return "continue";
    },
  };
  const result = await followWithLiveLine(host, session, submitted.id, { ...timing, startedAt, initial: submitted }, stuck);
  report.outcome = result.outcome;
  report.last = result.last;
  report.elapsedMs = result.elapsedMs;
  report.stuck = result.stuck;
  report.problem = result.problem;

  if (format === "pretty") {
    if ((result.outcome === "completed" || result.outcome === "failed") && result.last) {
      host.out.result(renderFinishedPretty(result.last, result.elapsedMs, host.out.chalk, undefined));
    }
  } else {
    host.out.result(await render());
  }

  const hint = resumeHint(host, session, flags, submitted.id);
  switch (result.outcome) {
    case "completed":
      return ExitCode.Ok;
    case "failed":
      return ExitCode.Problems;
    case "interrupted":
      throw new InterruptedError(`${describeOutcome(report)}; the job keeps running`, { hint });
    case "stuck":
    case "timed_out": {
      const root = describeRootCause(report.diagnosis);
      const why = root ? ` — root cause ${root}` : report.diagnosisError ? ` — the pipeline diagnosis could not run: ${report.diagnosisError}` : "";
      const problem = result.problem ? `; the last status read failed: ${result.problem}` : "";
      throw new TimeoutError(`${describeOutcome(report)}${problem}${why}`, { hint });
    }
  }
}

/** What rendering the diagnosis needs: the sink's colors and width, the renderer, the re-run command. */
interface DiagnosisView {
  host: Host;
  renderReport: RenderReportFn | undefined;
  command: string;
}

/** `course-doctor check ...` with the pipeline flags smoke was given: how to re-run the diagnosis alone. */
function checkCommand(host: Host, flags: PipelineFlags): string {
  const parts = ["course-doctor", "check"];
  const add = (flag: string, value: string | undefined) => {
    if (value !== undefined) parts.push(flag, value);
  };
  const given = host.settings.globals;
  add("--config", given.config);
  add("--env", given.env);
  add("--profile", given.profile);
  add("--region", given.region);
  add("--endpoint-url", given.endpointUrl);
  add("--bus", flags.bus);
  add("--rule", flags.rule);
  add("--function", flags.function);
  add("--publisher", flags.publisher);
  add("--bus-env-var", flags.busEnvVar);
  add("--event", flags.event);
  add("--source", flags.source);
  add("--detail-type", flags.detailType);
  add("--detail", flags.detail);
  add("--since", flags.since);
  return parts.map(shellQuote).join(" ");
}

async function renderDiagnosis(format: "pretty" | "markdown" | "junit", diagnosis: Diagnosis, view: DiagnosisView): Promise<string> {
  let render = view.renderReport;
  if (render === undefined) {
    try {
      render = await loadRenderReport();
    } catch (error) {
      view.host.out.debug(`the report renderer could not be loaded (${(error as Error).message}); using a plain summary`);
      return renderDiagnosisPlain(format, diagnosis);
    }
  }
  return render(format, diagnosis, { chalk: view.host.out.chalk, columns: view.host.out.columns, command: view.command });
}

/** A bare rendering of a diagnosis, used only when the report module cannot be loaded. */
function renderDiagnosisPlain(format: "pretty" | "markdown" | "junit", diagnosis: Diagnosis): string {
  if (format === "junit") return "";
  const lines = diagnosis.findings.map((finding) => `${format === "markdown" ? "- " : "  "}${finding.status.padEnd(5)} ${finding.id}  ${finding.title}`);
  const root = diagnosis.rootCause;
  if (root) lines.push("", `Root cause  ${root.id}: ${root.title}`, ...(root.fix ? [`Fix         ${root.fix}`] : []));
  return lines.join("\n");
}

async function renderSmoke(format: "pretty" | "json" | "junit" | "markdown", report: SmokeReport, view: DiagnosisView): Promise<string> {
  if (format === "json") return JSON.stringify(smokeDocument(report));
  const diagnosis = report.diagnosis;
  if (format === "junit") return renderSmokeJunit(report, diagnosis ? await renderDiagnosis("junit", diagnosis, view) : undefined);
  if (format === "markdown") return renderSmokeMarkdown(report, diagnosis ? await renderDiagnosis("markdown", diagnosis, view) : undefined);
  return describeOutcome(report);
}
