// Runs the benchmark sections (bench/sections/*.mjs, in name order) and prints their
// report lines. `node bench/run.mjs pattern` runs only the sections whose name starts
// with "pattern". `npm run bench` builds first: the sections measure the built dist/.
import { readdirSync } from "node:fs";
import { pathToFileURL, fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL("./sections/", import.meta.url));
const only = process.argv.slice(2);
const sections = readdirSync(dir)
  .filter((f) => f.endsWith(".mjs"))
  .sort()
  .filter((f) => only.length === 0 || only.some((name) => f.startsWith(name)));
if (sections.length === 0) {
  console.error(`no benchmark section matches ${only.join(", ")} (have: ${readdirSync(dir).join(", ")})`);
  process.exitCode = 2;
}
console.log(`course-doctor benchmarks · node ${process.version} · ${new Date().toISOString()}`);
for (const file of sections) {
  const name = file.replace(/\.mjs$/, "");
  console.log(`\n## ${name}`);
  const started = Date.now();
  try {
    const { run } = await import(pathToFileURL(dir + file).href);
    for (const line of await run()) console.log(line);
    console.log(`(${name}: ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    console.log(`${name} failed: ${error instanceof Error ? error.stack : error}`);
    process.exitCode = 1;
  }
}
