import { z } from "zod";
import type { SentinelVerdict } from "./score";

/**
 * Sentinel's optional second stage (`sentinel_classifier`): prompts whose Sentinel score falls in a
 * borderline band are sent to an external classifier, which has the last word on them. Pure: the HTTP
 * call lives in src/data-plane/sentinel-classifier.ts. The JSON contract is in docs/guardrails.md.
 */
export const ClassifierSettings = z
  .object({
    /** https endpoint that answers the contract below (public host; checked at save time). */
    url: z.string().url().max(2_048),
    /** Scores in [low, high) go to the classifier; the Sentinel threshold is 1.0. */
    band: z
      .object({ low: z.number().min(0).max(2), high: z.number().min(0).max(2.01) })
      .strict()
      .refine((band) => band.low < band.high, "low must be below high"),
    /** The whole budget of the call, connection included; past it the call counts as failed. */
    timeout_ms: z.number().int().min(20).max(5_000),
    /** When the classifier fails: `open` keeps Sentinel's own verdict, `closed` refuses the prompt. */
    on_failure: z.enum(["open", "closed"]),
  })
  .strict();
export type ClassifierSettings = z.infer<typeof ClassifierSettings>;

/** What the gateway POSTs. */
export interface ClassifierRequest {
  text: string;
  sentinel: { score: number; threshold: number; families: string[] };
}

/** What the classifier must answer (extra fields are ignored). */
export const ClassifierReply = z.object({
  injection: z.boolean(),
  /** Optional confidence in [0, 1], recorded with the event. */
  score: z.number().min(0).max(1).optional(),
});

export type ClassifierOutcome =
  | { kind: "answered"; injection: boolean; score?: number }
  | { kind: "failed"; reason: "timeout" | "http_status" | "invalid_reply" | "network" };

export function inBand(score: number, band: ClassifierSettings["band"]): boolean {
  return score >= band.low && score < band.high;
}

/** The classifier's answer replaces Sentinel's flag; a failure keeps it (open) or refuses (closed). */
export function applySecondStage(
  verdict: SentinelVerdict,
  outcome: ClassifierOutcome,
  onFailure: ClassifierSettings["on_failure"],
): SentinelVerdict {
  if (outcome.kind === "answered") {
    const families = outcome.injection ? [...new Set([...verdict.families, "external_classifier"])] : verdict.families;
    return { ...verdict, flagged: outcome.injection, families };
  }
  if (onFailure === "open") return verdict;
  return {
    ...verdict,
    flagged: true,
    families: [...new Set([...verdict.families, "external_classifier_unavailable"])],
  };
}
