// Prints "N passed, N failed" from vitest's JSON report; fails when the report is missing
// or counts no test at all.
import { readFileSync } from "node:fs";

const file = process.argv[2] ?? ".ci/results.json";
let report;
try {
  report = JSON.parse(readFileSync(file, "utf8"));
} catch (error) {
  console.log("0 passed, 0 failed");
  console.error(`CI: no test report at ${file} (${error.message})`);
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
const failed = (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
console.log(`${passed} passed, ${failed} failed`);
if (passed === 0) {
  console.error("CI: no test ran");
  process.exit(1);
}
process.exit(failed > 0 || report.success === false ? 1 : 0);
