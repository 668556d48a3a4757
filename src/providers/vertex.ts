import type { ProviderAdapter } from "./adapter";
import { geminiAdapter } from "./gemini";
import { vertexAccessToken, type ServiceAccount, type TokenOptions } from "./vertex-auth";

/**
 * Google Vertex AI: the same Gemini request and response shapes as the Gemini API (the translation is
 * geminiAdapter's), under a regional, per-project endpoint, authorised with an OAuth access token from
 * the tenant's service account instead of an API key:
 *
 *   {base}/publishers/google/models/{model}:generateContent
 *   {base}/publishers/google/models/{model}:streamGenerateContent?alt=sse
 *   base = https://{region}-aiplatform.googleapis.com/v1/projects/{project}/locations/{region}
 */

export const DEFAULT_VERTEX_REGION = "us-central1";

/** The per-project, per-region base URL; the `global` location has no regional host. */
export function vertexBaseUrl(region: string, project: string): string {
  const host = region === "global" ? "aiplatform.googleapis.com" : `${region}-aiplatform.googleapis.com`;
  return `https://${host}/v1/projects/${encodeURIComponent(project)}/locations/${region}`;
}

/** Region shown for a stored key, read from its (non-secret) base URL so listing never decrypts. */
export function vertexRegionOf(baseUrl: string): string | null {
  return /\/locations\/([a-z0-9-]+)(?:\/|$)/.exec(baseUrl)?.[1] ?? null;
}

export const vertexAdapter: ProviderAdapter = {
  ...geminiAdapter,
  id: "vertex",

  toRequest(request, target) {
    // Only the body is Gemini's; URL and credentials are Vertex's own (the token is added by vertexFetch).
    const { init } = geminiAdapter.toRequest(request, target);
    const base = `${target.baseUrl.replace(/\/+$/, "")}/publishers/google/models/${encodeURIComponent(target.model)}`;
    return {
      url: request.stream ? `${base}:streamGenerateContent?alt=sse` : `${base}:generateContent`,
      init: {
        method: "POST",
        headers: { "content-type": "application/json" },
        ...(init.body !== undefined ? { body: init.body } : {}),
      },
    };
  },
};

/**
 * A `fetch` that adds `Authorization: Bearer <access token>` for the service account. A token the
 * endpoint refuses becomes an upstream-style error response (401 for a bad key), so the call maps it
 * like any provider's rejection; an unreachable token endpoint throws, like an unreachable provider.
 */
export function vertexFetch(
  account: ServiceAccount,
  inner: typeof fetch = fetch,
  options: Omit<TokenOptions, "fetch"> = {},
): typeof fetch {
  return async (input, init) => {
    const token = await vertexAccessToken(account, { ...options, fetch: inner });
    if (!token.ok) {
      return new Response(JSON.stringify({ error: { message: `service account token refused (${token.message})` } }), {
        status: token.status,
        headers: { "content-type": "application/json" },
      });
    }
    const headers = new Headers(init?.headers);
    headers.set("authorization", `Bearer ${token.token}`);
    return inner(input, { ...init, headers });
  };
}
