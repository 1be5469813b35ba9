/**
 * `course-doctor input TRANSFORMER EVENT`: what a target receives, offline. Reads the two
 * inputs (a file, inline JSON or `-`), asks the input engine, prints the payload on stdout
 * (laid out when it is JSON) and the warnings on stderr. Loaded only when this command runs;
 * no AWS SDK.
 */
import { ExitCode, InputError, UsageError } from "../errors.js";
import type { Host } from "../host/host.js";
import { InvalidInputTransformError, transformForCommand, type InputWarning, type TransformCommandResult } from "../input/index.js";
import { readEventText, writeJsonIndented } from "../input/json-text.js";
import { InvalidEventError } from "../pattern/errors.js";
import { readTextInput } from "../util/input.js";

/** The command's own flags. */
export interface InputFlags {
  ruleArn?: string;
  ruleName?: string;
  ingestionTime?: string;
  /** Warnings fail too (exit 1). */
  strict?: boolean;
}

/** What `--format json` prints. */
export interface InputDocument {
  /** The exact text EventBridge builds for the target. */
  payload: string;
  /** The payload parsed, when it is one JSON value; null otherwise. */
  json: unknown;
  warnings: Array<Pick<InputWarning, "code" | "message"> & { path?: string; placeholder?: string }>;
  /** False when EventBridge would not deliver this payload at all. */
  delivered: boolean;
  /** Which setting built it: event (none), input, input-path, input-transformer. */
  mode: TransformCommandResult["mode"];
  /** The rule values the predefined variables took (given, or the defaults). */
  context: TransformCommandResult["context"];
}

const RULE_ARN = /^arn:aws[a-z-]*:events:[a-z0-9-]*:\d{12}:rule\/.+/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

function checkFlags(flags: InputFlags): void {
  if (flags.ruleArn !== undefined && !RULE_ARN.test(flags.ruleArn)) {
    throw new UsageError(`--rule-arn ${JSON.stringify(flags.ruleArn)} is not a rule ARN (arn:aws:events:REGION:ACCOUNT:rule/[BUS/]NAME)`);
  }
  if (flags.ruleName !== undefined && !/^[.\-_A-Za-z0-9]{1,64}$/.test(flags.ruleName)) {
    throw new UsageError(`--rule-name ${JSON.stringify(flags.ruleName)} is not a rule name (1 to 64 of A-Z a-z 0-9 . - _)`);
  }
  if (flags.ingestionTime !== undefined && (!ISO_TIME.test(flags.ingestionTime) || Number.isNaN(Date.parse(flags.ingestionTime)))) {
    throw new UsageError(`--ingestion-time ${JSON.stringify(flags.ingestionTime)} is not an ISO 8601 time (e.g. 2025-12-12T10:15:30Z)`);
  }
}

/** Applies TRANSFORMER to EVENT; exit 0 when EventBridge delivers the payload, 1 when it would deliver nothing (or, with --strict, on any warning), 2 on bad input. */
export async function runInput(host: Host, flags: InputFlags, args: string[]): Promise<number> {
  const format = host.settings.formatFor(["pretty", "json"]);
  const [transformerSpec, eventSpec] = args;
  if (transformerSpec === undefined || eventSpec === undefined) throw new UsageError("input needs TRANSFORMER and EVENT");
  if (transformerSpec === "-" && eventSpec === "-") throw new UsageError("TRANSFORMER and EVENT cannot both be read from standard input");
  checkFlags(flags);
  const transformer = await readTextInput(transformerSpec, host.io, "TRANSFORMER");
  const event = await readTextInput(eventSpec, host.io, "EVENT");

  let result: TransformCommandResult;
  try {
    result = transformForCommand({
      transformer: transformer.text,
      event: event.text,
      ...(flags.ruleArn !== undefined ? { ruleArn: flags.ruleArn } : {}),
      ...(flags.ruleName !== undefined ? { ruleName: flags.ruleName } : {}),
      ...(flags.ingestionTime !== undefined ? { ingestionTime: flags.ingestionTime } : {}),
    });
  } catch (error) {
    if (error instanceof InvalidInputTransformError) {
      const more = error.problems.length > 1 ? ` (and ${error.problems.length - 1} more)` : "";
      throw new InputError(`TRANSFORMER (${transformer.origin}): ${oneLine(error.message)}${more}`, { cause: error });
    }
    if (error instanceof InvalidEventError) throw new InputError(`EVENT (${event.origin}): ${oneLine(error.message)}`, { cause: error });
    throw error;
  }
  host.out.debug(`rule ARN ${result.context.ruleArn}, rule name ${result.context.ruleName}, ingestion time ${result.context.ingestionTime}`);

  if (format === "json") {
    host.out.result(JSON.stringify(documentOf(result), null, 2));
  } else {
    host.out.result(result.isJson ? writeJsonIndented(readEventText(result.payload)) : result.payload);
    for (const warning of result.warnings) host.out.warn(warning.message);
    if (!result.delivered) host.out.warn("EventBridge would not deliver this payload: the target receives nothing (exit 1)");
  }
  if (!result.delivered) return ExitCode.Problems;
  if (flags.strict && result.warnings.length > 0) return ExitCode.Problems;
  return ExitCode.Ok;
}

export function documentOf(result: TransformCommandResult): InputDocument {
  return {
    payload: result.payload,
    json: result.isJson ? result.json : null,
    warnings: result.warnings.map((w) => ({ code: w.code, message: w.message, ...(w.path ? { path: w.path } : {}), ...(w.placeholder ? { placeholder: w.placeholder } : {}) })),
    delivered: result.delivered,
    mode: result.mode,
    context: result.context,
  };
}

/** An error message on one line (a JSON syntax error can quote a line break). */
function oneLine(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, " ");
}
