/** `probe`: send a marked copy of the application's event and look for evidence that it arrived. */
import { diagnose } from "../diagnose.js";
import { ExitCode, UsageError } from "../errors.js";
import type { Host } from "../host/host.js";
import { renderReport } from "../report/index.js";
import type { PipelineFlags, PipelineRequest } from "../settings/resolve.js";
import { CLEANUP_TIMEOUT_MS, withCleanupClients } from "../temporary/clients.js";
import { cleanupLeftovers, probePipeline, type ProbeResult } from "./probe.js";
import { cleanupBusLogLeftovers } from "./bus-logs.js";

export interface ProbeFlags extends PipelineFlags {
  probeTimeout?: string;
  trace?: boolean;
  busLogs?: boolean;
  cleanup?: boolean;
}

/**
 * Runs `probe`; returns the exit code: 0 delivered (or, for a target no log can show,
 * matched), 1 not accepted or not matched, 2 bad input or PutEvents could not be called,
 * 3 no evidence before the deadline, 130 Ctrl-C.
 */
export async function runProbe(host: Host, flags: ProbeFlags): Promise<number> {
  const format = host.settings.formatFor(["pretty", "json", "markdown", "junit"]);
  const started = Date.now();
  if (flags.trace && flags.busLogs) throw new UsageError("--trace and --bus-logs are two ways to see the match: choose one");
  const request = await host.settings.pipeline(flags);
  if (flags.cleanup) {
    const removed = await withCleanupClients(host, CLEANUP_TIMEOUT_MS, async (_aws, cleanupAws) => [
      ...(await cleanupLeftovers(cleanupAws(), request.bus, request.rule)).map((line) => `removed ${line}`),
      ...(await cleanupBusLogLeftovers(cleanupAws())),
    ]);
    host.out.result(removed.length === 0 ? "nothing to clean up" : removed.join("\n"));
    return ExitCode.Ok;
  }
  const { result, region, endpoint } = await sendProbe(host, request, flags);
  const notes = [...result.notes];
  if (endpoint) notes.push(`AWS calls went to ${endpoint}, not to AWS itself.`);
  const diagnosis = diagnose(result.findings, { target: { region, account: null, bus: request.bus, rule: request.rule }, durationMs: Date.now() - started, strict: request.strict, notes });
  host.out.result(renderReport(format, diagnosis, { chalk: host.out.chalk, columns: host.out.columns, command: host.commandLine, strict: request.strict }));
  if (diagnosis.status === "fail") return ExitCode.Problems;
  if (result.findings.some((f) => f.status === "error")) return ExitCode.CannotRun;
  if (result.timedOut) return ExitCode.TimedOut;
  return ExitCode.Ok;
}

/** How long to wait for evidence: --probe-timeout, else --timeout, else the config's probeTimeout, else 60s (3m with --bus-logs: vended logs take minutes to start). */
async function probeTimeoutMs(host: Host, flags: Pick<ProbeFlags, "probeTimeout" | "busLogs">): Promise<number> {
  const settings = await host.settings.fileSettings();
  const fallback = flags.busLogs ? 180_000 : 60_000;
  if (flags.probeTimeout === undefined && host.settings.timeoutFlag !== undefined) return host.settings.timeoutMs(fallback);
  return host.settings.duration(flags.probeTimeout, "--probe-timeout", settings.probeTimeout, "probeTimeout", fallback);
}

/**
 * Sends the probe for `probe` and `check --probe` and waits for evidence; Ctrl-C stops the
 * wait and still removes what --trace added (then throws InterruptedError).
 */
export async function sendProbe(host: Host, request: PipelineRequest, flags: Pick<ProbeFlags, "probeTimeout" | "trace" | "busLogs">): Promise<{ result: ProbeResult; region: string; endpoint: string | null }> {
  const timeoutMs = await probeTimeoutMs(host, flags);
  // Calls get the wait plus time for the sends around it.
  return withCleanupClients(host, timeoutMs + 30_000, async (aws, cleanupAws) => {
    const result = await probePipeline(aws, request, {
      timeoutMs,
      trace: flags.trace === true,
      busLogs: flags.busLogs === true,
      signal: host.signal,
      cleanupAws,
      log: (line) => host.out.progress(line),
      debug: (line) => host.out.debug(line),
    });
    return { result, region: aws.region, endpoint: aws.endpoint };
  });
}
