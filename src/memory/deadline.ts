import { GatewayError } from "../errors";

/**
 * Runs one store operation under a deadline and turns every fault into the one typed error the gateway
 * renders as 503 `memory_unavailable`. The store's own transport also has a timeout; this is the backstop
 * that guarantees a caller never waits longer than `timeoutMs`, whatever the transport does.
 * `payload_too_large` and other deliberate GatewayErrors pass through unchanged.
 */
export async function withDeadline<T>(what: string, timeoutMs: number, operation: () => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new GatewayError("memory_unavailable", `Conversation memory did not answer within ${timeoutMs} ms.`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([operation(), expired]);
  } catch (err) {
    if (err instanceof GatewayError) throw err;
    // The cause stays server-side: its text can hold the store URL or a command with user content.
    console.error(`memory ${what} failed`, err instanceof Error ? err.name : typeof err);
    throw new GatewayError("memory_unavailable", "Conversation memory is unavailable; try again shortly.");
  } finally {
    clearTimeout(timer);
  }
}
