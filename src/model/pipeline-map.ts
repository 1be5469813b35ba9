/**
 * The picture of a pipeline as plain data: publishers → bus → rules → targets, stage
 * after stage (a target function that publishes to another bus starts the next one).
 * Built by src/map from what `map` reads or from `check`'s snapshot; rendered as text or
 * Mermaid. Plain JSON, so a Diagnosis can carry one.
 */
import type { TargetKind } from "./snapshot.js";

export type MapNodeKind = "function" | "bus" | "rule" | "target";

export interface MapNode {
  /** Stable within one map: "bus:orders", "rule:orders/order-created", "fn:orders-api", "target:<arn>". */
  id: string;
  kind: MapNodeKind;
  /** The name shown: a bus, rule, function, queue or log group name. */
  name: string;
  /** A rule's state (ENABLED, DISABLED, ...); "missing" for a rule or bus that does not exist. */
  state?: string;
  /** A target's kind (a function node that is a target is "lambda"). */
  targetKind?: TargetKind;
  /** The 1-based stage of a bus (and of its rules), for reading the chain left to right. */
  stage?: number;
  /** Something about the node that could not be read, said on it ("targets could not be read: ..."). */
  note?: string;
}

export interface MapEdge {
  from: string;
  to: string;
  /** The environment variable that names the bus, on a publisher's edge. */
  label?: string;
}

/** The link (or the node) a diagnosis found broken, and by which finding. */
export interface BrokenLink {
  finding: string;
  title: string;
  /** Indices into `edges`. */
  edges: number[];
  /** Node ids (a bus that does not exist, a rule without targets). */
  nodes: string[];
}

export interface PipelineMap {
  nodes: MapNode[];
  edges: MapEdge[];
  /** The buses of the map, stage by stage. */
  buses: string[];
  broken?: BrokenLink;
}
