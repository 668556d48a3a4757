import type { ErrorCode } from "../errors";
import type { ChatCompletionChunk, ToolCallDelta } from "../providers/openai-schema";
import type { StreamItem, StreamStage } from "./items";

type Choice = ChatCompletionChunk["choices"][number];

/** A delta mapper that can refuse the rest of the answer (the output PII scan under block). */
export interface BlockingMapper {
  push(text: string): string;
  end(): string;
  readonly blocked: boolean;
}

/** What the stream ends with when a mapper blocks: an error event (then `[DONE]`), nothing more. */
export interface BlockNotice {
  code: ErrorCode;
  message: string;
}

/**
 * Rewrites every text of the answer through one mapper each: the content of each choice and the arguments
 * of each of its tool calls (`delta.tool_calls[].function.arguments`). A mapper's held-back tail joins the
 * chunk that finishes its choice, or a chunk of its own at the end. Once any mapper blocks, the stage emits
 * the error and `halted()` turns true, which ends the stream (pipeline.ts) and cancels the upstream.
 */
export function mapAnswerTexts(createMapper: () => BlockingMapper, notice: BlockNotice): StreamStage {
  const mappers = new Map<string, BlockingMapper>();
  let halted = false;
  let blocked = false;
  let last: ChatCompletionChunk | null = null;

  const keyOf = (choice: number, tool?: number) => (tool === undefined ? `${choice}` : `${choice}:${tool}`);
  function map(key: string, text: string): string {
    let mapper = mappers.get(key);
    if (!mapper) mappers.set(key, (mapper = createMapper()));
    const out = mapper.push(text);
    if (mapper.blocked) blocked = true;
    return out;
  }
  function halt(): StreamItem[] {
    halted = true;
    mappers.clear();
    return [{ type: "error", message: notice.message, code: notice.code }];
  }

  /** Ends the mappers of `choice` (all when undefined) and merges their tails into `delta`. */
  function endInto(delta: Choice["delta"], choice: number | undefined): Choice["delta"] {
    let out = delta;
    for (const [key, mapper] of mappers) {
      const [choiceKey, toolKey] = key.split(":");
      if (choice !== undefined && Number(choiceKey) !== choice) continue;
      const tail = mapper.end();
      if (mapper.blocked) blocked = true;
      mappers.delete(key);
      if (tail === "") continue;
      out =
        toolKey === undefined
          ? { ...out, content: (out.content ?? "") + tail }
          : withArguments(out, Number(toolKey), tail);
    }
    return out;
  }

  function mapChoice(choice: Choice): Choice {
    let delta = choice.delta;
    if (typeof delta.content === "string" && delta.content !== "")
      delta = { ...delta, content: map(keyOf(choice.index), delta.content) };
    if (delta.tool_calls?.length)
      delta = {
        ...delta,
        tool_calls: delta.tool_calls.map((call) =>
          call.function?.arguments
            ? {
                ...call,
                function: {
                  ...call.function,
                  arguments: map(keyOf(choice.index, call.index), call.function.arguments),
                },
              }
            : call,
        ),
      };
    if (choice.finish_reason !== null) delta = endInto(delta, choice.index);
    return delta === choice.delta ? choice : { ...choice, delta };
  }

  function end(): StreamItem[] {
    if (halted || mappers.size === 0) return [];
    const indexes = [...new Set([...mappers.keys()].map((key) => Number(key.split(":")[0])))];
    const tails = indexes.map((index) => ({ index, delta: endInto({}, index), finish_reason: null }));
    if (blocked) return halt();
    const kept = tails.filter((choice) => Object.keys(choice.delta).length > 0);
    if (kept.length === 0 || !last) return [];
    return [{ type: "chunk", chunk: { ...last, choices: kept, usage: undefined } }];
  }

  return {
    push(item) {
      if (halted) return [];
      if (item.type === "error") {
        const tails = end();
        return halted ? tails : [...tails, item];
      }
      last = item.chunk;
      const choices = item.chunk.choices.map(mapChoice);
      if (blocked) return halt();
      return [{ type: "chunk", chunk: { ...item.chunk, choices } }];
    },
    end,
    halted: () => halted,
  };
}

/** `delta` with `text` appended to the arguments of tool call `index` (added when the delta has none). */
function withArguments(delta: Choice["delta"], index: number, text: string): Choice["delta"] {
  const calls: ToolCallDelta[] = [...(delta.tool_calls ?? [])];
  const at = calls.findIndex((call) => call.index === index);
  const current = at >= 0 ? calls[at] : undefined;
  const updated: ToolCallDelta = current
    ? { ...current, function: { ...current.function, arguments: (current.function?.arguments ?? "") + text } }
    : { index, function: { arguments: text } };
  if (at >= 0) calls[at] = updated;
  else calls.push(updated);
  return { ...delta, tool_calls: calls };
}
