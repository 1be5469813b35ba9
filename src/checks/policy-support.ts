/**
 * What the policy-based checks share: asking the one evaluator (src/policy) about a
 * delivery or a role's permission, turning its answer into a title and evidence, and
 * building a policy that keeps the statements already there plus the one to add. No check
 * matches statements itself (STYLE.md 12).
 */
import { parseArn } from "../model/arn.js";
import type { RoleFacts, RuleInfo, TargetInfo } from "../model/snapshot.js";
import {
  describeDecision,
  describeStatement,
  evaluateActions,
  evaluatePolicy,
  eventBridgeDeliveryRequest,
  readPolicy,
  roleRequest,
  type AccessResult,
  type ActionsResult,
  type Decision
} from "../policy/index.js";

/** The actions EventBridge calls to deliver to each kind of target. */
export const DELIVERY_ACTIONS: Partial<Record<TargetInfo["kind"], string[]>> = {
  lambda: ["lambda:InvokeFunction"],
  sqs: ["sqs:SendMessage"],
  sns: ["sns:Publish"],
  logs: ["logs:CreateLogStream", "logs:PutLogEvents"],
  events: ["events:PutEvents"],
  "api-destination": ["events:InvokeApiDestination"],
  stepfunctions: ["states:StartExecution"],
  kinesis: ["kinesis:PutRecord"],
  firehose: ["firehose:PutRecord", "firehose:PutRecordBatch"],
  ecs: ["ecs:RunTask"],
  batch: ["batch:SubmitJob"],
};

/** The kinds EventBridge can only reach through a role (RoleArn on the target). */
export const ROLE_KINDS = new Set<TargetInfo["kind"]>(["stepfunctions", "kinesis", "firehose", "ecs", "batch", "api-destination"]);

/** The resource ARN a delivery names: a log group's streams for Logs, the target ARN otherwise. */
export function deliveryResource(target: TargetInfo): string {
  if (target.kind === "logs") return `${target.arn.replace(/:\*$/, "")}:*`;
  return target.arn;
}

/** The answer of several policies on several actions, for a finding: one decision, a line, the statements that mattered. */
export interface Verdict {
  decision: Decision;
  /** One line: what decided it (and what could not be evaluated). */
  text: string;
  /** Why each statement applies or not, for the evidence. */
  statements: string[];
  /** Readings the answer rests on (a SourceAccount condition, ...). */
  notes: string[];
  /** Problems with the policies themselves (an Effect of "deny", ...). */
  problems: string[];
}

function verdictOf(result: ActionsResult, problems: string[]): Verdict {
  const worst = result.actions.find((a) => a.result.decision === result.decision) ?? result.actions[0]!;
  const all: AccessResult[] = result.actions.map((a) => a.result);
  const statements = [...new Set(all.flatMap((r) => [r.resource, ...r.identity, r.boundary].filter((p) => p !== null).flatMap((p) => p!.statements.map(describeStatement))))];
  const notes = [...new Set(all.flatMap((r) => r.notes.map((n) => n.text)))];
  const action = result.actions.length > 1 ? `${worst.action}: ` : "";
  return { decision: result.decision, text: `${action}${describeDecision(worst.result)}`, statements, notes, problems };
}

/** Reads a policy text, keeping its valid statements and what was wrong with the others. */
function read(text: string | null | undefined): { policy: object | null; problems: string[] } {
  if (text === null || text === undefined || text.trim() === "") return { policy: null, problems: [] };
  try {
    const { policy, problems } = readPolicy(text);
    return { policy, problems: problems.filter((p) => p.severity === "error").map((p) => `${p.path}: ${p.reason}`) };
  } catch (error) {
    return { policy: null, problems: [`the policy is not valid JSON: ${error instanceof Error ? error.message : String(error)}`] };
  }
}

/** Does the resource policy let EventBridge deliver for `rule` (each of `actions` on `resource`)? */
export function eventBridgeVerdict(policyText: string | null | undefined, rule: RuleInfo, actions: string[], resource: string): Verdict {
  const { policy, problems } = read(policyText);
  const request = eventBridgeDeliveryRequest({ ruleArn: rule.arn, action: actions[0]!, resource });
  return verdictOf(evaluateActions({ resourcePolicy: policy }, request, actions), problems);
}

/** Several resource policies of one resource (CloudWatch Logs keeps them account-wide): the first that allows wins; a Deny in any wins over all. */
export function eventBridgeVerdictOfAny(policyTexts: string[], rule: RuleInfo, actions: string[], resource: string): Verdict {
  const verdicts = policyTexts.map((text) => eventBridgeVerdict(text, rule, actions, resource));
  const denied = verdicts.find((v) => v.decision === "denied" && /explicitly denies/.test(v.text));
  const chosen = denied ?? verdicts.find((v) => v.decision === "allowed") ?? verdicts.find((v) => v.decision === "allowed-unless");
  if (chosen) return { ...chosen, statements: verdicts.flatMap((v) => v.statements), problems: verdicts.flatMap((v) => v.problems) };
  return { decision: "denied", text: policyTexts.length === 0 ? "denied: there is no resource policy" : "denied: no resource policy allows it", statements: verdicts.flatMap((v) => v.statements), notes: [], problems: verdicts.flatMap((v) => v.problems) };
}

/**
 * Does a resource policy, on its own, admit an AWS principal (a role, or an account as
 * `arn:aws:iam::ACCOUNT:root`) for `actions`? The resource side of a cross-account request;
 * the principal's own policies are judged apart.
 */
export function principalVerdict(policyText: string | null | undefined, principalArn: string, actions: string[], resource: string): Verdict {
  const { policy, problems } = read(policyText);
  if (policy === null) return { decision: "denied", text: "denied: there is no resource policy", statements: [], notes: [], problems };
  const results = actions.map((action) => ({ action, result: evaluatePolicy(policy, roleRequest({ roleArn: principalArn, action, resource })) }));
  const decisions = results.map((r) => r.result.decision);
  const decision: Decision = decisions.includes("denied") ? "denied" : decisions.includes("allowed-unless") ? "allowed-unless" : "allowed";
  const worst = results.find((r) => r.result.decision === decision)!;
  return {
    decision,
    text: `${results.length > 1 ? `${worst.action}: ` : ""}${describeDecision(worst.result)}`,
    statements: [...new Set(results.flatMap((r) => r.result.statements.map(describeStatement)))],
    notes: [...new Set(results.flatMap((r) => r.result.notes.map((n) => n.text)))],
    problems,
  };
}

/** Does the role's trust policy let events.amazonaws.com assume it for `rule`? */
export function trustVerdict(role: RoleFacts, rule: RuleInfo): Verdict {
  const { policy, problems } = read(role.trustPolicy);
  const request = eventBridgeDeliveryRequest({ ruleArn: rule.arn, action: "sts:AssumeRole", resource: role.arn });
  return verdictOf(evaluateActions({ resourcePolicy: policy }, request, ["sts:AssumeRole"]), problems);
}

/**
 * Does the role (its inline and managed policies, within its boundary) allow `actions` on
 * `resource`? With `resourcePolicyText`, the resource's own policy counts too, the way IAM
 * combines them (same account: either may allow; cross account: both must). Without it,
 * only the role's side is judged (the resource side is another finding's). Documents that
 * could not be read make the answer uncertain, never a denial.
 */
export function roleVerdict(role: RoleFacts, actions: string[], resource: string, resourcePolicyText?: string | null): Verdict & { unread: string[] } {
  const unread = role.policies.filter((p) => p.document === null).map((p) => `${p.kind} policy ${p.name}: ${p.error ?? "not read"}`);
  const documents = role.policies.flatMap((p) => (p.document === null ? [] : [read(p.document)]));
  const boundary = role.boundary ? (role.boundary.document === null ? null : read(role.boundary.document)) : undefined;
  if (role.boundary && role.boundary.document === null) unread.push(`permissions boundary ${role.boundary.arn}: ${role.boundary.error ?? "not read"}`);
  const resourcePolicy = resourcePolicyText === undefined ? undefined : read(resourcePolicyText);
  const result = evaluateActions(
    {
      identityPolicies: documents.flatMap((d) => (d.policy ? [d.policy] : [])),
      ...(boundary !== undefined ? { permissionsBoundary: boundary?.policy ?? { Version: "2012-10-17", Statement: [] } } : {}),
      ...(resourcePolicy !== undefined ? { resourcePolicy: resourcePolicy.policy } : {}),
      // The role's side alone: its own account's rules, whatever account the resource is in.
      ...(resourcePolicy === undefined || !parseArn(resource)?.account ? { resourceAccount: parseArn(role.arn)?.account ?? "" } : {}),
    },
    roleRequest({ roleArn: role.arn, action: actions[0]!, resource }),
    actions,
  );
  const verdict = verdictOf(result, [...documents.flatMap((d) => d.problems), ...(boundary?.problems ?? []), ...(resourcePolicy?.problems ?? [])]);
  // A denial that unread documents could overturn is not a denial: it is "could not tell".
  if (unread.length > 0 && verdict.decision === "denied" && !/explicitly denies/.test(verdict.text)) {
    return { ...verdict, decision: "allowed-unless", text: `not allowed by what could be read (${unread.join("; ")})`, unread };
  }
  return { ...verdict, unread };
}

/** A policy document that keeps the statements already there and adds `statement` (replacing one of the same Sid). */
export function withStatement(policyText: string | null | undefined, statement: Record<string, unknown>): string {
  let document: { Version?: string; Id?: string; Statement?: unknown } = {};
  try {
    document = policyText ? (JSON.parse(policyText) as typeof document) : {};
  } catch {
    document = {};
  }
  const existing = Array.isArray(document.Statement) ? document.Statement : document.Statement ? [document.Statement] : [];
  const kept = existing.filter((s) => (s as { Sid?: unknown }).Sid !== statement.Sid);
  return JSON.stringify({ Version: document.Version ?? "2012-10-17", ...(document.Id ? { Id: document.Id } : {}), Statement: [...kept, statement] });
}

/** A statement id for what course-doctor adds for a rule. */
export function sidFor(prefix: string, rule: RuleInfo): string {
  return `${prefix}${rule.name}`.replace(/[^A-Za-z0-9]/g, "").slice(0, 100);
}
