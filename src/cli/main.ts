import { CommanderError } from "commander";
import { ExitCode, InterruptedError } from "../errors.js";
import { reportFailure } from "../host/failure.js";
import { processIo, type Io } from "../host/io.js";
import { buildProgram } from "./program.js";

/**
 * Runs the CLI with `argv` (without the node and script paths) and returns the exit code.
 * This is the one place where errors become messages and exit codes.
 */
export async function main(argv: string[], io: Io): Promise<number> {
  const result = { exitCode: ExitCode.Ok as number };
  const verbose = argv.includes("-v") || argv.includes("--verbose");
  const program = buildProgram(io, result, argv);
  if (argv.length === 0) {
    io.stderr.write(program.helpInformation());
    return ExitCode.CannotRun;
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    return result.exitCode;
  } catch (error) {
    return reportError(error, io, verbose);
  }
}

function reportError(error: unknown, io: Io, verbose: boolean): number {
  if (error instanceof CommanderError) {
    // Help and version requests end here too, with exit code 0; commander has printed them.
    if (error.exitCode === 0 || error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") return ExitCode.Ok;
    return ExitCode.CannotRun;
  }
  const report = reportFailure(error);
  const color = io.stderr.isTTY === true && !(io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "");
  const red = (text: string) => (color ? `\x1b[31m${text}\x1b[39m` : text);
  if (report.interrupted) {
    io.stderr.write(`${report.message}\n`);
    if (report.hint) io.stderr.write(`  ${report.hint}\n`);
    return report.exitCode;
  }
  io.stderr.write(`${red("error:")} ${report.message}\n`);
  if (report.hint) io.stderr.write(`  ${report.hint}\n`);
  const stack = error instanceof Error ? (error.cause instanceof Error && !report.unexpected ? error.cause.stack : error.stack) : undefined;
  if (verbose && stack) io.stderr.write(`${stack}\n`);
  else if (report.unexpected) io.stderr.write("  (this is a bug in course-doctor; run with --verbose for the stack trace and report it)\n");
  return report.exitCode;
}

/**
 * The bin entry: runs main on the real process and sets process.exitCode. Ctrl-C aborts
 * the running command (which cleans up and exits 130); a second Ctrl-C exits at once.
 */
export function run(): void {
  // The AWS SDK warns about Node versions on stderr; that is not for our users.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const controller = new AbortController();
  let interrupts = 0;
  process.on("SIGINT", () => {
    interrupts++;
    if (interrupts > 1) process.exit(ExitCode.Interrupted);
    controller.abort(new InterruptedError());
  });
  // A closed pipe (`course-doctor ... | head`) is not an error worth a stack trace.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  });
  main(process.argv.slice(2), processIo(controller.signal)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = ExitCode.CannotRun;
    },
  );
}
