import { authHeaders, findProvider } from "./catalog";
import { createMockFetch } from "./mock";

export type KeyValidation = { ok: true } | { ok: false; reason: "unknown_provider" | "invalid_key" | "provider_unreachable" | "unexpected_status" };

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
