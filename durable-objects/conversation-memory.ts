import { DurableObject } from "cloudflare:workers";

/** Embedded conversation memory store; implemented in the memory work (see src/memory/). */
export class ConversationMemory extends DurableObject<Env> {}
