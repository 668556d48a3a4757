import { describe, expect, it } from "vitest";
import { encodeAttributes, encodeTraces, nanos } from "../../src/telemetry/otlp-json";
import { SpanKind, type Span } from "../../src/telemetry/span";

describe("OTLP/JSON encoding", () => {
  it("maps attribute values to AnyValue, 64-bit ints as strings, and leaves out null and undefined", () => {
    expect(encodeAttributes({ s: "x", i: 3, d: 0.25, b: false, a: ["p", "q"], n: null, u: undefined })).toEqual([
      { key: "s", value: { stringValue: "x" } },
      { key: "i", value: { intValue: "3" } },
      { key: "d", value: { doubleValue: 0.25 } },
      { key: "b", value: { boolValue: false } },
      { key: "a", value: { arrayValue: { values: [{ stringValue: "p" }, { stringValue: "q" }] } } },
    ]);
  });

  it("writes epoch milliseconds as nanosecond strings without float rounding", () => {
    expect(nanos(1_767_225_600_123)).toBe("1767225600123000000");
  });

  it("encodes a span with its parent, kind, times, events and error status", () => {
    const span: Span = {
      traceId: "a".repeat(32),
      spanId: "b".repeat(16),
      parentSpanId: "c".repeat(16),
      name: "chat mock/tollgate-mock",
      kind: SpanKind.server,
      startMs: 1000,
      endMs: 900, // a clock that went backwards is clamped to a zero-length span
      attributes: { "gen_ai.operation.name": "chat" },
      events: [{ name: "gen_ai.first_token", timeMs: 1000, attributes: {} }],
      error: { message: "provider_error" },
    };
    const body = encodeTraces([span, { ...span, parentSpanId: null, error: null }], {
      attributes: { "service.name": "tollgate" },
    });
    const [resourceSpans] = body.resourceSpans;
    expect(resourceSpans?.resource.attributes).toEqual([{ key: "service.name", value: { stringValue: "tollgate" } }]);
    const [first, second] = resourceSpans?.scopeSpans[0]?.spans ?? [];
    expect(first).toEqual({
      traceId: span.traceId,
      spanId: span.spanId,
      parentSpanId: span.parentSpanId,
      name: span.name,
      kind: 2,
      startTimeUnixNano: "1000000000",
      endTimeUnixNano: "1000000000",
      attributes: [{ key: "gen_ai.operation.name", value: { stringValue: "chat" } }],
      events: [{ timeUnixNano: "1000000000", name: "gen_ai.first_token", attributes: [] }],
      status: { code: 2, message: "provider_error" },
    });
    expect(second).not.toHaveProperty("parentSpanId");
    expect(second?.status).toEqual({ code: 0 });
  });
});
