import { Command, Option } from "commander";
import { createContext, type CommandContext } from "./context.js";
import type { Io } from "./io.js";
import { registerCheckCommands } from "./commands/check.js";
import { registerIamPolicyCommand } from "./commands/iam-policy.js";
import { registerInitCommand } from "./commands/init.js";
import { registerJobsCommands } from "./commands/jobs.js";
import { registerLogsCommand } from "./commands/logs.js";
import { registerMetricsCommand } from "./commands/metrics.js";
import { registerPatternCommands } from "./commands/pattern.js";
import { registerPolicyCommand } from "./commands/policy.js";
import { registerProbeCommand } from "./commands/probe.js";
import { registerRuleCommand } from "./commands/rule.js";
import { registerSmokeCommand } from "./commands/smoke.js";

declare const __COURSE_DOCTOR_VERSION__: string;
export const VERSION = typeof __COURSE_DOCTOR_VERSION__ === "string" ? __COURSE_DOCTOR_VERSION__ : "0.0.0-dev";

/**
 * Turns a command handler into a commander action. The handler gets the context, the
 * command's own options and its positional arguments, and returns the exit code.
 */
export type Act = <O = Record<string, unknown>>(
  handler: (ctx: CommandContext, options: O, args: string[], command: Command) => Promise<number>,
) => (...commanderArgs: unknown[]) => Promise<void>;

/** Every command module exports one of these; it adds its command(s) to the program. */
export type Register = (program: Command, act: Act) => void;

/** Adds an "Examples:" block to a command's help. */
export function withExamples(command: Command, examples: string[]): Command {
  return command.addHelpText("after", `\nExamples:\n${examples.map((line) => `  ${line}`).join("\n")}\n`);
}

/** The command names each module registers, in the order `--help` lists them. */
const REGISTRY: Array<[names: string[], register: Register]> = [
  [["check", "snapshot"], registerCheckCommands],
  [["probe"], registerProbeCommand],
  [["pattern"], registerPatternCommands],
  [["rule"], registerRuleCommand],
  [["policy"], registerPolicyCommand],
  [["metrics"], registerMetricsCommand],
  [["logs"], registerLogsCommand],
  [["jobs"], registerJobsCommands],
  [["smoke"], registerSmokeCommand],
  [["init"], registerInitCommand],
  [["iam-policy"], registerIamPolicyCommand],
];

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
    .addOption(new Option("--format <format>", "output format").choices(["pretty", "json", "markdown", "junit"]))
    .option("--no-color", "no colors (also NO_COLOR)")
    .option("-v, --verbose", "more detail on stderr; stack traces on errors")
    .option("-q, --quiet", "no progress on stderr")
    .option("--timeout <duration>", "deadline: for AWS calls (default 60s); for jobs and smoke, of the wait (default 15m)")
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
            2 could not run (usage, config, input, credentials, endpoint), 3 timed out.

Examples:
  course-doctor check --from examples/ingestor-wrong-bus.snapshot.json
  course-doctor check --bus orders --rule order-created --publisher orders-api
  course-doctor pattern test examples/ingestor-rule-pattern.json examples/ingestor-event.json
  course-doctor jobs submit --api-url https://api.example.com/dev --query "rust basics" --wait
`,
  );

  const act: Act = (handler) => async (...commanderArgs) => {
    const command = commanderArgs[commanderArgs.length - 1] as Command;
    const options = commanderArgs[commanderArgs.length - 2] as never;
    const args = commanderArgs.slice(0, -2).flatMap((value) => (Array.isArray(value) ? value : value === undefined ? [] : [value])) as string[];
    const ctx = createContext(command, io);
    result.exitCode = await handler(ctx, options, args, command);
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
