/**
 * The layering rules, held by a test over the import graph of src/: nothing but the entry
 * point leans on the command layer; the engines (pattern, policy, input) are libraries
 * that reach neither the CLI nor AWS; only src/aws and the active operations import the
 * AWS SDK; and no module imports itself through a cycle.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/cli.js";

const SRC = join(REPO_ROOT, "src");

interface Edge {
  from: string;
  to: string;
  /** import("...") loads lazily; it does not make a cycle at load time. */
  dynamic: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

const files = sourceFiles(SRC).map((file) => relative(SRC, file));

/** Every import of every file: relative ones resolved to src/ paths, packages by name. */
const edges: Edge[] = files.flatMap((file) => {
  const text = readFileSync(join(SRC, file), "utf8");
  const found: Edge[] = [];
  const add = (specifier: string, dynamic: boolean) => {
    const to = specifier.startsWith(".") ? relative(SRC, resolve(dirname(join(SRC, file)), specifier.replace(/\.js$/, ".ts"))) : specifier;
    found.push({ from: file, to, dynamic });
  };
  for (const match of text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+"([^"]+)"/gms)) add(match[1]!, false);
  for (const match of text.matchAll(/^\s*import\s+"([^"]+)"/gm)) add(match[1]!, false);
  for (const match of text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g)) add(match[1]!, true);
  return found;
});

const under = (folder: string) => (path: string) => path.startsWith(`${folder}/`);

describe("the import graph of src/", () => {
  it("was read: every relative import names a file that exists", () => {
    expect(edges.length).toBeGreaterThan(200);
    const missing = edges.filter((e) => !e.to.startsWith("@") && !e.to.startsWith("node:") && /^[a-z-]+\//.test(e.to) && !files.includes(e.to));
    expect(missing).toEqual([]);
  });

  it("nothing outside src/cli imports src/cli", () => {
    const bad = edges.filter((e) => under("cli")(e.to) && !under("cli")(e.from)).map((e) => `${e.from} -> ${e.to}`);
    expect(bad).toEqual([]);
  });

  it.each(["pattern", "policy"])("src/%s imports only its own files (and Node's)", (engine) => {
    const bad = edges.filter((e) => under(engine)(e.from) && !under(engine)(e.to) && !e.to.startsWith("node:")).map((e) => `${e.from} -> ${e.to}`);
    expect(bad).toEqual([]);
  });

  it("src/input imports its own files, the event model and the JSON reader only", () => {
    const allowed = (to: string) => under("input")(to) || under("event")(to) || under("model")(to) || to === "pattern/json.ts" || to === "pattern/errors.ts";
    const bad = edges.filter((e) => under("input")(e.from) && !allowed(e.to)).map((e) => `${e.from} -> ${e.to}`);
    expect(bad).toEqual([]);
  });

  it("checks are pure: no AWS, no I/O, no clock modules, no command layer", () => {
    const bad = edges
      .filter((e) => under("checks")(e.from) && (e.to.startsWith("@aws-sdk/") || e.to.startsWith("node:") || under("aws")(e.to) || under("collect")(e.to) || under("host")(e.to)))
      .map((e) => `${e.from} -> ${e.to}`);
    expect(bad).toEqual([]);
  });

  it("only src/aws imports the AWS SDK clients (a narrow service per AWS service)", () => {
    const bad = edges.filter((e) => e.to.startsWith("@aws-sdk/client-") && !under("aws")(e.from)).map((e) => `${e.from} -> ${e.to}`);
    expect(bad).toEqual([]);
  });

  it("has no import cycles", () => {
    const graph = new Map<string, string[]>(files.map((f) => [f, []]));
    for (const edge of edges) if (!edge.dynamic && graph.has(edge.to)) graph.get(edge.from)!.push(edge.to);
    const cycles: string[][] = [];
    const state = new Map<string, "open" | "done">();
    const path: string[] = [];
    const visit = (node: string) => {
      state.set(node, "open");
      path.push(node);
      for (const next of graph.get(node)!) {
        if (state.get(next) === "open") cycles.push([...path.slice(path.indexOf(next)), next]);
        else if (!state.has(next)) visit(next);
      }
      path.pop();
      state.set(node, "done");
    };
    for (const file of files) if (!state.has(file)) visit(file);
    expect(cycles.map((cycle) => cycle.join(" -> "))).toEqual([]);
  });
});
