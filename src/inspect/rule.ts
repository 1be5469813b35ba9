/**
 * `rule [NAME]`: one rule as EventBridge holds it — state, pattern, targets with their
 * retry policy and dead-letter queue, its bus — and the rules of the same name on other
 * buses. Collect, build a plain document, render last.
 */
import type { ChalkInstance } from "chalk";
import type { Host } from "../host/host.js";
import type { PipelineFlags } from "../settings/resolve.js";
import { describeFailure } from "../checks/support.js";
import { ExitCode, UsageError } from "../errors.js";
import { busNameOf } from "../model/arn.js";
import type { Collected, RuleElsewhere, Snapshot, TargetInfo } from "../model/snapshot.js";
import { findRuleElsewhere } from "../collect/snapshot.js";
import { collectRule, withSession } from "./session.js";

/** One target as `rule` reports it. */
export interface RuleTargetView {
  id: string;
  arn: string;
  kind: TargetInfo["kind"];
  function: string | null;
  /** EventBridge's defaults (185 attempts, 24 h) apply to what is null. */
  retry: { maximumRetryAttempts: number | null; maximumEventAgeInSeconds: number | null; defaults: boolean };
  deadLetter: { arn: string; depth: number | null; error: string | null } | null;
  transformsInput: boolean;
  /** The role EventBridge delivers through, when the target names one. */
  roleArn: string | null;
  /** The KMS key an encrypted queue or topic uses (null: none; "unknown" when it could not be read). */
  kmsKeyId: string | null;
  /** The account and region the target lives in, when not the rule's. */
  elsewhere: { account: string; region: string } | null;
}

/** The stable JSON document of `rule --format json`. */
export interface RuleView {
  schemaVersion: 1;
  /** ok: found and enabled; disabled; missing: no such rule on the bus. */
  status: "ok" | "disabled" | "missing" | "unreadable";
  region: string | null;
  account: string | null;
  bus: string;
  name: string;
  rule: {
    arn: string;
    state: string;
    eventPattern: unknown;
    scheduleExpression: string | null;
    description: string | null;
    managedBy: string | null;
  } | null;
  /** Why the rule could not be read, when status is missing or unreadable. */
  error: string | null;
  targets: RuleTargetView[] | null;
  targetsError: string | null;
  sameNameOnOtherBuses: RuleElsewhere[] | null;
  sameNameError: string | null;
}

/** Builds the document from what was collected; pure. */
export function ruleView(snapshot: Snapshot, name: string, elsewhere: Collected<RuleElsewhere[]>): RuleView {
  const rule = snapshot.rule;
  const bus = rule.ok ? rule.value.busName : busNameOf(snapshot.request.bus);
  const status: RuleView["status"] = rule.ok ? (rule.value.state === "DISABLED" ? "disabled" : "ok") : rule.reason === "not-found" ? "missing" : "unreadable";
  return {
    schemaVersion: 1,
    status,
    region: snapshot.identity.ok ? snapshot.identity.value.region : snapshot.request.region,
    account: snapshot.identity.ok ? snapshot.identity.value.account : null,
    bus,
    name,
    rule: rule.ok
      ? {
          arn: rule.value.arn,
          state: rule.value.state,
          eventPattern: parsePattern(rule.value.eventPattern),
          scheduleExpression: rule.value.scheduleExpression ?? null,
          description: rule.value.description ?? null,
          managedBy: rule.value.managedBy ?? null,
        }
      : null,
    error: rule.ok ? null : status === "missing" ? `rule ${name} does not exist on bus ${bus}` : `${describeFailure(rule)}`,
    targets: rule.ok && snapshot.targets.ok ? snapshot.targets.value.map((target) => targetView(snapshot, target)) : null,
    targetsError: rule.ok && !snapshot.targets.ok ? `${describeFailure(snapshot.targets)}` : null,
    sameNameOnOtherBuses: elsewhere.ok ? elsewhere.value : null,
    sameNameError: elsewhere.ok ? null : `${describeFailure(elsewhere)}`,
  };
}

function parsePattern(text: string | undefined): unknown {
  if (text === undefined) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function targetView(snapshot: Snapshot, target: TargetInfo): RuleTargetView {
  const dlq = target.deadLetterArn ? snapshot.deadLetterQueues[target.deadLetterArn] : undefined;
  return {
    id: target.id,
    arn: target.arn,
    kind: target.kind,
    function: target.function ? (target.function.qualifier ? `${target.function.name}:${target.function.qualifier}` : target.function.name) : null,
    retry: {
      maximumRetryAttempts: target.retryPolicy?.maximumRetryAttempts ?? null,
      maximumEventAgeInSeconds: target.retryPolicy?.maximumEventAgeInSeconds ?? null,
      defaults: target.retryPolicy === undefined,
    },
    deadLetter: target.deadLetterArn
      ? {
          arn: target.deadLetterArn,
          depth: dlq?.ok ? dlq.value.depth : null,
          error: dlq && !dlq.ok ? `${describeFailure(dlq)}` : null,
        }
      : null,
    transformsInput: target.transformsInput === true,
    roleArn: target.roleArn ?? null,
    kmsKeyId: encryptionKeyOf(snapshot, target),
    elsewhere: elsewhereOf(snapshot, target),
  };
}

function encryptionKeyOf(snapshot: Snapshot, target: TargetInfo): string | null {
  const resource = snapshot.targetResources?.[target.id]?.resource;
  if (!resource) return null;
  return resource.ok ? (resource.value.kmsKeyId ?? null) : "unknown";
}

function elsewhereOf(snapshot: Snapshot, target: TargetInfo): RuleTargetView["elsewhere"] {
  const [, , , region = "", account = ""] = target.arn.split(":");
  const ruleArn = snapshot.rule.ok ? snapshot.rule.value.arn.split(":") : [];
  return (account && account !== ruleArn[4]) || (region && region !== ruleArn[3]) ? { account, region } : null;
}

/** The exit code for a rule document: 1 when the rule is disabled or missing. */
export function ruleExitCode(view: RuleView): number {
  if (view.status === "ok") return ExitCode.Ok;
  if (view.status === "unreadable") return ExitCode.CannotRun;
  return ExitCode.Problems;
}

/** Renders the document for a person; colors only through the injected chalk. */
export function renderRulePretty(view: RuleView, chalk: ChalkInstance): string {
  const lines: string[] = [];
  const where = [view.region, view.account].filter(Boolean).join(" · ");
  lines.push(`${chalk.bold(`rule ${view.name}`)}  on bus ${view.bus}${where ? chalk.dim(`  (${where})`) : ""}`);
  lines.push("");
  if (!view.rule) {
    lines.push(`  ${chalk.red("✖")} ${view.error}`);
  } else {
    const r = view.rule;
    lines.push(`  ARN      ${r.arn}`);
    const state = r.state === "DISABLED" ? chalk.red(`${r.state}  (matches nothing: aws events enable-rule --name ${view.name} --event-bus-name ${view.bus})`) : chalk.green(r.state);
    lines.push(`  State    ${state}`);
    if (r.description) lines.push(`  About    ${r.description}`);
    if (r.managedBy) lines.push(`  Managed  by ${r.managedBy}`);
    if (r.scheduleExpression) lines.push(`  Schedule ${r.scheduleExpression}`);
    if (r.eventPattern !== null) {
      lines.push("  Pattern");
      const text = typeof r.eventPattern === "string" ? r.eventPattern : JSON.stringify(r.eventPattern, null, 2);
      for (const line of text.split("\n")) lines.push(`    ${line}`);
    }
    lines.push("");
    if (view.targets === null) {
      lines.push(`  Targets  ${chalk.yellow(`could not be read: ${view.targetsError}`)}`);
    } else if (view.targets.length === 0) {
      lines.push(`  Targets  ${chalk.red("none: matched events go nowhere")}`);
    } else {
      lines.push(`  Targets (${view.targets.length})`);
      for (const target of view.targets) {
        const what = target.function ? `function ${target.function}` : `${target.kind} ${target.arn}`;
        lines.push(`    ${chalk.bold(target.id)}  ${what}${target.transformsInput ? chalk.dim("  (rewrites the event)") : ""}`);
        if (target.function) lines.push(`      ARN    ${target.arn}`);
        if (target.elsewhere) lines.push(`      Where  account ${target.elsewhere.account}, ${target.elsewhere.region}`);
        lines.push(`      Role   ${target.roleArn ?? chalk.dim("none (EventBridge delivers as events.amazonaws.com)")}`);
        if (target.kind === "sqs" || target.kind === "sns") lines.push(`      KMS    ${target.kmsKeyId === null ? chalk.dim("not encrypted with a KMS key") : target.kmsKeyId === "unknown" ? chalk.yellow("could not be read") : target.kmsKeyId}`);
        lines.push(`      Retry  ${retryText(target.retry)}`);
        lines.push(`      DLQ    ${deadLetterText(target.deadLetter, chalk)}`);
      }
    }
  }
  lines.push("");
  if (view.sameNameOnOtherBuses === null) {
    lines.push(`  Other buses  ${chalk.yellow(`could not be listed: ${view.sameNameError}`)}`);
  } else if (view.sameNameOnOtherBuses.length === 0) {
    lines.push(`  Other buses  no rule named ${view.name}`);
  } else {
    lines.push(`  Same name on other buses (${view.sameNameOnOtherBuses.length})`);
    for (const other of view.sameNameOnOtherBuses) lines.push(`    ${other.bus}  ${other.state}  ${chalk.dim(other.arn)}`);
    if (!view.rule) lines.push(`  ${chalk.dim(`Did you mean --bus ${view.sameNameOnOtherBuses[0]!.bus}?`)}`);
  }
  return lines.join("\n");
}

function retryText(retry: RuleTargetView["retry"]): string {
  if (retry.defaults) return "EventBridge defaults (185 attempts over up to 24h)";
  const attempts = retry.maximumRetryAttempts === null ? "185 attempts (default)" : `${retry.maximumRetryAttempts} attempts`;
  const age = retry.maximumEventAgeInSeconds === null ? "up to 24h (default)" : `up to ${retry.maximumEventAgeInSeconds}s`;
  return `${attempts}, events kept ${age}`;
}

function deadLetterText(dlq: RuleTargetView["deadLetter"], chalk: ChalkInstance): string {
  if (!dlq) return chalk.yellow("none: events that exhaust their retries are dropped");
  if (dlq.error) return `${dlq.arn} ${chalk.yellow(`(depth unknown: ${dlq.error})`)}`;
  const depth = dlq.depth === null ? "" : dlq.depth === 0 ? " (empty)" : ` ${chalk.red(`(${dlq.depth} message${dlq.depth === 1 ? "" : "s"} waiting)`)}`;
  return `${dlq.arn}${depth}`;
}

/** Runs `rule`; returns the exit code. */
export async function runRule(host: Host, nameArg: string | undefined, flags: PipelineFlags): Promise<number> {
  const format = host.settings.formatFor(["pretty", "json"]);
  const request = await host.settings.pipeline(flags);
  const name = nameArg ?? request.rule;
  if (name === null || name === "") {
    throw new UsageError("name the rule: course-doctor rule NAME (or --rule, or \"rule\" in the config file)");
  }
  if (nameArg !== undefined && flags.rule !== undefined && nameArg !== flags.rule) {
    throw new UsageError(`two rules named: ${nameArg} and --rule ${flags.rule}; give one`);
  }
  const view = await withSession(host, async (session) => {
    host.out.progress(`reading rule ${name} on bus ${busNameOf(request.bus)}…`);
    const snapshot = await collectRule(session, request, name);
    const busName = snapshot.rule.ok ? snapshot.rule.value.busName : busNameOf(request.bus);
    return ruleView(snapshot, name, await findRuleElsewhere(session, name, busName));
  });
  host.out.result(format === "json" ? JSON.stringify(view, null, 2) : renderRulePretty(view, host.out.chalk));
  return ruleExitCode(view);
}
