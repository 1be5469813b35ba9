/**
 * smoke end to end: a job that never leaves "queued" on the local ingestor API, and the
 * real `check` diagnosis of its pipeline in moto, seeded with a disabled rule.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBin, runCli } from "../helpers/cli.js";
import { motoEnv, startMoto, type Moto } from "../helpers/moto.js";
import { PUBLISHER_SECRET, Seeder, type IngestorNames } from "../helpers/seed.js";
import { startFakeApi, type FakeApi } from "../jobs/fake-api.js";
import { emptyDir, SECRET_TOKEN } from "../jobs/helpers.js";

let moto: Moto;
let api: FakeApi;
let names: IngestorNames;

beforeAll(async () => {
  [moto, api] = await Promise.all([startMoto(), startFakeApi()]);
  const seed = new Seeder(moto);
  names = await seed.ingestor();
  await seed.rule({ name: names.rule, bus: names.bus, pattern: { source: ["agent2.ingestor"], "detail-type": ["Document Processing Required"] }, state: "DISABLED" });
});
afterAll(async () => {
  await Promise.all([moto?.stop(), api?.close()]);
});

function smokeArgs(): string[] {
  return [
    "smoke",
    "--api", "ingestor",
    "--api-url", api.url,
    "--body", '{"scenario":"never","files":["s3://bucket/a.pdf"]}',
    "--interval", "20ms",
    "--stuck-after", "200ms",
    "--bus", names.bus,
    "--rule", names.rule,
    "--publisher", names.publisher,
    "--source", "agent2.ingestor",
    "--detail-type", "Document Processing Required",
  ];
}

describe("smoke with the real diagnosis against moto", () => {
  it("a job stuck in queued: the diagnosis names the disabled rule, exit 3 (JSON)", async () => {
    const result = await runCli(["--format", "json", "--timeout", "60s", ...smokeArgs()], { env: { ...motoEnv(moto), COURSE_DOCTOR_TOKEN: SECRET_TOKEN }, cwd: emptyDir() });
    expect(result.code, result.stderr).toBe(3);
    const document = JSON.parse(result.stdout);
    expect(document).toMatchObject({ status: "queued", outcome: "stuck", stuck: { status: "queued" }, diagnosisError: null });
    expect(document.id).toMatch(/^j-\d+$/);
    expect(document.diagnosis.rootCause.id).toBe("rule.state");
    expect(document.diagnosis.target).toMatchObject({ bus: names.bus, rule: names.rule });
    expect(result.stderr).toMatch(/root cause rule\.state/);
    for (const secret of [SECRET_TOKEN, PUBLISHER_SECRET]) expect(result.stdout + result.stderr).not.toContain(secret);
  });

  it("the built bin prints the pretty diagnosis with the timeout", async () => {
    const result = await runBin(["--timeout", "60s", ...smokeArgs()], { env: motoEnv(moto), cwd: emptyDir() });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stdout).toMatch(/^job j-\d+ submitted \(queued\)/);
    expect(result.stdout).toContain("rule.state");
    expect(result.stdout).toMatch(/enable-rule/);
    expect(result.stderr).toMatch(/job j-\d+ stuck in queued for .* \(--stuck-after 200ms\) — root cause rule\.state/);
    expect(result.stderr).toMatch(/resume with: course-doctor jobs status j-\d+ --wait --api ingestor --api-url /);
  });
});
