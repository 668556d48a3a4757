import type { Context } from "hono";
import type { DataPlaneEnv } from "../http/app-env";
import { createPlaceholderRestorer, restorePlaceholders } from "../guardrails/pii/restore";
import { budgetHeaders } from "../limits/budget-headers";
import { callProvider } from "../providers/call";
import { readCompletion } from "../providers/complete";
import type { ChatCompletionChunk } from "../providers/openai-schema";
import {
  collectAssistantText,
  mapContentDeltas,
  onFirstContent,
  SSE_HEADERS,
  streamChatCompletion,
  type StreamStage,
  tapChunks,
} from "../streaming";
import { endProviderPhase, hostOf, traced } from "../telemetry/provider-phase";
import { providerTraceparent, startProviderPhase } from "../telemetry/request-trace";
import { estimatePromptTokens } from "../usage/token-count";
import { serveCachedAnswer } from "./cache-hit";
import { payingTarget } from "./credentials";
import { rememberTurn } from "./memory-append";
import { chooseModel } from "./model-policy";
import { scanWholeAnswer, streamOutputScan } from "./output-pii";
import { settleStream } from "./answer-output";
import { costOf, remainingAfter, settleRequest } from "./settle";

/**
 * `POST /v1/chat/completions` after every pipeline check passed: call the provider with the tenant's key,
 * answer (streamed as it arrives, or whole), restore masked PII, remember the turn, and settle usage.
 */
export async function chatCompletions(c: Context<DataPlaneEnv>): Promise<Response> {
  const { chat, settings, admission, project, requestId } = c.var;
  const cache = c.var.cache;
  if (cache?.status === "HIT") return serveCachedAnswer(c, cache.entry);
  const primary = await payingTarget(c.env, project.tenantId, c.get("credentials"), chooseModel(chat.model, settings));
  const fallbacks = await Promise.all(
    settings.fallback_models.map((ref) => payingTarget(c.env, project.tenantId, c.get("credentials"), ref)),
  );
  // The reservation assumed at most `max_tokens_cap` completion tokens when the client set no limit; say so
  // upstream, so the provider cannot generate past what the budget reserved.
  const capped =
    chat.max_tokens || chat.max_completion_tokens ? chat : { ...chat, max_tokens: settings.max_tokens_cap };
  const upstreamRequest = chat.stream
    ? { ...capped, stream_options: { ...chat.stream_options, include_usage: true } }
    : capped;
  const trace = c.get("trace");
  const providerPhase = startProviderPhase(trace, Date.now());
  const call = await traced(
    providerPhase,
    callProvider({
      ...primary,
      request: upstreamRequest,
      timeoutMs: settings.upstream_timeout_ms,
      signal: c.req.raw.signal,
      ...(chat.stream && { readOnAfterAbort: true }),
      retry: { attempts: settings.fallback_models.length > 0 ? 2 : 1 },
      fallbacks,
      ...(trace && providerPhase && { headers: { traceparent: providerTraceparent(trace, providerPhase) } }),
    }),
  );
  const paidBy = call.target === primary ? primary : (fallbacks.find((target) => target === call.target) ?? primary);
  admission.target = { provider: call.target.adapter.id, model: call.target.model };
  if (providerPhase) {
    Object.assign(providerPhase, {
      headersMs: Date.now(),
      attempts: call.attempts,
      provider: call.target.adapter.id,
      model: call.target.model,
      serverAddress: hostOf(call.target.baseUrl),
    });
  }
  const meta = {
    id: `chatcmpl-${requestId.slice(4)}`,
    created: Math.floor(Date.now() / 1000),
    model: `${call.target.adapter.id}/${call.target.model}`,
  };
  const promptEstimate = estimatePromptTokens(chat.messages, chat.tools);
  const placeholders = admission.placeholders ?? {};

  if (!chat.stream) {
    const { completion, usage } = await readCompletion(call, meta, promptEstimate);
    endProviderPhase(providerPhase, {
      finishReasons: completion.choices.map((choice) => choice.finish_reason ?? "unknown"),
      usage,
    });
    // Known before the output scan: an answer refused afterwards is still charged what the provider generated.
    admission.usage = { promptTokens: usage.promptTokens, completionTokens: usage.completionTokens };
    // The cache keeps the answer as the provider gave it: each hit applies its own output policy and restore.
    const asGiven = cache?.status === "MISS" ? structuredClone(completion) : undefined;
    // Memory keeps the answer as the provider wrote it (placeholders, not the restored values).
    const providerAnswer = completion.choices[0]?.message ? { ...completion.choices[0].message } : undefined;
    if (trace) trace.outputText = () => providerAnswer?.content ?? "";
    scanWholeAnswer(c, completion);
    for (const choice of completion.choices) {
      const text = choice.message.content ?? null;
      if (text !== null) choice.message.content = restorePlaceholders(text, placeholders);
    }
    // Settlement runs after the answer, batched with others (settle-queue.ts): the client does not wait for bookkeeping.
    admission.settledBy = "handler";
    const report = { status: "ok" as const, ...admission.usage, credentialFingerprint: paidBy.fingerprint };
    settleRequest(c.executionCtx, c.env, project.id, requestId, admission, report, trace);
    if (providerAnswer) c.executionCtx.waitUntil(rememberTurn(c, providerAnswer).catch(() => undefined));
    if (asGiven && cache?.status === "MISS") cache.store({ kind: "whole", completion: asGiven }, admission.usage);
    const cost = costOf(admission, report).microUsd;
    const remaining = remainingAfter(admission, {
      tokens: usage.promptTokens + usage.completionTokens,
      microUsd: cost,
    });
    return c.json(completion, 200, budgetHeaders({ remaining, chargedMicroUsd: cost }));
  }

  // The collector sits before the restore stage: memory keeps what the provider wrote.
  const collected = collectAssistantText();
  const stages: StreamStage[] = [collected.stage];
  // First of all stages: the cache keeps the chunks as the provider gave them.
  const chunks: ChatCompletionChunk[] = [];
  if (cache?.status === "MISS") stages.unshift(tapChunks((chunk) => chunks.push(chunk)));
  if (providerPhase) stages.unshift(onFirstContent(() => (providerPhase.firstTokenMs = Date.now())));
  if (trace) trace.outputText = () => collected.text();
  // Output PII runs on what the provider wrote, before placeholders become the user's own values again.
  const outputScan = streamOutputScan(c);
  if (outputScan) stages.push(outputScan.stage);
  if (Object.keys(placeholders).length > 0) {
    stages.push(
      mapContentDeltas(() => {
        const restorer = createPlaceholderRestorer(placeholders);
        return { push: (text) => restorer.push(text), end: () => restorer.flush() };
      }),
    );
  }
  const { body, outcome } = streamChatCompletion({
    upstream: call.response.body ?? new ReadableStream(),
    adapter: call.target.adapter,
    providerLabel: call.target.providerLabel,
    meta,
    includeUsage: chat.stream_options?.include_usage === true,
    promptTokensEstimate: promptEstimate,
    idleTimeoutMs: settings.upstream_timeout_ms,
    // A client that hangs up is charged what the provider bills, not the text it saw (docs/limits.md).
    afterAbort: { reservedCompletionTokens: admission.reserved.completionTokens },
    stages,
  });
  // Once the stream is over: usage settled, the turn remembered (settleStream); the end decides the report.
  const ended = settleStream(
    c,
    outcome,
    () => collected.text(),
    (end) => {
      // Refused part-way by output PII: the stream ended with the error event; charged what was generated.
      const refused = outputScan?.finish() === true;
      if (refused) admission.guardrailEvents.push({ kind: "refusal", code: "pii_detected" });
      const status = refused
        ? "blocked"
        : end.status === "completed"
          ? "ok"
          : end.status === "cancelled"
            ? "aborted"
            : "provider_error";
      endProviderPhase(providerPhase, {
        finishReasons: end.finishReason ? [end.finishReason] : [],
        usage: end.usage,
        ...(end.status === "failed" && { error: "provider_error" }),
      });
      return {
        status,
        promptTokens: end.usage.promptTokens,
        completionTokens: end.usage.completionTokens,
        credentialFingerprint: paidBy.fingerprint,
      };
    },
    trace,
  );
  // Only a stream that completed is kept: a cut-short or failed one would replay the failure.
  if (cache?.status === "MISS")
    ended
      .then((end) => {
        if (end.status === "completed") cache.store({ kind: "stream", chunks }, end.usage);
      })
      .catch(() => undefined);
  return new Response(body, {
    status: 200,
    headers: { ...SSE_HEADERS, ...budgetHeaders({ remaining: admission.remaining }) },
  });
}
