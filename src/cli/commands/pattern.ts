import type { PatternLintFlags, PatternTestFlags } from "../../pattern-commands/run.js";
import { withExamples, type Register } from "../command-kit.js";

export const registerPatternCommands: Register = (program, act) => {
  const pattern = program
    .command("pattern")
    .summary("test and lint EventBridge event patterns offline")
    .description("Test an event pattern against the events your code sends, and lint it for known mistakes. No AWS account needed.");

  const test = pattern
    .command("test")
    .argument("<PATTERN>", "the event pattern: a file, inline JSON, or - for stdin")
    .argument("<EVENT>", "a full event or a PutEvents entry (file, inline JSON, or -); JSON Lines or a JSON array for many")
    .summary("does this event match this pattern? and if not, why")
    .description(
      `Match events against an event pattern with the same semantics as EventBridge, and explain
every mismatch field by field (with hints: differs only in case, surrounding spaces, number
vs numeric string, field present at another path). EVENT may be a full event
({source, detail-type, detail, ...}) or a PutEvents entry ({Source, DetailType, Detail: "<json>"}),
which is turned into the event EventBridge builds (and checked as PutEvents would check it).

--remote also asks EventBridge's TestEventPattern (global --profile/--region/--endpoint-url),
using your account and region in the event, and reports any disagreement. When the service
answers without a result (emulators do), the output says so. When the remote check cannot
run (no credentials, access denied, endpoint down), the local verdict is still printed, a
warning names the missing permission, and the exit code is 2.

Exit codes: 0 every event matches, 1 some event does not match (or PutEvents would reject
it, or TestEventPattern disagrees), 2 bad input or the remote check could not run.
--format json prints one JSON object, or one JSON line per event for several events.`,
    )
    .option("--remote", "also ask EventBridge's TestEventPattern (needs events:TestEventPattern and sts:GetCallerIdentity)");
  withExamples(test, [
    "course-doctor pattern test examples/ingestor-rule-pattern.json examples/ingestor-event.json",
    "course-doctor pattern test examples/ingestor-rule-pattern.json examples/ingestor-event-sent.json",
    `course-doctor pattern test '{"source":["orders"]}' '{"Source":"orders","DetailType":"Created","Detail":"{}"}'`,
    "course-doctor pattern test rule.json events.jsonl --format json | jq -c '{index, matches}'",
    "course-doctor pattern test rule.json event.json --remote --profile dev",
  ]);
  test.action(
    act<PatternTestFlags>(async (host, options, args) => {
      const { runPatternTest } = await import("../../pattern-commands/run.js");
      return runPatternTest(host, options, args);
    }),
  );

  const lint = pattern
    .command("lint")
    .argument("<PATTERN>", "the event pattern: a file, inline JSON, or - for stdin")
    .summary("find syntax errors and known mistakes in a pattern")
    .description(
      `Report syntax errors with their JSON path (what EventBridge would reject) and warnings for
mistakes it accepts silently: a "detailType" key, values that look like a forgotten prefix
or wildcard ("orders.*"), an "aws." source in a rule for custom events, an empty prefix,
keys with stray spaces, "detail" matched as a value, wildcards likely to be "too complex".
With --event, also numeric matching on a field the sample holds as a string, numbers
compared with strings, and whether the sample matches at all.

Exit codes: 0 no errors (warnings are printed but do not fail, unless --strict), 1 errors
(or warnings with --strict), 2 unreadable input.`,
    )
    .option("--event <SAMPLE>", "a sample event (full event or PutEvents entry) to cross-check types against")
    .option("--strict", "warnings fail too (exit 1)");
  withExamples(lint, [
    "course-doctor pattern lint examples/ingestor-rule-pattern.json",
    "course-doctor pattern lint rule.json --event examples/ingestor-event-sent.json --strict",
    `course-doctor pattern lint '{"detailType":["Created"],"source":["orders.*"]}'`,
  ]);
  lint.action(
    act<PatternLintFlags>(async (host, options, args) => {
      const { runPatternLint } = await import("../../pattern-commands/run.js");
      return runPatternLint(host, options, args);
    }),
  );
};
