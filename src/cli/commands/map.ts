import type { MapFlags } from "../../map/run.js";
import { withExamples, type Register } from "../command-kit.js";

export const registerMapCommand: Register = (program, act) => {
  const map = program
    .command("map")
    .summary("draw the pipeline: publishers → bus → rules → targets, stage after stage (read-only)")
    .description(
      `Draw the pipeline around a bus, left to right: the functions that publish to it (those
whose environment names the bus, found the way init finds them; only variable names are
shown), the bus, its rules with their state, each rule's targets with their kind, and the
next stage wherever a target function's own environment names another bus (or a target
is a bus): that bus, its rules and targets, up to 6 buses. The bus is --bus, else bus in
the config file, else default.

--format mermaid prints a Mermaid flowchart (the text alone, no code fence) to paste into
a ticket, a README or a pull request; check --format markdown carries the same diagram
with the broken link marked. --format json prints the nodes and edges.

Exit codes: 0 drawn, 2 the bus could not be read (it does not exist, access denied),
130 interrupted.`,
    )
    .option("--bus <name|arn>", "the event bus to start from (default: the config's bus, else default)");
  withExamples(map, [
    "course-doctor map --bus agent2-ingestor-events-dev",
    "course-doctor map --bus orders --format mermaid > pipeline.mmd",
    "course-doctor map --env dev --format json | jq '.edges | length'",
  ]);
  map.action(
    act<MapFlags>(async (host, options) => {
      const { runMap } = await import("../../map/run.js");
      return runMap(host, options);
    }),
  );
};
