/**
 * `probe --trace`: a temporary CloudWatch Logs target on the rule (a tagged log group, the
 * resource policy that lets EventBridge write to it, the target itself), and its removal
 * — after the probe, on Ctrl-C, on error, and by `probe --cleanup` for a killed run.
 */
import type { Aws } from "../aws/clients.js";
import { servicesOf } from "../aws/services/index.js";
import * as temporary from "../temporary/log-target.js";

const TRACE = temporary.temporaryKind("course-doctor-trace-", "probe-trace");
export const { prefix: TRACE_PREFIX, groupPrefix: TRACE_GROUP_PREFIX, tag: TRACE_TAG } = TRACE;

/** What one trace added (or tried to add). */
export type Trace = temporary.LogTarget;

/** Names the trace's resources for a rule (nothing is created yet). */
export function planTrace(rule: string, bus: string, ruleArn: string): Trace {
  return temporary.planLogTarget(TRACE, rule, bus, ruleArn);
}

/** Creates the log group, its resource policy and the rule target. */
export function setUpTrace(aws: Aws, trace: Trace): Promise<void> {
  return temporary.setUpLogTarget(aws, TRACE, trace);
}

/** Removes what the trace added; never throws, returns what could not be removed. */
export function tearDownTrace(aws: Aws, trace: Trace): Promise<string[]> {
  return temporary.removeAll(temporary.logTargetRemoval(aws, trace));
}

/** Removes what a killed `probe --trace` left behind: trace targets on the bus's rules, trace log groups and policies. */
export async function cleanupLeftovers(aws: Aws, bus: string, rule: string | null): Promise<string[]> {
  const rules = rule ? [rule] : (await servicesOf(aws).events.listRules(bus)).flatMap((r) => (r.Name ? [r.Name] : []));
  const removed: string[] = [];
  for (const name of rules) removed.push(...(await temporary.removeTemporaryTargets(aws, TRACE, name, bus)).removed);
  removed.push(...(await temporary.removeLeftoverGroupsAndPolicies(aws, TRACE)));
  return removed;
}
