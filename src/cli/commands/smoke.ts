import { addPipelineOptions } from "../pipeline-options.js";
import { withExamples, type Register } from "../command-kit.js";
import { addApiOptions, addBodyOptions } from "./jobs.js";

export const registerSmokeCommand: Register = (program, act) => {
  const smoke = program
    .command("smoke")
    .description(
      "for CI: submit a small job and wait for it (exit 0 completed, 1 failed, 3 timed out or stuck); a job stuck in its first state gets the pipeline diagnosis printed with the timeout",
    );
  addBodyOptions(addApiOptions(smoke))
    .option("--interval <duration>", "first wait between status polls (default: 2s, or smoke.interval)")
    .option("--stuck-after <duration>", "diagnose the pipeline when the job has not left its first state for this long (default: 60s, or smoke.stuckAfter)");
  addPipelineOptions(smoke, { event: true, since: "1h" });
  withExamples(smoke, [
    "course-doctor smoke --api-url $API_URL --bus courses-events-dev --rule course-requested --timeout 10m",
    "course-doctor smoke --env dev --format junit > smoke-junit.xml",
    "course-doctor smoke --api ingestor --body smoke-request.json --stuck-after 90s --format markdown >> $GITHUB_STEP_SUMMARY",
  ]).action(
    act(async (host, options) => {
      const { runSmoke } = await import("../../jobs/smoke.js");
      return runSmoke(host, options);
    }),
  );
};
