/**
 * Does a Principal / NotPrincipal block name the request's principal? Rules from IAM JSON policy
 * elements: Principal and NotPrincipal.
 */
import type { PrincipalBlock } from "./document.js";
import type { PrincipalRef } from "./request.js";
import { anyOf, type Match } from "./truth.js";
import { parseArn } from "./wildcard.js";

/**
 * How a resource-based statement named the principal — it decides which other policies still
 * count (Policy evaluation logic; Permissions boundaries):
 * - `any`: `"*"` or `{"AWS": "*"}`; `direct`: the exact user, session, federated user, service or
 *   federated provider — neither is limited by the principal's identity-based policies or boundary;
 * - `role`: the role whose session asks — limited by the role's permissions boundary;
 * - `account`: the principal's account — that "delegates authority to the account", whose
 *   identity-based policies must then allow the request too.
 */
export type PrincipalVia = "any" | "direct" | "role" | "account";

/** The verdict on a principal block, with the reason in words when it does not (or may not) match. */
export interface PrincipalMatch {
  matched: Match;
  via?: PrincipalVia;
  reason?: string;
}

/** The request's principal, read. */
interface Caller {
  kind: "service" | "root" | "user" | "role" | "session" | "federated-user" | "federated" | "other";
  /** The ARN, service name or provider as given. */
  name: string;
  account: string | null;
  /** For a role or an assumed-role session: the role's name (a session ARN carries no path). */
  roleName?: string;
}

function readCaller(principal: PrincipalRef): Caller {
  if ("service" in principal) return { kind: "service", name: principal.service, account: null };
  if ("federated" in principal) return { kind: "federated", name: principal.federated, account: principal.account ?? null };
  const arn = parseArn(principal.arn);
  const account = principal.account ?? arn?.account ?? null;
  const resource = arn?.resource ?? "";
  if (arn?.service === "iam" && resource === "root") return { kind: "root", name: principal.arn, account };
  if (arn?.service === "iam" && resource.startsWith("user/")) return { kind: "user", name: principal.arn, account };
  if (arn?.service === "iam" && resource.startsWith("role/")) return { kind: "role", name: principal.arn, account, roleName: resource.split("/").pop()! };
  if (arn?.service === "sts" && resource.startsWith("assumed-role/")) {
    return { kind: "session", name: principal.arn, account, roleName: resource.split("/")[1]! };
  }
  if (arn?.service === "sts" && resource.startsWith("federated-user/")) return { kind: "federated-user", name: principal.arn, account };
  return { kind: "other", name: principal.arn, account };
}

/** The principal's account; null for a service principal, or when the request does not say. */
export function principalAccountOf(principal: PrincipalRef): string | null {
  return readCaller(principal).account;
}

/** The values a block names, for reasons. */
function describeBlock(block: PrincipalBlock): string {
  if (block === "*") return '"*"';
  return Object.values(block).flat().join(", ");
}

/** One `AWS` value against the caller. */
function matchAws(value: string, caller: Caller): { matched: Match; via: PrincipalVia } {
  if (value === "*") return { matched: true, via: "any" };
  // "You cannot use a wildcard to match part of a principal name or ARN": such a value names no one.
  if (/[*?]/.test(value) || caller.kind === "service" || caller.kind === "federated") return { matched: false, via: "direct" };
  const arn = parseArn(value);
  // An account id and its root ARN "behave the same way. Both delegate permissions to the account."
  if (/^\d{12}$/.test(value) || (arn?.service === "iam" && arn.resource === "root")) {
    return { matched: caller.account === (arn ? arn.account : value), via: "account" };
  }
  if (arn?.service === "iam" && arn.resource.startsWith("role/")) {
    const name = arn.resource.split("/").pop();
    // A role ARN names the role's sessions; a session ARN drops the role's path, so the name and
    // account are what can be compared (a role's name is unique in its account).
    const sameRole = (caller.kind === "session" || caller.kind === "role") && caller.account === arn.account && caller.roleName === name;
    return { matched: sameRole, via: "role" };
  }
  if (arn?.service === "sts" && arn.resource.startsWith("assumed-role/") && caller.kind === "role") {
    // The request is known by its role only: whether it is this session cannot be told.
    const sameRole = caller.account === arn.account && caller.roleName === arn.resource.split("/")[1];
    return { matched: sameRole ? "unknown" : false, via: "direct" };
  }
  return { matched: value === caller.name, via: "direct" };
}

/** Does the block name the caller itself (not its account or role)? */
function namesExactly(block: PrincipalBlock, caller: Caller): Match {
  if (block === "*") return true;
  const hits: Match[] = [
    ...(block.AWS ?? []).map((v) => v === caller.name || (caller.kind === "root" && v === caller.account)),
    ...(block.Service ?? []).map((v) => caller.kind === "service" && v === caller.name),
    ...(block.Federated ?? []).map((v) => caller.kind === "federated" && v === caller.name),
    ...(block.CanonicalUser ?? []).map((): Match => (caller.kind === "service" ? false : "unknown")),
  ];
  return anyOf(hits);
}

const VIA_RANK: Record<PrincipalVia, number> = { any: 0, direct: 1, role: 2, account: 3 };

/** Does the block name the caller? The closest way it does, when several entries do. */
function matchBlock(block: PrincipalBlock, caller: Caller): { matched: Match; via?: PrincipalVia } {
  if (block === "*") return { matched: true, via: "any" };
  const hits: Array<{ matched: Match; via: PrincipalVia }> = [];
  for (const value of block.AWS ?? []) hits.push(matchAws(value, caller));
  for (const value of block.Service ?? []) hits.push({ matched: caller.kind === "service" && caller.name === value, via: "direct" });
  for (const value of block.Federated ?? []) hits.push({ matched: caller.kind === "federated" && caller.name === value, via: "direct" });
  // A canonical user is S3's own way to name an account; it cannot be compared with an ARN here.
  for (const _ of block.CanonicalUser ?? []) hits.push({ matched: caller.kind === "service" ? false : "unknown", via: "account" });
  const matched = anyOf(hits.map((h) => h.matched));
  const best = hits.filter((h) => h.matched === matched).sort((a, b) => VIA_RANK[a.via] - VIA_RANK[b.via])[0];
  return best ? { matched, via: best.via } : { matched };
}

/** What else bears on a NotPrincipal. */
export interface PrincipalOptions {
  effect: "Allow" | "Deny";
  /** The principal has a permissions boundary. */
  hasBoundary?: boolean;
}

/**
 * The Principal or NotPrincipal of a resource-based statement against the request's principal.
 *
 * NotPrincipal excepts the principals it names themselves: naming an account (or a role) does
 * not except the account's other principals — the docs' "all principals except the user named
 * Bob" lists Bob's account too only because "AWS might validate the account first and then the
 * user" (and for a session the account, the role, then the session). So a NotPrincipal naming a
 * user or session without its account (and role) may or may not except it: uncertain here (IAM
 * JSON policy elements: NotPrincipal). And a NotPrincipal with Deny "will always deny any IAM
 * principal that has a permissions boundary policy attached" (Permissions boundaries for IAM entities).
 */
export function matchStatementPrincipal(
  principal: PrincipalBlock | null,
  notPrincipal: PrincipalBlock | null,
  request: PrincipalRef,
  options: PrincipalOptions,
): PrincipalMatch {
  const caller = readCaller(request);
  const who = caller.name;
  if (principal !== null) {
    const { matched, via } = matchBlock(principal, caller);
    if (matched === true) return { matched, via: via! };
    const reason =
      matched === "unknown"
        ? `its principal ${describeBlock(principal)} may or may not be ${who}`
        : `its principal is ${describeBlock(principal)}, not ${who}`;
    return via ? { matched, via, reason } : { matched, reason };
  }
  if (notPrincipal === null) return { matched: false, reason: "a resource-based statement needs a Principal" };
  const iamPrincipal = caller.kind === "user" || caller.kind === "role" || caller.kind === "session" || caller.kind === "federated-user";
  if (options.effect === "Deny" && options.hasBoundary && iamPrincipal) return { matched: true, via: "any" };
  const excepted = namesExactly(notPrincipal, caller);
  if (excepted === false) return { matched: true, via: "any" };
  if (excepted === "unknown") return { matched: "unknown", via: "any", reason: `its NotPrincipal ${describeBlock(notPrincipal)} may or may not name ${who}` };
  const names = (via: PrincipalVia) => notPrincipal === "*" || (notPrincipal.AWS ?? []).some((v) => matchAws(v, caller).via === via && matchAws(v, caller).matched === true);
  const missing = [
    caller.kind !== "root" && caller.account && !names("account") ? `its account ${caller.account}` : null,
    caller.kind === "session" && !names("role") ? `its role ${caller.roleName}` : null,
  ].filter(Boolean);
  if (missing.length > 0) {
    return { matched: "unknown", via: "any", reason: `its NotPrincipal names ${who} but not ${missing.join(" or ")}, which AWS may evaluate first` };
  }
  return { matched: false, reason: `its NotPrincipal names ${who}` };
}
