/**
 * The pipeline map for a terminal: stage after stage, each read left to right —
 * publishers ──▶ bus, then bus ──▶ rule (state) ──▶ its targets, with "⇒ stage N" where a
 * target function publishes to the next bus. Colors only through the injected chalk.
 */
import type { ChalkInstance } from "chalk";
import type { MapNode, PipelineMap } from "../model/pipeline-map.js";
import { busNodeId } from "./graph.js";

function name(node: MapNode): string {
  if (node.kind === "bus") return `bus ${node.name}`;
  if (node.kind === "rule") return `rule ${node.name}`;
  if (node.kind === "function") return `λ ${node.name}`;
  return `${node.targetKind ?? "target"} ${node.name}`;
}

export function renderMapText(map: PipelineMap, chalk: ChalkInstance): string {
  const byId = new Map(map.nodes.map((n) => [n.id, n]));
  const brokenEdges = new Set(map.broken?.edges ?? []);
  const brokenNodes = new Set(map.broken?.nodes ?? []);
  const arrow = (index: number, label?: string) => {
    const text = `──${label ? `${label}──` : ""}▶`;
    return brokenEdges.has(index) ? chalk.red(`${text.slice(0, -1)}✖▶`) : chalk.dim(text);
  };
  const show = (node: MapNode) => {
    const text = name(node);
    if (brokenNodes.has(node.id)) return chalk.red(`${text} ✖`);
    return node.kind === "bus" ? chalk.bold(text) : text;
  };
  const stageOf = new Map(map.buses.map((bus, i) => [busNodeId(bus), i + 1]));
  const out: string[] = [];
  map.buses.forEach((busName, index) => {
    const busId = busNodeId(busName);
    const bus = byId.get(busId)!;
    out.push(`${index > 0 ? "\n" : ""}${chalk.bold(`Stage ${index + 1}`)}  ${show(bus)}${bus.state === "missing" ? chalk.red("  (does not exist)") : ""}`);
    const into = map.edges.map((e, i) => ({ e, i })).filter(({ e }) => e.to === busId && byId.get(e.from)?.kind === "function");
    if (into.length === 0) out.push(`  ${chalk.dim("(no function's environment names this bus)")}`);
    for (const { e, i } of into) out.push(`  ${show(byId.get(e.from)!)} ${arrow(i, e.label)} ${show(bus)}`);
    const rules = map.edges.map((e, i) => ({ e, i })).filter(({ e }) => e.from === busId && byId.get(e.to)?.kind === "rule");
    if (rules.length === 0 && bus.state !== "missing") out.push(`  ${show(bus)} ${chalk.dim("──▶")} ${chalk.red("(no rules: events sent here reach nothing)")}`);
    const width = Math.max(0, ...rules.map(({ e }) => `rule ${byId.get(e.to)!.name}  ${byId.get(e.to)!.state ?? ""}`.length));
    for (const { e, i } of rules) {
      const rule = byId.get(e.to)!;
      const state = rule.state ?? "";
      const stateText = state.startsWith("ENABLED") ? chalk.green(state) : chalk.yellow(state);
      const head = `  ${show(bus)} ${arrow(i)} ${show(rule)}  ${stateText}${" ".repeat(Math.max(0, width - `rule ${rule.name}  ${state}`.length))}`;
      const targets = map.edges.map((t, j) => ({ t, j })).filter(({ t }) => t.from === rule.id);
      const indent = " ".repeat(`  bus ${busName} ──▶ `.length + width);
      if (rule.note) out.push(head, `${indent}  ${chalk.yellow(rule.note)}`);
      if (targets.length === 0) {
        if (!rule.note) out.push(`${head} ${chalk.dim("──▶")} ${chalk.red("(no targets)")}`);
        continue;
      }
      targets.forEach(({ t, j }, k) => {
        const target = byId.get(t.to)!;
        const next = map.edges
          .filter((n) => n.from === target.id && stageOf.has(n.to))
          .map((n) => `⇒ stage ${stageOf.get(n.to)} (${byId.get(n.to)!.name}${n.label ? `, ${n.label}` : ""})`);
        const stage = target.kind === "bus" && stageOf.has(target.id) ? [`⇒ stage ${stageOf.get(target.id)}`] : [];
        const tail = [...next, ...stage].length > 0 ? `  ${chalk.cyan([...next, ...stage].join(", "))}` : "";
        const lead = k === 0 && !rule.note ? head : indent;
        out.push(`${lead} ${arrow(j)} ${show(target)}${tail}`);
      });
    }
  });
  if (map.broken) out.push("", `${chalk.red("✖")} broken link: ${map.broken.finding}: ${map.broken.title}`);
  return out.join("\n");
}
