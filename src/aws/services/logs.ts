/** CloudWatch Logs, narrowed to the operations course-doctor uses; pagination folded in. */
import {
  CreateDeliveryCommand,
  CreateLogGroupCommand,
  DeleteDeliveryCommand,
  DeleteDeliveryDestinationCommand,
  DeleteDeliverySourceCommand,
  DescribeDeliveriesCommand,
  DescribeDeliveryDestinationsCommand,
  DescribeDeliverySourcesCommand,
  PutDeliveryDestinationCommand,
  PutDeliverySourceCommand,
  DeleteLogGroupCommand,
  DeleteResourcePolicyCommand,
  DescribeLogGroupsCommand,
  DescribeResourcePoliciesCommand,
  FilterLogEventsCommand,
  PutResourcePolicyCommand,
  StartLiveTailCommand,
  type Delivery,
  type DeliveryDestination,
  type DeliverySource,
  type FilteredLogEvent,
  type LogGroup,
  type ResourcePolicy,
  type StartLiveTailResponseStream,
} from "@aws-sdk/client-cloudwatch-logs";
import type { Aws } from "../clients.js";
import { readAllPages } from "./paginate.js";

export type { Delivery, DeliveryDestination, DeliverySource, FilteredLogEvent, LiveTailSessionLogEvent, StartLiveTailResponseStream } from "@aws-sdk/client-cloudwatch-logs";

/** One FilterLogEvents request. */
export interface LogFilter {
  group: string;
  startTime: number;
  filterPattern?: string | undefined;
  /** Stop after this many events (across pages). */
  limit?: number;
  /** Stop after this many pages (a sparse filter over a large group answers many near-empty pages). */
  maxPages?: number;
}

export class LogsService {
  constructor(private readonly aws: Aws) {}

  /**
   * The events matching the filter, every page (up to `limit`). `timeoutMs` limits each
   * page's call on its own, for follows whose command deadline is far away.
   */
  async filterLogEvents(filter: LogFilter, options: { timeoutMs?: number; stop?: () => boolean } = {}): Promise<FilteredLogEvent[]> {
    const events: FilteredLogEvent[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const out = await this.aws.call(
        "logs",
        new FilterLogEventsCommand({
          logGroupName: filter.group,
          startTime: filter.startTime,
          ...(filter.filterPattern ? { filterPattern: filter.filterPattern } : {}),
          ...(filter.limit !== undefined ? { limit: Math.min(10_000, filter.limit - events.length) } : {}),
          ...(nextToken ? { nextToken } : {}),
        }),
        options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs },
      );
      events.push(...(out.events ?? []));
      nextToken = out.nextToken;
      pages++;
    } while (nextToken && (filter.limit === undefined || events.length < filter.limit) && (filter.maxPages === undefined || pages < filter.maxPages) && !options.stop?.());
    return events;
  }

  /** Log groups whose name starts with `prefix`. */
  describeLogGroups(prefix: string): Promise<LogGroup[]> {
    return readAllPages(async (nextToken) => {
      const out = await this.aws.call("logs", new DescribeLogGroupsCommand({ logGroupNamePrefix: prefix, nextToken }));
      return { items: out.logGroups, next: out.nextToken };
    });
  }

  /**
   * The names of the log groups starting with `prefix`, up to `maxPages` pages of 50;
   * `complete` is false when more were left unlisted.
   */
  async listLogGroupNames(prefix: string, maxPages: number): Promise<{ names: string[]; complete: boolean }> {
    const names: string[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const out = await this.aws.call("logs", new DescribeLogGroupsCommand({ logGroupNamePrefix: prefix, nextToken, limit: 50 }));
      names.push(...(out.logGroups ?? []).flatMap((group) => (group.logGroupName ? [group.logGroupName] : [])));
      nextToken = out.nextToken;
      if (!nextToken) return { names, complete: true };
    }
    return { names, complete: false };
  }

  /** Opens a Live Tail session on log group ARNs; the stream of session events. */
  async startLiveTail(groupArns: string[], filterPattern?: string): Promise<AsyncIterable<StartLiveTailResponseStream> | undefined> {
    const out = await this.aws.call("logs", new StartLiveTailCommand({ logGroupIdentifiers: groupArns, ...(filterPattern ? { logEventFilterPattern: filterPattern } : {}) }));
    return out.responseStream;
  }

  async createLogGroup(name: string, tags: Record<string, string>): Promise<void> {
    await this.aws.call("logs", new CreateLogGroupCommand({ logGroupName: name, tags }));
  }

  async deleteLogGroup(name: string): Promise<void> {
    await this.aws.call("logs", new DeleteLogGroupCommand({ logGroupName: name }));
  }

  async putResourcePolicy(name: string, document: string): Promise<void> {
    await this.aws.call("logs", new PutResourcePolicyCommand({ policyName: name, policyDocument: document }));
  }

  async deleteResourcePolicy(name: string): Promise<void> {
    await this.aws.call("logs", new DeleteResourcePolicyCommand({ policyName: name }));
  }

  /** The account's CloudWatch Logs resource policies (account-wide, not per group). */
  describeResourcePolicies(): Promise<ResourcePolicy[]> {
    return readAllPages(async (nextToken) => {
      const out = await this.aws.call("logs", new DescribeResourcePoliciesCommand({ nextToken }));
      return { items: out.resourcePolicies, next: out.nextToken };
    });
  }

  /** The account's vended-log delivery sources (a bus that logs is the resource of one). */
  describeDeliverySources(): Promise<DeliverySource[]> {
    return readAllPages(async (nextToken) => {
      const out = await this.aws.call("logs", new DescribeDeliverySourcesCommand({ nextToken }));
      return { items: out.deliverySources, next: out.nextToken };
    });
  }

  /** The deliveries of the named sources (every delivery when none is named). */
  describeDeliveries(sourceNames?: string[]): Promise<Delivery[]> {
    return readAllPages(async (nextToken) => {
      const out = await this.aws.call("logs", new DescribeDeliveriesCommand({ nextToken, ...(sourceNames ? { deliverySourceNames: sourceNames } : {}) }));
      return { items: out.deliveries, next: out.nextToken };
    });
  }

  describeDeliveryDestinations(): Promise<DeliveryDestination[]> {
    return readAllPages(async (nextToken) => {
      const out = await this.aws.call("logs", new DescribeDeliveryDestinationsCommand({ nextToken }));
      return { items: out.deliveryDestinations, next: out.nextToken };
    });
  }

  async putDeliverySource(name: string, resourceArn: string, logType: string, tags: Record<string, string>): Promise<void> {
    await this.aws.call("logs", new PutDeliverySourceCommand({ name, resourceArn, logType, tags }));
  }

  /** A delivery destination writing to `resourceArn` (a log group ARN); its ARN. */
  async putDeliveryDestination(name: string, resourceArn: string, tags: Record<string, string>): Promise<string> {
    const out = await this.aws.call("logs", new PutDeliveryDestinationCommand({ name, deliveryDestinationConfiguration: { destinationResourceArn: resourceArn }, tags }));
    return out.deliveryDestination?.arn ?? "";
  }

  /** Links a source to a destination; the delivery's id. */
  async createDelivery(sourceName: string, destinationArn: string, tags: Record<string, string>): Promise<string> {
    const out = await this.aws.call("logs", new CreateDeliveryCommand({ deliverySourceName: sourceName, deliveryDestinationArn: destinationArn, tags }));
    return out.delivery?.id ?? "";
  }

  async deleteDelivery(id: string): Promise<void> {
    await this.aws.call("logs", new DeleteDeliveryCommand({ id }));
  }

  async deleteDeliverySource(name: string): Promise<void> {
    await this.aws.call("logs", new DeleteDeliverySourceCommand({ name }));
  }

  async deleteDeliveryDestination(name: string): Promise<void> {
    await this.aws.call("logs", new DeleteDeliveryDestinationCommand({ name }));
  }
}
