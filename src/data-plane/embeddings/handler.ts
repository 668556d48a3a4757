import type { Context } from "hono";
import { type CachedAnswer, embeddingValues, MAX_CACHED_EMBEDDING_VALUES } from "../../cache/answer";
import { GatewayError } from "../../errors";
import type { DataPlaneEnv } from "../../http/app-env";
import { budgetHeaders } from "../../limits/budget-headers";
import { embeddingTranslatorFor } from "../../providers/embeddings/registry";
import { contentText } from "../../providers/openai-schema";
import { resolveModel } from "../../providers/registry";
import { endProviderPhase, hostOf, traced } from "../../telemetry/provider-phase";
import { providerTraceparent, startProviderPhase } from "../../telemetry/request-trace";
import { hitReport } from "../cache-hit";
import { payingTarget } from "../credentials";
import { chooseModel } from "../model-policy";
import { costOf, remainingAfter, settleRequest } from "../settle";
import { embedTexts } from "./embed";
import { embeddingsList } from "./render";
import type { EmbeddingsRequest } from "./request";

/**
 * `POST /v1/embeddings` after the pipeline: embed the texts PII Shield left (read from the chat view), with
 * the key that pays, then settle the input tokens like a chat answer with no completion.
 */
export async function createEmbeddings(c: Context<DataPlaneEnv>): Promise<Response> {
  const { chat, embeddings: request, settings, admission, project, requestId, cache } = c.var;
  if (!request) throw new GatewayError("internal_error", "The embeddings route ran without its parse step.");
  if (cache?.status === "HIT") return serveCachedEmbeddings(c, request, cache.entry);
  const ref = chooseModel(request.model, settings);
  const provider = resolveModel(ref)?.provider;
  const translator = provider ? embeddingTranslatorFor(provider.id) : null;
  if (!provider || !translator)
    throw new GatewayError("invalid_request", `${provider?.label ?? "This provider"} serves no embeddings.`, {
      param: "model",
    });
  const target = await payingTarget(c.env, project.tenantId, c.get("credentials"), ref);
  const trace = c.get("trace");
  const providerPhase = startProviderPhase(trace, Date.now());
  const embedded = embedTexts({
    target,
    translator,
    texts: chat.messages.map((message) => contentText(message.content)),
    ...(request.dimensions !== undefined && { dimensions: request.dimensions }),
    ...(request.user !== undefined && { user: request.user }),
    timeoutMs: settings.upstream_timeout_ms,
    signal: c.req.raw.signal,
    ...(trace && providerPhase && { headers: { traceparent: providerTraceparent(trace, providerPhase) } }),
  });
  const { vectors, promptTokens } = await traced(providerPhase, embedded);
  if (providerPhase) {
    Object.assign(providerPhase, {
      provider: target.adapter.id,
      model: target.model,
      serverAddress: hostOf(target.baseUrl),
    });
    endProviderPhase(providerPhase, { finishReasons: [], usage: { promptTokens, completionTokens: 0 } });
  }
  admission.target = { provider: target.adapter.id, model: target.model };
  admission.usage = { promptTokens, completionTokens: 0 };
  admission.settledBy = "handler";
  const report = { status: "ok" as const, ...admission.usage, credentialFingerprint: target.fingerprint };
  settleRequest(c.executionCtx, c.env, project.id, requestId, admission, report, trace);
  // Kept as the provider gave them (floats, whatever the encoding asked); a batch too large to cache is not.
  if (cache?.status === "MISS" && embeddingValues(vectors) <= MAX_CACHED_EMBEDDING_VALUES)
    cache.store({ kind: "embeddings", vectors }, admission.usage);
  const cost = costOf(admission, report).microUsd;
  const remaining = remainingAfter(admission, { tokens: promptTokens, microUsd: cost });
  return c.json(
    embeddingsList(vectors, request.encoding_format, `${target.adapter.id}/${target.model}`, promptTokens),
    200,
    budgetHeaders({ remaining, chargedMicroUsd: cost }),
  );
}

/**
 * A cache hit: the stored vectors in this request's encoding, with the usage the original answer reported
 * (as a chat hit keeps its completion's usage); the ledger row charges 0 and records what was saved.
 */
function serveCachedEmbeddings(c: Context<DataPlaneEnv>, request: EmbeddingsRequest, entry: CachedAnswer): Response {
  const { admission, project, requestId } = c.var;
  if (entry.answer.kind !== "embeddings")
    throw new GatewayError("internal_error", "The embeddings route was given a chat cache entry.");
  const report = hitReport(c, entry);
  admission.usage = { promptTokens: 0, completionTokens: 0 };
  admission.settledBy = "handler";
  settleRequest(c.executionCtx, c.env, project.id, requestId, admission, report, c.get("trace"));
  const { provider, model } = entry.target;
  return c.json(
    embeddingsList(entry.answer.vectors, request.encoding_format, `${provider}/${model}`, entry.usage.promptTokens),
    200,
    budgetHeaders({ remaining: admission.remaining, chargedMicroUsd: 0 }),
  );
}
