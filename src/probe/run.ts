/** `probe`: send a marked copy of the application's event and look for evidence of delivery. */
import { Aws } from "../aws/clients.js";
import type { CommandContext } from "../cli/context.js";
import { awsOptionsFor, resolvePipeline, type PipelineFlags } from "../cli/pipeline-options.js";
import { diagnose, exitCodeFor } from "../diagnose.js";
import { ExitCode, InterruptedError } from "../errors.js";
import { renderReport } from "../report/index.js";
import { requireDuration } from "../util/duration.js";
import { cleanupLeftovers, probePipeline } from "./probe.js";

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
  const { settings } = await ctx.config();
  const timeoutMs =
    flags.probeTimeout !== undefined
      ? requireDuration(flags.probeTimeout, "--probe-timeout")
      : ctx.global.timeout !== undefined
        ? ctx.global.awsTimeoutMs
        : settings.probeTimeout !== undefined
          ? requireDuration(settings.probeTimeout, "probeTimeout (config)")
          : 60_000;
  const awsOptions = awsOptionsFor(ctx, request);
  // Calls get the wait plus time for the sends around it; cleanup gets its own client, untouched by Ctrl-C.
  const aws = new Aws({ ...awsOptions, timeoutMs: timeoutMs + 30_000 });
  const cleanupAws = new Aws({ ...awsOptions, timeoutMs: 30_000, interrupt: undefined });
  try {
    if (flags.cleanup) {
      const removed = await cleanupLeftovers(cleanupAws, request.bus, request.rule);
      ctx.out.result(removed.length === 0 ? "nothing to clean up" : removed.map((line) => `removed ${line}`).join("\n"));
      return ExitCode.Ok;
    }
    const result = await probePipeline(aws, request, {
      timeoutMs,
      trace: flags.trace === true,
      signal: ctx.signal,
      cleanupAws,
      log: (line) => ctx.out.progress(line),
      debug: (line) => ctx.out.debug(line),
    });
    if (result.interrupted) throw new InterruptedError("interrupted: probe stopped (temporary trace resources removed)");
    const [region, account] = await Promise.all([aws.region().catch(() => null), Promise.resolve(null)]);
    const notes = [...result.notes];
    if (aws.endpoint) notes.push(`AWS calls went to ${aws.endpoint}, not to AWS itself.`);
    const diagnosis = diagnose(result.findings, { target: { region, account, bus: request.bus, rule: request.rule }, durationMs: Date.now() - started, strict: request.strict, notes });
    ctx.out.result(renderReport(format, diagnosis, { chalk: ctx.out.chalk, columns: ctx.out.columns, command: ctx.commandLine }));
    if (result.timedOut) return ExitCode.TimedOut;
    const delivered = result.findings.find((f) => f.id === "probe.delivered");
    return delivered?.status === "pass" ? exitCodeFor(diagnosis, { strict: request.strict }) : ExitCode.Problems;
  } finally {
    aws.destroy();
    cleanupAws.destroy();
  }
}
