import { apiUrl, type JobApi } from "./api.js";
import { JobApiError, type JobHttp } from "./http.js";
import { readJobStatus, readSubmitAnswer, type JobStatus } from "./status.js";

/** The operations on one job API: submit a job, read its status, read its result. */
export interface JobClient {
  readonly api: JobApi;
  /** True once the API answered anything (it is reachable). */
  readonly reachable: boolean;
  submit(body: Record<string, unknown>): Promise<JobStatus>;
  /** One status reading; transient failures are retried, never past `deadline` (timer time). */
  status(id: string, deadline?: number): Promise<JobStatus>;
  /** The finished result, read with the status answer's result id (or the job id). */
  result(status: JobStatus): Promise<unknown>;
  statusUrl(id: string): URL;
  /** Removes the token from text bound for the user. */
  redact(text: string): string;
}

/** A JobClient over HTTP. */
export function createJobClient(api: JobApi, http: JobHttp): JobClient {
  return {
    api,
    get reachable() {
      return http.answered;
    },
    async submit(body) {
      const answer = await http.send(api.submit.method, apiUrl(api, api.submit.path), body);
      return readSubmitAnswer(api, answer.body);
    },
    async status(id, deadline) {
      const url = apiUrl(api, api.statusPath, id);
      try {
        const answer = await http.read(url, `the status of job ${id}`, deadline);
        return readJobStatus(api, id, answer.body);
      } catch (error) {
        if (error instanceof JobApiError && error.kind === "not-found") {
          throw new JobApiError("not-found", `unknown job id "${id}" (${error.message})`, {
            status: 404,
            hint: "check the id, and that --api-url points at the API (and stage) that created it",
          });
        }
        throw error;
      }
    },
    async result(status) {
      if (api.resultPath === null) return status.response;
      const resultId = status.resultId ?? status.id;
      const url = apiUrl(api, api.resultPath, resultId);
      const label = resultId === status.id ? `the result of job ${status.id}` : `the result of job ${status.id} (${resultId})`;
      try {
        return (await http.read(url, label)).body;
      } catch (error) {
        if (error instanceof JobApiError && error.kind === "not-found") {
          throw new JobApiError("not-found", `${label} was not found (${error.message})`, { status: 404 });
        }
        throw error;
      }
    },
    statusUrl: (id) => apiUrl(api, api.statusPath, id),
    redact: (text) => http.redact(text),
  };
}
