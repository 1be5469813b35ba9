/**
 * An AWS endpoint on loopback that misbehaves on purpose, per service: it never answers,
 * answers HTTP 500 with an AWS error, answers with an HTML page, or passes the request on
 * to moto. The service is read from the request's SigV4 credential scope
 * (".../us-east-1/events/aws4_request"), so one endpoint serves every client.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** What the endpoint does with one service's calls. */
export type Fault =
  | { kind: "hang" }
  | { kind: "aws-error"; status: number; code: string; message: string }
  | { kind: "html"; status: number }
  | { kind: "proxy"; to: string };

/** One call as the endpoint sees it. */
export interface SeenCall {
  service: string;
  /** X-Amz-Target (JSON protocols) or Action (query protocols). */
  target: string;
  method: string;
  path: string;
}

/** Which calls a fault applies to: a service name, or a test of the call. */
export type FaultMatch = string | ((call: SeenCall) => boolean);

export interface FaultServer {
  endpoint: string;
  /** The first rule whose match fits a call decides it; a call no rule fits hangs. */
  rules: Array<[FaultMatch, Fault]>;
  /** The calls seen, as "service:X-Amz-Target or Action". */
  calls: string[];
  close(): Promise<void>;
}

function serviceOf(request: IncomingMessage): string {
  const auth = String(request.headers.authorization ?? "");
  return /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth)?.[1] ?? "unknown";
}

export async function startFaultServer(rules: Array<[FaultMatch, Fault]>): Promise<FaultServer> {
  const sockets = new Set<Socket>();
  const calls: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const service = serviceOf(req);
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const target = String(req.headers["x-amz-target"] ?? "") || (/Action=([A-Za-z]+)/.exec(body.toString())?.[1] ?? "");
      calls.push(`${service}:${target}`);
      const call: SeenCall = { service, target, method: req.method ?? "GET", path: req.url ?? "/" };
      const rule = state.rules.find(([match]) => (typeof match === "string" ? match === "*" || match === service : match(call)));
      const fault: Fault = rule?.[1] ?? { kind: "hang" };
      switch (fault.kind) {
        case "hang":
          return; // never answer; the socket stays open
        case "aws-error":
          res.writeHead(fault.status, { "content-type": "application/x-amz-json-1.1", "x-amzn-errortype": fault.code });
          res.end(JSON.stringify({ __type: fault.code, message: fault.message }));
          return;
        case "html":
          res.writeHead(fault.status, { "content-type": "text/html" });
          res.end("<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>");
          return;
        case "proxy": {
          const url = new URL(fault.to);
          const forward = httpRequest({ host: url.hostname, port: url.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
            res.writeHead(answer.statusCode ?? 500, answer.headers);
            answer.pipe(res);
          });
          forward.on("error", () => res.destroy());
          forward.end(body);
        }
      }
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const state: FaultServer = {
    endpoint: `http://127.0.0.1:${port}`,
    rules,
    calls,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return state;
}
