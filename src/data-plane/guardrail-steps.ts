import { createMiddleware } from "hono/factory";
import { GatewayError } from "../errors";
import type { DataPlaneEnv, GuardrailEvent } from "../http/app-env";
import { applyPiiPolicy, describePiiBlock } from "../guardrails/pii/shield";
import { describeInjectionBlock, inspectWithText, type MessagesVerdict } from "../guardrails/sentinel/inspect";
import { applySecondStage, inBand } from "../guardrails/sentinel/second-stage";
import { askClassifier, type FetchLike } from "./sentinel-classifier";
import { trustsSystemMessages } from "../guardrails/trust";
import { resolveModel } from "../providers/registry";
import { findingCounts } from "../telemetry/gen-ai-span";
import { recordPhase } from "../telemetry/request-trace";
import { chooseModel, modelAllowed } from "./model-policy";

/** SPEC `model_allowlist`, checked on the live (tier-merged) settings that admission returned. */
export function checkModelAllowed() {
  return createMiddleware<DataPlaneEnv>(async function checkModelAllowed(c, next) {
    const ref = chooseModel(c.get("chat").model, c.get("settings"));
    if (!modelAllowed(ref, c.get("settings"))) {
      throw new GatewayError("model_not_allowed", `Model '${ref}' is not allowed for this project.`, {
        param: "model",
      });
    }
    if (!resolveModel(ref))
      throw new GatewayError("invalid_request", `Unknown provider in model '${ref}'.`, { param: "model" });
    await next();
  });
}

/**
 * Sentinel over every client-sent text (see guardrails/trust.ts): shadow records the verdict and allows;
 * enforce refuses with the families, never the prompt. With `sentinel_classifier` set, a score in its band
 * is decided by the external classifier (second-stage.ts), within its time budget.
 */
export function runSentinel(fetchImpl?: FetchLike) {
  return createMiddleware<DataPlaneEnv>(async function runSentinel(c, next) {
    const mode = c.get("settings").sentinel_mode;
    if (mode !== "disabled") {
      const startMs = Date.now();
      const inspected = inspectWithText(c.get("chat").messages, {
        blocklist: c.get("settings").sentinel_blocklist,
        trustSystem: trustsSystemMessages(c.get("claims")),
      });
      let verdict: MessagesVerdict = inspected.verdict;
      let secondStage: SecondStageEvent | undefined;
      const classifier = c.get("settings").sentinel_classifier;
      if (classifier && inBand(verdict.score, classifier.band)) {
        const request = {
          text: inspected.worstText,
          sentinel: { score: verdict.score, threshold: verdict.threshold, families: verdict.families },
        };
        const outcome = await askClassifier(classifier, request, fetchImpl);
        verdict = { ...applySecondStage(verdict, outcome, classifier.on_failure), message: verdict.message };
        secondStage = outcome.kind === "answered" ? (outcome.injection ? "injection" : "benign") : outcome.reason;
      }
      if (verdict.flagged || secondStage !== undefined) {
        c.get("admission").guardrailEvents.push({
          kind: "sentinel",
          mode,
          score: Math.round(verdict.score * 100) / 100,
          families: verdict.families,
          ...(secondStage ? { second_stage: secondStage } : {}),
        });
      }
      const blocked = verdict.flagged && mode === "enforce";
      recordPhase(c.get("trace"), {
        name: "guardrail.sentinel",
        startMs,
        attributes: {
          "tollgate.guardrail.mode": mode,
          "tollgate.guardrail.flagged": verdict.flagged,
          "tollgate.guardrail.sentinel.score": verdict.flagged ? Math.round(verdict.score * 100) / 100 : undefined,
          "tollgate.guardrail.sentinel.families": verdict.flagged ? verdict.families : undefined,
        },
        error: blocked ? "prompt_injection_detected" : null,
      });
      if (blocked) throw new GatewayError("prompt_injection_detected", describeInjectionBlock(verdict));
    }
    await next();
  });
}

type SecondStageEvent = NonNullable<Extract<GuardrailEvent, { kind: "sentinel" }>["second_stage"]>;

/**
 * PII Shield on the request: shadow records types and counts; enforce masks (placeholders restored in the
 * answer), redacts, or refuses listing the types only. What the provider sees is also what memory keeps.
 * An API whose answer holds no text (embeddings) cannot restore placeholders, so there `mask` redacts.
 */
export function shieldPii(options: { restorable: boolean } = { restorable: true }) {
  return createMiddleware<DataPlaneEnv>(async function shieldPii(c, next) {
    const { settings, admission } = c.var;
    if (settings.pii_mode !== "disabled") {
      const action = settings.pii_action === "mask" && !options.restorable ? "redact" : settings.pii_action;
      const startMs = Date.now();
      const outcome = applyPiiPolicy(c.get("chat").messages, {
        mode: settings.pii_mode,
        action,
        entities: settings.pii_entities,
        trustSystem: trustsSystemMessages(c.var.claims),
        scanSystem: settings.pii_scan_system,
        detectors: { phoneRegions: settings.pii_phone_regions },
      });
      if (outcome.findings.length > 0) {
        admission.guardrailEvents.push({
          kind: "pii",
          mode: settings.pii_mode,
          action,
          findings: outcome.findings.map(({ type, count }) => ({ type, count })),
        });
      }
      recordPhase(c.get("trace"), {
        name: "guardrail.pii",
        startMs,
        attributes: {
          "tollgate.guardrail.mode": settings.pii_mode,
          "tollgate.guardrail.action": action,
          ...findingCounts("tollgate.guardrail.pii", outcome.findings),
        },
        error: outcome.blocked ? "pii_detected" : null,
      });
      if (outcome.blocked) throw new GatewayError("pii_detected", describePiiBlock(outcome.findings));
      c.set("chat", { ...c.get("chat"), messages: outcome.messages });
      admission.newMessages = outcome.messages;
      admission.placeholders = outcome.placeholders;
    }
    await next();
  });
}
