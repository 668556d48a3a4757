import type { GuardrailEvent } from "../http/app-env";
import type { RequestTrace } from "./request-trace";
import { type Attributes, type Span, SpanKind } from "./span";

/**
 * One request's spans under the OpenTelemetry GenAI semantic conventions (gen_ai.* attributes; see
 * docs/observability.md for the full list): the request's SERVER span, a child per pipeline phase
 * (admission, each guardrail, settlement) and a CLIENT span for the provider call. Pure: the record comes
 * from the request log line and the request's trace, both free of headers, keys and (unless the project
 * keeps content) prompt text.
 */
export interface TracedRequest {
  trace: RequestTrace;
  endMs: number;
  method: string;
  path: string;
  status: number;
  errorCode: string | null;
  requestId: string | null;
  tenantId: string | null;
  projectId: string | null;
  projectSlug: string | null;
  costCenter: string | null;
  /** Already hashed unless the project allows plain user ids. */
  userId: string | null;
  requestModel: string | null;
  /** The provider and model admission chose (after fallbacks, the one that answered). */
  target: { provider: string; model: string } | null;
  streamed: boolean;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  /** `X-Tollgate-Cache` of the response (hit, miss, …), when the response cache set one. */
  cache: string | null;
  guardrailEvents: readonly GuardrailEvent[];
  /** `gen_ai.input.messages` / `gen_ai.output.messages` JSON, only when the project keeps content. */
  content: { input: string; output: string | null } | null;
}

/** GenAI operation per data-plane route; other routes (models, memory) are plain HTTP spans. */
const OPERATIONS: Record<string, string> = {
  "/v1/chat/completions": "chat",
  "/v1/responses": "chat",
  "/v1/messages": "chat",
  "/v1/embeddings": "embeddings",
};

/** Our provider ids → the conventions' `gen_ai.provider.name` values where they differ or are defined. */
const PROVIDER_NAMES: Record<string, string> = {
  google: "gcp.gemini",
  vertex: "gcp.vertex_ai",
  bedrock: "aws.bedrock",
  mistral: "mistral_ai",
};

export function operationFor(path: string): string | null {
  return OPERATIONS[path] ?? null;
}

export function providerName(provider: string): string {
  return PROVIDER_NAMES[provider] ?? provider;
}

export function requestSpans(request: TracedRequest): Span[] {
  const { trace } = request;
  const operation = operationFor(request.path);
  const model = request.requestModel ?? request.target?.model ?? null;
  const root: Span = {
    traceId: trace.traceId,
    spanId: trace.spanId,
    parentSpanId: trace.parentSpanId,
    name: operation ? `${operation}${model ? ` ${model}` : ""}` : request.method,
    kind: SpanKind.server,
    startMs: trace.startMs,
    endMs: request.endMs,
    attributes: {
      "gen_ai.operation.name": operation,
      "gen_ai.provider.name": request.target ? providerName(request.target.provider) : null,
      "gen_ai.request.model": request.requestModel,
      "gen_ai.response.model": request.target?.model,
      "gen_ai.usage.input_tokens": request.inputTokens,
      "gen_ai.usage.output_tokens": request.outputTokens,
      "gen_ai.response.finish_reasons": nonEmpty(trace.provider?.finishReasons),
      "error.type": request.errorCode,
      "http.request.method": request.method,
      "url.path": request.path,
      "http.response.status_code": request.status,
      "tollgate.request.id": request.requestId,
      "tollgate.tenant.id": request.tenantId,
      "tollgate.project.id": request.projectId,
      "tollgate.project.slug": request.projectSlug,
      "tollgate.cost_center": request.costCenter,
      "tollgate.user.id": request.userId,
      "tollgate.cost.usd": request.costUsd,
      "tollgate.cache": request.cache,
      "tollgate.streamed": request.streamed,
      "tollgate.time_to_first_token_ms":
        trace.provider?.firstTokenMs !== undefined ? trace.provider.firstTokenMs - trace.startMs : undefined,
      "tollgate.admission.decision": trace.admission?.decision,
      "tollgate.admission.reason": trace.admission?.reason,
      ...guardrailAttributes(request.guardrailEvents),
      "gen_ai.input.messages": request.content?.input,
      "gen_ai.output.messages": request.content?.output,
    },
    events: [],
    error: request.status >= 500 ? { message: request.errorCode ?? "internal_error" } : null,
  };
  const phases: Span[] = trace.phases.map((phase) => ({
    traceId: trace.traceId,
    spanId: phase.spanId,
    parentSpanId: trace.spanId,
    name: `tollgate.${phase.name}`,
    kind: SpanKind.internal,
    startMs: phase.startMs,
    endMs: phase.endMs,
    attributes: phase.attributes,
    events: phase.events,
    error: phase.error ? { message: phase.error } : null,
  }));
  const provider = providerSpan(request, operation);
  return [root, ...phases, ...(provider ? [provider] : [])];
}

function providerSpan(request: TracedRequest, operation: string | null): Span | null {
  const { trace } = request;
  const call = trace.provider;
  if (!call) return null;
  const model = call.model ?? request.target?.model ?? null;
  return {
    traceId: trace.traceId,
    spanId: call.spanId,
    parentSpanId: trace.spanId,
    name: `${operation ?? "chat"}${model ? ` ${model}` : ""}`,
    kind: SpanKind.client,
    startMs: call.startMs,
    endMs: call.endMs ?? request.endMs,
    attributes: {
      "gen_ai.operation.name": operation ?? "chat",
      "gen_ai.provider.name": providerName(call.provider ?? request.target?.provider ?? "unknown"),
      "gen_ai.request.model": model,
      "gen_ai.response.model": model,
      "gen_ai.usage.input_tokens": call.inputTokens ?? request.inputTokens,
      "gen_ai.usage.output_tokens": call.outputTokens ?? request.outputTokens,
      "gen_ai.response.finish_reasons": nonEmpty(call.finishReasons),
      "error.type": call.error,
      "server.address": call.serverAddress,
      "tollgate.provider.attempts": call.attempts,
      "tollgate.provider.time_to_first_token_ms":
        call.firstTokenMs !== undefined ? call.firstTokenMs - call.startMs : undefined,
    },
    events: [
      ...(call.headersMs !== undefined
        ? [{ name: "tollgate.provider.headers", timeMs: call.headersMs, attributes: {} }]
        : []),
      ...(call.firstTokenMs !== undefined
        ? [{ name: "gen_ai.first_token", timeMs: call.firstTokenMs, attributes: {} }]
        : []),
    ],
    error: call.error ? { message: call.error } : null,
  };
}

/**
 * Guardrail events by type and count, never values: `tollgate.guardrail.pii.EMAIL = 2`, the Sentinel score and
 * families, and the list of event kinds (its length is the event count).
 */
export function guardrailAttributes(events: readonly GuardrailEvent[]): Attributes {
  const attributes: Attributes = {};
  for (const event of events) {
    if (event.kind === "pii" || event.kind === "pii_output") {
      attributes[`tollgate.guardrail.${event.kind}.mode`] = event.mode;
      addCounts(attributes, findingCounts(`tollgate.guardrail.${event.kind}`, event.findings));
    } else if (event.kind === "sentinel") {
      attributes["tollgate.guardrail.sentinel.mode"] = event.mode;
      attributes["tollgate.guardrail.sentinel.score"] = event.score;
      attributes["tollgate.guardrail.sentinel.families"] = event.families;
    } else {
      attributes["tollgate.refusal.code"] = event.code;
    }
  }
  if (events.length > 0) attributes["tollgate.guardrail.events"] = events.map((event) => event.kind);
  return attributes;
}

/** `{prefix}.{TYPE}` = count, summed per type: bounded keys (the entity names), never a matched value. */
export function findingCounts(
  prefix: string,
  findings: readonly { type: string; count: number }[],
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { type, count } of findings) counts[`${prefix}.${type}`] = (counts[`${prefix}.${type}`] ?? 0) + count;
  return counts;
}

function addCounts(attributes: Attributes, counts: Record<string, number>): void {
  for (const [key, count] of Object.entries(counts)) {
    const before = attributes[key];
    attributes[key] = (typeof before === "number" ? before : 0) + count;
  }
}

function nonEmpty(values: string[] | undefined): string[] | undefined {
  return values && values.length > 0 ? values : undefined;
}
