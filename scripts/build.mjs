// Builds dist/: one ES-module bundle per entry (the CLI and the library), with the
// commands that need the AWS SDK split into chunks that load only when those commands
// run. commander, chalk and valibot are bundled in; the AWS SDK stays an external
// dependency. Declarations for the library come from tsc, which also type-checks.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });

await build({
  absWorkingDir: root,
  entryPoints: { cli: "src/cli/main.ts", index: "src/index.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: ["@aws-sdk/*", "@smithy/*"],
  // Bundled CommonJS dependencies (commander) call require() for Node built-ins.
  banner: { js: 'import { createRequire as __cdRequire } from "node:module"; const require = __cdRequire(import.meta.url);' },
  define: { __COURSE_DOCTOR_VERSION__: JSON.stringify(pkg.version) },
  chunkNames: "chunks/[name]-[hash]",
  legalComments: "none",
  sourcemap: "linked",
  logLevel: "warning",
});

const tsc = spawnSync(process.execPath, [fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url)), "-p", "tsconfig.json"], {
  cwd: root,
  stdio: "inherit",
});
if (tsc.status !== 0) {
  console.error("build: type errors (see above)");
  process.exit(1);
}
