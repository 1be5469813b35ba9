import type { RouteFlags } from "../../route/run.js";
import { withExamples, type Register } from "../command-kit.js";

export const registerRouteCommand: Register = (program, act) => {
  const route = program
    .command("route")
    .argument("<EVENT>", "a full event or a PutEvents entry (file, inline JSON, or -); JSON Lines or a JSON array for many")
    .summary("which rules on a bus does this event match, and why do the others miss it (read-only)")
    .description(
      `Match one event against every rule on the bus, the way the bus routes it, with the local
pattern engine (the one pattern test uses): the rules it matches, with their state (a
DISABLED rule that matches is called out: it delivers nothing), and for the closest rules
that miss, the field that stops each and why. Every enabled rule that a single field
stops is listed, then the next closest, up to 10. EVENT is read as for pattern test: a
full event ({source, detail-type, detail, ...}) or a PutEvents entry ({Source, DetailType,
Detail: "<json>"}); account and region come from the caller. Reads the bus's rules
(events:ListRules); writes nothing. The bus is --bus, else bus in the config file, else default.

Exit codes: 0 an enabled rule matches (every event, for several), 1 none does (or PutEvents
would reject the entry), 2 bad input or the bus could not be read, 130 interrupted.
--format json prints {"bus", "event", "matches": [{"rule", "state"}], "misses": [{"rule",
"state", "field", "reason", "otherFields"}], ...}; one JSON line per event for several.`,
    )
    .option("--bus <name|arn>", "the event bus whose rules to match (default: the config's bus, else default)");
  withExamples(route, [
    "course-doctor route --bus agent2-ingestor-events-dev examples/ingestor-event-sent.json",
    `course-doctor route --bus orders '{"source":"shop.orders","detail-type":"Order Created","detail":{"id":"1"}}'`,
    "course-doctor route --bus orders events.jsonl --format json | jq -c '{index, matches}'",
  ]);
  route.action(
    act<RouteFlags>(async (host, options, args) => {
      const { runRoute } = await import("../../route/run.js");
      return runRoute(host, options, args);
    }),
  );
};
