import { describe, expect, it } from "vitest";
import { guardrailAttributes, providerName, requestSpans, type TracedRequest } from "../../src/telemetry/gen-ai-span";
import { recordPhase, startRequestTrace } from "../../src/telemetry/request-trace";
import { SpanKind } from "../../src/telemetry/span";

const CALLER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

function streamedRequest(): TracedRequest {
  const trace = startRequestTrace(CALLER, 1_000);
  recordPhase(trace, {
    name: "admission",
    startMs: 1_001,
    endMs: 1_004,
    attributes: { "tollgate.admission.decision": "admitted" },
  });
  trace.admission = { decision: "admitted" };
  trace.provider = {
    spanId: "1234567890abcdef",
    startMs: 1_010,
    headersMs: 1_050,
    firstTokenMs: 1_060,
    endMs: 1_200,
    attempts: 1,
    provider: "openai",
    model: "gpt-4o-mini",
    serverAddress: "api.openai.com",
    finishReasons: ["stop"],
    inputTokens: 11,
    outputTokens: 5,
  };
  return {
    trace,
    endMs: 1_210,
    method: "POST",
    path: "/v1/chat/completions",
    status: 200,
    errorCode: null,
    requestId: "req_1",
    tenantId: "ten_1",
    projectId: "prj_1",
    projectSlug: "amber-fox-042",
    costCenter: "eng",
    userId: "sha256:abc",
    requestModel: "openai/gpt-4o-mini",
    target: { provider: "openai", model: "gpt-4o-mini" },
    streamed: true,
    inputTokens: 11,
    outputTokens: 5,
    costUsd: 0.000004,
    cache: "miss",
    guardrailEvents: [{ kind: "pii", mode: "shadow", action: "mask", findings: [{ type: "EMAIL", count: 2 }] }],
    content: null,
  };
}

describe("requestSpans", () => {
  it("makes a SERVER span continuing the caller's trace, with GenAI and Tollgate attributes", () => {
    const [root] = requestSpans(streamedRequest());
    expect(root).toMatchObject({
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      parentSpanId: "00f067aa0ba902b7",
      name: "chat openai/gpt-4o-mini",
      kind: SpanKind.server,
      startMs: 1_000,
      endMs: 1_210,
      error: null,
    });
    expect(root?.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "openai/gpt-4o-mini",
      "gen_ai.response.model": "gpt-4o-mini",
      "gen_ai.usage.input_tokens": 11,
      "gen_ai.usage.output_tokens": 5,
      "gen_ai.response.finish_reasons": ["stop"],
      "tollgate.tenant.id": "ten_1",
      "tollgate.project.id": "prj_1",
      "tollgate.cost_center": "eng",
      "tollgate.user.id": "sha256:abc",
      "tollgate.cost.usd": 0.000004,
      "tollgate.cache": "miss",
      "tollgate.admission.decision": "admitted",
      "tollgate.guardrail.pii.EMAIL": 2,
      "tollgate.guardrail.events": ["pii"],
      "tollgate.time_to_first_token_ms": 60,
    });
    expect(root?.attributes["error.type"]).toBeNull();
    expect(root?.attributes["gen_ai.input.messages"]).toBeUndefined();
  });

  it("hangs the phases and a CLIENT provider span (time to first token) under the request span", () => {
    const spans = requestSpans(streamedRequest());
    const [root, admission, provider] = spans;
    expect(spans).toHaveLength(3);
    expect(admission).toMatchObject({
      name: "tollgate.admission",
      parentSpanId: root?.spanId,
      kind: SpanKind.internal,
    });
    expect(provider).toMatchObject({
      spanId: "1234567890abcdef",
      parentSpanId: root?.spanId,
      kind: SpanKind.client,
      name: "chat gpt-4o-mini",
      startMs: 1_010,
      endMs: 1_200,
    });
    expect(provider?.attributes).toMatchObject({
      "server.address": "api.openai.com",
      "tollgate.provider.time_to_first_token_ms": 50,
      "gen_ai.response.finish_reasons": ["stop"],
    });
    expect(provider?.events.map((event) => event.name)).toEqual(["tollgate.provider.headers", "gen_ai.first_token"]);
  });

  it("names a refusal by its error type and marks only server-side failures as errors", () => {
    const refused = { ...streamedRequest(), status: 400, errorCode: "prompt_injection_detected" };
    refused.trace.provider = undefined;
    const [root, ...children] = requestSpans(refused);
    expect(root?.attributes["error.type"]).toBe("prompt_injection_detected");
    expect(root?.error).toBeNull();
    expect(children.map((span) => span.name)).toEqual(["tollgate.admission"]);
    const failed = requestSpans({ ...streamedRequest(), status: 502, errorCode: "provider_error" })[0];
    expect(failed?.error).toEqual({ message: "provider_error" });
  });

  it("names non-GenAI routes by method only and carries content only when given", () => {
    const models = requestSpans({ ...streamedRequest(), path: "/v1/models", method: "GET" })[0];
    expect(models?.name).toBe("GET");
    expect(models?.attributes["gen_ai.operation.name"]).toBeNull();
    const kept = requestSpans({ ...streamedRequest(), content: { input: "[in]", output: "[out]" } })[0];
    expect(kept?.attributes).toMatchObject({ "gen_ai.input.messages": "[in]", "gen_ai.output.messages": "[out]" });
  });
});

describe("guardrailAttributes", () => {
  it("counts findings by type across events, with the Sentinel verdict and the refusal code", () => {
    expect(
      guardrailAttributes([
        {
          kind: "pii",
          mode: "enforce",
          action: "mask",
          findings: [
            { type: "EMAIL", count: 1 },
            { type: "PHONE", count: 2 },
          ],
        },
        { kind: "sentinel", mode: "shadow", score: 0.91, families: ["instruction_override"] },
        { kind: "pii_output", mode: "enforce", findings: [{ type: "EMAIL", count: 3 }] },
        { kind: "refusal", code: "pii_detected" },
      ]),
    ).toEqual({
      "tollgate.guardrail.pii.mode": "enforce",
      "tollgate.guardrail.pii.EMAIL": 1,
      "tollgate.guardrail.pii.PHONE": 2,
      "tollgate.guardrail.sentinel.mode": "shadow",
      "tollgate.guardrail.sentinel.score": 0.91,
      "tollgate.guardrail.sentinel.families": ["instruction_override"],
      "tollgate.guardrail.pii_output.mode": "enforce",
      "tollgate.guardrail.pii_output.EMAIL": 3,
      "tollgate.refusal.code": "pii_detected",
      "tollgate.guardrail.events": ["pii", "sentinel", "pii_output", "refusal"],
    });
  });

  it("maps provider ids to the conventions' names", () => {
    expect([providerName("google"), providerName("bedrock"), providerName("openai")]).toEqual([
      "gcp.gemini",
      "aws.bedrock",
      "openai",
    ]);
  });
});
