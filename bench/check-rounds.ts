/**
 * `check` against AWS's pace. Two measurements, both of the built CLI talking to moto
 * through a local proxy:
 *
 * 1. One rule: every call delayed by a fixed time; a call's round is one more than the
 *    deepest call that had finished before it started, so the count is the number of
 *    dependent rounds of reads.
 * 2. `check --all` on 300 rules / 100 functions behind a proxy that enforces AWS's
 *    documented per-API quotas as AWS does: a token bucket per quota (src/aws/rate-limits.ts
 *    holds the quotas and the pages they are documented on), a throttled call answered
 *    with the service's own throttling error — Lambda HTTP 429 TooManyRequestsException
 *    (x-amzn-ErrorType), EventBridge and CloudWatch Logs HTTP 400 ThrottlingException
 *    (JSON 1.1 `__type`), CloudWatch HTTP 400 Throttling (JSON 1.0 with the query-compatible
 *    x-amzn-query-error header) — which the SDK classifies as throttling, and an API latency
 *    on every call. The floor is what the quotas allow for the calls the run needed: the
 *    busiest bucket's calls divided by its rate. A second run lowers the server's GetPolicy
 *    quota below what the client expects, so throttles happen: only that bucket slows, and
 *    no finding may err.
 */
import { spawn } from "node:child_process";
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { quotaOf, type Quota } from "../src/aws/rate-limits.js";
import type { ServiceName } from "../src/aws/errors.js";
import { motoEnv, MOTO_ACCOUNT, MOTO_REGION, startMoto, type Moto } from "../test/helpers/moto.js";
import { Seeder } from "../test/helpers/seed.js";

const BIN = fileURLToPath(new URL("../bin/course-doctor.js", import.meta.url));

interface Call {
  service: string;
  operation: string;
  start: number;
  end: number;
  throttled: boolean;
}

/** What a proxy does to each call: a fixed latency, and (optionally) AWS's quotas. */
interface ProxyOptions {
  latencyMs: number;
  /** The quota a call counts against; undefined for none (unthrottled). */
  quota?: (service: string, operation: string) => Quota | undefined;
}

/** A server-side token bucket as AWS keeps one: a second's worth of burst, refilled at the quota's rate. */
class ServerBucket {
  private tokens: number;
  private at = performance.now();
  constructor(private readonly perSecond: number) {
    this.tokens = Math.max(1, perSecond);
  }
  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(Math.max(1, this.perSecond), this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** The throttling answer each service gives. */
function throttle(res: ServerResponse, service: string): void {
  const message = JSON.stringify({ message: "Rate exceeded", ...(service === "lambda" ? { Reason: "CallerRateLimitExceeded", Type: "User" } : { __type: service === "cloudwatch" ? "Throttling" : "ThrottlingException" }) });
  if (service === "lambda") res.writeHead(429, { "content-type": "application/json", "x-amzn-errortype": "TooManyRequestsException" });
  else if (service === "cloudwatch") res.writeHead(400, { "content-type": "application/x-amz-json-1.0", "x-amzn-query-error": "Throttling;Sender" });
  else res.writeHead(400, { "content-type": "application/x-amz-json-1.1" });
  res.end(message);
}

async function startProxy(upstream: string, options: ProxyOptions): Promise<{ url: string; calls: Call[]; close(): Promise<void> }> {
  const target = new URL(upstream);
  const calls: Call[] = [];
  const buckets = new Map<string, ServerBucket>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const start = performance.now();
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const service = serviceOf(req);
      const operation = operationOf(req, service, Buffer.concat(chunks));
      const quota = options.quota?.(service, operation);
      let bucket = quota ? buckets.get(quota.id) : undefined;
      if (quota && !bucket) buckets.set(quota.id, (bucket = new ServerBucket(quota.perSecond)));
      const throttled = bucket !== undefined && !bucket.take();
      setTimeout(() => {
        if (throttled) {
          throttle(res, service);
          calls.push({ service, operation, start, end: performance.now(), throttled });
          return;
        }
        const upstreamReq = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (upstreamRes) => {
          const body: Buffer[] = [];
          upstreamRes.on("data", (chunk: Buffer) => body.push(chunk));
          upstreamRes.on("end", () => {
            res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
            res.end(Buffer.concat(body));
            calls.push({ service, operation, start, end: performance.now(), throttled });
          });
        });
        upstreamReq.on("error", () => {
          res.writeHead(502);
          res.end();
        });
        upstreamReq.end(Buffer.concat(chunks));
      }, options.latencyMs);
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, calls, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The service a request is signed for (SigV4 credential scope), by its IAM prefix (CloudWatch signs as "monitoring"). */
function serviceOf(req: IncomingMessage): string {
  const signing = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(String(req.headers.authorization ?? ""))?.[1] ?? "unknown";
  return signing === "monitoring" ? "cloudwatch" : signing;
}

/** The API operation: X-Amz-Target for the JSON protocols, the REST path for Lambda. */
function operationOf(req: IncomingMessage, service: string, body: Buffer): string {
  const target = req.headers["x-amz-target"];
  if (typeof target === "string") return target.split(".").pop() ?? target;
  const action = /Action=([A-Za-z]+)/.exec(body.toString())?.[1];
  if (action) return action;
  const path = (req.url ?? "").split("?")[0] ?? "";
  if (service === "lambda") {
    const rest: Array<[RegExp, string]> = [
      [/^\/2015-03-31\/functions\/[^/]+\/policy$/, "GetPolicy"],
      [/^\/2015-03-31\/functions\/[^/]+\/configuration$/, "GetFunctionConfiguration"],
      [/^\/2019-09-30\/functions\/[^/]+\/concurrency$/, "GetFunctionConcurrency"],
      [/^\/2019-09-25\/functions\/[^/]+\/event-invoke-config$/, "GetFunctionEventInvokeConfig"],
      [/^\/2015-03-31\/functions\/?$/, "ListFunctions"],
      [/^\/2015-03-31\/functions\/[^/]+$/, "GetFunction"],
    ];
    if (req.method === "GET") for (const [pattern, name] of rest) if (pattern.test(path)) return name;
  }
  return `${req.method} ${path}`;
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
  const withoutIam = countRounds(calls.filter((call) => !IAM_DOCUMENTS.has(call.operation)));
  const last = [...new Set([...rounds].filter(([, r]) => r === total).map(([call]) => call.operation))].sort();
  return `${total} dependent rounds${withoutIam < total ? ` (${withoutIam} without the IAM policy documents a role's checks read: IAM returns them only by name, a round after listing them)` : ""}; round ${total}: ${last.join(", ")}`;
}

/**
 * The fastest the quotas allow for these calls: per bucket, its calls (throttled ones
 * excluded: a run that needed fewer would not have sent them) over its rate; the busiest
 * bucket decides.
 */
function floorOf(calls: Call[], quota: (service: string, operation: string) => Quota | undefined): { seconds: number; buckets: Array<{ id: string; calls: number; perSecond: number; seconds: number; doneAt: number }> } {
  const first = Math.min(...calls.map((call) => call.start));
  const counts = new Map<string, { calls: number; perSecond: number; doneAt: number }>();
  for (const call of calls) {
    const q = quota(call.service, call.operation);
    if (!q) continue;
    const entry = counts.get(q.id) ?? { calls: 0, perSecond: q.perSecond, doneAt: 0 };
    if (!call.throttled) entry.calls++;
    entry.doneAt = Math.max(entry.doneAt, (call.end - first) / 1000);
    counts.set(q.id, entry);
  }
  const buckets = [...counts].map(([id, entry]) => ({ id, ...entry, seconds: entry.calls / entry.perSecond })).sort((a, b) => b.seconds - a.seconds);
  return { seconds: buckets[0]?.seconds ?? 0, buckets };
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

/** Runs `items` through `fn`, `limit` at a time. */
async function inBatches<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += limit) await Promise.all(items.slice(i, i + limit).map(fn));
}

const RULES = 300;
const FUNCTIONS = 100;
const BUS = "bench-orders";
/** About what an API call takes within a region. */
const LATENCY_MS = 25;

/** 300 rules on one bus, rule n targeting function n % 100 (three rules a function), with permissions, logs and metrics. */
async function seedAccount(seed: Seeder): Promise<void> {
  await seed.bus(BUS);
  const fnName = (i: number) => `bench-fn-${String(i).padStart(3, "0")}`;
  const ruleName = (n: number) => `bench-rule-${String(n).padStart(3, "0")}`;
  await inBatches(Array.from({ length: FUNCTIONS }, (_, i) => i), 20, (i) => seed.fn(fnName(i)));
  await inBatches(Array.from({ length: RULES }, (_, n) => n), 20, async (n) => {
    const ruleArn = await seed.rule({ name: ruleName(n), bus: BUS, pattern: { source: ["bench.orders"], "detail-type": [`step ${n}`] } });
    await seed.target(ruleName(n), BUS, `arn:aws:lambda:${MOTO_REGION}:${MOTO_ACCOUNT}:function:${fnName(n % FUNCTIONS)}`);
    await seed.permission(fnName(n % FUNCTIONS), ruleArn);
  });
  // Most functions have logged (a few with errors); the last ten never ran.
  await inBatches(Array.from({ length: FUNCTIONS - 10 }, (_, i) => i), 20, (i) => seed.logLines(`/aws/lambda/${fnName(i)}`, i % 15 === 0 ? ["START", "[ERROR] KeyError: 'order_id'", "END"] : ["START", `order ${i} done`, "END"]));
  await inBatches(Array.from({ length: 50 }, (_, n) => n), 10, (n) => seed.metric("AWS/Events", "MatchedEvents", { EventBusName: BUS, RuleName: ruleName(n) }, 3));
}

function percent(part: number, whole: number): string {
  return `${Math.round((part / whole) * 100)}%`;
}

async function benchAll(moto: Moto, label: string, quota: (service: string, operation: string) => Quota | undefined): Promise<string[]> {
  const proxy = await startProxy(moto.endpoint, { latencyMs: LATENCY_MS, quota });
  try {
    const run = await runCheck(["--bus", BUS, "--all", "--format", "json", "--timeout", "120s"], { ...motoEnv(moto), AWS_ENDPOINT_URL: proxy.url });
    let rules = 0;
    let erred = -1;
    try {
      const set = JSON.parse(run.stdout) as { rules: Array<{ findings: Array<{ status: string }> }> };
      rules = set.rules.length;
      erred = set.rules.flatMap((rule) => rule.findings).filter((finding) => finding.status === "error").length;
    } catch {
      // reported as 0 rules, -1 erred
    }
    const floor = floorOf(proxy.calls, quota);
    const throttled = proxy.calls.filter((call) => call.throttled);
    const byOperation = new Map<string, number>();
    for (const call of proxy.calls) byOperation.set(`${call.service}:${call.operation}`, (byOperation.get(`${call.service}:${call.operation}`) ?? 0) + 1);
    const wall = run.ms / 1000;
    const busiest = floor.buckets[0];
    return [
      `check --all, ${rules} rules / ${FUNCTIONS} functions, ${label} (+${LATENCY_MS}ms a call): ${proxy.calls.length} calls, ${wall.toFixed(1)}s wall (exit ${run.code})`,
      `  floor ${floor.seconds.toFixed(1)}s (${busiest ? `${busiest.id}: ${busiest.calls} calls at ${busiest.perSecond}/s` : "no quota"}) → ${(wall / floor.seconds).toFixed(2)}× the floor; ${throttled.length} throttled (${[...new Set(throttled.map((c) => `${c.service}:${c.operation}`))].join(", ") || "none"}); ${erred} erred findings`,
      `  buckets (calls at the quota = their floor, last call done at): ${floor.buckets.map((b) => `${b.id} ${b.calls} at ${b.perSecond}/s = ${b.seconds.toFixed(1)}s, done at ${b.doneAt.toFixed(1)}s`).join("; ")}`,
      `  calls: ${[...byOperation].sort((a, b) => b[1] - a[1]).map(([op, n]) => `${op} ${n}`).join(", ")} (${percent(proxy.calls.filter((c) => c.service === "lambda").length, proxy.calls.length)} Lambda)`,
    ];
  } finally {
    await proxy.close();
  }
}

export async function run(): Promise<string[]> {
  const lines: string[] = [];
  let moto: Moto | undefined;
  try {
    moto = await startMoto();
    const seed = new Seeder(moto);
    const names = await seed.ingestor();
    const delayMs = 100;
    const proxy = await startProxy(moto.endpoint, { latencyMs: delayMs });
    const env = { ...motoEnv(moto), AWS_ENDPOINT_URL: proxy.url };
    const args = ["--bus", names.bus, "--rule", names.rule, "--publisher", names.publisher, "--source", "agent2.ingestor", "--detail-type", "Document Processing Required", "--format", "json"];
    const single = await runCheck(args, env);
    lines.push(`check, one rule, every AWS call delayed ${delayMs}ms: ${proxy.calls.length} calls, ${Math.round(single.ms)}ms wall (exit ${single.code})`);
    lines.push(`  ${describeRounds(proxy.calls)}`);
    lines.push(`  calls: ${proxy.calls.map((call) => call.operation).sort().join(", ")}`);
    // A rule that does not exist: where else it is (other buses, other regions) in the same two rounds.
    proxy.calls.length = 0;
    const missing = await runCheck(["--bus", names.bus, "--rule", `${names.rule}-typo`, "--format", "json"], env);
    lines.push(`check, a rule that does not exist: ${proxy.calls.length} calls, ${Math.round(missing.ms)}ms wall (exit ${missing.code}); ${describeRounds(proxy.calls)}`);
    await proxy.close();

    const seeded = performance.now();
    await seedAccount(seed);
    lines.push(`(seeded ${RULES} rules, ${FUNCTIONS} functions in ${((performance.now() - seeded) / 1000).toFixed(1)}s)`);
    const documented = (service: string, operation: string) => quotaOf(service as ServiceName, operation, MOTO_REGION);
    lines.push(...(await benchAll(moto, "behind AWS's documented quotas", documented)));
    // The server allows GetPolicy 10 a second where the client expects 15: it is throttled, and only its bucket slows.
    const lowerPolicy = (service: string, operation: string) => (service === "lambda" && operation === "GetPolicy" ? { id: "lambda:GetPolicy", perSecond: 10 } : documented(service, operation));
    lines.push(...(await benchAll(moto, "GetPolicy held to 10/s by the server", lowerPolicy)));
  } finally {
    await moto?.stop();
  }
  return lines;
}
