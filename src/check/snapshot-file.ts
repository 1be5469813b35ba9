import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { InputError, UsageError } from "../errors.js";
import type { Io } from "../host/io.js";
import type { Snapshot } from "../model/snapshot.js";
import { parseJsonText, readTextInput } from "../util/input.js";

const REQUIRED_KEYS = ["request", "identity", "bus", "rule", "targets", "lambdaTargets", "metrics"] as const;

/**
 * Reads what `snapshot --out` / `check --save-snapshot` wrote: one snapshot, or a list of
 * them (one per rule, from --all).
 */
export async function readSnapshots(spec: string, io: Io): Promise<Snapshot[]> {
  const input = await readTextInput(spec, io, "--from");
  const value = parseJsonText(input.text, input.origin, "--from");
  if (Array.isArray(value)) {
    if (value.length === 0) throw new InputError(`--from: ${input.origin} holds an empty list of snapshots`);
    return value.map((item) => checkSnapshot(item, input.origin));
  }
  return [checkSnapshot(value, input.origin)];
}

function checkSnapshot(value: unknown, origin: string): Snapshot {
  const input = { origin };
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new InputError(`--from: ${input.origin} is not a course-doctor snapshot (expected a JSON object)`);
  }
  const snapshot = value as Partial<Snapshot>;
  if (snapshot.schemaVersion !== 1) {
    throw new InputError(
      `--from: ${input.origin} is not a course-doctor snapshot of a version this release reads (schemaVersion ${JSON.stringify(snapshot.schemaVersion ?? null)}, expected 1)`,
      { hint: "write one with `course-doctor snapshot --out FILE` or `check --save-snapshot FILE`" },
    );
  }
  const missing = REQUIRED_KEYS.filter((key) => !(key in snapshot));
  if (missing.length > 0) throw new InputError(`--from: ${input.origin} is missing ${missing.join(", ")} (a truncated or hand-edited snapshot?)`);
  // Pieces added to the snapshot later stay absent when an older snapshot lacks them, never
  // filled with a guess: absent reads as "not collected" (the checks that need it skip).
  // targets[].input (target.input), lambdaTargets[].eventInvokeConfig and
  // configuration.deadLetterTargetArn (target.async) are such pieces; so are the async
  // metric series (AsyncEventsDropped, ...), which only newer snapshots hold.
  return {
    ...(snapshot as Snapshot),
    ruleElsewhere: snapshot.ruleElsewhere ?? { ok: true, value: [] },
    deadLetterQueues: snapshot.deadLetterQueues ?? {},
    publisher: snapshot.publisher ?? null,
    event: snapshot.event ?? null,
    remoteMatch: snapshot.remoteMatch ?? null,
  };
}

/** Writes one snapshot (or several, for --all) as pretty JSON. `-` writes to stdout. */
export async function writeSnapshot(spec: string, value: Snapshot | Snapshot[], io: Io): Promise<string> {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (spec === "-") {
    io.stdout.write(text);
    return "stdout";
  }
  const path = resolve(io.cwd, spec);
  try {
    await writeFile(path, text, "utf8");
  } catch (error) {
    throw new UsageError(`cannot write the snapshot to "${spec}": ${(error as Error).message}`);
  }
  return spec;
}
