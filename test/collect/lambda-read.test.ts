/**
 * A Lambda target is read with one GetFunction (its configuration and reserved
 * concurrency), in GetFunction's own quota, instead of GetFunctionConfiguration and
 * GetFunctionConcurrency in the control plane's shared one. Against moto 5.2, which returns
 * Configuration and Concurrency the way AWS does except that it leaves out a reserved
 * concurrency of 0; that answer, and a qualified answer without Concurrency, come through
 * aws-sdk-client-mock.
 */
import { GetFunctionCommand, GetFunctionConcurrencyCommand, GetFunctionConfigurationCommand, GetFunctionEventInvokeConfigCommand, GetPolicyCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it } from "vitest";
import { Aws } from "../../src/aws/clients.js";
import { runChecks } from "../../src/checks/index.js";
import { AccountSession, collectAllRules } from "../../src/collect/account.js";
import { CollectSession } from "../../src/collect/readers.js";
import { collectSnapshot, type CollectRequest } from "../../src/collect/snapshot.js";
import { MOTO_ACCOUNT, MOTO_REGION, motoCredentials, motoEnv, type Moto } from "../helpers/moto.js";
import { useMoto } from "../helpers/use-moto.js";
import { PUBLISHER_SECRET, type IngestorNames, type Seeder } from "../helpers/seed.js";

let moto: Moto;
let seed: Seeder;
useMoto((world) => ({ moto, seed } = world));

/** The ingestor's rule, collected for the last hour. */
function pipeline(names: IngestorNames, publisher: string | null): CollectRequest {
  return { bus: names.bus, rule: names.rule, function: null, publisher, busEnvVar: "EVENT_BUS_NAME", event: null, sinceMs: 3_600_000, peekDlq: false };
}

function motoAws(clients: Partial<Record<"lambda", unknown>> = {}): Aws {
  return new Aws({ region: MOTO_REGION, endpointUrl: moto.endpoint, timeoutMs: 20_000, env: motoEnv(moto), maxAttempts: 1, clients });
}

describe("a Lambda target read with GetFunction", () => {
  it("moto: configuration, reserved concurrency and a missing function, each from one GetFunction", async () => {
    const worker = await seed.fn("worker", { TABLE: "jobs" });
    await seed.fn("plain");
    await seed.concurrency("worker", 5);
    const aws = motoAws();
    try {
      const session = new CollectSession(aws, { tool: "test" });
      const read = await session.lambdaFunction("worker", undefined);
      expect(read.configuration).toMatchObject({ ok: true, value: { arn: worker, state: "Active", runtime: "python3.12", version: "$LATEST", deadLetterTargetArn: null } });
      expect(read.configuration.ok && read.configuration.value.executionRoleArn).toMatch(/^arn:aws:iam::123456789012:role\//);
      expect(read.concurrency).toEqual({ ok: true, value: { reserved: 5 } });
      expect((await session.lambdaFunction("plain", undefined)).concurrency).toEqual({ ok: true, value: { reserved: null } });
      const missing = await session.lambdaFunction("gone", undefined);
      expect(missing.configuration).toMatchObject({ ok: false, reason: "not-found", action: "lambda:GetFunction" });
      expect(missing.concurrency).toMatchObject({ ok: false, reason: "not-found" });
      expect([...aws.actionsUsed].sort()).toEqual(["lambda:GetFunction"]);
    } finally {
      aws.destroy();
    }
  });

  it("moto: an alias target is read with its qualifier; the publisher's environment comes from the same kind of read, redacted", async () => {
    const names = await seed.ingestor();
    const alias = await seed.alias(names.fn, "live");
    await seed.target(names.rule, names.bus, alias, { Id: "target-1" });
    const aws = motoAws();
    try {
      const snapshot = await collectSnapshot(new CollectSession(aws, { tool: "test" }), pipeline(names, names.publisher));
      const state = snapshot.lambdaTargets["target-1"]!;
      expect(state.qualifier).toBe("live");
      expect(state.configuration).toMatchObject({ ok: true, value: { arn: expect.stringMatching(new RegExp(`^arn:aws:lambda:${MOTO_REGION}:${MOTO_ACCOUNT}:function:${names.fn}:`)) } });
      expect(state.concurrency).toEqual({ ok: true, value: { reserved: null } });
      expect(snapshot.publisher?.environment).toEqual({ ok: true, value: { busValue: names.bus, variables: { EVENT_BUS_NAME: names.bus, API_TOKEN: "<redacted>" } } });
      expect(JSON.stringify(snapshot)).not.toContain(PUBLISHER_SECRET);
      expect([...aws.actionsUsed].filter((a) => a.startsWith("lambda:")).sort()).toEqual(["lambda:GetFunction", "lambda:GetFunctionEventInvokeConfig", "lambda:GetPolicy"]);
    } finally {
      aws.destroy();
    }
  });

  it("a target throttled to zero (GetFunction's Concurrency 0, as AWS answers) fails target.exists, with no GetFunctionConcurrency call", async () => {
    const names = await seed.ingestor();
    const real = new LambdaClient({ region: MOTO_REGION, endpoint: moto.endpoint, credentials: motoCredentials });
    const lambda = new LambdaClient({ region: MOTO_REGION, endpoint: moto.endpoint, credentials: motoCredentials });
    const mock = mockClient(lambda);
    mock.on(GetPolicyCommand).callsFake((input) => real.send(new GetPolicyCommand(input)));
    mock.on(GetFunctionEventInvokeConfigCommand).callsFake((input) => real.send(new GetFunctionEventInvokeConfigCommand(input)));
    mock.on(GetFunctionCommand).callsFake(async (input) => ({ ...(await real.send(new GetFunctionCommand(input))), Concurrency: { ReservedConcurrentExecutions: 0 } }));
    mock.on(GetFunctionConfigurationCommand).rejects(new Error("not called"));
    mock.on(GetFunctionConcurrencyCommand).rejects(new Error("not called"));
    const aws = motoAws({ lambda });
    try {
      const snapshot = await collectSnapshot(new CollectSession(aws, { tool: "test" }), pipeline(names, null));
      const exists = runChecks(snapshot).find((f) => f.id === "target.exists")!;
      expect(exists.status).toBe("fail");
      expect(`${exists.title} ${exists.detail ?? ""}`).toMatch(/concurrency/i);
      expect(mock.commandCalls(GetFunctionConcurrencyCommand)).toHaveLength(0);
      expect(mock.commandCalls(GetFunctionConfigurationCommand)).toHaveLength(0);
    } finally {
      aws.destroy();
      mock.restore();
    }
  });

  it("a function that logs to its own log group (LoggingConfig): its errors are read there, alone and with --all", async () => {
    const names = await seed.ingestor();
    await seed.logLines("/custom/ingestor-api", ["[ERROR] job 17 failed"]);
    const real = new LambdaClient({ region: MOTO_REGION, endpoint: moto.endpoint, credentials: motoCredentials });
    const lambda = new LambdaClient({ region: MOTO_REGION, endpoint: moto.endpoint, credentials: motoCredentials });
    const mock = mockClient(lambda);
    mock.on(GetPolicyCommand).callsFake((input) => real.send(new GetPolicyCommand(input)));
    mock.on(GetFunctionEventInvokeConfigCommand).callsFake((input) => real.send(new GetFunctionEventInvokeConfigCommand(input)));
    // moto 5.2 does not keep LoggingConfig; AWS returns it in Configuration.
    mock.on(GetFunctionCommand).callsFake(async (input) => {
      const out = await real.send(new GetFunctionCommand(input));
      return input.FunctionName === names.fn ? { ...out, Configuration: { ...out.Configuration, LoggingConfig: { LogFormat: "Text", LogGroup: "/custom/ingestor-api" } } } : out;
    });
    const aws = motoAws({ lambda });
    try {
      const { rule: _rule, ...bus } = pipeline(names, null);
      const alone = await collectSnapshot(new CollectSession(aws, { tool: "test" }), pipeline(names, null));
      const all = await collectAllRules(new AccountSession(aws, { tool: "test" }, { sinceMs: 3_600_000 }), bus);
      for (const snapshot of [alone, all.ok ? all.value[0]! : undefined]) {
        expect(snapshot?.lambdaTargets["target-1"]?.logs).toMatchObject({ ok: true, value: { group: "/custom/ingestor-api", groupExists: true, errorLines: [{ message: "[ERROR] job 17 failed" }] } });
        expect(runChecks(snapshot!).find((f) => f.id === "logs.errors")?.status).toBe("fail");
      }
    } finally {
      aws.destroy();
      mock.restore();
    }
  });

  it("a qualified answer without Concurrency: the function's own GetFunction says what is reserved", async () => {
    const lambda = new LambdaClient({ region: MOTO_REGION, credentials: motoCredentials });
    const mock = mockClient(lambda);
    mock
      .on(GetFunctionCommand, { FunctionName: "worker", Qualifier: "live" })
      .resolves({ Configuration: { FunctionArn: `arn:aws:lambda:${MOTO_REGION}:${MOTO_ACCOUNT}:function:worker:live`, Version: "3" } })
      .on(GetFunctionCommand, { FunctionName: "worker", Qualifier: undefined })
      .resolves({ Configuration: { FunctionArn: `arn:aws:lambda:${MOTO_REGION}:${MOTO_ACCOUNT}:function:worker` }, Concurrency: { ReservedConcurrentExecutions: 2 } });
    const aws = new Aws({ region: MOTO_REGION, timeoutMs: 10_000, env: {}, maxAttempts: 1, clients: { lambda } });
    try {
      const read = await new CollectSession(aws, { tool: "test" }).lambdaFunction("worker", "live");
      expect(read.configuration).toMatchObject({ ok: true, value: { arn: `arn:aws:lambda:${MOTO_REGION}:${MOTO_ACCOUNT}:function:worker:live`, version: "3" } });
      expect(read.concurrency).toEqual({ ok: true, value: { reserved: 2 } });
      expect(mock.commandCalls(GetFunctionCommand).map((call) => call.args[0].input.Qualifier)).toEqual(["live", undefined]);
    } finally {
      aws.destroy();
      mock.restore();
    }
  });
});
