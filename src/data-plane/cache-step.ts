import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { CachedAnswerBody } from "../cache/answer";
import { CACHE_HEADER, cacheEligibility, cacheKeyText, type KeyedRequest } from "../cache/key";
import { cacheKeys, entryName } from "../cache/seal";
import { readEntry, writeEntry } from "../cache/store";
import type { DataPlaneEnv } from "../http/app-env";
import { denialToError } from "../limits/admission-denial";
import { projectGate } from "../limits/gate-client";
import { budgetInput, cacheHeaders } from "./admission";
import { contentText } from "../providers/openai-schema";

/**
 * The response cache (docs/cache.md), after every guardrail and the context: the key is the request as the
 * provider would see it. On a hit the handler answers from the entry and the provider is never called; a miss
 * or a request the cache may not answer goes on, with its budget reserved first if admission deferred it.
 */
export function lookupCache() {
  return createMiddleware<DataPlaneEnv>(async function lookupCache(c, next) {
    const { settings, admission, chat, claims, project } = c.var;
    c.set("cache", { status: "BYPASS" });
    const keys =
      settings.cache_mode === "enabled" && cacheEligibility(chat, cacheHeaders(c)).eligible
        ? await cacheKeys(c.env.BYOK_MASTER_KEYS)
        : null;
    if (keys) {
      const now = Date.now();
      const { provider, model } = admission.target;
      const keyText = cacheKeyText({
        projectId: project.id,
        scope: settings.cache_scope,
        userId: claims.uid,
        target: `${provider}/${model}`,
        ...keyRequest(c),
      });
      const name = await entryName(keys, keyText);
      // A store that cannot be read is a miss: the cache never fails a request.
      const entry = await readEntry(keys, name, now).catch(() => null);
      // The key names the API and `stream`, so the kind always fits; one that did not would be a miss, not a crash.
      if (entry && entry.answer.kind === answerKind(c)) {
        // The route's handler answers from the entry, so /v1/responses and /v1/messages render it as their own.
        c.set("cache", { status: "HIT", entry });
        return next();
      }
      const ttlMs = settings.cache_ttl_s * 1000;
      c.set("cache", {
        status: "MISS",
        store: (answer, usage) => {
          const storedAt = Date.now();
          const target = { ...c.var.admission.target };
          const entry = { answer, usage, target, expiresAt: storedAt + ttlMs };
          c.executionCtx.waitUntil(writeEntry(keys, name, entry, storedAt).catch(() => undefined));
        },
      });
    }
    if (admission.deferred) await reserveAfterMiss(c);
    await next();
  });
}

/** The request part of the key: the chat request, or for embeddings the texts PII Shield left and their options. */
function keyRequest(c: Context<DataPlaneEnv>): KeyedRequest {
  const { chat, embeddings } = c.var;
  if (!embeddings) return { api: "chat", request: chat };
  const input = chat.messages.map((message) => contentText(message.content));
  const { dimensions, encoding_format } = embeddings;
  return { api: "embeddings", request: { input, dimensions, encoding_format } };
}

function answerKind(c: Context<DataPlaneEnv>): CachedAnswerBody["kind"] {
  if (c.var.embeddings) return "embeddings";
  return c.var.chat.stream ? "stream" : "whole";
}

/**
 * `X-Tollgate-Cache: HIT | MISS | BYPASS` on every answer of an inference route, errors included (this wraps
 * the route from outside, where the error is already a response). BYPASS when the cache step never ran.
 */
export function cacheStatusHeader() {
  return createMiddleware<DataPlaneEnv>(async function cacheStatusHeader(c, next) {
    await next();
    c.res.headers.set(CACHE_HEADER, c.get("cache")?.status ?? "BYPASS");
  });
}

/**
 * The reservation admission deferred, now that the provider will be called: the worst case of the request
 * as it now stands (context included). A refusal is the same 429 admission would have given.
 */
async function reserveAfterMiss(c: Context<DataPlaneEnv>): Promise<void> {
  const { admission, claims, chat, embeddings } = c.var;
  const decision = await projectGate(c.env, c.var.project.id).reserveDeferred({
    requestId: c.var.requestId,
    ...(claims.tier !== undefined && { tier: claims.tier }),
    ...budgetInput(chat, { embedding: embeddings !== undefined }).input,
  });
  if (!decision.ok) throw denialToError(decision);
  admission.reserved = {
    tokens: decision.reservation.tokens,
    completionTokens: decision.reservation.completionTokens,
    microUsd: decision.reservation.microUsd,
  };
  admission.remaining = decision.remaining;
  admission.deferred = false;
}
