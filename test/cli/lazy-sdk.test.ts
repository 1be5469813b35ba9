/**
 * route, tail and map check their input before they load the AWS SDK (the bundled CLI
 * requires it on first use only): bad input is answered without it, and --help too.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runBin } from "../helpers/cli.js";

const FORBID = fileURLToPath(new URL("../helpers/forbid-aws-sdk.cjs", import.meta.url));
const env = { AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "x", AWS_SECRET_ACCESS_KEY: "x", AWS_ENDPOINT_URL: "http://127.0.0.1:9" };

describe("no AWS SDK before it is needed", () => {
  it.each([
    ["route: EVENT not JSON", ["route", "--bus", "orders", "{nope"], /EVENT \(inline JSON\) is not valid JSON/],
    ["route: no EVENT", ["route", "--bus", "orders"], /missing required argument 'EVENT'/],
    ["tail: an invalid pattern", ["tail", "--bus", "orders", "--pattern", '{"source":"x"}'], /--pattern is not a valid event pattern/],
    ["tail: a bad --for", ["tail", "--for", "soon"], /--for: "soon" is not a duration/],
    ["map: a format it does not offer", ["map", "--format", "junit"], /--format junit is not available for this command/],
  ])("%s: exit 2, one line, no SDK", async (_name, argv, message) => {
    const result = await runBin(argv, { env, nodeArgs: ["--require", FORBID] });
    expect(result.stderr).not.toContain("AWS SDK LOADED");
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it("the guard works: good input does load the SDK (and is stopped there)", async () => {
    const result = await runBin(["route", "--bus", "orders", "{}"], { env, nodeArgs: ["--require", FORBID] });
    expect(result.code).toBe(99);
    expect(result.stderr).toContain("AWS SDK LOADED");
  });

  it.each([["route"], ["tail"], ["map"]])("%s --help: examples, exit 0, no SDK", async (command) => {
    const result = await runBin([command, "--help"], { env, nodeArgs: ["--require", FORBID] });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Examples:");
    expect(result.stdout).toContain(`course-doctor ${command}`);
  });
});
