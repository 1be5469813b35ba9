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
default 60s). A pattern that does not match the event is explained, not waited for.

--trace also adds, for the duration of the probe only, a target to the rule: a log group
/aws/events/course-doctor-trace-<id> (tagged course-doctor=probe-trace) with a resource
policy course-doctor-trace-<id> letting events.amazonaws.com write to it; it re-sends
the event (a new marker each time) every 5s until the marker appears. All three are
removed afterwards, also on Ctrl-C, timeout and error; --cleanup removes leftovers.

Exit codes: 0 delivered; 1 not accepted or not delivered (pattern mismatch); 2 bad
input; 3 no evidence before the deadline; 130 interrupted.`,
    );
  addPipelineOptions(probe, { event: true });
  probe
    .option("--probe-timeout <duration>", "how long to wait for evidence (default: --timeout, config probeTimeout, or 60s)")
    .option("--trace", "add a temporary log group target to the rule while probing (removed afterwards)")
    .option("--cleanup", "remove what a killed --trace run left behind (nothing is sent)");
  withExamples(probe, [
    "course-doctor probe --bus orders --rule order-created --source shop.orders --detail-type 'Order Created' --detail '{\"id\":\"1\"}'",
    "course-doctor probe --env dev --trace --probe-timeout 2m",
    "course-doctor probe --bus orders --cleanup",
  ]);
  probe.action(
    act<ProbeFlags>(async (host, options) => {
      const { runProbe } = await import("../../probe/run.js");
      return runProbe(host, options);
    }),
  );
};
