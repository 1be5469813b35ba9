import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { InputError } from "../errors.js";
import type { Io } from "../host/io.js";

/** Text read from a command-line argument that names a file, holds inline JSON, or is `-`. */
export interface TextInput {
  text: string;
  /** Where it came from, for messages: a path, "stdin" or "inline JSON". */
  origin: string;
}

/**
 * Reads an argument that is a file path, inline JSON (starts with `{`, `[` or `"`), or
 * `-` for standard input. `label` names the argument in messages ("PATTERN", "--event").
 * Standard input that is a terminal is refused rather than waited on.
 */
export async function readTextInput(spec: string, io: Io, label: string): Promise<TextInput> {
  const trimmed = spec.trimStart();
  if (spec === "-") {
    if (io.stdin.isTTY) throw new InputError(`${label}: "-" reads standard input, but it is a terminal; pipe the JSON in or name a file`);
    return { text: await readStream(io.stdin), origin: "stdin" };
  }
  if (trimmed.startsWith("{") || trimmed.startsWith("[") || trimmed.startsWith('"')) return { text: spec, origin: "inline JSON" };
  const path = resolve(io.cwd, spec);
  try {
    return { text: await readText(path), origin: spec };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new InputError(`${label}: no such file "${spec}" (give a file, inline JSON, or - for stdin)`);
    if (code === "EISDIR") throw new InputError(`${label}: "${spec}" is a directory, not a JSON file`);
    throw new InputError(`${label}: cannot read "${spec}": ${(error as Error).message}`);
  }
}

/** Parses JSON text, turning a syntax error into an InputError naming the line and column. */
export function parseJsonText(text: string, origin: string, label: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${label}: ${origin} is not valid JSON (${describeJsonError(text, error as Error)})`);
  }
}

/** Reads and parses a JSON argument (file, inline JSON or `-`). */
export async function readJsonInput(spec: string, io: Io, label: string): Promise<unknown> {
  const input = await readTextInput(spec, io, label);
  return parseJsonText(input.text, input.origin, label);
}

/** "line 3, column 7: Unexpected token ..." from a JSON.parse error. */
export function describeJsonError(text: string, error: Error): string {
  const position = /position (\d+)/.exec(error.message);
  const reason = error.message.replace(/ in JSON at position \d+.*$/s, "").replace(/^JSON\.parse: /, "");
  if (!position) return reason;
  const offset = Number(position[1]);
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return `line ${line}, column ${column}: ${reason}`;
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Reads a file given on the command line. Synchronously: these are small JSON files, and
 * an asynchronous read starts libuv's thread pool, which costs a short command a fifth of
 * its run time to start and to join at exit.
 */
async function readText(path: string): Promise<string> {
  return readFileSync(path, "utf8");
}
