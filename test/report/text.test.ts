import { describe, expect, it } from "vitest";
import { followUpCommands, formatEvidenceValue, splitFix, worstStatus, wrapText } from "../../src/report/text.js";
import { incidentDiagnosis } from "./fixtures.js";

describe("fix layout", () => {
  it.each([
    ["plain prose", "raise --timeout", [{ kind: "prose", lines: ["raise --timeout"] }]],
    ["a lone command", "aws events enable-rule --name r", [{ kind: "command", lines: ["aws events enable-rule --name r"] }]],
    [
      "prose, an indented command, prose",
      "add X to f:\n  aws lambda update-function-configuration --function-name f\nand set it in SAM too.",
      [
        { kind: "prose", lines: ["add X to f:"] },
        { kind: "command", lines: ["  aws lambda update-function-configuration --function-name f"] },
        { kind: "prose", lines: ["and set it in SAM too."] },
      ],
    ],
    [
      "a command continued with backslashes",
      "aws lambda add-permission \\\n--function-name f \\\n--principal events.amazonaws.com",
      [{ kind: "command", lines: ["aws lambda add-permission \\", "--function-name f \\", "--principal events.amazonaws.com"] }],
    ],
    [
      "a command at the end of a prose line",
      "List the buses: aws events list-event-buses --region us-east-1",
      [
        { kind: "prose", lines: ["List the buses:"] },
        { kind: "command", lines: ["  aws events list-event-buses --region us-east-1"] },
      ],
    ],
    ["a colon followed by words, not a command", "access denied: add lambda:GetPolicy to your policy", [{ kind: "prose", lines: ["access denied: add lambda:GetPolicy to your policy"] }]],
  ])("%s", (_name, fix, expected) => {
    expect(splitFix(fix)).toEqual(expected);
  });
});

describe("text helpers", () => {
  it("wraps on spaces and keeps an over-long word whole", () => {
    expect(wrapText("one two three four", 9)).toEqual(["one two", "three", "four"]);
    expect(wrapText("see arn:aws:events:us-east-1:1:rule/b/r now", 10)).toEqual(["see", "arn:aws:events:us-east-1:1:rule/b/r", "now"]);
    expect(wrapText("a\n\nb", 10)).toEqual(["a", "", "b"]);
  });

  it("takes the worst verdict of a set of rules", () => {
    expect(worstStatus([])).toBe("pass");
    expect(worstStatus(["pass", "warn", "pass"])).toBe("warn");
    expect(worstStatus(["warn", "fail", "pass"])).toBe("fail");
  });

  it("shows evidence values briefly", () => {
    expect(formatEvidenceValue(null, 50)).toBe("none");
    expect(formatEvidenceValue(["a", "b"], 50)).toBe("a, b");
    expect(formatEvidenceValue({ A: 1, B: "x" }, 50)).toBe("A=1, B=x");
    expect(formatEvidenceValue({ deep: { x: 1 } }, 50)).toBe('{"deep":{"x":1}}');
    expect(formatEvidenceValue("x".repeat(20), 10)).toBe(`${"x".repeat(9)}…`);
  });

  it("builds the follow-up commands from the target, quoting only what needs it", () => {
    const d = incidentDiagnosis();
    expect(followUpCommands(d, undefined).probe).toBe(
      "course-doctor probe --bus agent2-ingestor-events-dev --rule agent2-ingestor-document-processing-dev --region us-east-1",
    );
    d.target = { ...d.target, bus: "my bus's", region: null };
    expect(followUpCommands(d, undefined).check).toBe(`course-doctor check --bus 'my bus'\\''s' --rule agent2-ingestor-document-processing-dev`);
    expect(followUpCommands(d, "npx course-doctor check --env dev").probe).toBe("npx course-doctor probe --env dev");
    expect(followUpCommands(d, "course-doctor check --env dev --format json --save-snapshot s.json")).toEqual({
      check: "course-doctor check --env dev",
      probe: "course-doctor probe --env dev",
    });
  });
});
