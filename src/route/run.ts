/**
 * `route --bus NAME EVENT`: every rule on the bus against one event (or several), the way
 * the bus routes it. Reads the bus's rules (ListRules) and the caller's account; writes
 * nothing. Exit 0 when an enabled rule takes every event, 1 when one is taken by none.
 */
import { ExitCode, UsageError } from "../errors.js";
import { validateEntry, type EventContext, type PutEventsEntry } from "../event/index.js";
import type { Host } from "../host/host.js";
import { normalizeEventInput, readEvents, type EventInput } from "../pattern-commands/event-input.js";
import { toJsonText } from "../pattern/json.js";
import { readTextInput } from "../util/input.js";
import { BusRules, isEnabled } from "./route.js";
import { renderRoute, type RoutedEvent } from "./render.js";

export interface RouteFlags {
  bus?: string;
}

export async function runRoute(host: Host, flags: RouteFlags, args: string[]): Promise<number> {
  const format = host.settings.formatFor(["pretty", "json"]);
  const [spec] = args;
  if (spec === undefined) throw new UsageError("route needs EVENT: a file, inline JSON, or - for stdin");
  const bus = flags.bus ?? (await host.settings.fileSettings()).bus ?? "default";
  const input = await readTextInput(spec, host.io, "EVENT");
  const { events, lines } = readEvents(input);
  // Bad input is found before any AWS call.
  for (const event of events) normalizeEventInput(event, input.origin, {});

  host.out.progress(`reading the rules on bus ${bus}…`);
  // The AWS SDK loads only now, once the input is known to be good.
  const { readBusView } = await import("./read.js");
  const view = await readBusView(host, bus);
  const rules = new BusRules(view.rules);
  // The fields a PutEvents entry leaves to the service, as the bus would fill them in now.
  const context: EventContext = { region: view.region, time: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"), ...(view.account ? { account: view.account } : {}) };
  const routed = events.map((event) => routeOne(rules, view.bus, event, input.origin, context));

  if (format === "json") {
    if (lines) for (const r of routed) host.out.result(toJsonText(routeJson(r)));
    else host.out.result(toJsonText(routeJson(routed[0]!), 2));
  } else {
    host.out.result(routed.map((r) => renderRoute(r, { chalk: host.out.chalk, numbered: lines })).join("\n\n"));
  }
  return routed.every((r) => r.taken && r.entryProblems.length === 0) ? ExitCode.Ok : ExitCode.Problems;
}

function routeOne(rules: BusRules, bus: string, input: EventInput, origin: string, context: EventContext): RoutedEvent {
  const { form, event, entry } = normalizeEventInput(input, origin, context);
  return {
    bus,
    event,
    index: input.index,
    ...rules.route(event),
    entryProblems: form === "entry" ? validateEntry(entry as PutEventsEntry) : [],
  };
}

/** The JSON document of one event's route (keys in a fixed order). */
export function routeJson(r: RoutedEvent): Record<string, unknown> {
  return {
    bus: r.bus,
    event: r.event,
    matches: r.matches,
    misses: r.misses,
    taken: r.taken,
    disabledMatches: r.matches.filter((m) => !isEnabled(m.state)).map((m) => m.rule),
    skipped: r.skipped,
    ...(r.entryProblems.length > 0 ? { entryProblems: r.entryProblems } : {}),
    index: r.index,
  };
}
