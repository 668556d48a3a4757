import { replaceSlots, textSlots, type ChatMessageLike, type TextSlot } from "../messages";
import { isSystemRole } from "../trust";
import type { PiiDetectorOptions, PiiEntity, PiiSpan } from "./entities";
import { createPlaceholderAllocator, redactionFor, type PlaceholderMap } from "./placeholders";
import { detectPii } from "./scan";

export type PiiMode = "disabled" | "shadow" | "enforce";
export type PiiAction = "mask" | "redact" | "block";

export interface PiiPolicy {
  mode: PiiMode;
  action: PiiAction;
  entities: readonly PiiEntity[];
  /**
   * The caller opted in to trusted system messages (see `trustsSystemMessages`): their system and developer
   * messages are scanned only with `scanSystem`. Every other client-sent text is always scanned: user,
   * tool results, earlier assistant turns (which hold restored originals after a masked exchange), names
   * and tool-call arguments.
   */
  trustSystem?: boolean;
  /** `pii_scan_system`: scan trusted system messages too. Untrusted ones are scanned regardless. */
  scanSystem: boolean;
  /** Detector settings such as the phone regions (`pii_phone_regions`); absent means the defaults. */
  detectors?: PiiDetectorOptions;
}

/** Where one finding sits: message index, content part (when content is an array), UTF-16 offsets. */
export interface PiiPosition {
  message: number;
  part?: number;
  start: number;
  end: number;
}

/** Per-type summary for audit and shadow events: counts and positions, never the values. */
export interface PiiFinding {
  type: PiiEntity;
  count: number;
  positions: PiiPosition[];
}

export interface PiiOutcome<M extends ChatMessageLike = ChatMessageLike> {
  /** The messages to send upstream: rewritten under enforce mask/redact, otherwise the input itself. */
  messages: M[];
  findings: PiiFinding[];
  /** Enforce + block found something: the middleware answers 400 `pii_detected` (see `describePiiBlock`). */
  blocked: boolean;
  /** Placeholder → original for restoring the answer; empty unless enforce + mask rewrote something. */
  placeholders: PlaceholderMap;
}

/**
 * Applies the project's PII policy to a chat request. Pure: scans the selected roles' text, then
 * shadow → findings only; enforce+block → `blocked`; enforce+mask → reversible placeholders (same value,
 * same placeholder across the whole request); enforce+redact → permanent `[REDACTED_TYPE]`.
 */
export function applyPiiPolicy<M extends ChatMessageLike>(messages: readonly M[], policy: PiiPolicy): PiiOutcome<M> {
  const unchanged: PiiOutcome<M> = { messages: [...messages], findings: [], blocked: false, placeholders: {} };
  if (policy.mode === "disabled" || policy.entities.length === 0) return unchanged;

  const slots = textSlots(messages, (role) => scansRole(role, policy));
  const scanned = slots.map((slot) => ({ slot, spans: detectPii(slot.text, policy.entities, policy.detectors) }));
  const findings = summarise(scanned);
  if (findings.length === 0 || policy.mode === "shadow") return { ...unchanged, findings };
  if (policy.action === "block") return { ...unchanged, findings, blocked: true };

  const allocator = createPlaceholderAllocator();
  const replacements = new Map<TextSlot, string>();
  for (const { slot, spans } of scanned) {
    if (spans.length === 0) continue;
    replacements.set(
      slot,
      rewrite(slot.text, spans, (span, value) =>
        policy.action === "mask" ? allocator.placeholderFor(span.type, value) : redactionFor(span.type),
      ),
    );
  }
  return {
    messages: replaceSlots(messages, replacements),
    findings,
    blocked: false,
    placeholders: policy.action === "mask" ? allocator.map() : {},
  };
}

/**
 * Scans the provider's answer (the `output` setting): PII the model emits that was not in the request.
 * Placeholders are not PII, so scan the answer *before* restoring it. Under enforce, emitted values are
 * redacted (masking an answer would be pointless: nobody restores it) or the answer is marked blocked.
 */
export function applyPiiPolicyToOutput(
  text: string,
  policy: Pick<PiiPolicy, "mode" | "action" | "entities" | "detectors">,
): { text: string; findings: PiiFinding[]; blocked: boolean } {
  if (policy.mode === "disabled" || policy.entities.length === 0) return { text, findings: [], blocked: false };
  const spans = detectPii(text, policy.entities, policy.detectors);
  const findings = summarise([{ slot: { message: 0, text }, spans }]);
  if (spans.length === 0 || policy.mode === "shadow") return { text, findings, blocked: false };
  if (policy.action === "block") return { text, findings, blocked: true };
  return { text: rewrite(text, spans, (span) => redactionFor(span.type)), findings, blocked: false };
}

/** The client-facing message for a 400 `pii_detected`: entity types only, never values or positions. */
export function describePiiBlock(findings: readonly Pick<PiiFinding, "type">[]): string {
  const types = [...new Set(findings.map((finding) => finding.type))].join(", ");
  return `The request contains personal data that this project does not allow (${types}).`;
}

function scansRole(role: string, policy: PiiPolicy): boolean {
  return !(policy.trustSystem === true && isSystemRole(role)) || policy.scanSystem;
}

/** `text` with each (sorted, disjoint) span replaced. */
export function rewrite(
  text: string,
  spans: readonly PiiSpan[],
  replacement: (span: PiiSpan, value: string) => string,
): string {
  let out = "";
  let cursor = 0;
  for (const span of spans) {
    out += text.slice(cursor, span.start) + replacement(span, text.slice(span.start, span.end));
    cursor = span.end;
  }
  return out + text.slice(cursor);
}

function summarise(scanned: ReadonlyArray<{ slot: TextSlot; spans: readonly PiiSpan[] }>): PiiFinding[] {
  const byType = new Map<PiiEntity, PiiFinding>();
  for (const { slot, spans } of scanned) {
    for (const span of spans) {
      const finding = byType.get(span.type) ?? { type: span.type, count: 0, positions: [] };
      finding.count++;
      const position: PiiPosition = { message: slot.message, start: span.start, end: span.end };
      if (slot.part !== undefined) position.part = slot.part;
      finding.positions.push(position);
      byType.set(span.type, finding);
    }
  }
  return [...byType.values()];
}
