import { PLACEHOLDER_SHAPE, type PlaceholderMap } from "./placeholders";

/**
 * Puts the original values back into the model's answer. Placeholders the map does not know (the model
 * invented `<EMAIL_9>`, or a user typed one) are left as they are.
 */
export function restorePlaceholders(text: string, map: PlaceholderMap): string {
  if (text.indexOf("<") < 0) return text;
  return text.replace(PLACEHOLDER_SHAPE, (placeholder) =>
    Object.hasOwn(map, placeholder) ? (map[placeholder] ?? placeholder) : placeholder,
  );
}

export interface PlaceholderRestorer {
  /** Returns the restored text that is safe to emit now; may hold back a possible partial placeholder. */
  push(delta: string): string;
  /** End of stream: emits whatever was held back (restored if it completes a placeholder, verbatim if not). */
  flush(): string;
}

/**
 * Streaming restore for SSE deltas, where a placeholder can be split at any character across chunks
 * ("<EM" + "AIL_1>"). Mechanism: after each push, everything up to the last `<` that could still begin a
 * known placeholder is restored and emitted; only that tail (shorter than the longest placeholder) is held.
 * Text is never delayed by more than one placeholder's length, and work is linear in the stream size.
 */
export function createPlaceholderRestorer(map: PlaceholderMap): PlaceholderRestorer {
  const placeholders = Object.keys(map);
  let held = "";

  const isStrictPrefix = (tail: string) =>
    placeholders.some((placeholder) => placeholder !== tail && placeholder.startsWith(tail));

  return {
    push(delta: string): string {
      const text = held + delta;
      held = "";
      if (placeholders.length === 0) return text;
      const lastOpen = text.lastIndexOf("<", text.length - 1);
      if (lastOpen >= 0 && isStrictPrefix(text.slice(lastOpen))) {
        held = text.slice(lastOpen);
        return restorePlaceholders(text.slice(0, lastOpen), map);
      }
      return restorePlaceholders(text, map);
    },
    flush(): string {
      const rest = restorePlaceholders(held, map);
      held = "";
      return rest;
    },
  };
}
