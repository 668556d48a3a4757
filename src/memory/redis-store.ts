import { upstashClient } from "../db/upstash";
import { withDeadline } from "./deadline";
import { decodeTurns, encodeTurn } from "./turn";
import { AppendOptions, type MemoryStore } from "./types";
import { trimToWindow } from "./window";

const DAY_SECONDS = 86_400;
const MAX_WINDOW_PAIRS = 100;

export interface RedisMemoryConfig {
  url: string;
  token: string;
  /** Upper bound on one store call, transport included. */
  timeoutMs: number;
}

/**
 * Memory in Redis over Upstash's REST API. Layout: the key (see `memoryKey`) is a list with one element per
 * turn, each a JSON array of messages, oldest first.
 *
 * An append is one MULTI/EXEC (`/multi-exec`): RPUSH the turn, LTRIM to the last `windowPairs` turns,
 * EXPIRE to `retentionDays`. Redis runs the block without interleaving, so concurrent appends all land and
 * the trim and TTL always match the latest turn; no Lua and no read-modify-write.
 */
export function createRedisMemoryStore(config: RedisMemoryConfig): MemoryStore {
  // The deadline below decides how long a call may take, not the SDK.
  const redis = upstashClient({
    url: config.url,
    token: config.token,
    timeoutMs: config.timeoutMs,
    automaticDeserialization: false,
  });
  const { timeoutMs } = config;
  const clear = (key: string) =>
    withDeadline("clear", timeoutMs, async () => {
      await redis.del(key);
    });
  return {
    load: (key, options) =>
      withDeadline("load", timeoutMs, async () => {
        const turns = await redis.lrange<string>(key, 0, -1);
        return trimToWindow(decodeTurns(turns), options?.windowPairs ?? MAX_WINDOW_PAIRS);
      }),
    async append(key, messages, options) {
      const { windowPairs, retentionDays } = AppendOptions.parse(options);
      if (windowPairs === 0) return clear(key);
      if (messages.length === 0) return;
      const turn = encodeTurn(messages);
      await withDeadline("append", timeoutMs, async () => {
        await redis
          .multi()
          .rpush(key, turn)
          .ltrim(key, -windowPairs, -1)
          .expire(key, retentionDays * DAY_SECONDS)
          .exec();
      });
    },
    clear,
  };
}
