import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { configureGate, loadGateSnapshot } from "../../src/limits/gate-snapshot";
import { projectGate } from "../../src/limits/gate-client";
import { database } from "../../src/db/client";
import { admitInput } from "../durable-objects/gate-fixture";
import { seedProject, seedTenant, testApp, uid } from "./control-fixture";

async function configuredGate(projectId: string) {
  if (!(await configureGate(env, database(env), projectId))) throw new Error("no project");
  return projectGate(env, projectId);
}

/** A fresh tenant with one project whose gate is configured from D1. */
async function projectWithGate() {
  const tenant = uid("ten");
  const project = uid("prj");
  await seedTenant(tenant);
  await seedProject(tenant, project);
  return { tenant, project, gate: await configuredGate(project) };
}

const on = { method: "POST", body: JSON.stringify({ enabled: true }) };
const off = { method: "POST", body: JSON.stringify({ enabled: false }) };

describe("kill switch routes", () => {
  it("project switch: on → the very next admit is refused, off → admitted", async () => {
    const { tenant, project, gate } = await projectWithGate();
    const res = await testApp().request(`/v1/admin/killswitch/project/${project}`, { ...on, as: tenant });
    expect(res.status).toBe(200);
    expect(await gate.admit(admitInput())).toMatchObject({ ok: false, reason: "kill_switch", scope: "project" });
    await testApp().request(`/v1/admin/killswitch/project/${project}`, { ...off, as: tenant });
    expect((await gate.admit(admitInput())).ok).toBe(true);
  });

  it("tenant switch reaches every project of the tenant and is in D1 for gates configured later", async () => {
    const tenant = uid("ten");
    const [p1, p2] = [uid("prj"), uid("prj")];
    await seedTenant(tenant);
    await seedProject(tenant, p1);
    await seedProject(tenant, p2);
    const gate1 = await configuredGate(p1);
    expect((await testApp().request(`/v1/admin/killswitch/tenant/${tenant}`, on)).status).toBe(200);
    expect(await gate1.admit(admitInput())).toMatchObject({ reason: "kill_switch", scope: "tenant" });
    const gate2 = await configuredGate(p2); // configured only after the switch
    expect(await gate2.admit(admitInput())).toMatchObject({ reason: "kill_switch", scope: "tenant" });
    await testApp().request(`/v1/admin/killswitch/tenant/${tenant}`, off);
    expect((await gate2.admit(admitInput())).ok).toBe(true);
  });

  it("a re-sync that read D1 before the switch was written cannot restore that read at the gate", async () => {
    const { tenant, project, gate } = await projectWithGate();
    const db = database(env);
    // The interleaving by hand: a re-sync takes its ticket and reads D1, then the switch is written and pushed.
    const ticket = await gate.readTicket();
    const staleRead = (await loadGateSnapshot(db, project))!;
    expect((await testApp().request(`/v1/admin/killswitch/project/${project}`, { ...on, as: tenant })).status).toBe(
      200,
    );
    expect(await gate.configure(staleRead, ticket)).toBe("stale");
    expect(await gate.admit(admitInput())).toMatchObject({ ok: false, reason: "kill_switch", scope: "project" });
    expect((await configureGate(env, db, project))?.killSwitches.project).toBe(true); // reads again, and agrees
  });

  it("40 re-syncs racing the switch all complete and none undoes it", async () => {
    const { tenant, project, gate } = await projectWithGate();
    const db = database(env);
    // Re-syncs are what a settings change, a tier change or a BYOK change does; each reads D1 and pushes the snapshot.
    const resyncs = () =>
      Array.from({ length: 40 }, (_, i) =>
        new Promise((resolve) => setTimeout(resolve, i % 8)).then(() => configureGate(env, db, project)),
      );
    const switched = testApp().request(`/v1/admin/killswitch/project/${project}`, { ...on, as: tenant });
    const [res] = await Promise.all([switched, ...resyncs()]);
    expect(res.status).toBe(200);
    expect(await gate.admit(admitInput())).toMatchObject({ ok: false, reason: "kill_switch", scope: "project" });
    // …and the same for switching it off again.
    await Promise.all([
      testApp().request(`/v1/admin/killswitch/project/${project}`, { ...off, as: tenant }),
      ...resyncs(),
    ]);
    expect((await gate.admit(admitInput())).ok).toBe(true);
  });

  it("30 concurrent flips of one switch leave the gate agreeing with D1's last write", async () => {
    const { tenant, project, gate } = await projectWithGate();
    // Each flip writes D1 then pushes; pushes of concurrent flips can arrive in any order.
    const flips = Array.from({ length: 30 }, (_, i) =>
      testApp().request(`/v1/admin/killswitch/project/${project}`, { ...(i % 2 === 0 ? on : off), as: tenant }),
    );
    expect((await Promise.all(flips)).map((res) => res.status)).toEqual(Array(30).fill(200));
    const row = await env.DB.prepare(
      `SELECT enabled, version FROM kill_switches WHERE scope = 'project' AND scope_id = ?`,
    )
      .bind(project)
      .first<{ enabled: number; version: number }>();
    expect(row?.version).toBe(30);
    const admitted = (await gate.admit(admitInput())).ok;
    expect(admitted).toBe(row?.enabled === 0);
    expect((await loadGateSnapshot(database(env), project))?.killSwitchVersions?.project).toBe(30);
  });

  it.each([
    ["global by a tenant admin", "/v1/admin/killswitch/global", "ten_x", 403, "forbidden"],
    ["another tenant's tenant switch", "/v1/admin/killswitch/tenant/ten_other", "ten_x", 404, "not_found"],
    ["another tenant's project", "/v1/admin/killswitch/project/PROJECT", "ten_x", 404, "not_found"],
    ["an unknown tenant, as operator", "/v1/admin/killswitch/tenant/ten_missing", "operator", 404, "not_found"],
  ])("refuses %s", async (_name, path, as, status, code) => {
    const tenant = uid("ten");
    const project = uid("prj");
    await seedTenant(tenant);
    await seedProject(tenant, project);
    const res = await testApp().request(path.replace("PROJECT", project), { ...on, as });
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ error: { code } });
    const { results } = await env.DB.prepare(
      `SELECT * FROM kill_switches WHERE scope_id IN (?, 'ten_other', 'ten_missing')`,
    )
      .bind(project)
      .all();
    expect(results).toHaveLength(0);
  });

  it.each([
    ["{}", "enabled"],
    [`{"enabled":"yes"}`, "enabled"],
    [`{"enabled":true,"extra":1}`, "extra"],
  ])("400 invalid_request for body %s naming %s", async (body, param) => {
    const res = await testApp().request(`/v1/admin/killswitch/global`, { method: "POST", body });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "invalid_request", param } });
  });
});
