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
