/**
 * `map --bus NAME`: the picture of the pipeline — publishers → bus → rules → targets, and
 * the next stage where a target function publishes to another bus. Text on a terminal,
 * `--format mermaid` for a ticket, `--format json` for scripts. Read-only.
 */
import { ExitCode } from "../errors.js";
import type { Host } from "../host/host.js";
import { TOOL } from "../version.js";
import { renderMermaid } from "./mermaid.js";
import { renderMapText } from "./text.js";

export interface MapFlags {
  bus?: string;
}

export async function runMap(host: Host, flags: MapFlags): Promise<number> {
  const format = host.settings.formatFor(["pretty", "mermaid", "json"]);
  const bus = flags.bus ?? (await host.settings.fileSettings()).bus ?? "default";
  const awsOptions = await host.settings.awsOptions(host.signal);
  // The AWS SDK loads only now, once the flags are known to be good.
  const [{ Aws }, { CollectSession }, { collectPipelineMap }] = await Promise.all([import("../aws/clients.js"), import("../collect/readers.js"), import("./collect.js")]);
  const aws = new Aws(awsOptions);
  try {
    host.out.progress(`reading bus ${bus}, its rules, their targets and the functions that publish to it…`);
    const collected = await collectPipelineMap(new CollectSession(aws, { tool: TOOL }), bus);
    for (const note of collected.notes) host.out.warn(note);
    if (format === "mermaid") host.out.result(renderMermaid(collected.map));
    else if (format === "json") host.out.result(JSON.stringify({ region: collected.region, account: collected.account, ...collected.map }, null, 2));
    else host.out.result(renderMapText(collected.map, host.out.chalk));
    return ExitCode.Ok;
  } finally {
    aws.destroy();
  }
}
