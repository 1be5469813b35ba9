/**
 * `tail --bus NAME`: watch the events arriving on a bus. A temporary rule of its own on
 * the bus (tagged, named course-doctor-tail-<id>) sends what it matches to a temporary
 * log group target (with the resource policy EventBridge needs to write there); the log
 * group is read through Live Tail where the service offers it and by polling otherwise
 * (`tailLogGroup`). Each event is matched, with the local engine, against the bus's rules
 * as they were when the tail started. Everything is removed when the tail ends — its
 * duration, Ctrl-C or an error — and `tail --cleanup` removes what a killed one left.
 * No existing rule is touched (a rule that already has 5 targets cannot take another).
 */
import type { Aws } from "../aws/clients.js";
import { servicesOf } from "../aws/services/index.js";
import { CollectSession } from "../collect/readers.js";
import { tailLogGroup, type TailMode } from "../logs/tail.js";
import { readBusRules } from "../route/read.js";
import { BusRules, isEnabled } from "../route/route.js";
import {
  logTargetRemoval,
  newTemporaryId,
  planLogTarget,
  removeAll,
  removeLeftoverGroupsAndPolicies,
  removeTemporaryTargets,
  setUpLogTarget,
  temporaryKind,
  type LogTarget,
} from "../temporary/log-target.js";
import { TOOL } from "../version.js";

const TAIL = temporaryKind("course-doctor-tail-", "tail");
export const { prefix: TAIL_PREFIX, groupPrefix: TAIL_GROUP_PREFIX, tag: TAIL_TAG } = TAIL;

/** What to watch. */
export interface TailRequest {
  bus: string;
  /** The temporary rule's pattern; null for every event of the caller's account on the bus. */
  pattern: object | null;
}

/** One event seen on the bus. */
export interface TailedEvent {
  time: string;
  source: string;
  detailType: string;
  /** The bus's enabled rules that match it (local engine, rules read at start). */
  rules: string[];
  /** DISABLED rules that match it: they deliver nothing. */
  disabledRules: string[];
  event: Record<string, unknown>;
}

/** What the tail set up, once it is in place. */
export interface TailSetup {
  rule: string;
  ruleArn: string;
  pattern: string;
  target: LogTarget;
  /** The bus's own rules, as matched against every event. */
  busRules: number;
}

export interface TailBusOptions {
  /** Ends the tail (Ctrl-C, or --for); cleanup still runs. */
  signal: AbortSignal;
  /** The client that removes what the tail created, made when it is time to (Ctrl-C does not cut it). */
  cleanupAws: () => Aws;
  onEvent(event: TailedEvent): void;
  onReady?(setup: TailSetup): void;
  onMode?(mode: TailMode, reason: string): void;
  /** Progress lines (what is created and removed). */
  log?(line: string): void;
  /** --verbose lines. */
  debug?(line: string): void;
  onWarning?(text: string): void;
  /** Interval of FilterLogEvents polls where Live Tail is not offered. */
  pollMs?: number;
}

export interface TailBusResult {
  events: number;
  /** What could not be removed (then `tail --cleanup` finishes the job). */
  leftovers: string[];
}

/** The rule pattern for "every event": EventBridge needs a pattern, and every event on the bus carries an account. */
export function everythingPattern(account: string | null): object {
  return account ? { account: [account] } : { source: [{ prefix: "" }] };
}

/**
 * Runs the tail until the signal aborts: reads the bus's rules, creates the temporary
 * rule and target, prints each event, and removes everything (also on error, which it
 * then throws). `aws` sets up (under the command's deadline); `readAws` follows the log
 * group (without one: a tail ends with its signal).
 */
export async function tailBus(aws: Aws, readAws: Aws, request: TailRequest, options: TailBusOptions): Promise<TailBusResult> {
  const log = options.log ?? (() => undefined);
  const debug = options.debug ?? (() => undefined);
  const view = await readBusRules(new CollectSession(aws, { tool: TOOL }), request.bus);
  // Other tails' rules are not the bus's own.
  const busRules = new BusRules(view.rules.filter((rule) => !rule.name.startsWith(TAIL_PREFIX)));
  const pattern = JSON.stringify(request.pattern ?? everythingPattern(view.account));
  const id = newTemporaryId();
  const rule = `${TAIL_PREFIX}${id}`;
  const { events } = servicesOf(aws);
  let target: LogTarget | undefined;
  let count = 0;
  let failure: unknown;
  const startTime = Date.now() - 1_000;
  try {
    log(`tail: adding temporary rule ${rule} on bus ${view.bus} (pattern ${pattern})`);
    const ruleArn = await events.putRule({
      name: rule,
      bus: view.bus,
      pattern,
      description: "course-doctor tail: temporary, removed when the tail ends (course-doctor tail --cleanup removes leftovers)",
      tags: TAIL_TAG,
    });
    target = planLogTarget(TAIL, rule, view.bus, ruleArn, id);
    log(`tail: adding its target, log group ${target.group}, and resource policy ${target.policyName}`);
    await setUpLogTarget(aws, TAIL, target);
    options.onReady?.({ rule, ruleArn, pattern, target, busRules: busRules.rules.length });
    let warnedUnreadable = false;
    await tailLogGroup(readAws, target.group, {
      startTime,
      follow: true,
      signal: options.signal,
      pollMs: options.pollMs ?? 1_000,
      onEvent: (line) => {
        const event = parseEvent(line.message);
        if (!event) {
          if (!warnedUnreadable) options.onWarning?.(`a line in ${line.group} is not an event: ${line.message.slice(0, 120)}`);
          warnedUnreadable = true;
          return;
        }
        count++;
        options.onEvent(tailedEvent(event, busRules));
      },
      onMode: options.onMode,
      onNote: debug,
      onWarning: options.onWarning,
    });
  } catch (error) {
    failure = error;
  }
  const cleaner = options.cleanupAws();
  const removeRule: [string, () => Promise<unknown>] = [`rule ${rule}`, () => servicesOf(cleaner).events.deleteRule(rule, view.bus)];
  // Without a planned target, PutRule may still have created the rule before an abort.
  const leftovers = await removeAll(target ? logTargetRemoval(cleaner, target, [removeRule]) : [removeRule]);
  if (leftovers.length === 0) log(`tail: removed rule ${rule}${target ? `, its target, log group ${target.group} and resource policy ${target.policyName}` : ""}`);
  if (failure !== undefined) throw failure;
  return { events: count, leftovers };
}

/** The event EventBridge wrote to the log group (the whole event, as JSON); undefined for another line. */
function parseEvent(message: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(message) as unknown;
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function tailedEvent(event: Record<string, unknown>, rules: BusRules): TailedEvent {
  const matches = rules.matching(event);
  const text = (value: unknown) => (typeof value === "string" ? value : "");
  return {
    time: text(event.time),
    source: text(event.source),
    detailType: text(event["detail-type"]),
    rules: matches.filter((m) => isEnabled(m.state)).map((m) => m.rule),
    disabledRules: matches.filter((m) => !isEnabled(m.state)).map((m) => m.rule),
    event,
  };
}

/**
 * Removes what killed tails left behind on `bus` (every bus when null): their rules (after
 * their temporary targets), and every tail log group and resource policy of the account and region.
 */
export async function cleanupTailLeftovers(aws: Aws, bus: string | null): Promise<string[]> {
  const { events } = servicesOf(aws);
  const removed: string[] = [];
  const buses = bus !== null ? [bus] : (await events.listEventBuses()).flatMap((b) => (b.Name ? [b.Name] : []));
  for (const bus of buses) {
    for (const leftover of await events.listRules(bus, TAIL_PREFIX)) {
      const name = leftover.Name;
      if (!name?.startsWith(TAIL_PREFIX)) continue;
      const targets = await removeTemporaryTargets(aws, TAIL, name, bus);
      removed.push(...targets.removed);
      // A target someone else added to a tail's rule is theirs: the rule stays with it.
      if (targets.others > 0) continue;
      await events.deleteRule(name, bus);
      removed.push(`rule ${name} on bus ${bus}`);
    }
  }
  removed.push(...(await removeLeftoverGroupsAndPolicies(aws, TAIL)));
  return removed;
}
