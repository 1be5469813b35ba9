/**
 * course-doctor as a library: EventBridge event-pattern matching for unit tests of rules.
 *
 *   import { matchesPattern, explainMatch } from "course-doctor";
 *   matchesPattern({ source: ["orders"] }, event); // true / false, as EventBridge decides
 *
 * Patterns and events are objects or JSON strings. An invalid pattern throws
 * InvalidPatternError (with `path` and `reason`).
 *
 * And IAM policy evaluation, as course-doctor's checks use it:
 *
 *   import { evaluatePolicy, eventBridgeDeliveryRequest, describeDecision } from "course-doctor";
 *   const request = eventBridgeDeliveryRequest({ ruleArn, action: "lambda:InvokeFunction", resource: functionArn });
 *   describeDecision(evaluatePolicy(functionPolicy, request)); // "allowed by statement events-invoke"
 *
 * An invalid policy throws InvalidPolicyError (with `path` and `reason`); validatePolicy lists problems.
 *
 * And what a rule target receives, the way EventBridge builds it from Input, InputPath or
 * InputTransformer:
 *
 *   import { applyTargetInput, validateTargetInput } from "course-doctor";
 *   applyTargetInput({ InputPath: "$.detail" }, event).payload; // the exact text delivered
 *
 * Settings PutTargets rejects throw InvalidInputTransformError (with `path` and `reason`).
 */
export {
  compilePattern,
  explainMatch,
  InvalidEventError,
  InvalidPatternError,
  lintPattern,
  matchesPattern,
  RuleSet,
  validatePattern,
  type CompiledPattern,
  type FieldMismatch,
  type LintIssue,
  type LintOptions,
  type MatchExplanation,
} from "./pattern/index.js";
export {
  entrySize,
  normalizeEvent,
  validateEntry,
  type EntryProblem,
  type EventContext,
  type NormalizedEvent,
  type PutEventsEntry,
} from "./event/index.js";
export {
  describeDecision,
  describeStatement,
  describeStatementRef,
  EVENTS_SERVICE,
  evaluateAccess,
  evaluateActions,
  evaluatePolicy,
  evaluateStatement,
  eventBridgeDeliveryRequest,
  InvalidPolicyError,
  parsePolicy,
  readPolicy,
  roleRequest,
  validatePolicy,
  type AccessDecision,
  type AccessPolicies,
  type AccessRequest,
  type AccessResult,
  type ActionsResult,
  type ConditionEntry,
  type ConditionResult,
  type ContextValue,
  type Decision,
  type ElementResult,
  type EvaluateOptions,
  type Match,
  type Policy,
  type PolicyProblem,
  type PolicyReading,
  type PolicyResult,
  type PolicyRole,
  type PrincipalBlock,
  type PrincipalRef,
  type PrincipalType,
  type PrincipalVia,
  type ReadingNote,
  type Statement,
  type StatementRef,
  type StatementResult,
  type Uncertainty,
} from "./policy/index.js";
export {
  applyTargetInput,
  assertTargetInput,
  formatIngestionTime,
  InvalidInputTransformError,
  isJsonTemplate,
  buildLegacyEvent,
  MAX_INPUT_LENGTH,
  MAX_VARIABLES,
  parseInputPath,
  pickTargetInput,
  PREDEFINED_VARIABLES,
  readInputPath,
  repairTargetInput,
  transformForCommand,
  validateTargetInput,
  type InputContext,
  type InputMode,
  type InputPathExpression,
  type InputProblem,
  type InputRepair,
  type InputTransformerSettings,
  type InputWarning,
  type InputWarningCode,
  type PathStep,
  type PathValue,
  type PredefinedVariable,
  type TargetDescription,
  type TargetInputResult,
  type TargetInputSettings,
  type TransformCommandOptions,
  type TransformCommandResult,
} from "./input/index.js";
