import { spawn } from "node:child_process";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { main } from "../../src/cli/main.js";
import { BufferStream, type Io } from "../../src/host/io.js";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const BIN = fileURLToPath(new URL("../../bin/course-doctor.js", import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  stdin?: string;
  /** Pretend stdout/stderr are terminals. */
  tty?: boolean;
  /** Abort this signal to simulate Ctrl-C. */
  interrupt?: AbortSignal;
}

/**
 * Runs the CLI in-process through `main`, with captured output and an environment that
 * holds only what the test passes (plus PATH/HOME), so the developer's AWS settings never leak in.
 */
export async function runCli(argv: string[], options: RunOptions = {}): Promise<CliResult> {
  const stdout = new BufferStream(options.tty ?? false);
  const stderr = new BufferStream(options.tty ?? false);
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  if (options.stdin !== undefined) stdin.end(options.stdin);
  else stdin.end();
  const io: Io = {
    stdout,
    stderr,
    stdin,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
    cwd: options.cwd ?? REPO_ROOT,
    interrupt: options.interrupt ?? new AbortController().signal,
  };
  const code = await main(argv, io);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** Spawns the built bin (run `npm run build` first; `npm test` does). */
export async function runBin(argv: string[], options: RunOptions & { timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], {
      cwd: options.cwd ?? REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`course-doctor ${argv.join(" ")} did not finish within ${options.timeoutMs ?? 60_000}ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    if (options.stdin !== undefined) child.stdin.end(options.stdin);
    else child.stdin.end();
  });
}
