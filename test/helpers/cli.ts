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

/** How a spawned bin is run: extra node flags, and a Ctrl-C sent once stderr shows `afterStderr` (or after `afterMs`). */
export interface BinOptions extends RunOptions {
  timeoutMs?: number;
  nodeArgs?: string[];
  sigint?: { afterStderr?: string; afterMs?: number };
}

/** Spawns the built bin (run `npm run build` first; `npm test` does). `ms` is its wall time. */
export async function runBin(argv: string[], options: BinOptions = {}): Promise<CliResult & { ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BIN, ...argv], {
      cwd: options.cwd ?? REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let interrupted = false;
    const interrupt = () => {
      if (interrupted) return;
      interrupted = true;
      child.kill("SIGINT");
    };
    if (options.sigint?.afterMs !== undefined) setTimeout(interrupt, options.sigint.afterMs);
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (options.sigint?.afterStderr !== undefined && stderr.includes(options.sigint.afterStderr)) interrupt();
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`course-doctor ${argv.join(" ")} did not finish within ${options.timeoutMs ?? 60_000}ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - started });
    });
    if (options.stdin !== undefined) child.stdin.end(options.stdin);
    else child.stdin.end();
  });
}
