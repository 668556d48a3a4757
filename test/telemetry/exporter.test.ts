import { afterEach, describe, expect, it } from "vitest";
import { BATCH_DELAY_MS, enqueue, type ExporterConfig, resetExporter } from "../../src/telemetry/exporter";
import type { MetricSample } from "../../src/telemetry/metrics";
import { SpanKind, type Span } from "../../src/telemetry/span";

const span = (name: string): Span => ({
  traceId: "a".repeat(32),
  spanId: "b".repeat(16),
  parentSpanId: null,
  name,
  kind: SpanKind.server,
  startMs: 1,
  endMs: 2,
  attributes: {},
  events: [],
  error: null,
});
const sample: MetricSample = {
  timeMs: Date.now(),
  projectId: "prj_1",
  model: "mock/tollgate-mock",
  operation: "chat",
  status: 200,
  errorCode: null,
  durationMs: 5,
  ttftMs: null,
  inputTokens: 1,
  outputTokens: 1,
  costUsd: 0,
};

interface Posted {
  url: string;
  headers: Headers;
  body: { resourceSpans?: { scopeSpans: { spans: Span[] }[] }[] };
}

function recordingConfig(fetchImpl?: typeof fetch) {
  const posted: Posted[] = [];
  const warnings: string[] = [];
  const config: ExporterConfig = {
    endpoint: "https://collector.example/otlp/",
    headers: { "x-api-key": "secret-header-value" },
    resource: { attributes: { "service.name": "tollgate" } },
    warn: (line) => warnings.push(line),
    fetch:
      fetchImpl ??
      (async (input, init) => {
        posted.push({ url: String(input), headers: new Headers(init?.headers), body: JSON.parse(String(init?.body)) });
        return new Response("{}", { status: 200 });
      }),
  };
  return { config, posted, warnings };
}

afterEach(() => resetExporter());

describe("the per-isolate OTLP exporter", () => {
  it("sends the requests that arrive within the batch delay as one POST per signal, with the configured headers", async () => {
    const { config, posted } = recordingConfig();
    const opener = enqueue(config, [span("first")], sample);
    await enqueue(config, [span("second")], sample); // joins the open batch, resolves at once
    expect(posted).toHaveLength(0);
    await opener;
    expect(posted.map((p) => p.url).sort()).toEqual([
      "https://collector.example/otlp/v1/metrics",
      "https://collector.example/otlp/v1/traces",
    ]);
    const traces = posted.find((p) => p.url.endsWith("/v1/traces"));
    expect(traces?.headers.get("x-api-key")).toBe("secret-header-value");
    expect(traces?.headers.get("content-type")).toBe("application/json");
    expect(traces?.body.resourceSpans?.[0]?.scopeSpans[0]?.spans.map((s) => s.name)).toEqual(["first", "second"]);
  });

  it("opens a new batch once the previous one left", async () => {
    const { config, posted } = recordingConfig();
    await enqueue(config, [span("one")], sample);
    await enqueue(config, [span("two")], sample);
    expect(posted.filter((p) => p.url.endsWith("/v1/traces"))).toHaveLength(2);
  });

  it("never rejects: a refused, failing or hanging backend gives a warning line without the endpoint or headers", async () => {
    const refusing = recordingConfig(async () => new Response("no", { status: 503 }));
    await expect(enqueue(refusing.config, [span("x")], sample)).resolves.toBeUndefined();
    expect(refusing.warnings.some((line) => line.includes('"reason":"status_503"'))).toBe(true);

    resetExporter();
    const failing = recordingConfig(async () => {
      throw new TypeError("connection refused");
    });
    await expect(enqueue(failing.config, [span("x")], sample)).resolves.toBeUndefined();
    expect(failing.warnings.some((line) => line.includes('"reason":"unreachable"'))).toBe(true);
    for (const line of [...refusing.warnings, ...failing.warnings]) {
      expect(line).not.toContain("collector.example");
      expect(line).not.toContain("secret-header-value");
    }
  });

  it("bounds a hanging POST with the abort signal it passes", async () => {
    let signal: AbortSignal | undefined;
    const hanging = recordingConfig(async (_input, init) => {
      signal = init?.signal ?? undefined;
      return new Promise<Response>(() => undefined); // never answers; the bound is the signal's
    });
    void enqueue(hanging.config, [span("x")], sample);
    await new Promise((resolve) => setTimeout(resolve, BATCH_DELAY_MS + 50));
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(signal?.aborted).toBe(false);
  });
});
