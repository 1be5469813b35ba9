/** The probe event: the application's event plus a unique marker in its detail. */
import { randomBytes } from "node:crypto";
import { InputError, UsageError } from "../errors.js";
import { normalizeEvent, type PutEventsEntry } from "../event/index.js";
import type { AppEvent } from "../model/snapshot.js";

export const MARKER_FIELD = "courseDoctorProbe";

export function newMarker(): string {
  return `cd-probe-${randomBytes(6).toString("hex")}`;
}

/** The PutEvents entry the probe sends, and the event EventBridge builds from it (for the local pattern test). */
export function probeEntry(request: { event: AppEvent | null; bus: string }, marker: string): { entry: PutEventsEntry; event: Record<string, unknown> } {
  if (!request.event) throw new UsageError("probe needs the application's event: --event FILE|JSON, or --source and --detail-type (or the config file)");
  let normalized;
  try {
    normalized = normalizeEvent(request.event.input);
  } catch (error) {
    throw new InputError(`probe: the event cannot be sent: ${error instanceof Error ? error.message : String(error)}`);
  }
  const detail = normalized.event.detail;
  if (typeof detail !== "object" || detail === null || Array.isArray(detail)) throw new UsageError("probe: the event's detail must be a JSON object to carry the probe marker");
  const marked = { ...(detail as Record<string, unknown>), [MARKER_FIELD]: marker };
  const entry: PutEventsEntry = {
    Source: normalized.entry.Source,
    DetailType: normalized.entry.DetailType,
    Detail: JSON.stringify(marked),
    EventBusName: request.bus,
    ...(normalized.entry.Resources ? { Resources: normalized.entry.Resources } : {}),
  };
  return { entry, event: { ...normalized.event, detail: marked } };
}
