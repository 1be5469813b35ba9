import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

/** A running moto_server on a free loopback port. */
export interface Moto {
  endpoint: string;
  port: number;
  /** Forgets every resource (POST /moto-api/reset). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Credentials and region for talking to moto with the real SDK clients. */
export const MOTO_ACCOUNT = "123456789012";
export const MOTO_REGION = "us-east-1";
export const motoCredentials = { accessKeyId: "testing", secretAccessKey: "testing" };

/** The environment a spawned CLI needs to reach moto. */
export function motoEnv(moto: Moto): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: motoCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: motoCredentials.secretAccessKey,
    AWS_REGION: MOTO_REGION,
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

function findMotoCommand(): string[] {
  if (spawnSync("moto_server", ["--help"], { stdio: "ignore" }).status === 0) return ["moto_server"];
  if (spawnSync("python3", ["-c", "import moto.server"], { stdio: "ignore" }).status === 0) return ["python3", "-m", "moto.server"];
  throw new Error(
    "moto_server was not found (neither `moto_server` nor `python3 -m moto.server`): the integration tests need it. Install it with `pip install 'moto[server]'`.",
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts moto_server on a free loopback port and waits until it answers. Fails loudly
 * when moto is not installed: the suite never skips its integration tests silently.
 */
export async function startMoto(): Promise<Moto> {
  const [command, ...baseArgs] = findMotoCommand();
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child: ChildProcess = spawn(command!, [...baseArgs, "-H", "127.0.0.1", "-p", String(port)], {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, PYTHONUNBUFFERED: "1" },
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const endpoint = `http://127.0.0.1:${port}`;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const ready = await waitUntilReady(endpoint, child, 20_000);
    if (!ready) {
      child.kill("SIGKILL");
      await exited;
      if (/address already in use/i.test(stderr)) continue;
      throw new Error(`moto_server did not start on ${endpoint}:\n${stderr}`);
    }
    return {
      endpoint,
      port,
      reset: async () => {
        await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
      },
      stop: async () => {
        if (child.exitCode === null) {
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
          await exited;
          clearTimeout(timer);
        }
      },
    };
  }
  throw new Error("moto_server: no free port after 3 attempts");
}

async function waitUntilReady(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}
