import { countFindings } from "../../src/report/text.js";
import type { Diagnosis, DiagnosisSet, Finding } from "../../src/model/finding.js";

export const BUS = "agent2-ingestor-events-dev";
export const RULE = "agent2-ingestor-document-processing-dev";
export const FUNCTION = "agent2-ingestor-api-dev";
export const PUBLISHER = "agent2-ingestor-upload-dev";
export const RULE_ARN = `arn:aws:events:us-east-1:123456789012:rule/${BUS}/${RULE}`;

export function pass(id: Finding["id"], title: string, extra: Partial<Finding> = {}): Finding {
  return { id, status: "pass", title, ...extra };
}

/** A diagnosis as the diagnose step would build it: status, root cause and summary from the findings. */
export function diagnosis(findings: Finding[], overrides: Partial<Diagnosis> = {}): Diagnosis {
  const rootFinding = findings.find((finding) => finding.status === "fail");
  const counts = countFindings(findings);
  return {
    schemaVersion: 1,
    status: counts.fail > 0 ? "fail" : counts.warn > 0 ? "warn" : "pass",
    rootCause: rootFinding ? { id: rootFinding.id, title: rootFinding.title, fix: rootFinding.fix ?? null } : null,
    blockedBy: null,
    findings,
    target: { region: "us-east-1", account: "123456789012", bus: BUS, rule: RULE },
    durationMs: 2345,
    summary: counts,
    notes: [],
    ...overrides,
  };
}

function passingBase(): Finding[] {
  return [
    pass("aws.access", "credentials for arn:aws:sts::123456789012:assumed-role/dev/alice", { evidence: { account: "123456789012" } }),
    pass("bus.exists", BUS),
    pass("rule.exists", `on ${BUS}`),
    pass("rule.state", "ENABLED"),
    pass("rule.pattern", "valid: source, detail-type"),
    pass("event.valid", "agent2.ingestor / Document Processing Required, 212 bytes"),
    pass("event.matches", "matches (local engine; TestEventPattern agrees)"),
  ];
}

export function healthyDiagnosis(): Diagnosis {
  return diagnosis([
    ...passingBase(),
    pass("publisher.bus", `${PUBLISHER} publishes to ${BUS} (EVENT_BUS_NAME)`),
    pass("targets.present", `1 target: function ${FUNCTION}`),
    pass("target.exists", "Active, no reserved concurrency limit", { subject: FUNCTION }),
    pass("target.permission", `events.amazonaws.com may invoke it from rule/${BUS}/${RULE}`, { subject: FUNCTION }),
    pass("target.retry", "2 retries, DLQ agent2-ingestor-dlq", { subject: FUNCTION }),
    pass("metrics.matched", "14 matched in the last 1h (EventBusName+RuleName)"),
    pass("metrics.delivery", "14 invocations, 0 failed"),
  ]);
}

export const FIX_COMMAND =
  `aws lambda update-function-configuration --function-name ${PUBLISHER} --region us-east-1 --environment ` +
  `"$(aws lambda get-function-configuration --function-name ${PUBLISHER} --region us-east-1 --query Environment.Variables --output json | jq -c '{Variables: ((. // {}) + {"EVENT_BUS_NAME": "${BUS}"})}')"`;

// Shaped like the fix the publisher.bus check writes: prose, an indented command, prose.
export const INCIDENT_FIX = [
  `add EVENT_BUS_NAME=${BUS} to ${PUBLISHER}'s environment (keep its other variables: update-function-configuration replaces the whole set):`,
  `  ${FIX_COMMAND}`,
  "and set it where the function is defined (SAM, CDK, Terraform), or the next deploy undoes it.",
].join("\n");

/** The ingestor incident: the publisher sends to the default bus, so nothing ever matches. */
export function incidentDiagnosis(): Diagnosis {
  return diagnosis(
    [
      ...passingBase(),
      {
        id: "publisher.bus",
        status: "fail",
        subject: PUBLISHER,
        title: `${PUBLISHER} has no EVENT_BUS_NAME: it publishes to the default bus`,
        detail: `PutEvents without EventBusName sends to the default bus of the account, but the rule lives on ${BUS}. The publisher's calls succeed and nothing ever matches.`,
        evidence: {
          publisher: PUBLISHER,
          variable: "EVENT_BUS_NAME",
          value: null,
          publishesTo: "default (variable unset)",
          ruleBus: BUS,
          variables: ["S3_BUCKET", "COGNITO_USER_POOL_ID"],
        },
        fix: INCIDENT_FIX,
      },
      pass("targets.present", `1 target: function ${FUNCTION}`),
      pass("target.exists", "Active, no reserved concurrency limit", { subject: FUNCTION }),
      {
        id: "target.permission",
        status: "error",
        subject: FUNCTION,
        title: "could not read the function's resource policy",
        detail: "Access denied: the caller may not call lambda:GetPolicy on arn:aws:lambda:us-east-1:123456789012:function:agent2-ingestor-api-dev.",
        evidence: { action: "lambda:GetPolicy", reason: "access-denied" },
      },
      pass("target.retry", "2 retries, no DLQ", { subject: FUNCTION }),
      { id: "target.dlq", status: "skip", subject: FUNCTION, title: "no dead-letter queue configured" },
      {
        id: "metrics.matched",
        status: "warn",
        title: "0 matched in the last 1h (EventBusName+RuleName) — consistent with the cause above",
        detail: "MatchedEvents stayed at zero for the whole window.",
        evidence: { metric: "AWS/Events MatchedEvents", dimensions: { EventBusName: BUS, RuleName: RULE }, sum: 0, window: "1h" },
        fix: "publish one event after the fix and look again in a few minutes",
      },
      pass("metrics.delivery", "no invocations expected while nothing matches"),
    ],
    { notes: ["CloudWatch metrics lag by up to a few minutes: a window younger than 5 minutes can read 0."] },
  );
}

export function diagnosisSet(rules: Diagnosis[]): DiagnosisSet {
  return {
    schemaVersion: 1,
    status: rules.some((rule) => rule.status === "fail") ? "fail" : rules.some((rule) => rule.status === "warn") ? "warn" : "pass",
    bus: BUS,
    region: "us-east-1",
    account: "123456789012",
    durationMs: 4100,
    rules,
  };
}
