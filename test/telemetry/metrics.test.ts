import { describe, expect, it } from "vitest";
import { encodeMetrics, type MetricSample } from "../../src/telemetry/metrics";

const sample = (over: Partial<MetricSample> = {}): MetricSample => ({
  timeMs: 2_000,
  projectId: "prj_1",
  model: "mock/tollgate-mock",
  operation: "chat",
  status: 200,
  errorCode: null,
  durationMs: 30,
  ttftMs: 12,
  inputTokens: 10,
  outputTokens: 5,
  costUsd: 0.5,
  ...over,
});

type Encoded = ReturnType<typeof encodeMetrics>;
function metric(body: Encoded, name: string) {
  return body.resourceMetrics[0]?.scopeMetrics[0]?.metrics.find((m) => m.name === name);
}

describe("encodeMetrics", () => {
  const body = encodeMetrics(
    [
      sample(),
      sample({ durationMs: 700, ttftMs: null, costUsd: 0.25 }),
      sample({
        status: 429,
        errorCode: "rate_limit_exceeded",
        model: null,
        inputTokens: null,
        outputTokens: null,
        costUsd: null,
        ttftMs: null,
      }),
    ],
    { startMs: 1_000, endMs: 3_000 },
    { attributes: { "service.name": "tollgate" } },
  );

  it("counts requests per project, model, status and error code as a DELTA sum over the window", () => {
    const requests = metric(body, "tollgate.requests");
    expect(requests && "sum" in requests && requests.sum.aggregationTemporality).toBe(1);
    const points = requests && "sum" in requests ? requests.sum.dataPoints : [];
    expect(points.map((p) => ("asInt" in p ? p.asInt : null))).toEqual(["2", "1"]);
    expect(points[0]).toMatchObject({ startTimeUnixNano: "1000000000", timeUnixNano: "3000000000" });
  });

  it("counts refusals by code and sums cost per project and model", () => {
    const refusals = metric(body, "tollgate.refusals");
    const refusalPoints = refusals && "sum" in refusals ? refusals.sum.dataPoints : [];
    expect(refusalPoints).toHaveLength(1);
    expect(refusalPoints[0]?.attributes).toContainEqual({
      key: "error.type",
      value: { stringValue: "rate_limit_exceeded" },
    });
    const cost = metric(body, "tollgate.cost");
    const costPoints = cost && "sum" in cost ? cost.sum.dataPoints : [];
    expect(costPoints.map((p) => ("asDouble" in p ? p.asDouble : null))).toEqual([0.75]);
  });

  it("puts durations, time to first token and tokens in histograms with the conventions' buckets", () => {
    const duration = metric(body, "gen_ai.server.request.duration");
    const ok = duration && "histogram" in duration ? duration.histogram.dataPoints[0] : undefined;
    expect(ok).toMatchObject({ count: "2", min: 0.03, max: 0.7 });
    // 0.03 s falls in (0.02, 0.04], 0.7 s in (0.64, 1.28]
    expect(ok?.bucketCounts).toEqual(["0", "0", "1", "0", "0", "0", "0", "1", "0", "0", "0", "0", "0", "0", "0"]);
    const ttft = metric(body, "gen_ai.server.time_to_first_token");
    expect(ttft && "histogram" in ttft ? ttft.histogram.dataPoints[0]?.count : null).toBe("1");
    const tokens = metric(body, "gen_ai.client.token.usage");
    const tokenPoints = tokens && "histogram" in tokens ? tokens.histogram.dataPoints : [];
    expect(tokenPoints.map((p) => p.sum)).toEqual([20, 10]); // input 10 + 10, output 5 + 5
  });

  it("leaves out metrics with no data points", () => {
    const empty = encodeMetrics([sample({ ttftMs: null })], { startMs: 0, endMs: 1 }, { attributes: {} });
    expect(metric(empty, "gen_ai.server.time_to_first_token")).toBeUndefined();
    expect(metric(empty, "tollgate.refusals")).toBeUndefined();
  });
});
