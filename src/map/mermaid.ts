/**
 * The pipeline map as a Mermaid flowchart, left to right: the flowchart text alone (no
 * code fence), for `map --format mermaid` and the ```mermaid block of check's markdown
 * report. Pure. Every name is put in a quoted label with its quotes and angle brackets
 * (and the pipes that end an edge label) written as Mermaid entities, so no name can break
 * the diagram.
 */
import type { MapNode, PipelineMap } from "../model/pipeline-map.js";
import type { TargetKind } from "../model/snapshot.js";

const KIND_LABEL: Record<TargetKind, string> = {
  lambda: "λ",
  sqs: "SQS",
  logs: "Logs",
  sns: "SNS",
  events: "bus",
  "api-destination": "API destination",
  stepfunctions: "Step Functions",
  kinesis: "Kinesis",
  firehose: "Firehose",
  ecs: "ECS",
  batch: "Batch",
  other: "target",
};

/** Text inside a quoted Mermaid label. */
export function mermaidText(text: string): string {
  return text.replace(/[\r\n]+/g, " ").replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;").replace(/\|/g, "#124;");
}

function label(node: MapNode): string {
  const lines: string[] = [];
  if (node.kind === "bus") lines.push(`bus ${node.name}`);
  else if (node.kind === "rule") lines.push(`rule ${node.name}`);
  else if (node.kind === "function") lines.push(`λ ${node.name}`);
  else lines.push(`${KIND_LABEL[node.targetKind ?? "other"]} ${node.name}`);
  if (node.state) lines.push(node.state);
  if (node.note) lines.push(node.note);
  return lines.map(mermaidText).join("<br/>");
}

/** The node's shape: buses are stadiums, rules hexagons, functions and other targets boxes. */
function shape(id: string, node: MapNode): string {
  const text = `"${label(node)}"`;
  if (node.kind === "bus") return `${id}([${text}])`;
  if (node.kind === "rule") return `${id}{{${text}}}`;
  return `${id}[${text}]`;
}

export function renderMermaid(map: PipelineMap): string {
  const ids = new Map(map.nodes.map((node, index) => [node.id, `n${index}`]));
  const lines = ["flowchart LR"];
  for (const node of map.nodes) lines.push(`  ${shape(ids.get(node.id)!, node)}`);
  const broken = new Set(map.broken?.edges ?? []);
  map.edges.forEach((edge, index) => {
    const text = broken.has(index) ? [edge.label, `✖ ${map.broken!.finding}`].filter(Boolean).join(" · ") : edge.label;
    const arrow = text ? `-->|"${mermaidText(text)}"|` : "-->";
    lines.push(`  ${ids.get(edge.from)} ${arrow} ${ids.get(edge.to)}`);
  });
  const disabled = map.nodes.filter((n) => n.kind === "rule" && n.state !== undefined && !n.state.startsWith("ENABLED")).map((n) => ids.get(n.id)!);
  const brokenNodes = (map.broken?.nodes ?? []).flatMap((id) => (ids.has(id) ? [ids.get(id)!] : []));
  if (disabled.length > 0) lines.push("  classDef disabled stroke-dasharray: 5 5,color:#777", `  class ${disabled.join(",")} disabled`);
  if (brokenNodes.length > 0) lines.push("  classDef broken stroke:#d00,stroke-width:3px", `  class ${brokenNodes.join(",")} broken`);
  if (broken.size > 0) lines.push(`  linkStyle ${[...broken].sort((a, b) => a - b).join(",")} stroke:#d00,stroke-width:3px`);
  return `${lines.join("\n")}\n`;
}
