import { describe, expect, it } from "vitest";
import { PII_ENTITIES } from "../../src/guardrails/pii/entities";
import { createOutputScanner, type FindingTally } from "../../src/guardrails/pii/stream-scan";
import type { ProviderAdapter } from "../../src/providers/adapter";
import { adapterFor } from "../../src/providers/registry";
import { streamChatCompletion } from "../../src/streaming";
import { mapAnswerTexts } from "../../src/streaming/scan-stage";
import { bodyFrom, parseOutput, readText, textOf, toolArgumentsOf } from "./sse-helpers";

const openai = adapterFor("openai") as ProviderAdapter;
const event = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const content = (...parts: string[]) => parts.map((text) => event({ content: text })).join("");
const args = (...parts: string[]) =>
  event({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "send", arguments: "" } }] }) +
  parts.map((text) => event({ tool_calls: [{ index: 0, function: { arguments: text } }] })).join("");
const finish = (reason: string) => `${event({}, reason)}data: [DONE]\n\n`;

function run(upstream: string, action: "redact" | "block") {
  const tally: FindingTally = new Map();
  const stage = mapAnswerTexts(
    () => createOutputScanner({ mode: "enforce", action, entities: [...PII_ENTITIES] }, tally),
    { code: "pii_detected", message: "refused" },
  );
  const { body: out, outcome } = streamChatCompletion({
    upstream: eventByEvent(upstream),
    adapter: openai,
    providerLabel: "P",
    meta: { id: "c", created: 1, model: "m" },
    includeUsage: false,
    promptTokensEstimate: 1,
    stages: [stage],
  });
  return { out, outcome, tally, stage };
}

/** One SSE event per read, as a provider sends them while it generates. */
function eventByEvent(text: string): ReadableStream<Uint8Array> {
  const events = text.split(/(?<=\n\n)/);
  return bodyFrom(
    text,
    events.map((_, i) => new TextEncoder().encode(events.slice(0, i + 1).join("")).length),
  );
}

describe("the output PII stage", () => {
  it("redacts an email split across content chunks; the tail arrives with the finishing chunk", async () => {
    const { out, tally } = run(content("Write to jane.do", "e@example.com or call") + finish("stop"), "redact");
    expect(textOf(parseOutput(await readText(out)))).toBe("Write to [REDACTED_EMAIL] or call");
    expect(tally.get("EMAIL")).toBe(1);
  });

  it("redacts a card number split across streamed tool-call argument deltas", async () => {
    const { out } = run(args('{"card":"4111 11', "11 1111 ", '1111"}') + finish("tool_calls"), "redact");
    expect(toolArgumentsOf(parseOutput(await readText(out)))).toBe('{"card":"[REDACTED_CREDIT_CARD]"}');
  });

  it("block ends the stream with a pii_detected error event and [DONE], and cancels the upstream", async () => {
    const upstream = content("Write to jane.do", "e@example.com", " and more", " and more") + finish("stop");
    const { out, outcome, stage } = run(upstream, "block");
    const text = await readText(out);
    const items = parseOutput(text);
    expect(text).not.toContain("jane");
    expect(items.at(-2)).toMatchObject({ error: { code: "pii_detected" } });
    expect(items.at(-1)).toEqual({ done: true });
    expect(stage.halted?.()).toBe(true);
    expect((await outcome).status).toBe("cancelled");
  });

  it("block also covers tool-call arguments", async () => {
    const { out } = run(args('{"to":"jane.doe@', 'example.com"}') + finish("tool_calls"), "block");
    const items = parseOutput(await readText(out));
    expect(items.some((item) => "error" in item && item.error.code === "pii_detected")).toBe(true);
    expect(JSON.stringify(items)).not.toContain("jane");
  });
});
