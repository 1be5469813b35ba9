/**
 * The probe: sends one marked copy of the application's event to the bus and looks for
 * the marker where the evidence is. It says apart what each piece of evidence proves:
 * the trace target (or the bus's own log) seeing the probe proves the rule matched
 * (`probe.matched`); only the target's own evidence — the function's log, a log group
 * target — proves it received it (`probe.delivered`). This is the only code path of
 * course-doctor that writes to AWS (the event, and with --trace a temporary target).
 *
 * The steps, in order: read the rule and its targets; decide where evidence can come
 * from (refusing a probe nothing could observe); set up the trace target; send; wait;
 * remove the trace (also on Ctrl-C and error); turn what was seen into findings.
 */
import type { Aws } from "../aws/clients.js";
import { AwsCallError, failed } from "../aws/errors.js";
import type { Target } from "../aws/services/events.js";
import { servicesOf } from "../aws/services/index.js";
import { targetInfoOf, targetIsNamed } from "../collect/shape.js";
import { InputError, InterruptedError, UsageError } from "../errors.js";
import type { PutEventsEntry } from "../event/index.js";
import { tailLogGroup } from "../logs/tail.js";
import { logGroupOfTarget } from "../model/arn.js";
import type { Finding } from "../model/finding.js";
import type { AppEvent, TargetInfo } from "../model/snapshot.js";
import { explainMatch } from "../pattern/index.js";
import { Deadline } from "../util/deadline.js";
import { MARKER_FIELD, newMarker, probeEntry } from "./entry.js";
import { deliveredFinding, matchedFinding, type Sighting } from "./findings.js";
import { planTrace, setUpTrace, tearDownTrace, TRACE_PREFIX, type Trace } from "./trace.js";
import { closeBusLogging, openBusLogging, type BusLogging } from "./bus-logs.js";
import { busLogFindings, sameTarget, type BusLogEvidence } from "./bus-log-findings.js";
import { readBusLogRecords } from "../collect/bus-logs.js";
import { NO_RULES_MATCHED, ruleOutcome, type TargetOutcome } from "../model/bus-log.js";
import type { BusLogRecord } from "../model/snapshot.js";

export { MARKER_FIELD, newMarker, probeEntry } from "./entry.js";
export { cleanupLeftovers, TRACE_GROUP_PREFIX, TRACE_PREFIX, TRACE_TAG } from "./trace.js";

/** What to probe. */
export interface ProbeRequest {
  bus: string;
  rule: string | null;
  /** Only this target (an exact name, name:qualifier, ARN or target id). */
  function: string | null;
  event: AppEvent | null;
}

export interface ProbeOptions {
  /** How long to wait for evidence. */
  timeoutMs: number;
  /** Add a temporary CloudWatch Logs target to the rule while probing. */
  trace?: boolean;
  /** Read the bus's own log of the probe (turning TRACE logging on for the probe when the bus does not log to CloudWatch Logs). */
  busLogs?: boolean;
  /** Polling interval (ms). */
  pollMs?: number;
  /** Aborted on Ctrl-C: waiting stops, cleanup still runs. */
  signal?: AbortSignal;
  /**
   * Makes the client that removes the trace, when it is time to (its own deadline then
   * starts, and Ctrl-C must not cut it); defaults to `aws`.
   */
  cleanupAws?: () => Aws;
  /** Progress and --verbose lines. */
  log?: (line: string) => void;
  debug?: (line: string) => void;
}

export interface ProbeResult {
  findings: Finding[];
  /** True when the wait ended at the deadline without evidence of delivery. */
  timedOut: boolean;
  interrupted: boolean;
  notes: string[];
}

/** Where evidence of one target's delivery can be read. */
interface EvidenceSource {
  group: string;
  /** "target": the target's own log (proves delivery); "trace": the temporary target (proves matching). */
  via: "target" | "trace";
  target?: TargetInfo;
}

/** How often a probe is re-sent while a new trace target is not active yet. */
const RESEND_MS = 5_000;
/** How often while newly turned-on bus logging shows nothing yet. */
const BUS_LOG_RESEND_MS = 15_000;

/** Runs the probe for a pipeline and returns the `probe.*` findings (for `probe` and `check --probe`). */
export async function probePipeline(aws: Aws, request: ProbeRequest, options: ProbeOptions): Promise<ProbeResult> {
  if (!request.rule) throw new UsageError("probe needs a rule: --rule NAME (or rule in the config file)");
  const rule = request.rule;
  const log = options.log ?? (() => undefined);
  const debug = options.debug ?? (() => undefined);
  const notes: string[] = [];
  const marker = newMarker();
  const { entry, event } = probeEntry(request, marker);

  // 1. The rule, its targets, and who sends.
  const { events, sts } = servicesOf(aws);
  const [described, targets, caller] = await Promise.all([
    events.describeRule(rule, request.bus).catch((error: unknown) => {
      if (error instanceof AwsCallError && error.reason === "not-found") {
        throw new InputError(`rule ${rule} does not exist on bus ${request.bus}`, { hint: "check --bus and --rule (course-doctor check shows what exists)" });
      }
      throw error;
    }),
    events.listTargets(rule, request.bus),
    sts.getCallerIdentity().then(
      (who) => who.arn,
      () => null,
    ),
  ]);
  const sender = caller ? `sent as ${caller}` : "sent with the caller's credentials";
  notes.push(`The probe was ${sender}: it proves the path for that identity, not for the publisher's role.`);

  // 2. What can show that the probe arrived.
  const inScope = targetsInScope(targets, request.function);
  if (request.function !== null && inScope.length === 0) {
    throw new UsageError(`rule ${rule} has no target named ${request.function} (its targets: ${targets.map((t) => t.Id ?? t.Arn).join(", ") || "none"})`);
  }
  const sources: EvidenceSource[] = inScope.flatMap((target) => {
    const group = logGroupOfTarget(target.arn);
    return group ? [{ group, via: "target" as const, target }] : [];
  });
  const unobservable = inScope.filter((target) => logGroupOfTarget(target.arn) === null);
  if (options.trace && options.busLogs) throw new UsageError("--trace and --bus-logs are two ways to see the match: choose one");
  if (sources.length === 0 && !options.trace && !options.busLogs) {
    throw new UsageError(
      inScope.length === 0
        ? `rule ${rule} has no targets: nothing could receive the probe`
        : `nothing would show whether the probe arrived: ${inScope.map(describe).join(", ")} leave${inScope.length === 1 ? "s" : ""} no log the probe can read`,
      { hint: "add --trace (a temporary log group target on the rule shows whether the rule matches the probe) or --bus-logs (the bus's own log shows the match and each delivery)" },
    );
  }

  const accepted = (result: Awaited<ReturnType<typeof sendEntry>>): Finding => acceptedFinding(result, entry, request.bus, marker, sender);
  const state = described.State ?? "ENABLED";
  if (state === "DISABLED") {
    // Nothing is sent: a disabled rule matches nothing, and the user is told before any write.
    return {
      findings: [
        { id: "probe.accepted", status: "skip", title: "not sent: the rule is DISABLED" },
        matchedFinding({ kind: "disabled", rule, bus: request.bus }),
        { id: "probe.delivered", status: "skip", title: "not sent: the rule is DISABLED" },
      ],
      timedOut: false,
      interrupted: false,
      notes,
    };
  }

  // 3. A pattern that does not match is explained, not waited for.
  const explanation = described.EventPattern ? explainMatch(described.EventPattern, event) : { matches: true, mismatches: [] };
  if (!explanation.matches) {
    const sent = await sendEntry(aws, entry);
    return {
      findings: [
        accepted(sent),
        sent.ok ? matchedFinding({ kind: "pattern", marker, mismatches: explanation.mismatches }) : { id: "probe.matched", status: "skip", title: "not sent" },
        { id: "probe.delivered", status: "skip", title: "not delivered: the rule's pattern does not match the event (see probe.matched)" },
      ],
      timedOut: false,
      interrupted: false,
      notes,
    };
  }

  // 4-6. Trace or bus logging first (each takes a while to become active), then send, then wait.
  const trace = options.trace ? planTrace(rule, request.bus, described.Arn ?? "") : undefined;
  const busLogState: { logging?: BusLogging } = {};
  const ruleArn = described.Arn ?? "";
  let outcome: WaitOutcome;
  let first: Awaited<ReturnType<typeof sendEntry>> | undefined;
  try {
    if (trace) {
      log(`trace: adding temporary target ${trace.targetId} → log group ${trace.group}`);
      await setUpTrace(aws, trace);
      sources.push({ group: trace.group, via: "trace" });
    }
    const logging = options.busLogs ? await openBusLogging(aws, request.bus, busLogState, log) : undefined;
    first = await sendEntry(aws, entry);
    if (!first.ok) {
      outcome = { target: null, trace: null, markers: new Map(), missing: new Set(), interrupted: false, eventIds: [], busRecords: [] };
    } else {
      log(`sent probe ${marker} to bus ${request.bus}`);
      outcome = await waitForMarker(aws, request, sources, {
        marker,
        eventId: first.eventId,
        sentAt: Date.now(),
        timeoutMs: options.timeoutMs,
        pollMs: options.pollMs ?? 1000,
        signal: options.signal,
        debug,
        resend: trace !== undefined,
        busLog: logging ? { logging, complete: (records) => busLogComplete(records, ruleArn, inScope, logging.level) } : undefined,
      });
    }
  } finally {
    // 7. Removed whatever ended the wait: evidence, the deadline, Ctrl-C or an error.
    if (trace) await removeTrace(options.cleanupAws?.() ?? aws, trace, notes, log);
    if (busLogState.logging) await restoreBusLogging(options.cleanupAws?.() ?? aws, busLogState.logging, notes, log);
  }
  if (!first.ok) {
    return {
      findings: [accepted(first), { id: "probe.matched", status: "skip", title: "not sent: the entry was not accepted" }, { id: "probe.delivered", status: "skip", title: "not sent: the entry was not accepted" }],
      timedOut: false,
      interrupted: false,
      notes,
    };
  }
  if (outcome.interrupted) {
    const removed = [trace ? "its temporary trace target, log group and policy were removed" : "", busLogState.logging?.temporary ? "the bus's logging was put back as it was" : ""].filter(Boolean);
    throw new InterruptedError(removed.length > 0 ? `interrupted: probe stopped (${removed.join("; ")})` : "interrupted: probe stopped");
  }

  // 8. What was seen, and what it proves.
  const targetSources = sources.filter((s) => s.via === "target");
  const markerMatched = matchedFinding(
    outcome.trace
      ? { kind: "seen", sighting: outcome.trace, sentAt: outcome.markers.get(outcome.trace.marker)! }
      : outcome.target
        ? { kind: "implied", sighting: outcome.target }
        : { kind: "not-seen", traced: trace !== undefined, timeoutMs: options.timeoutMs, traceGroup: trace?.group },
  );
  const markerDelivered = deliveredFinding({
    sighting: outcome.target,
    sentAt: outcome.target ? outcome.markers.get(outcome.target.marker)! : 0,
    marker,
    searched: targetSources.map((s) => s.group),
    noLogsYet: targetSources.map((s) => s.group).filter((g) => outcome.missing.has(g)),
    unobservable: unobservable.map(describe),
    matched: outcome.trace !== null,
    timeoutMs: options.timeoutMs,
  });
  const logging = busLogState.logging;
  if (logging) {
    const seen: BusLogEvidence = { level: logging.level, groups: logging.groups, temporary: logging.temporary !== null, ruleArn, eventIds: outcome.eventIds, records: outcome.busRecords, targets: inScope, timeoutMs: options.timeoutMs };
    const fromLogs = busLogFindings(seen, { matched: markerMatched, delivered: markerDelivered, sighting: outcome.target });
    if (outcome.busRecords.length === 0) notes.push(`The bus's log had no record of the probe within ${Math.round(options.timeoutMs / 1000)}s: vended logs can take minutes to start after logging is turned on (raise --probe-timeout).`);
    const complete = busLogComplete(outcome.busRecords, ruleArn, inScope, logging.level);
    return { findings: [accepted(first), fromLogs.matched, fromLogs.delivered], timedOut: !complete && outcome.target === null, interrupted: false, notes };
  }
  const findings: Finding[] = [accepted(first), markerMatched, markerDelivered];
  const timedOut = outcome.target === null && (targetSources.length > 0 || outcome.trace === null);
  return { findings, timedOut, interrupted: false, notes };
}

/** The bus's records of the probe say all they will: it matched no rule, or every target's delivery ended (at ERROR level: a failure). */
function busLogComplete(records: readonly BusLogRecord[], ruleArn: string, targets: readonly TargetInfo[], level: string): boolean {
  if (records.some((r) => r.messageType === NO_RULES_MATCHED)) return true;
  const outcome = ruleOutcome(records, ruleArn);
  const ended = (t: TargetOutcome) => t.succeeded > 0 || t.failed > 0 || t.newestFailure !== undefined;
  if (level === "ERROR") return outcome.targets.some((t) => t.failed > 0 || t.newestFailure !== undefined);
  if (targets.length === 0) return outcome.matchedEvents > 0;
  return targets.every((target) => outcome.targets.some((t) => sameTarget(t.targetArn, target.arn) && ended(t)));
}

async function restoreBusLogging(aws: Aws, logging: BusLogging, notes: string[], log: (line: string) => void): Promise<void> {
  if (!logging.temporary) return;
  const problems = await closeBusLogging(aws, logging);
  if (problems.length > 0) notes.push(`Could not put everything back after --bus-logs (run probe --cleanup): ${problems.join("; ")}`);
  else log(`bus logs: put the bus's LogConfig back (${logging.temporary.previous.Level}) and removed the delivery, log group ${logging.temporary.group} and its policy`);
}

/** The rule's targets the probe is about: all of them (but an old trace target), or the one --function names exactly. */
function targetsInScope(targets: Target[], only: string | null): TargetInfo[] {
  return targets
    .filter((t) => !t.Id?.startsWith(TRACE_PREFIX))
    .map(targetInfoOf)
    .filter((t) => only === null || targetIsNamed(t, only));
}

function describe(target: TargetInfo): string {
  return target.function ? `function ${target.function.name}` : `${target.kind} target ${target.arn}`;
}

type SendResult = { ok: true; eventId: string } | { ok: false; code: string; message: string } | { ok: false; error: ReturnType<typeof failed> };

/** Sends one entry; an entry can fail inside an HTTP 200, and the call itself can fail. */
async function sendEntry(aws: Aws, entry: PutEventsEntry): Promise<SendResult> {
  try {
    const out = await servicesOf(aws).events.putEvents([entry as Omit<PutEventsEntry, "Time">]);
    const result = out.entries[0];
    if (out.failed > 0 || result?.ErrorCode || !result?.EventId) {
      return { ok: false, code: result?.ErrorCode ?? "Unknown", message: result?.ErrorMessage ?? "PutEvents reported a failed entry without a message" };
    }
    return { ok: true, eventId: result.EventId };
  } catch (error) {
    if (error instanceof InterruptedError) throw error;
    return { ok: false, error: failed(error) };
  }
}

function acceptedFinding(result: SendResult, entry: PutEventsEntry, bus: string, marker: string, sender: string): Finding {
  const evidence = { bus, entry };
  if (result.ok) return { id: "probe.accepted", status: "pass", title: `accepted as event ${result.eventId} (marker ${marker}; ${sender})`, evidence: { ...evidence, eventId: result.eventId, marker } };
  if ("error" in result) {
    const failure = result.error;
    const detail =
      failure.reason === "access-denied"
        ? `${failure.error}. The caller needs ${failure.action ?? "events:PutEvents"} on the bus (course-doctor iam-policy --probe prints the policy).`
        : failure.error;
    return { id: "probe.accepted", status: "error", title: `PutEvents could not be called: ${failure.error}`, detail, evidence: { ...evidence, reason: failure.reason, error: failure.error } };
  }
  return {
    id: "probe.accepted",
    status: "fail",
    title: `PutEvents rejected the entry: ${result.code}`,
    detail: `${result.code}: ${result.message} (the request itself succeeded with HTTP 200; FailedEntryCount 1).`,
    evidence: { ...evidence, errorCode: result.code, errorMessage: result.message },
    fix: "Fix the entry the application sends (see the error), then probe again.",
  };
}

interface WaitOutcome {
  /** The marker in a target's own log: delivery. */
  target: Sighting | null;
  /** The marker in the trace group: the rule matched. */
  trace: Sighting | null;
  /** Every marker sent, with its send time. */
  markers: Map<string, number>;
  /** Log groups that did not exist (no logs yet). */
  missing: Set<string>;
  interrupted: boolean;
  /** The EventBridge ids of every probe sent. */
  eventIds: string[];
  /** With --bus-logs: the bus's records of those events, as last read. */
  busRecords: BusLogRecord[];
}

/**
 * Follows every evidence source at once (Live Tail where the service offers it, polling
 * otherwise) until a target's own log shows a marker, or — when no target can show one —
 * the trace does, or the deadline passes. With a trace, a new marker is sent every 5s
 * until the trace sees one: the new target is not active at once.
 */
async function waitForMarker(
  aws: Aws,
  request: ProbeRequest,
  sources: EvidenceSource[],
  options: {
    marker: string;
    eventId: string;
    sentAt: number;
    timeoutMs: number;
    pollMs: number;
    signal: AbortSignal | undefined;
    debug: (line: string) => void;
    resend: boolean;
    /** With --bus-logs: where the bus logs, and when its records say all they will. */
    busLog?: { logging: BusLogging; complete: (records: BusLogRecord[]) => boolean } | undefined;
  },
): Promise<WaitOutcome> {
  const outcome: WaitOutcome = {
    target: null,
    trace: null,
    markers: new Map([[options.marker, options.sentAt]]),
    missing: new Set(),
    interrupted: false,
    eventIds: [options.eventId],
    busRecords: [],
  };
  const busLog = options.busLog;
  // At TRACE (or INFO) the bus's log is the evidence waited for; at ERROR it only adds failures.
  const busLogPrimary = busLog !== undefined && busLog.logging.level !== "ERROR";
  const needsTarget = sources.some((s) => s.via === "target");
  const stop = new AbortController();
  const onInterrupt = () => stop.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onInterrupt, { once: true });
  if (options.signal?.aborted) stop.abort(options.signal.reason);
  // Strongly held for the whole wait (see util/deadline.ts).
  const limit = new Deadline(Math.max(0, options.sentAt + options.timeoutMs - Date.now()), stop.signal);
  const busDone = () => busLog !== undefined && busLog.complete(outcome.busRecords);
  const done = () => busDone() || (!busLogPrimary && (outcome.target !== null || (!needsTarget && outcome.trace !== null)));
  try {
    const tails = sources.map((source) =>
      tailLogGroup(aws, source.group, {
        startTime: options.sentAt - 60_000,
        filter: `"${MARKER_FIELD}"`,
        follow: true,
        signal: limit.signal,
        pollMs: options.pollMs,
        onEvent: (line) => {
          for (const candidate of outcome.markers.keys()) {
            if (!line.message.includes(candidate)) continue;
            const sighting = { group: source.group, marker: candidate, at: Date.now() };
            if (source.via === "target") outcome.target ??= sighting;
            else outcome.trace ??= sighting;
            if (done()) stop.abort();
            return;
          }
        },
        onMode: (mode, reason) => options.debug(`${source.group}: ${mode === "live-tail" ? "Live Tail" : "polling FilterLogEvents"} (${reason})`),
        onMissing: () => {
          outcome.missing.add(source.group);
          options.debug(`log group ${source.group} does not exist yet (no logs yet)`);
        },
        onNote: (text) => options.debug(`${source.group}: ${text}`),
        onWarning: (text) => options.debug(`${source.group}: ${text}`),
      }).catch((error: unknown) => {
        if (error instanceof InterruptedError) return;
        options.debug(`${source.group}: ${error instanceof Error ? error.message : String(error)}`);
      }),
    );
    // The bus's records of the probes sent so far, read again every 2s.
    const reading = busLog
      ? (async () => {
          while (!limit.aborted) {
            const read = await readBusLogRecords(aws, null, busLog.logging.groups, { ruleArn: null, sources: [], eventIds: [...outcome.eventIds] }, { start: options.sentAt - 60_000, end: Date.now() + 60_000 }, 1_000);
            if (read.ok) outcome.busRecords = read.value.records;
            else options.debug(`bus logs: ${read.error}`);
            if (done()) {
              stop.abort();
              break;
            }
            await pause(2_000, limit.signal);
          }
        })().catch((error: unknown) => {
          if (!(error instanceof InterruptedError)) options.debug(`bus logs: ${error instanceof Error ? error.message : String(error)}`);
        })
      : Promise.resolve();
    // A new trace target, or newly turned-on bus logging, is not active at once: send again until it shows.
    const waitingToShow = () => (options.resend && outcome.trace === null) || (busLog?.logging.temporary != null && outcome.busRecords.length === 0);
    const every = options.resend ? RESEND_MS : BUS_LOG_RESEND_MS;
    let lastSend = Date.now();
    while (waitingToShow() && !done() && !limit.aborted) {
      await pause(1_000, limit.signal);
      if (!waitingToShow() || limit.aborted || Date.now() - lastSend < every) continue;
      const again = newMarker();
      const resent = await sendEntry(aws, probeEntry(request, again).entry);
      if (resent.ok) {
        outcome.markers.set(again, Date.now());
        outcome.eventIds.push(resent.eventId);
      }
      lastSend = Date.now();
      options.debug(`resent probe ${again}`);
    }
    await Promise.all([...tails, reading]);
    outcome.interrupted = options.signal?.aborted === true && !done();
    return outcome;
  } finally {
    stop.abort();
    limit.dispose();
    options.signal?.removeEventListener("abort", onInterrupt);
  }
}

async function removeTrace(aws: Aws, trace: Trace, notes: string[], log: (line: string) => void): Promise<void> {
  const problems = await tearDownTrace(aws, trace);
  if (problems.length > 0) notes.push(`Could not remove everything the trace added (run probe --cleanup): ${problems.join("; ")}`);
  else log(`trace: removed target ${trace.targetId}, log group ${trace.group} and resource policy ${trace.policyName}`);
}

/** Resolves after `ms`, or at once when the signal aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
