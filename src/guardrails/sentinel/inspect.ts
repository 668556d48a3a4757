import { textSlots, type ChatMessageLike } from "../messages";
import { scoreInjection, THRESHOLD, type SentinelOptions, type SentinelVerdict } from "./score";

export interface InspectOptions extends SentinelOptions {
  /** Tool results carry third-party content (web pages, files): the usual vehicle of indirect injection. */
  scanTool?: boolean;
}

export interface MessagesVerdict extends SentinelVerdict {
  /** Index of the highest-scoring message, for shadow-mode events; never its text. */
  message: number | null;
}

/**
 * Scores each user (and, by default, tool) text separately and reports the worst: an attack split across
 * messages is weaker than one in a single message, and per-text scoring keeps a long benign history from
 * diluting or accumulating into a false positive. System and assistant messages are the operator's and
 * the model's own words and are not scored.
 */
export function inspectMessages(messages: readonly ChatMessageLike[], options: InspectOptions = {}): MessagesVerdict {
  const scanTool = options.scanTool ?? true;
  const include = (role: string) => role === "user" || (scanTool && (role === "tool" || role === "function"));
  let worst: MessagesVerdict = { score: 0, threshold: THRESHOLD, flagged: false, families: [], message: null };
  const families = new Set<string>();
  for (const slot of textSlots(messages, include)) {
    const verdict = scoreInjection(slot.text, options);
    if (verdict.flagged) verdict.families.forEach((family) => families.add(family));
    if (verdict.score > worst.score) worst = { ...verdict, message: slot.message };
  }
  return worst.flagged ? { ...worst, families: [...new Set([...worst.families, ...families])] } : worst;
}

/** The client-facing message for a 400 `prompt_injection_detected`: family names only, never prompt text. */
export function describeInjectionBlock(verdict: Pick<SentinelVerdict, "families">): string {
  const families = verdict.families.length > 0 ? verdict.families.join(", ") : "unknown";
  return `The request was blocked by the prompt-injection filter (${families}).`;
}
