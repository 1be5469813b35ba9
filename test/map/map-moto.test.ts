/** `map` against moto: a two-stage pipeline drawn as text, Mermaid and JSON; exit codes. */
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { PUBLISHER_SECRET, type Seeder } from "../helpers/seed.js";
import { useMoto } from "../helpers/use-moto.js";
import { parseFlowchart } from "./flowchart.js";

let seed: Seeder;
let env: Record<string, string>;
useMoto((world) => ({ seed, env } = world));

/** The ingestor, whose handler publishes its results to a second bus with a rule of its own. */
async function twoStages() {
  const names = await seed.ingestor();
  await seed.bus("agent2-results-dev");
  const notify = await seed.rule({ name: "notify-user", bus: "agent2-results-dev", pattern: { source: ["agent2.ingestor"], "detail-type": ["Document Processed"] } });
  const queue = await seed.queue("notifications");
  await seed.target("notify-user", "agent2-results-dev", queue.arn);
  await seed.rule({ name: "old-audit", bus: names.bus, pattern: { source: ["agent2.ingestor"] }, state: "DISABLED" });
  // The handler (the first stage's target) names the second bus in its environment.
  const { UpdateFunctionConfigurationCommand } = await import("@aws-sdk/client-lambda");
  await seed.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: names.fn, Environment: { Variables: { RESULTS_BUS_NAME: "agent2-results-dev", API_TOKEN: PUBLISHER_SECRET } } }));
  return { ...names, notify, queue };
}

describe("map against moto", () => {
  it("text: each stage left to right, the next stage where the target publishes; no values, no colors", async () => {
    const p = await twoStages();
    const result = await runCli(["map", "--bus", p.bus], { env });
    expect(result.code, result.stderr).toBe(0);
    const out = result.stdout;
    expect(out).toContain(`Stage 1  bus ${p.bus}`);
    expect(out).toContain(`λ ${p.publisher} ──EVENT_BUS_NAME──▶ bus ${p.bus}`);
    expect(out).toMatch(new RegExp(`bus ${p.bus} ──▶ rule ${p.rule}  ENABLED\\s+──▶ λ ${p.fn}  ⇒ stage 2 \\(agent2-results-dev, RESULTS_BUS_NAME\\)`));
    expect(out).toMatch(/rule old-audit {2}DISABLED\s+──▶ \(no targets\)/);
    expect(out).toContain("Stage 2  bus agent2-results-dev");
    expect(out).toContain(`λ ${p.fn} ──RESULTS_BUS_NAME──▶ bus agent2-results-dev`);
    expect(out).toMatch(/rule notify-user {2}ENABLED ──▶ sqs notifications/);
    expect(out).not.toContain(PUBLISHER_SECRET);
    expect(out).not.toContain("\x1b[");
  });

  it("--format mermaid: a flowchart that parses, left to right, with every stage's nodes and edges", async () => {
    const p = await twoStages();
    const result = await runCli(["map", "--bus", p.bus, "--format", "mermaid"], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.startsWith("flowchart LR\n")).toBe(true);
    expect(result.stdout).not.toContain("```");
    const chart = parseFlowchart(result.stdout);
    const label = (text: string) => [...chart.nodes.values()].find((n) => n.label.split("<br/>")[0] === text);
    const edge = (from: string, to: string) => chart.edges.find((e) => e.from === label(from)?.id && e.to === label(to)?.id);
    expect(label(`bus ${p.bus}`)?.shape).toBe("stadium");
    expect(label(`rule ${p.rule}`)?.shape).toBe("hexagon");
    expect(label(`rule ${p.rule}`)?.label).toBe(`rule ${p.rule}<br/>ENABLED`);
    expect(edge(`λ ${p.publisher}`, `bus ${p.bus}`)?.label).toBe("EVENT_BUS_NAME");
    expect(edge(`bus ${p.bus}`, `rule ${p.rule}`)).toBeDefined();
    expect(edge(`rule ${p.rule}`, `λ ${p.fn}`)).toBeDefined();
    expect(edge(`λ ${p.fn}`, "bus agent2-results-dev")?.label).toBe("RESULTS_BUS_NAME");
    expect(edge("bus agent2-results-dev", "rule notify-user")).toBeDefined();
    expect(edge("rule notify-user", "SQS notifications")).toBeDefined();
    expect(chart.classes.get("disabled")).toEqual([label("rule old-audit")!.id]);
    expect(result.stdout).not.toContain(PUBLISHER_SECRET);
  });

  it("--format json: nodes and edges; a missing bus is exit 2 naming the buses; --format junit is exit 2", async () => {
    const p = await twoStages();
    const result = await runCli(["map", "--bus", p.bus, "--format", "json"], { env });
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as { buses: string[]; nodes: Array<{ id: string }>; edges: unknown[] };
    expect(doc.buses).toEqual([p.bus, "agent2-results-dev"]);
    expect(doc.nodes.map((n) => n.id)).toContain(`fn:${p.fn}`);
    const missing = await runCli(["map", "--bus", "nope"], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('bus "nope" does not exist');
    expect(missing.stderr).toContain(p.bus);
    expect((await runCli(["map", "--bus", p.bus, "--format", "junit"], { env })).code).toBe(2);
  });

  it("check --format markdown carries the diagram with the broken link marked", async () => {
    const p = await seed.ingestor({ publisherEnv: { API_TOKEN: PUBLISHER_SECRET } });
    const result = await runCli(["check", "--bus", p.bus, "--rule", p.rule, "--publisher", p.publisher, "--format", "markdown"], { env });
    expect(result.code).toBe(1);
    const block = /```mermaid\n([\s\S]*?)```/.exec(result.stdout)?.[1];
    expect(block, result.stdout).toBeDefined();
    const chart = parseFlowchart(block!);
    const broken = chart.edges.filter((e) => chart.linkStyles.has(e.index));
    expect(broken).toHaveLength(1);
    expect(chart.nodes.get(broken[0]!.from)!.label).toBe(`λ ${p.publisher}`);
    expect(broken[0]!.label).toContain("✖ publisher.bus");
  });
});
