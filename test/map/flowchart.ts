/**
 * A small, strict parser for the Mermaid flowchart subset course-doctor prints (no
 * well-kept Mermaid parser fits a Node 20 dev dependency: the mermaid package needs a DOM
 * and Node 22, and @mermaid-js/parser has no flowchart grammar). Every line must be a
 * header, a node, an edge, a classDef, a class or a linkStyle; every edge must join
 * declared nodes; labels are quoted and hold no raw quote. Anything else throws.
 */
export interface ChartNode {
  id: string;
  shape: "box" | "stadium" | "hexagon";
  label: string;
}

export interface ChartEdge {
  index: number;
  from: string;
  to: string;
  label?: string;
}

export interface Flowchart {
  direction: string;
  nodes: Map<string, ChartNode>;
  edges: ChartEdge[];
  classDefs: Map<string, string>;
  /** Class name → node ids. */
  classes: Map<string, string[]>;
  /** Edge index → style. */
  linkStyles: Map<number, string>;
}

const ID = "[A-Za-z][A-Za-z0-9_]*";
const QUOTED = '"([^"|]*)"';
const SHAPES: Array<[RegExp, ChartNode["shape"]]> = [
  [new RegExp(`^(${ID})\\(\\[${QUOTED}\\]\\)$`), "stadium"],
  [new RegExp(`^(${ID})\\{\\{${QUOTED}\\}\\}$`), "hexagon"],
  [new RegExp(`^(${ID})\\[${QUOTED}\\]$`), "box"],
];
const EDGE = new RegExp(`^(${ID}) -->(?:\\|${QUOTED}\\|)? (${ID})$`);

export function parseFlowchart(text: string): Flowchart {
  const lines = text.split("\n");
  while (lines[lines.length - 1] === "") lines.pop();
  const header = /^flowchart (LR|RL|TB|TD|BT)$/.exec(lines[0] ?? "");
  if (!header) throw new Error(`line 1: expected "flowchart LR", got ${JSON.stringify(lines[0])}`);
  const chart: Flowchart = { direction: header[1]!, nodes: new Map(), edges: [], classDefs: new Map(), classes: new Map(), linkStyles: new Map() };
  const pendingStyles: Array<[number[], string, number]> = [];
  lines.slice(1).forEach((raw, i) => {
    const where = `line ${i + 2}`;
    if (!raw.startsWith("  ")) throw new Error(`${where}: statements are indented: ${JSON.stringify(raw)}`);
    const line = raw.slice(2);
    for (const [pattern, shape] of SHAPES) {
      const match = pattern.exec(line);
      if (!match) continue;
      if (chart.nodes.has(match[1]!)) throw new Error(`${where}: node ${match[1]} declared twice`);
      chart.nodes.set(match[1]!, { id: match[1]!, shape, label: match[2]! });
      return;
    }
    const edge = EDGE.exec(line);
    if (edge) {
      for (const id of [edge[1]!, edge[3]!]) if (!chart.nodes.has(id)) throw new Error(`${where}: edge names undeclared node ${id}`);
      chart.edges.push({ index: chart.edges.length, from: edge[1]!, to: edge[3]!, ...(edge[2] !== undefined ? { label: edge[2] } : {}) });
      return;
    }
    const classDef = /^classDef ([A-Za-z]+) (\S.*)$/.exec(line);
    if (classDef) {
      chart.classDefs.set(classDef[1]!, classDef[2]!);
      return;
    }
    const cls = new RegExp(`^class (${ID}(?:,${ID})*) ([A-Za-z]+)$`).exec(line);
    if (cls) {
      if (!chart.classDefs.has(cls[2]!)) throw new Error(`${where}: class ${cls[2]} has no classDef`);
      const ids = cls[1]!.split(",");
      for (const id of ids) if (!chart.nodes.has(id)) throw new Error(`${where}: class names undeclared node ${id}`);
      chart.classes.set(cls[2]!, ids);
      return;
    }
    const linkStyle = /^linkStyle (\d+(?:,\d+)*) (\S.*)$/.exec(line);
    if (linkStyle) {
      pendingStyles.push([linkStyle[1]!.split(",").map(Number), linkStyle[2]!, i + 2]);
      return;
    }
    throw new Error(`${where}: not a flowchart statement: ${JSON.stringify(line)}`);
  });
  for (const [indices, style, line] of pendingStyles) {
    for (const index of indices) {
      if (index >= chart.edges.length) throw new Error(`line ${line}: linkStyle ${index}, but there are ${chart.edges.length} edges`);
      chart.linkStyles.set(index, style);
    }
  }
  return chart;
}
