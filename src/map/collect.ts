/**
 * What `map` reads: the bus the way `init` reads it (its rules, their targets, and the
 * functions whose environment names it — `discoverPipeline`), then, for every target
 * function whose own environment names another bus, that bus too: the next stage. At
 * most MAX_STAGES buses; each bus is read once. Only variable names are kept.
 */
import type { CollectSession } from "../collect/readers.js";
import { busVariables, discoverPipeline } from "../init/discover.js";
import { busNameOf, parseArn } from "../model/arn.js";
import { missingBusError } from "../route/read.js";
import { buildPipelineMap, type MapStage } from "./graph.js";
import type { PipelineMap } from "../model/pipeline-map.js";

/** How many buses a map follows, the first included. */
export const MAX_STAGES = 6;

export interface CollectedMap {
  map: PipelineMap;
  region: string;
  account: string | null;
  /** What could not be read (a later stage's bus, the functions), for stderr. */
  notes: string[];
}

export async function collectPipelineMap(session: CollectSession, bus: string): Promise<CollectedMap> {
  const stages: MapStage[] = [];
  const notes: string[] = [];
  const queue = [busNameOf(bus)];
  const seen = new Set(queue);
  let account: string | null = null;
  const [buses, functions] = await Promise.all([session.busNames(), session.functions()]);
  if (!functions.ok) notes.push(`functions could not be listed (${functions.error}): no publishers or next stages are shown`);
  while (queue.length > 0 && stages.length < MAX_STAGES) {
    const name = queue.shift()!;
    const found = await discoverPipeline(session, name, null);
    if (stages.length === 0) {
      account = found.account;
      if (found.missing) throw missingBusError(name, found.region, found.missing.otherBuses);
    }
    const stage: MapStage = {
      bus: name,
      missing: found.missing !== null,
      publishers: found.publishers.ok ? found.publishers.value : [],
      rules: found.rules.map((rule) => ({
        name: rule.name,
        state: rule.state,
        targets: rule.targets?.ok ? rule.targets.value : null,
        ...(rule.targets && !rule.targets.ok ? { targetsError: rule.targets.error } : {}),
      })),
      publishesTo: {},
    };
    // The next stages: buses a target function's environment names, and buses that are targets themselves.
    const targets = stage.rules.flatMap((rule) => rule.targets ?? []);
    for (const target of targets) {
      if (target.kind === "events") {
        const arn = parseArn(target.arn);
        if (arn && arn.region === found.region && (found.account === null || arn.account === found.account)) enqueue(busNameOf(target.arn));
        continue;
      }
      const fn = target.function?.name;
      if (!fn || !functions.ok || !buses.ok) continue;
      const environment = functions.value.find((f) => f.name === fn)?.environment ?? {};
      const next = buses.value.flatMap((other) => {
        const variables = other === name ? [] : busVariables(environment, other, null);
        return variables.length > 0 ? [{ bus: other, variables }] : [];
      });
      if (next.length === 0) continue;
      stage.publishesTo![fn] = next;
      for (const n of next) enqueue(n.bus);
    }
    stages.push(stage);
  }
  if (queue.length > 0) notes.push(`the chain goes on past ${MAX_STAGES} buses (${queue.join(", ")}): map one of them with --bus`);
  return { map: buildPipelineMap(stages), region: session.aws.region, account, notes };

  function enqueue(next: string): void {
    if (seen.has(next)) return;
    seen.add(next);
    queue.push(next);
  }
}
