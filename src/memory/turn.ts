import { GatewayError } from "../errors";
import { MAX_TURN_BYTES, type StoredMessage, StoredTurn } from "./types";

/**
 * Serialises one turn for storage. The size check happens here, on the caller's side of any RPC or HTTP
 * hop, so the refusal reaches the caller as a typed error rather than a transport fault.
 */
export function encodeTurn(messages: readonly StoredMessage[]): string {
  const json = JSON.stringify(messages);
  if (new TextEncoder().encode(json).byteLength > MAX_TURN_BYTES) {
    throw new GatewayError("payload_too_large", `A conversation turn over ${MAX_TURN_BYTES} bytes is not stored.`);
  }
  return json;
}

/**
 * Parses stored turns back to messages, oldest first. A value that no longer parses (hand-edited, or
 * written by a future layout) is skipped: one bad turn must not make a whole conversation unreadable.
 */
export function decodeTurns(values: readonly string[]): StoredMessage[] {
  const messages: StoredMessage[] = [];
  for (const value of values) {
    const parsed = StoredTurn.safeParse(safeJson(value));
    if (parsed.success) messages.push(...parsed.data);
  }
  return messages;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}
