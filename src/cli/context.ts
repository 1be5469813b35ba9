import type { Command } from "commander";
import type { Host } from "../host/host.js";
import type { Io } from "../host/io.js";
import { Output } from "../host/output.js";
import { Settings, type GlobalFlags } from "../settings/resolve.js";
import { commandLine } from "../util/shell.js";

/** Builds what a use case gets from its commander object: the sink, the settings resolver, Ctrl-C, the command line. */
export function createHost(command: Command, io: Io): Host {
  const settings = new Settings(command.optsWithGlobals() as GlobalFlags, io);
  return {
    io,
    out: new Output(io.stdout, () => io.stderr, settings.output),
    settings,
    signal: io.interrupt,
    // commander keeps the arguments it was given as rawArgs (not in its typings).
    commandLine: commandLine((rootOf(command) as Command & { rawArgs?: string[] }).rawArgs ?? []),
  };
}

function rootOf(command: Command): Command {
  let root = command;
  while (root.parent) root = root.parent;
  return root;
}
