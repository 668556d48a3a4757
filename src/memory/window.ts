import type { StoredMessage } from "./types";

/**
 * Pure conversation-window arithmetic shared by both stores and the chat route.
 *
 * A "pair" starts at a user message and runs to the next one: the user's words, the assistant's answer and,
 * when kept, the tool calls between. Counting by user messages keeps a pair whole when trimming, so history
 * never starts with an orphaned answer or a tool result whose call was cut away.
 */

/** The shape these functions need from any OpenAI-style message type. */
export interface RoleTagged {
  role: string;
}

/**
 * Keeps the last `windowPairs` pairs. Messages before the first user message (an answer whose question
 * was trimmed earlier) are dropped with the oldest pair. `windowPairs <= 0` keeps nothing.
 */
export function trimToWindow<T extends RoleTagged>(messages: readonly T[], windowPairs: number): T[] {
  if (windowPairs <= 0) return [];
  let seen = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.role === "user" && ++seen === windowPairs) return messages.slice(i);
  }
  // Fewer pairs than the window: keep them all, but never lead with a message that has no question.
  const firstUser = messages.findIndex((m) => m.role === "user");
  return firstUser === -1 ? [] : messages.slice(firstUser);
}

/** Roles that set up the conversation; memory goes after them, before the request's own turn. */
const PREAMBLE_ROLES = new Set(["system", "developer"]);

/** `[leading system/developer messages, ...history, ...the rest of the request]`. */
export function injectMemory<T extends RoleTagged, H extends RoleTagged>(
  requestMessages: readonly T[],
  history: readonly H[],
): (T | H)[] {
  let cut = 0;
  while (cut < requestMessages.length && PREAMBLE_ROLES.has(requestMessages[cut]?.role ?? "")) cut++;
  return [...requestMessages.slice(0, cut), ...history, ...requestMessages.slice(cut)];
}

/** The fields of an incoming chat message that `toStoredMessages` reads; extra fields are ignored. */
export interface IncomingMessage {
  role: string;
  content?: StoredMessage["content"] | undefined;
  name?: string | undefined;
  tool_calls?: StoredMessage["tool_calls"] | undefined;
  tool_call_id?: string | undefined;
}

/**
 * The messages of one exchange worth remembering: the request's user (and, with tools, assistant/tool)
 * messages, then the answer. System and developer messages are never stored: the project's prompt is
 * injected fresh each time and a client's preamble is not conversation. Without `storeToolCalls`, tool
 * results go and assistant messages lose their `tool_calls` (and vanish if nothing else is left).
 */
export function toStoredMessages(
  userMessages: readonly IncomingMessage[],
  assistantMessage: IncomingMessage | null,
  options: { storeToolCalls: boolean },
): StoredMessage[] {
  const incoming = assistantMessage ? [...userMessages, { ...assistantMessage, role: "assistant" }] : userMessages;
  const stored: StoredMessage[] = [];
  for (const message of incoming) {
    const kept = toStored(message, options.storeToolCalls);
    if (kept) stored.push(kept);
  }
  return stored;
}

function toStored(message: IncomingMessage, storeToolCalls: boolean): StoredMessage | null {
  const content = message.content ?? null;
  const name = message.name === undefined ? {} : { name: message.name };
  switch (message.role) {
    case "user":
      return { role: "user", content, ...name };
    case "assistant": {
      const calls = storeToolCalls && message.tool_calls?.length ? { tool_calls: [...message.tool_calls] } : {};
      if (!hasContent(content) && !("tool_calls" in calls)) return null;
      return { role: "assistant", content, ...name, ...calls };
    }
    case "tool":
      if (!storeToolCalls || message.tool_call_id === undefined) return null;
      return { role: "tool", content, tool_call_id: message.tool_call_id };
    default:
      // system, developer, and the legacy `function` role.
      return null;
  }
}

function hasContent(content: StoredMessage["content"]): boolean {
  return typeof content === "string" ? content.length > 0 : Array.isArray(content) && content.length > 0;
}
