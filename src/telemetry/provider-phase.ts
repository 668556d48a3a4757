import { GatewayError } from "../errors";
import type { ProviderPhase } from "./request-trace";

/** Ends the provider call's span with what the answer reported (pure bookkeeping on the phase record). */
export function endProviderPhase(
  phase: ProviderPhase | undefined,
  end: {
    finishReasons: string[];
    usage: { promptTokens: number; completionTokens: number };
    error?: string;
  },
): void {
  if (!phase) return;
  phase.endMs = Date.now();
  phase.finishReasons = end.finishReasons;
  phase.inputTokens = end.usage.promptTokens;
  phase.outputTokens = end.usage.completionTokens;
  if (end.error) phase.error = end.error;
}

/** Awaits the provider call, marking its span failed with the error's code (never its message) if it throws. */
export async function traced<T>(phase: ProviderPhase | undefined, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    if (phase) {
      phase.endMs = Date.now();
      phase.error = err instanceof GatewayError ? err.code : "internal_error";
    }
    throw err;
  }
}

/** `server.address`: the host only, so no path, query or userinfo (where a key could hide) reaches a span. */
export function hostOf(baseUrl: string): string | undefined {
  try {
    return new URL(baseUrl).hostname || undefined;
  } catch {
    return undefined;
  }
}
