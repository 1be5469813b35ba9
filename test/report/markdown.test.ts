import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { renderReport, renderReportSet } from "../../src/report/index.js";
import { codeSpan, escapeMarkdown, tableCell } from "../../src/report/markdown.js";
import { BUS, FIX_COMMAND, RULE, diagnosis, diagnosisSet, healthyDiagnosis, incidentDiagnosis, pass } from "./fixtures.js";

const options = { chalk: new Chalk({ level: 2 }), columns: 80 };

function markdown(d = incidentDiagnosis(), extra: { command?: string } = {}): string {
  return renderReport("markdown", d, { ...options, ...extra });
}

function section(text: string, title: string): string {
  const start = text.indexOf(`\n## ${title}\n`);
  expect(start, `section ${title}`).toBeGreaterThan(-1);
  const end = text.indexOf("\n## ", start + 1);
  return text.slice(start, end === -1 ? undefined : end);
}

describe("markdown report", () => {
  it("is an incident write-up with the sections in order", () => {
    const text = markdown();
    expect(text.split("\n")[0]).toBe(`# EventBridge pipeline: rule \`${RULE}\` on bus \`${BUS}\` — broken`);
    const headings = text.split("\n").filter((line) => line.startsWith("## "));
    expect(headings).toEqual([
      "## Root cause and fix",
      "## What works",
      "## What is broken",
      "## Could not be checked",
      "## Evidence",
      "## Notes",
      "## Next steps",
    ]);
    expect(text).not.toContain("\u001b");
  });

  it("opens with one paragraph giving the verdict and the root cause", () => {
    const paragraph = markdown().split("\n\n")[2];
    expect(paragraph).toContain("do not get through");
    expect(paragraph).toContain("The root cause is `publisher.bus`: agent2-ingestor-upload-dev has no EVENT_BUS_NAME");
    expect(paragraph).toContain("11 of 15 checks passed, 1 warning, 1 failed, 1 could not be checked, 1 skipped.");
  });

  it("puts the fix's commands in a fenced sh block, intact", () => {
    const fix = section(markdown(), "Root cause and fix");
    expect(fix).toContain("PutEvents without EventBusName");
    expect(fix).toContain(
      ["", "```sh", FIX_COMMAND, "```", "", "and set it where the function is defined (SAM, CDK, Terraform), or the next deploy undoes it."].join("\n"),
    );
    // the prose before the commands is not code
    expect(fix).toMatch(/\nadd EVENT_BUS_NAME=agent2-ingestor-events-dev to agent2-ingestor-upload-dev's environment/);
  });

  it("lists what works, what is broken and what could not be checked", () => {
    const text = markdown();
    const works = section(text, "What works");
    expect(works.match(/^- ✅ /gm)).toHaveLength(11);
    expect(works).toContain("- ✅ `rule.state` — ENABLED");
    expect(works).toContain("- ✅ `target.exists` (`agent2-ingestor-api-dev`) — Active");
    const broken = section(text, "What is broken");
    expect(broken).toContain("- ❌ **`publisher.bus`** — ");
    expect(broken).toContain("*(root cause, fix above)*");
    expect(broken).toContain("- ⚠️ `metrics.matched` — ");
    const unchecked = section(text, "Could not be checked");
    expect(unchecked).toContain("- ❓ `target.permission` (`agent2-ingestor-api-dev`) — could not read the function's resource policy. Access denied: the caller may not call lambda:GetPolicy");
    expect(unchecked).toContain("- ⏭️ `target.dlq` (`agent2-ingestor-api-dev`) — skipped: no dead-letter queue configured.");
  });

  it("tabulates the evidence of every finding that did not pass", () => {
    const evidence = section(markdown(), "Evidence");
    expect(evidence).toContain("### ❌ `publisher.bus` (`agent2-ingestor-upload-dev`)\n\n| Fact | Value |\n|---|---|\n| publisher | `agent2-ingestor-upload-dev` |");
    expect(evidence).toContain("| value | `none` |");
    expect(evidence).toContain("| action | `lambda:GetPolicy` |");
    expect(evidence).toContain(`| dimensions | \`EventBusName=${BUS}, RuleName=${RULE}\` |`);
    expect(evidence).not.toContain("aws.access");
  });

  it("ends with numbered next steps: the fix, the missing access, a re-run and a probe", () => {
    const steps = section(markdown(), "Next steps");
    const numbered = steps.split("\n").filter((line) => /^\d+\. /.test(line));
    expect(numbered.map((line) => line.slice(0, 3))).toEqual(["1. ", "2. ", "3. ", "4. ", "5. "]);
    expect(numbered[0]).toContain("`publisher.bus`");
    expect(numbered[1]).toContain("`lambda:GetPolicy`");
    expect(steps).toContain("   ```sh\n   course-doctor iam-policy\n   ```");
    expect(steps).toContain(`   course-doctor check --bus ${BUS} --rule ${RULE} --region us-east-1\n`);
    expect(steps).toContain(`   course-doctor probe --bus ${BUS} --rule ${RULE} --region us-east-1\n`);
  });

  it("reuses the user's command line for the re-run, but not one that read a snapshot", () => {
    const own = section(markdown(incidentDiagnosis(), { command: "course-doctor check --env dev --publisher up --strict" }), "Next steps");
    expect(own).toContain("   course-doctor check --env dev --publisher up --strict\n");
    expect(own).toContain("   course-doctor probe --env dev --publisher up\n");
    const offline = section(markdown(incidentDiagnosis(), { command: "course-doctor check --from examples/incident.json" }), "Next steps");
    expect(offline).not.toContain("--from");
    expect(offline).toContain(`course-doctor check --bus ${BUS}`);
  });

  it("escapes whatever the pipeline's names and messages hold", () => {
    const d = diagnosis([
      pass("rule.state", "ENABLED"),
      {
        id: "event.matches",
        status: "fail",
        title: "no match: <script>alert(1)</script> *source* [x](http://evil) `detail-type`",
        evidence: { pattern: '{"source":["a|b"]}', tick: "x`y", pipe: "a|b" },
        fix: "use the source the app sends",
      },
    ]);
    const text = markdown(d);
    expect(text).not.toContain("<script>");
    expect(text).toContain("&lt;script&gt;");
    expect(text).toContain("\\*source\\*");
    expect(text).toContain("\\[x\\](http://evil)");
    expect(text).toContain("\\`detail-type\\`");
    const rows = text.split("\n").filter((line) => line.startsWith("| ") && !line.startsWith("| Fact"));
    for (const row of rows) expect(row.replace(/\\\|/g, "").split("|")).toHaveLength(4);
    expect(text).toContain("| tick | ``x`y`` |");
    expect(text).toContain("| pipe | `a\\|b` |");
  });

  it("escaping helpers", () => {
    expect(escapeMarkdown("EVENT_BUS_NAME _x_ a*b")).toBe("EVENT_BUS_NAME \\_x\\_ a\\*b");
    expect(codeSpan("plain")).toBe("`plain`");
    expect(codeSpan("a``b")).toBe("```a``b```");
    expect(codeSpan("`x")).toBe("`` `x ``");
    expect(tableCell("`a|b`")).toBe("`a\\|b`");
  });

  it("says a healthy pipeline is healthy, with no broken section", () => {
    const text = markdown(healthyDiagnosis());
    expect(text.split("\n")[0]).toMatch(/— healthy$/);
    expect(text).not.toContain("## What is broken");
    expect(text).not.toContain("## Root cause and fix");
    expect(text).toContain("Every check of rule");
    expect(section(text, "Next steps")).toContain("it should stay healthy");
  });

  it("writes check --all as a table of rules and a section per unhealthy rule", () => {
    const broken = incidentDiagnosis();
    broken.target = { ...broken.target, rule: "ingestor-retry-dev" };
    const text = renderReportSet("markdown", diagnosisSet([healthyDiagnosis(), broken]), { ...options, command: "course-doctor check --all --env dev" });
    expect(text.split("\n")[0]).toBe(`# EventBridge rules on bus \`${BUS}\` — 1 of 2 broken`);
    expect(text).toContain(`| \`${RULE}\` | ✅ healthy | — |`);
    expect(text).toMatch(/\| `ingestor-retry-dev` \| ❌ broken \| `publisher.bus`: /);
    expect(text).toContain("## Rule `ingestor-retry-dev` — broken");
    expect(text).toContain("### Root cause and fix");
    expect(text).not.toContain(`## Rule \`${RULE}\``);
    expect(text).toContain("   course-doctor check --rule ingestor-retry-dev --env dev\n");
  });
});
