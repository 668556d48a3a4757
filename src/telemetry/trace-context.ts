/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` header a caller may send, and
 * the one the gateway sends on to the provider. Pure, apart from the random ids.
 *
 * `version-traceid-parentid-flags`, lower-case hex. An all-zero trace or parent id is invalid; a version we do
 * not know is still read for its first four fields (the spec's forward-compatibility rule), except `ff`.
 */
import { toHex } from "../auth/hex";

export interface TraceParent {
  traceId: string;
  spanId: string;
  sampled: boolean;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

export function parseTraceparent(header: string | null | undefined): TraceParent | null {
  if (!header) return null;
  const match = TRACEPARENT.exec(header.trim());
  if (!match) return null;
  const [, version, traceId = "", spanId = "", flags = "00", rest] = match;
  if (version === "ff" || (version === "00" && rest !== undefined)) return null;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return null;
  return { traceId, spanId, sampled: (Number.parseInt(flags, 16) & 1) === 1 };
}

export function formatTraceparent(parent: TraceParent): string {
  return `00-${parent.traceId}-${parent.spanId}-${parent.sampled ? "01" : "00"}`;
}

export function newTraceId(): string {
  return randomHex(16);
}

export function newSpanId(): string {
  return randomHex(8);
}

function randomHex(bytes: number): string {
  const hex = toHex(crypto.getRandomValues(new Uint8Array(bytes)));
  // All zeros is the one invalid id; 2^-64 at worst, but cheap to rule out.
  return /^0+$/.test(hex) ? randomHex(bytes) : hex;
}
