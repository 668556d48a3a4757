import { describe, expect, it } from "vitest";
import { API, call, createProject, createTenant } from "../support/control-plane";

/** `sentinel_blocklist` regexes run on every prompt; unsafe ones are refused when settings are saved. */
describe("sentinel_blocklist validation on save", () => {
  const refused: [string, string[], string, RegExp][] = [
    ["catastrophic backtracking", ["/(a+)+$/"], "sentinel_blocklist.0", /unbounded quantifier/],
    ["nested bounded quantifier", ["ship it", "/(a{1,5}){1,5}/"], "sentinel_blocklist.1", /nested quantifier/],
    ["backreference", ["/(ab)\\1/"], "sentinel_blocklist.0", /backreferences/],
    ["invalid flags", ["/x/g"], "sentinel_blocklist.0", /flags/],
    ["unbalanced regex", ["/(abc/"], "sentinel_blocklist.0", /not a valid regular expression/],
  ];

  it.each(refused)("PATCH refuses %s, naming the entry", async (_name, blocklist, param, reason) => {
    const tenant = await createTenant();
    const project = await createProject(tenant.admin);
    const res = await call("PATCH", `${API}/v1/projects/${project.id}/settings`, {
      token: tenant.admin,
      body: { sentinel_blocklist: blocklist },
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: "invalid_request", param });
    expect(res.json.error.message).toMatch(reason);

    const settings = await call("GET", `${API}/v1/projects/${project.id}/settings`, { token: tenant.admin });
    expect(settings.json.sentinel_blocklist).toEqual([]);
  });

  it("does not echo the refused pattern", async () => {
    const tenant = await createTenant();
    const project = await createProject(tenant.admin);
    const long = `/(${"q".repeat(300)}+)+$/`;
    const res = await call("PATCH", `${API}/v1/projects/${project.id}/settings`, {
      token: tenant.admin,
      body: { sentinel_blocklist: [long] },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.param).toBe("sentinel_blocklist.0");
    expect(res.text).not.toContain("qqqqqqqqqq");
  });

  it("accepts a phrase and a bounded regex, and stores them", async () => {
    const tenant = await createTenant();
    const project = await createProject(tenant.admin);
    const blocklist = ["Project Nightingale", "/secret.{0,20}launch/i"];
    const res = await call("PATCH", `${API}/v1/projects/${project.id}/settings`, {
      token: tenant.admin,
      body: { sentinel_blocklist: blocklist },
    });
    expect(res.status).toBe(200);
    expect(res.json.sentinel_blocklist).toEqual(blocklist);
  });

  it("refuses a tier PUT whose overrides carry an unsafe blocklist, and creates no tier", async () => {
    const tenant = await createTenant();
    const project = await createProject(tenant.admin);
    const res = await call("PUT", `${API}/v1/projects/${project.id}/tiers/gold`, {
      token: tenant.admin,
      body: { overrides: { sentinel_blocklist: ["/(a+)+$/"] } },
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: "invalid_request", param: "sentinel_blocklist.0" });

    const tiers = await call("GET", `${API}/v1/projects/${project.id}/tiers`, { token: tenant.admin });
    expect(tiers.json.data.map((tier: { name: string }) => tier.name)).not.toContain("gold");

    const ok = await call("PUT", `${API}/v1/projects/${project.id}/tiers/gold`, {
      token: tenant.admin,
      body: { overrides: { sentinel_blocklist: ["/ship.{0,10}now/"] } },
    });
    expect(ok.status).toBe(200);
  });
});
