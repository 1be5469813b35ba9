import { explainMatch, type FieldMismatch } from "../pattern/index.js";
import { appEventOf } from "./app-event.js";
import { NO_EVENT_ADVICE } from "./event-valid.js";
import { readRulePattern } from "./rule-pattern.js";
import { awsCommand, describeFailure, finding, regionOf, skipped, unresolvedFinding, type Check } from "./support.js";

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Where the code sets an event field in its PutEvents entry; null for fields the service fills in. */
function entryFieldOf(field: string): string | null {
  if (field === "source") return "Source";
  if (field === "detail-type") return "DetailType";
  if (field === "resources" || field.startsWith("resources")) return "Resources";
  if (field === "detail") return "Detail";
  if (field.startsWith("detail.") || field.startsWith("detail[")) return `Detail${field.slice("detail".length)}`;
  return null;
}

/** What to change, for one mismatch: the field in the code, or the pattern. */
function fixFor(m: FieldMismatch): string {
  const field = m.path;
  const code = entryFieldOf(field);
  const hint = m.hint ? ` (${m.hint})` : "";
  if (!code) {
    return `${field} is set by EventBridge (${show(m.actual)}), so change the pattern at ${field}: it wants ${m.expected}${hint}.`;
  }
  if (!m.present) {
    return `The event has no ${field}${hint}: add ${code} to the entry the code sends (the pattern wants ${m.expected}), or drop ${field} from the pattern.`;
  }
  return `The code sends ${code} = ${show(m.actual)}; the pattern wants ${m.expected}${hint}. Change ${code} in the publisher, or allow ${show(m.actual)} at ${field} in the pattern.`;
}

/** The application's event matches the rule's pattern, locally and per TestEventPattern. */
export const eventMatchesCheck: Check = {
  id: "event.matches",
  title: "the application's event matches the pattern",
  run(snapshot) {
    const app = appEventOf(snapshot);
    if (!app) return [skipped("event.matches", "no application event given", NO_EVENT_ADVICE)];
    const read = readRulePattern(snapshot);
    if (!read) return [skipped("event.matches", "no rule to match (see rule.exists)")];
    const unknown = unresolvedFinding(snapshot, "event.matches", "rule.eventPattern", "the rule's EventPattern");
    if (unknown) return [unknown];
    if (!app.ok) return [skipped("event.matches", "the event could not be read (see event.valid)")];
    if (read.kind === "none") {
      if (!read.schedule) return [skipped("event.matches", "the rule has no pattern (see rule.pattern)")];
      return [
        finding("event.matches", "fail", `a scheduled rule (${read.schedule}): published events never trigger it`, {
          evidence: { scheduleExpression: read.schedule },
          fix: "Route the event with a rule that has an event pattern (put-rule --event-pattern) on the bus the code publishes to.",
        }),
      ];
    }
    if (read.kind !== "valid") return [skipped("event.matches", "the pattern is not valid (see rule.pattern)")];

    const local = explainMatch(read.text, app.event);
    const remote = snapshot.remoteMatch;
    let remoteSays: boolean | null = null;
    let remoteNote: string;
    if (remote === null) remoteNote = "TestEventPattern not asked";
    else if (!remote.ok) remoteNote = `TestEventPattern could not run: ${describeFailure(remote)}`;
    else if (remote.value.result === null) remoteNote = "the service answered without a result";
    else {
      remoteSays = remote.value.result;
      remoteNote = remoteSays === local.matches ? "TestEventPattern agrees" : "TestEventPattern disagrees";
    }
    const evidence: Record<string, unknown> = {
      eventPattern: read.text,
      event: app.event,
      local: local.matches,
      remote: remote === null ? "not asked" : remote.ok ? remote.value.result : { reason: remote.reason, error: remote.error },
    };
    if (local.mismatches.length > 0) evidence.mismatches = local.mismatches;
    const region = regionOf(snapshot);
    const testCommand = awsCommand(
      ["events", "test-event-pattern"],
      [["--event-pattern", read.text], ["--event", JSON.stringify(app.event)], ["--region", region]],
    );

    if (local.matches && remoteSays !== false) {
      return [finding("event.matches", "pass", remote === null ? "matches (local engine)" : `matches (local engine; ${remoteNote})`, { evidence })];
    }
    if (local.matches && remoteSays === false) {
      return [
        finding("event.matches", "fail", "no match per TestEventPattern (the local engine finds a match)", {
          detail: "The service is the ground truth; the local engine missed a corner of the pattern grammar, so no field-by-field explanation is available.",
          evidence,
          fix: `Compare the pattern and the event field by field with the service: ${testCommand}`,
        }),
      ];
    }
    const explained = local.mismatches.map((m) => m.message);
    if (remoteSays === true) {
      return [
        finding("event.matches", "warn", `matches per TestEventPattern; the local engine disagrees: ${explained[0] ?? "no match"}`, {
          detail: "The service is the ground truth: the event matches. The local engine's disagreement is worth a bug report.",
          evidence,
          fix: "Nothing to change in the pipeline. Please report the pattern and the event (course-doctor snapshot --out) so the local engine learns this case.",
        }),
      ];
    }
    const first = local.mismatches[0];
    return [
      finding("event.matches", "fail", `no match: ${explained[0] ?? "the event does not match the pattern"}`, {
        detail: [`Local engine; ${remoteNote}.`, ...explained].join("\n"),
        evidence,
        fix: first ? local.mismatches.map(fixFor).join("\n") : `Compare with the service: ${testCommand}`,
      }),
    ];
  },
};
