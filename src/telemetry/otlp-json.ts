import type { Attributes, AttributeValue, Span } from "./span";

/**
 * OTLP/JSON encoding (opentelemetry-proto, JSON mapping of ExportTraceServiceRequest and
 * ExportMetricsServiceRequest): hex trace and span ids, 64-bit integers as decimal strings, enums as numbers.
 * Hand-written because the SDK route costs more than this file (docs/observability.md "Library").
 */
export interface Resource {
  attributes: Attributes;
}

type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: AnyValue[] } };

export interface KeyValue {
  key: string;
  value: AnyValue;
}

export const SCOPE = { name: "tollgate", version: "0.1.0" } as const;

export function encodeValue(value: AttributeValue): AnyValue {
  if (Array.isArray(value)) return { arrayValue: { values: value.map((item) => encodeValue(item)) } };
  if (typeof value === "string") return { stringValue: value };
  if (typeof value === "boolean") return { boolValue: value };
  return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}

/** Null and undefined attributes are left out: OTLP has no null, and absent says "not known" better than "". */
export function encodeAttributes(attributes: Attributes): KeyValue[] {
  const out: KeyValue[] = [];
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined) out.push({ key, value: encodeValue(value) });
  }
  return out;
}

export function nanos(ms: number): string {
  // Milliseconds to nanoseconds as a decimal string without float rounding past 2^53.
  return `${Math.round(ms)}000000`;
}

export function encodeTraces(spans: readonly Span[], resource: Resource) {
  return {
    resourceSpans: [
      {
        resource: { attributes: encodeAttributes(resource.attributes) },
        scopeSpans: [{ scope: SCOPE, spans: spans.map(encodeSpan) }],
      },
    ],
  };
}

function encodeSpan(span: Span) {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    ...(span.parentSpanId && { parentSpanId: span.parentSpanId }),
    name: span.name,
    kind: span.kind,
    startTimeUnixNano: nanos(span.startMs),
    endTimeUnixNano: nanos(Math.max(span.startMs, span.endMs)),
    attributes: encodeAttributes(span.attributes),
    events: span.events.map((event) => ({
      timeUnixNano: nanos(event.timeMs),
      name: event.name,
      attributes: encodeAttributes(event.attributes),
    })),
    // STATUS_CODE_ERROR = 2; unset (0) otherwise, as the HTTP server conventions ask for 4xx answers.
    status: span.error ? { code: 2, message: span.error.message } : { code: 0 },
  };
}
