/**
 * The slice of an OpenAI chat message the guardrails read. Anything else on a message (name, tool_calls,
 * tool_call_id, …) and every non-text content part (images, audio, files) is opaque and passed through
 * unchanged. Generic over the caller's own message type so rewriting never loses fields.
 */
export interface TextPart {
  type: "text";
  text: string;
}

export interface ChatMessageLike {
  role: string;
  content?: string | ReadonlyArray<{ type: string } | TextPart> | null;
}

/** One scannable piece of text in a message list. `part` is set when the text sits in a content array. */
export interface TextSlot {
  message: number;
  part?: number;
  text: string;
}

export function isTextPart(part: { type: string }): part is TextPart {
  return part.type === "text" && typeof (part as Partial<TextPart>).text === "string";
}

/** Every text of the messages whose role passes `include`, in message order. */
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
    if (message === undefined) continue;
    if (slot.part === undefined) {
      out[slot.message] = { ...message, content: text };
      continue;
    }
    const parts = Array.isArray(message.content) ? [...message.content] : [];
    const part = parts[slot.part];
    if (part !== undefined) parts[slot.part] = { ...part, text };
    out[slot.message] = { ...message, content: parts };
  }
  return out;
}
