import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A minimal OTLP/HTTP JSON receiver on 127.0.0.1 for tests and `npm run dev -- --otel`: keeps every POST to
 * /v1/traces and /v1/metrics, decodes spans with their attributes as plain values, and answers 200 `{}` —
 * or, with `hang`, never answers (an exporter stuck on a dead backend). With `keep: false` (the bench) it only
 * counts what arrived, so a long run does not grow the harness's memory.
 */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Record<string, unknown>;
  events: { name: string; timeUnixNano: string }[];
  status?: { code?: number; message?: string };
}

export interface ReceivedPost {
  signal: "traces" | "metrics";
  headers: IncomingMessage["headers"];
  body: string;
}

export interface OtlpReceiver {
  /** What OTEL_EXPORTER_OTLP_ENDPOINT is set to: `http://127.0.0.1:{port}`. */
  endpoint: string;
  posts: ReceivedPost[];
  /** POSTs per signal, kept or not. */
  received: { traces: number; metrics: number };
  spans: ReceivedSpan[];
  /** Metric name → the data points received for it, attributes decoded. */
  metrics: Map<string, { attributes: Record<string, unknown>; point: Record<string, unknown> }[]>;
  /** POSTs received and not answered (hang mode), and how many of those the sender gave up on. */
  pending: number;
  abandoned: number;
  onSpan?: (span: ReceivedSpan) => void;
  close(): Promise<void>;
}

interface KeyValue {
  key: string;
  value: Record<string, unknown>;
}

export async function startOtlpReceiver(options: { hang?: boolean; keep?: boolean } = {}): Promise<OtlpReceiver> {
  const receiver: OtlpReceiver = {
    endpoint: "",
    posts: [],
    received: { traces: 0, metrics: 0 },
    spans: [],
    metrics: new Map(),
    pending: 0,
    abandoned: 0,
    close: async () => undefined,
  };
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const signal = req.url === "/v1/traces" ? "traces" : req.url === "/v1/metrics" ? "metrics" : null;
    if (req.method !== "POST" || !signal) {
      res.writeHead(404).end();
      return;
    }
    receiver.received[signal]++;
    if (options.keep !== false) {
      receiver.posts.push({ signal, headers: req.headers, body });
      try {
        if (signal === "traces") collectSpans(receiver, JSON.parse(body));
        else collectMetrics(receiver, JSON.parse(body));
      } catch {
        // kept raw in `posts`; a test asserts on what it needs
      }
    }
    if (options.hang) {
      receiver.pending++;
      res.on("close", () => receiver.abandoned++);
      return;
    }
    res.writeHead(200, { "Content-Type": "application/json" }).end("{}");
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  receiver.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.close = () =>
    new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
  return receiver;
}

function collectSpans(receiver: OtlpReceiver, body: { resourceSpans?: { scopeSpans?: { spans?: unknown[] }[] }[] }) {
  for (const resource of body.resourceSpans ?? [])
    for (const scope of resource.scopeSpans ?? [])
      for (const raw of scope.spans ?? []) {
        const span = raw as ReceivedSpan & { attributes: KeyValue[] };
        const decoded: ReceivedSpan = { ...span, attributes: decodeAttributes(span.attributes) };
        receiver.spans.push(decoded);
        receiver.onSpan?.(decoded);
      }
}

function collectMetrics(
  receiver: OtlpReceiver,
  body: { resourceMetrics?: { scopeMetrics?: { metrics?: unknown[] }[] }[] },
) {
  for (const resource of body.resourceMetrics ?? [])
    for (const scope of resource.scopeMetrics ?? [])
      for (const raw of scope.metrics ?? []) {
        const metric = raw as { name: string; sum?: { dataPoints: unknown[] }; histogram?: { dataPoints: unknown[] } };
        const points = (metric.sum ?? metric.histogram)?.dataPoints ?? [];
        const list = receiver.metrics.get(metric.name) ?? [];
        for (const point of points as (Record<string, unknown> & { attributes?: KeyValue[] })[])
          list.push({ attributes: decodeAttributes(point.attributes ?? []), point });
        receiver.metrics.set(metric.name, list);
      }
}

/** One line per span for `npm run dev -- --otel`: name, duration, trace/span ids and the attributes. */
export function describeSpan(span: ReceivedSpan): string {
  const ms = (BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / 1_000_000n;
  const parent = span.parentSpanId ? ` parent=${span.parentSpanId}` : "";
  return `${span.name} ${ms} ms trace=${span.traceId} span=${span.spanId}${parent} ${JSON.stringify(span.attributes)}`;
}

export function decodeAttributes(attributes: KeyValue[]): Record<string, unknown> {
  return Object.fromEntries(attributes.map(({ key, value }) => [key, decodeValue(value)]));
}

function decodeValue(value: Record<string, unknown>): unknown {
  if ("stringValue" in value) return value.stringValue;
  if ("boolValue" in value) return value.boolValue;
  if ("intValue" in value) return Number(value.intValue);
  if ("doubleValue" in value) return value.doubleValue;
  if ("arrayValue" in value)
    return ((value.arrayValue as { values?: Record<string, unknown>[] }).values ?? []).map(decodeValue);
  return undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => done(Buffer.concat(parts).toString("utf8")));
    req.on("error", fail);
  });
}
