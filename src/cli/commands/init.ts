import type { InitFlags } from "../../init/run.js";
import { withExamples, type Register } from "../command-kit.js";

export const registerInitCommand: Register = (program, act) => {
  const init = program
    .command("init")
    .summary("discover the rule, its target and the publisher on a bus; write course-doctor.config.json")
    .description(
      `Read a bus's rules (and their targets) and the Lambda functions whose environment names the bus, then write a commented course-doctor.config.json that every other command reads (check, probe, rule, policy, metrics, logs, smoke). The rule is --rule, else the only rule with a Lambda target, else the first of several (the others are listed in the file and on stderr). The event's source and detail-type come from the rule's pattern when it names one of each; the publisher is a function whose environment variable holds the bus's name or ARN (only the variable's name is written, never a value).

Writes ./course-doctor.config.json, or the file named by --output (or by the global --config). An existing file is kept unless --force. --region, --profile and --endpoint-url are used to read AWS and written into the file; --env NAME writes the settings as environment NAME, made the default. Exit 1 when the bus (or the --rule) does not exist.`,
    );
  init
    .option("--bus <name|arn>", "the event bus to read (required)")
    .option("--rule <name>", "the rule to write (default: the only rule with a Lambda target)")
    .option("--output <file>", "where to write (default: --config, else ./course-doctor.config.json)")
    .option("--force", "overwrite the file when it exists");
  withExamples(init, [
    "course-doctor init --bus agent2-ingestor-events-dev",
    "course-doctor init --bus orders --rule order-created --output config/course-doctor.json",
    "course-doctor --endpoint-url http://127.0.0.1:5000 --region us-east-1 init --bus orders --force",
    "course-doctor init --bus orders --format json | jq .rule",
  ]);
  init.action(
    act<InitFlags>(async (host, options) => {
      const { runInit } = await import("../../init/run.js");
      return runInit(host, options);
    }),
  );
};
