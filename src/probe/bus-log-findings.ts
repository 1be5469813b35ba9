/**
 * `probe --bus-logs`: what the bus's own records of the probe prove. A RULE_MATCH (or an
 * invocation) for the rule proves it matched; NO_STANDARD_RULES_MATCHED proves it did not.
 * INVOCATION_SUCCESS proves EventBridge delivered to the target (its service accepted the
 * event); a failure record quotes the service's error. Where the records say nothing, the
 * marker evidence stands.
 */
import { fixForLoggedError } from "../checks/bus-logs.js";
import { describeLoggedError, eventsOf, NO_RULES_MATCHED, ruleOutcome, sameTarget, type TargetOutcome } from "../model/bus-log.js";
import type { Finding } from "../model/finding.js";
import type { BusLogRecord, TargetInfo } from "../model/snapshot.js";
import type { Sighting } from "./findings.js";

export { sameTarget } from "../model/bus-log.js";

export interface BusLogEvidence {
  level: string;
  groups: string[];
  /** Logging was turned on for the probe (and put back after). */
  temporary: boolean;
  ruleArn: string;
  eventIds: string[];
  /** The bus's records of the probe's events. */
  records: BusLogRecord[];
  /** The targets in scope. */
  targets: TargetInfo[];
  timeoutMs: number;
}

function ruleName(arn: string): string {
  return arn.slice(arn.lastIndexOf("/") + 1);
}

function where(evidence: BusLogEvidence): string {
  return `the bus's own log (${evidence.level}${evidence.temporary ? ", turned on for the probe" : ""})`;
}

function describe(target: TargetInfo): string {
  return target.function ? `function ${target.function.name}${target.function.qualifier ? `:${target.function.qualifier}` : ""}` : `${target.kind} target ${target.arn}`;
}

function matched(evidence: BusLogEvidence, fallback: Finding): Finding {
  const records = evidence.records;
  const base = { groups: evidence.groups, eventIds: evidence.eventIds, via: "bus-logs" };
  const ours = records.filter((r) => r.ruleArn === evidence.ruleArn && (r.messageType === "RULE_MATCH" || r.messageType.startsWith("INVOCATION_")));
  if (ours.length > 0) {
    const first = ours[0]!;
    return {
      id: "probe.matched",
      status: "pass",
      title: `the rule matched: ${where(evidence)} records ${first.messageType === "RULE_MATCH" ? "RULE_MATCH" : first.messageType} for event ${first.eventId ?? "?"}`,
      evidence: { ...base, messageType: first.messageType, eventId: first.eventId ?? null },
    };
  }
  const unmatched = records.find((r) => r.messageType === NO_RULES_MATCHED);
  if (unmatched) {
    return {
      id: "probe.matched",
      status: "fail",
      title: `no match: ${where(evidence)} records NO_STANDARD_RULES_MATCHED for event ${unmatched.eventId ?? "?"}`,
      detail: "The probe reached the bus and EventBridge matched it against no rule. The local engine finds a match, so the service and the local engine disagree: EventBridge is the ground truth.",
      evidence: { ...base, messageType: NO_RULES_MATCHED },
      fix: "Compare the event and the pattern with EventBridge itself: course-doctor pattern test --remote (or aws events test-event-pattern), and report the case so the local engine learns it.",
    };
  }
  const others = [...new Set(records.filter((r) => r.messageType === "RULE_MATCH" && r.ruleArn).map((r) => ruleName(r.ruleArn!)))];
  if (others.length > 0) {
    return {
      id: "probe.matched",
      status: "fail",
      title: `no match: ${where(evidence)} records the probe matching ${others.join(", ")}, not this rule`,
      evidence: { ...base, otherRules: others },
      fix: "Compare this rule's pattern with the ones that match (course-doctor route --bus BUS EVENT shows every rule against the event).",
    };
  }
  if (eventsOf(records).size > 0 && evidence.level === "TRACE") {
    return {
      id: "probe.matched",
      status: "warn",
      title: `not proven: ${where(evidence)} records the probe's arrival, but no match for this rule within ${Math.round(evidence.timeoutMs / 1000)}s`,
      evidence: { ...base, records: records.length },
    };
  }
  return fallback;
}

function targetOutcome(outcomes: TargetOutcome[], target: TargetInfo): TargetOutcome | undefined {
  return outcomes.find((o) => sameTarget(o.targetArn, target.arn));
}

function delivered(evidence: BusLogEvidence, fallback: Finding, sighting: Sighting | null, rule: string, bus: string): Finding {
  const outcomes = ruleOutcome(evidence.records, evidence.ruleArn).targets;
  const failedTargets = evidence.targets.filter((t) => {
    const o = targetOutcome(outcomes, t);
    return o !== undefined && o.succeeded === 0 && (o.failed > 0 || o.newestFailure !== undefined);
  });
  if (failedTargets.length > 0) {
    const target = failedTargets[0]!;
    const o = targetOutcome(outcomes, target)!;
    const error = o.newestFailure?.error ?? o.errors[0] ?? {};
    return {
      id: "probe.delivered",
      status: "fail",
      title: `not delivered to ${describe(target)}: ${describeLoggedError(error)}`,
      detail: [
        `${where(evidence)}: ${o.newestFailure?.messageType ?? "INVOCATION_FAILURE"} after ${o.newestFailure?.attempts ?? o.failedAttempts} attempt(s).`,
        ...failedTargets.slice(1).map((t) => `Also not delivered to ${describe(t)}: ${describeLoggedError(targetOutcome(outcomes, t)?.errors[0] ?? {})}`),
      ].join("\n"),
      evidence: { via: "bus-logs", targetArn: target.arn, errors: o.errors, requestId: error.requestId ?? null },
      fix: fixForLoggedError(error.message ?? "", target, { rule, bus, ruleArn: evidence.ruleArn, region: evidence.ruleArn.split(":")[3] || null }),
    };
  }
  const succeeded = evidence.targets.filter((t) => (targetOutcome(outcomes, t)?.succeeded ?? 0) > 0);
  if (succeeded.length > 0 && succeeded.length === evidence.targets.length) {
    const lambda = succeeded.some((t) => t.kind === "lambda");
    return {
      id: "probe.delivered",
      status: "pass",
      title: `delivered: ${where(evidence)} records INVOCATION_SUCCESS for ${succeeded.map(describe).join(", ")}${sighting ? `; marker seen in ${sighting.group}` : ""}`,
      ...(lambda && !sighting
        ? { detail: "For a function, INVOCATION_SUCCESS means Lambda accepted the event (an asynchronous invoke); whether the handler then ran shows in its log and in target.async." }
        : {}),
      evidence: { via: "bus-logs", targets: succeeded.map((t) => t.arn), ...(sighting ? { logGroup: sighting.group } : {}) },
    };
  }
  return fallback;
}

/** The probe's findings from the bus's own log, the marker evidence standing where the log says nothing. */
export function busLogFindings(evidence: BusLogEvidence, marker: { matched: Finding; delivered: Finding; sighting: Sighting | null }): { matched: Finding; delivered: Finding } {
  const rule = ruleName(evidence.ruleArn);
  const bus = evidence.ruleArn.includes("/") && evidence.ruleArn.split("/").length > 2 ? evidence.ruleArn.split("/")[1]! : "default";
  const m = matched(evidence, marker.matched);
  if (m.status === "fail") return { matched: m, delivered: { id: "probe.delivered", status: "skip", title: "not delivered: the rule did not match the probe (see probe.matched)" } };
  return { matched: m, delivered: delivered(evidence, marker.delivered, marker.sighting, rule, bus) };
}
