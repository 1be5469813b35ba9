/**
 * Never "healthy" when it could not tell: the built CLI against endpoints that never
 * answer, answer HTTP 500 or an HTML page, and against Ctrl-C — exit codes, wall time
 * under the deadline (also with garbage collected all along), and what the report says.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { runBin } from "../helpers/cli.js";
import { startFaultServer, type FaultServer } from "../helpers/fault-server.js";
import { MOTO_REGION, motoCredentials, type Moto } from "../helpers/moto.js";
import { useMoto } from "../helpers/use-moto.js";
import type { Seeder } from "../helpers/seed.js";

const FORCE_GC = fileURLToPath(new URL("../helpers/force-gc.cjs", import.meta.url));
const GC = ["--expose-gc", "--require", FORCE_GC];

let moto: Moto;
let seed: Seeder;
useMoto((world) => ({ moto, seed } = world));

let server: FaultServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** An empty home: no ~/.aws, no config file in the working directory. */
function emptyHome(): string {
  return mkdtempSync(join(tmpdir(), "course-doctor-home-"));
}

function envFor(endpoint: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: motoCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: motoCredentials.secretAccessKey,
    AWS_REGION: MOTO_REGION,
    AWS_ENDPOINT_URL: endpoint,
    AWS_EC2_METADATA_DISABLED: "true",
    HOME: emptyHome(),
    ...extra,
  };
}

interface Report {
  status: string;
  rootCause: { id: string } | null;
  blockedBy: { id: string; title: string; fix: string | null } | null;
  findings: Array<{ id: string; status: string; title: string; detail: string | null }>;
}

const PIPELINE = ["--bus", "orders", "--rule", "order-created"];

describe("an endpoint that never answers", () => {
  it("check --timeout 5s: exit 2 within 6 s, could not diagnose, never healthy", async () => {
    server = await startFaultServer([["*", { kind: "hang" }]]);
    const result = await runBin(["check", ...PIPELINE, "--timeout", "5s", "--format", "json"], { env: envFor(server.endpoint), cwd: emptyHome() });
    expect(result.code, result.stderr).toBe(2);
    expect(result.ms).toBeLessThan(6_000);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.status).toBe("unknown");
    expect(report.rootCause).toBeNull();
    expect(report.blockedBy).toMatchObject({ id: "aws.access" });
    expect(report.blockedBy!.title).toContain("did not answer within 5s");
  });

  it("says so in the pretty report: 'Could not diagnose', never 'No problem found'", async () => {
    server = await startFaultServer([["*", { kind: "hang" }]]);
    const result = await runBin(["check", ...PIPELINE, "--timeout", "2s"], { env: envFor(server.endpoint), cwd: emptyHome() });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain("Could not diagnose");
    expect(result.stdout).toContain("aws.access");
    expect(result.stdout).not.toMatch(/No problem found|Healthy/);
  });

  it("the deadline fires with garbage collected every 10 ms: a hanging call under --timeout 2s ends within 3 s", async () => {
    server = await startFaultServer([["*", { kind: "hang" }]]);
    for (let run = 0; run < 3; run++) {
      const result = await runBin(["check", ...PIPELINE, "--timeout", "2s", "--format", "json"], { env: envFor(server.endpoint), cwd: emptyHome(), nodeArgs: GC });
      expect(result.code, result.stderr).toBe(2);
      expect(result.ms).toBeLessThan(3_000);
    }
  });

  it("one hanging GetPolicy (everything else answers): exit 2 within 6 s, target.permission could not run", async () => {
    const names = await seed.ingestor();
    server = await startFaultServer([
      [(call) => call.service === "lambda" && call.path.endsWith("/policy"), { kind: "hang" }],
      ["*", { kind: "proxy", to: moto.endpoint }],
    ]);
    const result = await runBin(["check", "--bus", names.bus, "--rule", names.rule, "--timeout", "5s", "--format", "json"], {
      env: envFor(server.endpoint),
      cwd: emptyHome(),
      nodeArgs: GC,
    });
    expect(result.code, result.stderr).toBe(2);
    expect(result.ms).toBeLessThan(6_000);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.status).toBe("unknown");
    expect(report.blockedBy?.id).toBe("target.permission");
    expect(report.blockedBy?.title).toContain("Lambda did not answer within 5s");
    expect(result.stderr).not.toContain("MaxListenersExceededWarning");
  });

  it("snapshot: a snapshot of nothing is exit 2, and says what blocked it", async () => {
    server = await startFaultServer([["*", { kind: "hang" }]]);
    const result = await runBin(["snapshot", ...PIPELINE, "--timeout", "2s"], { env: envFor(server.endpoint), cwd: emptyHome() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("the snapshot is incomplete: aws.access");
  });
});

describe("a service that answers with an error", () => {
  it("EventBridge answering HTTP 500 to every call: exit 2, naming the service, status, code and message", async () => {
    await seed.ingestor();
    server = await startFaultServer([
      ["events", { kind: "aws-error", status: 500, code: "InternalFailure", message: "We encountered an internal error. Please try again." }],
      ["*", { kind: "proxy", to: moto.endpoint }],
    ]);
    const result = await runBin(["check", ...PIPELINE, "--format", "json"], { env: envFor(server.endpoint, { AWS_MAX_ATTEMPTS: "1" }), cwd: emptyHome() });
    expect(result.code, result.stderr).toBe(2);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.status).toBe("unknown");
    expect(report.blockedBy?.id).toBe("bus.exists");
    expect(report.blockedBy?.title).toBe('could not read bus orders: EventBridge answered HTTP 500 InternalFailure: "We encountered an internal error. Please try again."');
    const pretty = await runBin(["check", ...PIPELINE], { env: envFor(server.endpoint), cwd: emptyHome() });
    expect(pretty.code).toBe(2);
    expect(pretty.stdout).toContain("Could not diagnose");
    expect(pretty.stdout).toContain("EventBridge answered HTTP 500 InternalFailure");
  });

  it("an HTML page instead of an AWS answer is said to be one", async () => {
    server = await startFaultServer([
      ["events", { kind: "html", status: 502 }],
      ["*", { kind: "proxy", to: moto.endpoint }],
    ]);
    const result = await runBin(["check", ...PIPELINE, "--format", "json"], { env: envFor(server.endpoint), cwd: emptyHome() });
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.blockedBy?.title).toContain("EventBridge's endpoint answered HTTP 502 with an HTML page that is not an AWS response");
    expect(result.stdout).not.toMatch(/SyntaxError|Unexpected token/);
  });
});

describe("settings that cannot be used", () => {
  it("no region anywhere: one line, exit 2, no region shown that was never given", async () => {
    const home = emptyHome();
    const env = envFor("http://127.0.0.1:9");
    delete (env as Record<string, string | undefined>).AWS_REGION;
    const result = await runBin(["check", ...PIPELINE], { env: { ...env, HOME: home }, cwd: home });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    const lines = result.stderr.trim().split("\n");
    expect(lines[0]).toBe("error: no AWS region: pass --region, set AWS_REGION, or add a region to your profile or to course-doctor.config.json");
    expect(lines.length).toBeLessThanOrEqual(2);
    expect(result.stderr).not.toMatch(/\bat \w|K:/);
  });

  it("--profile that does not exist: one line naming it and the profiles there", async () => {
    const home = emptyHome();
    const aws = join(home, ".aws");
    (await import("node:fs")).mkdirSync(aws);
    writeFileSync(join(aws, "config"), "[default]\nregion = eu-west-1\n\n[profile dev]\nregion = eu-west-1\n");
    const result = await runBin(["check", ...PIPELINE, "--profile", "nope"], { env: { PATH: process.env.PATH ?? "", HOME: home }, cwd: home });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--profile: there is no profile "nope" in ~/.aws/config or ~/.aws/credentials (profiles there: default, dev)');
  });

  it("a profile's region is used when nothing else names one", async () => {
    const home = emptyHome();
    (await import("node:fs")).mkdirSync(join(home, ".aws"));
    writeFileSync(join(home, ".aws", "config"), "[default]\nregion = eu-west-1\n");
    server = await startFaultServer([["*", { kind: "hang" }]]);
    const env = envFor(server.endpoint, { HOME: home });
    delete (env as Record<string, string | undefined>).AWS_REGION;
    const result = await runBin(["check", ...PIPELINE, "--timeout", "1s", "--format", "json"], { env, cwd: home });
    expect(result.code).toBe(2);
    expect((JSON.parse(result.stdout) as { target: { region: string } }).target.region).toBe("eu-west-1");
  });

  it("AWS_REGION beats the config file's region; --region beats both", async () => {
    const home = emptyHome();
    writeFileSync(join(home, "course-doctor.config.json"), JSON.stringify({ region: "ap-south-1", timeout: "1s" }));
    server = await startFaultServer([["*", { kind: "hang" }]]);
    const env = envFor(server.endpoint, { AWS_REGION: "eu-central-1" });
    const fromEnv = await runBin(["check", ...PIPELINE, "--format", "json"], { env, cwd: home });
    // The config file's timeout is read: the run ends after 1s, not the default 60s.
    expect(fromEnv.ms).toBeLessThan(4_000);
    expect((JSON.parse(fromEnv.stdout) as { target: { region: string } }).target.region).toBe("eu-central-1");
    const fromFlag = await runBin(["check", ...PIPELINE, "--format", "json", "--region", "us-west-2"], { env, cwd: home });
    expect((JSON.parse(fromFlag.stdout) as { target: { region: string } }).target.region).toBe("us-west-2");
  });
});

describe("Ctrl-C", () => {
  const commands: Array<[string, string[]]> = [
    ["check", ["check", ...PIPELINE]],
    ["snapshot", ["snapshot", ...PIPELINE]],
    ["rule", ["rule", "order-created", "--bus", "orders"]],
    ["policy", ["policy", "orders-fn"]],
    ["metrics", ["metrics", "order-created", "--bus", "orders"]],
    ["logs", ["logs", "orders-fn"]],
    ["probe", ["probe", ...PIPELINE, "--source", "shop.orders", "--detail-type", "Order Created"]],
    ["route", ["route", "--bus", "orders", '{"source":"shop.orders","detail-type":"Order Created"}']],
    ["map", ["map", "--bus", "orders"]],
  ];
  it.each(commands)("%s: exit 130, 'interrupted', no verdict on stdout", async (_name, argv) => {
    server = await startFaultServer([["*", { kind: "hang" }]]);
    const result = await runBin([...argv, "--timeout", "60s", "-v"], { env: envFor(server.endpoint), cwd: emptyHome(), sigint: { afterMs: 1_000 } });
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toMatch(/^interrupted/m);
    expect(result.stdout).toBe("");
    expect(result.stderr).not.toMatch(/raise --timeout|this is a bug/);
  });

  it("tail: Ctrl-C while the bus is still being read is its normal end too: exit 0, no verdict", async () => {
    server = await startFaultServer([["*", { kind: "hang" }]]);
    const result = await runBin(["tail", "--bus", "orders", "--timeout", "60s"], { env: envFor(server.endpoint), cwd: emptyHome(), sigint: { afterMs: 1_000 } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).not.toMatch(/this is a bug/);
  });

  it("logs --follow: Ctrl-C is its normal end, exit 0", async () => {
    const result = await runBin(["logs", "orders-fn", "--follow"], { env: envFor(moto.endpoint), cwd: emptyHome(), sigint: { afterStderr: "following" } });
    expect(result.code, result.stderr).toBe(0);
  });
});
