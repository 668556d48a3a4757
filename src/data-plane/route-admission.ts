import { createMiddleware } from "hono/factory";
import type { DataPlaneEnv } from "../http/app-env";
import { denialToError } from "../limits/admission-denial";
import { admitAtGate } from "./admission";

/**
 * Admission for the data-plane routes that call no provider (`/v1/models`, `/v1/memory/:session`): the same
 * gate call as chat — kill switches, suspension, key revocation, tier, project and user RPM (the slot is
 * taken) — with nothing reserved. Budgets do not apply: these routes cost nothing, and a user whose budget
 * is spent must still be able to read and delete their memory. Nothing is reserved, so nothing is settled
 * and no usage-ledger row is written; the request log records the call.
 */
export function admitRoute() {
  return createMiddleware<DataPlaneEnv>(async function admitRoute(c, next) {
    const { claims } = c.var;
    const decision = await admitAtGate(c, {
      requestId: c.get("requestId"),
      userId: claims.uid,
      ...(claims.tier !== undefined && { tier: claims.tier }),
      ...(claims.akid !== undefined && { apiKeyId: claims.akid }),
      provider: "",
      model: null,
      estimatedPromptTokens: 0,
      withoutReservation: true,
    });
    if (!decision.ok) throw denialToError(decision);
    c.set("settings", decision.settings); // the live CORS allowlist for enforceOrigin, as on chat
    await next();
  });
}
