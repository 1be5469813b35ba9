/** What every command module uses to register itself: the action wrapper's type, and examples in help. */
import type { Command } from "commander";
import type { Host } from "../host/host.js";

/**
 * Turns a command handler into a commander action. The handler gets the host (sink,
 * settings, Ctrl-C), the command's own options and its positional arguments, and returns
 * the exit code.
 */
export type Act = <O = Record<string, unknown>>(
  handler: (host: Host, options: O, args: string[], command: Command) => Promise<number>,
  behaviour?: { follows?: boolean },
) => (...commanderArgs: unknown[]) => Promise<void>;

/** Every command module exports one of these; it adds its command(s) to the program. */
export type Register = (program: Command, act: Act) => void;

/** Adds an "Examples:" block to a command's help. */
export function withExamples(command: Command, examples: string[]): Command {
  return command.addHelpText("after", `\nExamples:\n${examples.map((line) => `  ${line}`).join("\n")}\n`);
}
