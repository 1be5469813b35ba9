/** `probe` end to end against moto: a rule whose target is a CloudWatch Logs group (moto delivers there). */
import { DescribeLogGroupsCommand, DescribeResourcePoliciesCommand, CreateLogGroupCommand, PutResourcePolicyCommand } from "@aws-sdk/client-cloudwatch-logs";
import { ListTargetsByRuleCommand } from "@aws-sdk/client-eventbridge";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { MOTO_ACCOUNT, MOTO_REGION, type Moto } from "../helpers/moto.js";
import { useMoto } from "../helpers/use-moto.js";
import { type Seeder } from "../helpers/seed.js";

let moto: Moto;
let seed: Seeder;
let env: Record<string, string>;

useMoto((world) => ({ moto, seed, env } = world));

const EVENT = ["--source", "shop.orders", "--detail-type", "Order Created", "--detail", '{"id":"1"}'];

async function logsPipeline(): Promise<{ bus: string; rule: string; group: string }> {
  const bus = "orders";
  const rule = "order-created";
  const group = "/aws/events/orders-audit";
  await seed.bus(bus);
  await seed.rule({ name: rule, bus, pattern: { source: ["shop.orders"], "detail-type": ["Order Created"] } });
  await seed.logs.send(new CreateLogGroupCommand({ logGroupName: group }));
  // What a team's infrastructure adds with a log group target: EventBridge may write to it.
  const groupArn = `arn:aws:logs:${MOTO_REGION}:${MOTO_ACCOUNT}:log-group:${group}`;
  await seed.logs.send(
    new PutResourcePolicyCommand({
      policyName: "events-to-audit",
      policyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: ["events.amazonaws.com", "delivery.logs.amazonaws.com"] }, Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${groupArn}:*` }] }),
    }),
  );
  await seed.target(rule, bus, groupArn);
  return { bus, rule, group };
}

interface Report {
  status: string;
  findings: Array<{ id: string; status: string; title: string; detail?: string; evidence?: Record<string, unknown> }>;
}

function parse(stdout: string): Report {
  return JSON.parse(stdout) as Report;
}

async function traceLeftovers(rule: string, bus: string) {
  const targets = (await seed.events.send(new ListTargetsByRuleCommand({ Rule: rule, EventBusName: bus }))).Targets ?? [];
  const groups = (await seed.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/aws/events/course-doctor-trace-" }))).logGroups ?? [];
  const policies = ((await seed.logs.send(new DescribeResourcePoliciesCommand({}))).resourcePolicies ?? []).filter((p) => p.policyName?.startsWith("course-doctor-trace-"));
  return { targets: targets.filter((t) => t.Id?.startsWith("course-doctor-trace-")), groups, policies };
}

describe("probe against moto", () => {
  it("finds the marker in the log group target: delivered, exit 0", async () => {
    const p = await logsPipeline();
    const result = await runCli(["probe", "--format", "json", "--bus", p.bus, "--rule", p.rule, ...EVENT, "--probe-timeout", "15s"], { env });
    expect(result.code, result.stderr).toBe(0);
    const report = parse(result.stdout);
    expect(report.findings.map((f) => [f.id, f.status])).toEqual([
      ["probe.accepted", "pass"],
      ["probe.matched", "pass"],
      ["probe.delivered", "pass"],
    ]);
    expect(report.findings[2]!.evidence).toMatchObject({ logGroup: p.group, via: "target" });
  });

  it("--trace on a queue target proves the match, never the delivery: matched pass, delivered skip, exit 0", async () => {
    const p = await logsPipeline();
    // Evidence only through the trace: the rule's own target is a queue.
    await seed.events.send(new (await import("@aws-sdk/client-eventbridge")).RemoveTargetsCommand({ Rule: p.rule, EventBusName: p.bus, Ids: ["target-1"] }));
    const queue = await seed.queue("orders-q");
    await seed.target(p.rule, p.bus, queue.arn);
    const result = await runCli(["probe", "--format", "json", "--trace", "--bus", p.bus, "--rule", p.rule, ...EVENT, "--probe-timeout", "15s"], { env });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const findings = parse(result.stdout).findings;
    const matched = findings.find((f) => f.id === "probe.matched")!;
    expect(matched).toMatchObject({ status: "pass", evidence: { via: "trace" } });
    expect(typeof matched.evidence!.latencyMs).toBe("number");
    // A queue shows the probe only to whoever consumes it: course-doctor does not claim it arrived.
    const delivered = findings.find((f) => f.id === "probe.delivered")!;
    expect(delivered.status).toBe("skip");
    expect(delivered.title).toContain("not observable");
    expect(delivered.title).toContain("orders-q");
    expect(await traceLeftovers(p.rule, p.bus)).toEqual({ targets: [], groups: [], policies: [] });
  });

  it("explains a pattern that does not match: not delivered, exit 1", async () => {
    const p = await logsPipeline();
    const result = await runCli(
      ["probe", "--format", "json", "--bus", p.bus, "--rule", p.rule, "--source", "shop.orders", "--detail-type", "order created", "--probe-timeout", "5s"],
      { env },
    );
    expect(result.code).toBe(1);
    const findings = parse(result.stdout).findings;
    const matched = findings.find((f) => f.id === "probe.matched")!;
    expect(matched.status).toBe("fail");
    expect(matched.detail).toContain("detail-type");
    expect(findings.find((f) => f.id === "probe.delivered")!.status).toBe("skip");
  });

  it("refuses a probe nothing could observe (a queue target, no --trace): exit 2, nothing sent", async () => {
    const p = await logsPipeline();
    const { RemoveTargetsCommand } = await import("@aws-sdk/client-eventbridge");
    await seed.events.send(new RemoveTargetsCommand({ Rule: p.rule, EventBusName: p.bus, Ids: ["target-1"] }));
    const queue = await seed.queue("orders-q");
    await seed.target(p.rule, p.bus, queue.arn);
    const result = await runCli(["probe", "--format", "json", "--bus", p.bus, "--rule", p.rule, ...EVENT, "--probe-timeout", "2s"], { env });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("nothing would show whether the probe arrived: sqs target");
    expect(result.stderr).toContain("add --trace");
  });

  it("a PutEvents HTTP error (moto: Lambda target) is probe.accepted error, named plainly: exit 2", async () => {
    const p = await logsPipeline();
    const fn = await seed.fn("orders-fn");
    await seed.target(p.rule, p.bus, fn, { Id: "fn" });
    const result = await runCli(["probe", "--format", "json", "--bus", p.bus, "--rule", p.rule, ...EVENT, "--probe-timeout", "2s"], { env });
    expect(result.code, result.stderr).toBe(2);
    const accepted = parse(result.stdout).findings.find((f) => f.id === "probe.accepted")!;
    expect(accepted.status).toBe("error");
    // Said plainly, not as the JSON parser's complaint about an HTML page.
    expect(accepted.detail).toMatch(/^EventBridge('s endpoint)? answered HTTP 500/);
    expect(accepted.detail).not.toMatch(/SyntaxError|Unexpected token/);
  });

  it("sends nothing to a DISABLED rule, and says so first: exit 1", async () => {
    const p = await logsPipeline();
    await seed.rule({ name: p.rule, bus: p.bus, pattern: { source: ["shop.orders"] }, state: "DISABLED" });
    const result = await runCli(["probe", "--format", "json", "--bus", p.bus, "--rule", p.rule, ...EVENT, "--probe-timeout", "2s"], { env });
    expect(result.code).toBe(1);
    const findings = parse(result.stdout).findings;
    expect(findings.find((f) => f.id === "probe.accepted")).toMatchObject({ status: "skip", title: "not sent: the rule is DISABLED" });
    expect(findings.find((f) => f.id === "probe.matched")).toMatchObject({ status: "fail" });
    expect(result.stderr).not.toContain("sent probe");
  });

  it("--function names a target exactly: api is not api-dev", async () => {
    const p = await logsPipeline();
    const result = await runCli(["probe", "--bus", p.bus, "--rule", p.rule, "--function", "orders", ...EVENT], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("has no target named orders");
  });

  it("a rule that does not exist is bad input: exit 2", async () => {
    const p = await logsPipeline();
    const result = await runCli(["probe", "--bus", p.bus, "--rule", "nope", ...EVENT], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("rule nope does not exist on bus orders");
  });

  it("removes the trace target, log group and policy when interrupted mid-wait", async () => {
    const p = await logsPipeline();
    const { RemoveTargetsCommand } = await import("@aws-sdk/client-eventbridge");
    await seed.events.send(new RemoveTargetsCommand({ Rule: p.rule, EventBusName: p.bus, Ids: ["target-1"] }));
    const controller = new AbortController();
    const running = runCli(["probe", "--format", "json", "--trace", "--bus", p.bus, "--rule", p.rule, ...EVENT, "--probe-timeout", "60s"], { env, interrupt: controller.signal });
    // Wait until the trace target is in place (the first resend comes only after 5s), then interrupt.
    let seen = false;
    for (let i = 0; i < 50 && !seen; i++) {
      seen = (await traceLeftovers(p.rule, p.bus)).targets.length > 0;
      if (!seen) await new Promise((r) => setTimeout(r, 100));
    }
    expect(seen).toBe(true);
    controller.abort();
    const result = await running;
    expect(result.code).toBe(130);
    expect(await traceLeftovers(p.rule, p.bus)).toEqual({ targets: [], groups: [], policies: [] });
  });

  it("--cleanup removes leftovers of a killed run", async () => {
    const p = await logsPipeline();
    await seed.logs.send(new CreateLogGroupCommand({ logGroupName: "/aws/events/course-doctor-trace-dead1", tags: { "course-doctor": "probe-trace" } }));
    await seed.target(p.rule, p.bus, `arn:aws:logs:${MOTO_REGION}:${MOTO_ACCOUNT}:log-group:/aws/events/course-doctor-trace-dead1`, { Id: "course-doctor-trace-dead1" });
    const result = await runCli(["probe", "--cleanup", "--bus", p.bus], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("course-doctor-trace-dead1");
    expect(await traceLeftovers(p.rule, p.bus)).toEqual({ targets: [], groups: [], policies: [] });
  });

  describe("check --probe", () => {
    it("adds probe.accepted and probe.delivered to check's findings: delivered, exit 0", async () => {
      const p = await logsPipeline();
      const result = await runCli(["check", "--probe", "--format", "json", "--bus", p.bus, "--rule", p.rule, ...EVENT, "--probe-timeout", "15s"], { env });
      const report = parse(result.stdout);
      const ids = report.findings.map((f) => f.id);
      expect(ids).toEqual(expect.arrayContaining(["rule.exists", "rule.state", "event.matches", "probe.accepted", "probe.delivered"]));
      expect(report.findings.find((f) => f.id === "probe.delivered")).toMatchObject({ status: "pass", evidence: { logGroup: p.group, via: "target" } });
      expect(result.code, result.stdout).toBe(0);
      expect(result.stderr).toContain("sent probe cd-probe-");
    });

    it("a probe the pattern does not match is not delivered, and the report says why: exit 1", async () => {
      const p = await logsPipeline();
      const result = await runCli(
        ["check", "--probe", "--format", "json", "--bus", p.bus, "--rule", p.rule, "--source", "shop.orders", "--detail-type", "order created", "--probe-timeout", "3s"],
        { env },
      );
      expect(result.code).toBe(1);
      const report = parse(result.stdout) as Report & { rootCause: { id: string } | null };
      expect(report.findings.find((f) => f.id === "probe.matched")!.status).toBe("fail");
      expect(report.findings.find((f) => f.id === "event.matches")!.status).toBe("fail");
      expect(report.rootCause?.id).toBe("event.matches");
    });

    it("sends nothing for a rule that does not exist, and refuses what cannot be probed", async () => {
      const p = await logsPipeline();
      const missing = await runCli(["check", "--probe", "--format", "json", "--bus", p.bus, "--rule", "nope", ...EVENT], { env });
      expect(missing.code).toBe(1);
      expect(parse(missing.stdout).findings.find((f) => f.id === "probe.accepted")!.status).toBe("skip");
      const noEvent = await runCli(["check", "--probe", "--bus", p.bus, "--rule", p.rule], { env });
      expect(noEvent.code).toBe(2);
      expect(noEvent.stderr).toContain("--probe needs the application's event");
      const offline = await runCli(["check", "--probe", "--from", "examples/ingestor-healthy.snapshot.json", ...EVENT], { env });
      expect(offline.code).toBe(2);
      expect(offline.stderr).toContain("cannot be combined with --from");
      const trace = await runCli(["check", "--trace", "--bus", p.bus, "--rule", p.rule], { env });
      expect(trace.code).toBe(2);
      expect(trace.stderr).toContain("--trace, --bus-logs and --probe-timeout go with --probe");
    });
  });
});
