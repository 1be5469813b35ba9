/**
 * What a rule target receives for one event: the event, a constant Input, the value at
 * an InputPath, or an InputTransformer's template filled from the event.
 *
 * Where the user guide and the running service disagree, this follows the service. The
 * recordings relied on: localstack's AWS-validated snapshots (tests/aws/services/events/
 * test_events_inputs.snapshot.json) and the radkawar/stackd recording
 * (testdata/aws/eventbridge/inputs.json: SQS bodies and DLQ messages), summarised in
 * /work/shared/KNOWLEDGE.md, "Input transformation".
 */
import { InvalidEventError, jsonPath } from "../pattern/errors.js";
import { JsonSyntaxError } from "../pattern/json.js";
import { InvalidInputTransformError } from "./errors.js";
import { isJsonObject, readEventText, readPayload, writeJson } from "./json-text.js";
import { parseInputPath, readInputPath, type PathValue } from "./path.js";
import { fillTemplate, isPredefinedVariable, readTemplate, type TemplateSlot } from "./template.js";
import type { InputContext, InputMode, InputWarning, TargetDescription, TargetInputResult, TargetInputSettings } from "./types.js";
import { pickTargetInput, validateTargetInput } from "./validate.js";

/**
 * The payload EventBridge sends to a target with these input settings (the target's
 * Input / InputPath / InputTransformer fields, or a whole target) for the event as
 * delivered (an object, or JSON text: then number literals keep their spelling).
 *
 * - No input settings: the event as compact JSON.
 * - `Input`: the text as given (even `""`).
 * - `InputPath`: the value's JSON; a path that finds nothing, or finds null, sends `{}`
 *   (recorded: `$.detail.missing` and `$.detail.nothing` both arrive as `{}`; so does
 *   an empty InputPath).
 * - `InputTransformer`: see renderValue for how each value is written.
 *
 * When the service would not deliver the result (not JSON, e.g. a quoted object
 * placeholder in a JSON template), `payload` is still the text it built — what a
 * dead-letter queue receives with ERROR_CODE INVALID_JSON — and `delivered` is false.
 *
 * Throws InvalidInputTransformError for settings PutTargets rejects (no such target can
 * exist) and InvalidEventError for an event that is not a JSON object.
 */
export function applyTargetInput(settings: TargetInputSettings | TargetDescription, event: object | string, context: InputContext = {}): TargetInputResult {
  const problems = validateTargetInput(settings);
  if (problems[0]) throw new InvalidInputTransformError(problems[0].path, problems[0].reason, problems);
  const root = readEvent(event);
  const target = pickTargetInput(settings);
  const warnings: InputWarning[] = [];
  let mode: InputMode = "event";
  let payload: string;
  let template: "json" | "text" | undefined;
  const quotedObjects: string[] = [];
  if (target.Input !== undefined) {
    mode = "input";
    payload = target.Input;
  } else if (target.InputPath !== undefined) {
    mode = "input-path";
    payload = renderInputPath(target.InputPath, root, warnings);
  } else if (target.InputTransformer !== undefined) {
    mode = "input-transformer";
    const rendered = renderTemplate(target.InputTransformer.InputTemplate, target.InputTransformer.InputPathsMap, root, context, warnings, quotedObjects);
    payload = rendered.payload;
    template = rendered.kind;
  } else {
    payload = writeJson(root);
  }
  return finish({ payload, mode, template, root, warnings, quotedObjects });
}

function readEvent(event: object | string): Record<string, unknown> {
  let value: unknown = event;
  if (typeof event === "string") {
    try {
      value = readEventText(event);
    } catch (error) {
      throw new InvalidEventError(`the event is not valid JSON: ${error instanceof JsonSyntaxError ? error.message : String(error)}`);
    }
  }
  if (!isJsonObject(value)) throw new InvalidEventError("the event must be a JSON object (the event as EventBridge delivers it)");
  return value;
}

function renderInputPath(inputPath: string, root: unknown, warnings: InputWarning[]): string {
  if (inputPath === "") {
    warnings.push({ code: "missing-value", path: "$.InputPath", message: "InputPath is empty: EventBridge sends {} instead of the event" });
    return "{}";
  }
  const parsed = parseInputPath(inputPath);
  // validateTargetInput has already rejected a path that does not parse.
  const found = parsed.ok ? readInputPath(parsed.path, root) : ({ found: false } as PathValue);
  if (!found.found || found.value === null) {
    const what = found.found ? "is null" : "is not in the event";
    warnings.push({ code: "missing-value", path: "$.InputPath", message: `${inputPath} ${what}: EventBridge sends {} instead` });
    return "{}";
  }
  return writeJson(found.value);
}

/** A variable's value for one event: found, missing from the event, or not a variable at all. */
type Variable = { state: "found"; value: unknown } | { state: "missing"; why: string } | { state: "undefined" };

function renderTemplate(
  template: string,
  map: Record<string, string> | undefined,
  root: Record<string, unknown>,
  context: InputContext,
  warnings: InputWarning[],
  quotedObjects: string[],
): { payload: string; kind: "json" | "text" } {
  const reading = readTemplate(template);
  const variables = new Map<string, Variable>();
  const variable = (name: string): Variable => {
    let known = variables.get(name);
    if (!known) {
      known = readVariable(name, map, root, context);
      variables.set(name, known);
      const path = map && Object.prototype.hasOwnProperty.call(map, name) ? jsonPath(["InputTransformer", "InputPathsMap", name]) : "$.InputTransformer.InputTemplate";
      if (known.state === "missing") {
        const empty = reading.kind === "json" ? 'an empty string ("") where it is unquoted, nothing inside quotes' : "nothing";
        warnings.push({ code: "missing-value", path, placeholder: name, message: `<${name}>: ${known.why}; it is replaced by ${empty}` });
      } else if (known.state === "undefined") {
        warnings.push({
          code: "undefined-placeholder",
          path,
          placeholder: name,
          message: `<${name}> is neither in InputPathsMap nor a predefined variable: it stays in the payload as the text <${name}>`,
        });
      }
    }
    return known;
  };
  const payload = fillTemplate(template, reading.slots, (slot) => {
    const known = variable(slot.name);
    if (known.state === "undefined") return `<${slot.name}>`;
    if (known.state === "missing") return reading.kind === "json" && !slot.quoted ? '""' : "";
    if (reading.kind === "json" && slot.quoted && isContainer(known.value) && !quotedObjects.includes(slot.name)) quotedObjects.push(slot.name);
    return renderValue(known.value, reading.kind, slot);
  });
  for (const name of quotedObjects) {
    warnings.push({
      code: "quoted-object-placeholder",
      path: "$.InputTransformer.InputTemplate",
      placeholder: name,
      message: `<${name}> holds an ${Array.isArray((variables.get(name) as { value: unknown }).value) ? "array" : "object"} and is inside quotes in a JSON template: PutTargets and PutEvents succeed, and the service delivers nothing (the invocation fails with INVALID_JSON; write <${name}> without quotes)`,
    });
  }
  return { payload, kind: reading.kind };
}

/**
 * How one value is written into a template (recorded against the service):
 * - JSON template, unquoted: the value's JSON (`"i-0123"`, `42`, `{"a":1}`); a missing
 *   value gives `""` (`"command": <command>` arrives as `"command": ""`).
 * - JSON template, inside quotes: the value's JSON text inside the template's quotes; a
 *   string loses its own quotes but keeps its escapes (`"<id>"` equals `<id>`;
 *   `"say <q>"` gives `"say say \"hi\""`), a number becomes text (`"<n>"` → `"42"`), and
 *   an object or array keeps its quotes, which breaks the JSON (see quotedObjects).
 * - Text template (anything not starting with `{`): a string is pasted as it is, without
 *   escaping (so a value holding `"` or a newline makes the payload invalid); an object
 *   or array is its JSON with every `"` removed (`{acc_id:0a78,sf_id:baz}`,
 *   `[ACTIVE,INACTIVE]`); numbers, booleans and null are their JSON text.
 */
function renderValue(value: unknown, kind: "json" | "text", slot: TemplateSlot): string {
  if (kind === "json") {
    const text = writeJson(value);
    return slot.quoted && typeof value === "string" ? text.slice(1, -1) : text;
  }
  if (typeof value === "string") return value;
  const text = writeJson(value);
  return isContainer(value) ? text.replaceAll('"', "") : text;
}

function isContainer(value: unknown): boolean {
  return Array.isArray(value) || isJsonObject(value);
}

function readVariable(name: string, map: Record<string, string> | undefined, root: Record<string, unknown>, context: InputContext): Variable {
  if (map && Object.prototype.hasOwnProperty.call(map, name)) {
    const parsed = parseInputPath(map[name]!);
    const found = parsed.ok ? readInputPath(parsed.path, root) : ({ found: false } as PathValue);
    return found.found ? { state: "found", value: found.value } : { state: "missing", why: `${map[name]} is not in the event` };
  }
  if (!isPredefinedVariable(name)) return { state: "undefined" };
  switch (name) {
    case "aws.events.rule-arn":
      return context.ruleArn === undefined ? { state: "missing", why: "no rule ARN was given" } : { state: "found", value: context.ruleArn };
    case "aws.events.rule-name":
      return context.ruleName === undefined ? { state: "missing", why: "no rule name was given" } : { state: "found", value: context.ruleName };
    case "aws.events.event.ingestion-time":
      return context.ingestionTime === undefined ? { state: "missing", why: "no ingestion time was given" } : { state: "found", value: formatIngestionTime(context.ingestionTime) };
    case "aws.events.event":
      return { state: "found", value: buildLegacyEvent(root) };
    case "aws.events.event.json":
      return { state: "found", value: root };
  }
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** The service writes the ingestion time in UTC with milliseconds (`2026-09-13T12:17:30.408Z`, recorded). */
export function formatIngestionTime(time: string | Date): string {
  if (time instanceof Date) return Number.isNaN(time.getTime()) ? String(time) : time.toISOString();
  return ISO_TIME.test(time) && !Number.isNaN(Date.parse(time)) ? new Date(Date.parse(time)).toISOString() : time;
}

const LEGACY_FIELDS: readonly [string, string][] = [
  ["id", "id"],
  ["account", "account"],
  ["detail-type", "detailType"],
  ["time", "time"],
  ["source", "source"],
  ["region", "region"],
  ["resources", "resources"],
  ["version", "version"],
];

/**
 * `<aws.events.event>` as the service writes it (recorded): the envelope without
 * `detail`, in the order id, account, detailType, time, source, region, resources,
 * version, with `detail-type` spelt `detailType` and `time` in epoch milliseconds. Other
 * top-level fields are left out.
 */
export function buildLegacyEvent(event: Record<string, unknown>): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  for (const [from, to] of LEGACY_FIELDS) {
    if (!Object.prototype.hasOwnProperty.call(event, from)) continue;
    let value = event[from];
    if (from === "time" && typeof value === "string" && ISO_TIME.test(value) && !Number.isNaN(Date.parse(value))) value = Date.parse(value);
    view[to] = value;
  }
  return view;
}

function finish(parts: {
  payload: string;
  mode: InputMode;
  template: "json" | "text" | undefined;
  root: Record<string, unknown>;
  warnings: InputWarning[];
  quotedObjects: string[];
}): TargetInputResult {
  const { payload, mode, template, root, warnings } = parts;
  const reading = readPayload(payload);
  const isJson = reading.kind === "json";
  const json = reading.kind === "json" ? reading.value : null;
  const delivered = reading.kind === "json" || reading.kind === "lines";
  if (reading.kind === "empty") {
    warnings.push({ code: "empty-payload", message: "the payload is empty: there is nothing to deliver (recorded runs saw nothing arrive at an SQS target)" });
  } else if (reading.kind === "invalid" && parts.quotedObjects.length === 0) {
    warnings.push({
      code: "invalid-json",
      message: `the payload is not JSON (${reading.reason}): EventBridge does not deliver it; the invocation fails with ERROR_CODE INVALID_JSON ("Invalid input for target."), visible only in a dead-letter queue`,
    });
  } else if (reading.kind === "lines") {
    warnings.push({ code: "not-json", message: "the payload is several quoted lines, not one JSON value: delivered as text, which a Lambda target cannot parse as its event" });
  }
  const keeps = { source: isJsonObject(json) && Object.prototype.hasOwnProperty.call(json, "source"), detailType: isJsonObject(json) && Object.prototype.hasOwnProperty.call(json, "detail-type") };
  const had = { source: Object.prototype.hasOwnProperty.call(root, "source"), detailType: Object.prototype.hasOwnProperty.call(root, "detail-type") };
  const lost = [had.source && !keeps.source ? "source" : "", had.detailType && !keeps.detailType ? "detail-type" : ""].filter(Boolean);
  if (delivered && lost.length > 0) {
    warnings.push({
      code: "drops-envelope",
      message: `the payload no longer has the event's ${lost.join(" and ")}: a handler that tells EventBridge events from other invocations (e.g. API Gateway requests) by these fields will not recognise it`,
    });
  }
  return { payload, json, isJson, delivered, mode, ...(template ? { template } : {}), keeps, warnings };
}
