/**
 * Corrected input settings for a target whose transformation loses what its handler needs:
 * quoted object placeholders unquoted, the event's `source` / `detail-type` put back.
 * A correction is offered only when the engine itself confirms it: PutTargets would accept
 * it, the service would deliver it, and the problems it is for are gone. Pure.
 */
import { applyTargetInput } from "./apply.js";
import { readTemplate } from "./template.js";
import type { InputContext, InputTransformerSettings, InputWarningCode, TargetInputResult, TargetInputSettings } from "./types.js";
import { pickTargetInput, validateTargetInput } from "./validate.js";

/** A correction of a target's input settings; `settings` is `{}` when the answer is to remove the transformation. */
export interface InputRepair {
  settings: TargetInputSettings;
  /** What was changed, in one sentence. */
  summary: string;
  /** The payload the corrected settings build for the same event. */
  result: TargetInputResult;
}

/** The problems a correction is for. */
const REPAIRED: readonly InputWarningCode[] = ["quoted-object-placeholder", "drops-envelope"];

/**
 * Settings that keep what the current ones mean and lose neither the event's envelope nor
 * the delivery: null when nothing needs correcting, or when no correction can be made safely
 * (then removing the transformation is the way). Throws what applyTargetInput throws.
 */
export function repairTargetInput(settings: TargetInputSettings, event: Record<string, unknown>, context: InputContext = {}): InputRepair | null {
  const target = pickTargetInput(settings);
  const before = applyTargetInput(target, event, context);
  const needs = new Set(before.warnings.map((w) => w.code).filter((code) => REPAIRED.includes(code)));
  if (needs.size === 0) return null;

  const changes: string[] = [];
  let candidate: TargetInputSettings = target;
  if (target.InputPath !== undefined) {
    // What InputPath selects is still inside the whole event (at the same path).
    candidate = {};
    changes.push(`remove InputPath: the target receives the whole event, with what ${target.InputPath} selected still at ${target.InputPath} inside it`);
  } else if (target.Input !== undefined) {
    // A constant Input becomes a template that adds the event's envelope to it.
    const envelope = addEnvelope({ InputTemplate: target.Input, InputPathsMap: {} }, before, event);
    if (!envelope) return null;
    candidate = { InputTransformer: envelope };
    changes.push("turn the constant Input into an InputTransformer that adds the event's source and detail-type to it");
  } else if (target.InputTransformer !== undefined) {
    let transformer = target.InputTransformer;
    if (needs.has("quoted-object-placeholder")) {
      const names = before.warnings.flatMap((w) => (w.code === "quoted-object-placeholder" && w.placeholder ? [w.placeholder] : []));
      const unquoted = unquotePlaceholders(transformer, names);
      if (!unquoted) return null;
      transformer = unquoted;
      changes.push(`write ${names.map((name) => `<${name}>`).join(", ")} without quotes (an object or array is a JSON value of its own)`);
    }
    const middle = applyTargetInput({ InputTransformer: transformer }, event, context);
    if (middle.warnings.some((w) => w.code === "drops-envelope")) {
      const envelope = addEnvelope(transformer, middle, event);
      if (!envelope) return null;
      transformer = envelope;
      changes.push(`add ${missingEnvelope(middle, event).join(" and ")} to the template, read from the event`);
    }
    candidate = { InputTransformer: transformer };
  } else {
    return null;
  }

  if (validateTargetInput(candidate).length > 0) return null;
  const result = applyTargetInput(candidate, event, context);
  if (!result.delivered || result.warnings.some((w) => REPAIRED.includes(w.code))) return null;
  return { settings: candidate, summary: sentence(changes), result };
}

function sentence(changes: string[]): string {
  const text = changes.join(", and ");
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** The template with each `"<name>"` (a string literal holding only that placeholder) unquoted; null when one is inside a longer string. */
function unquotePlaceholders(transformer: InputTransformerSettings, names: string[]): InputTransformerSettings | null {
  const template = transformer.InputTemplate;
  const slots = readTemplate(template).slots.filter((slot) => slot.quoted && names.includes(slot.name));
  let out = "";
  let last = 0;
  for (const slot of slots) {
    if (template[slot.start - 1] !== '"' || template[slot.end] !== '"') return null;
    out += template.slice(last, slot.start - 1) + template.slice(slot.start, slot.end);
    last = slot.end + 1;
  }
  return { ...transformer, InputTemplate: out + template.slice(last) };
}

/** The envelope fields the event had and the payload lost, as the event spells them. */
function missingEnvelope(result: TargetInputResult, event: Record<string, unknown>): string[] {
  const missing: string[] = [];
  if (Object.prototype.hasOwnProperty.call(event, "source") && !result.keeps.source) missing.push("source");
  if (Object.prototype.hasOwnProperty.call(event, "detail-type") && !result.keeps.detailType) missing.push("detail-type");
  return missing;
}

/**
 * The JSON object template with `"source": <source>` / `"detail-type": <detail-type>` put
 * first, and their paths in InputPathsMap; null when the payload is not a JSON object.
 */
function addEnvelope(transformer: InputTransformerSettings, result: TargetInputResult, event: Record<string, unknown>): InputTransformerSettings | null {
  const template = transformer.InputTemplate;
  if (!result.isJson || result.json === null || typeof result.json !== "object" || Array.isArray(result.json)) return null;
  const open = template.indexOf("{");
  if (open === -1 || template.slice(0, open).trim() !== "") return null;
  const map: Record<string, string> = { ...(transformer.InputPathsMap ?? {}) };
  const members: string[] = [];
  for (const field of missingEnvelope(result, event)) {
    const name = variableFor(map, field, `$.${field}`);
    map[name] = `$.${field}`;
    members.push(`${JSON.stringify(field)}:<${name}>`);
  }
  if (members.length === 0) return null;
  const empty = /^\s*}/.test(template.slice(open + 1));
  const inserted = `${template.slice(0, open + 1)}${members.join(",")}${empty ? "" : ","}${template.slice(open + 1)}`;
  return { InputPathsMap: map, InputTemplate: inserted };
}

/** A variable name for `path`: the field's own name when free (or already bound to it), else a numbered one. */
function variableFor(map: Record<string, string>, field: string, path: string): string {
  for (const name of [field, `event-${field}`]) if (map[name] === undefined || map[name] === path) return name;
  for (let n = 2; ; n++) if (map[`event-${field}-${n}`] === undefined) return `event-${field}-${n}`;
}
