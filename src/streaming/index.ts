/** The streaming module's public surface; the route imports from here. */
export type { StreamItem, StreamOutcome, StreamStage } from "./items";
export { streamChatCompletion, type StreamChatOptions } from "./pipeline";
export { SSE_HEADERS } from "./serialize";
export { collectAssistantText, mapContentDeltas, onFirstContent, tapChunks, type DeltaMapper } from "./stages";
export { DRAIN_AFTER_ABORT_MS, upstreamChunks } from "./upstream";
