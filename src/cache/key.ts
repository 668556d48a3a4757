import type { ChatRequest } from "../providers/openai-schema";

/**
 * An embeddings request as the provider would embed it: the texts after PII Shield, and the fields that change
 * the answer (`encoding_format` changes the bytes the client gets, so it is part of the key too).
 */
export interface EmbeddingsKeyRequest {
  input: string[];
  dimensions?: number | undefined;
  encoding_format: "float" | "base64";
}

/**
 * What identifies one cached answer, before hashing: the API, the project, who may read it (one user, or the
 * whole project), the provider/model that will answer, and the request as the provider would see it, i.e.
 * after guardrails (masked PII is in it as placeholders) and context (memory and system prompt are in it).
 */
export type KeyedRequest = { api: "chat"; request: ChatRequest } | { api: "embeddings"; request: EmbeddingsKeyRequest };

export type CacheKeyInput = KeyedRequest & {
  projectId: string;
  scope: "user" | "project";
  userId: string;
  /** `provider/model` the request resolved to (so `default` and the explicit name share an entry). */
  target: string;
};

/**
 * Fields that never change what the provider answers: the model (replaced by the resolved target), the
 * OpenAI end-user tag and free-form metadata. Everything else, `stream` included (a stream and a whole
 * answer are stored in different shapes), is part of the key.
 */
const IGNORED_FIELDS = new Set(["model", "user", "metadata"]);

/**
 * The canonical text of a cache key (pure): JSON with object keys sorted at every depth, null and absent
 * fields treated alike, so two requests that differ only in key order or explicit nulls share an entry.
 * Array order is kept: messages, stop sequences and tools are ordered by meaning.
 */
export function cacheKeyText(input: CacheKeyInput): string {
  const request = Object.fromEntries(Object.entries(input.request).filter(([field]) => !IGNORED_FIELDS.has(field)));
  return canonicalJson({
    v: 1,
    // A chat request and an embeddings request never share an entry, whatever their fields.
    api: input.api,
    project: input.projectId,
    // A project-scoped entry names no user, so every user of the project reads the same one.
    user: input.scope === "user" ? input.userId : null,
    target: input.target,
    request,
  });
}

/** JSON with sorted object keys and without null or undefined members (pure). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortValue(value));
}

function sortValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : sortValue(item)));
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value)
    .filter(([, member]) => member !== null && member !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([key, member]) => [key, sortValue(member)]));
}

/** Whether the client's headers let this request use the cache, and why not (pure). */
export type CacheEligibility = { eligible: true } | { eligible: false; reason: "bypass" | "tools" };

/** Request header that lets a request with tools be cached (their results may vary: off unless asked). */
export const CACHE_TOOLS_HEADER = "X-Tollgate-Cache-Tools";
/** Request header `bypass` skips the cache; the same name carries HIT | MISS | BYPASS on the answer. */
export const CACHE_HEADER = "X-Tollgate-Cache";

export function cacheEligibility(
  request: Pick<ChatRequest, "tools">,
  headers: { cacheControl?: string | undefined; cache?: string | undefined; cacheTools?: string | undefined },
): CacheEligibility {
  const directives = (headers.cacheControl ?? "").toLowerCase().split(",");
  if (directives.some((directive) => ["no-cache", "no-store"].includes(directive.trim())))
    return { eligible: false, reason: "bypass" };
  if (headers.cache?.trim().toLowerCase() === "bypass") return { eligible: false, reason: "bypass" };
  if ((request.tools?.length ?? 0) > 0 && headers.cacheTools?.trim().toLowerCase() !== "allow")
    return { eligible: false, reason: "tools" };
  return { eligible: true };
}
