import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { renderReport, renderReportSet } from "../../src/report/index.js";
import { escapeXml } from "../../src/report/junit.js";
import { diagnosis, diagnosisSet, healthyDiagnosis, incidentDiagnosis, INCIDENT_FIX, pass } from "./fixtures.js";

const options = { chalk: new Chalk({ level: 2 }), columns: 80 };

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(text: string): string {
  if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/i.test(text)) throw new Error(`bare & in ${JSON.stringify(text)}`);
  return text.replace(/&(#x?[0-9a-f]+|\w+);/gi, (_, entity: string) =>
    entity.startsWith("#") ? String.fromCodePoint(Number(entity.startsWith("#x") ? `0x${entity.slice(2)}` : entity.slice(1))) : ENTITIES[entity]!,
  );
}

/** A small strict XML reader: enough to prove the report well-formed and read it back. */
function parseXml(xml: string): XmlElement {
  if (/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.test(xml)) throw new Error("character illegal in XML 1.0");
  let rest = xml.replace(/^<\?xml[^?]*\?>\s*/, "");
  const root: XmlElement = { name: "#root", attributes: {}, children: [], text: "" };
  const stack = [root];
  while (rest.length > 0) {
    const lt = rest.indexOf("<");
    const text = lt === -1 ? rest : rest.slice(0, lt);
    if (text.includes(">")) throw new Error(`bare > in text ${JSON.stringify(text)}`);
    stack[stack.length - 1]!.text += decode(text);
    if (lt === -1) break;
    rest = rest.slice(lt);
    const close = /^<\/([\w.-]+)\s*>/.exec(rest);
    if (close) {
      const open = stack.pop()!;
      if (open.name !== close[1]) throw new Error(`</${close[1]}> closes <${open.name}>`);
      rest = rest.slice(close[0].length);
      continue;
    }
    const tag = /^<([\w.-]+)((?:\s+[\w.-]+="[^"<]*")*)\s*(\/?)>/.exec(rest);
    if (!tag) throw new Error(`bad markup at ${JSON.stringify(rest.slice(0, 60))}`);
    const element: XmlElement = { name: tag[1]!, attributes: {}, children: [], text: "" };
    for (const attr of tag[2]!.matchAll(/([\w.-]+)="([^"]*)"/g)) {
      if (attr[1]! in element.attributes) throw new Error(`duplicate attribute ${attr[1]}`);
      element.attributes[attr[1]!] = decode(attr[2]!);
    }
    stack[stack.length - 1]!.children.push(element);
    if (tag[3] !== "/") stack.push(element);
    rest = rest.slice(tag[0].length);
  }
  if (stack.length !== 1) throw new Error(`<${stack[stack.length - 1]!.name}> never closed`);
  if (root.children.length !== 1 || root.text.trim() !== "") throw new Error("not exactly one root element");
  return root.children[0]!;
}

function all(element: XmlElement, name: string): XmlElement[] {
  return element.children.flatMap((child) => [...(child.name === name ? [child] : []), ...all(child, name)]);
}

function junit(d = incidentDiagnosis(), strict = false): XmlElement {
  const text = renderReport("junit", d, { ...options, strict });
  expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  return parseXml(text);
}

describe("junit report", () => {
  it("(the test's XML reader rejects what a CI server would)", () => {
    expect(() => parseXml("<a><b></a></b>")).toThrow();
    expect(() => parseXml('<a x="1 & 2"/>')).toThrow();
    expect(() => parseXml("<a>1 < 2</a>")).toThrow();
    expect(() => parseXml("<a>\u001b</a>")).toThrow();
    expect(() => parseXml("<a>")).toThrow();
    expect(parseXml('<a x="&lt;"><b/>t&amp;t</a>')).toMatchObject({ attributes: { x: "<" }, text: "t&t" });
  });

  it("has one test case per finding, and suite counts that agree with them", () => {
    const doc = junit();
    expect(doc.name).toBe("testsuites");
    const [suite] = all(doc, "testsuite");
    expect(suite!.attributes).toMatchObject({ tests: "15", failures: "1", errors: "1", skipped: "1", time: "2.345" });
    expect(doc.attributes).toMatchObject({ tests: "15", failures: "1", errors: "1", skipped: "1" });
    const cases = all(doc, "testcase");
    expect(cases).toHaveLength(15);
    expect(all(doc, "failure")).toHaveLength(1);
    expect(all(doc, "error")).toHaveLength(1);
    expect(all(doc, "skipped")).toHaveLength(1);
    expect(cases[0]!.attributes.classname).toBe("course-doctor.check.agent2-ingestor-events-dev.agent2-ingestor-document-processing-dev");
    expect(cases.map((c) => c.attributes.name)).toContain("target.permission (agent2-ingestor-api-dev)");
  });

  it("gives a failure its title as the message and detail, evidence and fix in the body", () => {
    const failure = all(junit(), "failure")[0]!;
    expect(failure.attributes.message).toBe("agent2-ingestor-upload-dev has no EVENT_BUS_NAME: it publishes to the default bus");
    expect(failure.text).toContain("PutEvents without EventBusName");
    expect(failure.text).toContain("Evidence:\n  publisher: agent2-ingestor-upload-dev");
    // the command survives escaping byte for byte
    expect(failure.text).toContain(`Fix:\n${INCIDENT_FIX}`);
    const error = all(junit(), "error")[0]!;
    expect(error.text).toContain("lambda:GetPolicy");
  });

  it("passes a warning with its text in system-out, and fails it under strict", () => {
    const warnCase = all(junit(), "testcase").find((c) => c.attributes.name === "metrics.matched")!;
    expect(warnCase.children.map((c) => c.name)).toEqual(["system-out"]);
    expect(warnCase.children[0]!.text).toMatch(/^warning: 0 matched/);
    const strict = junit(incidentDiagnosis(), true);
    expect(all(strict, "testsuite")[0]!.attributes).toMatchObject({ failures: "2", errors: "1" });
    const strictCase = all(strict, "testcase").find((c) => c.attributes.name === "metrics.matched")!;
    expect(strictCase.children[0]).toMatchObject({ name: "failure", attributes: { type: "warning" } });
  });

  it("has no failures when the pipeline is healthy", () => {
    const doc = junit(healthyDiagnosis());
    expect(doc.attributes).toMatchObject({ tests: "14", failures: "0", errors: "0", skipped: "0" });
    expect(all(doc, "testcase").every((c) => c.children.length === 0)).toBe(true);
  });

  it("escapes hostile text and drops characters XML cannot hold", () => {
    const hostile = `a & b < c > d "e" 'f' ]]> \u001b[31mred\u001b[0m \u0000nul \uFFFE \uD800 ok 😀`;
    const d = diagnosis(
      [
        pass("rule.state", hostile, { subject: `x"><evil/>` }),
        { id: "event.matches", status: "fail", title: hostile, detail: `line1\nline2 ${hostile}`, evidence: { [hostile]: hostile }, fix: `aws events put-rule --name "<x>" && echo '&'` },
      ],
      { target: { region: "us-east-1", account: null, bus: "b&<\"'", rule: "r>" }, notes: [hostile] },
    );
    const text = renderReport("junit", d, options);
    expect(text).not.toMatch(/[\u0000\u001b\uFFFE]/);
    const doc = parseXml(text);
    const failure = all(doc, "failure")[0]!;
    const clean = `a & b < c > d "e" 'f' ]]> [31mred[0m nul   ok 😀`;
    expect(failure.attributes.message).toBe(clean);
    expect(failure.text).toContain(`line1\nline2 ${clean}`);
    expect(failure.text).toContain(`aws events put-rule --name "<x>" && echo '&'`);
    const cases = all(doc, "testcase");
    expect(cases[0]!.attributes.name).toBe(`rule.state (x"><evil/>)`);
    expect(cases[0]!.attributes.classname).toBe(`course-doctor.check.b&<"'.r>`);
    expect(all(doc, "evil")).toHaveLength(0);
    expect(escapeXml(`&<>"'`)).toBe("&amp;&lt;&gt;&quot;&apos;");
  });

  it("writes check --all as one test suite per rule with totals that add up", () => {
    const other = incidentDiagnosis();
    other.target = { ...other.target, rule: "ingestor-retry-dev" };
    const doc = parseXml(renderReportSet("junit", diagnosisSet([healthyDiagnosis(), other]), options));
    const suites = all(doc, "testsuite");
    expect(suites.map((s) => s.attributes.name)).toEqual([
      "course-doctor.check.agent2-ingestor-events-dev.agent2-ingestor-document-processing-dev",
      "course-doctor.check.agent2-ingestor-events-dev.ingestor-retry-dev",
    ]);
    expect(doc.attributes).toMatchObject({ tests: "29", failures: "1", errors: "1", skipped: "1", time: "4.100" });
    expect(all(doc, "testcase")).toHaveLength(29);
  });
});
