import type { CheckFlags, TemplateFlags } from "../../check/run.js";
import type { PipelineFlags } from "../../settings/resolve.js";
import { addPipelineOptions } from "../pipeline-options.js";
import { withExamples, type Register } from "../command-kit.js";
import type { Command } from "commander";

/** Repeatable options collect their values. */
function collectValues(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** --template / --tf-plan and what they need: before deploy, no AWS call. */
function addTemplateOptions(command: Command): Command {
  return command
    .option("--template <file>", "check a CloudFormation / SAM template (YAML or JSON; CDK's cdk.out/*.template.json) before deploy; repeat for stacks that import from each other", collectValues)
    .option("--tf-plan <file>", "check a Terraform plan before apply (the JSON of terraform show -json PLAN)")
    .option("--account <id>", "with --template / --tf-plan: the account id AWS::AccountId stands for (default: the placeholder ACCOUNT)")
    .option("--parameter <key=value>", "with --template: a template parameter's value (repeatable; AWS::StackName too)", collectValues);
}

export const registerCheckCommands: Register = (program, act) => {
  const check = program
    .command("check")
    .summary("diagnose why events do not reach the rule's targets (read-only)")
    .description(
      `Diagnose an EventBridge → Lambda pipeline: rule state, pattern against the event the
application sends, the target's resource policy and state, the publisher's bus setting,
the MatchedEvents / Invocations metrics with the right dimensions, the target's dead-letter
queue and recent errors in its logs. Read-only: nothing is sent or changed, unless --probe.
Prints one line per finding, then the root cause and the exact fix.

With --probe, after reading, it also sends one marked copy of the application's event to
the bus with PutEvents (the event given by --event, --source/--detail-type or the config)
and waits for it in the target's logs, adding the probe.accepted and probe.delivered
findings; --trace adds a temporary log group target to the rule for the probe and removes
it afterwards; --bus-logs reads the bus's own log of the probe, turning TRACE logging on for
the probe alone where the bus does not log (see course-doctor probe --help).

With --template FILE (or --tf-plan FILE) it checks the pipeline before deploy, from the
template or plan alone: no AWS call, no credentials. Checks that need a running account
(metrics, logs, the dead-letter queue's depth, the bus's own log) are skipped; a value the
template leaves to deploy time (an !ImportValue, a parameter without a value) is named where
it is needed; fixes are changes to the template, by logical id.`,
    );
  addPipelineOptions(check, { all: true, event: true, since: "1h", verdict: true });
  addTemplateOptions(check);
  check
    .option("--from <snapshot>", "diagnose a saved snapshot offline (no AWS calls)")
    .option("--save-snapshot <file>", "also write the collected snapshot to FILE")
    .option("--probe", "also send a marked probe event and wait for it in the target's logs (writes: PutEvents)")
    .option("--trace", "with --probe: a temporary log group target on the rule proves delivery, removed afterwards")
    .option("--bus-logs", "with --probe: read the bus's own log of the probe (logging turned on for the probe alone, then put back)")
    .option("--probe-timeout <duration>", "with --probe: how long to wait for evidence (default 60s)");
  withExamples(check, [
    "course-doctor check --from examples/ingestor-wrong-bus.snapshot.json",
    "course-doctor check --bus agent2-ingestor-events-dev --rule agent2-ingestor-document-processing-dev \\",
    "    --publisher agent2-ingestor-upload-dev --source agent2.ingestor --detail-type 'Document Processing Required'",
    "course-doctor check --env dev --event event.json --since 3h",
    "course-doctor check --env dev --probe --trace",
    "course-doctor check --bus orders --all --format junit > check.xml",
    "course-doctor check --format json | jq .rootCause",
    "course-doctor check --template backend/template.yaml --source agent2.ingestor --detail-type 'Document Processing Required'",
    "course-doctor check --template infrastructure/eventbridge-setup.yaml --template backend/template.yaml --all --format junit",
    "terraform show -json plan.out > plan.json && course-doctor check --tf-plan plan.json --account 123456789012",
  ]);
  check.action(
    act<CheckFlags>(async (host, options) => {
      const { runCheck } = await import("../../check/run.js");
      return runCheck(host, options);
    }),
  );

  const snapshot = program
    .command("snapshot")
    .summary("collect what check reads into a JSON file (read-only)")
    .description(
      `Collect everything check reads about a pipeline into one JSON snapshot, with every
environment value but the bus variable redacted. Attach it to a bug report, or
diagnose it later with \`check --from FILE\`.`,
    );
  addPipelineOptions(snapshot, { all: true, event: true, since: "1h" });
  addTemplateOptions(snapshot);
  snapshot.option("-o, --out <file>", "write to FILE (default: stdout)");
  snapshot.option("--peek-dlq", "include the newest dead-letter messages (without deleting them)");
  withExamples(snapshot, [
    "course-doctor snapshot --bus orders --rule order-created --out incident.json",
    "course-doctor check --from incident.json",
  ]);
  snapshot.action(
    act<PipelineFlags & TemplateFlags & { out?: string }>(async (host, options) => {
      const { runSnapshot } = await import("../../check/run.js");
      return runSnapshot(host, options);
    }),
  );
};
