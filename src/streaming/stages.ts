import type { ChatCompletionChunk } from "../providers/openai-schema";
import type { StreamItem, StreamStage } from "./items";

/**
 * Stages the route inserts between the upstream source and the serialiser (items.ts, StreamStage). Each
 * passes items on as soon as it can and holds back only what it must.
 */

/**
 * A stateful text rewriter for one choice: `push` may hold text back (a PII placeholder split across
 * chunks) and `end` releases whatever it still holds.
 */
export interface DeltaMapper {
  push(text: string): string;
  end(): string;
}

/**
 * Rewrites `delta.content` through one mapper per choice. A mapper's held-back tail is appended to the
 * chunk that finishes its choice, or sent as its own chunk before an error or at the end of the stream.
 */
export function mapContentDeltas(createMapper: () => DeltaMapper): StreamStage {
  const mappers = new Map<number, DeltaMapper>();
  let last: ChatCompletionChunk | null = null;

  function flushAll(): StreamItem[] {
    const tails: StreamItem[] = [];
    for (const [index, mapper] of mappers) {
      const tail = mapper.end();
      if (tail && last)
        tails.push({
          type: "chunk",
          chunk: { ...last, choices: [{ index, delta: { content: tail }, finish_reason: null }], usage: undefined },
        });
    }
    mappers.clear();
    return tails;
  }

  return {
    push(item) {
      if (item.type === "error") return [...flushAll(), item];
      last = item.chunk;
      const choices = item.chunk.choices.map((choice) => {
        let mapper = mappers.get(choice.index);
        let content = choice.delta.content;
        if (typeof content === "string" && content !== "") {
          if (!mapper) mappers.set(choice.index, (mapper = createMapper()));
          content = mapper.push(content);
        }
        if (choice.finish_reason !== null && mapper) {
          content = (content ?? "") + mapper.end();
          mappers.delete(choice.index);
        }
        return content === choice.delta.content ? choice : { ...choice, delta: { ...choice.delta, content } };
      });
      return [{ type: "chunk", chunk: { ...item.chunk, choices } }];
    },
    end: flushAll,
  };
}

/**
 * Observes chunks without changing them: `onChunk` for each, `onEnd` once the stream is over. A tap
 * that throws is ignored rather than allowed to break the client's stream.
 */
export function tapChunks(
  onChunk: (chunk: ChatCompletionChunk) => void,
  onEnd?: (failed: boolean) => void,
): StreamStage {
  let failed = false;
  return {
    push(item) {
      if (item.type === "error") failed = true;
      else
        try {
          onChunk(item.chunk);
        } catch {
          // observers must not cut the stream short
        }
      return [item];
    },
    end() {
      try {
        onEnd?.(failed);
      } catch {
        // as above
      }
      return [];
    },
  };
}

/** Collects the assistant text of choice 0 (for conversation memory); `text()` reads it so far. */
export function collectAssistantText(): { stage: StreamStage; text: () => string } {
  let text = "";
  const stage = tapChunks((chunk) => {
    for (const choice of chunk.choices) if (choice.index === 0) text += choice.delta.content ?? "";
  });
  return { stage, text: () => text };
}

/** Calls `onFirst` once, at the first chunk carrying generated content or a tool call: time to first token. */
export function onFirstContent(onFirst: () => void): StreamStage {
  let seen = false;
  return tapChunks((chunk) => {
    if (seen) return;
    if (chunk.choices.some((choice) => Boolean(choice.delta.content) || Boolean(choice.delta.tool_calls?.length))) {
      seen = true;
      onFirst();
    }
  });
}
