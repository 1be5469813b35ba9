import { explainMatch } from "../pattern/index.js";
import {
  applicationSources,
  sameTarget,
  describeLoggedError,
  eventsOf,
  logTypeOf,
  ruleOutcome,
  unmatchedEvents,
  type LoggedEvent,
  type TargetOutcome,
} from "../model/bus-log.js";
import type { Finding } from "../model/finding.js";
import type { BusInfo, BusLogDelivery, BusLogRecord, Snapshot, TargetInfo } from "../model/snapshot.js";
import { windowLabel } from "./metrics-support.js";
import { readRulePattern } from "./rule-pattern.js";
import { accountOf, addPermissionCommand, awsCommand, describeTarget, finding, flagsText, plural, regionOf, sh, subjectOf, targetsInScope, unreadable, type Check } from "./support.js";

const ID = "bus.logs";

/** A name for the delivery pieces a fix creates: letters, digits, - and _ only. */
function deliveryName(bus: string, suffix: string): string {
  return `${bus.replace(/[^\w-]/g, "-").slice(0, 60 - suffix.length - 1)}-${suffix}`;
}

/** The commands that make the bus log its failures to a log group of its own. */
function enableCommands(snapshot: Snapshot, bus: BusInfo, level = "ERROR"): string {
  const region = regionOf(snapshot) ?? "REGION";
  const account = accountOf(snapshot) ?? "ACCOUNT";
  const group = `/aws/vendedlogs/events/event-bus/${bus.name}`;
  const source = deliveryName(bus.name, `${level.toLowerCase()}-logs`);
  const destination = deliveryName(bus.name, "logs");
  return [
    awsCommand(["logs", "create-log-group"], [["--log-group-name", group]]),
    awsCommand(["logs", "put-delivery-source"], [["--name", source], ["--resource-arn", bus.arn], ["--log-type", logTypeOf(level)]]),
    awsCommand(["logs", "put-delivery-destination"], [["--name", destination], ["--delivery-destination-configuration", `destinationResourceArn=arn:aws:logs:${region}:${account}:log-group:${group}`]]),
    awsCommand(["logs", "create-delivery"], [["--delivery-source-name", source], ["--delivery-destination-arn", `arn:aws:logs:${region}:${account}:delivery-destination:${destination}`]]),
    updateBusCommand(bus, level),
  ].join("\n");
}

/** `aws events update-event-bus` setting the log level, passing the bus's other settings along unchanged. */
function updateBusCommand(bus: BusInfo, level: string): string {
  return awsCommand(
    ["events", "update-event-bus"],
    [
      ["--name", bus.name],
      ["--log-config", `IncludeDetail=FULL,Level=${level}`],
      ["--description", bus.description],
      ["--kms-key-identifier", bus.kmsKeyId],
      ["--dead-letter-config", bus.deadLetterArn ? `Arn=${bus.deadLetterArn}` : undefined],
    ],
  );
}

const COST_NOTE =
  "ERROR level records only failures, which is enough to see why a delivery failed and costs little (vended logs are billed per GB delivered); INFO and TRACE record more steps of every event. IncludeDetail FULL adds the event itself, which lets course-doctor say which field of an unmatched event stopped the rule.";

function whereTo(delivery: BusLogDelivery): string {
  const type = delivery.destinationType === "CWL" ? "log group" : delivery.destinationType === "S3" ? "S3 bucket" : delivery.destinationType === "FH" ? "Firehose stream" : "destination";
  return `${type} ${delivery.resourceArn ?? delivery.destinationArn}`;
}

/** What to do about a failed delivery, from the service's own error. */
function fixForError(message: string, target: TargetInfo | undefined, snapshot: Snapshot): string {
  const rule = snapshot.rule.ok ? snapshot.rule.value : null;
  const policy = target ? snapshot.lambdaTargets[target.id]?.policy : undefined;
  return fixForLoggedError(message, target, {
    rule: rule?.name ?? snapshot.request.rule ?? "RULE",
    bus: rule?.busName ?? snapshot.request.bus,
    ruleArn: rule?.arn ?? null,
    region: regionOf(snapshot),
    takenSids: policy?.ok ? policy.value.statements.flatMap((st) => (st.Sid ? [st.Sid] : [])) : [],
  });
}

/** What to do about a delivery the bus's log records as failed, from the service's error (also for probe --bus-logs). */
export function fixForLoggedError(
  message: string,
  target: Pick<TargetInfo, "roleArn" | "kind" | "function"> | undefined,
  where: { rule: string; bus: string; ruleArn: string | null; region: string | null; takenSids?: readonly string[] },
): string {
  const policy = `course-doctor policy ${flagsText([["--rule", where.rule], ["--bus", where.bus]])}`;
  if (/not authori[sz]ed|AccessDenied|access denied|permission|forbidden/i.test(message)) {
    if (target?.roleArn) {
      return `EventBridge was refused through the target's role ${target.roleArn}: allow what the error names in the role's policy (and in the target's own policy). ${policy} shows each statement and the fix.`;
    }
    if (target?.kind === "lambda" && target.function && where.ruleArn && /lambda:InvokeFunction/.test(message)) {
      return [
        `EventBridge itself was refused, so the function's resource policy does not admit this rule as AWS reads it (a condition such as aws:SourceAccount, or a statement for another rule ARN). ${policy} shows each statement; a statement for this rule alone:`,
        `  ${addPermissionCommand({ functionName: target.function.name, qualifier: target.function.qualifier, ruleName: where.rule, ruleArn: where.ruleArn, region: where.region, takenSids: where.takenSids ?? [] })}`,
      ].join("\n");
    }
    return `EventBridge was refused: grant events.amazonaws.com what the error names on the target (${policy} shows each statement and the fix).`;
  }
  if (/kms|key/i.test(message)) return `The target's KMS key refused EventBridge: let events.amazonaws.com use the key (target.encryption gives the change).`;
  if (/not ?found|does not exist|ResourceNotFound|NonExistent/i.test(message)) return "The target is gone or misnamed: recreate it or point the rule at the right ARN (see target.exists).";
  if (/throttl|rate exceeded|too many requests|TooManyRequests/i.test(message)) return "The target throttles EventBridge: raise its concurrency or quota (reserved concurrency of 0 stops a function entirely).";
  return "Read the target's side at the time of the failure: the request id below is the service's own.";
}

function targetFor(snapshot: Snapshot, arn: string): TargetInfo | undefined {
  if (!snapshot.targets.ok) return undefined;
  return snapshot.targets.value.find((t) => sameTarget(arn, t.arn));
}

function failedTarget(snapshot: Snapshot, outcome: TargetOutcome, target: TargetInfo | undefined, window: string): Finding {
  const newest = outcome.newestFailure;
  const error = newest?.error ?? outcome.errors[0] ?? {};
  const said = describeLoggedError(error);
  const subject = target ? subjectOf(target) : outcome.targetArn;
  const lines = [
    `EventBridge's own record of its deliveries to ${target ? describeTarget(target) : outcome.targetArn} ${window}: ${plural(outcome.failed, "invocation")} given up on, ${plural(outcome.failedAttempts, "failed attempt")}, ${plural(outcome.succeeded, "success", "successes")}.`,
    ...outcome.errors.slice(0, 3).map((e) => `  ${plural(e.count, "event")}: ${describeLoggedError(e)}${e.requestId ? ` (request ${e.requestId})` : ""}`),
  ];
  if (newest?.messageType === "INVOCATION_DLQ" || target?.deadLetterArn) lines.push("Events given up on went to the rule's dead-letter queue (see target.dlq).");
  return finding(ID, "fail", `${plural(outcome.failed || outcome.failedAttempts, "delivery", "deliveries")} failed: ${said}`, {
    subject,
    detail: lines.join("\n"),
    evidence: {
      targetArn: outcome.targetArn,
      failed: outcome.failed,
      failedAttempts: outcome.failedAttempts,
      succeeded: outcome.succeeded,
      errors: outcome.errors.slice(0, 5),
      ...(newest ? { newest: { time: new Date(newest.timestamp).toISOString(), messageType: newest.messageType, eventId: newest.eventId } } : {}),
    },
    fix: fixForError(error.message ?? "", target, snapshot),
  });
}

/** The event as EventBridge matched it, rebuilt from its receipt (needs IncludeDetail FULL for the detail). */
function rebuilt(event: LoggedEvent, snapshot: Snapshot): Record<string, unknown> | null {
  if (event.detail === undefined) return null;
  let detail: unknown;
  try {
    detail = JSON.parse(event.detail);
  } catch {
    return null;
  }
  return {
    version: "0",
    id: event.eventId,
    "detail-type": event.detailType ?? "",
    source: event.source ?? "",
    account: accountOf(snapshot) ?? "123456789012",
    time: new Date(event.firstSeen || 0).toISOString().replace(/\.\d{3}Z$/, "Z"),
    region: regionOf(snapshot) ?? "us-east-1",
    resources: [],
    detail,
  };
}

function unmatchedFinding(snapshot: Snapshot, unmatched: LoggedEvent[], window: string, sources: string[]): Finding {
  const newest = unmatched[0]!;
  const kind = `${newest.source ?? "?"} / ${newest.detailType ?? "?"}`;
  const pattern = readRulePattern(snapshot);
  const lines = [`EventBridge recorded NO_STANDARD_RULES_MATCHED for ${plural(unmatched.length, "event")} of ${sources.join(", ")} ${window}: they reached the bus and matched no rule.`];
  let fix = `Compare the event with the rule's pattern field by field: course-doctor pattern test --rule ${sh(snapshot.rule.ok ? snapshot.rule.value.name : snapshot.request.rule ?? "RULE")} EVENT`;
  const event = rebuilt(newest, snapshot);
  if (event && pattern?.kind === "valid") {
    const explained = explainMatch(pattern.text, event);
    if (!explained.matches && explained.mismatches.length > 0) {
      lines.push(`The newest (${newest.eventId}) against this rule's pattern:`, ...explained.mismatches.map((m) => `  ${m.message}`));
      fix = `Change the publisher or the pattern so they agree at ${explained.mismatches.map((m) => m.path).join(", ")}; check the change with: course-doctor pattern test --rule ${sh(snapshot.rule.ok ? snapshot.rule.value.name : "RULE")} ${sh(JSON.stringify(event))}`;
    }
  } else if (!event) {
    lines.push("The bus logs without IncludeDetail FULL, so the event's detail is not in the record: with FULL, course-doctor names the field that stops the rule.");
  }
  return finding(ID, "fail", `${plural(unmatched.length, "event")} of ${kind} reached the bus and matched no rule`, {
    detail: lines.join("\n"),
    evidence: {
      unmatched: unmatched.length,
      newest: unmatched.slice(0, 5).map((e) => ({ eventId: e.eventId, time: e.firstSeen ? new Date(e.firstSeen).toISOString() : null, source: e.source, detailType: e.detailType })),
    },
    fix,
  });
}

/**
 * Whether a logged event is the application's: by its source alone. An unmatched event of
 * the application's source with another detail-type is exactly the mistake to show (the
 * code sends something other than what the rule, or the user, expects).
 */
function isApplicationEvent(event: LoggedEvent, sources: string[]): boolean {
  return event.source !== undefined && sources.includes(event.source);
}

function checkRecords(snapshot: Snapshot, bus: BusInfo, records: BusLogRecord[], groups: string[], truncated: boolean): Finding[] {
  const window = windowLabel(snapshot, undefined);
  const rule = snapshot.rule.ok ? snapshot.rule.value : null;
  const sources = applicationSources(snapshot.event?.input, rule?.eventPattern);
  const level = bus.logConfig!.level;
  const note = truncated ? ` (the first ${records.length} records of the window: there are more)` : "";
  const findings: Finding[] = [];

  // Deliveries of this rule that failed, per target in scope.
  const outcome = rule ? ruleOutcome(records, rule.arn) : { matchedEvents: 0, targets: [] };
  const inScope = new Set(targetsInScope(snapshot).map((t) => t.id));
  for (const target of outcome.targets) {
    const info = targetFor(snapshot, target.targetArn);
    if (info && !inScope.has(info.id)) continue;
    if (snapshot.request.function && !info) continue;
    if (target.failed > 0 || target.newestFailure) findings.push(failedTarget(snapshot, target, info, window));
  }

  // The application's events that failed to be ingested, or matched no rule at all.
  const events = [...eventsOf(records).values()];
  const ingestFailures = records.filter((r) => r.messageType === "EVENT_INGEST_FAILURE" && r.source && sources.includes(r.source));
  if (ingestFailures.length > 0) {
    const newest = ingestFailures[ingestFailures.length - 1]!;
    findings.push(
      finding(ID, "fail", `${plural(ingestFailures.length, "event")} of ${newest.source} were not ingested: ${describeLoggedError(newest.error ?? {})}`, {
        detail: `EventBridge recorded EVENT_INGEST_FAILURE ${window}: the bus refused the events before any rule saw them.`,
        evidence: { failed: ingestFailures.length, error: newest.error ?? null, eventId: newest.eventId },
        fix: /kms|key/i.test(newest.error?.message ?? "")
          ? "The bus's KMS key refused the event: let the publisher (and EventBridge) use the key, or remove the key from the bus."
          : "Read the error: the publisher's request was refused by the bus.",
      }),
    );
  }
  const unmatched = unmatchedEvents(records).filter((e) => isApplicationEvent(e, sources));
  if (unmatched.length > 0) findings.push(unmatchedFinding(snapshot, unmatched, window, sources));
  if (findings.length > 0) return findings;

  const delivered = outcome.targets.reduce((n, t) => n + t.succeeded, 0);
  const retried = outcome.targets.filter((t) => t.failedAttempts > 0 && t.failed === 0);
  const appEvents = events.filter((e) => isApplicationEvent(e, sources)).length;
  const evidence = { level, groups, matchedEvents: outcome.matchedEvents, delivered, applicationEvents: appEvents, records: records.length, truncated };
  if (retried.length > 0) {
    const t = retried[0]!;
    return [
      finding(ID, "warn", `delivered after ${plural(t.failedAttempts, "failed attempt")}: ${describeLoggedError(t.errors[0] ?? {})}`, {
        subject: targetFor(snapshot, t.targetArn) ? subjectOf(targetFor(snapshot, t.targetArn)!) : t.targetArn,
        detail: `EventBridge retried before the target took the event ${window}${note}; repeated retries delay events and end in a failure once the retry policy runs out.`,
        evidence: { ...evidence, errors: t.errors.slice(0, 5) },
        fix: fixForError(t.errors[0]?.message ?? "", targetFor(snapshot, t.targetArn), snapshot),
      }),
    ];
  }
  if (outcome.matchedEvents > 0 || delivered > 0) {
    return [
      finding(ID, "pass", `the bus's own log: ${plural(outcome.matchedEvents, "event")} matched, ${plural(delivered, "delivery", "deliveries")} succeeded, no failure ${window}${note}`, { evidence }),
    ];
  }
  if (level === "ERROR") {
    return [
      finding(ID, "pass", `no failure in the bus's own log ${window} (level ERROR records failures only)${note}`, {
        detail: `Read ${groups.join(", ")}.`,
        evidence,
      }),
    ];
  }
  const sourceText = sources.length > 0 ? ` or for events of ${sources.join(", ")}` : "";
  return [
    finding(ID, "skip", `nothing in the bus's own log for this rule${sourceText} ${window}`, {
      detail: [
        `The bus logs at ${level} to ${groups.join(", ")}, and recorded nothing about this rule's events in the window: no such event reached this bus, or the records are still on their way (vended logs are delivered within minutes, best effort).`,
        sources.length > 0 ? `To see where events of ${sources[0]} do go: course-doctor tail --bus default --source ${sh(sources[0]!)}` : "",
      ]
        .filter(Boolean)
        .join("\n"),
      evidence,
    }),
  ];
}

/** The bus's own log shows the application's events matched and delivered (when the bus logs). */
export const busLogsCheck: Check = {
  id: ID,
  needsAccount: true,
  title: "the bus's own log (when it logs) shows no unmatched application event and no failed delivery",
  run(snapshot) {
    if (!snapshot.bus.ok) return [finding(ID, "skip", "no bus to read (see bus.exists)")];
    const bus = snapshot.bus.value;
    const logs = snapshot.busLogs;
    if (!bus.logConfig || !logs) return [finding(ID, "skip", "the bus's logging was not read (a snapshot without it)")];
    const level = bus.logConfig.level;
    const deliveries = logs.deliveries;
    if (level === "OFF") {
      const existing = deliveries.ok && deliveries.value.length > 0 ? ` Its logs would go to ${deliveries.value.map(whereTo).join(", ")}, but the level is OFF.` : "";
      return [
        finding(ID, "skip", "the bus does not log (LogConfig level OFF, the default)", {
          detail: `EventBridge can record, per event, that it arrived, which rules matched and how each delivery ended, with the service's error.${existing} ${COST_NOTE} To trace one probe event without changing the bus for good: course-doctor probe --bus-logs.`,
          fix: deliveries.ok && deliveries.value.length > 0 ? updateBusCommand(bus, "ERROR") : enableCommands(snapshot, bus),
        }),
      ];
    }
    if (!deliveries.ok) return [unreadable(snapshot, ID, "where the bus's logs go (CloudWatch Logs deliveries)", deliveries)];
    if (deliveries.value.length === 0) {
      return [
        finding(ID, "skip", `the bus logs at ${level}, but no delivery takes its records`, {
          detail: `LogConfig is set, but no CloudWatch Logs delivery has the bus as its source: the records go nowhere. ${COST_NOTE}`,
          fix: enableCommands(snapshot, bus, level).split("\n").slice(0, 4).join("\n"),
        }),
      ];
    }
    const records = logs.records;
    if (records === null) {
      return [
        finding(ID, "skip", `the bus logs at ${level} to ${deliveries.value.map(whereTo).join(", ")}: not a log group course-doctor can read`, {
          detail: "course-doctor reads the bus's records from CloudWatch Logs destinations; add one beside the others to let check read them.",
          evidence: { level, deliveries: deliveries.value },
        }),
      ];
    }
    if (!records.ok) return [unreadable(snapshot, ID, "the bus's log records", records)];
    const found = checkRecords(snapshot, bus, records.value.records, records.value.groups, records.value.truncated);
    if (records.value.unread?.length) {
      const unread = records.value.unread.map((u) => `${u.group}: ${u.error}`).join("; ");
      return found.map((f) => ({ ...f, detail: [f.detail, `Not read: ${unread}.`].filter(Boolean).join("\n") }));
    }
    return found;
  },
};
