import { describe, expect, it } from "vitest";
import { formatTraceparent, newSpanId, newTraceId, parseTraceparent } from "../../src/telemetry/trace-context";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN = "00f067aa0ba902b7";

describe("parseTraceparent", () => {
  it.each([
    [`00-${TRACE}-${SPAN}-01`, { traceId: TRACE, spanId: SPAN, sampled: true }],
    [`00-${TRACE}-${SPAN}-00`, { traceId: TRACE, spanId: SPAN, sampled: false }],
    // a later version: the first four fields are read, extra fields allowed
    [`01-${TRACE}-${SPAN}-03-extra`, { traceId: TRACE, spanId: SPAN, sampled: true }],
  ])("reads %s", (header, expected) => {
    expect(parseTraceparent(header)).toEqual(expected);
  });

  it.each([
    [undefined],
    [""],
    ["garbage"],
    [`00-${"0".repeat(32)}-${SPAN}-01`], // all-zero trace id
    [`00-${TRACE}-${"0".repeat(16)}-01`], // all-zero parent id
    [`ff-${TRACE}-${SPAN}-01`], // forbidden version
    [`00-${TRACE}-${SPAN}-01-extra`], // version 00 has exactly four fields
    [`00-${TRACE.toUpperCase()}-${SPAN}-01`], // upper-case hex
    [`00-${TRACE.slice(1)}-${SPAN}-01`], // short trace id
  ])("refuses %s", (header) => {
    expect(parseTraceparent(header)).toBeNull();
  });
});

describe("formatTraceparent and ids", () => {
  it("round-trips and makes ids of the right length", () => {
    const header = formatTraceparent({ traceId: TRACE, spanId: SPAN, sampled: true });
    expect(header).toBe(`00-${TRACE}-${SPAN}-01`);
    expect(parseTraceparent(header)).toEqual({ traceId: TRACE, spanId: SPAN, sampled: true });
    expect(newTraceId()).toMatch(/^[0-9a-f]{32}$/);
    expect(newSpanId()).toMatch(/^[0-9a-f]{16}$/);
    expect(newSpanId()).not.toBe(newSpanId());
  });
});
