// Builds dist/:
// - dist/cli.cjs: the whole CLI as one CommonJS script (commander, chalk and valibot
//   bundled in; the AWS SDK stays an external dependency that loads only when a command
//   talks to AWS, and so does the YAML parser, which loads only for `check --template`). bin/course-doctor.js compiles it with a V8 code cache,
//   dist/cli.cjs.cache, written here after running the start-up commands once, so
//   `--help` and `pattern test` start close to a bare `node`.
// - dist/pattern.cjs: the same CLI with only the pattern commands, which the bin runs when
//   `pattern` is the only command named (with its own code cache).
// - dist/help.txt: the top-level help, printed by the bin without loading the CLI.
// - dist/index.js: the library (the pattern engine and friends) as an ES module.
// - dist/types/: declarations from tsc, which also type-checks.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const define = { __COURSE_DOCTOR_VERSION__: JSON.stringify(pkg.version), __COURSE_DOCTOR_ONLY__: JSON.stringify("") };

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });

/**
 * commander requires node:child_process at load time for executable subcommands, which
 * course-doctor does not use; loading it (and node:net behind it) is a tenth of the
 * start-up. Commander gets a stand-in that loads the real module on first use.
 */
const lazyChildProcess = {
  name: "lazy-child-process",
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes(`${"node_modules"}/commander/`) ? { path: "lazy-child-process", namespace: "course-doctor" } : undefined,
    );
    b.onLoad({ filter: /^lazy-child-process$/, namespace: "course-doctor" }, () => ({
      contents: 'let real; module.exports = new Proxy({}, { get: (_, key) => (real ??= require("node:child_process"))[key] });',
      loader: "js",
    }));
  },
};

/**
 * chalk detects color support when it loads (importing node:tty and node:os);
 * course-doctor decides colors itself (src/cli/output.ts) and always passes the level,
 * so the detection is replaced by "no color unless told".
 */
const noColorDetection = {
  name: "no-color-detection",
  setup(b) {
    b.onResolve({ filter: /^#supports-color$/ }, () => ({ path: "supports-color", namespace: "course-doctor" }));
    b.onLoad({ filter: /^supports-color$/, namespace: "course-doctor" }, () => ({
      contents: "export function createSupportsColor() { return false; }\nexport default { stdout: false, stderr: false };",
      loader: "js",
    }));
  },
};

/**
 * The AWS SDK loads with `await import(...)` when a command first needs a client (and its
 * Smithy retry classification on a call's first failure). The CLI is a CommonJS script
 * compiled by the bin, where import() has no loader to call; the packages' own CommonJS
 * builds are loaded with require() instead, still only on first use.
 */
const requireAwsSdk = {
  name: "require-aws-sdk",
  setup(b) {
    // The YAML parser too: a runtime dependency that loads only for `check --template`.
    b.onResolve({ filter: /^(@(aws-sdk|smithy)\/.*|yaml)$/ }, (args) => (args.kind === "dynamic-import" ? { path: args.path, namespace: "aws-sdk-require" } : undefined));
    b.onLoad({ filter: /.*/, namespace: "aws-sdk-require" }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: "js" }));
  },
};

/** The CLI as one CommonJS script; `only` names the one command group a lean bundle keeps ("" for all). */
function cliBundle(outfile, only) {
  return build({
    absWorkingDir: root,
    entryPoints: ["src/cli/main.ts"],
    outfile,
    bundle: true,
    minify: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    external: ["@aws-sdk/*", "@smithy/*", "yaml"],
    plugins: [lazyChildProcess, noColorDetection, requireAwsSdk],
    define: { ...define, __COURSE_DOCTOR_ONLY__: JSON.stringify(only) },
    legalComments: "none",
    sourcemap: "linked",
    logLevel: "warning",
  });
}

await Promise.all([
  cliBundle("dist/cli.cjs", ""),
  // The pattern commands alone (see src/cli/program.ts): what `pattern test` loads.
  cliBundle("dist/pattern.cjs", "pattern"),
  build({
    absWorkingDir: root,
    entryPoints: { index: "src/index.ts" },
    outdir: "dist",
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external: ["@aws-sdk/*", "@smithy/*"],
    banner: { js: 'import { createRequire as __cdRequire } from "node:module"; const require = __cdRequire(import.meta.url);' },
    define,
    legalComments: "none",
    sourcemap: "linked",
    logLevel: "warning",
  }),
]);

// The code cache: run the commands whose start-up matters once, and keep what V8 compiled.
const bin = fileURLToPath(new URL("../bin/course-doctor.js", import.meta.url));
// Each run starts from the cache the previous one wrote, so the cache covers them all.
// `--help` runs dist/cli.cjs and `pattern test` dist/pattern.cjs: each gets its cache.
for (const [args, cache] of [[["--help", "--no-color"], "cli.cjs.cache"], [["pattern", "test", "examples/ingestor-rule-pattern.json", "examples/ingestor-event.json"], "pattern.cjs.cache"]]) {
  const warm = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    env: { ...process.env, COURSE_DOCTOR_WRITE_CODE_CACHE: "1" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (warm.status !== 0 || !existsSync(new URL(`../dist/${cache}`, import.meta.url))) {
    console.error(`build: warming the code cache with \`${args.join(" ")}\` failed (exit ${warm.status})`);
    process.exit(1);
  }
}

// The top-level help, as commander prints it for an 80-column or non-terminal output;
// bin/course-doctor.js prints this file for a bare `--help` instead of loading the CLI.
const help = spawnSync(process.execPath, [bin, "--help"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
if (help.status !== 0 || !help.stdout.includes("Usage: course-doctor")) {
  console.error(`build: --help failed (exit ${help.status})`);
  process.exit(1);
}
writeFileSync(new URL("../dist/help.txt", import.meta.url), help.stdout);

const tsc = spawnSync(process.execPath, [fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url)), "-p", "tsconfig.json"], {
  cwd: root,
  stdio: "inherit",
});
if (tsc.status !== 0) {
  console.error("build: type errors (see above)");
  process.exit(1);
}
