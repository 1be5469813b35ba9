import { describe, expect, it } from "vitest";
import { commandLine, shellWord } from "../../src/util/shell.js";

describe("command lines printed back to the user", () => {
  it("quotes what the shell would split or expand", () => {
    expect(shellWord("orders-bus")).toBe("orders-bus");
    expect(shellWord("Document Processing Required")).toBe("'Document Processing Required'");
    expect(shellWord("it's")).toBe(`'it'\\''s'`);
  });

  it("masks a token given as a separate word or with =", () => {
    const line = commandLine(["smoke", "--token", "s3cr3t-value", "--api-url=https://x", "--token=other-secret"]);
    expect(line).toBe("course-doctor smoke --token *** --api-url=https://x --token=***");
    expect(line).not.toMatch(/s3cr3t|other-secret/);
  });
});

describe("help descriptions", () => {
  it("join a paragraph's source lines so the terminal wrap leaves no stubs, and keep lists", async () => {
    const { reflow } = await import("../../src/cli/program.js");
    expect(reflow("Send one event\nto the bus.\n\nExit codes: 0 ok;\n2 bad input.\n  - a list item\n- another")).toBe(
      "Send one event to the bus.\n\nExit codes: 0 ok; 2 bad input.\n  - a list item\n- another",
    );
  });
});
