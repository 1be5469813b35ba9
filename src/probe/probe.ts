/**
 * The probe: sends one marked copy of the application's event to the bus and looks for
 * the marker where the rule's targets leave evidence (the function's log group, a log
 * group target, or with `trace` a temporary log group target on the rule).
 * This is the only code path of course-doctor that writes to AWS.
 */
import { randomBytes } from "node:crypto";
import { DescribeRuleCommand, ListTargetsByRuleCommand, PutEventsCommand, PutTargetsCommand, RemoveTargetsCommand, ListRulesCommand } from "@aws-sdk/client-eventbridge";
import {
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DeleteResourcePolicyCommand,
  DescribeLogGroupsCommand,
  DescribeResourcePoliciesCommand,
  PutResourcePolicyCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import type { Aws } from "../aws/clients.js";
import { logGroupOfTarget } from "../model/arn.js";
import { classifyAwsError } from "../aws/errors.js";
import type { PipelineRequest } from "../cli/pipeline-options.js";
import { InputError, UsageError } from "../errors.js";
import { normalizeEvent, type PutEventsEntry } from "../event/index.js";
import type { Finding } from "../model/finding.js";
import { tailLogGroup } from "../logs/tail.js";
import { explainMatch } from "../pattern/index.js";

export const MARKER_FIELD = "courseDoctorProbe";
export const TRACE_PREFIX = "course-doctor-trace-";
export const TRACE_GROUP_PREFIX = `/aws/events/${TRACE_PREFIX}`;
export const TRACE_TAG = { "course-doctor": "probe-trace" };

export interface ProbeOptions {
  /** How long to wait for evidence. */
  timeoutMs: number;
  /** Add a temporary CloudWatch Logs target to the rule while probing. */
  trace?: boolean;
  /** Polling interval (ms). */
  pollMs?: number;
  /** Aborted on Ctrl-C: waiting stops, cleanup still runs. */
  signal?: AbortSignal;
  /** Client used for cleanup; must not share the interrupt signal (defaults to `aws`). */
  cleanupAws?: Aws;
  /** Progress and --verbose lines. */
  log?: (line: string) => void;
  debug?: (line: string) => void;
}

export interface ProbeResult {
  findings: Finding[];
  /** True when the wait ended at the deadline without evidence. */
  timedOut: boolean;
  interrupted: boolean;
  notes: string[];
}

export function newMarker(): string {
  return `cd-probe-${randomBytes(6).toString("hex")}`;
}

/** The PutEvents entry the probe sends: the application's event plus the marker in detail. */
export function probeEntry(request: Pick<PipelineRequest, "event" | "bus">, marker: string): { entry: PutEventsEntry; event: Record<string, unknown> } {
  if (!request.event) throw new UsageError("probe needs the application's event: --event FILE|JSON, or --source and --detail-type (or the config file)");
  let normalized;
  try {
    normalized = normalizeEvent(request.event.input);
  } catch (error) {
    throw new InputError(`probe: the event cannot be sent: ${error instanceof Error ? error.message : String(error)}`);
  }
  const detail = normalized.event.detail;
  if (typeof detail !== "object" || detail === null || Array.isArray(detail)) throw new UsageError("probe: the event's detail must be a JSON object to carry the probe marker");
  const marked = { ...(detail as Record<string, unknown>), [MARKER_FIELD]: marker };
  const entry: PutEventsEntry = {
    Source: normalized.entry.Source,
    DetailType: normalized.entry.DetailType,
    Detail: JSON.stringify(marked),
    EventBusName: request.bus,
    ...(normalized.entry.Resources ? { Resources: normalized.entry.Resources } : {}),
  };
  return { entry, event: { ...normalized.event, detail: marked } };
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : "Error";
}

async function sendEntry(aws: Aws, entry: PutEventsEntry): Promise<{ ok: true; eventId: string } | { ok: false; code: string; message: string }> {
  const out = await aws.send("events", new PutEventsCommand({ Entries: [entry as Omit<PutEventsEntry, "Time">] }));
  const result = out.Entries?.[0];
  if ((out.FailedEntryCount ?? 0) > 0 || result?.ErrorCode || !result?.EventId) {
    return { ok: false, code: result?.ErrorCode ?? "Unknown", message: result?.ErrorMessage ?? "PutEvents reported a failed entry without a message" };
  }
  return { ok: true, eventId: result.EventId };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

interface TraceResources {
  id: string;
  group: string;
  groupArn: string;
  policyName: string;
  targetId: string;
  rule: string;
  bus: string;
  created: { group: boolean; policy: boolean; target: boolean };
}

async function setUpTrace(aws: Aws, rule: string, bus: string, ruleArn: string, trace: TraceResources): Promise<void> {
  const [, , , region, account] = ruleArn.split(":");
  trace.groupArn = `arn:aws:logs:${region}:${account}:log-group:${trace.group}`;
  await aws.send("logs", new CreateLogGroupCommand({ logGroupName: trace.group, tags: TRACE_TAG }));
  trace.created.group = true;
  await aws.send(
    "logs",
    new PutResourcePolicyCommand({
      policyName: trace.policyName,
      policyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: trace.policyName,
            Effect: "Allow",
            Principal: { Service: ["events.amazonaws.com", "delivery.logs.amazonaws.com"] },
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: `${trace.groupArn}:*`,
          },
        ],
      }),
    }),
  );
  trace.created.policy = true;
  const out = await aws.send("events", new PutTargetsCommand({ Rule: rule, EventBusName: bus, Targets: [{ Id: trace.targetId, Arn: trace.groupArn }] }));
  if ((out.FailedEntryCount ?? 0) > 0) {
    const failed = out.FailedEntries?.[0];
    throw new Error(`could not add the trace target: ${failed?.ErrorCode ?? "Unknown"}: ${failed?.ErrorMessage ?? ""}`);
  }
  trace.created.target = true;
}

/** Removes what the trace added; never throws, returns what could not be removed. */
async function tearDownTrace(aws: Aws, trace: TraceResources): Promise<string[]> {
  const problems: string[] = [];
  const attempt = async (what: string, run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (error) {
      if (errorName(error) !== "ResourceNotFoundException") problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  // Remove the target even when we are unsure it was added (PutTargets may have succeeded before an abort).
  await attempt(`target ${trace.targetId}`, () => aws.send("events", new RemoveTargetsCommand({ Rule: trace.rule, EventBusName: trace.bus, Ids: [trace.targetId] })));
  await attempt(`resource policy ${trace.policyName}`, () => aws.send("logs", new DeleteResourcePolicyCommand({ policyName: trace.policyName })));
  await attempt(`log group ${trace.group}`, () => aws.send("logs", new DeleteLogGroupCommand({ logGroupName: trace.group })));
  return problems;
}

/**
 * Runs the probe for a resolved pipeline request and returns the `probe.accepted` and
 * `probe.delivered` findings (for `probe` and, later, `check --probe`).
 */
export async function probePipeline(aws: Aws, request: PipelineRequest, options: ProbeOptions): Promise<ProbeResult> {
  if (!request.rule) throw new UsageError("probe needs a rule: --rule NAME (or rule in the config file)");
  const log = options.log ?? (() => undefined);
  const debug = options.debug ?? (() => undefined);
  const notes: string[] = [];
  const pollMs = options.pollMs ?? 1000;
  const marker = newMarker();
  const { entry, event } = probeEntry(request, marker);
  const rule = request.rule;

  let described;
  try {
    described = await aws.send("events", new DescribeRuleCommand({ Name: rule, EventBusName: request.bus }));
  } catch (error) {
    if (errorName(error) === "ResourceNotFoundException") throw new InputError(`rule ${rule} does not exist on bus ${request.bus}`, { hint: "check --bus and --rule (course-doctor check shows what exists)" });
    throw error;
  }
  const targets = (await aws.send("events", new ListTargetsByRuleCommand({ Rule: rule, EventBusName: request.bus }))).Targets ?? [];
  const explanation = described.EventPattern ? explainMatch(described.EventPattern, event) : { matches: true, mismatches: [] };

  const markers = new Map<string, number>();
  const sent = Date.now();
  let first: Awaited<ReturnType<typeof sendEntry>>;
  try {
    first = await sendEntry(aws, entry);
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const name = errorName(error);
    const failure = classifyAwsError(error, "events:PutEvents");
    const detail =
      failure.reason === "access-denied"
        ? `${failure.error}. The caller needs ${failure.action} on the bus (course-doctor iam-policy --probe prints the policy).`
        : failure.error;
    return {
      findings: [
        { id: "probe.accepted", status: "error", title: `PutEvents failed: ${failure.reason === "error" ? name : failure.reason}`, detail, evidence: { bus: request.bus, entry, error: name } },
        { id: "probe.delivered", status: "skip", title: "not sent: PutEvents failed" },
      ],
      timedOut: false,
      interrupted: false,
      notes,
    };
  }
  const entryEvidence = { bus: request.bus, entry };
  if (!first.ok) {
    return {
      findings: [
        {
          id: "probe.accepted",
          status: "fail",
          title: `PutEvents rejected the entry: ${first.code}`,
          detail: `${first.code}: ${first.message} (the request itself succeeded with HTTP 200; FailedEntryCount 1).`,
          evidence: { ...entryEvidence, errorCode: first.code, errorMessage: first.message },
          fix: "Fix the entry the application sends (see the error), then probe again.",
        },
        { id: "probe.delivered", status: "skip", title: "not sent: the entry was not accepted" },
      ],
      timedOut: false,
      interrupted: false,
      notes,
    };
  }
  markers.set(marker, sent);
  const accepted: Finding = { id: "probe.accepted", status: "pass", title: `accepted as event ${first.eventId} (marker ${marker})`, evidence: { ...entryEvidence, eventId: first.eventId, marker } };
  log(`sent probe ${marker} to bus ${request.bus}`);

  if (!explanation.matches) {
    return {
      findings: [
        accepted,
        {
          id: "probe.delivered",
          status: "fail",
          title: `not delivered: the rule's pattern does not match the event (${explanation.mismatches.length} field${explanation.mismatches.length === 1 ? "" : "s"})`,
          detail: explanation.mismatches.map((m) => m.message).join("\n"),
          evidence: { marker, mismatches: explanation.mismatches.map((m) => ({ path: m.path, expected: m.expected, actual: m.actual })) },
          fix: "Make the event and the rule's pattern agree (course-doctor pattern test shows each field), then probe again.",
        },
      ],
      timedOut: false,
      interrupted: false,
      notes,
    };
  }

  const groups = [
    ...new Set(
      targets
        .filter((t) => !t.Id?.startsWith(TRACE_PREFIX))
        .filter((t) => request.function === null || (t.Arn ?? "").includes(`:function:${request.function}`))
        .map((t) => logGroupOfTarget(t.Arn ?? ""))
        .filter((g): g is string => g !== null),
    ),
  ];
  let trace: TraceResources | undefined;
  const missingSeen = new Set<string>();
  const deadline = sent + options.timeoutMs;
  let found = null as { group: string; marker: string; at: number; via: "target" | "trace" } | null;
  let interrupted = false;
  // Ends the log reads: when the marker is seen, and whatever ends the wait (an error included).
  const stop = new AbortController();
  try {
    if (options.trace) {
      const id = randomBytes(4).toString("hex");
      trace = {
        id,
        group: `${TRACE_GROUP_PREFIX}${id}`,
        groupArn: "",
        policyName: `${TRACE_PREFIX}${id}`,
        targetId: `${TRACE_PREFIX}${id}`,
        rule,
        bus: request.bus,
        created: { group: false, policy: false, target: false },
      };
      log(`trace: adding temporary target ${trace.targetId} → log group ${trace.group}`);
      await setUpTrace(aws, rule, request.bus, described.Arn ?? `arn:aws:events:us-east-1:000000000000:rule/${rule}`, trace);
    }
    if (groups.length === 0 && !trace) notes.push("No target leaves evidence the probe can read (a Lambda function's or a log group's logs); use --trace.");
    // Every evidence group is followed at once: Live Tail where the service offers it, polling
    // FilterLogEvents from the send time otherwise (tailLogGroup decides, and says why).
    const where: Array<[string, "target" | "trace"]> = [...groups.map((g): [string, "target"] => [g, "target"]), ...(trace ? [[trace.group, "trace"] as [string, "trace"]] : [])];
    const waiting = AbortSignal.any([stop.signal, AbortSignal.timeout(Math.max(0, deadline - Date.now())), ...(options.signal ? [options.signal] : [])]);
    const tails = where.map(([group, via]) =>
      tailLogGroup(aws, group, {
        startTime: sent - 60_000,
        filter: `"${MARKER_FIELD}"`,
        follow: true,
        signal: waiting,
        pollMs,
        onEvent: (line) => {
          if (found) return;
          for (const candidate of markers.keys()) {
            if (line.message.includes(candidate)) {
              found = { group, marker: candidate, at: Date.now(), via };
              stop.abort();
              return;
            }
          }
        },
        onMode: (mode, reason) => debug(`${group}: ${mode === "live-tail" ? "Live Tail" : "polling FilterLogEvents"} (${reason})`),
        onMissing: () => {
          missingSeen.add(group);
          debug(`log group ${group} does not exist yet (no logs yet)`);
        },
        onNote: (text) => debug(`${group}: ${text}`),
        onWarning: (text) => debug(`${group}: ${text}`),
      }).catch((error: unknown) => {
        debug(`${group}: ${error instanceof Error ? error.message : String(error)}`);
      }),
    );
    // With --trace, resend (each with its own marker) until the new target sees one: it is not active at once.
    let lastSend = Date.now();
    while (trace && !found && !waiting.aborted) {
      await sleep(Math.min(1_000, Math.max(0, deadline - Date.now())), waiting);
      if (found || waiting.aborted || Date.now() - lastSend < 5_000) continue;
      const again = newMarker();
      const resent = await sendEntry(aws, probeEntry(request, again).entry);
      if (resent.ok) markers.set(again, Date.now());
      lastSend = Date.now();
      debug(`trace: resent probe ${again}`);
    }
    if (where.length === 0) await sleep(Math.max(0, deadline - Date.now()), waiting);
    await Promise.all(tails);
    if (options.signal?.aborted && !found) interrupted = true;
  } finally {
    stop.abort();
    if (trace) {
      const problems = await tearDownTrace(options.cleanupAws ?? aws, trace);
      if (problems.length > 0) notes.push(`Could not remove everything the trace added (run probe --cleanup): ${problems.join("; ")}`);
      else log(`trace: removed target ${trace.targetId}, log group ${trace.group} and resource policy ${trace.policyName}`);
    }
  }

  let delivered: Finding;
  if (found) {
    const latencyMs = Math.max(0, found.at - (markers.get(found.marker) ?? sent));
    delivered = {
      id: "probe.delivered",
      status: "pass",
      title: `marker ${found.marker} found in ${found.group} after ${(latencyMs / 1000).toFixed(1)}s${found.via === "trace" ? " (trace target)" : ""}`,
      ...(found.via === "trace"
        ? {
            detail:
              "The rule matched the probe and EventBridge delivered it to the rule's targets: the temporary log group is one of them. Whether the function then ran shows only in its own logs (course-doctor logs).",
          }
        : {}),
      evidence: { marker: found.marker, logGroup: found.group, latencyMs, via: found.via },
    };
  } else {
    const searched = [...groups, ...(trace ? [trace.group] : [])];
    const why = interrupted ? "interrupted" : `no evidence within ${Math.round(options.timeoutMs / 1000)}s`;
    const missing = searched.filter((g) => missingSeen.has(g));
    delivered = {
      id: "probe.delivered",
      status: "fail",
      title: `${why}: marker ${marker} not seen in ${searched.length === 0 ? "any log group" : searched.join(", ")}`,
      ...(missing.length > 0 ? { detail: `No logs yet in ${missing.join(", ")} (the log group does not exist: the target never ran or never logged).` } : {}),
      evidence: { marker, searched, noLogsYet: missing },
      fix: "Run `course-doctor check` with the same flags to find where the event stops.",
    };
  }
  return { findings: [accepted, delivered], timedOut: !found && !interrupted, interrupted, notes };
}

/** Removes what a killed `probe --trace` left behind: trace targets on the bus's rules, trace log groups and policies. */
export async function cleanupLeftovers(aws: Aws, bus: string, rule: string | null): Promise<string[]> {
  const removed: string[] = [];
  const rules: string[] = [];
  if (rule) rules.push(rule);
  else {
    let next: string | undefined;
    do {
      const out = await aws.send("events", new ListRulesCommand({ EventBusName: bus, NextToken: next }));
      rules.push(...(out.Rules ?? []).map((r) => r.Name!).filter(Boolean));
      next = out.NextToken;
    } while (next);
  }
  for (const name of rules) {
    const targets = (await aws.send("events", new ListTargetsByRuleCommand({ Rule: name, EventBusName: bus }))).Targets ?? [];
    const ids = targets.map((t) => t.Id!).filter((id) => id?.startsWith(TRACE_PREFIX));
    if (ids.length > 0) {
      await aws.send("events", new RemoveTargetsCommand({ Rule: name, EventBusName: bus, Ids: ids }));
      removed.push(...ids.map((id) => `target ${id} on rule ${name}`));
    }
  }
  const groups = (await aws.send("logs", new DescribeLogGroupsCommand({ logGroupNamePrefix: TRACE_GROUP_PREFIX }))).logGroups ?? [];
  for (const group of groups) {
    await aws.send("logs", new DeleteLogGroupCommand({ logGroupName: group.logGroupName! }));
    removed.push(`log group ${group.logGroupName}`);
  }
  const policies = (await aws.send("logs", new DescribeResourcePoliciesCommand({}))).resourcePolicies ?? [];
  for (const policy of policies.filter((p) => p.policyName?.startsWith(TRACE_PREFIX))) {
    await aws.send("logs", new DeleteResourcePolicyCommand({ policyName: policy.policyName! }));
    removed.push(`resource policy ${policy.policyName}`);
  }
  return removed;
}
