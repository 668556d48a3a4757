import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumForTests, launchChromium, serveStatic, type StaticSite } from "./support/browser";
import { startGateway, type RunningGateway } from "./support/gateway";
import { GatewayClient, type ProjectSetup } from "./support/gateway-client";
import { localFetch } from "./support/local-fetch";
import { waitFor } from "./support/sse";

const available = chromiumForTests();

interface PageResult {
  ok: boolean;
  error?: string;
  status?: number;
  contentType?: string | null;
  rateLimitLimit?: string | null;
  rateLimitRemaining?: string | null;
  text?: string;
  events?: number;
  sawDone?: boolean;
}

/**
 * A real browser on one origin calling a project on another: CORS preflight, the streamed answer read with
 * fetch, and the rate-limit headers exposed to the page's script. An origin the project does not list is
 * refused at the preflight, so the browser never sends the request.
 */
describe.runIf(available)("a browser app on another origin", () => {
  let gateway: RunningGateway;
  let browser: Browser;
  let allowed: StaticSite;
  let other: StaticSite;
  let setup: ProjectSetup;
  const question = "What is the weather like?";
  /** POSTs the gateway answered for pages in this file so far (its log shows each once the request is done). */
  let postsAnswered = 0;
  const postLines = () => gateway.logs.filter((line) => line.includes("POST /v1/chat/completions")).length;

  beforeAll(async () => {
    const fixtures = join(import.meta.dirname, "fixtures");
    [gateway, browser, allowed, other] = await Promise.all([
      startGateway(),
      launchChromium(),
      serveStatic(fixtures),
      serveStatic(fixtures),
    ]);
    setup = await new GatewayClient(gateway).setupProject({ settings: { cors_origins: [allowed.origin] } });
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([gateway?.stop(), allowed?.close(), other?.close()]);
  });

  async function callFrom(site: StaticSite): Promise<PageResult> {
    const page = await browser.newPage();
    try {
      await page.goto(`${site.origin}/browser-client.html`);
      const args = {
        url: gateway.projectUrl(setup.project.slug, "/v1/chat/completions"),
        token: setup.token,
        content: question,
      };
      const result = (await page.evaluate(
        (input) => (window as unknown as { streamChat(i: typeof input): Promise<PageResult> }).streamChat(input),
        args,
      )) as PageResult;
      if (result.status !== undefined) postsAnswered++;
      return result;
    } finally {
      await page.close();
    }
  }

  const preflight = (origin: string) =>
    localFetch(gateway.projectUrl(setup.project.slug, "/v1/chat/completions"), {
      method: "OPTIONS",
      headers: {
        Origin: origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
      },
    });

  it("streams the answer to a page on an allowed origin and lets its script read X-RateLimit-Remaining", async () => {
    const result = await callFrom(allowed);
    expect(result).toMatchObject({
      ok: true,
      status: 200,
      text: `This is a mock reply to: ${question}`,
      sawDone: true,
    });
    expect(result.contentType).toContain("text/event-stream");
    expect(result.events).toBeGreaterThan(1);
    expect(Number(result.rateLimitLimit)).toBeGreaterThan(0);
    expect(result.rateLimitRemaining).toMatch(/^\d+$/);
    expect(Number(result.rateLimitRemaining)).toBeLessThan(Number(result.rateLimitLimit));
  });

  it("refuses a page on an origin the project does not list: fetch fails, the POST is never sent", async () => {
    // wrangler writes a POST's line when that request is done, which for the earlier test's streamed answer can be
    // after this test has started: wait for those lines before taking the count.
    await waitFor(() => postLines() >= postsAnswered, { timeoutMs: 10_000, what: "the earlier POSTs in the logs" });
    const postsBefore = postLines();
    const result = await callFrom(other);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/^TypeError: Failed to fetch/);
    // The browser asked (the refused preflight is in the gateway's log) and then sent nothing.
    await waitFor(() => gateway.logs.some((line) => /OPTIONS \/v1\/chat\/completions 403/.test(line)), {
      timeoutMs: 10_000,
      what: "the refused preflight in the logs",
    });
    expect(postLines()).toBe(postsBefore);
  });

  it.each([
    ["the allowed origin", () => allowed.origin, 204, true],
    ["another port on the same host", () => other.origin, 403, false],
    ["the same host and port over https", () => allowed.origin.replace("http:", "https:"), 403, false],
  ])("answers the preflight from %s with %i", async (_, origin, status, allowOrigin) => {
    const response = await preflight(origin());
    await response.body?.cancel();
    expect(response.status).toBe(status);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe(allowOrigin ? origin() : null);
    expect(response.headers.get("Access-Control-Allow-Credentials")).toBeNull();
  });
});
