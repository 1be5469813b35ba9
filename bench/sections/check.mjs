// Rounds of AWS calls for one rule, and `check --all` on 300 rules / 100 functions behind AWS's quotas (bench/check-rounds.ts,
// bundled here with esbuild so it can reuse the test helpers that start and seed moto).
import { build } from "esbuild";
import { fileURLToPath, pathToFileURL } from "node:url";

export async function run() {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const outfile = fileURLToPath(new URL("../../.bench/check-rounds.mjs", import.meta.url));
  await build({
    absWorkingDir: root,
    entryPoints: ["bench/check-rounds.ts"],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    logLevel: "warning",
  });
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const { run: runRounds } = await import(pathToFileURL(outfile).href);
  return runRounds();
}
