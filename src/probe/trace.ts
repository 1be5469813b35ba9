/**
 * `probe --trace`: a temporary CloudWatch Logs target on the rule (a tagged log group, the
 * resource policy that lets EventBridge write to it, the target itself), and its removal
 * — after the probe, on Ctrl-C, on error, and by `probe --cleanup` for a killed run.
 */
import { randomBytes } from "node:crypto";
import type { Aws } from "../aws/clients.js";
import { AwsCallError } from "../aws/errors.js";
import { servicesOf } from "../aws/services/index.js";
import { parseArn } from "../model/arn.js";

export const TRACE_PREFIX = "course-doctor-trace-";
export const TRACE_GROUP_PREFIX = `/aws/events/${TRACE_PREFIX}`;
export const TRACE_TAG = { "course-doctor": "probe-trace" };

/** What one trace added (or tried to add). */
export interface Trace {
  group: string;
  groupArn: string;
  policyName: string;
  targetId: string;
  rule: string;
  bus: string;
}

/** Names the trace's resources for a rule (nothing is created yet). */
export function planTrace(rule: string, bus: string, ruleArn: string): Trace {
  const id = randomBytes(4).toString("hex");
  const arn = parseArn(ruleArn);
  const group = `${TRACE_GROUP_PREFIX}${id}`;
  return {
    group,
    groupArn: `arn:${arn?.partition ?? "aws"}:logs:${arn?.region ?? "us-east-1"}:${arn?.account ?? "000000000000"}:log-group:${group}`,
    policyName: `${TRACE_PREFIX}${id}`,
    targetId: `${TRACE_PREFIX}${id}`,
    rule,
    bus,
  };
}

/** Creates the log group, its resource policy and the rule target. */
export async function setUpTrace(aws: Aws, trace: Trace): Promise<void> {
  const { logs, events } = servicesOf(aws);
  await logs.createLogGroup(trace.group, TRACE_TAG);
  await logs.putResourcePolicy(
    trace.policyName,
    JSON.stringify({
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
  );
  const failed = await events.putTargets(trace.rule, trace.bus, [{ Id: trace.targetId, Arn: trace.groupArn }]);
  if (failed.length > 0) throw new Error(`could not add the trace target: ${failed[0]?.ErrorCode ?? "Unknown"}: ${failed[0]?.ErrorMessage ?? ""}`);
}

/** Removes what the trace added; never throws, returns what could not be removed. */
export async function tearDownTrace(aws: Aws, trace: Trace): Promise<string[]> {
  const { logs, events } = servicesOf(aws);
  const problems: string[] = [];
  const attempt = async (what: string, run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (error) {
      if (!(error instanceof AwsCallError && error.reason === "not-found")) problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  // Remove the target even when we are unsure it was added (PutTargets may have succeeded before an abort).
  await attempt(`target ${trace.targetId}`, () => events.removeTargets(trace.rule, trace.bus, [trace.targetId]));
  await attempt(`resource policy ${trace.policyName}`, () => logs.deleteResourcePolicy(trace.policyName));
  await attempt(`log group ${trace.group}`, () => logs.deleteLogGroup(trace.group));
  return problems;
}

/** Removes what a killed `probe --trace` left behind: trace targets on the bus's rules, trace log groups and policies. */
export async function cleanupLeftovers(aws: Aws, bus: string, rule: string | null): Promise<string[]> {
  const { logs, events } = servicesOf(aws);
  const removed: string[] = [];
  const rules = rule ? [rule] : (await events.listRules(bus)).flatMap((r) => (r.Name ? [r.Name] : []));
  for (const name of rules) {
    const ids = (await events.listTargets(name, bus)).flatMap((t) => (t.Id?.startsWith(TRACE_PREFIX) ? [t.Id] : []));
    if (ids.length > 0) {
      await events.removeTargets(name, bus, ids);
      removed.push(...ids.map((id) => `target ${id} on rule ${name}`));
    }
  }
  for (const group of await logs.describeLogGroups(TRACE_GROUP_PREFIX)) {
    if (!group.logGroupName) continue;
    await logs.deleteLogGroup(group.logGroupName);
    removed.push(`log group ${group.logGroupName}`);
  }
  for (const policy of await logs.describeResourcePolicies()) {
    if (!policy.policyName?.startsWith(TRACE_PREFIX)) continue;
    await logs.deleteResourcePolicy(policy.policyName);
    removed.push(`resource policy ${policy.policyName}`);
  }
  return removed;
}
