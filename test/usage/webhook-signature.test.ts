import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { type BudgetAlert, deliverDueAlerts, migrateAlerts, recordAlerts } from "../../src/usage/alerts";
import { SIGNATURE_HEADER, signWebhook, verifyWebhook, webhookSigningSecret } from "../../src/usage/webhook-signature";
import { API, call, createTenant } from "../support/control-plane";
import { freshGate } from "../durable-objects/gate-fixture";

const NOW_S = 1_790_000_000;

describe("webhook signatures", () => {
  it("verifies its own signature and refuses a changed body, another tenant's secret or a stale timestamp", async () => {
    const secret = await webhookSigningSecret(env, "ten_a");
    const body = JSON.stringify({ type: "budget.threshold_reached", tenantId: "ten_a" });
    const header = await signWebhook(secret, NOW_S, body);
    expect(header).toMatch(/^t=1790000000,v1=[0-9a-f]{64}$/);
    expect(await verifyWebhook(secret, header, body, NOW_S + 10)).toBe(true);
    expect(await verifyWebhook(secret, header, body.replace("ten_a", "ten_b"), NOW_S)).toBe(false);
    expect(await verifyWebhook(await webhookSigningSecret(env, "ten_b"), header, body, NOW_S)).toBe(false);
    expect(await verifyWebhook(secret, header, body, NOW_S + 301)).toBe(false); // replayed later
    expect(await verifyWebhook(secret, header.replace("t=1790000000", `t=${NOW_S + 5}`), body, NOW_S)).toBe(false);
  });

  it("gives each tenant its own stable secret", async () => {
    expect(await webhookSigningSecret(env, "ten_a")).toBe(await webhookSigningSecret(env, "ten_a"));
    expect(await webhookSigningSecret(env, "ten_a")).not.toBe(await webhookSigningSecret(env, "ten_b"));
  });
});

function alert(tenantId: string): BudgetAlert {
  return {
    type: "budget.threshold_reached",
    tenantId,
    budget: "project:prj_x:tokens:day",
    unit: "tokens",
    periodKey: "2026-12-03",
    thresholdPct: 80,
    limit: 100,
    spent: 80,
    at: "2026-12-03T10:00:00.000Z",
  };
}

describe("budget-alert delivery", () => {
  it("signs each delivery with the secret the tenant admin reads, and does not follow redirects", async () => {
    const tenant = await createTenant();
    const settings = await call("GET", `${API}/v1/tenants/${tenant.id}/budget-alerts`, { token: tenant.admin });
    expect(settings.status).toBe(200);
    const secret: string = settings.json.signing_secret;
    expect(secret).toMatch(/^whsec_[0-9a-f]{64}$/);

    const sent: Array<{ url: string; init: RequestInit }> = [];
    const receiver = (async (url: string, init: RequestInit) => {
      sent.push({ url, init });
      return new Response(null, { status: 302, headers: { location: "http://169.254.169.254/" } });
    }) as typeof fetch;
    const { gate } = freshGate();
    const now = NOW_S * 1000;
    const delivered = await runInDurableObject(gate, async (_instance, state) => {
      migrateAlerts(state.storage.sql);
      recordAlerts(state.storage.sql, "https://hooks.example/budget", [alert(tenant.id)], now);
      const first = await deliverDueAlerts(
        state.storage.sql,
        now,
        (tenantId) => webhookSigningSecret(env, tenantId),
        receiver,
      );
      const pending = state.storage.sql.exec<{ attempts: number }>(`SELECT attempts FROM alert_outbox`).toArray();
      return { first, pending };
    });

    expect(sent).toHaveLength(1);
    const [request] = sent;
    if (!request) throw new Error("nothing was sent");
    expect(request.init.redirect).toBe("manual");
    const header = (request.init.headers as Record<string, string>)[SIGNATURE_HEADER] ?? "";
    expect(await verifyWebhook(secret, header, String(request.init.body), NOW_S)).toBe(true);
    // A 3xx is not a delivery: it stays queued for a retry to the URL the tenant named, never the Location.
    expect(delivered).toEqual({ first: 0, pending: [{ attempts: 1 }] });
    expect(sent.map((s) => s.url)).toEqual(["https://hooks.example/budget"]);
  });

  it("never writes the signing secret into the audit trail", async () => {
    const tenant = await createTenant();
    const put = await call("PUT", `${API}/v1/tenants/${tenant.id}/budget-alerts`, {
      token: tenant.admin,
      body: { webhook_url: "https://hooks.example.com/x", thresholds: [50] },
    });
    expect(put.status).toBe(200);
    const audit = await call("GET", `${API}/v1/audit`, { token: tenant.admin });
    expect(audit.status).toBe(200);
    expect(audit.text).not.toContain(put.json.signing_secret);
  });
});
