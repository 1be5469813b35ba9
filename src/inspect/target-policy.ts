/**
 * `policy` for a target that is not a same-account Lambda function: the policies that
 * decide whether EventBridge can deliver to it — its resource policy (queue, topic, Logs,
 * bus), the role it delivers through (trust and permission policies), its KMS key — each
 * statement by statement with the evaluator's reason, and the verdict and fix of the
 * checks that judge them (target.permission, target.role, target.encryption).
 */
import type { ChalkInstance } from "chalk";
import { runChecks } from "../checks/index.js";
import { deliveryResource, DELIVERY_ACTIONS } from "../checks/policy-support.js";
import { describeTarget } from "../checks/support.js";
import { ExitCode } from "../errors.js";
import type { Finding } from "../model/finding.js";
import type { RuleInfo, Snapshot, TargetInfo } from "../model/snapshot.js";
import { describeStatement, evaluatePolicy, eventBridgeDeliveryRequest, readPolicy, roleRequest, type AccessRequest } from "../policy/index.js";

/** One policy document as `policy` shows it. */
export interface DocumentView {
  /** "queue policy", "trust policy of role X", "inline policy P of role X", "key policy of K", ... */
  name: string;
  /** Each statement: what it is and whether it applies to EventBridge's request. */
  statements: Array<{ index: number; sid: string | null; effect: string; applies: boolean | "unknown"; reason: string }>;
  /** The document could not be read or parsed. */
  error: string | null;
}

/** The stable JSON document of `policy --format json` for such a target. */
export interface TargetPolicyView {
  schemaVersion: 1;
  status: "ok" | "not-admitted" | "unreadable";
  target: { id: string; kind: string; arn: string; roleArn: string | null };
  rule: { name: string; arn: string };
  documents: DocumentView[];
  /** The verdicts of target.permission, target.role and target.encryption for this target. */
  findings: Array<Pick<Finding, "id" | "status" | "title"> & { fix: string | null }>;
}

function documentView(name: string, text: string | null | undefined, request: AccessRequest, kind: "resource" | "identity"): DocumentView {
  if (text === null || text === undefined || text.trim() === "") return { name, statements: [], error: text === null ? null : "not read" };
  try {
    const { policy } = readPolicy(text);
    const result = evaluatePolicy(policy, request, { kind });
    return {
      name,
      statements: result.statements.map((s) => ({ index: s.index, sid: s.sid, effect: s.effect, applies: s.applies, reason: describeStatement(s) })),
      error: null,
    };
  } catch (error) {
    return { name, statements: [], error: error instanceof Error ? error.message : String(error) };
  }
}

/** Builds the view from a collected snapshot; pure. */
export function targetPolicyView(snapshot: Snapshot, rule: RuleInfo, target: TargetInfo): TargetPolicyView {
  const actions = DELIVERY_ACTIONS[target.kind] ?? [];
  const resource = deliveryResource(target);
  const documents: DocumentView[] = [];
  const delivery = eventBridgeDeliveryRequest({ ruleArn: rule.arn, action: actions[0] ?? "events:PutEvents", resource });
  const facts = snapshot.targetResources?.[target.id]?.resource;
  if (facts?.ok) {
    if (target.kind === "logs") for (const p of facts.value.logPolicies ?? []) documents.push(documentView(`CloudWatch Logs resource policy ${p.name}`, p.document, delivery, "resource"));
    else if (facts.value.policy !== undefined) documents.push(documentView(`${describeTarget(target)}'s resource policy`, facts.value.policy, delivery, "resource"));
    const key = facts.value.kmsKeyId ? snapshot.keys?.[facts.value.kmsKeyId] : undefined;
    if (key?.ok && key.value.policy !== undefined) {
      documents.push(documentView(`key policy of ${facts.value.kmsKeyId}`, key.value.policy, eventBridgeDeliveryRequest({ ruleArn: rule.arn, action: "kms:GenerateDataKey", resource: key.value.arn }), "resource"));
    }
  }
  const role = target.roleArn ? snapshot.roles?.[target.roleArn] : undefined;
  if (target.roleArn && role?.ok) {
    const name = target.roleArn.split("/").pop();
    documents.push(documentView(`trust policy of role ${name}`, role.value.trustPolicy, eventBridgeDeliveryRequest({ ruleArn: rule.arn, action: "sts:AssumeRole", resource: target.roleArn }), "resource"));
    const asRole = roleRequest({ roleArn: target.roleArn, action: actions[0] ?? "*", resource });
    for (const p of role.value.policies) documents.push({ ...documentView(`${p.kind} policy ${p.name} of role ${name}`, p.document, asRole, "identity"), ...(p.document === null ? { error: p.error ?? "not read" } : {}) });
    if (role.value.boundary) documents.push(documentView(`permissions boundary of role ${name}`, role.value.boundary.document, asRole, "identity"));
  }
  const findings = runChecks(snapshot)
    .filter((f) => (f.id === "target.permission" || f.id === "target.role" || f.id === "target.encryption") && f.subject === target.id)
    .map((f) => ({ id: f.id, status: f.status, title: f.title, fix: f.fix ?? null }));
  const status: TargetPolicyView["status"] = findings.some((f) => f.status === "fail") ? "not-admitted" : findings.some((f) => f.status === "error") ? "unreadable" : "ok";
  return { schemaVersion: 1, status, target: { id: target.id, kind: target.kind, arn: target.arn, roleArn: target.roleArn ?? null }, rule: { name: rule.name, arn: rule.arn }, documents, findings };
}

export function targetPolicyExitCode(view: TargetPolicyView): number {
  return view.status === "not-admitted" ? ExitCode.Problems : view.status === "unreadable" ? ExitCode.CannotRun : ExitCode.Ok;
}

const MARK = { pass: "✔", warn: "⚠", fail: "✖", skip: "○", error: "?" } as const;

/** Renders the view for a person; colors only through the injected chalk. */
export function renderTargetPolicyPretty(view: TargetPolicyView, chalk: ChalkInstance): string {
  const lines = [`${chalk.bold(`policies of target ${view.target.id}`)}  ${chalk.dim(view.target.arn)}`, `for rule ${view.rule.name}  ${chalk.dim(view.rule.arn)}`, ""];
  if (view.documents.length === 0) lines.push(`  ${chalk.dim("no policy document was read for this target")}`);
  for (const document of view.documents) {
    lines.push(`  ${chalk.bold(document.name)}${document.error ? chalk.yellow(`  (${document.error})`) : ""}`);
    if (!document.error && document.statements.length === 0) lines.push(`    ${chalk.dim("(no statements)")}`);
    for (const s of document.statements) {
      const mark = s.applies === true ? chalk.green("✔") : s.applies === false ? chalk.dim("·") : chalk.yellow("?");
      lines.push(`    ${mark} ${s.reason}`);
    }
  }
  lines.push("");
  for (const f of view.findings) {
    const paint = f.status === "pass" ? chalk.green : f.status === "fail" ? chalk.red : f.status === "warn" ? chalk.yellow : chalk.dim;
    lines.push(`${paint(MARK[f.status])} ${f.id}  ${f.title}`);
    if (f.status !== "pass" && f.fix) for (const line of f.fix.split("\n")) lines.push(`     ${line}`);
  }
  return lines.join("\n");
}
