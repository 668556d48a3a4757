import type { Context } from "hono";
import type { CachedAnswer } from "../cache/answer";
import { asThisRequest, replayStream } from "../cache/replay";
import { GatewayError } from "../errors";
import type { DataPlaneEnv } from "../http/app-env";
import { budgetHeaders } from "../limits/budget-headers";
import { SSE_HEADERS } from "../streaming";
import { costMicroUsd } from "../usage/pricing";
import { answerStages, finishCompletion, settleStream, settleWhole } from "./answer-output";
import type { UsageReport } from "./settle";

/**
 * Answers from the response cache as the chat handler answers from a provider (answer-output.ts): output
 * policy, this request's PII restored, memory, settlement. Nothing was reserved; the ledger row charges 0
 * and records the tokens and dollars the answer cost when it was made.
 */
export function serveCachedAnswer(c: Context<DataPlaneEnv>, entry: CachedAnswer): Response {
  const { admission, requestId } = c.var;
  const report = hitReport(c, entry);
  const meta = {
    id: `chatcmpl-${requestId.slice(4)}`,
    created: Math.floor(Date.now() / 1000),
    model: `${entry.target.provider}/${entry.target.model}`,
  };
  const headers = budgetHeaders({ remaining: admission.remaining, chargedMicroUsd: 0 });
  if (entry.answer.kind === "whole") {
    admission.usage = { promptTokens: 0, completionTokens: 0 };
    const completion = asThisRequest(entry.answer.completion, meta);
    const providerAnswer = finishCompletion(c, completion);
    settleWhole(c, report, providerAnswer);
    return c.json(completion, 200, headers);
  }
  if (entry.answer.kind !== "stream")
    throw new GatewayError("internal_error", "The chat route was given an embeddings cache entry.");
  const { stages, collected, outputScan } = answerStages(c);
  const usage = { ...entry.usage, source: "provider" as const };
  const { body, outcome } = replayStream(entry.answer.chunks, meta, stages, usage);
  void settleStream(c, outcome, collected.text, () => {
    // The entry holds the provider's answer: output PII is redacted or refused on replay exactly as live.
    if (outputScan?.finish() !== true) return report;
    admission.guardrailEvents.push({ kind: "refusal", code: "pii_detected" });
    return { ...report, status: "blocked" };
  });
  return new Response(body, { status: 200, headers: { ...SSE_HEADERS, ...headers } });
}

/**
 * A hit's ledger report (any API): answered by the entry's provider/model, nothing charged, and what the
 * answer cost when it was made (tokens, and dollars at today's price table) recorded as saved.
 */
export function hitReport(c: Context<DataPlaneEnv>, entry: CachedAnswer): UsageReport {
  c.var.admission.target = entry.target;
  const saved = costMicroUsd({ ...entry.target, ...entry.usage }).microUsd;
  return {
    status: "ok",
    promptTokens: 0,
    completionTokens: 0,
    cached: { savedTokens: entry.usage.promptTokens + entry.usage.completionTokens, savedMicroUsd: saved },
  };
}
