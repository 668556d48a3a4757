import type { Attributes, SpanEvent } from "./span";
import { formatTraceparent, newSpanId, newTraceId, parseTraceparent, type TraceParent } from "./trace-context";

/**
 * What one data-plane request records for its trace while it runs: the ids (continuing the caller's
 * `traceparent` when it sent a valid one), and the timed phases the pipeline steps and the handler report.
 * The request's span itself is built once, at the end, from the request log's record plus this
 * (gen-ai-span.ts), so nothing is collected twice. Never holds a header, key or prompt text: the completion
 * text is reachable only through `outputText`, read only when the project keeps content.
 */
export interface RequestTrace {
  traceId: string;
  spanId: string;
  /** The caller's span, when a valid `traceparent` came in. */
  parentSpanId: string | null;
  /** The caller's sampling decision (W3C flag); a request without `traceparent` is sampled. */
  sampled: boolean;
  startMs: number;
  phases: Phase[];
  admission?: { decision: "admitted" | "denied"; reason?: string };
  provider?: ProviderPhase;
  /** The answer as the provider wrote it (masked PII stays masked), for `trace_content`. */
  outputText?: () => string;
  /** Set when the request was queued for settlement; `done` once its batch reached the gate (or failed). */
  settlement?: { done: boolean; wake?: () => void };
}

export interface Phase {
  name: string;
  spanId: string;
  startMs: number;
  endMs: number;
  attributes: Attributes;
  events: SpanEvent[];
  error: string | null;
}

export interface ProviderPhase {
  spanId: string;
  startMs: number;
  /** Response headers arrived (the provider accepted the call). */
  headersMs?: number;
  firstTokenMs?: number;
  endMs?: number;
  attempts?: number;
  /** `provider/model` that answered, after fallbacks. */
  provider?: string;
  model?: string;
  serverAddress?: string;
  finishReasons: string[];
  inputTokens?: number;
  outputTokens?: number;
  error?: string;
}

export function startRequestTrace(traceparent: string | null | undefined, nowMs: number): RequestTrace {
  const parent: TraceParent | null = parseTraceparent(traceparent);
  return {
    traceId: parent?.traceId ?? newTraceId(),
    spanId: newSpanId(),
    parentSpanId: parent?.spanId ?? null,
    sampled: parent?.sampled ?? true,
    startMs: nowMs,
    phases: [],
  };
}

/** Records a finished step of the pipeline as a child span. */
export function recordPhase(
  trace: RequestTrace | undefined,
  phase: { name: string; startMs: number; endMs?: number; attributes?: Attributes; error?: string | null },
): void {
  trace?.phases.push({
    name: phase.name,
    spanId: newSpanId(),
    startMs: phase.startMs,
    endMs: phase.endMs ?? Date.now(),
    attributes: phase.attributes ?? {},
    events: [],
    error: phase.error ?? null,
  });
}

/**
 * Records the settlement span and wakes an exporter waiting in `untilSettled`. Called by whichever request
 * sent the settle batch (settle-queue.ts), so it touches plain fields only and resolves nothing but a wait
 * this trace's own request still holds open.
 */
export function markSettled(trace: RequestTrace, phase: Parameters<typeof recordPhase>[1]): void {
  recordPhase(trace, phase);
  const settlement = trace.settlement ?? { done: false };
  trace.settlement = settlement;
  settlement.done = true;
  const wake = settlement.wake;
  settlement.wake = undefined;
  wake?.();
}

/**
 * Waits, at most `ms`, until the request's settlement was sent. The wait's promise is this request's own and
 * is never resolved after it gave up (the timer clears `wake` before resolving), so no other request settles a
 * promise of this one after it ended.
 */
export async function untilSettled(trace: RequestTrace, ms: number): Promise<void> {
  const settlement = trace.settlement;
  if (!settlement || settlement.done) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await new Promise<void>((resolve) => {
    settlement.wake = resolve;
    timer = setTimeout(() => {
      settlement.wake = undefined;
      resolve();
    }, ms);
  });
  clearTimeout(timer);
}

/** Opens the provider call's span; its id is the parent the provider sees in `traceparent`. */
export function startProviderPhase(trace: RequestTrace | undefined, nowMs: number): ProviderPhase | undefined {
  if (!trace) return undefined;
  trace.provider = { spanId: newSpanId(), startMs: nowMs, finishReasons: [] };
  return trace.provider;
}

/** The `traceparent` sent to the provider: this trace, with the provider call's span as the parent. */
export function providerTraceparent(trace: RequestTrace, provider: ProviderPhase): string {
  return formatTraceparent({ traceId: trace.traceId, spanId: provider.spanId, sampled: trace.sampled });
}
