/**
 * The application's event as the checks see it: normalised once into the event
 * EventBridge would match and the PutEvents entry the code sends.
 */
import { normalizeEvent } from "../event/index.js";
import type { Snapshot } from "../model/snapshot.js";
import { accountOf, regionOf } from "./support.js";

export type AppEventView =
  | { ok: true; form: "event" | "entry"; event: Record<string, unknown>; entry: Record<string, unknown> }
  | { ok: false; message: string };

// Several checks read the same event: normalise it once per snapshot event.
const cache = new WeakMap<object, AppEventView>();

/** The normalised application event; null when the user gave none. */
export function appEventOf(snapshot: Snapshot): AppEventView | null {
  if (!snapshot.event) return null;
  const cached = cache.get(snapshot.event);
  if (cached) return cached;
  let view: AppEventView;
  try {
    const normalized = normalizeEvent(snapshot.event.input, {
      // The account and region only fill fields a PutEvents entry leaves to the service.
      account: accountOf(snapshot) ?? "123456789012",
      region: regionOf(snapshot) ?? "us-east-1",
    });
    view = {
      ok: true,
      form: normalized.form,
      event: normalized.event as Record<string, unknown>,
      entry: normalized.entry as Record<string, unknown>,
    };
  } catch (error) {
    view = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  cache.set(snapshot.event, view);
  return view;
}

/** Where the event came from, for titles and details: "--event", "the config file". */
export function describeOrigin(snapshot: Snapshot): string {
  switch (snapshot.event?.origin) {
    case "flags":
      return "--source/--detail-type";
    case "config":
      return "the config file";
    case "file":
      return "the --event file";
    case "inline":
      return "--event";
    default:
      return "no event";
  }
}
