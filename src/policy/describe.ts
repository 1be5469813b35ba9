/**
 * One-line reasons built from the evaluator's answers, for checks that explain a verdict.
 */
import type { AccessDecision, AccessResult, StatementRef, StatementResult } from "./evaluate.js";

const ROLE_NAMES = { resource: "the resource policy", identity: "identity-based policy", boundary: "the permissions boundary" } as const;

/** `statement Sid` (or `statement 3`, 1-based, without a Sid), and the policy holding it when known. */
export function describeStatementRef(ref: StatementRef): string {
  const name = ref.sid ? `statement ${ref.sid}` : `statement ${ref.index + 1}`;
  if (!ref.policy) return name;
  const policy = ref.policy === "identity" && ref.policyIndex !== undefined ? `identity-based policy ${ref.policyIndex + 1}` : ROLE_NAMES[ref.policy];
  return `${name} of ${policy}`;
}

/** Why a statement does or does not apply to the request, in one line. */
export function describeStatement(result: StatementResult): string {
  const name = `${describeStatementRef(result)} (${result.effect})`;
  if (result.applies === true) return `${name} applies`;
  const parts = [result.principal, result.action, result.resource, result.condition].filter((e) => e.matched !== true && e.reason).map((e) => e.reason);
  return `${name} ${result.applies === false ? "does not apply" : "may apply"}: ${parts.join("; ")}`;
}

/** The answer in one line: what decided it, and for allowed-unless what could not be evaluated. */
export function describeDecision(result: AccessDecision | AccessResult): string {
  const by = result.decidedBy ? describeStatementRef(result.decidedBy) : null;
  const combined = "reasons" in result && result.reasons.length > 0 ? ` (${result.reasons.join("; ")})` : "";
  if (result.decision === "denied") {
    return result.explicit ? `denied: ${by} explicitly denies it, and a Deny wins over any Allow` : `denied: nothing allows it${combined}`;
  }
  const allowedBy = by ? `allowed by ${by}` : "allowed";
  if (result.decision === "allowed") return allowedBy;
  const unless = result.uncertainties.map((u) => (u.statement ? `${describeStatementRef(u.statement)} (${u.effect}): ${u.reasons.join("; ")}` : u.reasons.join("; ")));
  return `${allowedBy}, unless: ${unless.join("; ")}`;
}
