import type { ProbeFlags } from "../../probe/run.js";
import { addPipelineOptions } from "../pipeline-options.js";
import { withExamples, type Register } from "../command-kit.js";

export const registerProbeCommand: Register = (program, act) => {
  const probe = program
    .command("probe")
    .summary("send one marked test event and wait for evidence that the target got it (writes)")
    .description(
      `Send ONE event with PutEvents to the bus: the application's event (--event, or
--source/--detail-type/--detail, or the config file) with one extra detail field,
"courseDoctorProbe": "cd-probe-<random>". Your target receives it like a real event.
Then wait for that marker in the target's log group (/aws/lambda/FUNCTION, or a log
group target), through CloudWatch Logs Live Tail where the service offers it and by
polling FilterLogEvents otherwise (-v says which), until --probe-timeout (config probeTimeout,
default 60s; 3m with --bus-logs). A pattern that does not match the event is explained, not waited for.

--trace also adds, for the duration of the probe only, a target to the rule: a log group
/aws/events/course-doctor-trace-<id> (tagged course-doctor=probe-trace) with a resource
policy course-doctor-trace-<id> letting events.amazonaws.com write to it; it re-sends
the event (a new marker each time) every 5s until the marker appears. All three are
removed afterwards, also on Ctrl-C, timeout and error; --cleanup removes leftovers.

--bus-logs reads EventBridge's own record of the probe instead: RULE_MATCH for the rule,
then INVOCATION_SUCCESS or the failure (with the service's error) for each target — any
target kind. Where the bus already logs to CloudWatch Logs, nothing changes. Otherwise it
turns TRACE logging on for the probe alone: a log group
/aws/vendedlogs/course-doctor-buslogs-<id> with its resource policy, a delivery source and
destination and the delivery, then the bus's LogConfig; afterwards (also on Ctrl-C and
error) the bus's previous LogConfig is put back and each piece removed. Vended logs can
take minutes to start, so --bus-logs waits 3m unless --probe-timeout says otherwise; the
probe is re-sent every 15s until the first record shows.

Exit codes: 0 delivered; 1 not accepted or not delivered (pattern mismatch); 2 bad
input; 3 no evidence before the deadline; 130 interrupted.`,
    );
  addPipelineOptions(probe, { event: true });
  probe
    .option("--probe-timeout <duration>", "how long to wait for evidence (default: --timeout, config probeTimeout, or 60s)")
    .option("--trace", "add a temporary log group target to the rule while probing (removed afterwards)")
    .option("--bus-logs", "read the bus's own log of the probe (TRACE logging turned on for the probe alone when the bus does not log)")
    .option("--cleanup", "remove what a killed --trace or --bus-logs run left behind, and put a bus's logging back (nothing is sent)");
  withExamples(probe, [
    "course-doctor probe --bus orders --rule order-created --source shop.orders --detail-type 'Order Created' --detail '{\"id\":\"1\"}'",
    "course-doctor probe --env dev --trace --probe-timeout 2m",
    "course-doctor probe --env dev --bus-logs",
    "course-doctor probe --bus orders --cleanup",
  ]);
  probe.action(
    act<ProbeFlags>(async (host, options) => {
      const { runProbe } = await import("../../probe/run.js");
      return runProbe(host, options);
    }),
  );
};
