import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { GatewayError } from "../errors";
import { microToUsd } from "../limits/budget-headers";
import { exportRequestTelemetry, type LoggedRequest } from "../telemetry/export-request";
import { startRequestTrace } from "../telemetry/request-trace";
import { costMicroUsd } from "../usage/pricing";
import type { AdmissionState, DataPlaneEnv, ProjectClaims, ProjectRef } from "./app-env";

/**
 * One structured line per data-plane request, composed when the response is ready and written just after it
 * leaves (see `afterResponse`).
 *
 * Every field is read from typed context the pipeline set (ids, model, status, counts), never from the
 * request: no header, no body, no query string is copied, so a key, a JWT, a BYOK secret or prompt text
 * cannot reach the log however a client phrases its request. Guardrail events carry types, counts and
 * families only (AdmissionState's contract).
 *
 * Token counts come from the handler (AdmissionState), never from re-reading a body: a whole answer's when it
 * is sent, a stream's when it ends (`streamUsage`). So a stream's line is written when the stream is over,
 * with `streamed: true`, its tokens, their cost and any output-PII events; `latency_ms` stays the time until
 * the response started. The same record becomes the request's OpenTelemetry span (src/telemetry/).
 */
export interface RequestLogLine extends LoggedRequest {
  level: "info" | "warn";
  msg: "request";
  latency_ms: number;
}

export function requestLog(options: { write?: (line: string) => void; now?: () => number } = {}) {
  const write = options.write ?? ((line: string) => console.log(line));
  const now = options.now ?? Date.now;
  return createMiddleware<DataPlaneEnv>(async function requestLog(c, next) {
    const startedAt = now();
    c.set("trace", startRequestTrace(c.req.header("traceparent"), startedAt));
    await next();
    // Set only by the steps that ran: an early refusal (unknown host, bad JWT) leaves these undefined.
    const project: ProjectRef | undefined = c.get("project");
    const claims: ProjectClaims | undefined = c.get("claims");
    const admission: AdmissionState | undefined = c.get("admission");
    const streamed = (c.res.headers.get("Content-Type") ?? "").includes("text/event-stream");
    const answered = c.res.ok ? (streamed ? admission?.streamUsage : admission?.usage) : undefined;
    const line: Omit<RequestLogLine, "prompt_tokens" | "completion_tokens" | "cost_usd" | "guardrail_events"> = {
      level: c.res.status >= 500 ? "warn" : "info",
      msg: "request",
      request_id: c.get("requestId") ?? null,
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      tenant_id: project?.tenantId ?? null,
      project_id: project?.id ?? null,
      user_id: claims?.uid ?? null,
      model: admission ? `${admission.target.provider}/${admission.target.model}` : null,
      status: c.res.status,
      error_code: c.error instanceof GatewayError ? c.error.code : c.error ? "internal_error" : null,
      latency_ms: now() - startedAt,
      streamed,
    };
    afterResponse(c, async () => {
      // A stream's counts are known when it ends; its output-PII events are recorded by then too.
      const usage = (await answered) ?? null;
      const full: RequestLogLine = {
        ...line,
        prompt_tokens: usage?.promptTokens ?? null,
        completion_tokens: usage?.completionTokens ?? null,
        cost_usd: usage && admission ? priced(admission.target, usage) : null,
        guardrail_events: admission?.guardrailEvents ?? [],
      };
      write(JSON.stringify(full));
      // The same record, as OpenTelemetry spans and metrics (no-op unless OTEL_EXPORTER_OTLP_ENDPOINT is set).
      await exportRequestTelemetry(c, full, streamed ? now() : startedAt + line.latency_ms);
    });
  });
}

/**
 * Runs `work` from the turn after the handler returns, kept alive by `waitUntil`, so the response is on its
 * way before the console write: the client does not wait for the log (measured ≈ 0.2 ms of latency and
 * first-byte time in workerd, docs/bench/gateway.md). Without an execution context it starts at once.
 */
function afterResponse(c: Context<DataPlaneEnv>, work: () => Promise<void>): void {
  let ctx: Pick<ExecutionContext, "waitUntil"> | undefined;
  try {
    ctx = c.executionCtx;
  } catch {
    // hono throws when the app was called without one (unit use)
  }
  if (!ctx) return void work();
  ctx.waitUntil(new Promise<void>((resolve) => setTimeout(resolve, 0)).then(work));
}

interface Usage {
  promptTokens: number;
  completionTokens: number;
}

function priced(target: AdmissionState["target"], usage: Usage): string | null {
  try {
    return microToUsd(costMicroUsd({ provider: target.provider, model: target.model, ...usage }).microUsd);
  } catch {
    return null;
  }
}
