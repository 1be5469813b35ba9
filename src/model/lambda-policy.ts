/**
 * Does a Lambda resource policy let EventBridge invoke a target from one rule? The policy
 * evaluator (src/policy) decides; this module explains its answer in Lambda's terms — the
 * SourceArn traps of rule ARNs, qualified targets — for `target.permission` and `policy`.
 */
import {
  eventBridgeDeliveryRequest,
  evaluatePolicy,
  evaluateStatement as evaluateIamStatement,
  readPolicy,
  type ConditionResult,
  type PolicyProblem,
  type StatementResult,
} from "../policy/index.js";
import type { PolicyStatement } from "./snapshot.js";
import { parseArn } from "./arn.js";
import { explainRuleArnMismatch, parseFunctionArn, parseRuleArn } from "./rule-arn.js";

export const EVENTS_PRINCIPAL = "events.amazonaws.com";
const INVOKE_ACTION = "lambda:InvokeFunction";

/** The invocation to admit: EventBridge invoking `targetArn` on behalf of the rule `ruleArn`. */
export interface InvokeRequest {
  /** The target's ARN exactly as the rule names it (qualified for an alias or version). */
  targetArn: string;
  /** The rule's ARN exactly as DescribeRule reported it: EventBridge sends it as aws:SourceArn. */
  ruleArn: string;
}

/** One statement's verdict. */
export type StatementVerdict =
  | {
      admits: true;
      statement: PolicyStatement;
      /** How aws:SourceArn was satisfied: equal to the rule's ARN, by a pattern, or not constrained at all. */
      sourceArn: "exact" | "pattern" | "unconstrained";
      /** The SourceArn values the statement names (a negated test's values with its operator). */
      sourceArnValues: string[];
      /** The statement also carries an aws:SourceAccount condition. */
      sourceAccount: string[] | null;
      /** Conditions the evaluator could not settle for EventBridge's request (they may still refuse it). */
      unevaluated: string[];
    }
  | {
      admits: false;
      statement: PolicyStatement;
      /** Why not, one reason per requirement the statement misses. */
      reasons: StatementMiss[];
      /** The statement was meant for EventBridge (its principal, or a rule ARN as SourceArn): a near miss worth showing. */
      nearMiss: boolean;
      /** A Deny statement that applies to this invocation. */
      denies?: boolean;
      /** A Deny statement that applies unless these conditions, which the evaluator could not settle, go the other way. */
      mayDeny?: string[];
    };

/** One requirement a statement misses: which, a sentence, and a few words for a title. */
export interface StatementMiss {
  kind: "principal" | "action" | "resource" | "source-arn" | "source-account" | "condition" | "deny" | "invalid";
  message: string;
  short: string;
  /** For a SourceArn miss on a plain (not negated) operator: the values the statement names, and why they do not name this rule. */
  values?: string[];
  why?: string;
}

/** The verdict on a whole policy. */
export interface PolicyVerdict {
  /** The best admitting statement, or null when none admits the invocation. */
  admitted: Extract<StatementVerdict, { admits: true }> | null;
  /** A Deny statement that applies, which wins over any Allow. */
  denied: PolicyStatement | null;
  /** Deny statements that may apply: the evaluator could not settle their conditions. */
  mayDeny: Array<{ statement: PolicyStatement; unevaluated: string[] }>;
  verdicts: StatementVerdict[];
}

function asList(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}

/**
 * GetPolicy returns a principal map; a bare name is how `aws lambda add-permission --principal`
 * takes it (a service, an account or an ARN), and hand-written statements use it. Read it as
 * AddPermission would store it.
 */
export function normalizePrincipal(statement: PolicyStatement): PolicyStatement {
  const p = statement.Principal;
  if (typeof p !== "string" || p === "*") return statement;
  return { ...statement, Principal: p.endsWith(".amazonaws.com") ? { Service: p } : { AWS: p } };
}

function deliveryOf(request: InvokeRequest) {
  return eventBridgeDeliveryRequest({ ruleArn: request.ruleArn, action: INVOKE_ACTION, resource: request.targetArn });
}

/** Principal and Action of a statement against EventBridge invoking a function (the rule and function aside). */
function admitsEventsInvoke(statement: PolicyStatement): { principal: boolean; action: boolean } {
  const read = readPolicy({ Statement: [normalizePrincipal({ Effect: "Allow", ...statement, Resource: "*", Condition: undefined })] });
  const parsed = read.policy.statements[0];
  if (!parsed) return { principal: false, action: false };
  const result = evaluateIamStatement(parsed, deliveryOf({ ruleArn: "", targetArn: "*" }));
  return { principal: result.principal.matched === true, action: result.action.matched === true };
}

/** The principal admits events.amazonaws.com: `"*"`, `{AWS: "*"}`, or `{Service: ...}` naming it. */
export function principalAdmitsEvents(principal: unknown): boolean {
  return admitsEventsInvoke({ Principal: principal, Action: INVOKE_ACTION }).principal;
}

/** The action list admits lambda:InvokeFunction (IAM actions are case-insensitive and may use wildcards). */
export function actionAdmitsInvoke(action: unknown): boolean {
  return admitsEventsInvoke({ Principal: "*", Action: asList(action) }).action;
}

function describePrincipal(principal: unknown): string {
  if (principal && typeof principal === "object" && !Array.isArray(principal)) {
    const p = principal as Record<string, unknown>;
    const names = [...asList(p.Service), ...asList(p.AWS), ...asList(p.Federated)];
    if (names.length > 0) return names.join(", ");
  }
  return asList(principal).join(", ") || JSON.stringify(principal ?? null);
}

/** The way the statement's passing conditions constrain aws:SourceArn. */
function sourceArnOf(tests: ConditionResult[], ruleArn: string): Pick<Extract<StatementVerdict, { admits: true }>, "sourceArn" | "sourceArnValues"> {
  const onSourceArn = tests.filter((t) => t.key.toLowerCase() === "aws:sourcearn");
  if (onSourceArn.length === 0) return { sourceArn: "unconstrained", sourceArnValues: [] };
  const values = onSourceArn.flatMap((t) => (t.negated ? t.values.map((v) => `${t.operator} ${v}`) : t.values));
  const exact = onSourceArn.some((t) => !t.negated && t.values.includes(ruleArn));
  return { sourceArn: exact ? "exact" : "pattern", sourceArnValues: values };
}

/** The parts of a statement the evaluator could not settle, as `Operator key` (or the element's reason). */
function unsettled(result: StatementResult): string[] {
  const elements = [result.principal, result.action, result.resource].filter((e) => e.matched === "unknown").map((e) => e.reason ?? "an element");
  const tests = result.condition.tests.filter((t) => t.matched === "unknown").map((t) => `${t.operator} ${t.key}`);
  return [...elements, ...tests];
}

/** Maps the evaluator's verdict on one statement to Lambda's words. */
function toVerdict(statement: PolicyStatement, result: StatementResult, request: InvokeRequest): StatementVerdict {
  if (result.effect === "Deny") {
    if (result.applies === true) return { admits: false, statement, reasons: [{ kind: "deny", message: "it denies the invocation", short: "denies it" }], nearMiss: true, denies: true };
    if (result.applies === "unknown") {
      const open = unsettled(result);
      return { admits: false, statement, reasons: [{ kind: "deny", message: `it denies the invocation unless ${open.join(", ")} go the other way`, short: "may deny it" }], nearMiss: true, mayDeny: open };
    }
  }
  if (result.effect === "Allow" && result.applies !== false) {
    const tests = result.condition.tests;
    const sourceAccount = tests.filter((t) => t.key.toLowerCase() === "aws:sourceaccount").flatMap((t) => t.values);
    return { admits: true, statement, ...sourceArnOf(tests, request.ruleArn), sourceAccount: sourceAccount.length > 0 ? sourceAccount : null, unevaluated: unsettled(result) };
  }

  const reasons: StatementMiss[] = [];
  if (result.principal.matched === false) {
    if (statement.Principal !== undefined) {
      const principal = describePrincipal(statement.Principal);
      reasons.push({ kind: "principal", message: `its principal is ${principal}, not ${EVENTS_PRINCIPAL}`, short: `is for ${principal}` });
    } else {
      reasons.push({ kind: "principal", message: result.principal.reason ?? "it has no principal", short: "is not for EventBridge" });
    }
  }
  if (result.action.matched === false) {
    const action = asList(statement.Action).join(", ");
    reasons.push(
      statement.Action !== undefined
        ? { kind: "action", message: `its action is ${action}, not ${INVOKE_ACTION}`, short: `allows ${action}` }
        : { kind: "action", message: result.action.reason!, short: `excludes ${INVOKE_ACTION}` },
    );
  }
  if (result.resource.matched === false) {
    const resources = asList(statement.Resource);
    reasons.push(resources.length > 0 ? explainResourceMiss(resources, request.targetArn) : { kind: "resource", message: result.resource.reason!, short: "excludes the function" });
  }
  for (const test of result.condition.tests.filter((t) => t.matched === false)) reasons.push(explainConditionMiss(test, request.ruleArn));

  const namesARule = result.condition.tests.some((t) => t.key.toLowerCase() === "aws:sourcearn" && t.values.some((v) => parseRuleArn(v) !== null));
  return { admits: false, statement, reasons, nearMiss: result.effect === "Allow" && (result.principal.matched === true || namesARule) };
}

/** Why a condition refuses the rule: SourceArn and SourceAccount in the words of their traps, others as the evaluator puts them. */
function explainConditionMiss(test: ConditionResult, ruleArn: string): StatementMiss {
  const key = test.key.toLowerCase();
  const negated = test.negated;
  if (key === "aws:sourcearn") {
    if (negated) {
      // A negated test refuses the rule because its ARN matches: say so, never "does not match".
      const because = `${test.text} excludes it, and ${ruleArn} matches`;
      return { kind: "source-arn", message: `its SourceArn condition does not admit this rule: ${because}`, short: `${test.operator} names ${test.values.map((v) => describeSourceArn(v, ruleArn)).join(", ")}`, why: because };
    }
    const why = test.values.map((v) => explainRuleArnMismatch(v, ruleArn)).filter((w): w is string => w !== null);
    const because = why.join("; ") || `${test.operator} excludes it`;
    return {
      kind: "source-arn",
      message: `its SourceArn ${test.values.join(", ")} does not admit this rule: ${because}`,
      short: `names ${test.values.map((v) => describeSourceArn(v, ruleArn)).join(", ")}`,
      values: test.values,
      why: because,
    };
  }
  if (key === "aws:sourceaccount") {
    const account = parseRuleArn(ruleArn)?.account ?? "";
    return negated
      ? { kind: "source-account", message: `its SourceAccount condition ${test.text} excludes account ${account}`, short: `${test.operator} names account ${test.values.join(", ")}` }
      : { kind: "source-account", message: `its SourceAccount ${test.values.join(", ")} does not admit account ${account}`, short: `names account ${test.values.join(", ")}` };
  }
  return { kind: "condition", message: test.reason, short: `requires ${test.text}` };
}

/** A SourceArn in a few words: its `rule/...` part, plus the region or account when they differ from the rule's. */
function describeSourceArn(value: string, ruleArn: string): string {
  const seen = parseArn(value);
  const rule = parseArn(ruleArn);
  if (!seen || !rule) return value;
  const where = [seen.region !== rule.region ? `in ${seen.region || "no region"}` : null, seen.account !== rule.account ? `of account ${seen.account || "(none)"}` : null];
  return [seen.resource, ...where.filter(Boolean)].join(" ");
}

function explainResourceMiss(resources: string[], targetArn: string): StatementMiss {
  const target = parseFunctionArn(targetArn);
  const list = resources.join(", ");
  const plain: StatementMiss = { kind: "resource", message: `it is on ${list}, not on ${targetArn}`, short: `is on ${list}` };
  if (!target) return plain;
  const onBare = resources.some((r) => {
    const fn = parseFunctionArn(r);
    return fn !== null && fn.name === target.name && fn.qualifier === undefined;
  });
  if (target.qualifier && onBare) {
    return {
      kind: "resource",
      message: `it is on the function ${target.name}, but the target invokes ${target.name}:${target.qualifier}, which needs its own statement on the qualified ARN`,
      short: `is on the function, not on ${target.name}:${target.qualifier}`,
    };
  }
  const other = resources
    .map((r) => parseFunctionArn(r))
    .find((fn) => fn !== null && fn.name === target.name && fn.qualifier !== undefined);
  if (other) {
    const invoked = target.qualifier ? `${target.name}:${target.qualifier}` : "the unqualified function";
    return {
      kind: "resource",
      message: `it is on ${target.name}:${other.qualifier}, but the target invokes ${invoked}`,
      short: `is on ${target.name}:${other.qualifier}, not ${invoked}`,
    };
  }
  return plain;
}

function invalidVerdict(statement: PolicyStatement, problem: PolicyProblem): StatementVerdict {
  const at = problem.path.replace(/^\$\.Statement\[\d+\]\.?/, "") || "the statement";
  return { admits: false, statement, reasons: [{ kind: "invalid", message: `it is not a valid statement (${at}: ${problem.reason}), so it counts for nothing`, short: "is invalid" }], nearMiss: true };
}

/** Evaluates one statement against the invocation, as part of a policy of its own. */
export function evaluateStatement(statement: PolicyStatement, request: InvokeRequest): StatementVerdict {
  return evaluateInvokePermission([statement], request).verdicts[0]!;
}

const SOURCE_RANK = { exact: 0, pattern: 1, unconstrained: 2 } as const;

/**
 * Evaluates the policy as IAM does (a Deny that applies wins over any Allow; an invalid
 * statement counts for nothing) and explains each statement. Of the statements that admit the
 * rule, the closest is shown: one naming the rule's exact ARN, then a pattern, then none.
 */
export function evaluateInvokePermission(statements: PolicyStatement[], request: InvokeRequest): PolicyVerdict {
  // GetPolicy's documents are written in the 2012-10-17 language; the collector keeps their statements only.
  const { policy, problems } = readPolicy({ Version: "2012-10-17", Statement: statements.map(normalizePrincipal) });
  const result = evaluatePolicy(policy, deliveryOf(request));
  const verdicts = statements.map((statement, i) => {
    const problem = problems.find((p) => p.severity === "error" && p.path.startsWith(`$.Statement[${i}]`));
    if (problem) return invalidVerdict(statement, problem);
    return toVerdict(statement, result.statements.find((r) => r.index === i)!, request);
  });
  const denied = result.decision === "denied" && result.explicit ? statements[result.decidedBy!.index]! : null;
  const mayDeny = verdicts.flatMap((v) => (!v.admits && v.mayDeny ? [{ statement: v.statement, unevaluated: v.mayDeny }] : []));
  const admitting = verdicts
    .filter((v): v is Extract<StatementVerdict, { admits: true }> => v.admits)
    .sort(
      (a, b) =>
        a.unevaluated.length - b.unevaluated.length ||
        SOURCE_RANK[a.sourceArn] - SOURCE_RANK[b.sourceArn] ||
        Number(a.sourceAccount !== null) - Number(b.sourceAccount !== null),
    );
  return { admitted: result.decision === "denied" ? null : (admitting[0] ?? null), denied, mayDeny, verdicts };
}
