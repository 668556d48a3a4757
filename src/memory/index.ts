// The memory API other modules use; the stores' internals stay behind it.
export { createMemoryStore, DEFAULT_MEMORY_TIMEOUT_MS } from "./store";
export { memoryKey, SessionId, type MemoryScope } from "./key";
export { injectMemory, toStoredMessages, trimToWindow, type IncomingMessage } from "./window";
export { StoredMessage, type AppendOptions, type LoadOptions, type MemoryStore } from "./types";
