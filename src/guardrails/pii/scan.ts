import { DETECTORS, PRIORITY } from "./detectors/index";
import { PII_ENTITIES, type PiiDetectorOptions, type PiiEntity, type PiiSpan } from "./entities";

/**
 * Runs the selected detectors over `text` and returns non-overlapping spans sorted by start. Overlaps are
 * settled greedily: higher-priority type first (see `DETECTORS`), then the longer span. Never returns values.
 */
export function detectPii(
  text: string,
  entities: readonly PiiEntity[] = PII_ENTITIES,
  options: PiiDetectorOptions = {},
): PiiSpan[] {
  if (text.length === 0 || entities.length === 0) return [];
  const candidates: PiiSpan[] = [];
  for (const entity of entities) candidates.push(...DETECTORS[entity](text, options));
  return resolveOverlaps(candidates);
}

export function resolveOverlaps(candidates: readonly PiiSpan[]): PiiSpan[] {
  const rank = (span: PiiSpan) => PRIORITY.indexOf(span.type);
  const ordered = [...candidates]
    .filter((span) => span.end > span.start)
    .sort((a, b) => rank(a) - rank(b) || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: PiiSpan[] = [];
  for (const span of ordered) {
    const at = firstEndingAfter(kept, span.start);
    const next = kept[at];
    if (next !== undefined && next.start < span.end) continue;
    kept.splice(at, 0, span);
  }
  return kept;
}

/** Index of the first kept span (sorted, disjoint) whose end is after `position`; binary search. */
function firstEndingAfter(kept: readonly PiiSpan[], position: number): number {
  let low = 0;
  let high = kept.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((kept[mid]?.end ?? 0) <= position) low = mid + 1;
    else high = mid;
  }
  return low;
}
