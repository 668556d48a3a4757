import { describe, expect, it } from "vitest";
import type { ProviderAdapter } from "../../src/providers/adapter";
import { adapterFor } from "../../src/providers/registry";
import {
  collectAssistantText,
  mapContentDeltas,
  streamChatCompletion,
  tapChunks,
  type DeltaMapper,
  type StreamStage,
} from "../../src/streaming";
import { bodyFrom, brokenBody, parseOutput, readText, textOf } from "./sse-helpers";

const openai = adapterFor("openai") as ProviderAdapter;

const deltas = (...parts: string[]) =>
  parts
    .map(
      (content) =>
        `data: {"choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"finish_reason":null}]}\n\n`,
    )
    .join("");
const FINISH = 'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n';

/** Restores `[[N]]` placeholders from a table, holding back text while a placeholder may still be open. */
function restorer(table: Record<string, string>): () => DeltaMapper {
  return () => {
    let held = "";
    const restore = (text: string) => text.replace(/\[\[(\d+)\]\]/g, (m, n: string) => table[n] ?? m);
    return {
      push(text) {
        held += text;
        const open = /\[\[?\d*\]?$/.exec(held); // an unfinished "[[N]]" at the end
        const cut = open ? open.index : held.length;
        const out = restore(held.slice(0, cut));
        held = held.slice(cut);
        return out;
      },
      end: () => {
        const out = restore(held);
        held = "";
        return out;
      },
    };
  };
}

function run(upstream: ReadableStream<Uint8Array>, stages: Parameters<typeof streamChatCompletion>[0]["stages"]) {
  return streamChatCompletion({
    upstream,
    adapter: openai,
    providerLabel: "P",
    meta: { id: "c", created: 1, model: "m" },
    includeUsage: false,
    promptTokensEstimate: 1,
    stages,
  });
}

describe("mapContentDeltas", () => {
  const cases: Array<[string, string[], string]> = [
    ["a placeholder inside one delta", ["Mail [[1]] now"], "Mail ann@example.com now"],
    ["a placeholder split over three deltas", ["Mail [[", "1", "]] now"], "Mail ann@example.com now"],
    ["a placeholder at the very end", ["Mail [[1"], "Mail [[1"],
    ["two placeholders in a row", ["[[1]][[", "2]]"], "ann@example.com+1 555 0100"],
  ];
  it.each(cases)("restores %s", async (_name, parts, expected) => {
    const out = parseOutput(
      await readText(
        run(bodyFrom(deltas(...parts) + FINISH), [
          mapContentDeltas(restorer({ "1": "ann@example.com", "2": "+1 555 0100" })),
        ]).body,
      ),
    );
    expect(textOf(out)).toBe(expected);
    expect(out.at(-1)).toEqual({ done: true });
  });

  it("releases held-back text before an error event", async () => {
    const out = parseOutput(await readText(run(brokenBody(deltas("Mail [[1")), [mapContentDeltas(restorer({}))]).body));
    expect(textOf(out)).toBe("Mail [[1");
    expect(out.slice(-2)).toEqual([{ error: expect.objectContaining({ code: "provider_error" }) }, { done: true }]);
  });
});

describe("tapChunks and collectAssistantText", () => {
  it("observe every chunk, see the end, and change nothing", async () => {
    const seen: string[] = [];
    let ended: boolean | null = null;
    const collector = collectAssistantText();
    const tap = tapChunks(
      (c) => seen.push(c.choices[0]?.delta.content ?? ""),
      (failed) => (ended = failed),
    );
    const plain = await readText(run(bodyFrom(deltas("a", "b") + FINISH), []).body);
    const tapped = await readText(run(bodyFrom(deltas("a", "b") + FINISH), [tap, collector.stage]).body);
    expect(tapped).toBe(plain);
    expect(seen).toEqual(["a", "b", ""]);
    expect(ended).toBe(false);
    expect(collector.text()).toBe("ab");
  });

  it("keep the stream going when the observer throws", async () => {
    const tap = tapChunks(() => {
      throw new Error("bug in observer");
    });
    const out = parseOutput(await readText(run(bodyFrom(deltas("a") + FINISH), [tap]).body));
    expect(textOf(out)).toBe("a");
    expect(out.at(-1)).toEqual({ done: true });
  });
});

describe("stages in the fused stream", () => {
  async function bodyChunks(body: ReadableStream<Uint8Array>): Promise<string[]> {
    const decoder = new TextDecoder();
    const chunks: string[] = [];
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) chunks.push(decoder.decode(chunk));
    return chunks;
  }

  it("sends what one upstream read produced as one chunk, and each later read as its own", async () => {
    const text = deltas("a", "b") + FINISH;
    const whole = await bodyChunks(run(bodyFrom(text), []).body);
    expect(whole).toHaveLength(1);
    expect(parseOutput(whole[0]!).at(-1)).toEqual({ done: true });
    const cut = text.indexOf("data:", 1); // after the first event
    const split = await bodyChunks(run(bodyFrom(text, [cut]), []).body);
    expect(split).toHaveLength(2);
    expect(textOf(parseOutput(split[0]!))).toBe("a");
    expect(split.join("")).toBe(whole[0]);
  });

  it("reads on when a stage passes nothing on, instead of leaving the client waiting", async () => {
    const dropContent: StreamStage = {
      push: (item) => (item.type === "chunk" && item.chunk.choices.some((c) => c.delta.content) ? [] : [item]),
      end: () => [],
    };
    // Every content event arrives in its own read and is dropped: the stream must still reach the finish and [DONE].
    const text = deltas("a", "b", "c") + FINISH;
    const cuts = [1, 2, 3].map((n) => text.split("data:", n + 1).join("data:").length);
    const out = parseOutput(await readText(run(bodyFrom(text, cuts), [dropContent]).body));
    expect(textOf(out)).toBe("");
    expect(out.at(-2)).toMatchObject({ chunk: { choices: [{ finish_reason: "stop" }] } });
    expect(out.at(-1)).toEqual({ done: true });
  });

  it("passes what an earlier stage releases at the end through the later stages", async () => {
    const seen: string[] = [];
    const holdAll = mapContentDeltas(() => {
      let held = "";
      return { push: (t) => ((held += t), ""), end: () => held };
    });
    const tap = tapChunks((c) => seen.push(c.choices[0]?.delta.content ?? ""));
    const out = parseOutput(await readText(run(bodyFrom(deltas("x", "y")), [holdAll, tap]).body));
    // No finish event: the tail leaves at the end of the stream, before the error and [DONE], and the tap sees it.
    expect(textOf(out)).toBe("xy");
    expect(seen).toContain("xy");
    expect(out.at(-1)).toEqual({ done: true });
  });
});
