import type { Context } from "hono";
import { sha256Hex } from "../auth/hex";
import { type GatewayConfig, loadConfig } from "../env";
import type { DataPlaneEnv, GuardrailEvent } from "../http/app-env";
import { type ExporterConfig, enqueue } from "./exporter";
import { inputMessages, outputMessages } from "./gen-ai-content";
import { operationFor, requestSpans, type TracedRequest } from "./gen-ai-span";
import type { MetricSample } from "./metrics";
import { parseOtlpHeaders } from "./otlp-headers";
import { untilSettled } from "./request-trace";

/** What the request log line already holds; the span is built from it rather than collected again. */
export interface LoggedRequest {
  request_id: string | null;
  method: string;
  path: string;
  tenant_id: string | null;
  project_id: string | null;
  user_id: string | null;
  model: string | null;
  status: number;
  error_code: string | null;
  streamed: boolean;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  cost_usd: string | null;
  guardrail_events: GuardrailEvent[];
}

/** Settlement usually lands within a batch delay; a trace does not wait longer than this for its span. */
const SETTLEMENT_WAIT_MS = 2_000;
const SERVICE_VERSION = "0.1.0";

let cachedFor: GatewayConfig | undefined;
let cachedExporter: ExporterConfig | null = null;

/** The exporter for this deployment, or null when OTEL_EXPORTER_OTLP_ENDPOINT is unset (export off). */
export function exporterConfig(config: GatewayConfig): ExporterConfig | null {
  if (cachedFor === config) return cachedExporter;
  cachedFor = config;
  cachedExporter = config.OTEL_EXPORTER_OTLP_ENDPOINT
    ? {
        endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
        headers: parseOtlpHeaders(config.OTEL_EXPORTER_OTLP_HEADERS) ?? {},
        resource: {
          attributes: {
            "service.name": config.OTEL_SERVICE_NAME ?? "tollgate",
            "service.version": SERVICE_VERSION,
            // One per isolate: keeps concurrent isolates' DELTA metric series apart (metrics.ts). Made here, not
            // at module scope, where Workers forbid generating random values.
            "service.instance.id": crypto.randomUUID(),
            "telemetry.sdk.name": "tollgate",
            "telemetry.sdk.language": "webjs",
          },
        },
      }
    : null;
  return cachedExporter;
}

/**
 * Runs after the response (inside the request log's `waitUntil`): builds the request's spans and metric sample
 * and hands them to the isolate's batch. Any failure is swallowed here: telemetry never fails a request.
 */
export async function exportRequestTelemetry(
  c: Context<DataPlaneEnv>,
  line: LoggedRequest,
  endMs: number,
): Promise<void> {
  try {
    const exporter = exporterConfig(loadConfig(c.env));
    const trace = c.get("trace");
    if (!exporter || !trace) return;
    await untilSettled(trace, SETTLEMENT_WAIT_MS);
    const sample = metricSample(line, trace.startMs, endMs, trace.provider?.firstTokenMs);
    const spans = trace.sampled ? requestSpans(await tracedRequest(c, line, endMs)) : [];
    await enqueue(exporter, spans, sample);
  } catch {
    // a span that cannot be built is dropped; the request log line was written already
  }
}

async function tracedRequest(c: Context<DataPlaneEnv>, line: LoggedRequest, endMs: number): Promise<TracedRequest> {
  const { trace, settings, admission, chat, project } = c.var;
  const keepsContent = settings?.trace_content === true && settings.retention_days > 0;
  const output = keepsContent ? trace.outputText?.() : undefined;
  return {
    trace,
    endMs,
    method: line.method,
    path: line.path,
    status: line.status,
    errorCode: line.error_code,
    requestId: line.request_id,
    tenantId: line.tenant_id,
    projectId: line.project_id,
    projectSlug: project?.slug ?? null,
    costCenter: admission?.costCenter ?? null,
    userId: line.user_id && (await traceUserId(line.project_id, line.user_id, settings?.trace_user_ids ?? "hashed")),
    requestModel: chat?.model ?? null,
    target: admission?.target ?? null,
    streamed: line.streamed,
    inputTokens: line.prompt_tokens,
    outputTokens: line.completion_tokens,
    costUsd: line.cost_usd === null ? null : Number(line.cost_usd),
    cache: c.res.headers.get("X-Tollgate-Cache"),
    guardrailEvents: line.guardrail_events,
    content:
      keepsContent && chat
        ? { input: inputMessages(chat.messages), output: output === undefined ? null : outputMessages(output) }
        : null,
  };
}

/**
 * The end user's id on a span: a pseudonym unless the project set `trace_user_ids: "plain"`. SHA-256 over the
 * project id and uid, so the same user correlates within a project and not across projects; it is not a
 * secret keyed hash, so a guessable uid (an email) can be confirmed by someone who guesses it.
 */
export async function traceUserId(projectId: string | null, uid: string, mode: "hashed" | "plain"): Promise<string> {
  if (mode === "plain") return uid;
  return `sha256:${(await sha256Hex(`tollgate-trace-user:${projectId ?? ""}:${uid}`)).slice(0, 32)}`;
}

export function metricSample(
  line: LoggedRequest,
  startMs: number,
  endMs: number,
  firstTokenMs: number | undefined,
): MetricSample {
  return {
    timeMs: endMs,
    projectId: line.project_id,
    model: line.model,
    operation: operationFor(line.path),
    status: line.status,
    errorCode: line.error_code,
    durationMs: Math.max(0, endMs - startMs),
    ttftMs: firstTokenMs === undefined ? null : Math.max(0, firstTokenMs - startMs),
    inputTokens: line.prompt_tokens,
    outputTokens: line.completion_tokens,
    costUsd: line.cost_usd === null ? null : Number(line.cost_usd),
  };
}
