import { encodeAttributes, nanos, type Resource, SCOPE } from "./otlp-json";
import type { Attributes } from "./span";

/**
 * Request metrics as OTLP metrics, aggregated per export batch with DELTA temporality: each batch reports
 * what happened since the isolate's previous batch, so isolates need no shared state and a lost batch loses
 * only its own counts. Series of different isolates are kept apart by `service.instance.id` (one per
 * isolate). Backends that want cumulative series convert (the Collector's `deltatocumulative` processor).
 * Names follow the GenAI semantic conventions where they define one; the rest are `tollgate.*`.
 */
export interface MetricSample {
  timeMs: number;
  projectId: string | null;
  /** `provider/model` that answered (or was asked for), null before a model was known. */
  model: string | null;
  operation: string | null;
  status: number;
  errorCode: string | null;
  durationMs: number;
  ttftMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
}

/** The GenAI conventions' advised bucket boundaries. */
const SECONDS_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

interface Series<T> {
  attributes: Attributes;
  value: T;
}

class SeriesMap<T> {
  readonly series = new Map<string, Series<T>>();
  constructor(private readonly initial: () => T) {}
  at(attributes: Attributes): T {
    const key = JSON.stringify(attributes);
    let found = this.series.get(key);
    if (!found) this.series.set(key, (found = { attributes, value: this.initial() }));
    return found.value;
  }
}

interface Histogram {
  count: number;
  sum: number;
  min: number;
  max: number;
  buckets: number[];
}

function observe(map: SeriesMap<Histogram>, attributes: Attributes, value: number, bounds: number[]): void {
  const histogram = map.at(attributes);
  if (histogram.buckets.length === 0) histogram.buckets = new Array<number>(bounds.length + 1).fill(0);
  histogram.count++;
  histogram.sum += value;
  histogram.min = Math.min(histogram.min, value);
  histogram.max = Math.max(histogram.max, value);
  // Bucket i holds (bounds[i-1], bounds[i]]; the last one everything above the last bound.
  const index = bounds.findIndex((bound) => value <= bound);
  const slot = index === -1 ? bounds.length : index;
  histogram.buckets[slot] = (histogram.buckets[slot] ?? 0) + 1;
}

const newHistogram = (): Histogram => ({ count: 0, sum: 0, min: Infinity, max: -Infinity, buckets: [] });

/** The batch's samples as one ExportMetricsServiceRequest, covering [windowStartMs, windowEndMs]. */
export function encodeMetrics(
  samples: readonly MetricSample[],
  window: { startMs: number; endMs: number },
  resource: Resource,
) {
  const requests = new SeriesMap(() => ({ n: 0 }));
  const refusals = new SeriesMap(() => ({ n: 0 }));
  const cost = new SeriesMap(() => ({ n: 0 }));
  const duration = new SeriesMap(newHistogram);
  const ttft = new SeriesMap(newHistogram);
  const tokens = new SeriesMap(newHistogram);
  for (const sample of samples) {
    const base = { "tollgate.project.id": sample.projectId, "gen_ai.request.model": sample.model };
    requests.at({ ...base, "http.response.status_code": sample.status, "error.type": sample.errorCode }).n++;
    if (sample.errorCode) refusals.at({ "tollgate.project.id": sample.projectId, "error.type": sample.errorCode }).n++;
    observe(
      duration,
      { ...base, "gen_ai.operation.name": sample.operation, "error.type": sample.errorCode },
      sample.durationMs / 1000,
      SECONDS_BUCKETS,
    );
    if (sample.ttftMs !== null) observe(ttft, base, sample.ttftMs / 1000, TTFT_BUCKETS);
    if (sample.inputTokens !== null)
      observe(tokens, { ...base, "gen_ai.token.type": "input" }, sample.inputTokens, TOKEN_BUCKETS);
    if (sample.outputTokens !== null)
      observe(tokens, { ...base, "gen_ai.token.type": "output" }, sample.outputTokens, TOKEN_BUCKETS);
    if (sample.costUsd !== null) cost.at(base).n += sample.costUsd;
  }
  const times = { startTimeUnixNano: nanos(window.startMs), timeUnixNano: nanos(window.endMs) };
  const sum = (name: string, unit: string, description: string, map: SeriesMap<{ n: number }>, asInt: boolean) => ({
    name,
    unit,
    description,
    sum: {
      aggregationTemporality: 1, // DELTA
      isMonotonic: true,
      dataPoints: [...map.series.values()].map(({ attributes, value }) => ({
        attributes: encodeAttributes(attributes),
        ...times,
        ...(asInt ? { asInt: String(value.n) } : { asDouble: value.n }),
      })),
    },
  });
  const histogram = (name: string, unit: string, description: string, map: SeriesMap<Histogram>, bounds: number[]) => ({
    name,
    unit,
    description,
    histogram: {
      aggregationTemporality: 1,
      dataPoints: [...map.series.values()].map(({ attributes, value }) => ({
        attributes: encodeAttributes(attributes),
        ...times,
        count: String(value.count),
        sum: value.sum,
        min: value.min,
        max: value.max,
        bucketCounts: value.buckets.map(String),
        explicitBounds: bounds,
      })),
    },
  });
  const metrics = [
    sum("tollgate.requests", "{request}", "Data-plane requests", requests, true),
    sum("tollgate.refusals", "{request}", "Requests refused or failed, by error code", refusals, true),
    sum("tollgate.cost", "USD", "Cost charged at the versioned price table", cost, false),
    histogram(
      "gen_ai.server.request.duration",
      "s",
      "Request duration, to the stream's end",
      duration,
      SECONDS_BUCKETS,
    ),
    histogram("gen_ai.server.time_to_first_token", "s", "Time to the first streamed token", ttft, TTFT_BUCKETS),
    histogram("gen_ai.client.token.usage", "{token}", "Tokens used, by input and output", tokens, TOKEN_BUCKETS),
  ].filter((metric) => ("sum" in metric ? metric.sum : metric.histogram).dataPoints.length > 0);
  return {
    resourceMetrics: [
      { resource: { attributes: encodeAttributes(resource.attributes) }, scopeMetrics: [{ scope: SCOPE, metrics }] },
    ],
  };
}
