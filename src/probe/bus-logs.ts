/**
 * `probe --bus-logs`: the bus's own log of the probe. Where the bus already logs to
 * CloudWatch Logs, its log groups are read and nothing changes. Otherwise TRACE logging
 * is turned on for the probe alone — a tagged log group, the resource policy vended logs
 * need, a delivery source (or the bus's existing TRACE source), a delivery destination,
 * the delivery, then the bus's LogConfig — and everything is put back afterwards: the
 * bus's previous LogConfig first, then each piece, also on Ctrl-C and on error. The
 * previous LogConfig is kept in the destination's tags, so `probe --cleanup` can put it
 * back after a killed run.
 */
import type { Aws } from "../aws/clients.js";
import type { DescribeEventBusResponse } from "../aws/services/events.js";
import { servicesOf } from "../aws/services/index.js";
import { deliveriesOfBus, logGroupDestinations, readDeliveryLists } from "../collect/bus-logs.js";
import { parseArn } from "../model/arn.js";
import { logTypeOf } from "../model/bus-log.js";
import { newTemporaryId, removeAll, removeLeftoverGroupsAndPolicies, type RemovalStep, type TemporaryKind } from "../temporary/log-target.js";

export const BUS_LOGS_PREFIX = "course-doctor-buslogs-";
/** Where the temporary log groups live (vended logs' usual place). */
export const BUS_LOGS_GROUP_PREFIX = `/aws/vendedlogs/${BUS_LOGS_PREFIX}`;
const KIND: TemporaryKind = { prefix: BUS_LOGS_PREFIX, groupPrefix: BUS_LOGS_GROUP_PREFIX, tag: { "course-doctor": "probe-bus-logs" } };
/** Tags of the delivery destination: the bus, and the LogConfig to put back ("LEVEL/DETAIL"). */
const BUS_TAG = "course-doctor-bus";
const PREVIOUS_TAG = "course-doctor-previous-log-config";

type Keep = Pick<DescribeEventBusResponse, "Description" | "KmsKeyIdentifier" | "DeadLetterConfig">;

/** What `probe --bus-logs` reads, and what it changed to be able to. */
export interface BusLogging {
  busName: string;
  busArn: string;
  /** The bus's level while the probe runs. */
  level: string;
  /** The log groups (ARNs) the probe's records go to. */
  groups: string[];
  /** Set when logging was turned on for the probe; null when the bus already logged there. */
  temporary: TemporaryBusLogging | null;
}

export interface TemporaryBusLogging {
  previous: { Level: string; IncludeDetail: string };
  keep: Keep;
  group: string;
  groupArn: string;
  policyName: string;
  sourceName: string;
  /** False when the bus's own TRACE delivery source was used (it is left in place). */
  ownSource: boolean;
  destinationName: string;
  destinationArn?: string;
  deliveryId?: string;
  /** Set just before UpdateEventBus is called, so a lost answer still gets the old level back. */
  levelChanged: boolean;
  /** What was created so far (only those are removed). */
  created: Set<"group" | "policy" | "source" | "destination" | "delivery">;
}

/** The log group's resource policy letting vended-log delivery write to it. */
function policyDocument(groupArn: string, account: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "course-doctor-bus-logs",
        Effect: "Allow",
        Principal: { Service: "delivery.logs.amazonaws.com" },
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${groupArn}:log-stream:*`,
        Condition: { StringEquals: { "aws:SourceAccount": account } },
      },
    ],
  });
}

/**
 * Makes the bus's records of the probe readable: reads where it logs, or turns TRACE
 * logging on to a temporary log group. On failure part-way, `state.temporary` says what
 * was created; `closeBusLogging` must still be called (the caller's finally).
 */
export async function openBusLogging(aws: Aws, bus: string, state: { logging?: BusLogging }, log: (line: string) => void): Promise<BusLogging> {
  const { events, logs } = servicesOf(aws);
  const [described, lists] = await Promise.all([events.describeEventBus(bus), readDeliveryLists(aws)]);
  if (!lists.ok) throw new Error(`could not read where the bus logs (CloudWatch Logs deliveries): ${lists.error}`);
  const busArn = described.Arn ?? "";
  const level = described.LogConfig?.Level ?? "OFF";
  const deliveries = deliveriesOfBus(lists.value, busArn);
  const existing = logGroupDestinations(deliveries);
  if (level !== "OFF" && existing.length > 0) {
    log(`bus logs: the bus already logs at ${level} to ${existing.join(", ")}; reading its records (nothing changed)`);
    return (state.logging = { busName: described.Name ?? bus, busArn, level, groups: existing, temporary: null });
  }
  const arn = parseArn(busArn);
  const id = newTemporaryId();
  const group = `${BUS_LOGS_GROUP_PREFIX}${id}`;
  const groupArn = `arn:${arn?.partition ?? "aws"}:logs:${arn?.region ?? aws.region}:${arn?.account ?? ""}:log-group:${group}`;
  const traceSource = lists.value.sources.find((s) => (s.resourceArns ?? []).includes(busArn) && s.logType === logTypeOf("TRACE"));
  const temporary: TemporaryBusLogging = {
    previous: { Level: level, IncludeDetail: described.LogConfig?.IncludeDetail ?? "NONE" },
    keep: { Description: described.Description, KmsKeyIdentifier: described.KmsKeyIdentifier, DeadLetterConfig: described.DeadLetterConfig },
    group,
    groupArn,
    policyName: `${BUS_LOGS_PREFIX}${id}`,
    sourceName: traceSource?.name ?? `${BUS_LOGS_PREFIX}${id}`,
    ownSource: traceSource === undefined,
    destinationName: `${BUS_LOGS_PREFIX}${id}`,
    levelChanged: false,
    created: new Set(),
  };
  const logging: BusLogging = (state.logging = { busName: described.Name ?? bus, busArn, level: "TRACE", groups: [groupArn], temporary });
  const tags = { ...KIND.tag, [BUS_TAG]: busArn, [PREVIOUS_TAG]: `${temporary.previous.Level}/${temporary.previous.IncludeDetail}` };
  log(`bus logs: turning TRACE logging on for the probe → log group ${group}`);
  temporary.created.add("group");
  await logs.createLogGroup(group, KIND.tag);
  temporary.created.add("policy");
  await logs.putResourcePolicy(temporary.policyName, policyDocument(groupArn, arn?.account ?? ""));
  if (temporary.ownSource) {
    temporary.created.add("source");
    await logs.putDeliverySource(temporary.sourceName, busArn, logTypeOf("TRACE"), tags);
  }
  temporary.created.add("destination");
  temporary.destinationArn = await logs.putDeliveryDestination(temporary.destinationName, groupArn, tags);
  temporary.created.add("delivery");
  temporary.deliveryId = await logs.createDelivery(temporary.sourceName, temporary.destinationArn, KIND.tag);
  temporary.levelChanged = true;
  await events.updateEventBusLogConfig(logging.busName, { Level: "TRACE", IncludeDetail: "FULL" }, temporary.keep);
  return logging;
}

/** Puts the bus back as it was and removes what the probe added; never throws, returns what could not be undone. */
export async function closeBusLogging(aws: Aws, logging: BusLogging): Promise<string[]> {
  const t = logging.temporary;
  if (!t) return [];
  const { events, logs } = servicesOf(aws);
  const steps: RemovalStep[] = [];
  if (t.levelChanged) steps.push([`the bus's LogConfig (back to ${t.previous.Level})`, () => events.updateEventBusLogConfig(logging.busName, t.previous, t.keep)]);
  if (t.created.has("delivery")) steps.push([`delivery ${t.deliveryId ?? "(id unknown)"}`, () => (t.deliveryId ? logs.deleteDelivery(t.deliveryId) : removeDeliveriesTo(aws, t.destinationArn))]);
  if (t.created.has("source")) steps.push([`delivery source ${t.sourceName}`, () => logs.deleteDeliverySource(t.sourceName)]);
  if (t.created.has("destination")) steps.push([`delivery destination ${t.destinationName}`, () => logs.deleteDeliveryDestination(t.destinationName)]);
  if (t.created.has("policy")) steps.push([`resource policy ${t.policyName}`, () => logs.deleteResourcePolicy(t.policyName)]);
  if (t.created.has("group")) steps.push([`log group ${t.group}`, () => logs.deleteLogGroup(t.group)]);
  return removeAll(steps);
}

/** Deletes the deliveries to a destination (when the create's answer was lost). */
async function removeDeliveriesTo(aws: Aws, destinationArn: string | undefined): Promise<void> {
  const { logs } = servicesOf(aws);
  for (const delivery of await logs.describeDeliveries()) {
    if (delivery.id && (destinationArn === undefined ? delivery.deliveryDestinationArn?.includes(`:delivery-destination:${BUS_LOGS_PREFIX}`) : delivery.deliveryDestinationArn === destinationArn)) {
      await logs.deleteDelivery(delivery.id);
    }
  }
}

/**
 * What a killed `probe --bus-logs` left: each bus's LogConfig put back from the tags of
 * its leftover destination, then the deliveries, sources, destinations, log groups and
 * policies named course-doctor-buslogs-*. What was done, one line each.
 */
export async function cleanupBusLogLeftovers(aws: Aws): Promise<string[]> {
  const { events, logs } = servicesOf(aws);
  const lists = await readDeliveryLists(aws);
  if (!lists.ok) throw new Error(`could not list CloudWatch Logs deliveries: ${lists.error}`);
  const done: string[] = [];
  const ours = (name: string | undefined) => name?.startsWith(BUS_LOGS_PREFIX) === true;
  const destinations = lists.value.destinations.filter((d) => ours(d.name));
  for (const destination of destinations) {
    const busArn = destination.tags?.[BUS_TAG];
    const [level, detail] = (destination.tags?.[PREVIOUS_TAG] ?? "").split("/");
    if (!busArn || !level) continue;
    const name = parseArn(busArn)?.resource.replace(/^event-bus\//, "") ?? busArn;
    const bus = await events.describeEventBus(name).catch(() => null);
    if (!bus) continue;
    await events.updateEventBusLogConfig(name, { Level: level, IncludeDetail: detail || "NONE" }, { Description: bus.Description, KmsKeyIdentifier: bus.KmsKeyIdentifier, DeadLetterConfig: bus.DeadLetterConfig });
    done.push(`put back bus ${name}'s LogConfig (${level})`);
  }
  const destinationArns = new Set(destinations.map((d) => d.arn));
  for (const delivery of lists.value.deliveries) {
    if (!delivery.id || !(ours(delivery.deliverySourceName) || destinationArns.has(delivery.deliveryDestinationArn))) continue;
    await logs.deleteDelivery(delivery.id);
    done.push(`removed delivery ${delivery.id}`);
  }
  for (const source of lists.value.sources.filter((s) => ours(s.name))) {
    await logs.deleteDeliverySource(source.name!);
    done.push(`removed delivery source ${source.name}`);
  }
  for (const destination of destinations) {
    await logs.deleteDeliveryDestination(destination.name!);
    done.push(`removed delivery destination ${destination.name}`);
  }
  done.push(...(await removeLeftoverGroupsAndPolicies(aws, KIND)).map((line) => `removed ${line}`));
  return done;
}
