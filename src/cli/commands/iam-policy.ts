import { withExamples, type Register } from "../command-kit.js";

export const registerIamPolicyCommand: Register = (program, act) => {
  const command = program
    .command("iam-policy")
    .summary("print the least-privilege IAM policy course-doctor needs (read-only, or with --probe)")
    .description(
      `Print the IAM policy document that the read-only commands (check, snapshot, rule, policy, metrics, logs, route, map, init, pattern test --remote) need; with --probe, also the writes of probe and check --probe: PutEvents on the bus, and for --trace a temporary target on the rule and log groups named /aws/events/course-doctor-trace-*; with --tail, the writes of tail: its own rules named course-doctor-tail-* (created, tagged, given a target, deleted) and log groups named /aws/events/course-doctor-tail-*. The policy is generated from the list of AWS calls the code makes, so it cannot drift from it. Makes no AWS call.`,
    )
    .option("--probe", "add the actions probe, probe --trace, probe --bus-logs and probe --cleanup need")
    .option("--tail", "add the actions tail and tail --cleanup need (its own temporary rule, target, log group and policy)")
    .option("--peek-dlq", "add sqs:ReceiveMessage for check --peek-dlq")
    .option("--bus <name>", "narrow the probe's PutEvents (and tail's rules) to this bus (default: the config's bus)")
    .option("--rule <name>", "narrow the trace's PutTargets/RemoveTargets to this rule (default: the config's rule)")
    .option("--explain", "after the policy, list each action with why and which command calls it");
  withExamples(command, [
    "course-doctor iam-policy > course-doctor-policy.json",
    "course-doctor iam-policy --probe --bus agent2-ingestor-events-dev --rule agent2-ingestor-document-processing-dev",
    "course-doctor iam-policy --tail --bus orders",
    "course-doctor iam-policy --explain",
  ]);
  command.action(
    act(async (host, options) => {
      const { runIamPolicy } = await import("../../iam/run.js");
      return runIamPolicy(host, options);
    }),
  );
};
