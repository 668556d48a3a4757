import { describe, expect, it } from "vitest";
import { parseOtlpHeaders } from "../../src/telemetry/otlp-headers";

describe("parseOtlpHeaders (OTEL_EXPORTER_OTLP_HEADERS)", () => {
  it.each([
    [undefined, {}],
    ["", {}],
    ["api-key=abc", { "api-key": "abc" }],
    ["Authorization=Basic%20dXNlcg%3D%3D, x-tenant = t1", { Authorization: "Basic dXNlcg==", "x-tenant": "t1" }],
  ])("reads %j", (raw, expected) => {
    expect(parseOtlpHeaders(raw)).toEqual(expected);
  });

  it.each([["novalue"], ["=value"], ["bad name=v"], ["k=%E0%A4%A"]])("refuses %j", (raw) => {
    expect(parseOtlpHeaders(raw)).toBeNull();
  });
});
