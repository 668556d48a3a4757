import { describe, expect, it } from "vitest";
import { setupProject } from "../support/control-plane";
import { parseOutput, textOf, toolArgumentsOf } from "../streaming/sse-helpers";
import { chat, ledgerRows, settledReserved } from "./support";

// Attack (issue #16 item 6): under enforce, output PII was only recorded for streams, so a model made to
// emit personal data delivered it whole as long as the client asked for `stream: true`; tool-call
// arguments were never scanned. The mock's `-unsplit` presets emit "jane.doe@example.com" from the user's
// "jane.doe|@|example.com", which the request's own PII scan cannot see; its 16-character chunks split it
// ("…jane.do" + "e@example.com…").
const EMAIL = "jane.doe@example.com";
const ASK = "Write to jane.doe|@|example.com or call me";
const enforce = (action: "redact" | "block") => ({
  pii_mode: "enforce",
  pii_action: action,
  pii_scan_output: true,
  rpm_limit: 1000,
  user_rpm_fraction: 1,
});
const tools = [{ type: "function", function: { name: "send_mail", parameters: { type: "object" } } }];
const body = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: "user", content: ASK }],
  max_tokens: 200,
  ...extra,
});

/** The request's ledger row, once its settlement (batched after the stream ends) has landed. */
async function rowOf(projectId: string) {
  for (let attempt = 0; attempt < 60; attempt++) {
    const [row] = await ledgerRows(projectId);
    if (row) return row;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("no ledger row");
}

describe("output PII under enforce holds in streams", () => {
  it("redact rewrites a value split across stream chunks", async () => {
    const { project, token } = await setupProject({ settings: enforce("redact") });
    const res = await chat(project.slug, token, body("mock/echo-unsplit", { stream: true }));
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(textOf(parseOutput(text))).toBe("Write to [REDACTED_EMAIL] or call me");
    expect(text).not.toContain("jane.do");
    const row = await rowOf(project.id);
    expect(row.status).toBe("ok");
    expect(JSON.parse(row.guardrail_events)).toContainEqual({
      kind: "pii_output",
      mode: "enforce",
      findings: [{ type: "EMAIL", count: 1 }],
    });
  });

  it("block ends the stream with a pii_detected error event, settles it and holds nothing", async () => {
    const { project, token } = await setupProject({ settings: enforce("block") });
    const res = await chat(project.slug, token, body("mock/echo-unsplit", { stream: true }));
    expect(res.status).toBe(200);
    const text = await res.text();
    const items = parseOutput(text);
    expect(text).not.toContain("jane.do");
    expect(items.at(-2)).toMatchObject({ error: { code: "pii_detected" } });
    expect(items.at(-1)).toEqual({ done: true });
    expect(await settledReserved(project.id)).toBe(0);
    const row = await rowOf(project.id);
    expect(row.status).toBe("blocked");
    expect(JSON.parse(row.guardrail_events)).toContainEqual({ kind: "refusal", code: "pii_detected" });
  });

  it.each(["redact", "block"] as const)("%s covers streamed tool-call arguments", async (action) => {
    const { project, token } = await setupProject({ settings: enforce(action) });
    const res = await chat(project.slug, token, body("mock/tool-call-unsplit", { stream: true, tools }));
    const text = await res.text();
    expect(text).not.toContain(EMAIL);
    if (action === "redact")
      expect(toolArgumentsOf(parseOutput(text))).toBe('{"input":"Write to [REDACTED_EMAIL] or call me"}');
    else expect(parseOutput(text).some((item) => "error" in item && item.error.code === "pii_detected")).toBe(true);
  });

  it.each(["redact", "block"] as const)("%s covers a whole answer's tool-call arguments", async (action) => {
    const { project, token } = await setupProject({ settings: enforce(action) });
    const res = await chat(project.slug, token, body("mock/tool-call-unsplit", { tools }));
    const text = await res.text();
    expect(text).not.toContain(EMAIL);
    if (action === "block") {
      expect(res.status).toBe(400);
      expect(JSON.parse(text).error.code).toBe("pii_detected");
    } else {
      expect(res.status).toBe(200);
      const call = JSON.parse(text).choices[0].message.tool_calls[0];
      expect(call.function.arguments).toBe('{"input":"Write to [REDACTED_EMAIL] or call me"}');
    }
  });

  it("shadow leaves the stream as the model wrote it and records the finding", async () => {
    const { project, token } = await setupProject({ settings: { ...enforce("block"), pii_mode: "shadow" } });
    const res = await chat(project.slug, token, body("mock/echo-unsplit", { stream: true }));
    expect(textOf(parseOutput(await res.text()))).toBe(`Write to ${EMAIL} or call me`);
    const row = await rowOf(project.id);
    expect(JSON.parse(row.guardrail_events)).toContainEqual({
      kind: "pii_output",
      mode: "shadow",
      findings: [{ type: "EMAIL", count: 1 }],
    });
  });
});
