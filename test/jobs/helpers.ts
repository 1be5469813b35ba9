import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { main } from "../../src/cli/main.js";
import type { Host } from "../../src/host/host.js";
import { BufferStream, type Io } from "../../src/host/io.js";
import { Output } from "../../src/host/output.js";
import { Settings, type GlobalFlags } from "../../src/settings/resolve.js";
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
 * A Host without commander, for calling runSmoke and friends directly with injected
 * dependencies. `global` holds the global flags as commander would parse them; the
 * config file is read from `cwd` (pass `dirWithConfig(...)` for one).
 */
export function testContext(
  options: {
    global?: GlobalFlags;
    env?: Record<string, string | undefined>;
    cwd?: string;
    tty?: boolean;
    interrupt?: AbortSignal;
  } = {},
): { ctx: Host; stdout: BufferStream; stderr: BufferStream } {
  const { io, stdout, stderr } = makeIo(options);
  const settings = new Settings(options.global ?? {}, io);
  const ctx: Host = { io, out: new Output(io.stdout, io.stderr, settings.output), settings, signal: io.interrupt, commandLine: "course-doctor jobs" };
  return { ctx, stdout, stderr };
}
