// The diagnosis `smoke` prints when a job is stuck.
export { diagnosePipeline } from "./run.js";
