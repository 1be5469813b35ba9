import type { InputFlags } from "../../input-command/run.js";
import { withExamples, type Register } from "../command-kit.js";

export const registerInputCommand: Register = (program, act) => {
  const input = program
    .command("input")
    .argument("<TRANSFORMER>", "the target's Input, InputPath or InputTransformer (or the whole target as list-targets-by-rule prints it): a file, inline JSON, or -")
    .argument("<EVENT>", "a full event or a PutEvents entry: a file, inline JSON, or -")
    .summary("what a target receives: its Input, InputPath or InputTransformer applied to an event, offline")
    .description(
      `Apply a rule target's input settings to an event the way EventBridge does, and print what
the target receives. No AWS account needed. TRANSFORMER is {"Input": ...}, {"InputPath": ...}
or {"InputTransformer": {...}}, the InputTransformer object itself, or a whole target (or
list-targets-by-rule's answer with one target); EVENT is a full event or a PutEvents entry
({Source, DetailType, Detail: "<json>"}), which is turned into the event EventBridge delivers.

The payload goes to stdout (laid out when it is JSON, so it pipes into jq); warnings go to
stderr: the event's source/detail-type dropped (a handler that routes by them stops
recognising the event), a variable that finds nothing, a placeholder that is not defined,
text that is not one JSON value, and a quoted object placeholder — which PutTargets and
PutEvents accept and EventBridge never delivers.

What the event does not hold comes from the flags: --rule-arn and --rule-name (default the
rule "example" on the event's bus, region and account), --ingestion-time (default the
event's time; a PutEvents entry without Time gets 1970-01-01T00:00:00Z, never the clock).

--format json prints {"payload": "<text>", "json": <parsed or null>, "warnings": [{code,
message, path}], "delivered": true|false, "mode", "context"}.

Exit codes: 0 EventBridge delivers the payload (warnings or not), 1 it would deliver nothing
(not JSON, a quoted object placeholder, empty) — or, with --strict, any warning — 2 bad
input (unreadable, not JSON, settings PutTargets rejects, an entry PutEvents rejects).`,
    )
    .option("--rule-arn <arn>", "the rule's ARN, for <aws.events.rule-arn>")
    .option("--rule-name <name>", "the rule's name, for <aws.events.rule-name> (default: from --rule-arn, else example)")
    .option("--ingestion-time <time>", "when EventBridge received the event, for <aws.events.event.ingestion-time> (ISO 8601)")
    .option("--strict", "warnings fail too (exit 1)");
  withExamples(input, [
    "course-doctor input examples/ingestor-target-inputpath.json examples/ingestor-event.json",
    `course-doctor input '{"InputPath":"$.detail"}' examples/ingestor-event-entry.json --format json | jq .warnings`,
    `course-doctor input '{"InputPathsMap":{"job":"$.detail.job_id"},"InputTemplate":"{\\"job\\": <job>, \\"rule\\": <aws.events.rule-name>}"}' examples/ingestor-event.json --rule-name agent2-ingestor-document-processing-dev`,
    "aws events list-targets-by-rule --rule my-rule --event-bus-name my-bus | course-doctor input - event.json --strict",
  ]);
  input.action(
    act<InputFlags>(async (host, options, args) => {
      const { runInput } = await import("../../input-command/run.js");
      return runInput(host, options, args);
    }),
  );
};
