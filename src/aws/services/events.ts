/** EventBridge, narrowed to the operations course-doctor uses; pagination folded in. */
import {
  DeleteRuleCommand,
  DescribeApiDestinationCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  ListEventBusesCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  TestEventPatternCommand,
  UpdateEventBusCommand,
  type DescribeEventBusResponse,
  type DescribeRuleResponse,
  type EventBus,
  type LogConfig,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
  type PutTargetsResultEntry,
  type Rule,
  type Target,
} from "@aws-sdk/client-eventbridge";
import type { Aws } from "../clients.js";
import { readAllPages } from "./paginate.js";

export type { DescribeEventBusResponse, Rule, Target } from "@aws-sdk/client-eventbridge";

export class EventBridgeService {
  constructor(private readonly aws: Aws) {}

  describeEventBus(name: string): Promise<DescribeEventBusResponse> {
    return this.aws.call("events", new DescribeEventBusCommand({ Name: name }));
  }

  /**
   * Sets the bus's LogConfig. The bus's description, KMS key and dead-letter queue are
   * passed along as DescribeEventBus gave them (`keep`), so nothing else changes.
   */
  async updateEventBusLogConfig(name: string, logConfig: { Level: string; IncludeDetail: string }, keep: Pick<DescribeEventBusResponse, "Description" | "KmsKeyIdentifier" | "DeadLetterConfig">): Promise<void> {
    await this.aws.call(
      "events",
      new UpdateEventBusCommand({
        Name: name,
        LogConfig: logConfig as LogConfig,
        ...(keep.Description !== undefined ? { Description: keep.Description } : {}),
        ...(keep.KmsKeyIdentifier !== undefined ? { KmsKeyIdentifier: keep.KmsKeyIdentifier } : {}),
        ...(keep.DeadLetterConfig !== undefined ? { DeadLetterConfig: keep.DeadLetterConfig } : {}),
      }),
    );
  }

  /** An API destination's state; throws not-found for a missing one. */
  async describeApiDestination(name: string): Promise<{ state: string }> {
    const out = await this.aws.call("events", new DescribeApiDestinationCommand({ Name: name }));
    return { state: out.ApiDestinationState ?? "ACTIVE" };
  }

  listEventBuses(): Promise<EventBus[]> {
    return readAllPages(async (NextToken) => {
      const out = await this.aws.call("events", new ListEventBusesCommand({ NextToken, Limit: 100 }));
      return { items: out.EventBuses, next: out.NextToken };
    });
  }

  describeRule(name: string, bus: string): Promise<DescribeRuleResponse> {
    return this.aws.call("events", new DescribeRuleCommand({ Name: name, EventBusName: bus }));
  }

  /** Every rule on a bus (with pattern and state), optionally only names starting with `prefix`. */
  listRules(bus: string, prefix?: string): Promise<Rule[]> {
    return readAllPages(async (NextToken) => {
      const out = await this.aws.call("events", new ListRulesCommand({ EventBusName: bus, NamePrefix: prefix, NextToken, Limit: 100 }));
      return { items: out.Rules, next: out.NextToken };
    });
  }

  /** One page of a bus's rules (up to 100) and the token of the next; for reading the next page while this one is worked on. */
  async listRulesPage(bus: string, token?: string): Promise<{ rules: Rule[]; next: string | undefined }> {
    const out = await this.aws.call("events", new ListRulesCommand({ EventBusName: bus, NextToken: token, Limit: 100 }));
    return { rules: out.Rules ?? [], next: out.NextToken };
  }

  /** Every target of a rule. */
  listTargets(rule: string, bus: string): Promise<Target[]> {
    return readAllPages(async (NextToken) => {
      const out = await this.aws.call("events", new ListTargetsByRuleCommand({ Rule: rule, EventBusName: bus, NextToken, Limit: 100 }));
      return { items: out.Targets, next: out.NextToken };
    });
  }

  /** TestEventPattern's verdict; null when the service answered without one (emulators). */
  async testEventPattern(pattern: string, event: string): Promise<boolean | null> {
    const out = await this.aws.call("events", new TestEventPatternCommand({ EventPattern: pattern, Event: event }));
    return typeof out.Result === "boolean" ? out.Result : null;
  }

  /** Sends entries; the per-entry results (an entry can fail inside an HTTP 200). */
  async putEvents(entries: PutEventsRequestEntry[]): Promise<{ failed: number; entries: PutEventsResultEntry[] }> {
    const out = await this.aws.call("events", new PutEventsCommand({ Entries: entries }));
    return { failed: out.FailedEntryCount ?? 0, entries: out.Entries ?? [] };
  }

  /** Adds targets; the entries that failed. */
  async putTargets(rule: string, bus: string, targets: Target[]): Promise<PutTargetsResultEntry[]> {
    const out = await this.aws.call("events", new PutTargetsCommand({ Rule: rule, EventBusName: bus, Targets: targets }));
    return (out.FailedEntryCount ?? 0) > 0 ? (out.FailedEntries ?? []) : [];
  }

  /** Creates (or replaces) a rule with an event pattern; its ARN. Tags are set as it is created. */
  async putRule(rule: { name: string; bus: string; pattern: string; description: string; tags: Record<string, string> }): Promise<string> {
    const out = await this.aws.call(
      "events",
      new PutRuleCommand({
        Name: rule.name,
        EventBusName: rule.bus,
        EventPattern: rule.pattern,
        State: "ENABLED",
        Description: rule.description,
        Tags: Object.entries(rule.tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
    return out.RuleArn ?? "";
  }

  /** Deletes a rule (it must have no targets left). */
  async deleteRule(name: string, bus: string): Promise<void> {
    await this.aws.call("events", new DeleteRuleCommand({ Name: name, EventBusName: bus }));
  }

  async removeTargets(rule: string, bus: string, ids: string[]): Promise<void> {
    await this.aws.call("events", new RemoveTargetsCommand({ Rule: rule, EventBusName: bus, Ids: ids }));
  }
}
