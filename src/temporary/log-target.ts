/**
 * A temporary CloudWatch Logs target on a rule: a tagged log group, the resource policy
 * that lets EventBridge write to it, and the target itself — and their removal, after
 * use, on Ctrl-C, on error, and for the leftovers of a killed run. `probe --trace` puts
 * one on the rule it probes; `tail` puts one on a temporary rule of its own. Each names
 * its resources with its own prefix, so neither's cleanup touches the other's.
 */
import { randomBytes } from "node:crypto";
import type { Aws } from "../aws/clients.js";
import { AwsCallError } from "../aws/errors.js";
import { servicesOf } from "../aws/services/index.js";
import { parseArn } from "../model/arn.js";

/** How one kind of temporary target names and tags what it creates. */
export interface TemporaryKind {
  /** Target ids, policy names (and tail's rule names) start with it: "course-doctor-trace-". */
  prefix: string;
  /** Log group names start with it: "/aws/events/course-doctor-trace-". */
  groupPrefix: string;
  /** Tags of the log group. */
  tag: Record<string, string>;
}

/** A kind's names and tag: ids, rules and policies start with `prefix`, log groups with /aws/events/`prefix` (where EventBridge log group targets live). */
export function temporaryKind(prefix: string, tagValue: string): TemporaryKind {
  return { prefix, groupPrefix: `/aws/events/${prefix}`, tag: { "course-doctor": tagValue } };
}

/** What one temporary target adds (or tried to add). */
export interface LogTarget {
  group: string;
  groupArn: string;
  policyName: string;
  targetId: string;
  rule: string;
  bus: string;
}

/** A fresh id for the names of one run's resources. */
export function newTemporaryId(): string {
  return randomBytes(4).toString("hex");
}

/** Names the resources of a temporary target on a rule (nothing is created yet). */
export function planLogTarget(kind: TemporaryKind, rule: string, bus: string, ruleArn: string, id = newTemporaryId()): LogTarget {
  const arn = parseArn(ruleArn);
  const group = `${kind.groupPrefix}${id}`;
  return {
    group,
    groupArn: `arn:${arn?.partition ?? "aws"}:logs:${arn?.region ?? "us-east-1"}:${arn?.account ?? "000000000000"}:log-group:${group}`,
    policyName: `${kind.prefix}${id}`,
    targetId: `${kind.prefix}${id}`,
    rule,
    bus,
  };
}

/** Creates the log group, its resource policy and the rule target. */
export async function setUpLogTarget(aws: Aws, kind: TemporaryKind, target: LogTarget): Promise<void> {
  const { logs, events } = servicesOf(aws);
  await logs.createLogGroup(target.group, kind.tag);
  await logs.putResourcePolicy(
    target.policyName,
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: target.policyName,
          Effect: "Allow",
          Principal: { Service: ["events.amazonaws.com", "delivery.logs.amazonaws.com"] },
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: `${target.groupArn}:*`,
        },
      ],
    }),
  );
  const failed = await events.putTargets(target.rule, target.bus, [{ Id: target.targetId, Arn: target.groupArn }]);
  if (failed.length > 0) throw new Error(`could not add the temporary target: ${failed[0]?.ErrorCode ?? "Unknown"}: ${failed[0]?.ErrorMessage ?? ""}`);
}

/** One removal step: what it removes, and how. */
export type RemovalStep = [what: string, run: () => Promise<unknown>];

/**
 * Runs every step, whatever the others did; never throws. Returns what could not be
 * removed (a resource that is already gone counts as removed).
 */
export async function removeAll(steps: readonly RemovalStep[]): Promise<string[]> {
  const problems: string[] = [];
  for (const [what, run] of steps) {
    try {
      await run();
    } catch (error) {
      if (!(error instanceof AwsCallError && error.reason === "not-found")) problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return problems;
}

/** The steps that remove a temporary target; `afterTarget` runs between the target and the log group (tail deletes its rule there). */
export function logTargetRemoval(aws: Aws, target: LogTarget, afterTarget: readonly RemovalStep[] = []): RemovalStep[] {
  const { logs, events } = servicesOf(aws);
  return [
    // Removed even when we are unsure it was added (PutTargets may have succeeded before an abort).
    [`target ${target.targetId}`, () => events.removeTargets(target.rule, target.bus, [target.targetId])],
    ...afterTarget,
    [`resource policy ${target.policyName}`, () => logs.deleteResourcePolicy(target.policyName)],
    [`log group ${target.group}`, () => logs.deleteLogGroup(target.group)],
  ];
}

/** Removes a rule's targets whose id starts with the kind's prefix; what was removed. */
export async function removeTemporaryTargets(aws: Aws, kind: TemporaryKind, rule: string, bus: string): Promise<{ removed: string[]; others: number }> {
  const { events } = servicesOf(aws);
  const targets = await events.listTargets(rule, bus);
  const ids = targets.flatMap((t) => (t.Id?.startsWith(kind.prefix) ? [t.Id] : []));
  if (ids.length > 0) await events.removeTargets(rule, bus, ids);
  return { removed: ids.map((id) => `target ${id} on rule ${rule}`), others: targets.length - ids.length };
}

/** Removes the kind's leftover log groups and resource policies (account-wide); what was removed. */
export async function removeLeftoverGroupsAndPolicies(aws: Aws, kind: TemporaryKind): Promise<string[]> {
  const { logs } = servicesOf(aws);
  const removed: string[] = [];
  for (const group of await logs.describeLogGroups(kind.groupPrefix)) {
    if (!group.logGroupName?.startsWith(kind.groupPrefix)) continue;
    await logs.deleteLogGroup(group.logGroupName);
    removed.push(`log group ${group.logGroupName}`);
  }
  for (const policy of await logs.describeResourcePolicies()) {
    if (!policy.policyName?.startsWith(kind.prefix)) continue;
    await logs.deleteResourcePolicy(policy.policyName);
    removed.push(`resource policy ${policy.policyName}`);
  }
  return removed;
}
