import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { renderReport, renderReportSet } from "../../src/report/index.js";
import type { Finding } from "../../src/model/finding.js";
import { BUS, FIX_COMMAND, RULE, diagnosis, diagnosisSet, healthyDiagnosis, incidentDiagnosis, pass } from "./fixtures.js";

const plain = { chalk: new Chalk({ level: 0 }), columns: 100 };
const colored = { chalk: new Chalk({ level: 2 }), columns: 100 };
const ESC = "\u001b";
const FINDING_LINE = /^ {2}[✔⚠✖○?] [a-z]+\.[a-z]+ +\S/;

function pretty(d = incidentDiagnosis(), options: Parameters<typeof renderReport>[2] = plain): string {
  return renderReport("pretty", d, options);
}

describe("pretty report", () => {
  it("opens with the header naming region, account, bus and rule", () => {
    const first = pretty().split("\n")[0];
    expect(first).toBe(`course-doctor check  us-east-1 · 123456789012 · bus ${BUS} · rule ${RULE}`);
  });

  it("shows one line per finding, in order, with the ids in one aligned column", () => {
    const d = incidentDiagnosis();
    const lines = pretty(d).split("\n").filter((line) => FINDING_LINE.test(line));
    expect(lines).toHaveLength(d.findings.length);
    lines.forEach((line, index) => {
      expect(line.slice(4, 4 + d.findings[index].id.length)).toBe(d.findings[index].id);
      // the title always starts in the same column
      expect(line[21]).toBe(" ");
      expect(line[22]).not.toBe(" ");
      expect(line.slice(4, 21).trimEnd()).toBe(d.findings[index].id);
    });
    expect(lines[0]).toBe("  ✔ aws.access        credentials for arn:aws:sts::123456789012:assumed-role/dev/alice");
    expect(lines.find((line) => line.includes("publisher.bus"))).toMatch(/^ {2}✖ publisher\.bus {5}agent2-ingestor-upload-dev has no/);
    expect(lines.find((line) => line.includes("metrics.matched"))).toMatch(/^ {2}⚠ /);
    expect(lines.find((line) => line.includes("target.dlq"))).toMatch(/^ {2}○ /);
    expect(lines.find((line) => line.includes("target.permission"))).toMatch(/^ {2}\? target\.permission agent2-ingestor-api-dev: could not read/);
  });

  it("puts the evidence and detail under failing lines, and names the denied IAM action", () => {
    const text = pretty();
    expect(text).toMatch(/✖ publisher\.bus[^\n]*\n[^\n]*\n\s+PutEvents without EventBusName/);
    expect(text).toMatch(/\n {22}variable: +EVENT_BUS_NAME\n/);
    expect(text).toMatch(/\n {22}value: +none\n/);
    expect(text).toContain("lambda:GetPolicy");
    // passing lines carry no evidence
    expect(text).not.toMatch(/account: +123456789012/);
    // flat objects read as Name=value pairs, not JSON
    expect(text).toContain(`dimensions: EventBusName=${BUS}, RuleName=`);
  });

  it("ends with the summary, then the root cause and a paste-ready fix", () => {
    const lines = pretty().split("\n");
    const summary = lines.indexOf("11 passed · 1 warning · 1 failed · 1 could not run · 1 skipped");
    const root = lines.findIndex((line) => line.startsWith("Root cause  publisher.bus: "));
    const fix = lines.findIndex((line) => line.startsWith("Fix         add EVENT_BUS_NAME="));
    expect(summary).toBeGreaterThan(0);
    expect(root).toBeGreaterThan(summary);
    expect(fix).toBeGreaterThan(root);
    // everything after "Fix" is the fix, indented under the label
    for (const line of lines.slice(fix + 1)) expect(line).toMatch(/^ {12}/);
    // commands stay whole on their own line, however long, indented as the fix has them
    expect(lines).toContain(`              ${FIX_COMMAND}`);
    expect(lines.at(-1)).toMatch(/^ {12}(\S.* )?undoes it\.$/);
  });

  it("wraps prose to the terminal width but never breaks a command", () => {
    const lines = pretty(incidentDiagnosis(), { ...plain, columns: 60 }).split("\n");
    const long = lines.filter((line) => line.length > 60);
    // only the header (data), a whole ARN, a name in the evidence and the commands may run past the width
    for (const line of long) expect(line.trim()).toMatch(/^(course-doctor check {2}us-east-1|aws lambda|arn:|\w+: +\S+$)/);
    // the fix's prose wrapped under its label
    expect(lines).toContain("            agent2-ingestor-upload-dev's environment (keep");
    // a JSON-like value is cut to the width rather than overflowing it
    expect(lines.find((line) => line.includes("dimensions:"))).toMatch(/^.{59}…$/);
  });

  it("shows notes dimmed before the summary", () => {
    const text = pretty();
    expect(text).toMatch(/ {2}note {2}CloudWatch metrics lag[^\n]*\n\n11 passed/);
    expect(pretty(incidentDiagnosis(), colored)).toContain(new Chalk({ level: 2 }).dim("  note  CloudWatch metrics lag by up to a few minutes: a window younger than 5 minutes can read 0."));
  });

  it("writes no escape codes at color level 0, and colors by status at level 2", () => {
    expect(pretty()).not.toContain(ESC);
    expect(pretty(healthyDiagnosis())).not.toContain(ESC);
    const c = new Chalk({ level: 2 });
    const text = pretty(incidentDiagnosis(), colored);
    expect(text).toContain(c.red("✖"));
    expect(text).toContain(c.yellow("⚠"));
    expect(text).toContain(c.green("✔"));
    expect(text).toContain(c.magenta("?"));
    expect(text).toContain(c.red.bold("Root cause"));
    // the colors are the only difference
    expect(text.replace(/\u001b\[[0-9;]*m/g, "")).toBe(pretty());
  });

  it("strips escape sequences that arrive inside the data", () => {
    const d = diagnosis([
      { id: "logs.errors", status: "fail", title: "3 errors: \u001b[31mERROR\u001b[0m boom\u0007", evidence: { line: "\u001b]0;pwned\u0007x\u001b[2J" }, fix: "look\r\nhere" },
    ]);
    for (const options of [plain, colored]) {
      const text = pretty(d, options).replace(/\u001b\[[0-9;]*m/g, "");
      expect(text).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F]/);
      expect(text).toContain("3 errors: ERROR boom");
      expect(text).toContain("line: x");
    }
    expect(renderReport("markdown", d, plain)).not.toContain("\u001b");
  });

  it("says plainly when the pipeline is healthy", () => {
    const lines = pretty(healthyDiagnosis()).split("\n");
    expect(lines.at(-1)).toBe("Healthy: every check passed.");
    expect(lines.at(-3)).toBe("14 passed");
    expect(lines.join("\n")).not.toContain("Root cause");
  });

  it("does not call a pipeline healthy when warnings or unrun checks remain", () => {
    const warned = diagnosis([pass("rule.state", "ENABLED"), { id: "target.retry", status: "warn", title: "no dead-letter queue", evidence: { deadLetterConfig: null } }]);
    expect(pretty(warned).split("\n").at(-1)).toBe("No check failed; 1 warning is worth a look.");
    const denied = diagnosis([pass("rule.state", "ENABLED"), { id: "target.permission", status: "error", title: "could not read the policy", detail: "lambda:GetPolicy denied" }]);
    const last = pretty(denied).split("\n").at(-1);
    expect(last).toBe("No problem found in what could be checked. 1 check could not run, so this is not the whole picture.");
    expect(pretty(denied)).not.toContain("Healthy");
  });

  it("never calls a diagnosis without findings healthy", () => {
    const text = pretty(diagnosis([]));
    expect(text.split("\n").at(-1)).toBe("No check ran, so nothing is known about this pipeline.");
    expect(renderReport("markdown", diagnosis([]), plain)).toContain("ran, so nothing is known about it yet.");
  });

  it("shows the fix of a failure that is not the root cause under its own line", () => {
    const second: Finding = {
      id: "target.permission",
      status: "fail",
      subject: "agent2-ingestor-api-dev",
      title: "no statement lets events.amazonaws.com invoke it",
      fix: "aws lambda add-permission --function-name agent2-ingestor-api-dev --statement-id course-doctor --action lambda:InvokeFunction --principal events.amazonaws.com --source-arn arn:aws:events:us-east-1:123456789012:rule/agent2-ingestor-events-dev/agent2-ingestor-document-processing-dev",
    };
    const d = incidentDiagnosis();
    d.findings = d.findings.map((finding) => (finding.id === "target.permission" ? second : finding));
    const lines = pretty(d).split("\n");
    const fixLine = lines.findIndex((line) => line.startsWith(`${" ".repeat(22)}fix aws lambda add-permission`));
    expect(fixLine).toBeGreaterThan(lines.findIndex((line) => line.includes("✖ target.permission")));
    expect(lines[fixLine]).toContain("--source-arn arn:aws:events:us-east-1:123456789012:rule/agent2-ingestor-events-dev/agent2-ingestor-document-processing-dev");
    // the root cause's own fix is printed once, at the end
    expect(lines.filter((line) => line.includes("update-function-configuration --function-name"))).toHaveLength(1);
  });

  it("keeps evidence short: no JSON dumps, at most six facts", () => {
    const big: Record<string, unknown> = { policy: { Statement: Array.from({ length: 50 }, (_, i) => ({ Sid: `s${i}`, Effect: "Allow" })) } };
    for (let i = 0; i < 8; i += 1) big[`fact${i}`] = i;
    const d = diagnosis([{ id: "target.permission", status: "fail", title: "no statement matches", evidence: big }]);
    const lines = pretty(d).split("\n");
    const policy = lines.find((line) => line.includes("policy:"));
    expect(policy!.length).toBeLessThanOrEqual(100);
    expect(policy).toMatch(/…$/);
    expect(lines).toContain(`${" ".repeat(22)}(3 more in --format json)`);
  });

  it("names the command that produced the diagnosis", () => {
    expect(pretty(incidentDiagnosis(), { ...plain, command: "course-doctor probe --env dev" }).split("\n")[0]).toMatch(/^course-doctor probe {2}us-east-1/);
  });

  it("renders check --all as one line per rule, then the details of the rules that are not healthy", () => {
    const broken = incidentDiagnosis();
    broken.target = { ...broken.target, rule: "ingestor-retry-dev" };
    const text = renderReportSet("pretty", diagnosisSet([healthyDiagnosis(), broken]), plain);
    const lines = text.split("\n");
    expect(lines[0]).toBe(`course-doctor check --all  us-east-1 · 123456789012 · bus ${BUS} · 2 rules`);
    expect(lines[2]).toBe(`  ✔ ${RULE}  healthy (14 passed)`);
    expect(lines[3]).toMatch(/^ {2}✖ ingestor-retry-dev {23}publisher\.bus: agent2-ingestor-upload-dev has no EVENT_BUS_NAME/);
    expect(text).toContain("\nrule ingestor-retry-dev\n  ✖ publisher.bus");
    expect(text).not.toContain(`rule ${RULE}\n`);
    expect(text).toContain("Root cause  publisher.bus");
    expect(lines.at(-1)).toBe("2 rules: 1 healthy · 1 failing · 1 not fully checked");
    expect(text).not.toContain(ESC);
  });
});
