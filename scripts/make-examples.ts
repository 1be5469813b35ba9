/**
 * Recreates the snapshots in examples/ from a pipeline seeded in moto, so they are what
 * `course-doctor snapshot` really writes. Run with `node scripts/make-examples.mjs`.
 *
 * - ingestor-wrong-bus.snapshot.json: the incident of the seeds ("events published,
 *   zero matched, handlers never ran"): the upload function has no EVENT_BUS_NAME, so
 *   its PutEvents lands on the default bus while the rule lives on the custom one.
 * - ingestor-healthy.snapshot.json: the same pipeline, working.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { motoEnv, startMoto } from "../test/helpers/moto.js";
import { Seeder } from "../test/helpers/seed.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const event = ["--source", "agent2.ingestor", "--detail-type", "Document Processing Required"];

const moto = await startMoto();
try {
  const seed = new Seeder(moto);
  const broken = await seed.ingestor({ publisherEnv: { TABLE_NAME: "ingestor-jobs", UPLOAD_BUCKET: "agent2-ingestor-uploads-dev" }, withMetrics: false });
  const healthy = await seed.ingestor({ suffix: "-ok" });
  for (const [names, file] of [
    [broken, "examples/ingestor-wrong-bus.snapshot.json"],
    [healthy, "examples/ingestor-healthy.snapshot.json"],
  ] as const) {
    const args = ["bin/course-doctor.js", "snapshot", "--bus", names.bus, "--rule", names.rule, "--publisher", names.publisher, ...event, "--out", file];
    const run = spawnSync(process.execPath, args, { cwd: root, env: { PATH: process.env.PATH ?? "", ...motoEnv(moto) }, stdio: "inherit" });
    if (run.status !== 0) throw new Error(`snapshot for ${file} exited ${run.status}`);
    console.log(`wrote ${file}`);
  }
} finally {
  await moto.stop();
}
