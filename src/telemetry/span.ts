/**
 * The gateway's own span model: plain values, built by pure functions (gen-ai-span.ts) and encoded to OTLP by
 * otlp-json.ts. Times are epoch milliseconds (what Workers' clocks give; they advance only across I/O, so a
 * span of pure computation measures 0 ms in production — see docs/observability.md).
 */
export type AttributeValue = string | number | boolean | string[] | number[];
export type Attributes = Record<string, AttributeValue | null | undefined>;

/** OTLP SpanKind numbers. */
export const SpanKind = { internal: 1, server: 2, client: 3 } as const;
export type SpanKind = (typeof SpanKind)[keyof typeof SpanKind];

export interface SpanEvent {
  name: string;
  timeMs: number;
  attributes: Attributes;
}

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: SpanKind;
  startMs: number;
  endMs: number;
  attributes: Attributes;
  events: SpanEvent[];
  /** OTLP status: unset unless the request failed on our or the provider's side. */
  error: { message: string } | null;
}
