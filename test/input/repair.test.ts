import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { applyTargetInput, repairTargetInput, validateTargetInput, type TargetInputSettings } from "../../src/input/index.js";
import { EC2_EVENT, PROBE_EVENT } from "./fixtures.js";

const transformer = (map: Record<string, string> | undefined, template: string): TargetInputSettings => ({
  InputTransformer: map === undefined ? { InputTemplate: template } : { InputPathsMap: map, InputTemplate: template },
});

describe("repairTargetInput", () => {
  it("nothing to correct: null", () => {
    for (const settings of [{}, { InputPath: "$" }, transformer({ s: "$.source", t: "$.detail-type" }, '{"source":<s>,"detail-type":<t>}')]) {
      expect(repairTargetInput(settings, EC2_EVENT), JSON.stringify(settings)).toBeNull();
    }
  });

  // One line per shape: the settings, and the corrected settings (or {} to remove, or null: no safe correction).
  const cases: Array<[string, TargetInputSettings, TargetInputSettings | null]> = [
    ["InputPath $.detail: remove it", { InputPath: "$.detail" }, {}],
    ["InputPath to a scalar: remove it", { InputPath: "$.detail.state" }, {}],
    ["a template without the envelope: add both, first", transformer({ id: "$.detail.instance-id" }, '{"id": <id>}'), transformer({ id: "$.detail.instance-id", source: "$.source", "detail-type": "$.detail-type" }, '{"source":<source>,"detail-type":<detail-type>,"id": <id>}')],
    ["an empty object template: no trailing comma", { InputTransformer: { InputTemplate: "{}" } }, transformer({ source: "$.source", "detail-type": "$.detail-type" }, '{"source":<source>,"detail-type":<detail-type>}')],
    ["only detail-type missing", transformer({ s: "$.source" }, '{"source": <s>}'), transformer({ s: "$.source", "detail-type": "$.detail-type" }, '{"detail-type":<detail-type>,"source": <s>}')],
    ["a variable named source bound elsewhere: a fresh name", transformer({ source: "$.detail.state" }, '{"state": <source>}'), transformer({ source: "$.detail.state", "event-source": "$.source", "detail-type": "$.detail-type" }, '{"source":<event-source>,"detail-type":<detail-type>,"state": <source>}')],
    ["a quoted object: unquoted (and the envelope added)", transformer({ d: "$.detail" }, '{"d": "<d>"}'), transformer({ d: "$.detail", source: "$.source", "detail-type": "$.detail-type" }, '{"source":<source>,"detail-type":<detail-type>,"d": <d>}')],
    ["a quoted object with the envelope kept: only unquoted", transformer({ d: "$.detail", s: "$.source", t: "$.detail-type" }, '{"source":<s>,"detail-type":<t>,"d":"<d>"}'), transformer({ d: "$.detail", s: "$.source", t: "$.detail-type" }, '{"source":<s>,"detail-type":<t>,"d":<d>}')],
    ["a quoted object inside a longer string: no safe correction", transformer({ d: "$.detail", s: "$.source", t: "$.detail-type" }, '{"source":<s>,"detail-type":<t>,"d":"is <d>"}'), null],
    ["a constant Input object: a template that adds the envelope", { Input: '{"job":"nightly"}' }, transformer({ source: "$.source", "detail-type": "$.detail-type" }, '{"source":<source>,"detail-type":<detail-type>,"job":"nightly"}')],
    ["a constant Input that is not an object: no safe correction", { Input: '"nightly"' }, null],
    ["a text template: no safe correction", transformer({ id: "$.detail.instance-id" }, '"instance <id>"'), null],
    ["a template without InputPathsMap using undefined text placeholders: adding a map would be rejected", { InputTransformer: { InputTemplate: '{"who": "<who>"}' } }, null],
  ];
  for (const [name, settings, expected] of cases) {
    it(name, () => {
      const repair = repairTargetInput(settings, EC2_EVENT);
      if (expected === null) {
        expect(repair).toBeNull();
        return;
      }
      expect(repair?.settings).toEqual(expected);
      // What it offers, the engine accepts and delivers with the envelope.
      expect(validateTargetInput(repair!.settings)).toEqual([]);
      const result = applyTargetInput(repair!.settings, EC2_EVENT);
      expect(result.delivered).toBe(true);
      expect(result.keeps).toEqual({ source: true, detailType: true });
      expect(repair!.result.payload).toBe(result.payload);
      expect(repair!.summary).toMatch(/^[A-Z].*\.$/);
    });
  }

  it("the seeds' ingestor target: remove InputPath, and the handler sees the event again", () => {
    const target = JSON.parse(readFileSync("examples/ingestor-target-inputpath.json", "utf8")) as TargetInputSettings;
    const event = JSON.parse(readFileSync("examples/ingestor-event.json", "utf8")) as Record<string, unknown>;
    const repair = repairTargetInput(target, event)!;
    expect(repair.settings).toEqual({});
    expect(repair.result.json).toMatchObject({ source: "agent2.ingestor", "detail-type": "Document Processing Required" });
  });

  it("keeps the values of the probe event's every kind when it unquotes", () => {
    const repair = repairTargetInput(transformer({ o: "$.detail.object", a: "$.detail.array", s: "$.source", t: "$.detail-type" }, '{"source":<s>,"detail-type":<t>,"o":"<o>","a":"<a>"}'), PROBE_EVENT)!;
    expect(repair.result.json).toEqual({ source: "probe.owned", "detail-type": "input-probe", o: PROBE_EVENT.detail.object, a: PROBE_EVENT.detail.array });
  });

  it("bad settings throw as applyTargetInput does", () => {
    expect(() => repairTargetInput({ InputPath: "$.detail", Input: "{}" }, EC2_EVENT)).toThrow(/Only one of Input, InputPath, or InputTransformer/);
  });
});
