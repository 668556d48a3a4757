import type { Context } from "hono";
import { GatewayError } from "../errors";
import { applyPiiPolicyToOutput } from "../guardrails/pii/shield";
import { createPlaceholderRestorer, restorePlaceholders } from "../guardrails/pii/restore";
import type { DataPlaneEnv } from "../http/app-env";
import type { ChatCompletion } from "../providers/openai-schema";
import { collectAssistantText, mapContentDeltas, type StreamOutcome, type StreamStage } from "../streaming";
import { rememberTurn } from "./memory-append";
import { streamOutputScan } from "./output-pii";
import { settleRequest, type UsageReport } from "./settle";
import type { RequestTrace } from "../telemetry/request-trace";

/**
 * What every answer goes through after the provider (or the response cache) produced it, so a cached
 * answer is handled exactly like a live one: output PII policy, masked PII restored for this request,
 * the turn remembered as the provider wrote it, and settlement.
 */

/** Output PII policy and placeholder restore on a whole completion, in place; returns the provider's message. */
export function finishCompletion(c: Context<DataPlaneEnv>, completion: ChatCompletion) {
  const { settings, admission } = c.var;
  const placeholders = admission.placeholders ?? {};
  // Memory keeps the answer as the provider wrote it (placeholders, not the restored values).
  const providerAnswer = completion.choices[0]?.message ? { ...completion.choices[0].message } : undefined;
  for (const choice of completion.choices) {
    let text = choice.message.content ?? null;
    if (text !== null && settings.pii_scan_output) text = scanOutput(c, text);
    if (text !== null) choice.message.content = restorePlaceholders(text, placeholders);
  }
  return providerAnswer;
}

/** After a whole answer is ready to send: settled (batched, off the response path) and remembered. */
export function settleWhole(
  c: Context<DataPlaneEnv>,
  report: UsageReport,
  providerAnswer: ChatCompletion["choices"][number]["message"] | undefined,
): void {
  const { admission, project, requestId } = c.var;
  admission.settledBy = "handler";
  settleRequest(c.executionCtx, c.env, project.id, requestId, admission, report);
  if (providerAnswer) c.executionCtx.waitUntil(rememberTurn(c, providerAnswer).catch(() => undefined));
}

/**
 * The stages of a replayed stream, in the live path's order: the memory collector (what the provider wrote),
 * the output PII scan (redacts or refuses under enforce, as on a live stream; `outputScan.finish()` once it
 * ended says whether it refused), then the PII restore for this request.
 */
export function answerStages(c: Context<DataPlaneEnv>) {
  const placeholders = c.var.admission.placeholders ?? {};
  const collected = collectAssistantText();
  const outputScan = streamOutputScan(c);
  const stages: StreamStage[] = [collected.stage];
  if (outputScan) stages.push(outputScan.stage);
  if (Object.keys(placeholders).length > 0) {
    stages.push(
      mapContentDeltas(() => {
        const restorer = createPlaceholderRestorer(placeholders);
        return { push: (text) => restorer.push(text), end: () => restorer.flush() };
      }),
    );
  }
  return { stages, collected, outputScan };
}

/**
 * Once a streamed answer is over: usage settled (the report from how it ended, which is the caller's place for
 * whatever else the end decides), the turn remembered when it completed. The request log line waits for the
 * same point. Live answers and cache replays both end here.
 */
export function settleStream(
  c: Context<DataPlaneEnv>,
  outcome: Promise<StreamOutcome>,
  collectedText: () => string,
  reportFor: (end: StreamOutcome) => UsageReport,
  trace?: RequestTrace,
): Promise<StreamOutcome> {
  const { admission, project, requestId } = c.var;
  admission.settledBy = "handler";
  const ended = outcome.then((end) => {
    settleRequest(c.executionCtx, c.env, project.id, requestId, admission, reportFor(end), trace);
    return end;
  });
  admission.streamUsage = ended.then(
    (end) => ({ promptTokens: end.usage.promptTokens, completionTokens: end.usage.completionTokens }),
    () => null,
  );
  c.executionCtx.waitUntil(
    ended
      .then(async (end) => {
        if (end.status === "completed") await rememberTurn(c, { role: "assistant", content: collectedText() });
      })
      .catch(() => undefined),
  );
  return ended;
}

/** PII the model emitted (SPEC output setting): recorded, and under enforce redacted or refused. */
export function scanOutput(c: Context<DataPlaneEnv>, text: string): string {
  const result = recordOutputPii(c, text);
  if (result.blocked)
    throw new GatewayError("pii_detected", "The answer contained personal data this project does not allow.");
  return result.text;
}

function recordOutputPii(c: Context<DataPlaneEnv>, text: string) {
  const { settings, admission } = c.var;
  const result = applyPiiPolicyToOutput(text, {
    mode: settings.pii_mode,
    action: settings.pii_action,
    entities: settings.pii_entities,
    detectors: { phoneRegions: settings.pii_phone_regions },
  });
  if (result.findings.length > 0 && settings.pii_mode !== "disabled") {
    admission.guardrailEvents.push({
      kind: "pii_output",
      mode: settings.pii_mode,
      findings: result.findings.map(({ type, count }) => ({ type, count })),
    });
  }
  return result;
}
