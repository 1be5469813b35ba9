/**
 * What the probe saw, as findings — each claiming only what its evidence shows:
 * `probe.matched` from the trace target (or the bus's own log), `probe.delivered` only
 * from the target's own evidence, never inferred from a match.
 */
import { awsCommand } from "../checks/support.js";
import type { Finding } from "../model/finding.js";
import type { FieldMismatch } from "../pattern/index.js";

/** A marker seen in a log group. */
export interface Sighting {
  group: string;
  marker: string;
  /** When it was seen (ms since the epoch). */
  at: number;
}

function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
}

/** What is known about whether the rule matched the probe. */
export type MatchEvidence =
  | { kind: "disabled"; rule: string; bus: string }
  | { kind: "pattern"; marker: string; mismatches: FieldMismatch[] }
  | { kind: "seen"; sighting: Sighting; sentAt: number }
  | { kind: "implied"; sighting: Sighting }
  | { kind: "not-seen"; traced: boolean; timeoutMs: number; traceGroup: string | undefined };

export function matchedFinding(evidence: MatchEvidence): Finding {
  switch (evidence.kind) {
    case "disabled":
      return {
        id: "probe.matched",
        status: "fail",
        title: "not sent: the rule is DISABLED, so it matches no event",
        evidence: { rule: evidence.rule, state: "DISABLED" },
        fix: `Enable the rule, then probe again:\n  ${awsCommand(["events", "enable-rule"], [["--name", evidence.rule], ["--event-bus-name", evidence.bus]])}`,
      };
    case "pattern":
      return {
        id: "probe.matched",
        status: "fail",
        title: `the rule's pattern does not match the event (${evidence.mismatches.length} field${evidence.mismatches.length === 1 ? "" : "s"}): not waited for`,
        detail: evidence.mismatches.map((m) => m.message).join("\n"),
        evidence: { marker: evidence.marker, mismatches: evidence.mismatches.map((m) => ({ path: m.path, expected: m.expected, actual: m.actual })) },
        fix: "Make the event and the rule's pattern agree (course-doctor pattern test shows each field), then probe again.",
      };
    case "seen":
      return {
        id: "probe.matched",
        status: "pass",
        title: `the rule matched: marker ${evidence.sighting.marker} reached the trace target after ${seconds(evidence.sighting.at - evidence.sentAt)}`,
        detail: "The temporary log group target received the probe, so the rule matched it and EventBridge delivered to its targets. Whether the rule's own target received it is probe.delivered.",
        evidence: { marker: evidence.sighting.marker, logGroup: evidence.sighting.group, latencyMs: evidence.sighting.at - evidence.sentAt, via: "trace" },
      };
    case "implied":
      return {
        id: "probe.matched",
        status: "pass",
        title: "the rule matched: its target received the probe (see probe.delivered)",
        evidence: { marker: evidence.sighting.marker, logGroup: evidence.sighting.group, via: "target" },
      };
    case "not-seen":
      return evidence.traced
        ? {
            id: "probe.matched",
            status: "fail",
            title: `no sign of a match within ${seconds(evidence.timeoutMs)}: the trace target ${evidence.traceGroup} never received the probe`,
            detail: "The pattern matches the event locally, yet the rule's temporary target saw nothing: the event may go to another bus or region, or EventBridge may not deliver to log groups from this rule.",
            evidence: { traceGroup: evidence.traceGroup ?? null },
            fix: "Run `course-doctor check` with the same flags to find where the event stops.",
          }
        : { id: "probe.matched", status: "skip", title: "not observed: without --trace only the target's own logs can show the probe" };
  }
}

/** What is known about whether the target received the probe. */
export interface DeliveryEvidence {
  sighting: Sighting | null;
  sentAt: number;
  marker: string;
  /** The targets' own log groups that were watched. */
  searched: string[];
  /** Of those, the ones that do not exist (no logs yet). */
  noLogsYet: string[];
  /** Targets no log can show the probe for (a queue, a topic, ...). */
  unobservable: string[];
  /** The trace saw the probe. */
  matched: boolean;
  timeoutMs: number;
}

export function deliveredFinding(evidence: DeliveryEvidence): Finding {
  if (evidence.sighting) {
    const latencyMs = evidence.sighting.at - evidence.sentAt;
    return {
      id: "probe.delivered",
      status: "pass",
      title: `marker ${evidence.sighting.marker} found in ${evidence.sighting.group} after ${seconds(latencyMs)}`,
      evidence: { marker: evidence.sighting.marker, logGroup: evidence.sighting.group, latencyMs, via: "target" },
    };
  }
  if (evidence.searched.length === 0) {
    return {
      id: "probe.delivered",
      status: "skip",
      title: `not observable: ${evidence.unobservable.join(", ")} leave${evidence.unobservable.length === 1 ? "s" : ""} no log the probe can read`,
      detail: "A queue or topic shows an event only to whoever consumes it; course-doctor does not consume your messages. probe.matched says whether the rule matched.",
      evidence: { unobservable: evidence.unobservable },
    };
  }
  const missing = evidence.noLogsYet.length > 0 ? `No logs yet in ${evidence.noLogsYet.join(", ")} (the log group does not exist: the target never ran or never logged).` : undefined;
  if (evidence.matched) {
    return {
      id: "probe.delivered",
      status: "warn",
      title: `not proven: the rule matched, but marker ${evidence.marker} did not show in ${evidence.searched.join(", ")} within ${seconds(evidence.timeoutMs)}`,
      detail: [
        "EventBridge delivered the probe to the rule's targets, the trace among them; the target's own log has no trace of it. A handler that does not log its input shows nothing here; one that fails before logging does not either (course-doctor logs shows its recent lines).",
        missing,
      ]
        .filter(Boolean)
        .join("\n"),
      evidence: { marker: evidence.marker, searched: evidence.searched, noLogsYet: evidence.noLogsYet },
      fix: "Read the target's recent log lines (course-doctor logs FUNCTION --since 5m), and its metrics (course-doctor metrics) for errors or throttles.",
    };
  }
  return {
    id: "probe.delivered",
    status: "fail",
    title: `no evidence within ${seconds(evidence.timeoutMs)}: marker ${evidence.marker} not seen in ${evidence.searched.join(", ")}`,
    ...(missing ? { detail: missing } : {}),
    evidence: { marker: evidence.marker, searched: evidence.searched, noLogsYet: evidence.noLogsYet },
    fix: "Run `course-doctor check` with the same flags to find where the event stops; add --trace to see whether the rule matches at all.",
  };
}
