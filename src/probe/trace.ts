/**
 * `probe --trace`: a temporary CloudWatch Logs target on the rule (a tagged log group, the
 * resource policy that lets EventBridge write to it, the target itself), and its removal
 * — after the probe, on Ctrl-C, on error, and by `probe --cleanup` for a killed run.
 */
import type { Aws } from "../aws/clients.js";
import { servicesOf } from "../aws/services/index.js";
import {
  groupPrefixOf,
  logTargetRemoval,
  planLogTarget,
  removeAll,
  removeLeftoverGroupsAndPolicies,
  removeTemporaryTargets,
  setUpLogTarget,
  type LogTarget,
  type TemporaryKind,
} from "../temporary/log-target.js";

export const TRACE_PREFIX = "course-doctor-trace-";
export const TRACE_GROUP_PREFIX = groupPrefixOf(TRACE_PREFIX);
export const TRACE_TAG = { "course-doctor": "probe-trace" };
const TRACE: TemporaryKind = { prefix: TRACE_PREFIX, groupPrefix: TRACE_GROUP_PREFIX, tag: TRACE_TAG };

/** What one trace added (or tried to add). */
export type Trace = LogTarget;

/** Names the trace's resources for a rule (nothing is created yet). */
export function planTrace(rule: string, bus: string, ruleArn: string): Trace {
  return planLogTarget(TRACE, rule, bus, ruleArn);
}

/** Creates the log group, its resource policy and the rule target. */
export function setUpTrace(aws: Aws, trace: Trace): Promise<void> {
  return setUpLogTarget(aws, TRACE, trace);
}

/** Removes what the trace added; never throws, returns what could not be removed. */
export function tearDownTrace(aws: Aws, trace: Trace): Promise<string[]> {
  return removeAll(logTargetRemoval(aws, trace));
}

/** Removes what a killed `probe --trace` left behind: trace targets on the bus's rules, trace log groups and policies. */
export async function cleanupLeftovers(aws: Aws, bus: string, rule: string | null): Promise<string[]> {
  const rules = rule ? [rule] : (await servicesOf(aws).events.listRules(bus)).flatMap((r) => (r.Name ? [r.Name] : []));
  const removed: string[] = [];
  for (const name of rules) removed.push(...(await removeTemporaryTargets(aws, TRACE, name, bus)).removed);
  removed.push(...(await removeLeftoverGroupsAndPolicies(aws, TRACE)));
  return removed;
}
