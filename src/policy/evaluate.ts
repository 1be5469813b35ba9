/**
 * IAM's evaluation logic: one statement, one policy, and the policies of a request combined
 * (IAM User Guide: "Policy evaluation logic", "Cross-account policy evaluation logic",
 * "Permissions boundaries for IAM entities").
 */
import { ContextReader, evaluateCondition, resolveVariables, type ConditionResult } from "./condition.js";
import { parsePolicy, type Policy, type Statement } from "./document.js";
import { matchStatementPrincipal, principalAccountOf, type PrincipalVia } from "./principal.js";
import type { AccessRequest } from "./request.js";
import { allOf, anyOf, type Match } from "./truth.js";
import { actionMatches, parseArn, resourceMatches } from "./wildcard.js";

/** Whether one element of a statement matched the request, and why not (or why it may not), in words. */
export interface ElementResult {
  matched: Match;
  reason?: string;
}

/** One statement's verdict: does it apply to the request, element by element. */
export interface StatementResult {
  index: number;
  sid: string | null;
  effect: "Allow" | "Deny";
  /** All of principal, action, resource and condition hold. */
  applies: Match;
  /** For a resource-based policy: how the statement named the principal (see PrincipalVia). */
  principal: ElementResult & { via?: PrincipalVia };
  action: ElementResult;
  resource: ElementResult;
  condition: ElementResult & { tests: ConditionResult[] };
}

/** Where a statement is: its position and Sid, and for combined answers which policy holds it. */
export interface StatementRef {
  index: number;
  sid: string | null;
  policy?: PolicyRole;
  /** Which of the identity-based policies (0-based), for `policy: "identity"`. */
  policyIndex?: number;
}

/** The part a policy plays in a request. */
export type PolicyRole = "resource" | "identity" | "boundary";

/** Something the evaluator could not settle, in words: the answer holds only if it goes the right way. */
export interface Uncertainty {
  /** The statement it concerns; null when it concerns the policies given (e.g. identity policies not read). */
  statement: StatementRef | null;
  effect: "Allow" | "Deny" | null;
  reasons: string[];
}

/** An assumption the answer rests on: a statement that could decide it tests a key whose value is a reading. */
export interface ReadingNote {
  key: string;
  statement: StatementRef;
  text: string;
}

/** The three answers: allowed, denied, or allowed unless something the evaluator cannot know goes wrong. */
export type Decision = "allowed" | "denied" | "allowed-unless";

/** The answer for one policy or for a request's policies combined. */
export interface AccessDecision {
  decision: Decision;
  /** For `denied`: an explicit Deny (true) or no Allow at all (false). */
  explicit: boolean;
  /** The statement that decided it: the Deny that applies, or the Allow that grants; null for an implicit deny. */
  decidedBy: StatementRef | null;
  /** For `allowed-unless`: what could not be evaluated. */
  uncertainties: Uncertainty[];
  /** Readings the answer rests on, e.g. "decided by a SourceAccount condition". */
  notes: ReadingNote[];
}

/** One policy's answer, with every statement's verdict. */
export interface PolicyResult extends AccessDecision {
  statements: StatementResult[];
}

/** How a policy is read. */
export interface EvaluateOptions {
  /**
   * `resource` (the default): a resource-based policy, whose statements name a Principal.
   * `identity`: an identity-based policy or permissions boundary, whose principal is implicit.
   */
  kind?: "resource" | "identity";
  /** The principal has a permissions boundary: a NotPrincipal with Deny then always denies it (see matchStatementPrincipal). */
  hasBoundary?: boolean;
}

function list(values: readonly string[]): string {
  return values.join(", ");
}

/** Evaluates one statement against a request; `options.version` (the policy's Version) decides whether variables resolve. */
export function evaluateStatement(statement: Statement, request: AccessRequest, options: EvaluateOptions & { version?: string | null } = {}): StatementResult {
  return judgeStatement(statement, request, options, new ContextReader(request));
}

function judgeStatement(statement: Statement, request: AccessRequest, options: EvaluateOptions & { version?: string | null }, context: ContextReader): StatementResult {
  const variables = options.version === "2012-10-17";
  const identity = options.kind === "identity";

  let principal: StatementResult["principal"];
  if (identity) {
    principal =
      statement.principal || statement.notPrincipal
        ? { matched: false, reason: "an identity-based policy cannot name a Principal" }
        : { matched: true };
  } else {
    principal = matchStatementPrincipal(statement.principal, statement.notPrincipal, request.principal, { effect: statement.effect, hasBoundary: options.hasBoundary ?? false });
  }

  const actions = statement.action ?? statement.notAction ?? [];
  const named = actions.some((a) => actionMatches(a, request.action));
  const action: ElementResult = statement.action
    ? named
      ? { matched: true }
      : { matched: false, reason: `its action is ${list(actions)}, not ${request.action}` }
    : named
      ? { matched: false, reason: `its NotAction names ${request.action}` }
      : { matched: true };

  const resource = matchResource(statement, request.resource, context, variables, identity);

  const tests = statement.conditions.map((c) => evaluateCondition(c, context, variables));
  const conditionMatch = allOf(tests.map((t) => t.matched));
  const misses = tests.filter((t) => t.matched !== true).filter((t) => conditionMatch === "unknown" || t.matched === false);
  const condition = conditionMatch === true ? { matched: true, tests } : { matched: conditionMatch, tests, reason: misses.map((t) => t.reason).join("; ") };

  return {
    index: statement.index,
    sid: statement.sid,
    effect: statement.effect,
    applies: allOf([principal.matched, action.matched, resource.matched, condition.matched]),
    principal,
    action,
    resource,
    condition,
  };
}

function matchResource(statement: Statement, resource: string, context: ContextReader, variables: boolean, identity: boolean): ElementResult {
  const entries = statement.resource ?? statement.notResource;
  // A role trust policy names no Resource: its resource is the role it is attached to.
  if (entries === null) return identity ? { matched: false, reason: "an identity-based statement needs Resource or NotResource" } : { matched: true };
  const why: string[] = [];
  const hits = entries.map((entry): Match => {
    const resolved = resolveVariables(entry, context, variables);
    // "If a variable that has no value ... is used as part of the Resource or NotResource element ...
    // the resource that includes a policy variable with no value will not match any resource."
    if (resolved.state === "null") return false;
    if (resolved.state === "unknown") {
      why.push(resolved.why);
      return "unknown";
    }
    return resourceMatches(resolved.chars, resource);
  });
  const hit = anyOf(hits);
  if (statement.resource) {
    if (hit === true) return { matched: true };
    if (hit === "unknown") return { matched: hit, reason: `it may or may not be on ${resource}: ${why.join("; ")}` };
    return { matched: false, reason: `it is on ${list(entries)}, not on ${resource}` };
  }
  if (hit === false) return { matched: true };
  if (hit === "unknown") return { matched: hit, reason: `its NotResource may or may not name ${resource}: ${why.join("; ")}` };
  return { matched: false, reason: `its NotResource names ${resource}` };
}

/** The reasons a statement may apply, for an uncertainty. */
function unknownReasons(result: StatementResult): string[] {
  return [result.principal, result.action, result.resource, result.condition]
    .filter((e) => e.matched === "unknown" && e.reason)
    .map((e) => e.reason!);
}

function refOf(result: StatementResult, role?: PolicyRole, policyIndex?: number): StatementRef {
  const ref: StatementRef = { index: result.index, sid: result.sid };
  if (role) ref.policy = role;
  if (policyIndex !== undefined) ref.policyIndex = policyIndex;
  return ref;
}

/** The readings behind the conditions of statements that could decide the answer. */
function notesOf(results: StatementResult[], context: ContextReader, role?: PolicyRole, policyIndex?: number): ReadingNote[] {
  const notes: ReadingNote[] = [];
  for (const r of results) {
    if (r.principal.matched === false || r.action.matched === false || r.resource.matched === false) continue;
    for (const test of r.condition.tests) {
      const reading = context.reading(test.key);
      if (reading) {
        notes.push({ key: test.key, statement: refOf(r, role, policyIndex), text: `decided by a ${test.key.replace(/^aws:/i, "")} condition (${test.text}): ${reading}` });
      }
    }
  }
  return notes;
}

function toPolicy(input: Policy | string | object): Policy {
  return typeof input === "object" && Array.isArray((input as Policy).statements) ? (input as Policy) : parsePolicy(input);
}

/**
 * Evaluates one policy: an explicit Deny that applies wins; else an Allow that applies grants;
 * else the request is implicitly denied. A statement that may or may not apply makes the answer
 * `allowed-unless` when it is an Allow (and nothing else grants) or a Deny (over a grant).
 */
export function evaluatePolicy(input: Policy | string | object, request: AccessRequest, options: EvaluateOptions = {}): PolicyResult {
  return decide(toPolicy(input), request, options, new ContextReader(request));
}

function decide(policy: Policy, request: AccessRequest, options: EvaluateOptions, context: ContextReader, role?: PolicyRole, policyIndex?: number): PolicyResult {
  const statements = policy.statements.map((s) => judgeStatement(s, request, { ...options, version: policy.version }, context));
  const notes = notesOf(statements, context, role, policyIndex);
  const ref = (r: StatementResult) => refOf(r, role, policyIndex);
  const uncertain = (r: StatementResult): Uncertainty => ({ statement: ref(r), effect: r.effect, reasons: unknownReasons(r) });
  const deny = statements.find((s) => s.effect === "Deny" && s.applies === true);
  if (deny) return { decision: "denied", explicit: true, decidedBy: ref(deny), uncertainties: [], notes, statements };
  const maybeDenies = statements.filter((s) => s.effect === "Deny" && s.applies === "unknown");
  const allow = statements.find((s) => s.effect === "Allow" && s.applies === true);
  if (allow) {
    const decision = maybeDenies.length > 0 ? "allowed-unless" : "allowed";
    return { decision, explicit: false, decidedBy: ref(allow), uncertainties: maybeDenies.map(uncertain), notes, statements };
  }
  const maybeAllows = statements.filter((s) => s.effect === "Allow" && s.applies === "unknown");
  if (maybeAllows.length > 0) {
    return { decision: "allowed-unless", explicit: false, decidedBy: ref(maybeAllows[0]!), uncertainties: [...maybeAllows, ...maybeDenies].map(uncertain), notes, statements };
  }
  return { decision: "denied", explicit: false, decidedBy: null, uncertainties: [], notes, statements };
}

/** The policies that bear on one request. */
export interface AccessPolicies {
  /** The resource's own policy (function, queue, topic, log group, bus, key, or a role's trust policy); absent or null: it has none. */
  resourcePolicy?: Policy | string | object | null;
  /** The principal's identity-based policies (inline and attached managed); absent: not known, `[]`: none. */
  identityPolicies?: Array<Policy | string | object>;
  /** The principal's permissions boundary, when it has one. */
  permissionsBoundary?: Policy | string | object | null;
  /** The resource's account; defaults to the account in the resource's ARN. */
  resourceAccount?: string;
  /** The principal's account; defaults to the principal's. */
  principalAccount?: string;
  /**
   * The resource policy must name the principal itself: "IAM role trust policies and KMS key
   * policies are exceptions to this logic, because they must explicitly allow access for
   * principals" (Policy evaluation logic). Defaults to true for `sts:AssumeRole*` and `kms:` actions.
   */
  resourcePolicyRequired?: boolean;
}

/** The combined answer, with each policy's own. */
export interface AccessResult extends AccessDecision {
  /** How the policies combined, one sentence each. */
  reasons: string[];
  resource: PolicyResult | null;
  identity: PolicyResult[];
  boundary: PolicyResult | null;
}

/** The statements of one effect that may or may not apply. */
function uncertainOf(result: PolicyResult | null, effect: "Allow" | "Deny", role: PolicyRole, policyIndex?: number): Uncertainty[] {
  return (result?.statements ?? []).filter((s) => s.effect === effect && s.applies === "unknown").map((s) => ({ statement: refOf(s, role, policyIndex), effect, reasons: unknownReasons(s) }));
}

/** True when one of the statements is an Allow that applies (or unknown when one may). */
function allowsVia(result: PolicyResult | null, vias?: readonly (PrincipalVia | undefined)[]): Match {
  if (!result) return false;
  return anyOf(result.statements.filter((s) => s.effect === "Allow" && (!vias || vias.includes(s.principal.via))).map((s) => s.applies));
}

/**
 * Combines the policies of one request the way IAM does. An explicit Deny in any of them wins.
 * A service principal is decided by the resource policy alone. For an AWS identity:
 * - same account: allowed when the resource policy or the identity-based policies allow it
 *   ("the union"); a permissions boundary limits the identity-based permissions, and a resource
 *   policy that names the role (not the session, nor the user) — "Resource-based policies that
 *   grant permissions to an IAM role ARN are limited by an implicit deny in a permissions
 *   boundary"; one that names only the account delegates to the account's identity-based policies;
 * - cross account: both the resource policy and the (bounded) identity-based policies must allow it;
 * - role trust and KMS key policies must allow the principal even in the same account.
 */
export function evaluateAccess(policies: AccessPolicies, request: AccessRequest): AccessResult {
  const context = new ContextReader(request);
  const hasBoundary = policies.permissionsBoundary != null;
  const resource = policies.resourcePolicy != null ? decide(toPolicy(policies.resourcePolicy), request, { hasBoundary }, context, "resource") : null;
  const identity = (policies.identityPolicies ?? []).map((p, i) => decide(toPolicy(p), request, { kind: "identity" }, context, "identity", i));
  const boundary = hasBoundary ? decide(toPolicy(policies.permissionsBoundary!), request, { kind: "identity" }, context, "boundary") : null;
  const all = [resource, ...identity, boundary].filter((r): r is PolicyResult => r !== null);
  const notes = all.flatMap((r) => r.notes);
  const base = { resource, identity, boundary, notes };

  const deny = all.find((r) => r.explicit);
  if (deny) {
    return { ...base, decision: "denied", explicit: true, decidedBy: deny.decidedBy, uncertainties: [], reasons: ["an explicit Deny wins over any Allow"] };
  }

  const isService = "service" in request.principal;
  const reasons: string[] = [];
  const gaps: Uncertainty[] = [];
  const R = { direct: allowsVia(resource, ["any", "direct"]), role: allowsVia(resource, ["role"]), account: allowsVia(resource, ["account"]) };
  const byIdentity = identity.find((r) => allowsVia(r) !== false)?.decidedBy ?? null;
  let allowed: Match;
  let grant: StatementRef | null = resource?.decidedBy ?? null;
  if (isService) {
    reasons.push("a service principal is decided by the resource policy alone");
    if (resource === null) reasons.push("the resource has no resource policy");
    allowed = allowsVia(resource);
  } else {
    const known = policies.identityPolicies !== undefined;
    if (!known) gaps.push({ statement: null, effect: null, reasons: ["the principal's identity-based policies were not given"] });
    const I = known ? anyOf(identity.map((r) => allowsVia(r))) : "unknown";
    const B = boundary ? allowsVia(boundary) : true;
    const bounded = allOf([I, B]);
    const required = policies.resourcePolicyRequired ?? /^(sts:assumerole|kms:)/i.test(request.action);
    const byResource = anyOf([R.direct, allOf([R.role, B])]);
    const same = anyOf([byResource, required ? allOf([R.account, bounded]) : bounded]);
    const cross = allOf([anyOf([R.direct, R.role, R.account]), bounded]);
    const resourceAccount = policies.resourceAccount ?? parseArn(request.resource)?.account ?? "";
    const principalAccount = policies.principalAccount ?? principalAccountOf(request.principal) ?? "";
    if (!resourceAccount || !principalAccount) {
      allowed = same === cross ? same : "unknown";
      if (allowed === "unknown") gaps.push({ statement: null, effect: null, reasons: ["the resource's or the principal's account is not known, and the answer depends on whether they are the same"] });
    } else if (resourceAccount === principalAccount) {
      reasons.push(
        required
          ? "same account, but this resource policy must itself allow the principal (or its account, with an identity-based policy allowing too)"
          : "same account: the resource policy or an identity-based policy may allow it",
      );
      if (boundary && B !== true) reasons.push("the permissions boundary does not allow it, which limits identity-based permissions and grants to the role");
      allowed = same;
      if (byResource === false) grant = byIdentity;
    } else {
      reasons.push(`cross account (${principalAccount} to ${resourceAccount}): the resource policy and an identity-based policy must both allow it`);
      if (R.direct === false && R.role === false && R.account === false) reasons.push("the resource policy does not allow it");
      if (bounded === false) reasons.push(I === false ? "no identity-based policy allows it" : "the permissions boundary does not allow it");
      allowed = cross;
    }
  }

  // Every policy's open statements count, even in a policy that on its own denies implicitly.
  const open = (effect: "Allow" | "Deny") => [
    ...uncertainOf(resource, effect, "resource"),
    ...identity.flatMap((r, i) => uncertainOf(r, effect, "identity", i)),
    ...uncertainOf(boundary, effect, "boundary"),
  ];
  const maybeDenies = open("Deny");
  if (allowed === false) return { ...base, decision: "denied", explicit: false, decidedBy: null, uncertainties: [], reasons };
  if (allowed === true && maybeDenies.length === 0) return { ...base, decision: "allowed", explicit: false, decidedBy: grant, uncertainties: [], reasons };
  const maybeAllows = allowed === "unknown" ? open("Allow") : [];
  return { ...base, decision: "allowed-unless", explicit: false, decidedBy: grant, uncertainties: [...gaps, ...maybeAllows, ...maybeDenies], reasons };
}

/** The answer for several actions on one resource (both KMS actions, both Logs actions, PutRecord and PutRecords). */
export interface ActionsResult {
  /** Denied when one action is denied, allowed-unless when one is, else allowed. */
  decision: Decision;
  actions: Array<{ action: string; result: AccessResult }>;
}

/** Evaluates the same request for each action and combines the answers. */
export function evaluateActions(policies: AccessPolicies, request: Omit<AccessRequest, "action">, actions: readonly string[]): ActionsResult {
  const results = actions.map((action) => ({ action, result: evaluateAccess(policies, { ...request, action }) }));
  const decisions = results.map((r) => r.result.decision);
  const decision: Decision = decisions.includes("denied") ? "denied" : decisions.includes("allowed-unless") ? "allowed-unless" : "allowed";
  return { decision, actions: results };
}

