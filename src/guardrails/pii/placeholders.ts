import type { PiiEntity } from "./entities";

/**
 * Placeholder ↔ original value, for one request. Serialisable (a plain object) so the pipeline can keep it
 * in the request context or hand it to a stream stage. Holds values: it must never be logged or returned.
 */
export type PlaceholderMap = Readonly<Record<string, string>>;

/** `<EMAIL_1>`: angle brackets and an upper-case type so models copy it verbatim and prose rarely contains it. */
export const PLACEHOLDER_SHAPE = /<([A-Z][A-Z_]{1,20})_(\d{1,6})>/g;

/**
 * Hands out placeholders: the same value always gets the same placeholder within one request (so the model
 * can tell that two mentions are the same person), numbered per type in order of first appearance.
 */
export function createPlaceholderAllocator() {
  const byValue = new Map<string, string>();
  const counters = new Map<PiiEntity, number>();
  const map: Record<string, string> = {};
  return {
    placeholderFor(type: PiiEntity, value: string): string {
      const key = `${type}\u0000${value}`;
      const existing = byValue.get(key);
      if (existing !== undefined) return existing;
      const next = (counters.get(type) ?? 0) + 1;
      counters.set(type, next);
      const placeholder = `<${type}_${next}>`;
      byValue.set(key, placeholder);
      map[placeholder] = value;
      return placeholder;
    },
    map(): PlaceholderMap {
      return { ...map };
    },
  };
}

/** Permanent replacement for `redact`: names the type, keeps nothing, and cannot be restored. */
export function redactionFor(type: PiiEntity): string {
  return `[REDACTED_${type}]`;
}
