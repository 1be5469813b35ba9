import { describe, expect, it } from "vitest";
import { entrySize, missingEnvelopeFields, normalizeEvent, validateEntry } from "../../src/event/index.js";
import { matchesPattern } from "../../src/pattern/index.js";

const entry = {
  Source: "agent2.ingestor",
  DetailType: "Document Processing Required",
  Detail: JSON.stringify({ job_id: "89fdf15c", files: ["a.pdf"] }),
  EventBusName: "agent2-ingestor-events-dev",
};

describe("normalizeEvent", () => {
  it("builds the event EventBridge delivers from a PutEvents entry", () => {
    const { form, event, entry: back } = normalizeEvent(entry, { account: "111122223333", region: "eu-west-1", time: "2025-01-01T00:00:00Z" });
    expect(form).toBe("entry");
    expect(Object.keys(event)).toEqual(["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"]);
    expect(event).toMatchObject({
      version: "0",
      "detail-type": "Document Processing Required",
      source: "agent2.ingestor",
      account: "111122223333",
      region: "eu-west-1",
      time: "2025-01-01T00:00:00Z",
      resources: [],
      detail: { job_id: "89fdf15c", files: ["a.pdf"] },
    });
    expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    // Deterministic with a context.
    expect(normalizeEvent(entry, { account: "111122223333" }).event.id).toBe(normalizeEvent(entry, { account: "111122223333" }).event.id);
    expect(back).toEqual(entry);
  });

  it("fills a full event's missing envelope fields and derives the entry", () => {
    const { form, event, entry: derived } = normalizeEvent({ source: "s", "detail-type": "t", detail: { a: 1 } }, { time: "2025-01-01T00:00:00Z" });
    expect(form).toBe("event");
    expect(event).toMatchObject({ version: "0", account: "123456789012", region: "us-east-1", resources: [], time: "2025-01-01T00:00:00Z" });
    expect(derived).toEqual({ Source: "s", DetailType: "t", Detail: '{"a":1}' });
  });

  it("keeps exact number text from Detail and never throws on a bad Detail", () => {
    const { event } = normalizeEvent({ Source: "s", DetailType: "t", Detail: '{"n": 12345678901234567890}' });
    expect(matchesPattern('{"detail":{"n":[12345678901234567890]}}', event)).toBe(true);
    const bad = normalizeEvent({ Source: "s", DetailType: "t", Detail: "{not json" });
    expect(bad.event.detail).toBe("{not json");
    expect(() => normalizeEvent([1, 2])).toThrow(/JSON object/);
  });
});

describe("validateEntry", () => {
  it("accepts a good entry, with the bus as a name or an ARN", () => {
    expect(validateEntry(entry)).toEqual([]);
    expect(validateEntry({ ...entry, EventBusName: "arn:aws:events:us-east-1:123456789012:event-bus/agent2-ingestor-events-dev" })).toEqual([]);
  });

  it("reports what PutEvents rejects inside an HTTP 200", () => {
    const codes = (e: object) => validateEntry(e).map((p) => `${p.field}:${p.code}`);
    expect(codes({})).toEqual(["Source:InvalidArgument", "DetailType:InvalidArgument", "Detail:InvalidArgument"]);
    expect(codes({ ...entry, Source: "aws.s3" })).toEqual(["Source:NotAuthorizedForSourceException"]);
    expect(codes({ ...entry, Detail: "[1,2]" })).toEqual(["Detail:MalformedDetail"]);
    expect(codes({ ...entry, Detail: "{oops" })).toEqual(["Detail:MalformedDetail"]);
    expect(codes({ ...entry, EventBusName: "not a bus!" })).toEqual(["EventBusName:InvalidArgument"]);
    expect(codes({ ...entry, Detail: JSON.stringify({ x: "y".repeat(256 * 1024) }) })).toEqual(["Detail:EntryTooLarge"]);
  });
});

describe("entrySize (CalculatePutEventsEntrySize)", () => {
  it("counts 14 bytes for Time and the UTF-8 bytes of the rest", () => {
    expect(entrySize({ Source: "ab", DetailType: "c", Detail: "{}" })).toBe(5);
    expect(entrySize({ Source: "ab", DetailType: "c", Detail: "{}", Time: "2025-01-01T00:00:00Z" })).toBe(19);
    expect(entrySize({ Source: "é", DetailType: "€", Detail: "{}", Resources: ["arn:x", "€"] })).toBe(2 + 3 + 2 + 5 + 3);
  });
});

describe("missingEnvelopeFields (TestEventPattern needs id, account, source, time, region, resources, detail-type)", () => {
  const full = { id: "1", account: "123456789012", source: "s", time: "2025-01-01T00:00:00Z", region: "us-east-1", resources: [], "detail-type": "t", detail: {} };
  it.each<[string, Record<string, unknown>, string[]]>([
    ["a full event", full, []],
    ["detail is optional", { ...full, detail: undefined }, []],
    ["an app's event", { source: "s", "detail-type": "t", detail: {} }, ["id", "account", "time", "region", "resources"]],
    ["nothing", {}, ["id", "account", "source", "time", "region", "resources", "detail-type"]],
    ["undefined is absent", { ...full, region: undefined }, ["region"]],
    ["null is present (TestEventPattern decides)", { ...full, region: null }, []],
    ["detailType is not detail-type", { ...full, "detail-type": undefined, detailType: "t" }, ["detail-type"]],
  ])("%s", (_name, event, missing) => {
    expect(missingEnvelopeFields(event)).toEqual(missing);
  });

  it("a normalized event has them all", () => {
    expect(missingEnvelopeFields(normalizeEvent({ Source: "s", DetailType: "t", Detail: "{}" }, {}).event)).toEqual([]);
  });
});

describe("duplicate keys in Detail", () => {
  it("keep the last value, as the pattern engine reads the same text", () => {
    const detail = '{"status": "queued", "status": "done", "n": {"a": 1}, "n": {"b": 2}}';
    const { event } = normalizeEvent({ Source: "s", DetailType: "t", Detail: detail }, {});
    expect(event.detail).toEqual({ status: "done", n: { b: 2 } });
    const text = `{"source": "s", "detail": ${detail}}`;
    for (const [pattern, expected] of [
      [{ detail: { status: ["done"] } }, true],
      [{ detail: { status: ["queued"] } }, false],
      [{ detail: { n: { a: [1] } } }, false],
      [{ detail: { n: { b: [2] } } }, true],
    ] as const) {
      expect(matchesPattern(pattern, event)).toBe(expected);
      expect(matchesPattern(pattern, text)).toBe(expected);
    }
  });
});
