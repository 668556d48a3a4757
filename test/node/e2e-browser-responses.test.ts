import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumForTests, launchChromium, serveStatic, type StaticSite } from "./support/browser";
import { startGateway, type RunningGateway } from "./support/gateway";
import { GatewayClient, type ProjectSetup } from "./support/gateway-client";

const available = chromiumForTests();

interface PageResult {
  ok: boolean;
  error?: string;
  status?: number;
  contentType?: string | null;
  rateLimitRemaining?: string | null;
  types?: string[];
  text?: string;
  reads?: number;
  completedText?: string | null;
  usage?: { input_tokens: number; output_tokens: number; total_tokens: number } | null;
}

/**
 * A page on one origin streaming `POST /v1/responses` from a project on another, in Chromium: the
 * preflight passes for the listed origin, the Responses events arrive in order and in pieces, masked PII
 * comes back restored, and an origin the project does not list gets nothing.
 */
describe.runIf(available)("a browser app streaming the Responses API from another origin", () => {
  let gateway: RunningGateway;
  let browser: Browser;
  let allowed: StaticSite;
  let other: StaticSite;
  let setup: ProjectSetup;
  let client: GatewayClient;

  beforeAll(async () => {
    const fixtures = join(import.meta.dirname, "fixtures");
    [gateway, browser, allowed, other] = await Promise.all([
      startGateway(),
      launchChromium(),
      serveStatic(fixtures),
      serveStatic(fixtures),
    ]);
    client = new GatewayClient(gateway);
    setup = await client.setupProject({
      settings: { cors_origins: [allowed.origin], pii_mode: "enforce", pii_action: "mask" },
    });
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([gateway?.stop(), allowed?.close(), other?.close()]);
  });

  async function streamFrom(site: StaticSite, model: string, input: string): Promise<PageResult> {
    const page = await browser.newPage();
    try {
      await page.goto(`${site.origin}/browser-responses.html`);
      const args = {
        url: gateway.projectUrl(setup.project.slug, "/v1/responses"),
        token: await client.mint(setup.apiKey, `page-${crypto.randomUUID().slice(0, 8)}`),
        model,
        input,
      };
      return (await page.evaluate(
        (request) =>
          (window as unknown as { streamResponse(r: typeof request): Promise<PageResult> }).streamResponse(request),
        args,
      )) as PageResult;
    } finally {
      await page.close();
    }
  }

  it("streams the Responses events, in order and in pieces, to a page on an allowed origin", async () => {
    const question = "What is the weather like?";
    const result = await streamFrom(allowed, "mock/slow", question);
    expect(result).toMatchObject({ ok: true, status: 200, text: `This is a mock reply to: ${question}` });
    expect(result.contentType).toContain("text/event-stream");
    const types = result.types ?? [];
    expect(types.slice(0, 4)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
    ]);
    expect(types.at(-1)).toBe("response.completed");
    // mock/slow pauses between chunks: the page read the answer as it was produced, not in one piece.
    expect(result.reads).toBeGreaterThan(2);
    expect(result.completedText).toBe(result.text);
    expect(result.usage?.output_tokens).toBeGreaterThan(0);
    expect(result.rateLimitRemaining).toMatch(/^\d+$/);
  });

  it("restores masked PII in the page's stream", async () => {
    const input = "Write to jane.doe@example.com today";
    const result = await streamFrom(allowed, "mock/echo", input);
    expect(result).toMatchObject({ ok: true, status: 200, text: input, completedText: input });
  });

  it("refuses a page on an origin the project does not list: fetch fails", async () => {
    const result = await streamFrom(other, "mock/tollgate-mock", "hello");
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/^TypeError: Failed to fetch/);
  });
});
