/**
 * The shapes the input-transformation engine reads and returns. Field names follow the
 * EventBridge API (API_Target, API_InputTransformer) so a target read from
 * ListTargetsByRule can be passed as it is.
 */

/** The input fields of a rule target; PutTargets accepts at most one of them. */
export interface TargetInputSettings {
  /** Constant JSON text sent instead of the event. */
  Input?: string;
  /** A JSONPath into the event; its value is sent instead of the event. */
  InputPath?: string;
  /** Variables read from the event, substituted into a template. */
  InputTransformer?: InputTransformerSettings;
}

/** API_InputTransformer. */
export interface InputTransformerSettings {
  /** Variable name → JSONPath into the event; at most 100 entries. */
  InputPathsMap?: Record<string, string>;
  /** The text sent, with `<name>` placeholders. */
  InputTemplate: string;
}

/** A target as ListTargetsByRule returns it; only its input fields matter here. */
export interface TargetDescription extends TargetInputSettings {
  Id?: string;
  Arn?: string;
  RoleArn?: string;
  [field: string]: unknown;
}

/** The values of the predefined variables that the event does not hold. */
export interface InputContext {
  /** `<aws.events.rule-arn>`. */
  ruleArn?: string;
  /** `<aws.events.rule-name>`. */
  ruleName?: string;
  /** `<aws.events.event.ingestion-time>`: when EventBridge received the event. */
  ingestionTime?: string | Date;
}

/** A setting PutTargets would reject; `path` points into the settings (`$.InputTransformer.InputPathsMap.foo`). */
export interface InputProblem {
  path: string;
  /** One line: what is wrong and what the service says. */
  reason: string;
}

/** Why a payload deserves a second look. */
export type InputWarningCode =
  /** A variable or InputPath found nothing in the event; an empty value (or `{}`) takes its place. */
  | "missing-value"
  /** A placeholder neither defined in InputPathsMap nor predefined stays in the payload as `<name>`. */
  | "undefined-placeholder"
  /** An object or array placeholder inside quotes in a JSON template: accepted, and never delivered. */
  | "quoted-object-placeholder"
  /** The payload is not JSON: EventBridge does not deliver it (INVALID_JSON). */
  | "invalid-json"
  /** Delivered, but as lines of quoted text rather than one JSON value: a Lambda target cannot parse it. */
  | "not-json"
  /** Nothing to send: the payload is empty. */
  | "empty-payload"
  /** The payload no longer carries the event's `source` / `detail-type`. */
  | "drops-envelope";

/** Something the caller should know about a payload; `path` points into the settings. */
export interface InputWarning {
  code: InputWarningCode;
  message: string;
  path?: string;
  /** The template placeholder the warning is about (`detail` for `<detail>`), when there is one. */
  placeholder?: string;
}

/** Which of the target's input settings produced the payload. */
export type InputMode = "event" | "input" | "input-path" | "input-transformer";

/** What a target receives for one event. */
export interface TargetInputResult {
  /**
   * The exact text EventBridge builds for the target. When `delivered` is false it is the
   * text the service refuses to send (what a dead-letter queue would hold, with
   * ERROR_CODE INVALID_JSON), not something the target ever sees.
   */
  payload: string;
  /** The payload parsed, when it is one JSON value; null otherwise (see `isJson`). */
  json: unknown;
  /** True when the payload is one JSON value (`json` then holds it, even a JSON null). */
  isJson: boolean;
  /** False when EventBridge will not deliver this payload (invalid JSON, or empty). */
  delivered: boolean;
  mode: InputMode;
  /** For an InputTransformer: whether the service reads the template as JSON (an object) or as text. */
  template?: "json" | "text";
  /** Whether the payload is an object that still has the event's top-level `source` and `detail-type` keys. */
  keeps: { source: boolean; detailType: boolean };
  warnings: InputWarning[];
}
