/**
 * `route`: the pure router over a bus's rules (matches, the closest misses and what stops
 * each), then the command against moto (exit codes, JSON, bad input), and `check --all`
 * with an event saying which rule the event is for.
 */
import { describe, expect, it } from "vitest";
import { BusRules, CLOSEST_MISSES, isEnabled, type BusRule } from "../../src/route/route.js";
import { runCli } from "../helpers/cli.js";
import { type Seeder } from "../helpers/seed.js";
import { useMoto } from "../helpers/use-moto.js";

const rule = (name: string, pattern: object | null, state = "ENABLED"): BusRule => ({ name, state, eventPattern: pattern === null ? null : JSON.stringify(pattern) });
const created = { source: "shop.orders", "detail-type": "Order Created", detail: { total: 50 } };

describe("BusRules.route", () => {
  const rules = new BusRules([
    rule("order-created", { source: ["shop.orders"], "detail-type": ["Order Created"] }),
    rule("order-audit", { source: ["shop.orders"] }, "DISABLED"),
    rule("order-shipped", { source: ["shop.orders"], "detail-type": ["Order Shipped"] }),
    rule("big-orders", { source: ["shop.orders"], detail: { total: [{ numeric: [">", 100] }] } }),
    rule("payments", { source: ["shop.payments"], "detail-type": ["Payment Failed"] }),
    rule("nightly", null),
  ]);

  it("lists every match with its state; a DISABLED match does not take the event", () => {
    const route = rules.route(created);
    expect(route.matches).toEqual([
      { rule: "order-created", state: "ENABLED" },
      { rule: "order-audit", state: "DISABLED" },
    ]);
    expect(route.taken).toBe(true);
    const onlyDisabled = new BusRules([rule("audit", { source: ["shop.orders"] }, "DISABLED")]).route(created);
    expect(onlyDisabled).toMatchObject({ matches: [{ rule: "audit", state: "DISABLED" }], taken: false, misses: [] });
  });

  it("lists the enabled misses closest first, each with the field that stops it and why", () => {
    const { misses } = rules.route(created);
    expect(misses).toEqual([
      { rule: "order-shipped", state: "ENABLED", field: "detail-type", reason: 'expected one of ["Order Shipped"], got "Order Created"', otherFields: [] },
      { rule: "big-orders", state: "ENABLED", field: "detail.total", reason: "expected a number > 100, got 50", otherFields: [] },
      { rule: "payments", state: "ENABLED", field: "detail-type", reason: 'expected one of ["Payment Failed"], got "Order Created"', otherFields: ["source"] },
    ]);
  });

  it("keeps the near-miss hints pattern test gives (case, number vs string)", () => {
    const [miss] = new BusRules([rule("r", { "detail-type": ["Order Created"] })]).route({ ...created, "detail-type": "order created" }).misses;
    expect(miss!.reason).toContain("differs only in case");
  });

  it("a scheduled rule or an unreadable pattern is skipped and said, never a miss", () => {
    const route = new BusRules([rule("nightly", null), { name: "odd", state: "ENABLED", eventPattern: "{not json" }]).route(created);
    expect(route.skipped.map((s) => s.rule)).toEqual(["nightly", "odd"]);
    expect(route.skipped[0]!.reason).toContain("scheduled");
    expect(route.misses).toEqual([]);
  });

  it("lists every rule a single field stops, then the next closest, up to 10", () => {
    const many: BusRule[] = [];
    for (let i = 0; i < 14; i++) many.push(rule(`one-${i}`, { source: ["shop.orders"], "detail-type": [`Type ${i}`] }));
    for (let i = 0; i < 5; i++) many.push(rule(`two-${i}`, { source: ["other"], "detail-type": [`Type ${i}`] }));
    expect(new BusRules(many).route(created).misses.map((m) => m.rule)).toEqual(many.slice(0, 14).map((r) => r.name));
    const few = [...many.slice(0, 3), ...many.slice(14)];
    const misses = new BusRules(few).route(created).misses;
    expect(misses).toHaveLength(Math.min(CLOSEST_MISSES, few.length));
    expect(misses.slice(0, 3).every((m) => m.otherFields.length === 0)).toBe(true);
  });

  it("a DISABLED rule is never listed as a miss; ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS is enabled", () => {
    expect(isEnabled("ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")).toBe(true);
    expect(new BusRules([rule("off", { source: ["x"] }, "DISABLED")]).route(created).misses).toEqual([]);
  });
});

describe("route against moto", () => {
  let seed: Seeder;
  let env: Record<string, string>;
  useMoto((world) => ({ seed, env } = world));

  async function orders(): Promise<void> {
    await seed.bus("orders");
    await seed.rule({ name: "order-created", bus: "orders", pattern: { source: ["shop.orders"], "detail-type": ["Order Created"] } });
    await seed.rule({ name: "order-audit", bus: "orders", pattern: { source: ["shop.orders"] }, state: "DISABLED" });
    await seed.rule({ name: "order-shipped", bus: "orders", pattern: { source: ["shop.orders"], "detail-type": ["Order Shipped"] } });
    await seed.rule({ name: "by-account", bus: "orders", pattern: { account: ["123456789012"], "detail-type": ["Order Created"] } });
  }

  it("prints the matches, the DISABLED one called out, and the closest misses: exit 0", async () => {
    await orders();
    const result = await runCli(["route", "--bus", "orders", JSON.stringify(created)], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/✔ order-created\s+ENABLED/);
    expect(result.stdout).toMatch(/⚠ order-audit\s+DISABLED: it matches, but a disabled rule delivers nothing/);
    expect(result.stdout).toMatch(/✖ order-shipped\s+detail-type: expected one of \["Order Shipped"\], got "Order Created"/);
    expect(result.stdout).toContain("Taken by 2 enabled rules: order-created, by-account");
    // No colors without a TTY; progress on stderr only.
    expect(result.stdout).not.toContain("\x1b[");
    expect(result.stderr).toContain("reading the rules on bus orders");
  });

  it("--format json: the documented document; a PutEvents entry with the caller's account; no enabled match: exit 1", async () => {
    await orders();
    const entry = { Source: "shop.orders", DetailType: "Order Refunded", Detail: '{"id":"1"}' };
    const result = await runCli(["route", "--bus", "orders", JSON.stringify(entry), "--format", "json"], { env });
    expect(result.code, result.stderr).toBe(1);
    const doc = JSON.parse(result.stdout) as Record<string, unknown> & { event: Record<string, unknown>; matches: unknown[]; misses: Array<Record<string, unknown>> };
    expect(Object.keys(doc).slice(0, 4)).toEqual(["bus", "event", "matches", "misses"]);
    expect(doc.bus).toBe("orders");
    expect(doc.event).toMatchObject({ source: "shop.orders", "detail-type": "Order Refunded", account: "123456789012", region: "us-east-1", detail: { id: "1" } });
    expect(doc.matches).toEqual([{ rule: "order-audit", state: "DISABLED" }]);
    expect(doc.misses.map((m) => [m.rule, m.field])).toEqual([
      ["order-created", "detail-type"],
      ["order-shipped", "detail-type"],
      ["by-account", "detail-type"],
    ]);
    expect(Object.keys(doc.misses[0]!)).toEqual(["rule", "state", "field", "reason", "otherFields"]);
  });

  it("JSON Lines in: one JSON line per event out; exit 1 when one of them is taken by no rule", async () => {
    await orders();
    const lines = [JSON.stringify(created), JSON.stringify({ ...created, source: "shop.other", "detail-type": "Other" })].join("\n");
    const result = await runCli(["route", "--bus", "orders", "-", "--format", "json"], { env, stdin: lines });
    expect(result.code).toBe(1);
    const docs = result.stdout.trim().split("\n").map((line) => JSON.parse(line) as { index: number; taken: boolean });
    expect(docs.map((d) => [d.index, d.taken])).toEqual([
      [1, true],
      [2, false],
    ]);
  });

  it("bad input is one line and exit 2 before any AWS call; a missing bus is exit 2 naming the buses", async () => {
    const bad = await runCli(["route", "--bus", "orders", "{nope"], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: EVENT \(inline JSON\) is not valid JSON/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    expect((await runCli(["route", "--bus", "orders"], { env })).code).toBe(2);
    expect((await runCli(["route", "--bus", "orders", "{}", "--format", "markdown"], { env })).code).toBe(2);
    await seed.bus("orders");
    const missing = await runCli(["route", "--bus", "nope", JSON.stringify(created)], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('bus "nope" does not exist in us-east-1');
    expect(missing.stderr).toContain("orders");
  });

  it("Ctrl-C before the rules are read: exit 130, no verdict", async () => {
    await orders();
    const controller = new AbortController();
    controller.abort();
    const result = await runCli(["route", "--bus", "orders", JSON.stringify(created)], { env, interrupt: controller.signal });
    expect(result.code).toBe(130);
    expect(result.stdout).toBe("");
  });

  it("check --all with an event: the rules it is not for are skip 'the event is for rule X', not fail", async () => {
    const names = await seed.ingestor();
    await seed.rule({ name: "other-rule", bus: names.bus, pattern: { source: ["agent2.ingestor"], "detail-type": ["Document Deleted"] } });
    const fn = await seed.fn("other-fn");
    await seed.target("other-rule", names.bus, fn);
    const event = ["--source", "agent2.ingestor", "--detail-type", "Document Processing Required", "--detail", '{"documentId":"d1"}'];
    const result = await runCli(["check", "--all", "--bus", names.bus, ...event, "--format", "json"], { env });
    const doc = JSON.parse(result.stdout) as { rules: Array<{ target: { rule: string }; notes: string[]; findings: Array<{ id: string; status: string; title: string }> }> };
    const matches = (r: string) => doc.rules.find((d) => d.target.rule === r)!.findings.find((f) => f.id === "event.matches")!;
    expect(matches(names.rule).status).toBe("pass");
    expect(matches("other-rule")).toMatchObject({ status: "skip", title: `the event is for rule ${names.rule}` });
    expect(doc.rules.find((d) => d.target.rule === "other-rule")!.notes.join(" ")).toContain(`The event is for rule ${names.rule}`);
    // An event no rule matches still fails every rule: the exit code rules are unchanged.
    const stray = await runCli(["check", "--all", "--bus", names.bus, "--source", "agent2.ingestor", "--detail-type", "Nope", "--format", "json"], { env });
    expect(stray.code).toBe(1);
    const strayDoc = JSON.parse(stray.stdout) as typeof doc;
    for (const r of strayDoc.rules) expect(r.findings.find((f) => f.id === "event.matches")!.status).toBe("fail");
  }, 30_000);
});
