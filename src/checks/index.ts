/**
 * The one ordered registry of checks. Its order is the output order and the causal
 * order: when several checks fail, the first is the root cause (FINDING_IDS, minus the
 * probe.* ids, which the probe reports).
 */
import type { Finding } from "../model/finding.js";
import type { Snapshot } from "../model/snapshot.js";
import { awsAccessCheck } from "./aws-access.js";
import { busExistsCheck } from "./bus-exists.js";
import { busLogsCheck } from "./bus-logs.js";
import { busPolicyCheck } from "./bus-policy.js";
import { eventMatchesCheck } from "./event-matches.js";
import { eventValidCheck } from "./event-valid.js";
import { logsErrorsCheck } from "./logs-errors.js";
import { metricsDeliveryCheck } from "./metrics-delivery.js";
import { metricsErrorsCheck } from "./metrics-errors.js";
import { metricsMatchedCheck } from "./metrics-matched.js";
import { publisherBusCheck } from "./publisher-bus.js";
import { publisherPermissionCheck } from "./publisher-permission.js";
import { ruleExistsCheck } from "./rule-exists.js";
import { rulePatternCheck } from "./rule-pattern.js";
import { ruleStateCheck } from "./rule-state.js";
import { beforeDeploy, beforeDeploySkip, connectionOf, finding, withConnection, type Check } from "./support.js";
import { targetAsyncCheck } from "./target-async.js";
import { targetDlqCheck } from "./target-dlq.js";
import { targetEncryptionCheck } from "./target-encryption.js";
import { targetRoleCheck } from "./target-role.js";
import { targetExistsCheck } from "./target-exists.js";
import { targetInputCheck } from "./target-input.js";
import { targetPermissionCheck } from "./target-permission.js";
import { targetRetryCheck } from "./target-retry.js";
import { targetsPresentCheck } from "./targets-present.js";

export type { Check } from "./support.js";

/** Every check `check` runs, in causal order. */
export const CHECKS: readonly Check[] = [
  awsAccessCheck,
  busExistsCheck,
  ruleExistsCheck,
  ruleStateCheck,
  rulePatternCheck,
  eventValidCheck,
  eventMatchesCheck,
  busPolicyCheck,
  publisherBusCheck,
  publisherPermissionCheck,
  targetsPresentCheck,
  targetExistsCheck,
  targetPermissionCheck,
  targetRoleCheck,
  targetEncryptionCheck,
  targetInputCheck,
  targetAsyncCheck,
  targetRetryCheck,
  targetDlqCheck,
  busLogsCheck,
  metricsMatchedCheck,
  metricsDeliveryCheck,
  metricsErrorsCheck,
  logsErrorsCheck,
];

/**
 * Runs every check over the snapshot. A check that throws becomes an `error` finding for
 * its id, and the others still run: one bug never sinks the diagnosis.
 */
export function runChecks(snapshot: Snapshot, checks: readonly Check[] = CHECKS): Finding[] {
  const findings: Finding[] = [];
  const connection = connectionOf(snapshot);
  for (const check of checks) {
    if (check.needsAccount && beforeDeploy(snapshot)) {
      findings.push(beforeDeploySkip(snapshot, check.id));
      continue;
    }
    try {
      // Every fix runs where the diagnosis looked: the run's region, profile and endpoint.
      findings.push(...check.run(snapshot).map((f) => (f.fix ? { ...f, fix: withConnection(f.fix, connection) } : f)));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      findings.push(
        finding(check.id, "error", `the check itself failed: ${message}`, {
          detail: "This is a bug in course-doctor, not a finding about the pipeline; please report it with the snapshot (course-doctor snapshot --out).",
          evidence: { error: message },
        }),
      );
    }
  }
  return findings;
}
