/**
 * Builds the pipeline map from plain stages (what was read about each bus), and marks the
 * link a diagnosis found broken. Pure: no I/O, no clock, no colors.
 */
import { busNameOf, parseArn } from "../model/arn.js";
import type { BrokenLink, MapEdge, MapNode, PipelineMap } from "../model/pipeline-map.js";
import type { TargetInfo } from "../model/snapshot.js";

/** What was read about one bus. */
export interface MapStage {
  bus: string;
  /** The bus does not exist. */
  missing?: boolean;
  /** Functions whose environment names the bus, with the variable (the most bus-like first). */
  publishers: Array<{ function: string; variables: string[] }>;
  rules: Array<{
    name: string;
    state: string;
    /** Null when they could not be read (`targetsError` says why). */
    targets: TargetInfo[] | null;
    targetsError?: string;
  }>;
  /** For each target function of this stage: the other buses its environment names. */
  publishesTo?: Record<string, Array<{ bus: string; variables: string[] }>>;
}

export const busNodeId = (bus: string) => `bus:${bus}`;
export const ruleNodeId = (bus: string, rule: string) => `rule:${bus}/${rule}`;
export const functionNodeId = (name: string) => `fn:${name}`;

/** A target's node: a function and a bus are shared with the stages they belong to. */
function targetNode(target: TargetInfo): MapNode {
  if (target.kind === "lambda" && target.function) return { id: functionNodeId(target.function.name), kind: "function", name: target.function.name, targetKind: "lambda" };
  if (target.kind === "events") {
    const name = busNameOf(target.arn);
    return { id: busNodeId(name), kind: "bus", name };
  }
  return { id: `target:${target.arn}`, kind: "target", name: targetName(target), targetKind: target.kind };
}

/** The short name of a target: a queue's, topic's or state machine's name, a log group, else the ARN's resource. */
function targetName(target: TargetInfo): string {
  const arn = parseArn(target.arn);
  if (!arn) return target.arn;
  if (target.kind === "logs") return arn.resource.replace(/^log-group:/, "").replace(/:\*$/, "");
  return arn.resource.split(/[:/]/).pop() || arn.resource;
}

/** The map of the stages, in order; nodes and edges appear once each. */
export function buildPipelineMap(stages: readonly MapStage[]): PipelineMap {
  const nodes = new Map<string, MapNode>();
  const edges: MapEdge[] = [];
  const edgeKeys = new Set<string>();
  const node = (n: MapNode) => {
    const known = nodes.get(n.id);
    if (known) Object.assign(known, Object.fromEntries(Object.entries(n).filter(([key, value]) => value !== undefined && known[key as keyof MapNode] === undefined)));
    else nodes.set(n.id, { ...n });
    return n.id;
  };
  const edge = (from: string, to: string, label?: string) => {
    const key = `${from}\u0000${to}`;
    if (edgeKeys.has(key)) return;
    edgeKeys.add(key);
    edges.push(label ? { from, to, label } : { from, to });
  };
  stages.forEach((stage, index) => {
    // Publishers first: nodes are listed (and Mermaid declares them) in reading order.
    const publishers = stage.publishers.map((p) => [node({ id: functionNodeId(p.function), kind: "function", name: p.function }), p.variables[0]] as const);
    const bus = node({ id: busNodeId(stage.bus), kind: "bus", name: stage.bus, stage: index + 1, ...(stage.missing ? { state: "missing" } : {}) });
    for (const [publisher, variable] of publishers) edge(publisher, bus, variable);
    for (const rule of stage.rules) {
      const ruleId = node({ id: ruleNodeId(stage.bus, rule.name), kind: "rule", name: rule.name, state: rule.state, stage: index + 1, ...(rule.targetsError ? { note: `targets could not be read: ${rule.targetsError}` } : {}) });
      edge(bus, ruleId);
      for (const target of rule.targets ?? []) edge(ruleId, node(targetNode(target)));
    }
    for (const [fn, buses] of Object.entries(stage.publishesTo ?? {})) {
      for (const next of buses) edge(node({ id: functionNodeId(fn), kind: "function", name: fn }), node({ id: busNodeId(next.bus), kind: "bus", name: next.bus }), next.variables[0]);
    }
  });
  return { nodes: [...nodes.values()], edges, buses: stages.map((s) => s.bus) };
}

/** Where in the chain a finding points. */
type Place = "publish" | "bus" | "match" | "rule" | "deliver";

/** Each finding id's place; ids from other checks fall back on their prefix. */
const PLACE: Record<string, Place> = {
  "publisher.bus": "publish",
  "publisher.permission": "publish",
  "bus.policy": "publish",
  "event.valid": "publish",
  "probe.accepted": "publish",
  "bus.exists": "bus",
  "rule.exists": "match",
  "rule.state": "match",
  "rule.pattern": "match",
  "event.matches": "match",
  "metrics.matched": "match",
  "probe.matched": "match",
  "bus.logs": "match",
  "targets.present": "rule",
};

function placeOf(finding: string): Place | null {
  if (PLACE[finding]) return PLACE[finding]!;
  if (finding.startsWith("target.") || finding.startsWith("metrics.") || finding.startsWith("logs.") || finding.startsWith("probe.")) return "deliver";
  return null;
}

/** The diagnosis's context: which bus, rule and publisher the findings are about. */
export interface BrokenContext {
  bus: string;
  rule: string | null;
  publisher?: string | null;
}

/**
 * Marks on the map the link a root cause breaks: the publisher's edge to the bus
 * (publisher.bus), the bus's edge to the rule (rule.state, event.matches), the rule's
 * edges to its targets (target.permission; only the finding's subject when it names
 * one), or a node (bus.exists, targets.present). Returns a new map; a finding that names
 * no place on the map (aws.access) marks nothing.
 */
export function markBrokenLink(map: PipelineMap, cause: { id: string; title: string; subject?: string | undefined }, context: BrokenContext): PipelineMap {
  const place = placeOf(cause.id);
  if (place === null) return map;
  const bus = busNodeId(busNameOf(context.bus));
  const rule = context.rule !== null ? ruleNodeId(busNameOf(context.bus), context.rule) : null;
  const broken: BrokenLink = { finding: cause.id, title: cause.title, edges: [], nodes: [] };
  const edgesWhere = (test: (e: MapEdge) => boolean) => map.edges.flatMap((e, i) => (test(e) ? [i] : []));
  switch (place) {
    case "publish": {
      const publisher = context.publisher ? functionNodeId(context.publisher) : null;
      broken.edges = edgesWhere((e) => e.to === bus && (publisher === null ? e.from.startsWith("fn:") : e.from === publisher));
      if (broken.edges.length === 0) broken.nodes = [bus];
      break;
    }
    case "bus":
      broken.nodes = [bus];
      break;
    case "match":
      broken.edges = rule ? edgesWhere((e) => e.from === bus && e.to === rule) : [];
      if (broken.edges.length === 0) broken.nodes = [rule ?? bus];
      break;
    case "rule":
      broken.nodes = [rule ?? bus];
      break;
    case "deliver": {
      const all = rule ? edgesWhere((e) => e.from === rule) : [];
      const named = all.filter((i) => cause.subject !== undefined && nodeMatches(map, map.edges[i]!.to, cause.subject));
      broken.edges = named.length > 0 ? named : all;
      if (broken.edges.length === 0 && rule) broken.nodes = [rule];
      break;
    }
  }
  return { ...map, broken };
}

/** A finding's subject (a target id, a function name or an ARN) names this node. */
function nodeMatches(map: PipelineMap, id: string, subject: string): boolean {
  const node = map.nodes.find((n) => n.id === id);
  return node !== undefined && (node.name === subject || id.endsWith(subject) || subject.endsWith(`:${node.name}`) || subject.split(":")[0] === node.name);
}
