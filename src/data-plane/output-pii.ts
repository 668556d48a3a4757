import type { Context } from "hono";
import { GatewayError } from "../errors";
import { applyPiiPolicyToOutput } from "../guardrails/pii/shield";
import { createOutputScanner, type FindingTally, type OutputScanPolicy } from "../guardrails/pii/stream-scan";
import type { DataPlaneEnv } from "../http/app-env";
import type { ChatCompletion } from "../providers/openai-schema";
import type { ProjectSettings } from "../settings/schema";
import type { StreamStage } from "../streaming";
import { mapAnswerTexts } from "../streaming/scan-stage";

/**
 * PII the model emits (SPEC output setting `pii_scan_output`): every text of the answer — each choice's
 * content and each tool call's arguments — recorded under shadow, and under enforce redacted or refused,
 * whole answers and streams alike (docs/guardrails.md).
 */
const BLOCKED_MESSAGE = "The answer contained personal data this project does not allow.";

export function outputPolicy(settings: ProjectSettings): OutputScanPolicy | null {
  if (!settings.pii_scan_output || settings.pii_mode === "disabled") return null;
  return {
    mode: settings.pii_mode,
    action: settings.pii_action,
    entities: settings.pii_entities,
    detectors: { phoneRegions: settings.pii_phone_regions },
  };
}

/** Scans a whole answer in place (before placeholders are restored); throws `pii_detected` under block. */
export function scanWholeAnswer(c: Context<DataPlaneEnv>, completion: ChatCompletion): void {
  const policy = outputPolicy(c.get("settings"));
  if (!policy) return;
  const tally: FindingTally = new Map();
  let blocked = false;
  const scan = (text: string) => {
    const result = applyPiiPolicyToOutput(text, policy);
    for (const { type, count } of result.findings) tally.set(type, (tally.get(type) ?? 0) + count);
    blocked ||= result.blocked;
    return result.text;
  };
  for (const choice of completion.choices) {
    const { message } = choice;
    if (message.content != null) message.content = scan(message.content);
    for (const call of message.tool_calls ?? []) call.function.arguments = scan(call.function.arguments);
  }
  record(c, policy, tally);
  if (blocked) throw new GatewayError("pii_detected", BLOCKED_MESSAGE);
}

/**
 * The stream stage of the same scan, and `finish()` to call once the stream is over: it records the findings
 * and says whether the answer was refused part-way (the stream then ended with a `pii_detected` error event).
 */
export function streamOutputScan(c: Context<DataPlaneEnv>): { stage: StreamStage; finish: () => boolean } | null {
  const policy = outputPolicy(c.get("settings"));
  if (!policy) return null;
  const tally: FindingTally = new Map();
  const stage = mapAnswerTexts(() => createOutputScanner(policy, tally), {
    code: "pii_detected",
    message: BLOCKED_MESSAGE,
  });
  return {
    stage,
    finish() {
      record(c, policy, tally);
      return stage.halted?.() === true;
    },
  };
}

function record(c: Context<DataPlaneEnv>, policy: OutputScanPolicy, tally: FindingTally): void {
  if (tally.size === 0 || policy.mode === "disabled") return;
  c.get("admission").guardrailEvents.push({
    kind: "pii_output",
    mode: policy.mode,
    findings: [...tally].map(([type, count]) => ({ type, count })),
  });
}
