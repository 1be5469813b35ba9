import type { LogsFlags } from "../../logs/run.js";
import { withExamples, type Register } from "../command-kit.js";

export const registerLogsCommand: Register = (program, act) => {
  const logs = program
    .command("logs")
    .argument("[target]", "a function (name or ARN) or a log group starting with / (default: the configured rule's target)")
    .summary("print a function's or log group's recent log lines; --follow for new ones (read-only)")
    .description(
      `Print the log lines of the last --since (default 15m) from a log group, one line per event
with its time and log stream; error lines are red on a terminal. The target is a log group
("/aws/lambda/orders-fn"), a function name or ARN (its group /aws/lambda/NAME), or, with no
argument, the group of the configured rule's Lambda or log group target (from the
flags --bus, --rule and --function, or the config file). A log group that does not exist means "no logs yet" (exit 0).

--follow keeps printing new lines until Ctrl-C (exit 0), with CloudWatch Logs Live Tail
(logs:StartLiveTail) where AWS offers it, and otherwise (an --endpoint-url emulator, Live Tail
denied) by polling FilterLogEvents from the newest line seen; --verbose says which.

--filter takes a CloudWatch Logs filter pattern: "ERROR", "?ERROR ?Exception", "-DEBUG",
'{ $.level = "error" }'. Term patterns are re-checked locally, since some endpoints match
them only approximately.

--format json prints one JSON object per line (timestamp, stream, message, group).`,
    );
  logs
    .option("--bus <name|arn>", "the event bus of the rule (default: default)")
    .option("--rule <name>", "read the logs of this rule's target")
    .option("--function <name>", "the function (instead of the argument)")
    .option("--since <duration>", "how far back to start (default: 15m)")
    .option("--filter <pattern>", "a CloudWatch Logs filter pattern")
    .option("-f, --follow", "keep printing new lines until Ctrl-C");
  withExamples(logs, [
    "course-doctor logs agent2-ingestor-api-dev --since 1h",
    "course-doctor logs --env dev --follow --filter '?ERROR ?Exception'",
    "course-doctor logs /aws/events/orders-audit --format json | jq -r .message",
  ]);
  logs.action(
    act<LogsFlags>(async (host, options, args) => {
      const { runLogs } = await import("../../logs/run.js");
      return runLogs(host, args[0], options);
    }, { follows: true }),
  );
};
