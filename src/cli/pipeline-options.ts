import { Option, type Command } from "commander";

/** Which groups of pipeline flags a command takes. */
export interface PipelineOptionSet {
  /** --all (check and snapshot). */
  all?: boolean;
  /** --event / --source / --detail-type / --detail. */
  event?: boolean;
  /** --since, with this default shown in help. */
  since?: string | false;
  /** --strict and --peek-dlq (check). */
  verdict?: boolean;
}

/** Adds the pipeline flags to a command. Defaults live in `resolvePipeline`, so the config file can supply them. */
export function addPipelineOptions(command: Command, set: PipelineOptionSet = {}): Command {
  command
    .option("--bus <name|arn>", "the event bus the rule lives on (default: default)")
    .option("--rule <name>", "the rule to check");
  if (set.all) command.option("--all", "check every rule on the bus");
  command
    .option("--function <name>", "only this target function")
    .option("--publisher <function>", "the function that calls PutEvents (its bus setting is checked)")
    .option("--bus-env-var <name>", "the publisher's environment variable naming the bus (default: EVENT_BUS_NAME)");
  if (set.event) {
    command
      .option("--event <file|json>", "the event the application sends: a full event or a PutEvents entry")
      .option("--source <source>", "the event's source (instead of --event)")
      .option("--detail-type <type>", "the event's detail-type (instead of --event)")
      .option("--detail <json>", "the event's detail as JSON (with --source and --detail-type)");
  }
  if (set.since !== false && set.since !== undefined) {
    command.addOption(new Option("--since <duration>", `metrics and logs window (default: ${set.since})`));
  }
  if (set.verdict) {
    command
      .option("--strict", "warnings and checks that could not run fail too")
      .option("--peek-dlq", "read the newest dead-letter messages (without deleting them)");
  }
  return command;
}
