import { SELF } from "cloudflare:test";
import { expect } from "vitest";

/** One `event: …` / `data: …` block of a translated stream (Responses, Anthropic Messages), data parsed. */
export interface NamedEvent {
  event: string | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: each test asserts the event shape it expects.
  data: any;
}

/** POSTs `body` with `stream: true` and reads the whole event stream back, checking it is one. */
export async function streamEvents(url: string, headers: Record<string, string>, body: object): Promise<NamedEvent[]> {
  const res = await SELF.fetch(url, {
    method: "POST",
    headers: { ...headers, "Content-Type": "application/json" },
    body: JSON.stringify({ ...body, stream: true }),
  });
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toContain("text/event-stream");
  return (await res.text())
    .split("\n\n")
    .filter(Boolean)
    .map((block) => {
      const [eventLine, dataLine] = block.split("\n");
      return { event: eventLine?.replace(/^event: /, ""), data: JSON.parse(dataLine?.replace(/^data: /, "") ?? "") };
    });
}
