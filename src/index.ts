/**
 * course-doctor as a library: EventBridge event-pattern matching for unit tests of rules.
 *
 *   import { matchesPattern, explainMatch } from "course-doctor";
 *   matchesPattern({ source: ["orders"] }, event); // true / false, as EventBridge decides
 *
 * Patterns and events are objects or JSON strings. An invalid pattern throws
 * InvalidPatternError (with `path` and `reason`).
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
