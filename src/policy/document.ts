/**
 * IAM policy documents, read and checked: JSON text or an object in, a normalised `Policy`
 * out (single values become lists), or the problems that make it invalid. Grammar:
 * IAM User Guide, "Grammar of the IAM JSON policy language" and "IAM JSON policy elements".
 */
import { parseOperator } from "./operator.js";

/** A principal block as written: `"*"` or a map from principal type to its values. */
export type PrincipalBlock = "*" | Partial<Record<PrincipalType, string[]>>;

/** The principal types the grammar allows in a principal map. */
export type PrincipalType = "AWS" | "Service" | "Federated" | "CanonicalUser";

const PRINCIPAL_TYPES: readonly string[] = ["AWS", "Service", "Federated", "CanonicalUser"];

/** One condition test: `"Operator": { "key": [values] }`, one entry per key. */
export interface ConditionEntry {
  /** The operator exactly as written, e.g. `ForAllValues:StringNotLikeIfExists`. */
  operator: string;
  /** The key as written (keys compare case-insensitively). */
  key: string;
  /** The values as strings (JSON numbers and booleans are written as IAM reads them). */
  values: string[];
}

/** One statement, normalised. Absent elements are null. */
export interface Statement {
  /** Position in the policy's statement list (0-based). */
  index: number;
  sid: string | null;
  effect: "Allow" | "Deny";
  principal: PrincipalBlock | null;
  notPrincipal: PrincipalBlock | null;
  action: string[] | null;
  notAction: string[] | null;
  resource: string[] | null;
  notResource: string[] | null;
  conditions: ConditionEntry[];
}

/** A policy document, normalised. */
export interface Policy {
  /** `2012-10-17`, `2008-10-17`, or null when absent (policy variables need `2012-10-17`). */
  version: string | null;
  id: string | null;
  statements: Statement[];
}

/** Something wrong with a policy: where (a JSON path such as `$.Statement[2].Effect`) and why, in one line. */
export interface PolicyProblem {
  path: string;
  reason: string;
  /** `error`: IAM would reject the policy; `warning`: valid, but IAM's documentation advises against it. */
  severity: "error" | "warning";
}

/** The policy is not a valid IAM policy; `path` and `reason` say where and why. */
export class InvalidPolicyError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
    /** Every error found, the first of which is `path`/`reason`. */
    readonly problems: PolicyProblem[] = [{ path, reason, severity: "error" }],
  ) {
    super(`invalid policy at ${path}: ${reason}`);
    this.name = "InvalidPolicyError";
  }
}

/** A policy's valid statements, and a problem for each part that is not valid. */
export interface PolicyReading {
  policy: Policy;
  problems: PolicyProblem[];
}

const STATEMENT_KEYS = new Set(["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"]);

/** Parses and checks a policy; throws InvalidPolicyError on the first error. Warnings do not throw. */
export function parsePolicy(input: string | object): Policy {
  const { policy, problems } = readPolicy(input);
  const errors = problems.filter((p) => p.severity === "error");
  if (errors.length > 0) throw new InvalidPolicyError(errors[0]!.path, errors[0]!.reason, errors);
  return policy;
}

/** Every problem of a policy (errors and warnings); an empty list for a clean policy. Never throws. */
export function validatePolicy(input: string | object): PolicyProblem[] {
  return readPolicy(input).problems;
}

/**
 * Reads a policy without throwing: the statements that are valid, and a problem for each
 * invalid one (which is left out, so it can never count as an Allow or a Deny). For callers
 * that report a broken statement rather than refuse the whole policy.
 */
export function readPolicy(input: string | object): PolicyReading {
  const problems: PolicyProblem[] = [];
  const error = (path: string, reason: string) => problems.push({ path, reason, severity: "error" });
  let document: unknown = input;
  if (typeof input === "string") {
    try {
      document = JSON.parse(input);
    } catch (e) {
      error("$", `not JSON: ${(e as Error).message}`);
      return { policy: { version: null, id: null, statements: [] }, problems };
    }
  }
  if (!isRecord(document)) {
    error("$", "a policy is a JSON object");
    return { policy: { version: null, id: null, statements: [] }, problems };
  }
  let version: string | null = null;
  if (document.Version !== undefined) {
    if (document.Version === "2012-10-17" || document.Version === "2008-10-17") version = document.Version;
    else error("$.Version", `Version is "2012-10-17" or "2008-10-17", not ${JSON.stringify(document.Version)}`);
  }
  const id = typeof document.Id === "string" ? document.Id : null;
  const raw = document.Statement;
  const list = Array.isArray(raw) ? raw : raw === undefined ? null : [raw];
  if (list === null) error("$.Statement", "a policy needs a Statement");
  const statements: Statement[] = [];
  for (const [index, item] of (list ?? []).entries()) {
    const path = Array.isArray(raw) ? `$.Statement[${index}]` : "$.Statement";
    const before = problems.length;
    const statement = readStatement(item, index, path, problems);
    const broken = problems.slice(before).some((p) => p.severity === "error");
    if (statement && !broken) statements.push(statement);
  }
  return { policy: { version, id, statements }, problems };
}

function readStatement(item: unknown, index: number, path: string, problems: PolicyProblem[]): Statement | null {
  const error = (where: string, reason: string) => problems.push({ path: `${path}${where}`, reason, severity: "error" });
  const warn = (where: string, reason: string) => problems.push({ path: `${path}${where}`, reason, severity: "warning" });
  if (!isRecord(item)) {
    error("", "a statement is a JSON object");
    return null;
  }
  for (const key of Object.keys(item)) if (!STATEMENT_KEYS.has(key)) error(`.${key}`, `${key} is not a statement element`);

  const effect = item.Effect;
  // The Effect value is case sensitive (IAM JSON policy elements: Effect): "deny" is invalid, not a Deny.
  if (effect !== "Allow" && effect !== "Deny") {
    error(".Effect", effect === undefined ? "a statement needs an Effect" : `Effect is "Allow" or "Deny" (case-sensitive), not ${JSON.stringify(effect)}`);
  }
  const sid = item.Sid === undefined ? null : typeof item.Sid === "string" ? item.Sid : (error(".Sid", "Sid is a string"), null);

  const pair = <T>(a: string, b: string, read: (value: unknown, where: string) => T | null, required: boolean): [T | null, T | null] => {
    if (item[a] !== undefined && item[b] !== undefined) error(`.${b}`, `a statement has ${a} or ${b}, not both`);
    else if (required && item[a] === undefined && item[b] === undefined) error("", `a statement needs ${a} or ${b}`);
    return [item[a] === undefined ? null : read(item[a], `.${a}`), item[b] === undefined ? null : read(item[b], `.${b}`)];
  };
  const strings = (value: unknown, where: string): string[] | null => {
    const list = Array.isArray(value) ? value : [value];
    if (list.length === 0 || !list.every((v) => typeof v === "string")) {
      error(where, "a string or a non-empty list of strings");
      return null;
    }
    return list as string[];
  };
  const principals = (value: unknown, where: string): PrincipalBlock | null => readPrincipal(value, `${path}${where}`, problems);

  // Action or NotAction is required; Resource and Principal are optional here because role
  // trust policies name no Resource and identity-based policies name no Principal.
  const [action, notAction] = pair("Action", "NotAction", strings, true);
  const [resource, notResource] = pair("Resource", "NotResource", strings, false);
  const [principal, notPrincipal] = pair("Principal", "NotPrincipal", principals, false);
  const conditions = item.Condition === undefined ? [] : readConditions(item.Condition, `${path}.Condition`, problems);

  if (notPrincipal !== null && effect === "Allow") {
    // IAM JSON policy elements: NotPrincipal — "We strongly recommend that you do not use NotPrincipal
    // in the same policy statement as "Effect": "Allow"": it grants everyone else, anonymous users included.
    warn(".NotPrincipal", "NotPrincipal with Allow grants every principal but those named, anonymous users included");
  }
  if (effect !== "Allow" && effect !== "Deny") return null;
  return { index, sid, effect, principal, notPrincipal, action, notAction, resource, notResource, conditions };
}

function readPrincipal(value: unknown, path: string, problems: PolicyProblem[]): PrincipalBlock | null {
  if (value === "*") return "*";
  if (!isRecord(value)) {
    problems.push({ path, reason: `a principal is "*" or a map such as {"Service": "events.amazonaws.com"}, not ${JSON.stringify(value)}`, severity: "error" });
    return null;
  }
  const block: Partial<Record<PrincipalType, string[]>> = {};
  for (const [type, entry] of Object.entries(value)) {
    if (!PRINCIPAL_TYPES.includes(type)) {
      problems.push({ path: `${path}.${type}`, reason: `${type} is not a principal type (AWS, Service, Federated, CanonicalUser)`, severity: "error" });
      continue;
    }
    const list = Array.isArray(entry) ? entry : [entry];
    if (list.length === 0 || !list.every((v) => typeof v === "string")) {
      problems.push({ path: `${path}.${type}`, reason: "a string or a non-empty list of strings", severity: "error" });
      continue;
    }
    for (const [i, v] of (list as string[]).entries()) {
      // IAM JSON policy elements: Principal — "You cannot use a wildcard to match part of a principal name or ARN."
      if (v !== "*" && /[*?]/.test(v)) {
        problems.push({ path: `${path}.${type}${Array.isArray(entry) ? `[${i}]` : ""}`, reason: `${v}: a wildcard cannot match part of a principal`, severity: "warning" });
      }
    }
    block[type as PrincipalType] = list as string[];
  }
  return block;
}

function readConditions(value: unknown, path: string, problems: PolicyProblem[]): ConditionEntry[] {
  if (!isRecord(value)) {
    problems.push({ path, reason: 'Condition is a map: {"Operator": {"key": "value"}}', severity: "error" });
    return [];
  }
  const entries: ConditionEntry[] = [];
  for (const [operator, block] of Object.entries(value)) {
    if (!isRecord(block)) {
      problems.push({ path: `${path}.${operator}`, reason: `${operator} takes a map of condition keys to values`, severity: "error" });
      continue;
    }
    for (const [key, raw] of Object.entries(block)) {
      const list = Array.isArray(raw) ? raw : [raw];
      if (list.length === 0 || !list.every((v) => typeof v === "string" || typeof v === "number" || typeof v === "boolean")) {
        problems.push({ path: `${path}.${operator}.${key}`, reason: "a condition value is a string, number or boolean, or a non-empty list of them", severity: "error" });
        continue;
      }
      // An operator the evaluator does not know stays in the statement: its condition is then
      // reported as one that cannot be evaluated, never silently true or false.
      if (!parseOperator(operator)) problems.push({ path: `${path}.${operator}`, reason: `${operator} is not a condition operator IAM documents`, severity: "warning" });
      entries.push({ operator, key, values: list.map(String) });
    }
  }
  return entries;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
