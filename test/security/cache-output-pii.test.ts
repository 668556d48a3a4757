import { describe, expect, it } from "vitest";
import { setupProject } from "../support/control-plane";
import { parseOutput, textOf } from "../streaming/sse-helpers";
import { chat } from "./support";

// Attack: a streamed answer the live path redacted or refused for output PII (enforce) is cached as the provider
// gave it; a repeat of the request must not get that answer back with the personal data in it. The mock's
// `-unsplit` preset emits "jane.doe@example.com" from "jane.doe|@|example.com", which the input scan cannot see.
const ASK = "Write to jane.doe|@|example.com or call me";
const settings = (action: "redact" | "block") => ({
  cache_mode: "enabled",
  pii_mode: "enforce",
  pii_action: action,
  pii_scan_output: true,
  rpm_limit: 1000,
  user_rpm_fraction: 1,
});
const body = (stream: boolean) => ({
  model: "mock/echo-unsplit",
  messages: [{ role: "user", content: ASK }],
  max_tokens: 200,
  stream,
});

describe("the response cache under output PII enforce", () => {
  for (const action of ["redact", "block"] as const)
    for (const stream of [false, true])
      it(`never replays personal data the live answer ${action === "redact" ? "redacted" : "refused"} (stream: ${stream})`, async () => {
        const { project, token } = await setupProject({ settings: settings(action) });
        for (let i = 0; i < 2; i++) {
          const res = await chat(project.slug, token, body(stream));
          const text = await res.text();
          expect(text, `request ${i + 1}`).not.toContain("jane.do");
          if (action === "redact" && stream)
            expect(textOf(parseOutput(text))).toBe("Write to [REDACTED_EMAIL] or call me");
          if (action === "block") expect(text).toContain("pii_detected");
        }
      });
});
