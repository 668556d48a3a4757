import { GatewayError } from "../errors";
import { createDurableObjectMemoryStore } from "./do-store";
import { createRedisMemoryStore } from "./redis-store";
import type { MemoryStore } from "./types";

/** Long enough for a cross-region Upstash round trip, short enough that a dead store never stalls a chat. */
export const DEFAULT_MEMORY_TIMEOUT_MS = 1_500;

/**
 * Redis when `UPSTASH_REDIS_REST_URL` is set (ARCHITECTURE.md "Where state lives"), else the embedded
 * Durable Object store. A URL without a token is a deployment mistake, so it fails loudly instead of
 * silently using the other store.
 */
export function createMemoryStore(
  env: Pick<Env, "MEMORY" | "UPSTASH_REDIS_REST_URL" | "UPSTASH_REDIS_REST_TOKEN">,
  options: { timeoutMs?: number } = {},
): MemoryStore {
  const timeoutMs = options.timeoutMs ?? DEFAULT_MEMORY_TIMEOUT_MS;
  if (env.UPSTASH_REDIS_REST_URL) {
    if (!env.UPSTASH_REDIS_REST_TOKEN) {
      throw new GatewayError("misconfigured", "UPSTASH_REDIS_REST_URL is set without UPSTASH_REDIS_REST_TOKEN.");
    }
    return createRedisMemoryStore({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN, timeoutMs });
  }
  return createDurableObjectMemoryStore(env.MEMORY, { timeoutMs });
}
