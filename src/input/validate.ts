/**
 * What PutTargets rejects in a target's input settings, with the service's own wording
 * where it was recorded. The sources: API_Target / API_InputTransformer (lengths, the
 * key pattern, at most 100 variables), and PutTargets answers recorded against AWS
 * (localstack's validated snapshots; the radkawar/stackd recording) for the rest.
 */
import { jsonPath } from "../pattern/errors.js";
import { JsonSyntaxError, parseJson } from "../pattern/json.js";
import { InvalidInputTransformError } from "./errors.js";
import { isJsonObject, readPayload } from "./json-text.js";
import { parseInputPath } from "./path.js";
import { EVENT_VARIABLES, fillTemplate, isPredefinedVariable, readTemplate } from "./template.js";
import type { InputProblem, TargetInputSettings } from "./types.js";

/** At most this many InputPathsMap entries (API_InputTransformer). */
export const MAX_VARIABLES = 100;
/** Longest Input and InputTemplate (TargetInput, TransformerInput). */
export const MAX_INPUT_LENGTH = 8192;
const KEY = /^[A-Za-z0-9_-]{1,256}$/;
const INPUT_FIELDS = ["Input", "InputPath", "InputTransformer"] as const;

/** The input fields of a target (a whole ListTargetsByRule target is fine); other fields are dropped. */
export function pickTargetInput(target: unknown): TargetInputSettings {
  if (!isJsonObject(target)) return {};
  const settings: Record<string, unknown> = {};
  for (const field of INPUT_FIELDS) if (target[field] !== undefined && target[field] !== null) settings[field] = target[field];
  return settings as TargetInputSettings;
}

/** Every problem PutTargets would report for these settings; empty when it accepts them. */
export function validateTargetInput(settings: unknown): InputProblem[] {
  if (!isJsonObject(settings)) return [{ path: "$", reason: "the target's input settings must be a JSON object" }];
  const target = pickTargetInput(settings) as Record<string, unknown>;
  const problems: InputProblem[] = [];
  const set = INPUT_FIELDS.filter((field) => target[field] !== undefined);
  if (set.length > 1) {
    problems.push({
      path: "$",
      reason: `${set.join(" and ")} are both set; PutTargets: "Only one of Input, InputPath, or InputTransformer must be provided"`,
    });
  }
  if (target.Input !== undefined) problems.push(...inputProblems(target.Input));
  if (target.InputPath !== undefined) problems.push(...inputPathProblems(target.InputPath));
  if (target.InputTransformer !== undefined) problems.push(...transformerProblems(target.InputTransformer));
  return problems;
}

/** Throws InvalidInputTransformError (the first problem, all of them in `problems`) when PutTargets would reject the settings. */
export function assertTargetInput(settings: unknown): void {
  const problems = validateTargetInput(settings);
  const first = problems[0];
  if (first) throw new InvalidInputTransformError(first.path, first.reason, problems);
}

function inputProblems(input: unknown): InputProblem[] {
  const path = "$.Input";
  if (typeof input !== "string") return [{ path, reason: "must be a string holding JSON text" }];
  if (input.length > MAX_INPUT_LENGTH) return [{ path, reason: `${input.length} characters; at most ${MAX_INPUT_LENGTH}` }];
  // The service accepts an empty Input (recorded); anything else must be one JSON value.
  if (input === "") return [];
  try {
    parseJson(input);
    return [];
  } catch (error) {
    const where = error instanceof JsonSyntaxError ? error.message : String(error);
    return [{ path, reason: `not valid JSON (${where}); PutTargets: "JSON syntax error in input for target"` }];
  }
}

function inputPathProblems(inputPath: unknown): InputProblem[] {
  const path = "$.InputPath";
  if (typeof inputPath !== "string") return [{ path, reason: "must be a string (a JSONPath such as $.detail)" }];
  // An empty InputPath is accepted (recorded) and sends {}.
  if (inputPath === "") return [];
  const parsed = parseInputPath(inputPath);
  return parsed.ok ? [] : [{ path, reason: `${parsed.reason}; PutTargets: "InputPath for target is invalid"` }];
}

function transformerProblems(transformer: unknown): InputProblem[] {
  const base = "$.InputTransformer";
  if (!isJsonObject(transformer)) return [{ path: base, reason: "must be an object with InputTemplate and, optionally, InputPathsMap" }];
  const problems: InputProblem[] = [];
  const map = transformer.InputPathsMap;
  const hasMap = map !== undefined && map !== null;
  const names = new Set<string>();
  if (hasMap) {
    if (!isJsonObject(map)) {
      problems.push({ path: `${base}.InputPathsMap`, reason: "must be an object of variable name → JSONPath" });
    } else {
      const entries = Object.entries(map);
      if (entries.length > MAX_VARIABLES) {
        problems.push({ path: `${base}.InputPathsMap`, reason: `${entries.length} variables; InputPathsMap holds at most ${MAX_VARIABLES}` });
      }
      for (const [name, value] of entries) {
        names.add(name);
        const path = jsonPath(["InputTransformer", "InputPathsMap", name]);
        if (!KEY.test(name)) {
          problems.push({
            path,
            reason: `${JSON.stringify(name)} is not a valid variable name: 1 to 256 of A-Z a-z 0-9 _ - (no dots, so no aws.events.* names)`,
          });
        }
        if (typeof value !== "string") {
          problems.push({ path, reason: "must be a string (a JSONPath such as $.detail.id)" });
          continue;
        }
        const parsed = parseInputPath(value);
        if (!parsed.ok) problems.push({ path, reason: `${parsed.reason}; PutTargets: "InputPath for target is invalid"` });
      }
    }
  }
  const template = transformer.InputTemplate;
  const templatePath = `${base}.InputTemplate`;
  if (template === undefined || template === null) return [...problems, { path: templatePath, reason: "is required" }];
  if (typeof template !== "string") return [...problems, { path: templatePath, reason: "must be a string" }];
  if (template.length === 0) return [...problems, { path: templatePath, reason: "must not be empty (1 to 8192 characters)" }];
  if (template.length > MAX_INPUT_LENGTH) return [...problems, { path: templatePath, reason: `${template.length} characters; at most ${MAX_INPUT_LENGTH}` }];
  problems.push(...templateProblems(template, hasMap ? names : undefined).map((reason) => ({ path: templatePath, reason })));
  return problems;
}

function templateProblems(template: string, defined: Set<string> | undefined): string[] {
  const reasons: string[] = [];
  const reading = readTemplate(template);
  const reported = new Set<string>();
  for (const slot of reading.slots) {
    if (reported.has(slot.name)) continue;
    // Recorded: with an InputPathsMap, PutTargets rejects a name it does not define; a
    // transformer without InputPathsMap is accepted and the placeholder stays as text.
    if (defined && !defined.has(slot.name) && !isPredefinedVariable(slot.name)) {
      reasons.push(`<${slot.name}> is not defined in InputPathsMap; PutTargets: "InputTemplate contains invalid placeholder ${slot.name}"`);
      reported.add(slot.name);
    } else if (EVENT_VARIABLES.includes(slot.name) && reading.kind !== "json") {
      reasons.push(`<${slot.name}> can only be a value in a JSON object template; PutTargets: "contains placeholder ${slot.name} valid only for JSON template"`);
      reported.add(slot.name);
    }
  }
  if (reading.kind === "json") {
    const key = reading.slots.find((slot) => slot.asKey);
    if (key) reasons.push(`<${key.name}> is used as an object key; PutTargets: "InputTemplate placeholder present as a JSON object key"`);
  }
  // PutTargets puts null in every placeholder and reads the result as JSON (its error
  // quotes "hello null" for the template "hello <value>").
  if (!reading.slots.some((slot) => slot.asKey && reading.kind === "json")) {
    const probe = fillTemplate(template, reading.slots, () => "null");
    const read = readPayload(probe);
    if (read.kind === "invalid") {
      reasons.push(
        `with null in each placeholder it is not JSON (${read.reason}); write a JSON object, or text as a quoted string ("<a> is <b>") or one quoted string per line; PutTargets: "Invalid InputTemplate"`,
      );
    }
  }
  return reasons;
}
