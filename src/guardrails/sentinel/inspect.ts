import { textSlots, type ChatMessageLike } from "../messages";
import { isSystemRole } from "../trust";
import { scoreInjection, THRESHOLD, type SentinelOptions, type SentinelVerdict } from "./score";

export interface InspectOptions extends SentinelOptions {
  /** Tool results carry third-party content (web pages, files): the usual vehicle of indirect injection. */
  scanTool?: boolean;
  /** The caller opted in to trusted system messages (see `trustsSystemMessages`): skip system and developer. */
  trustSystem?: boolean;
}

export interface MessagesVerdict extends SentinelVerdict {
  /** Index of the highest-scoring message, for shadow-mode events; never its text. */
  message: number | null;
}

/**
 * Scores each client-sent text separately (every role's content and text parts, `name` fields, tool-call
 * arguments) and reports the worst: an attack split across messages is weaker than one in a single
 * message, and per-text scoring keeps a long benign history from diluting or accumulating into a false
 * positive. System, developer and assistant messages are scored too: the client writes them all. Only an
 * opted-in server caller's system messages are skipped.
 */
export function inspectMessages(messages: readonly ChatMessageLike[], options: InspectOptions = {}): MessagesVerdict {
  return inspectWithText(messages, options).verdict;
}

/**
 * inspectMessages plus the text of the highest-scoring slot, for the optional second stage only: the
 * verdict is what gets logged, the text never is.
 */
export function inspectWithText(
  messages: readonly ChatMessageLike[],
  options: InspectOptions = {},
): { verdict: MessagesVerdict; worstText: string } {
  const scanTool = options.scanTool ?? true;
  const include = (role: string) => {
    if (role === "tool" || role === "function") return scanTool;
    return !(options.trustSystem === true && isSystemRole(role));
  };
  let worst: MessagesVerdict = { score: 0, threshold: THRESHOLD, flagged: false, families: [], message: null };
  let worstText = "";
  const families = new Set<string>();
  for (const slot of textSlots(messages, include)) {
    const verdict = scoreInjection(slot.text, options);
    if (verdict.flagged) for (const family of verdict.families) families.add(family);
    if (verdict.score > worst.score) {
      worst = { ...verdict, message: slot.message };
      worstText = slot.text;
    }
  }
  const verdict = worst.flagged ? { ...worst, families: [...new Set([...worst.families, ...families])] } : worst;
  return { verdict, worstText };
}

/** The client-facing message for a 400 `prompt_injection_detected`: family names only, never prompt text. */
export function describeInjectionBlock(verdict: Pick<SentinelVerdict, "families">): string {
  const families = verdict.families.length > 0 ? verdict.families.join(", ") : "unknown";
  return `The request was blocked by the prompt-injection filter (${families}).`;
}
