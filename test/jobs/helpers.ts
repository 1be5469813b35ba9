import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import type { CommandContext, Format } from "../../src/cli/context.js";
import { parseGlobalOptions } from "../../src/cli/context.js";
import { BufferStream, type Io } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { Output, resolveOutputOptions } from "../../src/cli/output.js";
import type { Settings } from "../../src/config/schema.js";
import { UsageError } from "../../src/errors.js";
import type { CliResult } from "../helpers/cli.js";

/** A distinctive token: no output may ever contain it. */
export const SECRET_TOKEN = "tok-SECRET-7f3a9c51e2";

/** An empty working directory, so no developer config file is picked up. */
export function emptyDir(): string {
  return mkdtempSync(join(tmpdir(), "course-doctor-jobs-"));
}

/** A working directory holding course-doctor.config.json with `config`. */
export function dirWithConfig(config: unknown): string {
  const dir = emptyDir();
  writeFileSync(join(dir, "course-doctor.config.json"), JSON.stringify(config, null, 2));
  return dir;
}

function makeIo(options: { env?: Record<string, string | undefined>; cwd?: string; tty?: boolean; interrupt?: AbortSignal }) {
  const stdout = new BufferStream(options.tty ?? false);
  const stderr = new BufferStream(options.tty ?? false);
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  stdin.end();
  const io: Io = {
    stdout,
    stderr,
    stdin,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
    cwd: options.cwd ?? emptyDir(),
    interrupt: options.interrupt ?? new AbortController().signal,
  };
  return { io, stdout, stderr };
}

/**
 * Runs the CLI in-process like runCli, but hands back the streams at once, so a test can
 * look at what was printed while the command still runs (the job id before any wait).
 */
export function startCli(
  argv: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string; tty?: boolean; interrupt?: AbortSignal } = {},
): { stdout: BufferStream; stderr: BufferStream; done: Promise<CliResult> } {
  const { io, stdout, stderr } = makeIo(options);
  const done = main(argv, io).then((code) => ({ code, stdout: stdout.text(), stderr: stderr.text() }));
  return { stdout, stderr, done };
}

/**
 * A CommandContext without commander, for calling runSmoke and friends directly with
 * injected dependencies. `global` holds raw global option values as commander would.
 */
export function testContext(
  options: {
    global?: Record<string, unknown>;
    env?: Record<string, string | undefined>;
    settings?: Settings;
    tty?: boolean;
    interrupt?: AbortSignal;
  } = {},
): { ctx: CommandContext; stdout: BufferStream; stderr: BufferStream } {
  const { io, stdout, stderr } = makeIo(options);
  const global = parseGlobalOptions(options.global ?? {}, io);
  const out = new Output(io.stdout, io.stderr, resolveOutputOptions(io, global));
  const ctx: CommandContext = {
    io,
    out,
    global,
    signal: io.interrupt,
    commandLine: "course-doctor jobs",
    config: async () => ({ path: undefined, env: undefined, settings: options.settings ?? {} }),
    format<F extends Format>(supported: readonly F[]): F {
      if (!(supported as readonly Format[]).includes(global.format)) throw new UsageError(`--format ${global.format} is not available for this command`);
      return global.format as F;
    },
  };
  return { ctx, stdout, stderr };
}
