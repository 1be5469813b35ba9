/**
 * IAM policy evaluation for course-doctor's checks: resource policies (function, queue, topic,
 * log group, bus), KMS key policies, role trust policies and a role's permission policies with
 * its boundary — one evaluator, answers with reasons in words. Pure: no I/O, no clock.
 */
export { InvalidPolicyError, parsePolicy, readPolicy, validatePolicy } from "./document.js";
export type { ConditionEntry, Policy, PolicyProblem, PolicyReading, PrincipalBlock, PrincipalType, Statement } from "./document.js";
export { EVENTS_SERVICE, eventBridgeDeliveryRequest, roleRequest } from "./request.js";
export type { AccessRequest, ContextValue, PrincipalRef } from "./request.js";
export { evaluateAccess, evaluateActions, evaluatePolicy, evaluateStatement } from "./evaluate.js";
export type {
  AccessDecision,
  AccessPolicies,
  AccessResult,
  ActionsResult,
  Decision,
  ElementResult,
  EvaluateOptions,
  PolicyResult,
  PolicyRole,
  ReadingNote,
  StatementRef,
  StatementResult,
  Uncertainty,
} from "./evaluate.js";
export type { ConditionResult } from "./condition.js";
export type { PrincipalVia } from "./principal.js";
export type { Match } from "./truth.js";
export { describeDecision, describeStatement, describeStatementRef } from "./describe.js";
