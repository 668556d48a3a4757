import { authHeaders, findProvider } from "./catalog";
import { credentialTransport, isEnterpriseProvider } from "./enterprise-credentials";
import { createMockFetch } from "./mock";
import { parseServiceAccount, vertexAccessToken } from "./vertex-auth";

export type KeyValidation =
  | { ok: true }
  | { ok: false; reason: "unknown_provider" | "invalid_key" | "provider_unreachable" | "unexpected_status" };

const VALIDATION_TIMEOUT_MS = 10_000;

/**
 * Proves a BYOK key works before it is stored: one GET to the row's key-check endpoint (`/models` for
 * most; OpenRouter's `/key`, since its model list is public). 401/403 means the key is wrong; anything
 * else that is not 2xx is reported without blaming the key. The key never appears in the result.
 */
export async function validateProviderKey(
  providerId: string,
  apiKey: string,
  options: { baseUrl?: string; fetch?: typeof fetch; timeoutMs?: number } = {},
): Promise<KeyValidation> {
  const row = findProvider(providerId);
  if (!row) return { ok: false, reason: "unknown_provider" };
  if (!apiKey.trim()) return { ok: false, reason: "invalid_key" };
  const doFetch = options.fetch ?? (row.mock ? createMockFetch() : fetch);
  const url = `${(options.baseUrl ?? row.baseUrl).replace(/\/+$/, "")}${row.keyCheckPath}`;
  try {
    const response = await doFetch(url, {
      method: "GET",
      headers: authHeaders(row, apiKey),
      signal: AbortSignal.timeout(options.timeoutMs ?? VALIDATION_TIMEOUT_MS),
    });
    await response.body?.cancel();
    if (response.ok) return { ok: true };
    if (response.status === 401 || response.status === 403) return { ok: false, reason: "invalid_key" };
    return { ok: false, reason: "unexpected_status" };
  } catch {
    return { ok: false, reason: "provider_unreachable" };
  }
}

/** AWS error types that mean the signature or key is wrong; any other refusal means the key authenticated. */
const AWS_BAD_KEY =
  /^(UnrecognizedClient|InvalidSignature|IncompleteSignature|InvalidClientTokenId|ExpiredToken|MissingAuthenticationToken)/;

/**
 * Proves a Vertex or Bedrock credential before it is stored, spending no tokens. Vertex: the service
 * account obtains an access token. Bedrock: a signed Converse call for a model id that cannot exist —
 * AWS checks the signature first, so a validation error proves the key while a signature error refutes it
 * (a GET on the control-plane model list would also need an extra IAM permission many runtime keys lack).
 */
export async function validateEnterpriseCredential(
  providerId: string,
  secret: string,
  baseUrl: string,
  options: { fetch?: typeof fetch; tokenUrl?: string; timeoutMs?: number } = {},
): Promise<KeyValidation> {
  const row = findProvider(providerId);
  if (!row || !isEnterpriseProvider(row)) return { ok: false, reason: "unknown_provider" };
  const inner = options.fetch ?? fetch;
  const transport = credentialTransport(
    row,
    secret,
    baseUrl,
    inner,
    options.tokenUrl ? { tokenUrl: options.tokenUrl } : {},
  );
  if (!transport.ok) return { ok: false, reason: "invalid_key" };
  try {
    if (row.protocol === "vertex") {
      const account = parseServiceAccount(secret);
      const token =
        account &&
        (await vertexAccessToken(account, {
          fetch: inner,
          ...(options.tokenUrl ? { tokenUrl: options.tokenUrl } : {}),
        }));
      if (token?.ok) return { ok: true };
      return { ok: false, reason: token && token.status === 401 ? "invalid_key" : "unexpected_status" };
    }
    const response = await transport.fetch(
      `${transport.baseUrl.replace(/\/+$/, "")}/model/tollgate-key-check/converse`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ messages: [] }),
        signal: AbortSignal.timeout(options.timeoutMs ?? VALIDATION_TIMEOUT_MS),
      },
    );
    await response.body?.cancel();
    if (response.ok) return { ok: true };
    if (AWS_BAD_KEY.test(response.headers.get("x-amzn-errortype") ?? "")) return { ok: false, reason: "invalid_key" };
    return response.status < 500 ? { ok: true } : { ok: false, reason: "unexpected_status" };
  } catch {
    return { ok: false, reason: "provider_unreachable" };
  }
}
