import type { PiiEntity } from "./entities";
import { redactionFor } from "./placeholders";
import { detectPii } from "./scan";
import { type PiiPolicy, rewrite } from "./shield";

/**
 * How far a streamed answer is held back under enforce, in characters. A value split across chunks
 * ("jane.doe@exa" + "mple.com") is caught when it is shorter than this: no character of it is released
 * until the text after it has arrived, so the detectors see it whole. Cards, IBANs, phone numbers, SSNs,
 * IPs and ordinary emails fit; a longer value (a very long secret token) can leak its first characters.
 * 128 characters is about 30 tokens of delay, released at once when the choice ends.
 */
export const OUTPUT_HOLD_BACK = 128;

export type OutputScanPolicy = Pick<PiiPolicy, "mode" | "action" | "entities" | "detectors">;

/** Entity type → values found, shared by the scanners of one stream (types and counts, never values). */
export type FindingTally = Map<PiiEntity, number>;

/**
 * The output PII scan of one streamed text (a choice's content, or one tool call's arguments), as a delta
 * mapper: `push` returns what may be sent now, `end` the rest.
 */
export interface OutputScanner {
  push(delta: string): string;
  end(): string;
  /** Enforce + block found a value: nothing more of this answer may be sent. */
  readonly blocked: boolean;
}

/**
 * Mechanism: under enforce the text not yet released is kept in `pending`; after each push the detectors run
 * over it, and everything up to `OUTPUT_HOLD_BACK` characters before its end is released — cut earlier at the
 * start of a value that straddles that point — with the values in the released part redacted (`action`
 * mask and redact both redact: nobody could restore a placeholder the model produced). Under block, a value
 * anywhere in `pending` blocks at once, before any of it is released. Work per push is the detectors over at
 * most the hold-back plus the delta. Under shadow nothing is held or changed: the whole text is scanned at
 * the end, for the record.
 */
export function createOutputScanner(policy: OutputScanPolicy, tally: FindingTally): OutputScanner {
  const active = policy.mode !== "disabled" && policy.entities.length > 0;
  const enforce = active && policy.mode === "enforce";
  let pending = "";
  let seen = "";
  let blocked = false;

  const count = (type: PiiEntity) => tally.set(type, (tally.get(type) ?? 0) + 1);

  function release(limit: number): string {
    const spans = detectPii(pending, policy.entities, policy.detectors);
    if (spans.length > 0 && policy.action === "block") {
      for (const span of spans) count(span.type);
      blocked = true;
      pending = "";
      return "";
    }
    let cut = limit;
    const straddling = spans.find((span) => span.start < cut && span.end > cut);
    if (straddling) cut = straddling.start;
    const released = spans.filter((span) => span.end <= cut);
    for (const span of released) count(span.type);
    const out = rewrite(pending.slice(0, cut), released, (span) => redactionFor(span.type));
    pending = pending.slice(cut);
    return out;
  }

  return {
    get blocked() {
      return blocked;
    },
    push(delta) {
      if (blocked) return "";
      if (!enforce) {
        if (active) seen += delta;
        return delta;
      }
      pending += delta;
      return release(Math.max(0, pending.length - OUTPUT_HOLD_BACK));
    },
    end() {
      if (blocked) return "";
      if (!enforce) {
        for (const span of detectPii(seen, policy.entities, policy.detectors)) count(span.type);
        seen = "";
        return "";
      }
      return release(pending.length);
    },
  };
}
