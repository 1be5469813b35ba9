/**
 * target.input: what each target really receives for the application's event — its
 * Input, InputPath or InputTransformer applied the way EventBridge applies it (the input
 * engine) — and whether a handler can still use it: the event's `source` / `detail-type`
 * kept (a function that routes EventBridge events and HTTP requests by their shape needs
 * them), one JSON value for a Lambda, every variable found, and anything delivered at all.
 */
import { applyTargetInput, InvalidInputTransformError, repairTargetInput, type InputRepair, type InputWarning, type TargetInputResult } from "../input/index.js";
import type { Finding, FindingStatus } from "../model/finding.js";
import type { RuleInfo, Snapshot, TargetInfo, TargetInputSettings } from "../model/snapshot.js";
import { appEventOf } from "./app-event.js";
import { accountOf, describeTarget, finding, putTargetCommand, regionOf, sh, skipped, subjectOf, unresolvedFinding, perTarget, type Check } from "./support.js";
import { templateFixes } from "./template-fixes.js";

/** How long the payload preview in a title may be. */
const PREVIEW = 60;

/** The payload on one line, cut to `max` characters. */
export function previewPayload(payload: string, max = PREVIEW): string {
  const line = payload.replace(/\s*\r?\n\s*/g, " ");
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function describeSettings(settings: TargetInputSettings): string {
  if (settings.Input !== undefined) return "Input (a constant)";
  if (settings.InputPath !== undefined) return `InputPath ${settings.InputPath === "" ? '""' : settings.InputPath}`;
  if (settings.InputTransformer !== undefined) return "InputTransformer";
  return "no transformation";
}

/** The event the payload is computed for: the application's, or a stand-in shaped by the rule's pattern. */
type EventFor = { kind: "application"; event: Record<string, unknown> } | { kind: "stand-in"; event: Record<string, unknown> } | { kind: "invalid"; message: string };

function eventFor(snapshot: Snapshot, rule: RuleInfo): EventFor {
  const view = appEventOf(snapshot);
  if (view) return view.ok ? { kind: "application", event: view.event } : { kind: "invalid", message: view.message };
  return { kind: "stand-in", event: standInEvent(snapshot, rule) };
}

/** An event with the envelope the rule's pattern asks for (its first exact source and detail-type) and an empty detail. */
function standInEvent(snapshot: Snapshot, rule: RuleInfo): Record<string, unknown> {
  let pattern: Record<string, unknown> = {};
  try {
    const parsed: unknown = rule.eventPattern ? JSON.parse(rule.eventPattern) : {};
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) pattern = parsed as Record<string, unknown>;
  } catch {
    // rule.pattern reports an unreadable pattern; the stand-in keeps its defaults.
  }
  const first = (field: string, fallback: string) => {
    const values = pattern[field];
    return Array.isArray(values) && typeof values[0] === "string" ? values[0] : fallback;
  };
  return {
    version: "0",
    id: "00000000-0000-0000-0000-000000000000",
    "detail-type": first("detail-type", "Example"),
    source: first("source", "example.source"),
    account: accountOf(snapshot) ?? "123456789012",
    time: snapshot.collectedAt.replace(/\.\d+Z$/, "Z"),
    region: regionOf(snapshot) ?? "us-east-1",
    resources: [],
    detail: {},
  };
}

/** The warnings that matter for this target; a stand-in event's empty detail says nothing about missing values. */
function relevantWarnings(result: TargetInputResult, target: TargetInfo, standIn: boolean): InputWarning[] {
  return result.warnings.filter((w) => {
    if (w.code === "not-json") return target.kind === "lambda";
    if (w.code === "missing-value" && standIn) return false;
    return true;
  });
}

function statusOf(result: TargetInputResult, warnings: InputWarning[], standIn: boolean): FindingStatus {
  // With a stand-in event, what the application's event would give is not known for sure
  // (a constant Input does not depend on the event).
  if (!result.delivered) return standIn && result.mode !== "input" ? "warn" : "fail";
  return warnings.length > 0 ? "warn" : "pass";
}

function lostEnvelope(result: TargetInputResult, event: Record<string, unknown>): string {
  const lost = [
    Object.prototype.hasOwnProperty.call(event, "source") && !result.keeps.source ? "source" : "",
    Object.prototype.hasOwnProperty.call(event, "detail-type") && !result.keeps.detailType ? "detail-type" : "",
  ].filter(Boolean);
  return lost.join(" and ");
}

function titleFor(target: TargetInfo, settings: TargetInputSettings, result: TargetInputResult, warnings: InputWarning[], event: Record<string, unknown>): string {
  const how = describeSettings(settings);
  const receives = `${target.kind === "lambda" ? "the handler" : "it"} receives ${previewPayload(result.payload)}`;
  const first = (code: InputWarning["code"]) => warnings.find((w) => w.code === code);
  const quotedWarnings = warnings.filter((w) => w.code === "quoted-object-placeholder");
  if (quotedWarnings.length > 0) {
    const names = quotedWarnings.map((w) => `<${w.placeholder ?? "?"}>`).join(", ");
    const what = quotedWarnings.every((w) => /holds an array/.test(w.message)) ? "an array" : quotedWarnings.some((w) => /holds an array/.test(w.message)) ? "objects and arrays" : "an object";
    return `${how} puts ${names} (${what}) inside quotes: EventBridge accepts it and delivers nothing (INVALID_JSON)`;
  }
  if (first("empty-payload")) return `${how} builds an empty payload: nothing is delivered`;
  if (first("invalid-json")) return `${how} builds text that is not JSON: EventBridge delivers nothing (INVALID_JSON)`;
  if (first("not-json")) return `${how} builds lines of text, not one JSON value: a Lambda handler cannot read it as its event`;
  if (first("drops-envelope")) return `${how} drops the event's ${lostEnvelope(result, event)}: ${receives}`;
  const missing = first("missing-value");
  if (missing) return `${how}: ${missing.placeholder ? `<${missing.placeholder}>` : settings.InputPath} finds nothing in the event: ${receives}`;
  const undefinedName = first("undefined-placeholder");
  if (undefinedName) return `${how}: <${undefinedName.placeholder ?? "?"}> is not defined and stays in the payload as text: ${receives}`;
  if (result.mode === "event") return "receives the event as is";
  return `${how}: ${receives}`;
}

/** What happens when the transformation is wrong, for the detail. */
function consequence(target: TargetInfo, result: TargetInputResult, warnings: InputWarning[]): string | undefined {
  if (!result.delivered) {
    return "PutTargets and PutEvents both succeed and the rule matches, but EventBridge cannot build a payload it will deliver: every invocation fails (FailedInvocations), and only a dead-letter queue on the target shows why (ERROR_CODE INVALID_JSON).";
  }
  if (warnings.some((w) => w.code === "drops-envelope") && target.kind === "lambda") {
    return "A function that tells EventBridge events from other invocations (an API Gateway request, a direct invoke) by their source or detail-type takes this payload for something else: the job silently turns into a no-op, and every metric looks healthy.";
  }
  return undefined;
}

function checkTarget(snapshot: Snapshot, rule: RuleInfo, target: TargetInfo): Finding {
  const subject = subjectOf(target);
  if (target.input === undefined) {
    const how = target.transformsInput ? "the target rewrites the event, but this snapshot does not record how" : "this snapshot does not record the target's input settings";
    return skipped("target.input", `${how} (written by an older course-doctor: collect it again)`, undefined, subject);
  }
  const settings = target.input;
  const unknown = unresolvedFinding(snapshot, "target.input", `targets.${target.id}.input`, `the input settings of target ${target.id}`, subject);
  if (unknown) return unknown;
  const source = eventFor(snapshot, rule);
  if (source.kind === "invalid") return skipped("target.input", `the application's event could not be read (see event.valid): ${source.message}`, undefined, subject);
  const event = source.event;
  const standIn = source.kind === "stand-in";
  const context = {
    ruleArn: rule.arn,
    ruleName: rule.name,
    ingestionTime: typeof event.time === "string" ? event.time : snapshot.collectedAt,
  };

  let result: TargetInputResult;
  try {
    result = applyTargetInput(settings, event, context);
  } catch (error) {
    if (!(error instanceof InvalidInputTransformError)) throw error;
    return finding("target.input", "error", `the input settings cannot be applied: ${error.message}`, {
      subject,
      detail: "PutTargets rejects such settings, so the target should not exist with them; the snapshot may have been edited by hand.",
      evidence: { targetId: target.id, settings },
      fix: `Read the target as it is: aws events list-targets-by-rule --rule ${sh(rule.name)} --event-bus-name ${sh(rule.busName)}`,
    });
  }

  const warnings = relevantWarnings(result, target, standIn);
  const status = statusOf(result, warnings, standIn);
  const evidence: Record<string, unknown> = {
    payload: result.payload,
    mode: result.mode,
    settings,
    ...(warnings.length > 0 ? { warnings: warnings.map((w) => w.message) } : {}),
    delivered: result.delivered,
    ...(result.isJson ? { json: result.json } : {}),
    event: standIn ? "a stand-in built from the rule's pattern (no application event was given)" : "the application's event",
    targetId: target.id,
  };
  let title = titleFor(target, settings, result, warnings, event);
  if (standIn && result.mode !== "event" && result.mode !== "input") title = `${title} (for a stand-in event: give --event for yours)`;
  if (status === "pass") return finding("target.input", "pass", title, { subject, evidence });

  const repair = safeRepair(settings, event, context);
  const detail = [
    consequence(target, result, warnings),
    ...warnings.map((w) => `${w.path ? `${w.path}: ` : ""}${w.message}.`),
    standIn ? "Computed for a stand-in event (the rule's source and detail-type, an empty detail); give the application's event (--event, or --source/--detail-type/--detail) to see what yours becomes." : undefined,
  ].filter((line): line is string => line !== undefined);
  return finding("target.input", status, title, {
    subject,
    detail: detail.join("\n"),
    evidence: repair ? { ...evidence, corrected: repair.settings, correctedPayload: repair.result.payload } : evidence,
    fix: fixFor(snapshot, rule, target, settings, event, repair),
  });
}

function safeRepair(settings: TargetInputSettings, event: Record<string, unknown>, context: Parameters<typeof repairTargetInput>[2]): InputRepair | null {
  try {
    return repairTargetInput(settings, event, context);
  } catch {
    return null;
  }
}

/** The jq filter that gives the target `settings` in place of its current input settings. */
function jqSetting(settings: TargetInputSettings): string {
  const cleared = "del(.Input, .InputPath, .InputTransformer)";
  const entries = Object.entries(settings).filter(([, value]) => value !== undefined);
  return entries.length === 0 ? `map(${cleared})` : `map(${cleared} + ${JSON.stringify(Object.fromEntries(entries))})`;
}

function fixFor(snapshot: Snapshot, rule: RuleInfo, target: TargetInfo, settings: TargetInputSettings, event: Record<string, unknown>, repair: InputRepair | null): string {
  const region = regionOf(snapshot);
  const lines: string[] = [];
  const removes = repair !== null && Object.keys(repair.settings).length === 0;
  const template = templateFixes(snapshot);
  if (template) {
    const fields = ["Input", "InputPath", "InputTransformer"] as const;
    const set = repair && !removes ? (repair.settings as Record<string, unknown>) : {};
    lines.push(
      template.targetChange({
        rule,
        targetId: target.id,
        set,
        remove: fields.filter((f) => settings[f] !== undefined && !(f in set)),
        note: repair ? `${repair.summary}${removes ? "" : ` It then receives ${previewPayload(repair.result.payload, 100)}`}` : "Then the target receives the whole event (its detail under .detail).",
      }),
    );
    lines.push(`See what ${describeTarget(target)} would receive, offline:`, `  course-doctor input ${sh(JSON.stringify(repair && !removes ? repair.settings : settings))} ${sh(JSON.stringify(snapshot.event?.input ?? event))} --rule-arn ${sh(rule.arn)}`);
    return lines.join("\n");
  }
  if (repair && !removes) {
    lines.push(`${repair.summary} The command keeps the target's other settings (needs jq):`);
    lines.push(`  ${putTargetCommand(rule, target.id, region, jqSetting(repair.settings))}`);
    lines.push(`It then receives ${previewPayload(repair.result.payload, 100)}`);
    lines.push("Or remove the transformation, so the target receives the whole event (its detail under .detail):");
  } else if (removes) {
    lines.push(`${repair.summary} The command keeps the target's other settings (needs jq):`);
  } else {
    lines.push(`Correct the ${describeSettings(settings)} (try it offline first, below), or remove it so the target receives the whole event (its detail under .detail); the command keeps the target's other settings (needs jq):`);
  }
  lines.push(`  ${putTargetCommand(rule, target.id, region, jqSetting({}))}`);
  const tried = repair && !removes ? repair.settings : settings;
  // The event as the user gave it (an entry or a full event): `input` reads both.
  const given = snapshot.event?.input ?? event;
  lines.push(`See what ${describeTarget(target)} would receive, offline:`);
  lines.push(`  course-doctor input ${sh(JSON.stringify(tried))} ${sh(JSON.stringify(given))} --rule-arn ${sh(rule.arn)}`);
  return lines.join("\n");
}

/** What each target receives for the application's event, and whether a handler can use it. */
export const targetInputCheck: Check = {
  id: "target.input",
  title: "what each target receives (Input, InputPath or InputTransformer applied to the application's event) keeps what its handler needs",
  run(snapshot) {
    return perTarget(snapshot, "target.input", (t, rule) => checkTarget(snapshot, rule, t));
  },
};
