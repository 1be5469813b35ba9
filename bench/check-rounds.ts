/**
 * How many dependent rounds of AWS calls `check` makes, and how long `check --all` takes
 * on a bus with 200 rules. The built CLI talks to moto through a local proxy that delays
 * every call by a fixed time and records when each call started and ended; a call's round
 * is one more than the deepest call that had finished before it started.
 */
import { spawn } from "node:child_process";
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { motoEnv, startMoto, type Moto } from "../test/helpers/moto.js";
import { Seeder } from "../test/helpers/seed.js";

const BIN = fileURLToPath(new URL("../bin/course-doctor.js", import.meta.url));

interface Call {
  target: string;
  start: number;
  end: number;
}

/** A proxy in front of moto that delays each call by `delayMs`. */
async function startDelayProxy(upstream: string, delayMs: number): Promise<{ url: string; calls: Call[]; close(): Promise<void> }> {
  const target = new URL(upstream);
  const calls: Call[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const start = performance.now();
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      setTimeout(() => {
        const upstreamReq = httpRequest(
          { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
          (upstreamRes) => {
            const body: Buffer[] = [];
            upstreamRes.on("data", (chunk: Buffer) => body.push(chunk));
            upstreamRes.on("end", () => {
              res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
              res.end(Buffer.concat(body));
              calls.push({ target: operationOf(req, Buffer.concat(chunks)), start, end: performance.now() });
            });
          },
        );
        upstreamReq.on("error", () => {
          res.writeHead(502);
          res.end();
        });
        upstreamReq.end(Buffer.concat(chunks));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, calls, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function operationOf(req: IncomingMessage, body: Buffer): string {
  const target = req.headers["x-amz-target"];
  if (typeof target === "string") return target.split(".").pop() ?? target;
  const action = /Action=([A-Za-z]+)/.exec(body.toString())?.[1];
  if (action) return action;
  return `${req.method} ${(req.url ?? "").split("?")[0]}`;
}

/** Each call's round: 1 + the deepest round among the calls that finished before it began. */
export function roundsOf(calls: Call[]): Map<Call, number> {
  const sorted = [...calls].sort((a, b) => a.start - b.start);
  const round = new Map<Call, number>();
  for (const call of sorted) {
    let depth = 0;
    for (const other of sorted) if (other.end <= call.start) depth = Math.max(depth, round.get(other) ?? 0);
    round.set(call, depth + 1);
  }
  return round;
}

/** Depth of the dependency chain. */
export function countRounds(calls: Call[]): number {
  return Math.max(0, ...roundsOf(calls).values());
}

/** IAM gives a role's policy documents only by name (after listing them) and a managed policy's only by version. */
const IAM_DOCUMENTS = new Set(["GetRolePolicy", "GetPolicy", "GetPolicyVersion"]);

/** "3 dependent rounds (2 without IAM's policy documents); round 3: GetRolePolicy". */
function describeRounds(calls: Call[]): string {
  const rounds = roundsOf(calls);
  const total = countRounds(calls);
  const withoutIam = countRounds(calls.filter((call) => !IAM_DOCUMENTS.has(call.target)));
  const last = [...new Set([...rounds].filter(([, r]) => r === total).map(([call]) => call.target))].sort();
  return `${total} dependent rounds${withoutIam < total ? ` (${withoutIam} without the IAM policy documents a role's checks read: IAM returns them only by name, a round after listing them)` : ""}; round ${total}: ${last.join(", ")}`;
}

function runCheck(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, "check", ...args], { env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env } });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, ms: performance.now() - started }));
  });
}

export async function run(): Promise<string[]> {
  const lines: string[] = [];
  let moto: Moto | undefined;
  try {
    moto = await startMoto();
    const seed = new Seeder(moto);
    const names = await seed.ingestor();
    const delayMs = 100;
    const proxy = await startDelayProxy(moto.endpoint, delayMs);
    const env = { ...motoEnv(moto), AWS_ENDPOINT_URL: proxy.url };
    const args = ["--bus", names.bus, "--rule", names.rule, "--publisher", names.publisher, "--source", "agent2.ingestor", "--detail-type", "Document Processing Required", "--format", "json"];
    const single = await runCheck(args, env);
    lines.push(`check, one rule, every AWS call delayed ${delayMs}ms: ${proxy.calls.length} calls, ${Math.round(single.ms)}ms wall (exit ${single.code})`);
    lines.push(`  ${describeRounds(proxy.calls)}`);
    lines.push(`  calls: ${proxy.calls.map((call) => call.target).sort().join(", ")}`);
    // A rule that does not exist: where else it is (other buses, other regions) in the same two rounds.
    proxy.calls.length = 0;
    const missing = await runCheck(["--bus", names.bus, "--rule", `${names.rule}-typo`, "--format", "json"], env);
    lines.push(`check, a rule that does not exist: ${proxy.calls.length} calls, ${Math.round(missing.ms)}ms wall (exit ${missing.code}); ${describeRounds(proxy.calls)}`);
    await proxy.close();

    // check --all on a bus with 200 rules, straight to moto.
    const bus = "bench-200-rules";
    await seed.bus(bus);
    const functions = await Promise.all(Array.from({ length: 10 }, (_, i) => seed.fn(`bench-handler-${i}`)));
    for (let i = 0; i < 200; i += 20) {
      await Promise.all(
        Array.from({ length: 20 }, async (_, j) => {
          const n = i + j;
          const ruleArn = await seed.rule({ name: `bench-rule-${String(n).padStart(3, "0")}`, bus, pattern: { source: [`bench.${n}`] } });
          await seed.target(`bench-rule-${String(n).padStart(3, "0")}`, bus, functions[n % 10]!);
          await seed.permission(`bench-handler-${n % 10}`, ruleArn);
        }),
      );
    }
    const all = await runCheck(["--bus", bus, "--all", "--format", "json"], motoEnv(moto));
    let errors = -1;
    let rules = 0;
    try {
      const set = JSON.parse(all.stdout) as { rules: Array<{ findings: Array<{ status: string; detail?: string }> }> };
      rules = set.rules.length;
      errors = set.rules.flatMap((rule) => rule.findings).filter((finding) => finding.status === "error").length;
    } catch {
      // reported below as 0 rules
    }
    lines.push(`check --all, 200 rules on one bus (moto, no delay): ${rules} rules diagnosed in ${(all.ms / 1000).toFixed(1)}s, ${errors} checks could not run (exit ${all.code})`);
  } finally {
    await moto?.stop();
  }
  return lines;
}
