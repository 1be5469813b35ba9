// Start-up time of the CLI against a bare `node -e 0`: interleaved runs, medians, ratio.
// Targets: --version and --help within 1.2x of node -e 0; `pattern test` within 1.3x (goal 1.1x).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 25);

const commands = [
  ["node -e 0", ["-e", "0"]],
  ["--version", ["bin/course-doctor.js", "--version"]],
  ["--help", ["bin/course-doctor.js", "--help"]],
  ["pattern test", ["bin/course-doctor.js", "pattern", "test", "examples/ingestor-rule-pattern.json", "examples/ingestor-event.json"]],
];

function once(args) {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: ["ignore", "ignore", "pipe"], env: { PATH: process.env.PATH, HOME: process.env.HOME } });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0 && args[0] !== "-e") throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function run() {
  const times = commands.map(() => []);
  for (const [, args] of commands) once(args); // warm the file cache
  for (let i = 0; i < RUNS; i++) {
    // Interleave so drift (other load on the machine) hits every command alike.
    commands.forEach(([, args], j) => times[j].push(once(args)));
  }
  const base = median(times[0]);
  return [
    `${RUNS} interleaved runs each, median wall time:`,
    ...commands.map(([name], j) => {
      const m = median(times[j]);
      const target = name === "pattern test" ? 1.3 : 1.2;
      const ratio = j === 0 ? "" : `  ${(m / base).toFixed(2)}x node -e 0${m / base <= target + 0.005 ? "" : `  (over the ${target}x target)`}`;
      return `  ${name.padEnd(14)} ${m.toFixed(1).padStart(7)} ms${ratio}`;
    }),
  ];
}
