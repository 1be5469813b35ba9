/**
 * The request a policy is evaluated against: who asks, for which action on which resource,
 * and which condition keys the request carries — plus builders for the requests
 * course-doctor asks about (EventBridge delivering to a target, a role acting on a resource).
 */
import { parseArn } from "./wildcard.js";

/** A context key's value: one value for a single-valued key, a list for a multivalued key. */
export type ContextValue = string | number | boolean | readonly string[];

/**
 * Who makes the request: an AWS service principal, an AWS identity by ARN (a role, an
 * assumed-role session, a user, a federated user, or an account's root), or a web-identity or
 * SAML federated principal. `account` defaults to the ARN's account.
 */
export type PrincipalRef = { service: string } | { arn: string; account?: string } | { federated: string; account?: string };

/** A request: the principal, the action, the resource, and its condition context. */
export interface AccessRequest {
  principal: PrincipalRef;
  /** `service:Action`, e.g. `lambda:InvokeFunction`. */
  action: string;
  /** The resource's ARN (for a role trust policy, the role's). */
  resource: string;
  /** The condition keys the request carries and their values; key names compare case-insensitively. */
  context: Record<string, ContextValue>;
  /**
   * The keys the request does not carry, beyond `context`: `"all-others"` (the context is the
   * whole request context), or a list of key names (`aws:PrincipalTag/*` covers a family). A
   * condition on a key that is neither in `context` nor absent cannot be evaluated, and the
   * answer names it. Defaults to `"all-others"`.
   */
  absent?: "all-others" | readonly string[];
  /**
   * Assumptions behind context values, by key: when a statement that could decide the answer
   * tests such a key, the answer carries a note with this text, so a caller can say which
   * reading the verdict rests on.
   */
  readings?: Record<string, string>;
}

/** EventBridge's service principal. */
export const EVENTS_SERVICE = "events.amazonaws.com";

/**
 * The keys an EventBridge delivery is known not to carry: it is a service principal, so the
 * keys that describe an IAM principal or its organization are absent (AWS global condition
 * context keys: aws:PrincipalOrgID and aws:PrincipalOrgPaths are "included ... only if the
 * principal is a member of an organization", aws:PrincipalTag only for a tagged IAM principal).
 * aws:PrincipalAccount and aws:PrincipalArn follow the project's reading (shared KNOWLEDGE.md,
 * "Policy evaluation"): EventBridge does not send them. Every other key not in the context is
 * unknown, not absent.
 */
const ABSENT_FOR_EVENTBRIDGE = ["aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalAccount", "aws:PrincipalArn", "aws:PrincipalTag/*"];

/**
 * What EventBridge sends when it delivers an event to a target on behalf of the rule `ruleArn`:
 * principal `events.amazonaws.com`; `aws:SourceArn` = the rule's ARN; `aws:SourceAccount` = the
 * rule's account; `aws:PrincipalServiceName` = `events.amazonaws.com`;
 * `aws:PrincipalIsAWSService` = true; and not `aws:PrincipalOrgID`, `aws:PrincipalAccount` or
 * `aws:PrincipalArn`. `context` adds keys a caller knows more about.
 *
 * The `aws:SourceAccount` reading is an assumption: the evaluator takes it to be the rule's
 * account. AWS's troubleshooting guide says a SourceAccount condition can stop EventBridge
 * invoking a Lambda function, so the request carries a reading for that key, and an answer that
 * rests on a SourceAccount condition says so in its `notes` — a check can warn about it.
 */
export function eventBridgeDeliveryRequest(input: {
  ruleArn: string;
  action: string;
  resource: string;
  context?: Record<string, ContextValue>;
}): AccessRequest {
  const account = parseArn(input.ruleArn)?.account ?? "";
  return {
    principal: { service: EVENTS_SERVICE },
    action: input.action,
    resource: input.resource,
    context: {
      "aws:SourceArn": input.ruleArn,
      "aws:SourceAccount": account,
      "aws:PrincipalServiceName": EVENTS_SERVICE,
      "aws:PrincipalIsAWSService": true,
      ...input.context,
    },
    absent: ABSENT_FOR_EVENTBRIDGE,
    readings: {
      "aws:SourceAccount": `aws:SourceAccount is read as the rule's account (${account}); AWS's troubleshooting guide says a SourceAccount condition can stop EventBridge invoking a Lambda function`,
    },
  };
}

/**
 * A request made with a role's credentials (EventBridge using a target's role, a function using
 * its execution role): the principal is the role; aws:PrincipalArn is the role's ARN and
 * aws:PrincipalAccount its account (AWS global condition context keys: "For IAM roles, the
 * request context returns the ARN of the role"). Nothing else about the context is known.
 */
export function roleRequest(input: { roleArn: string; action: string; resource: string; context?: Record<string, ContextValue> }): AccessRequest {
  const account = parseArn(input.roleArn)?.account ?? "";
  return {
    principal: { arn: input.roleArn, account },
    action: input.action,
    resource: input.resource,
    context: { "aws:PrincipalArn": input.roleArn, "aws:PrincipalAccount": account, "aws:PrincipalIsAWSService": false, ...input.context },
    absent: ["aws:PrincipalServiceName"],
  };
}
