import { createScheduledController, env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { memoryKey, type MemoryScope } from "../../src/memory/key";
import { createMemoryStore } from "../../src/memory/store";
import type { MemoryStore } from "../../src/memory/types";
import { DAY_MS } from "../../src/retention/plan";
import { runRetention } from "../../src/retention/run";
import { API, call, createProject, createTenant } from "../support/control-plane";

const NOW = Date.now();
const store = () => createMemoryStore(env);

/** A conversation in memory plus the ledger row its last request left `daysAgo` days before NOW. */
async function conversation(
  projectId: string,
  tenantId: string,
  session: string,
  daysAgo: number,
): Promise<MemoryScope> {
  const scope = { projectId, uid: "user-1", session };
  await store().append(
    memoryKey(scope),
    [
      { role: "user", content: `hello ${session}` },
      { role: "assistant", content: "hi" },
    ],
    { windowPairs: 10, retentionDays: 30 },
  );
  const createdAt = NOW - daysAgo * DAY_MS;
  await env.DB.prepare(
    `INSERT INTO usage_ledger (request_id, tenant_id, project_id, user_id, session_id, provider, model, prompt_tokens, completion_tokens,
       cost_micro_usd, latency_ms, status, guardrail_events, day, created_at)
     VALUES (?, ?, ?, 'user-1', ?, 'mock', 'tollgate-mock', 3, 4, 0, 5, 'ok', '[]', ?, ?)`,
  )
    .bind(
      `req_${crypto.randomUUID().replaceAll("-", "")}`,
      tenantId,
      projectId,
      session,
      new Date(createdAt).toISOString().slice(0, 10),
      createdAt,
    )
    .run();
  return scope;
}

const remembered = async (scope: MemoryScope) => (await store().load(memoryKey(scope))).length > 0;

async function projectWithRetention(days: number) {
  const tenant = await createTenant("pro");
  const project = await createProject(tenant.admin, { retention_days: days, memory_enabled: true });
  return { tenant, project };
}

describe("runRetention", () => {
  it("clears conversations past the current retention_days even though their own deadline is later", async () => {
    const { tenant, project } = await projectWithRetention(7);
    const old = await conversation(project.id, tenant.id, "old", 10); // written under 30 days; now due under 7
    const recent = await conversation(project.id, tenant.id, "recent", 2);

    const report = await runRetention(env, { now: NOW });
    expect(report.purged).toBeGreaterThanOrEqual(1);
    expect(await remembered(old)).toBe(false);
    expect(await remembered(recent)).toBe(true);

    const watermark = await env.DB.prepare("SELECT swept_through FROM retention_sweeps WHERE project_id = ?")
      .bind(project.id)
      .first<{ swept_through: number }>();
    expect(watermark?.swept_through).toBe(NOW - 7 * DAY_MS);
  });

  it("keeps a session that was active again inside the window", async () => {
    const { tenant, project } = await projectWithRetention(7);
    const scope = await conversation(project.id, tenant.id, "returning", 20);
    await conversation(project.id, tenant.id, "returning", 1);
    await runRetention(env, { now: NOW });
    expect(await remembered(scope)).toBe(true);
  });

  it("honours the longest tier retention: a premium user's conversation is not cut short", async () => {
    const { tenant, project } = await projectWithRetention(7);
    const put = await call("PUT", `${API}/v1/projects/${project.id}/tiers/premium`, {
      token: tenant.admin,
      body: { overrides: { retention_days: 60 } },
    });
    expect(put.status).toBe(200);
    const scope = await conversation(project.id, tenant.id, "tiered", 10);
    await runRetention(env, { now: NOW });
    expect(await remembered(scope)).toBe(true);
  });

  it("keeps ledger rows and audit entries: billing records and the append-only trail are not content", async () => {
    const { tenant, project } = await projectWithRetention(7);
    await conversation(project.id, tenant.id, "billing", 10);
    const count = async (table: string, column: string, id: string) =>
      (await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${column} = ?`).bind(id).first<{ n: number }>())!
        .n;
    const [ledgerBefore, auditBefore] = [
      await count("usage_ledger", "project_id", project.id),
      await count("audit_log", "tenant_id", tenant.id),
    ];
    await runRetention(env, { now: NOW });
    expect(await count("usage_ledger", "project_id", project.id)).toBe(ledgerBefore);
    expect(await count("audit_log", "tenant_id", tenant.id)).toBe(auditBefore);
  });

  it("does no work twice: a second run finds nothing due", async () => {
    const { tenant, project } = await projectWithRetention(7);
    await conversation(project.id, tenant.id, "once", 10);
    const cleared: string[] = [];
    const counting: MemoryStore = { ...store(), clear: async (key) => void cleared.push(key) };
    await runRetention(env, { now: NOW, store: counting });
    const first = cleared.filter((key) => key.includes(project.id)).length;
    await runRetention(env, { now: NOW, store: counting });
    expect(first).toBe(1);
    expect(cleared.filter((key) => key.includes(project.id))).toHaveLength(1);
  });

  it("keeps the watermark when a clear fails, so the next run retries", async () => {
    const { tenant, project } = await projectWithRetention(7);
    const scope = await conversation(project.id, tenant.id, "flaky", 10);
    const failing: MemoryStore = { ...store(), clear: async () => Promise.reject(new Error("store down")) };
    const report = await runRetention(env, { now: NOW, store: failing });
    expect(report.failed).toBeGreaterThanOrEqual(1);
    expect(
      await env.DB.prepare("SELECT 1 FROM retention_sweeps WHERE project_id = ?").bind(project.id).first(),
    ).toBeNull();
    await runRetention(env, { now: NOW });
    expect(await remembered(scope)).toBe(false);
  });

  it("clears at most a batch per project per run and finishes the rest on the next run", async () => {
    const { tenant, project } = await projectWithRetention(7);
    for (const [session, daysAgo] of [
      ["a", 12],
      ["b", 11],
      ["c", 10],
    ] as const)
      await conversation(project.id, tenant.id, session, daysAgo);
    const cleared: string[] = [];
    const counting: MemoryStore = { ...store(), clear: async (key) => void cleared.push(key) };
    const mine = () => cleared.filter((key) => key.includes(project.id)).map((key) => key.split(":").at(-1));
    await runRetention(env, { now: NOW, store: counting, projectBatch: 2 });
    expect(mine()).toEqual(["a", "b"]);
    await runRetention(env, { now: NOW, store: counting, projectBatch: 2 });
    expect(mine()).toEqual(["a", "b", "b", "c"]); // "b" again: the watermark stops just before a full batch's last entry
  });
});

describe("scheduled handler", () => {
  it("runs the retention sweep on the cron trigger and logs counts only", async () => {
    const { tenant, project } = await projectWithRetention(7);
    const scope = await conversation(project.id, tenant.id, "cron", 10);
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      const controller = createScheduledController({ scheduledTime: new Date(NOW), cron: "17 3 * * *" });
      await worker.scheduled(controller, env);
      expect(await remembered(scope)).toBe(false);
      const line = log.mock.calls.map((args) => String(args[0])).find((text) => text.includes('"msg":"retention"'));
      expect(JSON.parse(line!)).toMatchObject({
        msg: "retention",
        cron: "17 3 * * *",
        purged: expect.any(Number),
        failed: 0,
      });
      expect(line).not.toContain("hello cron");
    } finally {
      log.mockRestore();
    }
  });
});
