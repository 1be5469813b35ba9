/**
 * The use case behind `course-doctor input TRANSFORMER EVENT`: what a target receives,
 * offline. Pure: it takes parsed JSON (or JSON text) and returns data; the CLI reads the
 * files and prints. Bad input throws InvalidInputTransformError (the target settings) or
 * InvalidEventError (the event), each with a one-line message, for the CLI to map to exit 2.
 */
import { normalizeEvent, validateEntry, type PutEventsEntry } from "../event/index.js";
import { InvalidEventError } from "../pattern/errors.js";
import { JsonSyntaxError } from "../pattern/json.js";
import { applyTargetInput, formatIngestionTime } from "./apply.js";
import { InvalidInputTransformError } from "./errors.js";
import { isJsonObject, readEventText } from "./json-text.js";
import type { InputContext, TargetInputResult, TargetInputSettings } from "./types.js";
import { pickTargetInput } from "./validate.js";

/** What `course-doctor input` is given. */
export interface TransformCommandOptions {
  /**
   * The target's input settings: `{Input | InputPath | InputTransformer}`, a whole target as
   * ListTargetsByRule returns it, ListTargetsByRule's answer with one target, or the
   * InputTransformer object itself (`{InputPathsMap, InputTemplate}`). Parsed JSON or JSON text.
   */
  transformer: unknown;
  /**
   * A full event or a PutEvents entry (or a PutEvents request with one entry). Parsed
   * JSON or JSON text; pass the text to keep number literals exactly as written (`1.50`).
   */
  event: unknown;
  ruleArn?: string;
  ruleName?: string;
  ingestionTime?: string;
}

/** The payload, plus the event and rule values it was computed with (defaults included). */
export interface TransformCommandResult extends TargetInputResult {
  /** The event as EventBridge delivers it (an entry turned into the full event). */
  event: Record<string, unknown>;
  context: Required<Pick<InputContext, "ruleArn" | "ruleName">> & { ingestionTime: string };
}

/** The rule name used when none is given: the guide's own example rule. */
export const DEFAULT_RULE_NAME = "example";

const TARGET_FIELDS = [
  "Id", "Arn", "RoleArn", "Input", "InputPath", "InputTransformer", "KinesisParameters", "RunCommandParameters",
  "EcsParameters", "BatchParameters", "SqsParameters", "HttpParameters", "RedshiftDataParameters",
  "SageMakerPipelineParameters", "DeadLetterConfig", "RetryPolicy", "AppSyncParameters",
];

/**
 * Applies the target's input settings to the event. Defaults for what the event does not
 * hold: the rule name `example`; the rule ARN built from it and the event's region and
 * account (`arn:aws:events:REGION:ACCOUNT:rule/NAME`, with the bus segment when a
 * PutEvents entry names a custom bus) — a placeholder, never the real rule's ARN; the
 * ingestion time is the event's own `time` (an entry without Time gets a fixed time,
 * since this never reads the clock).
 */
export function transformForCommand(options: TransformCommandOptions): TransformCommandResult {
  const settings = readSettings(options.transformer);
  const { event, busName } = readDeliveredEvent(options.event);
  const region = typeof event.region === "string" ? event.region : "us-east-1";
  const account = typeof event.account === "string" ? event.account : "123456789012";
  const ruleName = options.ruleName ?? (options.ruleArn ? options.ruleArn.slice(options.ruleArn.lastIndexOf("/") + 1) : DEFAULT_RULE_NAME);
  const ruleArn = options.ruleArn ?? `arn:${partitionOf(region)}:events:${region}:${account}:rule/${busName ? `${busName}/` : ""}${ruleName}`;
  const ingestionTime = formatIngestionTime(options.ingestionTime ?? (typeof event.time === "string" ? event.time : ""));
  const context = { ruleArn, ruleName, ingestionTime };
  return { ...applyTargetInput(settings, event, context), event, context };
}

function readSettings(input: unknown): TargetInputSettings {
  let value = input;
  if (typeof value === "string") {
    try {
      value = readEventText(value);
    } catch (error) {
      throw new InvalidInputTransformError("$", `the target settings are not valid JSON: ${error instanceof JsonSyntaxError ? error.message : String(error)}`);
    }
  }
  if (!isJsonObject(value)) throw new InvalidInputTransformError("$", "the target settings must be a JSON object: {\"InputPath\": ...}, {\"InputTransformer\": ...}, or a whole target");
  if (Array.isArray(value.Targets)) {
    if (value.Targets.length !== 1) throw new InvalidInputTransformError("$.Targets", `lists ${value.Targets.length} targets; pass the one to apply`);
    return readSettings(value.Targets[0]);
  }
  if (value.InputTemplate !== undefined && value.InputTransformer === undefined) return { InputTransformer: value as never };
  const keys = Object.keys(value);
  if (keys.length > 0 && !keys.some((key) => TARGET_FIELDS.includes(key))) {
    throw new InvalidInputTransformError("$", `no Input, InputPath or InputTransformer here (keys: ${keys.slice(0, 5).join(", ")})`);
  }
  return pickTargetInput(value);
}

function readDeliveredEvent(input: unknown): { event: Record<string, unknown>; busName: string | undefined } {
  let value = input;
  if (typeof value === "string") {
    try {
      value = readEventText(value);
    } catch (error) {
      throw new InvalidEventError(`the event is not valid JSON: ${error instanceof JsonSyntaxError ? error.message : String(error)}`);
    }
  }
  if (isJsonObject(value) && Array.isArray(value.Entries)) {
    if (value.Entries.length !== 1) throw new InvalidEventError(`the PutEvents request has ${value.Entries.length} entries; pass the one to apply`);
    value = value.Entries[0];
  }
  // A context makes the generated id and time deterministic: this never reads the clock.
  const normalized = normalizeEvent(value, {});
  if (normalized.form === "event") return { event: normalized.event, busName: undefined };
  const problem = validateEntry(normalized.entry)[0];
  if (problem) throw new InvalidEventError(`PutEvents rejects this entry, so no target receives anything: ${problem.field}: ${problem.message}`);
  const event = normalized.event;
  // normalizeEvent reads Detail with the matching reader; re-read it keeping number spelling.
  if (typeof normalized.entry.Detail === "string") event.detail = readEventText(normalized.entry.Detail);
  return { event, busName: busNameOf(normalized.entry) };
}

function busNameOf(entry: PutEventsEntry): string | undefined {
  const bus = entry.EventBusName;
  if (!bus) return undefined;
  const name = bus.includes(":event-bus/") ? bus.slice(bus.indexOf(":event-bus/") + ":event-bus/".length) : bus;
  return name === "default" ? undefined : name;
}

function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}
