/** `probe`: send a marked copy of the application's event and look for evidence of delivery. */
import { Aws } from "../aws/clients.js";
import type { CommandContext } from "../cli/context.js";
import { awsOptionsFor, resolvePipeline, type PipelineFlags, type PipelineRequest } from "../cli/pipeline-options.js";
import { diagnose, exitCodeFor } from "../diagnose.js";
import { ExitCode, InterruptedError } from "../errors.js";
import { renderReport } from "../report/index.js";
import { requireDuration } from "../util/duration.js";
import { cleanupLeftovers, probePipeline, type ProbeResult } from "./probe.js";

export interface ProbeFlags extends PipelineFlags {
  probeTimeout?: string;
  trace?: boolean;
  cleanup?: boolean;
}

/** Runs `probe`; returns the exit code: 0 delivered, 1 not accepted / not delivered, 2 bad input, 3 no evidence before the deadline, 130 Ctrl-C. */
export async function runProbe(ctx: CommandContext, flags: ProbeFlags): Promise<number> {
  const format = ctx.format(["pretty", "json", "markdown", "junit"]);
  const started = Date.now();
  const request = await resolvePipeline(ctx, flags);
  if (flags.cleanup) {
    const removed = await withProbeClients(ctx, request, 0, (_aws, cleanupAws) => cleanupLeftovers(cleanupAws, request.bus, request.rule));
    ctx.out.result(removed.length === 0 ? "nothing to clean up" : removed.map((line) => `removed ${line}`).join("\n"));
    return ExitCode.Ok;
  }
  const { result, region, endpoint } = await sendProbe(ctx, request, flags);
  const notes = [...result.notes];
  if (endpoint) notes.push(`AWS calls went to ${endpoint}, not to AWS itself.`);
  const diagnosis = diagnose(result.findings, { target: { region, account: null, bus: request.bus, rule: request.rule }, durationMs: Date.now() - started, strict: request.strict, notes });
  ctx.out.result(renderReport(format, diagnosis, { chalk: ctx.out.chalk, columns: ctx.out.columns, command: ctx.commandLine }));
  if (result.timedOut) return ExitCode.TimedOut;
  const delivered = result.findings.find((f) => f.id === "probe.delivered");
  return delivered?.status === "pass" ? exitCodeFor(diagnosis, { strict: request.strict }) : ExitCode.Problems;
}

/** How long to wait for evidence: --probe-timeout, else --timeout, else the config's probeTimeout, else 60s. */
export async function probeTimeoutMs(ctx: CommandContext, flags: Pick<ProbeFlags, "probeTimeout">): Promise<number> {
  const { settings } = await ctx.config();
  if (flags.probeTimeout !== undefined) return requireDuration(flags.probeTimeout, "--probe-timeout");
  if (ctx.global.timeout !== undefined) return ctx.global.awsTimeoutMs;
  if (settings.probeTimeout !== undefined) return requireDuration(settings.probeTimeout, "probeTimeout (config)");
  return 60_000;
}

/**
 * Sends the probe for `probe` and `check --probe` and waits for evidence; Ctrl-C stops the
 * wait and still removes what --trace added (then throws InterruptedError).
 */
export async function sendProbe(ctx: CommandContext, request: PipelineRequest, flags: Pick<ProbeFlags, "probeTimeout" | "trace">): Promise<{ result: ProbeResult; region: string | null; endpoint: string | null }> {
  const timeoutMs = await probeTimeoutMs(ctx, flags);
  return withProbeClients(ctx, request, timeoutMs, async (aws, cleanupAws) => {
    const result = await probePipeline(aws, request, {
      timeoutMs,
      trace: flags.trace === true,
      signal: ctx.signal,
      cleanupAws,
      log: (line) => ctx.out.progress(line),
      debug: (line) => ctx.out.debug(line),
    });
    if (result.interrupted) throw new InterruptedError("interrupted: probe stopped (temporary trace resources removed)");
    return { result, region: await aws.region().catch(() => null), endpoint: aws.endpoint };
  });
}

/** Calls get the wait plus time for the sends around it; cleanup gets its own client, untouched by Ctrl-C. */
async function withProbeClients<T>(ctx: CommandContext, request: PipelineRequest, timeoutMs: number, use: (aws: Aws, cleanupAws: Aws) => Promise<T>): Promise<T> {
  const awsOptions = awsOptionsFor(ctx, request);
  const aws = new Aws({ ...awsOptions, timeoutMs: timeoutMs + 30_000 });
  const cleanupAws = new Aws({ ...awsOptions, timeoutMs: 30_000, interrupt: undefined });
  try {
    return await use(aws, cleanupAws);
  } finally {
    aws.destroy();
    cleanupAws.destroy();
  }
}
