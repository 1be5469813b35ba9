/**
 * `tail --bus NAME [--pattern JSON | --source S --detail-type T] [--for D] [--cleanup]`:
 * the flags into a request, the tail, one line per event. The tail's normal end is
 * Ctrl-C or --for: both exit 0, after everything it created is removed.
 */
import { ExitCode, InputError, UsageError } from "../errors.js";
import type { Host } from "../host/host.js";
import { compilePattern, InvalidPatternError } from "../pattern/index.js";
import { formatDuration, requireDuration } from "../util/duration.js";
import { parseJsonText, readTextInput } from "../util/input.js";
import { renderTailedEvent, tailedEventJson } from "./render.js";
import type { TailRequest } from "./tail.js";

export interface TailFlags {
  bus?: string;
  pattern?: string;
  source?: string[];
  detailType?: string[];
  for?: string;
  cleanup?: boolean;
}

/** The temporary rule's pattern from --pattern, or --source / --detail-type; null for every event. */
export async function tailPattern(host: Host, flags: TailFlags): Promise<object | null> {
  const narrowed = (flags.source?.length ?? 0) > 0 || (flags.detailType?.length ?? 0) > 0;
  if (flags.pattern !== undefined && narrowed) throw new UsageError("--pattern excludes --source and --detail-type: give the whole pattern, or its parts");
  let pattern: unknown = null;
  if (flags.pattern !== undefined) {
    const input = await readTextInput(flags.pattern, host.io, "--pattern");
    pattern = parseJsonText(input.text, input.origin, "--pattern");
  } else if (narrowed) {
    pattern = { ...(flags.source?.length ? { source: flags.source } : {}), ...(flags.detailType?.length ? { "detail-type": flags.detailType } : {}) };
  }
  if (pattern === null) return null;
  try {
    compilePattern(pattern as object);
  } catch (error) {
    if (error instanceof InvalidPatternError) throw new InputError(`--pattern is not a valid event pattern: ${error.message}`, { hint: "run `course-doctor pattern lint` on it for every problem" });
    throw error;
  }
  return pattern as object;
}

/** Runs `tail`; 0 when it ends with --for or Ctrl-C (after cleanup), 2 when it could not run. */
export async function runTail(host: Host, flags: TailFlags): Promise<number> {
  const format = host.settings.formatFor(["pretty", "json"]);
  const file = await host.settings.fileSettings();
  if (flags.cleanup) return runCleanup(host, flags.bus ?? null);
  const bus = flags.bus ?? file.bus ?? "default";
  const pattern = await tailPattern(host, flags);
  const forMs = flags.for === undefined ? Infinity : requireDuration(flags.for, "--for");
  const request: TailRequest = { bus, pattern };

  const awsOptions = await host.settings.awsOptions(host.signal);
  // The AWS SDK loads only now, once the flags are known to be good.
  const [{ tailBus }, { Aws }, { withCleanupClients }] = await Promise.all([import("./tail.js"), import("../aws/clients.js"), import("../temporary/clients.js")]);
  // Ctrl-C or --for ends the tail; --for counts from when the tail is in place, so setting
  // it up does not eat the window.
  const stop = new StopSignal(host.signal);
  try {
    return await withCleanupClients(host, awsOptions.timeoutMs, async (aws, cleanupAws) => {
      // The follow has no deadline of its own: it ends with `stop`.
      const readAws = new Aws({ ...awsOptions, timeoutMs: Infinity, interrupt: stop.signal });
      try {
        const result = await tailBus(aws, readAws, request, {
          signal: stop.signal,
          cleanupAws,
          onReady: (setup) => {
            stop.after(forMs);
            host.out.debug(`tail: ${setup.busRules} rules on bus ${bus} are matched against each event`);
            host.out.progress(`watching bus ${bus}${forMs === Infinity ? "… (Ctrl-C to stop)" : ` for ${formatDuration(forMs)}… (Ctrl-C to stop sooner)`}`);
          },
          onEvent: (event) => host.out.result(format === "json" ? JSON.stringify(tailedEventJson(event)) : renderTailedEvent(event, host.out.chalk)),
          onMode: (mode, reason) => host.out.debug(mode === "live-tail" ? `reading with ${reason}` : `reading without Live Tail: ${reason}`),
          log: (line) => host.out.progress(line),
          debug: (line) => host.out.debug(line),
          onWarning: (text) => host.out.warn(text),
        });
        if (result.leftovers.length > 0) host.out.warn(`could not remove everything the tail added (run course-doctor tail --cleanup): ${result.leftovers.join("; ")}`);
        host.out.progress(`${result.events} event${result.events === 1 ? "" : "s"} seen`);
        return result.leftovers.length > 0 ? ExitCode.CannotRun : ExitCode.Ok;
      } finally {
        readAws.destroy();
      }
    });
  } catch (error) {
    // Ctrl-C (or --for) during set-up: cleanup has run; a follow's end is not a failure.
    if (stop.aborted) return ExitCode.Ok;
    throw error;
  } finally {
    stop.dispose();
  }
}

/** `tail --cleanup`: the leftovers of killed tails on --bus, or on every bus when none is named. */
async function runCleanup(host: Host, bus: string | null): Promise<number> {
  const [{ cleanupTailLeftovers }, { CLEANUP_TIMEOUT_MS, withCleanupClients }] = await Promise.all([import("./tail.js"), import("../temporary/clients.js")]);
  const removed = await withCleanupClients(host, CLEANUP_TIMEOUT_MS, (aws) => cleanupTailLeftovers(aws, bus));
  host.out.result(removed.length === 0 ? "nothing to clean up" : removed.map((line) => `removed ${line}`).join("\n"));
  return ExitCode.Ok;
}

/** Aborts on Ctrl-C, or `after` a duration started once the tail is in place. */
class StopSignal {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onInterrupt = () => this.controller.abort(this.interrupt.reason);

  constructor(private readonly interrupt: AbortSignal) {
    if (interrupt.aborted) this.controller.abort(interrupt.reason);
    else interrupt.addEventListener("abort", this.onInterrupt, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  /** Starts the --for clock (Infinity: none). The timer's closure keeps the controller alive. */
  after(ms: number): void {
    if (!Number.isFinite(ms) || this.timer !== undefined) return;
    this.timer = setTimeout(() => this.controller.abort(), Math.min(ms, 2 ** 31 - 1));
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.interrupt.removeEventListener("abort", this.onInterrupt);
  }
}
