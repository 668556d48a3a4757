import type { Context } from "hono";
import { GatewayError } from "../../errors";
import type { DataPlaneEnv } from "../../http/app-env";
import { budgetHeaders } from "../../limits/budget-headers";
import { embeddingTranslatorFor } from "../../providers/embeddings/registry";
import { contentText } from "../../providers/openai-schema";
import { resolveModel } from "../../providers/registry";
import { endProviderPhase, hostOf, traced } from "../../telemetry/provider-phase";
import { providerTraceparent, startProviderPhase } from "../../telemetry/request-trace";
import { payingTarget } from "../credentials";
import { chooseModel } from "../model-policy";
import { costOf, remainingAfter, settleRequest } from "../settle";
import { embedTexts } from "./embed";
import { embeddingsList } from "./render";

/**
 * `POST /v1/embeddings` after the pipeline: embed the texts PII Shield left (read from the chat view), with
 * the key that pays, then settle the input tokens like a chat answer with no completion.
 */
export async function createEmbeddings(c: Context<DataPlaneEnv>): Promise<Response> {
  const { chat, embeddings: request, settings, admission, project, requestId } = c.var;
  if (!request) throw new GatewayError("internal_error", "The embeddings route ran without its parse step.");
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
  const cost = costOf(admission, report).microUsd;
  const remaining = remainingAfter(admission, { tokens: promptTokens, microUsd: cost });
  return c.json(
    embeddingsList(vectors, request.encoding_format, `${target.adapter.id}/${target.model}`, promptTokens),
    200,
    budgetHeaders({ remaining, chargedMicroUsd: cost }),
  );
}
