/** Reading a chat-completions SSE body incrementally, one network read at a time. */
export interface SseEvent {
  /** The delta's content, when the event carried any. */
  content?: string;
  /** `data: [DONE]`. */
  done?: boolean;
  data: string;
}

/**
 * Reads from `reader` until `enough(events)` holds for the events parsed so far, then stops without
 * reading further, so a test can act between two chunks. Returns the events and any unparsed tail.
 */
export async function readSseUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  enough: (events: SseEvent[]) => boolean,
  buffer = "",
): Promise<{ events: SseEvent[]; buffer: string }> {
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  for (;;) {
    let boundary: number;
    while ((boundary = buffer.indexOf("\n\n")) !== -1) {
      const frame = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      const data = frame
        .split("\n")
        .filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(5).trim())
        .join("\n");
      if (data) events.push(parseEvent(data));
    }
    if (enough(events)) return { events, buffer };
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended before the expected events; got ${JSON.stringify(events)}`);
    buffer += decoder.decode(value, { stream: true });
  }
}

function parseEvent(data: string): SseEvent {
  if (data === "[DONE]") return { data, done: true };
  const chunk = JSON.parse(data) as { choices?: { delta?: { content?: string | null } }[] };
  const content = chunk.choices?.[0]?.delta?.content;
  return content ? { data, content } : { data };
}

/** Polls `condition` until it holds, failing after `timeoutMs` with a message naming what was awaited. */
export async function waitFor(
  condition: () => boolean,
  options: { timeoutMs: number; what: string; intervalMs?: number },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}`);
    await new Promise((wake) => setTimeout(wake, options.intervalMs ?? 50));
  }
}
