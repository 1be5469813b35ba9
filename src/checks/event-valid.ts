import { entrySize, validateEntry } from "../event/index.js";
import { appEventOf, describeOrigin } from "./app-event.js";
import { finding, plural, skipped, type Check } from "./support.js";

/** Why the event the application sends matters, said wherever it is missing. */
export const NO_EVENT_ADVICE =
  "Pass the event your code really sends (--event FILE with the PutEvents entry or the event, or --source/--detail-type/--detail): a pattern tested with a hand-made event hides the real mismatch.";

/** The application's event is a PutEvents entry the service accepts. */
export const eventValidCheck: Check = {
  id: "event.valid",
  title: "the application's event is a valid PutEvents entry",
  run(snapshot) {
    const app = appEventOf(snapshot);
    if (!app) return [skipped("event.valid", "no application event given", NO_EVENT_ADVICE)];
    if (!app.ok) {
      return [
        finding("event.valid", "fail", `not an event: ${app.message}`, {
          evidence: { origin: snapshot.event?.origin, input: snapshot.event?.input },
          fix: "Give the PutEvents entry ({Source, DetailType, Detail}) or the event as EventBridge delivers it ({source, detail-type, detail, ...}).",
        }),
      ];
    }
    const entry = app.entry;
    const source = String(entry.Source ?? "");
    const detailType = String(entry.DetailType ?? "");
    const size = entrySize(entry);
    const issues = validateEntry(entry);
    const evidence: Record<string, unknown> = { form: app.form, origin: snapshot.event?.origin, entry, size };
    if (issues.length === 0) {
      return [
        finding("event.valid", "pass", `${source} / ${detailType}, ${size} bytes`, {
          evidence,
          ...(app.form === "event" ? { detail: "Given as a delivered event; checked as the PutEvents entry it implies." } : {}),
        }),
      ];
    }
    evidence.issues = issues;
    // A delivered event from an AWS service (given to test a default-bus rule) never went
    // through PutEvents: its reserved source is expected there, not a mistake.
    const busName = snapshot.rule.ok ? snapshot.rule.value.busName : null;
    if (app.form === "event" && busName === "default" && issues.every((i) => i.code === "NotAuthorizedForSourceException")) {
      return [
        finding("event.valid", "pass", `${source} / ${detailType}: an AWS service event (AWS sends it, not PutEvents)`, {
          detail: "Events from AWS services reach the default bus of the same account, where this rule lives.",
          evidence,
        }),
      ];
    }
    const first = issues[0]!;
    return [
      finding("event.valid", "fail", issues.length === 1 ? first.message : `${plural(issues.length, "problem")}: ${first.message}`, {
        detail: [
          `PutEvents would reject this entry inside an HTTP 200 (FailedEntryCount > 0, with ErrorCode on the entry), so it never reaches any rule.`,
          ...issues.map((i) => `${i.field}: ${i.message}`),
        ].join("\n"),
        evidence,
        fix: `Change the code that builds the entry (given by ${describeOrigin(snapshot)}): ${issues.map((i) => `${i.field}: ${i.message}`).join("; ")}. Read FailedEntryCount and each entry's ErrorCode after PutEvents.`,
      }),
    ];
  },
};
