/**
 * The slice of an OpenAI chat message the guardrails read: the content (a string, or the text parts of a
 * content array), the `name` field and the `function.arguments` of assistant tool calls. Everything else
 * (ids, images, audio, files) is opaque and passed through unchanged. Generic over the caller's own message
 * type so rewriting never loses fields.
 */
export interface TextPart {
  type: "text";
  text: string;
}

export interface ToolCallLike {
  function: { name: string; arguments: string };
}

export interface ChatMessageLike {
  role: string;
  content?: string | ReadonlyArray<{ type: string } | TextPart> | null;
  name?: string;
  tool_calls?: readonly ToolCallLike[];
}

/**
 * One scannable piece of text in a message list. `part` is set when the text sits in a content array;
 * `field` says which field holds it (content by default), `toolCall` which tool call for `arguments`.
 */
export interface TextSlot {
  message: number;
  part?: number;
  field?: "content" | "name" | "arguments";
  toolCall?: number;
  text: string;
}

export function isTextPart(part: { type: string }): part is TextPart {
  return part.type === "text" && typeof (part as Partial<TextPart>).text === "string";
}

/** Every text of the messages whose role passes `include`, in message order: content, name, tool-call arguments. */
export function textSlots(messages: readonly ChatMessageLike[], include: (role: string) => boolean): TextSlot[] {
  const slots: TextSlot[] = [];
  messages.forEach((message, index) => {
    if (!include(message.role)) return;
    const content = message.content;
    if (typeof content === "string") slots.push({ message: index, text: content });
    else if (Array.isArray(content)) {
      content.forEach((part, partIndex) => {
        if (isTextPart(part)) slots.push({ message: index, part: partIndex, text: part.text });
      });
    }
    if (typeof message.name === "string" && message.name.length > 0)
      slots.push({ message: index, field: "name", text: message.name });
    message.tool_calls?.forEach((toolCall, callIndex) => {
      slots.push({ message: index, field: "arguments", toolCall: callIndex, text: toolCall.function.arguments });
    });
  });
  return slots;
}

/** Returns a copy of `messages` with the given slot texts replaced; untouched messages keep their identity. */
export function replaceSlots<M extends ChatMessageLike>(
  messages: readonly M[],
  replacements: ReadonlyMap<TextSlot, string>,
): M[] {
  const out = [...messages];
  for (const [slot, text] of replacements) {
    const message = out[slot.message];
    if (message !== undefined) out[slot.message] = replaceSlot(message, slot, text);
  }
  return out;
}

function replaceSlot<M extends ChatMessageLike>(message: M, slot: TextSlot, text: string): M {
  if (slot.field === "name") return { ...message, name: text };
  if (slot.field === "arguments") {
    const calls = [...(message.tool_calls ?? [])];
    const call = slot.toolCall === undefined ? undefined : calls[slot.toolCall];
    if (call === undefined || slot.toolCall === undefined) return message;
    calls[slot.toolCall] = { ...call, function: { ...call.function, arguments: text } };
    return { ...message, tool_calls: calls };
  }
  if (slot.part === undefined) return { ...message, content: text };
  const parts = Array.isArray(message.content) ? [...message.content] : [];
  const part = parts[slot.part];
  if (part !== undefined) parts[slot.part] = { ...part, text };
  return { ...message, content: parts };
}
