import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { admitInput, freshGate, snapshot, T0 } from "./gate-fixture";

describe("project gate: kill switches, suspension, revocation", () => {
  it("kill switch on → the next admit is refused; off → admitted", async () => {
    const { projectId, gate } = freshGate();
    await gate.configure(snapshot(projectId));
    expect((await gate.admit(admitInput({ now: T0 }))).ok).toBe(true);
    expect(await gate.setKillSwitch("project", true)).toBe(true);
    expect(await gate.admit(admitInput({ now: T0 }))).toEqual({ ok: false, reason: "kill_switch", scope: "project" });
    await gate.setKillSwitch("project", false);
    expect((await gate.admit(admitInput({ now: T0 }))).ok).toBe(true);
  });

  it("checks global → tenant → project and reports the widest scope", async () => {
    const { projectId, gate } = freshGate();
    await gate.configure(snapshot(projectId, { killSwitches: { global: false, tenant: true, project: true } }));
    expect(await gate.admit(admitInput())).toMatchObject({ reason: "kill_switch", scope: "tenant" });
    await gate.setKillSwitch("global", true);
    expect(await gate.admit(admitInput())).toMatchObject({ reason: "kill_switch", scope: "global" });
  });

  it("the switch state is in storage, so a restarted object still refuses", async () => {
    const { projectId, gate } = freshGate();
    await gate.configure(snapshot(projectId));
    await gate.setKillSwitch("tenant", true);
    const stored = await runInDurableObject(
      gate,
      (_instance, state) =>
        state.storage.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'snapshot'`).one().value,
    );
    expect(JSON.parse(stored).killSwitches).toEqual({ global: false, tenant: true, project: false });
  });

  it.each([
    ["suspended project", { status: "suspended" as const }, {}, "project_suspended"],
    ["revoked key", { revokedKeyIds: ["key_1"] }, { apiKeyId: "key_1" }, "key_revoked"],
    [
      "kill switch before suspension",
      { status: "suspended" as const, killSwitches: { global: true, tenant: false, project: false } },
      {},
      "kill_switch",
    ],
  ])("%s", async (_name, patch, input, reason) => {
    const { projectId, gate } = freshGate();
    await gate.configure(snapshot(projectId, patch));
    expect(await gate.admit(admitInput(input))).toMatchObject({ ok: false, reason });
  });

  it("revokeKeys adds to the revoked set; other keys still pass", async () => {
    const { projectId, gate } = freshGate();
    await gate.configure(snapshot(projectId));
    await gate.revokeKeys(["key_2"]);
    expect(await gate.admit(admitInput({ apiKeyId: "key_2" }))).toMatchObject({ ok: false, reason: "key_revoked" });
    expect((await gate.admit(admitInput({ apiKeyId: "key_3" }))).ok).toBe(true);
  });

  describe("flips of one switch ordered by version", () => {
    it("keeps the newest flip when an older one's push arrives after it", async () => {
      const { projectId, gate } = freshGate();
      await gate.configure(snapshot(projectId));
      expect(await gate.setKillSwitch("project", true, 2)).toBe(true);
      expect(await gate.setKillSwitch("project", false, 1)).toBe(true); // written before, pushed after
      expect(await gate.admit(admitInput({ now: T0 }))).toMatchObject({
        ok: false,
        reason: "kill_switch",
        scope: "project",
      });
      await gate.setKillSwitch("project", false, 3);
      expect((await gate.admit(admitInput({ now: T0 }))).ok).toBe(true);
    });

    it("ignores a push older than the version the gate read from D1, per switch", async () => {
      const { projectId, gate } = freshGate();
      const read = {
        killSwitches: { global: false, tenant: true, project: false },
        killSwitchVersions: { global: 0, tenant: 5, project: 0 },
      };
      await gate.configure(snapshot(projectId, read));
      await gate.setKillSwitch("tenant", false, 4); // its write predates what was read
      expect(await gate.admit(admitInput({ now: T0 }))).toMatchObject({
        ok: false,
        reason: "kill_switch",
        scope: "tenant",
      });
      await gate.setKillSwitch("project", true, 1); // another switch's versions are its own
      await gate.setKillSwitch("tenant", false, 6);
      expect(await gate.admit(admitInput({ now: T0 }))).toMatchObject({
        ok: false,
        reason: "kill_switch",
        scope: "project",
      });
    });

    it("a snapshot stored before versions existed takes any versioned push", async () => {
      const { projectId, gate } = freshGate();
      await gate.configure(snapshot(projectId));
      await runInDurableObject(gate, (instance) => {
        // The snapshot in force lives in the gate's configuration (durable-objects/project-gate/configuration.ts).
        const held = instance as unknown as { gate: { config: { current: Record<string, unknown> } } };
        delete held.gate.config.current.killSwitchVersions;
      });
      expect(await gate.setKillSwitch("project", true, 1)).toBe(true);
      expect(await gate.admit(admitInput({ now: T0 }))).toMatchObject({
        ok: false,
        reason: "kill_switch",
        scope: "project",
      });
    });
  });

  it("a switch pushed before any configure is reported as not applied", async () => {
    const { gate } = freshGate();
    expect(await gate.setKillSwitch("global", true)).toBe(false);
  });

  describe("configure ordered by read tickets", () => {
    it("refuses as stale a snapshot read before a pushed kill switch or revocation; the switch and the revocation hold", async () => {
      const { projectId, gate } = freshGate();
      await gate.configure(snapshot(projectId));
      const readBefore = await gate.readTicket();
      await gate.setKillSwitch("project", true);
      expect(await gate.configure(snapshot(projectId), readBefore)).toBe("stale"); // its copy has the switch off
      expect(await gate.admit(admitInput({ now: T0 }))).toMatchObject({ ok: false, reason: "kill_switch" });

      await gate.setKillSwitch("project", false);
      const beforeRevoke = await gate.readTicket();
      await gate.revokeKeys(["key_1"]);
      expect(await gate.configure(snapshot(projectId), beforeRevoke)).toBe("stale"); // its copy does not revoke key_1
      expect(await gate.admit(admitInput({ apiKeyId: "key_1", now: T0 }))).toMatchObject({
        ok: false,
        reason: "key_revoked",
      });
      expect(await gate.configure(snapshot(projectId, { revokedKeyIds: ["key_1"] }), await gate.readTicket())).toBe(
        "applied",
      );
    });

    it("drops a snapshot whose read began before the one in force, whatever order they arrive in", async () => {
      const { projectId, gate } = freshGate();
      const older = await gate.readTicket();
      const newer = await gate.readTicket();
      expect(await gate.configure(snapshot(projectId, { status: "suspended" }), newer)).toBe("applied");
      expect(await gate.configure(snapshot(projectId), older)).toBe("superseded"); // read before the suspension was
      expect(await gate.admit(admitInput({ now: T0 }))).toMatchObject({ ok: false, reason: "project_suspended" });
      expect(await gate.configure(snapshot(projectId), await gate.readTicket())).toBe("applied");
      expect((await gate.admit(admitInput({ now: T0 }))).ok).toBe(true);
      expect(await gate.configure(snapshot(projectId, { status: "suspended" }))).toBe("applied"); // no ticket: as is
    });

    it("a switch pushed before the first configure, or an object restart, makes an earlier ticket stale", async () => {
      const { projectId, gate } = freshGate();
      const readBefore = await gate.readTicket();
      expect(await gate.setKillSwitch("tenant", true)).toBe(false); // nothing configured yet
      expect(await gate.configure(snapshot(projectId), readBefore)).toBe("stale");
      const fromBeforeRestart = { epoch: "an-earlier-start", ticket: (await gate.readTicket()).ticket + 1 };
      expect(await gate.configure(snapshot(projectId), fromBeforeRestart)).toBe("stale");
    });
  });
});
