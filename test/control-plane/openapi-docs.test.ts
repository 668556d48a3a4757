import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { API, call } from "../support/control-plane";

/** One OpenAPI document for both planes, and a /docs page that loads nothing from another origin. */
describe("/openapi.json and /docs", () => {
  it("describes the data-plane endpoints, on the project hostname, with the request schemas the routes validate", async () => {
    const res = await call("GET", `${API}/openapi.json`);
    expect(res.status).toBe(200);
    const paths = res.json.paths as Record<
      string,
      Record<string, { servers?: { url: string }[]; requestBody?: unknown }>
    >;
    const expected: [string, string][] = [
      ["/v1/chat/completions", "post"],
      ["/v1/responses", "post"],
      ["/v1/responses/{id}", "get"],
      ["/v1/responses/{id}", "delete"],
      ["/v1/messages", "post"],
      ["/v1/embeddings", "post"],
      ["/v1/models", "get"],
      ["/v1/memory/{session}", "get"],
      ["/v1/memory/{session}", "delete"],
    ];
    for (const [path, method] of expected) {
      const operation = paths[path]?.[method];
      expect(operation, `${method} ${path}`).toBeDefined();
      expect(operation?.servers?.[0]?.url, `${method} ${path}`).toBe("https://{slug}.{domain}");
    }
    // The request bodies are the zod schemas: fields the gateway validates appear, with their rules.
    const schemaOf = (path: string) => JSON.stringify(paths[path]?.post?.requestBody ?? null);
    expect(schemaOf("/v1/responses")).toContain("previous_response_id");
    expect(schemaOf("/v1/chat/completions")).toContain("messages");
    expect(schemaOf("/v1/embeddings")).toContain("encoding_format");
    // The control plane is still there beside it.
    expect(paths["/v1/projects"]).toBeDefined();
  });

  it("/docs and its assets reference no third-party origin and forbid them by CSP", async () => {
    const page = await SELF.fetch(`${API}/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("/openapi.json");
    const script = await (await SELF.fetch(`${API}/docs/reference.js`)).text();
    const style = await (await SELF.fetch(`${API}/docs/reference.css`)).text();
    for (const text of [html, script, style]) {
      expect(text).not.toMatch(/https?:\/\//);
      expect(text).not.toMatch(/(src|href)="\/\//);
    }
    expect(html).toMatch(/<script src="\/docs\/reference\.js">/);
    const csp = page.headers.get("Content-Security-Policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
  });
});
