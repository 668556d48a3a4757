import type { ConversationMemory } from "../../durable-objects/conversation-memory";
import { withDeadline } from "./deadline";
import { encodeTurn } from "./turn";
import { AppendOptions, type MemoryStore } from "./types";

/**
 * The embedded store: one ConversationMemory object per memory key. The object serialises its own calls,
 * so an append is atomic without any locking here. Per-object throughput (~1k small writes/s) is far above
 * one user's session; sessions spread over as many objects as there are keys.
 */
export function createDurableObjectMemoryStore(
  namespace: DurableObjectNamespace<ConversationMemory>,
  options: { timeoutMs: number },
): MemoryStore {
  const stub = (key: string) => namespace.get(namespace.idFromName(key));
  const { timeoutMs } = options;
  return {
    load: (key, loadOptions) => withDeadline("load", timeoutMs, () => stub(key).load(loadOptions?.windowPairs)),
    async append(key, messages, appendOptions) {
      const { windowPairs, retentionDays } = AppendOptions.parse(appendOptions);
      if (windowPairs === 0) return withDeadline("clear", timeoutMs, () => stub(key).clear());
      if (messages.length === 0) return;
      const turn = encodeTurn(messages);
      await withDeadline("append", timeoutMs, () => stub(key).append(turn, windowPairs, retentionDays));
    },
    clear: (key) => withDeadline("clear", timeoutMs, () => stub(key).clear()),
    purgeExpired: (key) => withDeadline("purge", timeoutMs, () => stub(key).purgeExpired()),
  };
}
