/**
 * `init` end to end against moto: the file it writes is read back through the real loader.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { runCli, type CliResult } from "../helpers/cli.js";
import { MOTO_ACCOUNT, MOTO_REGION, type Moto } from "../helpers/moto.js";
import { useMoto } from "../helpers/use-moto.js";
import { PUBLISHER_SECRET, type Seeder } from "../helpers/seed.js";

let moto: Moto;
let seed: Seeder;
let env: Record<string, string>;
let cwd: string;

useMoto((world) => ({ moto, seed, env } = world));
beforeEach(async () => {
  await moto.reset();
  seed.forget();
  cwd = await mkdtemp(join(tmpdir(), "course-doctor-init-"));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

const FILE = "course-doctor.config.json";

function expectNoSecrets(result: CliResult, text: string): void {
  for (const where of [result.stdout, result.stderr, text]) {
    expect(where).not.toContain(PUBLISHER_SECRET);
    expect(where).not.toContain("API_TOKEN");
    // The worker's variables are not the bus either.
    expect(where).not.toContain("TABLE_NAME");
  }
}

describe("init against moto", () => {
  it("discovers rule, source/detail-type and publisher, and writes a file the loader reads back", async () => {
    const names = await seed.ingestor({ withMetrics: false });
    const result = await runCli(["init", "--bus", names.bus], { env, cwd });
    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(0);

    const text = await readFile(join(cwd, FILE), "utf8");
    expect(text).toMatch(/^\/\/ /m);
    const loaded = await loadConfig({ cwd });
    expect(loaded.path).toBe(join(cwd, FILE));
    expect(loaded.settings).toEqual({
      bus: names.bus,
      rule: names.rule,
      source: "agent2.ingestor",
      detailType: "Document Processing Required",
      publisher: names.publisher,
      busEnvVar: "EVENT_BUS_NAME",
    });
    // Only --endpoint-url is written; AWS_ENDPOINT_URL in the environment is not.
    expect(text).not.toContain(moto.endpoint);
    expect(text).toContain(MOTO_ACCOUNT);
    expectNoSecrets(result, text);

    expect(result.stdout).toContain(`Wrote ${FILE}`);
    expect(result.stdout).toMatch(new RegExp(`rule\\s+${names.rule}`));
    expect(result.stdout).toContain("Next: course-doctor check\n");
  });

  it("writes region and endpointUrl when they were passed, finds a bus named by ARN, and prints the object with --format json", async () => {
    const busArn = `arn:aws:events:${MOTO_REGION}:${MOTO_ACCOUNT}:event-bus/agent2-ingestor-events-dev`;
    const names = await seed.ingestor({ withMetrics: false, publisherEnv: { INGEST_BUS_ARN: busArn, API_TOKEN: PUBLISHER_SECRET } });
    const result = await runCli(["--endpoint-url", moto.endpoint, "--region", MOTO_REGION, "--format", "json", "init", "--bus", names.bus], { env, cwd });
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    const text = await readFile(join(cwd, FILE), "utf8");
    const loaded = await loadConfig({ cwd });
    expect(printed).toEqual(loaded.settings);
    expect(loaded.settings).toMatchObject({
      region: MOTO_REGION,
      endpointUrl: moto.endpoint,
      bus: names.bus,
      publisher: names.publisher,
      busEnvVar: "INGEST_BUS_ARN",
    });
    expect(result.stderr).toContain("next: course-doctor check");
    expectNoSecrets(result, text);
  });

  it("lists the other rules with a Lambda target; --rule picks one; function is written for a rule with several targets", async () => {
    const names = await seed.ingestor({ withMetrics: false });
    const audit = "agent2-ingestor-audit-dev";
    await seed.rule({ name: audit, bus: names.bus, pattern: { source: ["agent2.ingestor"], "detail-type": ["Document Uploaded", "Document Deleted"] } });
    const auditFn = await seed.fn("agent2-audit-dev");
    const queue = await seed.queue("agent2-audit-copy");
    await seed.target(audit, names.bus, queue.arn, { Id: "copy" });
    await seed.target(audit, names.bus, auditFn, { Id: "worker" });
    // A rule with only a queue target is not a candidate.
    await seed.rule({ name: "agent2-ingestor-archive-dev", bus: names.bus, pattern: { source: ["agent2.ingestor"] } });
    await seed.target("agent2-ingestor-archive-dev", names.bus, queue.arn, { Id: "archive" });

    const chosen = await runCli(["init", "--bus", names.bus], { env, cwd });
    expect(chosen.code).toBe(0);
    const text = await readFile(join(cwd, FILE), "utf8");
    const written = (await loadConfig({ cwd })).settings.rule!;
    expect([names.rule, audit]).toContain(written);
    const other = written === audit ? names.rule : audit;
    expect(chosen.stderr).toContain(`2 rules with a Lambda target on bus ${names.bus}`);
    expect(chosen.stderr).toContain(other);
    expect(chosen.stderr).not.toContain("agent2-ingestor-archive-dev");
    expect(text).toMatch(new RegExp(`^\\s*//.*the others: ${other}`, "m"));

    const picked = await runCli(["init", "--bus", names.bus, "--rule", audit, "--force"], { env, cwd });
    expect(picked.code).toBe(0);
    const settings = (await loadConfig({ cwd })).settings;
    expect(settings).toMatchObject({ bus: names.bus, rule: audit, function: "agent2-audit-dev", publisher: names.publisher });
    // Two detail-types in the pattern: no event is guessed.
    expect(settings.source).toBeUndefined();
    expect(settings.detailType).toBeUndefined();
    expect(await readFile(join(cwd, FILE), "utf8")).toContain('"detailType" (+ "detail")');
    expect(picked.stderr).not.toContain("rules with a Lambda target");

    const missing = await runCli(["init", "--bus", names.bus, "--rule", "nope", "--force"], { env, cwd });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`no rule named nope on bus ${names.bus}`);
    expect(missing.stderr).toContain(audit);
    // The file from the previous run is untouched.
    expect((await loadConfig({ cwd })).settings.rule).toBe(audit);
  });

  it("refuses to overwrite an existing file without --force (exit 2, file unchanged) and overwrites with it", async () => {
    const names = await seed.ingestor({ withMetrics: false });
    const before = '{ "bus": "hand-written" }\n';
    await writeFile(join(cwd, FILE), before);
    const refused = await runCli(["init", "--bus", names.bus], { env, cwd });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(FILE);
    expect(refused.stderr).toContain("--force");
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    expect(await readFile(join(cwd, FILE), "utf8")).toBe(before);

    const forced = await runCli(["init", "--bus", names.bus, "--force"], { env, cwd });
    expect(forced.code).toBe(0);
    expect((await loadConfig({ cwd })).settings).toMatchObject({ bus: names.bus, rule: names.rule });
  });

  it("says which buses exist when the bus does not (exit 1) and writes nothing", async () => {
    const names = await seed.ingestor({ withMetrics: false });
    const result = await runCli(["init", "--bus", "agent2-ingestor-events-prod"], { env, cwd });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`no event bus named agent2-ingestor-events-prod in ${MOTO_REGION}; buses here: .*${names.bus}`));
    expect(result.stderr).toMatch(/buses here: .*default/);
    await expect(readFile(join(cwd, FILE), "utf8")).rejects.toThrow(/ENOENT/);
  });

  it("writes where the global --config points (and --output wins), and names that file in the next command", async () => {
    const names = await seed.ingestor({ withMetrics: false });
    const viaConfig = await runCli(["--config", "pipeline.json", "init", "--bus", names.bus], { env, cwd });
    expect(viaConfig.code).toBe(0);
    expect(viaConfig.stdout).toContain("Next: course-doctor check --config pipeline.json");
    expect((await loadConfig({ cwd, path: "pipeline.json" })).settings.rule).toBe(names.rule);

    const viaOutput = await runCli(["--config", "pipeline.json", "init", "--bus", names.bus, "--output", "other.json"], { env, cwd });
    expect(viaOutput.code).toBe(0);
    expect((await loadConfig({ cwd, path: "other.json" })).settings.bus).toBe(names.bus);
    await expect(readFile(join(cwd, FILE), "utf8")).rejects.toThrow(/ENOENT/);
  });

  it("with --env writes the settings as that environment, made the default", async () => {
    const names = await seed.ingestor({ withMetrics: false });
    const result = await runCli(["--env", "dev", "init", "--bus", names.bus], { env, cwd });
    expect(result.code).toBe(0);
    const loaded = await loadConfig({ cwd });
    expect(loaded.env).toBe("dev");
    expect(loaded.settings).toMatchObject({ bus: names.bus, rule: names.rule, publisher: names.publisher });
  });

  it("names the bus and says what is missing when no function's environment names it", async () => {
    const names = await seed.ingestor({ withMetrics: false, publisherEnv: { API_TOKEN: PUBLISHER_SECRET } });
    const result = await runCli(["init", "--bus", names.bus], { env, cwd });
    expect(result.code).toBe(0);
    const settings = (await loadConfig({ cwd })).settings;
    expect(settings.publisher).toBeUndefined();
    expect(settings.busEnvVar).toBeUndefined();
    expect(result.stderr).toContain(`no Lambda function's environment names bus ${names.bus}`);
    expect(await readFile(join(cwd, FILE), "utf8")).toContain("publishes to the default bus");
    expectNoSecrets(result, await readFile(join(cwd, FILE), "utf8"));
  });
});

describe("init when AWS cannot be read", () => {
  it("exits 2 naming the endpoint problem when nothing answers, and writes nothing", async () => {
    const result = await runCli(["--endpoint-url", "http://127.0.0.1:9", "--timeout", "10s", "init", "--bus", "orders"], { env: { ...env, AWS_ENDPOINT_URL: "" }, cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("cannot reach AWS");
    expect(result.stderr).not.toMatch(/\n\s+at /);
    await expect(readFile(join(cwd, FILE), "utf8")).rejects.toThrow(/ENOENT/);
  });

  it("stops on Ctrl-C (exit 130) and writes nothing", async () => {
    await seed.ingestor({ withMetrics: false });
    const interrupt = new AbortController();
    interrupt.abort();
    const result = await runCli(["init", "--bus", "agent2-ingestor-events-dev"], { env, cwd, interrupt: interrupt.signal });
    expect(result.code).toBe(130);
    expect(result.stderr).toContain("nothing was written");
    await expect(readFile(join(cwd, FILE), "utf8")).rejects.toThrow(/ENOENT/);
  });

  it("takes the bus as an ARN and writes it as given", async () => {
    const names = await seed.ingestor({ withMetrics: false });
    const busArn = `arn:aws:events:${MOTO_REGION}:${MOTO_ACCOUNT}:event-bus/${names.bus}`;
    const result = await runCli(["init", "--bus", busArn], { env, cwd });
    expect(result.code).toBe(0);
    expect((await loadConfig({ cwd })).settings).toMatchObject({ bus: busArn, rule: names.rule, publisher: names.publisher });
  });
});
