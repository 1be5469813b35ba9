#!/usr/bin/env node
// The command-line entry. CommonJS on purpose: Node starts a CommonJS script faster than
// an ES module, and start-up is part of the product. `--version` answers from
// package.json, a bare `--help` from the help text the build saved (dist/help.txt, what
// the CLI prints at 80 columns); `pattern ...` runs dist/pattern.cjs (the pattern commands
// alone), everything else dist/cli.cjs, each compiled with the V8 code cache the
// build wrote next to it (a cache from another Node version is simply not used).
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const argv = process.argv.slice(2);
const OTHER_COMMANDS = new Set(["check", "snapshot", "probe", "input", "route", "rule", "policy", "metrics", "logs", "tail", "map", "jobs", "smoke", "init", "iam-policy"]);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  process.stdout.write(`${JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8")).version}\n`);
} else if (argv.length === 1 && (argv[0] === "--help" || argv[0] === "-h") && !(process.stdout.isTTY && process.stdout.columns < 80) && printSavedHelp()) {
  // printed
} else {
  const vm = require("node:vm");
  const file = path.join(__dirname, "..", "dist", leanPattern(argv) ? "pattern.cjs" : "cli.cjs");
  const cacheFile = `${file}.cache`;
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // no cache: V8 compiles as usual
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${fs.readFileSync(file, "utf8")}\n})`, {
    filename: file,
    cachedData,
  });
  const cli = { exports: {} };
  script.runInThisContext()(cli.exports, require, cli, file, path.dirname(file));
  if (process.env.COURSE_DOCTOR_WRITE_CODE_CACHE === "1") {
    process.on("exit", () => fs.writeFileSync(cacheFile, script.createCachedData()));
  }
  cli.exports.run();
}

/**
 * `pattern` is the only command named: the lean bundle of the pattern commands serves it
 * (the same code, built without the other commands). Keep OTHER_COMMANDS in step with
 * src/cli/program.ts (a test holds them together).
 */
function leanPattern(args) {
  return args.includes("pattern") && !args.some((arg) => OTHER_COMMANDS.has(arg));
}

function printSavedHelp() {
  let text;
  try {
    text = fs.readFileSync(path.join(__dirname, "..", "dist", "help.txt"), "utf8");
  } catch {
    return false;
  }
  process.stdout.write(text);
  return true;
}
