import { Command, Option } from "commander";
import { InterruptedError } from "../errors.js";
import type { Io } from "../host/io.js";
import { VERSION } from "../version.js";
import { type Act, type Register } from "./command-kit.js";
import { createHost } from "./context.js";
import { registerCheckCommands } from "./commands/check.js";
import { registerIamPolicyCommand } from "./commands/iam-policy.js";
import { registerInputCommand } from "./commands/input.js";
import { registerInitCommand } from "./commands/init.js";
import { registerJobsCommands } from "./commands/jobs.js";
import { registerLogsCommand } from "./commands/logs.js";
import { registerMapCommand } from "./commands/map.js";
import { registerMetricsCommand } from "./commands/metrics.js";
import { registerPatternCommands } from "./commands/pattern.js";
import { registerPolicyCommand } from "./commands/policy.js";
import { registerProbeCommand } from "./commands/probe.js";
import { registerRouteCommand } from "./commands/route.js";
import { registerRuleCommand } from "./commands/rule.js";
import { registerSmokeCommand } from "./commands/smoke.js";
import { registerTailCommand } from "./commands/tail.js";
import { FORMATS } from "../settings/resolve.js";

/**
 * Set by the build for the lean bundle of the pattern commands (dist/pattern.cjs), which
 * the bin runs when `pattern` is the only command named: then only they are bundled, and
 * `pattern test` starts as fast as node itself allows. Undefined everywhere else.
 */
declare const __COURSE_DOCTOR_ONLY__: string;

/** The command names each module registers, in the order `--help` lists them. */
const FULL_REGISTRY: Array<[names: string[], register: Register]> = [
  [["check", "snapshot"], registerCheckCommands],
  [["probe"], registerProbeCommand],
  [["pattern"], registerPatternCommands],
  [["input"], registerInputCommand],
  [["route"], registerRouteCommand],
  [["rule"], registerRuleCommand],
  [["policy"], registerPolicyCommand],
  [["metrics"], registerMetricsCommand],
  [["logs"], registerLogsCommand],
  [["tail"], registerTailCommand],
  [["map"], registerMapCommand],
  [["jobs"], registerJobsCommands],
  [["smoke"], registerSmokeCommand],
  [["init"], registerInitCommand],
  [["iam-policy"], registerIamPolicyCommand],
];

// Both bundles and vitest define it ("" for the whole CLI), so the choice folds away at build time.
const REGISTRY: Array<[names: string[], register: Register]> = __COURSE_DOCTOR_ONLY__ === "pattern" ? [[["pattern"], registerPatternCommands]] : FULL_REGISTRY;

/** Every top-level command name, as the bin lists them (it picks the lean pattern bundle only when no other is named). */
export function commandNames(): string[] {
  return FULL_REGISTRY.flatMap(([names]) => names);
}

/**
 * The modules to register for `argv`: those whose command name appears in it (an option
 * value that happens to be a command name only adds a module), or every one when none
 * does (help, a mistyped command that commander should suggest a fix for).
 */
function registersFor(argv: readonly string[] | undefined): Register[] {
  const named = argv === undefined ? [] : REGISTRY.filter(([names]) => names.some((name) => argv.includes(name)));
  return (named.length > 0 ? named : REGISTRY).map(([, register]) => register);
}

/**
 * Builds the commander program. Nothing heavy is imported here: each command loads its
 * implementation (and the AWS SDK) only when it runs. Given `argv`, only the commands it
 * names are set up, which is most of a short command's start-up time.
 */
export function buildProgram(io: Io, result: { exitCode: number }, argv?: readonly string[]): Command {
  const program = new Command("course-doctor");
  program
    .description(
      "Find out why events published to EventBridge never reach their Lambda, and follow the jobs behind such pipelines.",
    )
    .version(VERSION, "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .option("--profile <name>", "AWS profile (default: the SDK's credential chain)")
    .option("--region <region>", "AWS region (default: AWS_REGION or the profile's)")
    .option("--endpoint-url <url>", "send every AWS call to this endpoint (also AWS_ENDPOINT_URL)")
    .option("-c, --config <file>", "config file (default: ./course-doctor.config.json when present)")
    .option("--env <name>", "environment from the config file (dev, prod, ...)")
    .addOption(new Option("--format <format>", "output format (each command lists the ones it offers)").choices([...FORMATS]))
    .option("--no-color", "no colors (also NO_COLOR)")
    .option("-v, --verbose", "more detail on stderr; stack traces on errors")
    .option("-q, --quiet", "no progress on stderr")
    .option("--timeout <duration>", "deadline: of all AWS calls (default 60s, or timeout in the config); for jobs and smoke, of the wait (default 15m)")
    .showHelpAfterError("(run with --help for usage)")
    .configureHelp({ sortSubcommands: false, showGlobalOptions: true })
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride();
  program.addHelpText(
    "after",
    `
Exit codes: 0 healthy / job completed, 1 problems found / job failed,
            2 could not run or could not tell (usage, config, input, credentials,
              endpoint, a check the verdict rests on could not run), 3 timed out,
            130 interrupted (Ctrl-C).

Examples:
  course-doctor check --from examples/ingestor-wrong-bus.snapshot.json
  course-doctor check --bus orders --rule order-created --publisher orders-api
  course-doctor pattern test examples/ingestor-rule-pattern.json examples/ingestor-event.json
  course-doctor input examples/ingestor-target-inputpath.json examples/ingestor-event.json
  course-doctor route --bus agent2-ingestor-events-dev examples/ingestor-event-sent.json
  course-doctor tail --bus default --source agent2.ingestor
  course-doctor map --bus agent2-ingestor-events-dev --format mermaid
  course-doctor jobs submit --api-url https://api.example.com/dev --query "rust basics" --wait
`,
  );

  // Ctrl-C ends a command with 130 and no verdict, whatever the handler made of it; only a
  // follow (logs --follow, tail), whose normal end is Ctrl-C, decides its own exit code.
  const act: Act = (handler, behaviour = {}) => async (...commanderArgs) => {
    const command = commanderArgs[commanderArgs.length - 1] as Command;
    const options = commanderArgs[commanderArgs.length - 2] as never;
    const args = commanderArgs.slice(0, -2).flatMap((value) => (Array.isArray(value) ? value : value === undefined ? [] : [value])) as string[];
    const host = createHost(command, io);
    let code: number;
    try {
      code = await handler(host, options, args, command);
    } catch (error) {
      if (io.interrupt.aborted && !(error instanceof InterruptedError)) throw new InterruptedError("interrupted", { cause: error });
      throw error;
    }
    if (io.interrupt.aborted && !behaviour.follows) throw new InterruptedError();
    result.exitCode = code;
  };

  for (const register of registersFor(argv)) register(program, act);
  // Subcommands print their errors through the same output and never exit the process.
  for (const command of allCommands(program)) {
    command.exitOverride().configureOutput(program.configureOutput()).showHelpAfterError("(run with --help for usage)");
    command.description(reflow(command.description()));
  }
  return program;
}

function allCommands(command: Command): Command[] {
  return command.commands.flatMap((child) => [child, ...allCommands(child)]);
}

/**
 * Descriptions are written as paragraphs with line breaks for the source's sake; commander
 * wraps them again to the terminal, so a source line break inside a paragraph would leave a
 * stub line. Lines that start with a space or "-" (lists, examples) keep their breaks.
 */
export function reflow(text: string): string {
  return text.replace(/([^\n])\n(?=[^\n\s-])/g, "$1 ");
}
