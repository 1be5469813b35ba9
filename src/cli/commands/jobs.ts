import { Option, type Command } from "commander";
import { withExamples, type Register } from "../command-kit.js";

/** --api-url, --api and --token, shared by the jobs commands and smoke. */
export function addApiOptions(command: Command): Command {
  return command
    .option("--api-url <url>", "base URL of the job API (also COURSE_DOCTOR_API_URL, or api.url in the config)")
    .addOption(new Option("--api <preset>", "which job API: the course API or the document ingestor (default: courses)").choices(["courses", "ingestor"]))
    .option("--token <token>", "bearer token (also COURSE_DOCTOR_TOKEN); never printed");
}

/** --query, --hours, --preferences and --body: what to submit. */
export function addBodyOptions(command: Command): Command {
  return command
    .option("--query <text>", "the course's subject (course API)")
    .option("--hours <n>", "the course's length in hours (course API)")
    .option("--preferences <json>", "course preferences: a JSON object, a file, or - for stdin")
    .option("--body <file|json>", "the whole request body instead (a file, inline JSON, or -)");
}

export const registerJobsCommands: Register = (program, act) => {
  const jobs = program
    .command("jobs")
    .description("submit jobs to the job API and follow them (--timeout is the deadline of a wait, default 15m)");
  withExamples(jobs, [
    'course-doctor jobs submit --api-url https://abc123.execute-api.us-east-1.amazonaws.com/dev --query "rust basics" --hours 4 --wait',
    "course-doctor jobs status 3f2a9c --wait --timeout 20m",
    "course-doctor jobs result 3f2a9c --out course.json",
  ]);

  const submit = addBodyOptions(addApiOptions(jobs.command("submit").description("submit a job; its id is printed the moment the API answers")))
    .option("--wait", "follow the job until it completes or fails (exit 0 completed, 1 failed, 3 timed out)")
    .option("--interval <duration>", "first wait between status polls with --wait (default: 2s; grows while nothing changes)");
  withExamples(submit, [
    'course-doctor jobs submit --query "rust basics" --hours 4 --preferences \'{"level":"beginner"}\' --wait',
    "course-doctor jobs submit --api ingestor --body request.json --wait --format json",
    'COURSE_DOCTOR_TOKEN=... course-doctor jobs submit --body \'{"query":"sql"}\'',
  ]).action(
    act(async (host, options) => {
      const { runSubmit } = await import("../../jobs/run.js");
      return runSubmit(host, options);
    }),
  );

  const status = addApiOptions(jobs.command("status").description("show a job's status, or follow it with --wait").argument("<id>", "the job id"))
    .option("--wait", "follow the job until it completes or fails (exit 0 completed, 1 failed, 3 timed out)")
    .option("--interval <duration>", "first wait between status polls with --wait (default: 2s)");
  withExamples(status, [
    "course-doctor jobs status 3f2a9c",
    "course-doctor jobs status 3f2a9c --wait --interval 5s --timeout 30m",
    "course-doctor jobs status 3f2a9c --format json | jq .phase",
  ]).action(
    act(async (host, options, args) => {
      const { runStatus } = await import("../../jobs/run.js");
      return runStatus(host, args[0] ?? "", options);
    }),
  );

  const result = addApiOptions(jobs.command("result").description("print a finished job's result as JSON").argument("<id>", "the job id"))
    .option("--out <file>", "write the result to this file instead of stdout");
  withExamples(result, ["course-doctor jobs result 3f2a9c", "course-doctor jobs result 3f2a9c --out course.json"]).action(
    act(async (host, options, args) => {
      const { runResult } = await import("../../jobs/run.js");
      return runResult(host, args[0] ?? "", options);
    }),
  );
};
