import type { Context } from "hono";
import type { DataPlaneEnv } from "../http/app-env";
import { ChatCompletion, type ChatRequest } from "../providers/openai-schema";
import { chatCompletions } from "./chat-handler";
import { type ChatStreamTranslator, translateChatStream } from "./translated-stream";

export interface ApiRendering {
  whole(completion: ChatCompletion): object;
  /** `chat`: the request as the provider gets it (memory and system prompt injected), for what a stream announces first. */
  stream(chat: ChatRequest): ChatStreamTranslator;
}

/**
 * A route for another API over the chat handler: the parse step already turned its body into chat, the chat
 * handler answers (so restore, memory, settlement and headers are chat's), and only the output is re-rendered.
 */
export function translatedRoute(rendering: ApiRendering) {
  return async function translatedHandler(c: Context<DataPlaneEnv>): Promise<Response> {
    const answer = await chatCompletions(c);
    const headers = new Headers(answer.headers);
    headers.delete("content-length");
    if (c.var.chat.stream) {
      const body = translateChatStream(answer.body ?? new ReadableStream(), rendering.stream(c.var.chat));
      return new Response(body, { status: answer.status, headers });
    }
    const completion = ChatCompletion.parse(await answer.json());
    return new Response(JSON.stringify(rendering.whole(completion)), { status: answer.status, headers });
  };
}
