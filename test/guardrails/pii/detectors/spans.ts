import type { PiiDetector } from "../../../../src/guardrails/pii/entities";

/** The substrings a detector reports, so tables can list expected values instead of offsets. */
export function found(detector: PiiDetector, text: string): string[] {
  return detector(text).map((span) => text.slice(span.start, span.end));
}
