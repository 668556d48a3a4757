import { encodeTraces, type Resource } from "./otlp-json";
import { encodeMetrics, type MetricSample } from "./metrics";
import type { Span } from "./span";

/**
 * The per-isolate OTLP/HTTP exporter. A request's spans and metric sample join the isolate's open batch; the
 * request that opened it sends it after BATCH_DELAY_MS, from its `waitUntil` (the caller awaits `enqueue`'s
 * promise there), so many requests make one POST per signal. Each POST is bounded by
 * AbortSignal.timeout(EXPORT_TIMEOUT_MS) and every failure is swallowed: telemetry never holds or fails a
 * request. A batch over MAX_QUEUED_SPANS drops the newest spans (counted in the warning line) rather than
 * grow while a backend is down.
 */
export const BATCH_DELAY_MS = 500;
export const EXPORT_TIMEOUT_MS = 5_000;
const MAX_QUEUED_SPANS = 2_048;

export interface ExporterConfig {
  /** The OTLP/HTTP base URL; `/v1/traces` and `/v1/metrics` are appended (OTEL_EXPORTER_OTLP_ENDPOINT rules). */
  endpoint: string;
  headers: Record<string, string>;
  resource: Resource;
  fetch?: typeof fetch;
  warn?: (line: string) => void;
}

interface Batch {
  openedAt: number;
  spans: Span[];
  samples: MetricSample[];
  dropped: number;
}

let open: Batch | null = null;
/** End of the previous metrics window: delta series are contiguous within an isolate. */
let lastWindowEnd: number | null = null;

/** Adds one request's telemetry; resolves when the batch it joined was sent, if this call opened it. */
export function enqueue(config: ExporterConfig, spans: readonly Span[], sample: MetricSample): Promise<void> {
  if (open) {
    if (open.spans.length + spans.length > MAX_QUEUED_SPANS) open.dropped += spans.length;
    else open.spans.push(...spans);
    open.samples.push(sample);
    return Promise.resolve();
  }
  const batch: Batch = { openedAt: sample.timeMs, spans: [...spans], samples: [sample], dropped: 0 };
  open = batch;
  return new Promise((resolve) => setTimeout(resolve, BATCH_DELAY_MS)).then(() => {
    if (open === batch) open = null;
    return send(config, batch);
  });
}

async function send(config: ExporterConfig, batch: Batch): Promise<void> {
  const now = Date.now();
  const window = { startMs: Math.min(lastWindowEnd ?? batch.openedAt, batch.openedAt), endMs: now };
  lastWindowEnd = now;
  const posts: Promise<void>[] = [post(config, "metrics", encodeMetrics(batch.samples, window, config.resource))];
  if (batch.spans.length > 0) posts.push(post(config, "traces", encodeTraces(batch.spans, config.resource)));
  await Promise.all(posts);
  if (batch.dropped > 0) warn(config, { signal: "traces", reason: "queue_full", dropped_spans: batch.dropped });
}

async function post(config: ExporterConfig, signal: "traces" | "metrics", body: unknown): Promise<void> {
  try {
    const response = await (config.fetch ?? fetch)(`${config.endpoint.replace(/\/+$/, "")}/v1/${signal}`, {
      method: "POST",
      headers: { ...config.headers, "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(EXPORT_TIMEOUT_MS),
    });
    // Drain the body so the connection is released; a partial-success body is not acted on.
    await response.body?.cancel();
    if (!response.ok) warn(config, { signal, reason: `status_${response.status}` });
  } catch (err) {
    const reason =
      err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError") ? "timeout" : "unreachable";
    warn(config, { signal, reason });
  }
}

/** Names the signal and why, never the endpoint (it may carry credentials) or a header. */
function warn(config: ExporterConfig, fields: Record<string, string | number>): void {
  (config.warn ?? console.warn)(JSON.stringify({ level: "warn", msg: "otlp_export_failed", ...fields }));
}

/** Test hook: forget the open batch and the metrics window (the module state is per isolate). */
export function resetExporter(): void {
  open = null;
  lastWindowEnd = null;
}
