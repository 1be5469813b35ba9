/**
 * Does a Lambda resource policy let EventBridge invoke a target from one rule? The
 * evaluation `target.permission` rests on, kept apart so it can be tested line by line.
 */
import type { PolicyStatement } from "./snapshot.js";
import { arnMatches, explainRuleArnMismatch, globMatches, parseArn, parseFunctionArn, parseRuleArn } from "./rule-arn.js";

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
      /** The SourceArn values the statement names. */
      sourceArnValues: string[];
      /** The statement also carries an aws:SourceAccount condition. */
      sourceAccount: string[] | null;
      /** Conditions this evaluation does not understand (they may still deny). */
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
    };

/** One requirement a statement misses: which, a sentence, and a few words for a title. */
export interface StatementMiss {
  kind: "principal" | "action" | "resource" | "source-arn" | "source-account" | "deny";
  message: string;
  short: string;
  /** For a SourceArn miss: the values the statement names, and why they do not name this rule. */
  values?: string[];
  why?: string;
}

/** The verdict on a whole policy. */
export interface PolicyVerdict {
  /** The best admitting statement, or null when none admits the invocation. */
  admitted: Extract<StatementVerdict, { admits: true }> | null;
  /** A Deny statement that applies, which wins over any Allow. */
  denied: PolicyStatement | null;
  verdicts: StatementVerdict[];
}

function asList(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}

/** The principal admits events.amazonaws.com: `"*"`, the service name, a list, or `{Service: ...}`. */
export function principalAdmitsEvents(principal: unknown): boolean {
  if (principal === "*") return true;
  if (typeof principal === "string" || Array.isArray(principal)) return asList(principal).includes(EVENTS_PRINCIPAL);
  if (principal && typeof principal === "object") {
    const p = principal as Record<string, unknown>;
    if (asList(p.Service).includes(EVENTS_PRINCIPAL)) return true;
    if (asList(p.AWS).includes("*")) return true;
  }
  return false;
}

function describePrincipal(principal: unknown): string {
  if (principal && typeof principal === "object" && !Array.isArray(principal)) {
    const p = principal as Record<string, unknown>;
    const names = [...asList(p.Service), ...asList(p.AWS), ...asList(p.Federated)];
    if (names.length > 0) return names.join(", ");
  }
  return asList(principal).join(", ") || JSON.stringify(principal ?? null);
}

/** The action list admits lambda:InvokeFunction (IAM actions are case-insensitive and may use wildcards). */
export function actionAdmitsInvoke(action: unknown): boolean {
  return asList(action).some((a) => globMatches(a, INVOKE_ACTION, { ignoreCase: true }));
}

interface ConditionTest {
  operator: string;
  values: string[];
}

/** Reads the Condition block: SourceArn and SourceAccount tests (keys are case-insensitive), and the rest. */
function readConditions(condition: PolicyStatement["Condition"]): {
  sourceArn: ConditionTest[];
  sourceAccount: ConditionTest[];
  others: string[];
} {
  const sourceArn: ConditionTest[] = [];
  const sourceAccount: ConditionTest[] = [];
  const others: string[] = [];
  for (const [operator, block] of Object.entries(condition ?? {})) {
    for (const [key, values] of Object.entries(block ?? {})) {
      const test = { operator, values: asList(values) };
      const k = key.toLowerCase();
      if (k === "aws:sourcearn") sourceArn.push(test);
      else if (k === "aws:sourceaccount") sourceAccount.push(test);
      else others.push(`${operator} ${key}`);
    }
  }
  return { sourceArn, sourceAccount, others };
}

/** Evaluates one condition test against a value; undefined when the operator is not understood. */
function conditionHolds(test: ConditionTest, value: string): boolean | undefined {
  // `IfExists` does not change anything here (EventBridge always sends both keys), and
  // the set qualifiers (ForAnyValue/ForAllValues) act like the plain form on a single value.
  const operator = test.operator.replace(/^For(Any|All)Value:/, "").replace(/IfExists$/, "");
  const negated = /Not/.test(operator);
  const base = operator.replace("Not", "");
  let matches: (pattern: string) => boolean;
  switch (base) {
    case "ArnLike":
    case "ArnEquals":
      matches = (p) => arnMatches(p, value);
      break;
    case "StringLike":
      matches = (p) => globMatches(p, value);
      break;
    case "StringEquals":
      matches = (p) => p === value;
      break;
    case "StringEqualsIgnoreCase":
      matches = (p) => p.toLowerCase() === value.toLowerCase();
      break;
    default:
      return undefined;
  }
  const any = test.values.some(matches);
  return negated ? !any : any;
}

/** Evaluates one statement against the invocation. */
export function evaluateStatement(statement: PolicyStatement, request: InvokeRequest): StatementVerdict {
  const reasons: StatementMiss[] = [];
  const principalOk = principalAdmitsEvents(statement.Principal);
  if (!principalOk) {
    const principal = describePrincipal(statement.Principal);
    reasons.push({ kind: "principal", message: `its principal is ${principal}, not ${EVENTS_PRINCIPAL}`, short: `is for ${principal}` });
  }

  if (!actionAdmitsInvoke(statement.Action)) {
    const action = asList(statement.Action).join(", ") || "no action";
    reasons.push({ kind: "action", message: `its action is ${action}, not ${INVOKE_ACTION}`, short: `allows ${action}` });
  }

  const resources = asList(statement.Resource);
  if (resources.length > 0 && !resources.some((r) => arnMatches(r, request.targetArn))) {
    reasons.push(explainResourceMiss(resources, request.targetArn));
  }

  const conditions = readConditions(statement.Condition);
  const unevaluated = [...conditions.others];
  const ruleAccount = parseRuleArn(request.ruleArn)?.account ?? null;
  let exact = false;
  const sourceArnValues = conditions.sourceArn.flatMap((t) => t.values);
  for (const test of conditions.sourceArn) {
    const holds = conditionHolds(test, request.ruleArn);
    if (holds === undefined) unevaluated.push(`${test.operator} aws:SourceArn`);
    else if (!holds) {
      const why = test.values.map((v) => explainRuleArnMismatch(v, request.ruleArn)).filter((w): w is string => w !== null);
      const because = why.join("; ") || `${test.operator} excludes it`;
      reasons.push({
        kind: "source-arn",
        message: `its SourceArn ${test.values.join(", ")} does not admit this rule: ${because}`,
        short: `names ${test.values.map((v) => describeSourceArn(v, request.ruleArn)).join(", ")}`,
        values: test.values,
        why: because,
      });
    } else if (test.values.includes(request.ruleArn)) exact = true;
  }
  for (const test of conditions.sourceAccount) {
    if (ruleAccount === null) continue;
    const holds = conditionHolds(test, ruleAccount);
    if (holds === undefined) unevaluated.push(`${test.operator} aws:SourceAccount`);
    else if (!holds) {
      reasons.push({
        kind: "source-account",
        message: `its SourceAccount ${test.values.join(", ")} does not admit account ${ruleAccount}`,
        short: `names account ${test.values.join(", ")}`,
      });
    }
  }

  const isDeny = statement.Effect === "Deny";
  if (reasons.length === 0 && isDeny) {
    return { admits: false, statement, reasons: [{ kind: "deny", message: "it denies the invocation", short: "denies it" }], nearMiss: true, denies: true };
  }
  if (reasons.length === 0 && !isDeny) {
    return {
      admits: true,
      statement,
      sourceArn: conditions.sourceArn.length === 0 ? "unconstrained" : exact ? "exact" : "pattern",
      sourceArnValues,
      sourceAccount: conditions.sourceAccount.length > 0 ? conditions.sourceAccount.flatMap((t) => t.values) : null,
      unevaluated,
    };
  }
  const namesARule = sourceArnValues.some((v) => parseRuleArn(v) !== null);
  return { admits: false, statement, reasons, nearMiss: !isDeny && (principalOk || namesARule) };
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

const SOURCE_RANK = { exact: 0, pattern: 1, unconstrained: 2 } as const;

/** Evaluates every statement; a Deny that applies wins over any Allow. */
export function evaluateInvokePermission(statements: PolicyStatement[], request: InvokeRequest): PolicyVerdict {
  const verdicts = statements.map((s) => evaluateStatement(s, request));
  const denied = verdicts.find((v) => !v.admits && v.denies)?.statement ?? null;
  const admitting = verdicts
    .filter((v): v is Extract<StatementVerdict, { admits: true }> => v.admits)
    .sort(
      (a, b) =>
        SOURCE_RANK[a.sourceArn] - SOURCE_RANK[b.sourceArn] ||
        Number(a.sourceAccount !== null) - Number(b.sourceAccount !== null) ||
        a.unevaluated.length - b.unevaluated.length,
    );
  return { admitted: denied ? null : (admitting[0] ?? null), denied, verdicts };
}
