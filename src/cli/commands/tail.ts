import type { TailFlags } from "../../tail/run.js";
import { withExamples, type Register } from "../command-kit.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];

export const registerTailCommand: Register = (program, act) => {
  const tail = program
    .command("tail")
    .summary("watch the events arriving on a bus, and which of its rules takes each (writes temporary resources)")
    .description(
      `Watch the events that arrive on a bus, live, one line per event: its time, source,
detail-type, a preview of its detail, and the bus's rules that match it (the local pattern
engine over the rules read at start; "→ no rule" when none does, DISABLED ones called out).

To see them, tail adds for its own duration: a rule course-doctor-tail-<id> on the bus
(tagged course-doctor=tail) whose pattern is --pattern, or --source / --detail-type (each
may be repeated), else every event of your account on that bus; its target, a log group
/aws/events/course-doctor-tail-<id>; and a resource policy course-doctor-tail-<id> letting
events.amazonaws.com write there. No existing rule is touched. The log group is read with
CloudWatch Logs Live Tail where AWS offers it (billed by the minute), by polling
FilterLogEvents otherwise (-v says which). All three are removed when the tail ends: after --for, on Ctrl-C, on error;
--cleanup removes what a killed tail left (on --bus, or on every bus).

Events that went to the wrong bus: "tail --bus default --source S" shows the events of
source S that the publisher sent to the default bus instead of yours (a missing
EVENT_BUS_NAME). A new rule takes a few seconds to become active.

Exit codes: 0 when it ends (Ctrl-C or --for, after cleanup), 2 bad input, the bus could
not be read, or something could not be removed. --format json prints one JSON object per
line per event: {"time", "source", "detail-type", "rules", "disabledRules", "event"}.`,
    )
    .option("--bus <name|arn>", "the event bus to watch (default: the config's bus, else default)")
    .option("--pattern <json>", "the event pattern of the temporary rule (a file, inline JSON, or -)")
    .option("--source <source>", "only events of this source (repeatable)", collect)
    .option("--detail-type <type>", "only events of this detail-type (repeatable)", collect)
    .option("--for <duration>", "stop after watching this long, counted once the tail is in place (e.g. 30s, 5m); default: until Ctrl-C")
    .option("--cleanup", "remove what a killed tail left behind (its rules, log groups and policies)");
  withExamples(tail, [
    "course-doctor tail --bus agent2-ingestor-events-dev",
    "course-doctor tail --bus default --source agent2.ingestor      # events that went to the wrong bus",
    `course-doctor tail --bus orders --pattern '{"detail-type":["Order Created"]}' --for 5m --format json | jq -c '{time, rules}'`,
    "course-doctor tail --cleanup",
  ]);
  tail.action(
    act<TailFlags>(async (host, options) => {
      const { runTail } = await import("../../tail/run.js");
      return runTail(host, options);
    }, { follows: true }),
  );
};
