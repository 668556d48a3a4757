import { estimatePromptTokens, estimateTokens } from "../usage/token-count";
import { mockEmbeddingsAnswer } from "./embeddings/mock";
import { ChatRequest, contentText, type ChatCompletion, type ChatCompletionChunk } from "./openai-schema";

/**
 * The deterministic mock provider: an in-process `fetch` that answers the OpenAI protocol, so the mock
 * goes through exactly the code path of a real provider (openai-compatible adapter, callProvider,
 * streaming module) without a network. Behaviour comes from the model name (presets below) and/or an
 * options object the caller passes; options win.
 *
 *  mock/tollgate-mock, mock/fixed   "This is a mock reply to: <last user text>"
 *  mock/echo                        the last user text, verbatim
 *  mock/slow                        as tollgate-mock, 50 ms between chunks
 *  mock/fail-500|429|401|400        that upstream HTTP status with an OpenAI error body
 *  mock/fail-timeout                never answers (until the caller aborts)
 *  mock/fail-malformed              a stream whose second event is not JSON
 *  mock/fail-break                  a stream that breaks halfway through
 *  mock/tool-call                   calls the request's first tool (arguments `{"input":"<last user text>"}`)
 *                                   until a tool result follows, then replies "Tool said: <that result>"
 *  mock/echo-unsplit, mock/tool-call-unsplit   as echo / tool-call, with every "|" removed from the user text:
 *                                   lets a test have the model emit a value ("jane|@|example.com") that the
 *                                   request's own PII scan cannot see (the output scan's tests)
 *
 * `POST /embeddings` answers with hashed, normalised vectors for any model name (embeddings/mock.ts);
 * the fail-* presets fail it the same way.
 */
export interface MockOptions {
  reply?: string;
  /** Characters of reply text per content chunk. */
  chunkSize?: number;
  /** Pause before each streamed chunk. */
  delayMs?: number;
  promptTokens?: number;
  completionTokens?: number;
  /** Leave `usage` out of replies, to exercise counting from text. */
  omitUsage?: boolean;
  failWith?: 400 | 401 | 429 | 500 | 503 | "timeout" | "malformed" | "break";
  /** Called when the consumer cancels the stream or aborts the request; lets tests observe propagation. */
  onCancel?: (reason: unknown) => void;
}

const DEFAULT_CHUNK_SIZE = 16;
const MOCK_CALL_ID = "call_mock_0";
const SLOW_DELAY_MS = 50;

export function mockPreset(model: string): MockOptions {
  const fail = /^fail-(\d{3}|timeout|malformed|break)$/.exec(model)?.[1];
  if (fail) return { failWith: (/^\d+$/.test(fail) ? Number(fail) : fail) as MockOptions["failWith"] };
  if (model === "slow") return { delayMs: SLOW_DELAY_MS };
  return {};
}

const UNSPLIT = "-unsplit";

/** The preset a model name selects, without the `-unsplit` suffix. */
const presetOf = (model: string) => (model.endsWith(UNSPLIT) ? model.slice(0, -UNSPLIT.length) : model);

function lastUserText(request: ChatRequest, model = ""): string {
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const message = request.messages[i];
    if (message?.role !== "user") continue;
    const text = contentText(message.content);
    return model.endsWith(UNSPLIT) ? text.replaceAll("|", "") : text;
  }
  return "";
}

/** The tool call `mock/tool-call` makes, or null once the conversation ends with a tool result (or has no tools). */
export function mockToolCall(request: ChatRequest, model: string): { name: string; arguments: string } | null {
  const tool = request.tools?.[0];
  if (presetOf(model) !== "tool-call" || !tool || request.messages.at(-1)?.role === "tool") return null;
  return { name: tool.function.name, arguments: JSON.stringify({ input: lastUserText(request, model) }) };
}

export function mockReply(request: ChatRequest, model: string, options: MockOptions = {}): string {
  if (options.reply !== undefined) return options.reply;
  const last = request.messages.at(-1);
  if (presetOf(model) === "tool-call" && last?.role === "tool") return `Tool said: ${contentText(last.content)}`;
  const text = lastUserText(request, model);
  return presetOf(model) === "echo" ? text : `This is a mock reply to: ${text}`;
}

function usageOf(request: ChatRequest, reply: string, options: MockOptions) {
  const prompt = options.promptTokens ?? estimatePromptTokens(request.messages, request.tools);
  const completion = options.completionTokens ?? estimateTokens(reply);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** The full completion the mock returns for a request; pure, so tests can state expectations with it. */
export function mockCompletion(request: ChatRequest, model: string, options: MockOptions = {}): ChatCompletion {
  const call = mockToolCall(request, model);
  const reply = call ? "" : mockReply(request, model, options);
  const message = call
    ? {
        role: "assistant" as const,
        content: null,
        tool_calls: [{ id: MOCK_CALL_ID, type: "function" as const, function: call }],
      }
    : { role: "assistant" as const, content: reply };
  return {
    id: "chatcmpl-mock",
    object: "chat.completion",
    created: 0,
    model,
    choices: [{ index: 0, message, finish_reason: call ? "tool_calls" : "stop" }],
    ...(options.omitUsage ? {} : { usage: usageOf(request, call ? call.arguments : reply, options) }),
  };
}

/** The chunk sequence of a streamed mock reply (without SSE framing). */
export function mockChunks(request: ChatRequest, model: string, options: MockOptions = {}): ChatCompletionChunk[] {
  const call = mockToolCall(request, model);
  const reply = call ? "" : mockReply(request, model, options);
  const size = Math.max(1, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const base = { id: "chatcmpl-mock", object: "chat.completion.chunk" as const, created: 0, model };
  const chunks: ChatCompletionChunk[] = [
    { ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] },
  ];
  const delta = (piece: string): ChatCompletionChunk["choices"][number]["delta"] =>
    call ? { tool_calls: [{ index: 0, function: { arguments: piece } }] } : { content: piece };
  if (call)
    chunks.push({
      ...base,
      choices: [
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, id: MOCK_CALL_ID, type: "function", function: { name: call.name } }] },
          finish_reason: null,
        },
      ],
    });
  const text = call ? call.arguments : reply;
  for (let i = 0; i < text.length; i += size)
    chunks.push({ ...base, choices: [{ index: 0, delta: delta(text.slice(i, i + size)), finish_reason: null }] });
  chunks.push({ ...base, choices: [{ index: 0, delta: {}, finish_reason: call ? "tool_calls" : "stop" }] });
  if (request.stream_options?.include_usage && !options.omitUsage)
    chunks.push({ ...base, choices: [], usage: usageOf(request, text, options) });
  return chunks;
}

const encoder = new TextEncoder();
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

function mockStream(
  request: ChatRequest,
  model: string,
  options: MockOptions,
  signal: AbortSignal | null | undefined,
): ReadableStream<Uint8Array> {
  const frames = mockChunks(request, model, options).map((c) => `data: ${JSON.stringify(c)}\n\n`);
  if (options.failWith === "malformed") frames.splice(1, frames.length - 1, "data: {not json\n\n");
  if (options.failWith !== "break") frames.push("data: [DONE]\n\n");
  const breakAt = options.failWith === "break" ? Math.max(1, Math.floor(frames.length / 2)) : Infinity;
  let cancelled = false;
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      signal?.addEventListener("abort", () => {
        if (cancelled) return;
        cancelled = true;
        options.onCancel?.(signal.reason);
        controller.error(signal.reason);
      });
    },
    async pull(controller) {
      await sleep(options.delayMs ?? 0);
      if (cancelled) return;
      if (sent >= breakAt) return controller.error(new Error("mock connection reset"));
      const frame = frames[sent++];
      if (frame === undefined) return controller.close();
      controller.enqueue(encoder.encode(frame));
    },
    cancel(reason) {
      if (cancelled) return;
      cancelled = true;
      options.onCancel?.(reason);
    },
  });
}

function hang(signal: AbortSignal | null | undefined, options: MockOptions): Promise<Response> {
  return new Promise((_, reject) => {
    signal?.addEventListener("abort", () => {
      options.onCancel?.(signal.reason);
      reject(signal.reason);
    });
  });
}

const invalidBody = () =>
  json({ error: { message: "mock: invalid request body", type: "invalid_request_error" } }, 400);

/** The answer of a failing preset (`fail-500`, `fail-timeout`, …), or null when the call should succeed. */
function failure(effective: MockOptions, signal: AbortSignal | null | undefined): Response | Promise<Response> | null {
  const fail = effective.failWith;
  if (fail === "timeout") return hang(signal, effective);
  if (typeof fail === "number")
    return json({ error: { message: `mock failure ${fail}`, type: "mock_error", code: String(fail) } }, fail);
  return null;
}

/** A `fetch` that serves the mock provider in-process; `options` override the model-name presets. */
export function createMockFetch(options: MockOptions = {}): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    const auth = new Headers(init?.headers).get("authorization") ?? "";
    if (url.pathname.endsWith("/models"))
      return auth === "Bearer mock-invalid"
        ? json({ error: { message: "Incorrect API key provided", type: "invalid_request_error" } }, 401)
        : json({ object: "list", data: [] });
    const body: unknown = JSON.parse(typeof init?.body === "string" ? init.body : "{}");
    if (url.pathname.endsWith("/embeddings")) {
      const answer = mockEmbeddingsAnswer(body);
      if (!answer) return invalidBody();
      return failure({ ...mockPreset(answer.model), ...options }, signal) ?? json(answer);
    }
    const parsed = ChatRequest.safeParse(body);
    if (!parsed.success) return invalidBody();
    const request = parsed.data;
    const model = request.model ?? "tollgate-mock";
    const effective = { ...mockPreset(model), ...options };
    const failed = failure(effective, signal);
    if (failed !== null) return failed;
    if (!request.stream) return json(mockCompletion(request, model, effective));
    return new Response(mockStream(request, model, effective, signal), {
      headers: { "content-type": "text/event-stream" },
    });
  };
}
