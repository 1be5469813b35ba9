/**
 * The map of what `check` read (one snapshot: the publisher, the bus, the rule and its
 * targets), and the Mermaid diagram of a diagnosis with its broken link marked — what
 * check's markdown report shows. Pure.
 */
import { busNameOf } from "../model/arn.js";
import type { Diagnosis } from "../model/finding.js";
import type { PipelineMap } from "../model/pipeline-map.js";
import type { Snapshot } from "../model/snapshot.js";
import { buildPipelineMap, markBrokenLink } from "./graph.js";
import { renderMermaid } from "./mermaid.js";

export function mapOfSnapshot(snapshot: Snapshot): PipelineMap {
  const rule = snapshot.request.rule;
  const state = snapshot.rule.ok ? snapshot.rule.value.state : snapshot.rule.reason === "not-found" ? "missing" : "could not be read";
  return buildPipelineMap([
    {
      bus: snapshot.rule.ok ? snapshot.rule.value.busName : busNameOf(snapshot.request.bus),
      missing: !snapshot.bus.ok && snapshot.bus.reason === "not-found",
      publishers: snapshot.publisher ? [{ function: snapshot.publisher.name, variables: [snapshot.publisher.busEnvVar] }] : [],
      rules:
        rule === null
          ? []
          : [
              {
                name: rule,
                state,
                targets: snapshot.targets.ok ? snapshot.targets.value : null,
                ...(!snapshot.targets.ok && snapshot.rule.ok ? { targetsError: snapshot.targets.error } : {}),
              },
            ],
    },
  ]);
}

/** The diagnosis's pipeline as a Mermaid flowchart, the root cause's link marked; null when it carries no map. */
export function diagnosisMermaid(diagnosis: Diagnosis): string | null {
  if (!diagnosis.map) return null;
  const root = diagnosis.rootCause;
  const subject = root ? diagnosis.findings.find((f) => f.id === root.id && f.status === "fail")?.subject : undefined;
  const map = root ? markBrokenLink(diagnosis.map, { id: root.id, title: root.title, subject }, { bus: diagnosis.target.bus, rule: diagnosis.target.rule }) : diagnosis.map;
  return renderMermaid(map);
}
