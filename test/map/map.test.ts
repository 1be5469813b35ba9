/** The pure map: building stages into nodes and edges, marking the broken link, and the Mermaid and text renderers. */
import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { buildPipelineMap, markBrokenLink, type MapStage } from "../../src/map/graph.js";
import { mermaidText, renderMermaid } from "../../src/map/mermaid.js";
import { renderMapText } from "../../src/map/text.js";
import type { TargetInfo } from "../../src/model/snapshot.js";
import { parseFlowchart } from "./flowchart.js";

const lambda = (name: string): TargetInfo => ({ id: name, arn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`, kind: "lambda", function: { name } });
const queue = (name: string): TargetInfo => ({ id: "q", arn: `arn:aws:sqs:us-east-1:123456789012:${name}`, kind: "sqs" });
const logGroup = (name: string): TargetInfo => ({ id: "l", arn: `arn:aws:logs:us-east-1:123456789012:log-group:${name}:*`, kind: "logs" });
const busTarget = (name: string): TargetInfo => ({ id: "b", arn: `arn:aws:events:us-east-1:123456789012:event-bus/${name}`, kind: "events" });

const stages: MapStage[] = [
  {
    bus: "orders",
    publishers: [{ function: "orders-api", variables: ["EVENT_BUS_NAME"] }],
    rules: [
      { name: "order-created", state: "ENABLED", targets: [lambda("order-handler"), queue("audit-q")] },
      { name: "order-archive", state: "DISABLED", targets: [logGroup("/aws/events/archive")] },
      { name: "forward", state: "ENABLED", targets: [busTarget("partner")] },
      { name: "unread", state: "ENABLED", targets: null, targetsError: "AccessDenied" },
    ],
    publishesTo: { "order-handler": [{ bus: "fulfilment", variables: ["FULFILMENT_BUS"] }] },
  },
  { bus: "fulfilment", publishers: [{ function: "order-handler", variables: ["FULFILMENT_BUS"] }], rules: [{ name: "ship", state: "ENABLED", targets: [lambda("shipper")] }] },
  { bus: "partner", publishers: [], rules: [] },
];

describe("buildPipelineMap", () => {
  const map = buildPipelineMap(stages);

  it("one node per thing: a target function that publishes is the next stage's publisher; a bus target is that bus", () => {
    expect(map.buses).toEqual(["orders", "fulfilment", "partner"]);
    expect(map.nodes.filter((n) => n.id === "fn:order-handler")).toHaveLength(1);
    expect(map.nodes.filter((n) => n.id === "bus:partner")).toHaveLength(1);
    expect(map.nodes.find((n) => n.id === "target:arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/archive:*")!.name).toBe("/aws/events/archive");
    expect(map.nodes.find((n) => n.id === "rule:orders/unread")!.note).toBe("targets could not be read: AccessDenied");
  });

  it("edges read left to right, each once, a publisher's labelled with its variable", () => {
    const pairs = map.edges.map((e) => `${e.from} > ${e.to}${e.label ? ` (${e.label})` : ""}`);
    expect(pairs).toContain("fn:orders-api > bus:orders (EVENT_BUS_NAME)");
    expect(pairs).toContain("rule:orders/order-created > fn:order-handler");
    expect(pairs.filter((p) => p.startsWith("fn:order-handler > bus:fulfilment"))).toEqual(["fn:order-handler > bus:fulfilment (FULFILMENT_BUS)"]);
    expect(pairs).toContain("rule:orders/forward > bus:partner");
    expect(map.nodes[0]!.id).toBe("fn:orders-api");
  });
});

describe("markBrokenLink", () => {
  const map = buildPipelineMap(stages);
  const context = { bus: "orders", rule: "order-created", publisher: "orders-api" };
  const edgesOf = (id: string, subject?: string) => {
    const marked = markBrokenLink(map, { id, title: "t", subject }, context).broken!;
    return { edges: marked.edges.map((i) => `${map.edges[i]!.from} > ${map.edges[i]!.to}`), nodes: marked.nodes };
  };

  it.each([
    ["publisher.bus", ["fn:orders-api > bus:orders"], []],
    ["rule.state", ["bus:orders > rule:orders/order-created"], []],
    ["event.matches", ["bus:orders > rule:orders/order-created"], []],
    ["target.permission", ["rule:orders/order-created > fn:order-handler", "rule:orders/order-created > target:arn:aws:sqs:us-east-1:123456789012:audit-q"], []],
    ["bus.exists", [], ["bus:orders"]],
    ["targets.present", [], ["rule:orders/order-created"]],
  ])("%s marks its link", (id, edges, nodes) => {
    expect(edgesOf(id)).toEqual({ edges, nodes });
  });

  it("a per-target finding marks only its subject's edge; a finding with no place marks nothing", () => {
    expect(edgesOf("target.exists", "order-handler").edges).toEqual(["rule:orders/order-created > fn:order-handler"]);
    expect(edgesOf("target.exists", "order-handler:live").edges).toEqual(["rule:orders/order-created > fn:order-handler"]);
    expect(markBrokenLink(map, { id: "aws.access", title: "t" }, context).broken).toBeUndefined();
  });
});

describe("renderMermaid", () => {
  it("prints a flowchart that parses: shapes, labels, classes, the broken link styled", () => {
    const map = markBrokenLink(buildPipelineMap(stages), { id: "target.permission", title: "t", subject: "order-handler" }, { bus: "orders", rule: "order-created" });
    const text = renderMermaid(map);
    const chart = parseFlowchart(text);
    expect(chart.direction).toBe("LR");
    expect(chart.nodes.size).toBe(map.nodes.length);
    expect(chart.edges).toHaveLength(map.edges.length);
    const brokenEdges = [...chart.linkStyles.keys()].map((i) => chart.edges[i]!);
    expect(brokenEdges.map((e) => [chart.nodes.get(e.from)!.label.split("<br/>")[0], chart.nodes.get(e.to)!.label, e.label])).toEqual([["rule order-created", "λ order-handler", "✖ target.permission"]]);
    expect(chart.classes.get("disabled")!.map((id) => chart.nodes.get(id)!.label)).toEqual(["rule order-archive<br/>DISABLED"]);
    expect([...chart.nodes.values()].find((n) => n.label.startsWith("Logs"))!.label).toBe("Logs /aws/events/archive");
  });

  it("no name can break the diagram: quotes and angle brackets become entities", () => {
    expect(mermaidText('a"b<c>\nd|e')).toBe("a#quot;b#lt;c#gt; d#124;e");
    const odd = buildPipelineMap([{ bus: 'we"ird<bus>', publishers: [{ function: "f", variables: ['V"|'] }], rules: [{ name: "r|x", state: "ENABLED", targets: [] }] }]);
    const chart = parseFlowchart(renderMermaid(odd));
    expect([...chart.nodes.values()].map((n) => n.label)).toContain("bus we#quot;ird#lt;bus#gt;");
    expect(chart.edges[0]!.label).toBe("V#quot;#124;");
  });
});

describe("renderMapText", () => {
  it("stage by stage, left to right, with the next stage named; the broken link said last", () => {
    const map = markBrokenLink(buildPipelineMap(stages), { id: "rule.state", title: "DISABLED", subject: undefined }, { bus: "orders", rule: "order-archive" });
    const text = renderMapText(map, new Chalk({ level: 0 }));
    expect(text).toContain("Stage 1  bus orders\n  λ orders-api ──EVENT_BUS_NAME──▶ bus orders");
    expect(text).toMatch(/bus orders ──▶ rule order-created {2}ENABLED\s+──▶ λ order-handler {2}⇒ stage 2 \(fulfilment, FULFILMENT_BUS\)/);
    expect(text).toMatch(/\s+──▶ sqs audit-q/);
    expect(text).toMatch(/bus orders ──✖▶ rule order-archive {2}DISABLED/);
    expect(text).toMatch(/rule forward {2}ENABLED\s+──▶ bus partner {2}⇒ stage 3/);
    expect(text).toContain("targets could not be read: AccessDenied");
    expect(text).toContain("Stage 3  bus partner\n  (no function's environment names this bus)\n  bus partner ──▶ (no rules: events sent here reach nothing)");
    expect(text.trimEnd().split("\n").pop()).toBe("✖ broken link: rule.state: DISABLED");
  });
});
