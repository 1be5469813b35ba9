import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One answer of the fake API. */
export type Step =
  | { json: unknown; status?: number; headers?: Record<string, string> }
  | { html: string; status?: number }
  | { status: number; headers?: Record<string, string> }
  /** Reads the request, then closes the connection without answering. */
  | { drop: true };

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: string;
  at: number;
}

export interface FakeApi {
  /** Base URL including the "/dev" stage, as API Gateway serves it. */
  url: string;
  requests: RecordedRequest[];
  /** Called when a status request arrives, before it is answered (n counts from 1 per job). */
  onStatus: ((id: string, n: number) => void) | undefined;
  count(method: string, pathStart: string): number;
  close(): Promise<void>;
}

export interface FakeApiOptions {
  /** When set, requests must carry `Authorization: Bearer <token>`. */
  token?: string;
}

const processing = (phase: string, progress: number) => ({ json: { course_id: "?", status: "processing", phase, progress } });

/**
 * The status answers of each scenario, chosen by the submitted query (course API) or the
 * body's "scenario" field (ingestor). The last answer repeats forever.
 */
export function scenarioSteps(scenario: string, id: string, finalId: string): Step[] {
  const withId = (steps: Step[]) => steps.map((step) => ("json" in step && typeof step.json === "object" && step.json !== null && "course_id" in step.json ? { ...step, json: { ...step.json, course_id: id } } : step));
  switch (scenario) {
    case "fail":
      return withId([processing("searching_books", 10), { json: { course_id: id, status: "failed", phase: "generating_outline", error: "the model timed out" } }]);
    case "never":
      return withId([processing("searching_books", 0)]);
    case "slow-start":
      return withId([
        processing("searching_books", 0),
        processing("searching_books", 0),
        processing("searching_books", 0),
        processing("searching_books", 0),
        processing("searching_books", 0),
        processing("searching_books", 0),
        processing("writing_chapters", 50),
        { json: { course_id: id, status: "completed", phase: "done", progress: 100, final_course_id: finalId } },
      ]);
    case "flaky":
      return withId([
        { status: 429, headers: { "retry-after": "1" } },
        { json: { message: "Service Unavailable" }, status: 503 },
        { json: { message: "Service Unavailable" }, status: 503 },
        { html: "<html><head><title>502 Bad Gateway</title></head><body>cloudfront</body></html>", status: 200 },
        processing("writing_chapters", 50),
        { json: { course_id: id, status: "completed", phase: "done", progress: 100, final_course_id: finalId } },
      ]);
    case "malformed":
      return [{ json: { course_id: id, state: "processing" } }];
    default:
      return withId([
        processing("searching_books", 10),
        processing("writing_chapters", 50),
        processing("writing_chapters", 50),
        processing("reviewing", 90),
        { json: { course_id: id, status: "completed", phase: "done", progress: 100, final_course_id: finalId } },
      ]);
  }
}

/**
 * A local stand-in for the course API and the document ingestor, on a free port:
 * POST /dev/courses, GET /dev/course-status/{id}, GET /dev/course?courseId=...,
 * POST /dev/upload/process-s3-files, GET /dev/jobs/{id}. Queries with a special meaning:
 * "submit-500" (the submit fails), "submit-drop" (the connection closes after the submit
 * is read), "submit-429" (throttled once, then accepted), "submit-html" (a 200 HTML page).
 */
export async function startFakeApi(options: FakeApiOptions = {}): Promise<FakeApi> {
  const jobs = new Map<string, { steps: Step[]; served: number }>();
  const courses = new Map<string, unknown>();
  const requests: RecordedRequest[] = [];
  let counter = 0;
  let throttledOnce = false;

  const api: FakeApi = {
    url: "",
    requests,
    onStatus: undefined,
    count: (method, pathStart) => requests.filter((request) => request.method === method && request.path.startsWith(pathStart)).length,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    const url = new URL(request.url ?? "/", "http://fake");
    requests.push({ method: request.method ?? "", path: url.pathname + url.search, authorization: request.headers.authorization, body, at: Date.now() });
    const path = url.pathname.replace(/^\/dev/, "");

    if (options.token !== undefined) {
      const auth = request.headers.authorization;
      if (auth === undefined) return send(response, { status: 401, json: { message: "Unauthorized" } });
      // Echoes what it got, as some real APIs do: the client must keep it out of its output.
      if (auth !== `Bearer ${options.token}`) return send(response, { status: 403, json: { message: `token ${auth.replace(/^Bearer /, "")} is not valid` } });
    }

    if (request.method === "POST" && path === "/courses") {
      const parsed = safeJson(body) as { query?: string } | undefined;
      const query = parsed?.query ?? "";
      if (query === "submit-500") return send(response, { status: 500, json: { message: "Internal server error" } });
      if (query === "submit-drop") return send(response, { drop: true });
      if (query === "submit-html") return send(response, { status: 200, html: "<html><title>Gateway</title></html>" });
      if (query === "submit-429" && !throttledOnce) {
        throttledOnce = true;
        return send(response, { status: 429, headers: { "retry-after": "0" }, json: { message: "Too Many Requests" } });
      }
      const id = `c-${++counter}`;
      const finalId = `course-final-${counter}`;
      jobs.set(id, { steps: scenarioSteps(query, id, finalId), served: 0 });
      courses.set(finalId, { course_id: finalId, title: `A course about ${query}`, modules: [{ title: "Basics", hours: 1 }] });
      return send(response, { status: 202, json: { course_id: id, status: "processing", message: "Course generation started" } });
    }
    if (request.method === "POST" && path === "/upload/process-s3-files") {
      const parsed = safeJson(body) as { scenario?: string } | undefined;
      const id = `j-${++counter}`;
      const steps: Step[] =
        parsed?.scenario === "never"
          ? [{ json: { job_id: id, status: "queued" } }]
          : [{ json: { job_id: id, status: "queued" } }, { json: { job_id: id, status: "processing" } }, { json: { job_id: id, status: "completed", files_processed: 1 } }];
      jobs.set(id, { steps, served: 0 });
      return send(response, { status: 202, json: { job_id: id, status: "queued", files_count: 1, message: "Job created and queued for processing." } });
    }
    const statusMatch = /^\/(?:course-status|jobs)\/([^/]+)$/.exec(path);
    if (request.method === "GET" && statusMatch) {
      const id = decodeURIComponent(statusMatch[1]!);
      const job = jobs.get(id);
      if (!job) return send(response, { status: 404, json: { message: "Course not found" } });
      job.served++;
      api.onStatus?.(id, job.served);
      return send(response, job.steps[Math.min(job.served - 1, job.steps.length - 1)]!);
    }
    if (request.method === "GET" && path === "/course") {
      const course = courses.get(url.searchParams.get("courseId") ?? "");
      return send(response, course ? { json: course } : { status: 404, json: { message: "Course not found" } });
    }
    return send(response, { status: 404, json: { message: `no route ${request.method} ${path}` } });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dev`;
  return api;
}

function send(response: ServerResponse, step: Step): void {
  if ("drop" in step) {
    response.socket?.destroy();
    return;
  }
  const status = step.status ?? 200;
  const headers = "headers" in step ? (step.headers ?? {}) : {};
  if ("html" in step) {
    response.writeHead(status, { "content-type": "text/html", ...headers }).end(step.html);
  } else if ("json" in step) {
    response.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(step.json));
  } else {
    response.writeHead(status, { "content-type": "text/plain", ...headers }).end(`HTTP ${status}`);
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    request.on("data", (chunk: Buffer) => (text += chunk.toString()));
    request.on("end", () => resolve(text));
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
