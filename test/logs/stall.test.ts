/**
 * A follow must survive a connection that stops answering: the stalled poll fails after
 * its own limit and the next one reads on. Against a local HTTP server that holds the
 * first FilterLogEvents request open (neither moto nor a mocked client can stall).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, it } from "vitest";
import { Aws } from "../../src/aws/clients.js";
import { tailLogGroup, type TailEvent } from "../../src/logs/tail.js";

const servers: Array<{ close(): void; closeAllConnections(): void }> = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

it("a poll that gets no answer fails after its limit, is reported, and the next poll reads on", async () => {
  let calls = 0;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    request.on("end", () => {
      calls += 1;
      if (calls === 2) return; // the first poll after the initial read: never answered
      const events = calls >= 3 ? [{ eventId: "e1", timestamp: Date.now(), logStreamName: "s1", message: "after the stall" }] : [];
      response.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
      response.end(JSON.stringify({ events }));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const aws = new Aws({ region: "us-east-1", endpointUrl: endpoint, timeoutMs: 60_000, env: { AWS_ACCESS_KEY_ID: "k", AWS_SECRET_ACCESS_KEY: "s" }, maxAttempts: 1 });
  const stop = new AbortController();
  const seen: TailEvent[] = [];
  const warnings: string[] = [];
  try {
    const result = await tailLogGroup(aws, "/aws/lambda/fn", {
      startTime: Date.now() - 60_000,
      follow: true,
      signal: stop.signal,
      pollMs: 20,
      callTimeoutMs: 300,
      onEvent: (event) => {
        seen.push(event);
        stop.abort();
      },
      onWarning: (text) => warnings.push(text),
    });
    expect(result.interrupted).toBe(true);
  } finally {
    aws.destroy();
  }
  expect(seen.map((event) => event.message)).toEqual(["after the stall"]);
  expect(warnings).toEqual(["reading /aws/lambda/fn failed, retrying: no answer within 300ms"]);
}, 20_000);
