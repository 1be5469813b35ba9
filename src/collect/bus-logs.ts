/**
 * Reads of a bus's own logging: where its records go (the CloudWatch Logs vended-log
 * deliveries whose source is the bus) and, from a CloudWatch Logs destination, the
 * records of one rule's events for a window. The account's delivery lists do not depend
 * on the bus, so `check` reads them in its first round, beside the bus itself.
 */
import type { Aws } from "../aws/clients.js";
import { collect } from "../aws/errors.js";
import { servicesOf } from "../aws/services/index.js";
import type { Delivery, DeliveryDestination, DeliverySource } from "../aws/services/logs.js";
import { logGroupOf, parseArn } from "../model/arn.js";
import { inScope, parseBusLogRecord, scopeFilter, type BusLogScope } from "../model/bus-log.js";
import type { BusLogDelivery, BusLogRecords, Collected } from "../model/snapshot.js";
import { otherAccount, readerFor } from "./resources.js";

/** The account's delivery sources, deliveries and destinations, as the service lists them. */
export interface DeliveryLists {
  sources: DeliverySource[];
  deliveries: Delivery[];
  destinations: DeliveryDestination[];
}

/** Lists the account's vended-log deliveries (three independent reads, at once). */
export function readDeliveryLists(aws: Aws): Promise<Collected<DeliveryLists>> {
  const { logs } = servicesOf(aws);
  return collect(async () => {
    const [sources, deliveries, destinations] = await Promise.all([logs.describeDeliverySources(), logs.describeDeliveries(), logs.describeDeliveryDestinations()]);
    return { sources, deliveries, destinations };
  });
}

/** The deliveries whose source is the bus, each with the resource its destination writes to. */
export function deliveriesOfBus(lists: DeliveryLists, busArn: string): BusLogDelivery[] {
  const sources = lists.sources.filter((source) => (source.resourceArns ?? []).includes(busArn));
  const destinations = new Map(lists.destinations.map((d) => [d.arn ?? "", d]));
  const out: BusLogDelivery[] = [];
  for (const source of sources) {
    for (const delivery of lists.deliveries) {
      if (delivery.deliverySourceName !== source.name) continue;
      const destination = destinations.get(delivery.deliveryDestinationArn ?? "");
      const entry: BusLogDelivery = { source: source.name ?? "", destinationArn: delivery.deliveryDestinationArn ?? "" };
      if (source.logType) entry.logType = source.logType;
      const type = delivery.deliveryDestinationType ?? destination?.deliveryDestinationType;
      if (type) entry.destinationType = type;
      const resource = destination?.deliveryDestinationConfiguration?.destinationResourceArn;
      if (resource) entry.resourceArn = resource;
      out.push(entry);
    }
  }
  return out;
}

/** The log groups (ARNs) the bus's CloudWatch Logs deliveries write to. */
export function logGroupDestinations(deliveries: readonly BusLogDelivery[]): string[] {
  return [...new Set(deliveries.flatMap((d) => (d.resourceArn && logGroupOf(d.resourceArn) ? [d.resourceArn.replace(/:\*$/, "")] : [])))];
}

/** Longer event details are not kept in the snapshot. */
const MAX_DETAIL = 8_192;

/** At most this many records are read per check; past it, `truncated` says the counts are partial. */
export const RECORD_LIMIT = 10_000;

/** What one log group held for a window: its lines (as FilterLogEvents gave them) and whether the limit cut them. */
export interface GroupRead {
  group: string;
  result: Collected<{ events: Array<{ timestamp?: number; message?: string }>; truncated: boolean }>;
}

/**
 * The lines of each log group (ARNs) from `window.start` matching `filterPattern` (every
 * line without one), each group read where its ARN says.
 */
export function readLogGroups(aws: Aws, callerAccount: string | null, groupArns: readonly string[], filterPattern: string | undefined, window: { start: number }, limit = RECORD_LIMIT): Promise<GroupRead[]> {
  return Promise.all(
    groupArns.map(async (arn): Promise<GroupRead> => {
      const group = logGroupOf(arn) ?? arn;
      const where = parseArn(arn);
      const reader = readerFor(aws, callerAccount, where?.account ?? "", where?.region ?? "");
      if (!reader.aws) return { group, result: otherAccount(reader.location) };
      const { logs } = servicesOf(reader.aws);
      const result = await collect(async () => {
        const events = await logs.filterLogEvents({ group, startTime: window.start, filterPattern, limit });
        return { events, truncated: events.length >= limit };
      });
      return { group, result };
    }),
  );
}

/**
 * The scope's records among what the log groups held, over [start, end]. A group that could
 * not be read is named in `unread`; when none could be, the failure of the first is the answer.
 */
export function recordsInScope(reads: readonly GroupRead[], scope: BusLogScope, window: { start: number; end: number }): Collected<BusLogRecords> {
  const read = reads.flatMap((r) => (r.result.ok ? [{ group: r.group, ...r.result.value }] : []));
  if (read.length === 0 && reads.length > 0) return reads[0]!.result as Extract<Collected<never>, { ok: false }>;
  const unread = reads.flatMap((r) => (r.result.ok ? [] : [{ group: r.group, error: r.result.error }]));
  const records = read
    .flatMap((r) =>
      r.events.flatMap((event) => {
        if ((event.timestamp ?? 0) > window.end) return [];
        const record = parseBusLogRecord(event.message ?? "", Math.round(event.timestamp ?? 0));
        // Narrowed again here: emulators match filter patterns loosely.
        if (!record || !inScope(record, scope)) return [];
        // A large detail is not kept (the snapshot stays small; the event is still counted).
        if (record.eventDetail && record.eventDetail.length > MAX_DETAIL) delete record.eventDetail;
        return [record];
      }),
    )
    .sort((a, b) => a.timestamp - b.timestamp);
  const value: BusLogRecords = {
    groups: read.map((r) => r.group),
    start: new Date(window.start).toISOString(),
    end: new Date(window.end).toISOString(),
    records,
    truncated: read.some((r) => r.truncated),
  };
  if (unread.length > 0) value.unread = unread;
  return { ok: true, value };
}

/**
 * The records of the scope's events in the log groups (ARNs) over [start, end], read with
 * the scope's filter pattern.
 */
export async function readBusLogRecords(
  aws: Aws,
  callerAccount: string | null,
  groupArns: readonly string[],
  scope: BusLogScope,
  window: { start: number; end: number },
  limit = RECORD_LIMIT,
): Promise<Collected<BusLogRecords>> {
  return recordsInScope(await readLogGroups(aws, callerAccount, groupArns, scopeFilter(scope), window, limit), scope, window);
}
