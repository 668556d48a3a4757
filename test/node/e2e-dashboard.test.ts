import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDashboard } from "../../dashboard/build";
import { startFakeOpenAI, type FakeOpenAI } from "./support/fake-openai";
import { startGateway, type RunningGateway } from "./support/gateway";
import { GatewayClient } from "./support/gateway-client";
import { localFetch } from "./support/local-fetch";

/**
 * The tenant-admin dashboard end to end: the built page served by `wrangler dev`, driven in headless
 * Chromium as an admin would, against the real control plane and a real project hostname. One flow, in
 * order: each step starts where the previous one left the page. Screenshots land in docs/screenshots/.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI === "true") {
  throw new Error(
    `Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH. CI must not skip the dashboard tests.`,
  );
}
const SCREENSHOTS = resolve(import.meta.dirname, "../../docs/screenshots");
const KEY_FORMAT = /^tg_sk_live_[0-9a-f]{32}$/;

let gateway: RunningGateway;
let fake: FakeOpenAI;
let client: GatewayClient;
let browser: Browser;
let page: Page;
let tenant: { id: string; admin: string };
let dashboard: string;
let origin: string;
let project: { id: string; slug: string };
let plaintextKey: string;

beforeAll(async () => {
  if (!haveChromium) return;
  await buildDashboard();
  mkdirSync(SCREENSHOTS, { recursive: true });
  [gateway, fake, browser] = await Promise.all([
    startGateway(),
    startFakeOpenAI(),
    chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--host-resolver-rules=MAP *.localhost 127.0.0.1",
      ],
    }),
  ]);
  client = new GatewayClient(gateway);
  tenant = await client.createTenant("pro");
  origin = gateway.apiUrl;
  dashboard = `${gateway.apiUrl}/dashboard/`;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  await fake?.close();
});

const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

async function signIn(credential: string): Promise<void> {
  await page.getByLabel("Admin credential").fill(credential);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function sendTryIt(): Promise<void> {
  await page.goto(`${dashboard}#/try`);
  await page.getByLabel("Project").selectOption(project.id);
  await page.getByRole("button", { name: "Send" }).click();
}

describe.skipIf(!haveChromium)("the dashboard in Chromium", () => {
  it("is served on the API host with a strict CSP, and never on a project hostname", async () => {
    const res = await fetch(dashboard);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(res.headers.get("content-security-policy")).toContain("http://*.localhost:*");
    const bare = await fetch(`${gateway.apiUrl}/dashboard`, { redirect: "manual" });
    expect([bare.status, bare.headers.get("location")]).toEqual([308, "/dashboard/"]);
    const onProjectHost = await localFetch(gateway.projectUrl("amber-fox-042", "/dashboard/app.js"));
    expect(onProjectHost.status).toBe(404);
    expect(await onProjectHost.text()).not.toContain("uPlot");
  });

  it("refuses a wrong credential with the gateway's message and code, then signs in", async () => {
    await page.goto(dashboard);
    await shot("sign-in");
    await signIn(`tg_admin_${"0".repeat(32)}`);
    await expect.poll(() => page.locator("[data-error-code]").textContent()).toBe("invalid_api_key");
    await signIn(tenant.admin);
    await page.getByRole("heading", { name: "Projects", level: 1 }).waitFor();
    expect(await page.getByRole("navigation", { name: "Main" }).isVisible()).toBe(true);
  });

  it("creates a project and shows its slug, both hostnames and status", async () => {
    await page.getByLabel("Name", { exact: true }).fill("Support bot");
    await page.getByLabel("Cost center (optional)").fill("support");
    await page.getByRole("button", { name: "Create project" }).click();
    await page.getByRole("heading", { name: "Support bot", level: 1 }).waitFor();
    project = { id: decodeURIComponent(new URL(page.url()).hash.split("/")[2]!), slug: "" };
    const listed = (await client.expect(200, "GET", "/v1/projects", tenant.admin)).data as {
      id: string;
      slug: string;
    }[];
    project.slug = listed.find((p) => p.id === project.id)!.slug;
    const facts = await page.locator("dl.facts").textContent();
    expect(facts).toContain(project.slug);
    expect(facts).toContain(`${project.slug}.tollgate.example`);
    expect(facts).toContain(`${project.slug}.dev.tollgate.example`);
    expect(await page.getByTestId("project-status").textContent()).toBe("active");
    // Which provider, region and credential each model will use.
    const models = page.getByRole("table", { name: "Models of this project" });
    await models.waitFor();
    expect(await models.textContent()).toContain("mock/tollgate-mock");
    expect(await models.textContent()).toContain("mock (no network, no key)");
  });

  it("shows a settings error with its code and changes nothing, then saves an allowed origin", async () => {
    const origins = page.getByLabel("Allowed origins (CORS), one per line");
    await origins.fill("not an origin");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect.poll(() => page.locator(".settings [data-error-code]").textContent()).toBe("invalid_request");
    expect((await client.expect(200, "GET", `/v1/projects/${project.id}/settings`, tenant.admin)).cors_origins).toEqual(
      [],
    );

    await origins.fill(origin);
    await page.getByLabel("Requests per minute").fill("120");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Settings saved.").waitFor();
    const saved = await client.expect(200, "GET", `/v1/projects/${project.id}/settings`, tenant.admin);
    expect([saved.cors_origins, saved.rpm_limit]).toEqual([[origin], 120]);
    await shot("project");
  });

  it("creates an API key whose plaintext appears once, with a working copy button", async () => {
    await page.getByRole("button", { name: "Create API key" }).click();
    const plaintext = page.getByTestId("new-key-plaintext");
    await plaintext.waitFor();
    plaintextKey = (await plaintext.textContent()) ?? "";
    expect(plaintextKey).toMatch(KEY_FORMAT);
    await page.getByTestId("new-key").getByRole("button", { name: "Copy" }).click();
    await page.getByText("Copied.").waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(plaintextKey);
    // The list shows the prefix only.
    expect(await page.getByRole("region", { name: "Keys of this project" }).textContent()).not.toContain(plaintextKey);
  });

  it("streams a chat completion from the project host in try-it, with the rate-limit headers", async () => {
    await sendTryIt();
    await page.getByText("Done:").waitFor();
    expect(await page.getByTestId("stream-output").textContent()).toBe(
      "This is a mock reply to: Say hello in five words.",
    );
    // The tighter of the two limits: the per-user share, 10% of the 120 RPM saved above.
    expect(await page.locator('[data-header="x-ratelimit-limit"]').textContent()).toBe("12");
    expect(await page.locator('[data-header="x-ratelimit-remaining"]').textContent()).toBe("11");
    expect(await page.locator('[data-header="x-request-id"]').textContent()).toMatch(/\S{8,}/);
    await shot("try-it");
  });

  it("answers a repeated request from the response cache once the project turns it on", async () => {
    await client.expect(200, "PATCH", `/v1/projects/${project.id}/settings`, tenant.admin, { cache_mode: "enabled" });
    const asker = { project, token: await client.mint(plaintextKey, "cache-tester") };
    const body = { model: "mock/tollgate-mock", messages: [{ role: "user", content: "Asked twice" }] };
    const first = await client.chat(asker, body);
    const second = await client.chat(asker, body);
    expect([first.headers.get("X-Tollgate-Cache"), second.headers.get("X-Tollgate-Cache")]).toEqual(["MISS", "HIT"]);
  });

  it("shows the requests and the cache hit in the FinOps chart and breakdowns, with budget bars", async () => {
    await page.goto(`${dashboard}#/finops`);
    const chart = page.getByTestId("spend-chart");
    // Usage settles just after the stream ends (waitUntil): press Show until the day's tokens are in.
    await expect
      .poll(
        async () => {
          await page.getByRole("button", { name: "Show" }).click();
          await chart.locator("canvas").waitFor();
          return chart.locator("figcaption").textContent();
        },
        { timeout: 20_000, interval: 500 },
      )
      .toMatch(/ [1-9]\d* tokens over 30 days/);
    const byProject = page.getByRole("region", { name: "By project" });
    await byProject.waitFor();
    const row = byProject.locator("tr", { hasText: project.id });
    // The try-it stream, the cache miss and its hit: their rows may reach D1 a flush apart, so press Show again.
    await expect
      .poll(
        async () => {
          await page.getByRole("button", { name: "Show" }).click();
          return row
            .locator("td")
            .nth(4)
            .textContent({ timeout: 5_000 })
            .catch(() => null);
        },
        { timeout: 20_000, interval: 500 },
      )
      .toBe("1 (33%)");
    expect(await row.locator("td").nth(1).textContent()).toBe("3");
    expect(await row.locator("td").nth(5).textContent()).toMatch(/^\$0\.0\d*[1-9]\d*$/);
    expect(await page.getByRole("region", { name: "Top users" }).textContent()).toContain("dashboard-tester");
    await page.locator(".budget .bar").first().waitFor();
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export CSV" }).click();
    expect((await download).suggestedFilename()).toMatch(/^tollgate-usage-.*\.csv$/);
    await shot("finops");
  });

  it("lists the request and the verified audit log in Activity", async () => {
    await page.goto(`${dashboard}#/activity`);
    const requests = page.getByRole("region", { name: "Requests, newest first" });
    await requests.waitFor();
    expect(await requests.textContent()).toContain("mock/tollgate-mock");
    expect(await requests.textContent()).toContain("dashboard-tester");
    await page.getByTestId("audit-verify").waitFor();
    expect(await page.getByTestId("audit-verify").textContent()).toContain("Hash chain verified");
    expect(await page.getByRole("region", { name: "Audit entries, newest first" }).textContent()).toContain(
      "api_key.create",
    );
    await shot("activity");
  });

  it("offers a one-click allow of the dashboard origin for a project that does not allow it yet", async () => {
    const other = await client.createProject(tenant.admin);
    await page.goto(`${dashboard}#/try`);
    await page.getByLabel("Project").selectOption(other.id);
    await page.getByRole("button", { name: "Allow this dashboard origin" }).click();
    await page.getByText(`Allowed ${origin} for ${other.slug}.`).waitFor();
    expect((await client.expect(200, "GET", `/v1/projects/${other.id}/settings`, tenant.admin)).cors_origins).toEqual([
      origin,
    ]);
  });

  it("engages the kill switch after a confirmation, and the next try-it request is refused", async () => {
    await page.goto(`${dashboard}#/projects/${encodeURIComponent(project.id)}`);
    await page.getByRole("button", { name: "Engage kill switch" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await sendTryIt();
    await page.getByText("Done:").waitFor(); // cancelled: still admitted

    await page.goto(`${dashboard}#/projects/${encodeURIComponent(project.id)}`);
    await page.getByRole("button", { name: "Engage kill switch" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Engage kill switch" }).click();
    await page.getByText("Kill switch engaged").waitFor();
    await sendTryIt();
    await expect.poll(() => page.locator("[data-error-code]").textContent()).toBe("kill_switch_active");
    expect(await page.getByTestId("stream-output").textContent()).toBe("");
  });

  it("forgets the credential and the key's plaintext on reload; nothing is kept in web storage", async () => {
    const storage = await page.evaluate(
      () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
    );
    expect(storage).not.toContain(tenant.admin);
    expect(storage).not.toContain(plaintextKey);
    await page.goto(`${dashboard}#/projects/${encodeURIComponent(project.id)}`);
    await page.reload();
    await page.getByLabel("Admin credential").waitFor();
    await signIn(tenant.admin);
    await page.getByRole("region", { name: "Keys of this project" }).waitFor();
    expect(await page.content()).not.toContain(plaintextKey);
    expect(await page.getByTestId("new-key").count()).toBe(0);
  });

  it("stores a BYOK key, then lists its fingerprint and never the key", async () => {
    await page.goto(`${dashboard}#/providers`);
    await page.getByLabel("Provider").selectOption("openai");
    await page.getByLabel("API key").fill(fake.validKey);
    await page.getByLabel("Base URL (optional)").fill(fake.baseUrl);
    await page.getByRole("button", { name: "Save provider key" }).click();
    await page.getByText("openai key saved.").waitFor();
    expect(await page.getByLabel("API key").inputValue()).toBe("");
    await page.getByRole("region", { name: "Stored provider keys" }).waitFor();
    expect(await page.getByRole("region", { name: "Stored provider keys" }).textContent()).toContain("openai");
    expect(await page.content()).not.toContain(fake.validKey);
    await shot("providers");
  });

  it("fits a 375 px wide screen without horizontal scrolling", async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    for (const route of ["#/projects", "#/finops", "#/try"]) {
      await page.goto(`${dashboard}${route}`);
      await page.locator("h1").waitFor();
      await page.waitForLoadState("networkidle");
      expect(await page.evaluate(() => document.documentElement.scrollWidth), route).toBeLessThanOrEqual(375);
    }
    await page.goto(`${dashboard}#/finops`);
    await page.getByTestId("spend-chart").locator("canvas").waitFor();
    await page.getByRole("region", { name: "By project" }).waitFor();
    await page.locator(".budget .bar").first().waitFor();
    await shot("finops-mobile");
  });
});
