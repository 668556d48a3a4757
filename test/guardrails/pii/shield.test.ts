import { describe, expect, it } from "vitest";
import { PII_ENTITIES } from "../../../src/guardrails/pii/entities";
import { restorePlaceholders } from "../../../src/guardrails/pii/restore";
import {
  applyPiiPolicy,
  applyPiiPolicyToOutput,
  describePiiBlock,
  type PiiPolicy,
} from "../../../src/guardrails/pii/shield";

const EMAIL = "ana@example.com";
const SSN = "123-45-6789";
const policy = (overrides: Partial<PiiPolicy>): PiiPolicy => ({
  mode: "enforce",
  action: "mask",
  entities: [...PII_ENTITIES],
  scanSystem: false,
  scanTool: false,
  ...overrides,
});
const messages = [
  { role: "system", content: `Support desk. Escalate to ${EMAIL}.` },
  { role: "user", content: `I am ${EMAIL}, SSN ${SSN}. Again: ${EMAIL}` },
  { role: "tool", content: `record: ${SSN}`, tool_call_id: "call_1" },
  {
    role: "user",
    content: [
      { type: "image_url", image_url: { url: "https://x/y.png" } },
      { type: "text", text: `cc ${EMAIL}` },
    ],
  },
];

describe("applyPiiPolicy", () => {
  it("does nothing when disabled", () => {
    const outcome = applyPiiPolicy(messages, policy({ mode: "disabled" }));
    expect(outcome).toEqual({ messages, findings: [], blocked: false, placeholders: {} });
  });

  it("shadow mode allows the request unchanged and records types, counts and positions", () => {
    const outcome = applyPiiPolicy(messages, policy({ mode: "shadow" }));
    expect(outcome.blocked).toBe(false);
    expect(outcome.messages).toEqual(messages);
    expect(outcome.findings).toEqual([
      {
        type: "EMAIL",
        count: 3,
        positions: [
          { message: 1, start: 5, end: 20 },
          { message: 1, start: 46, end: 61 },
          { message: 3, part: 1, start: 3, end: 18 },
        ],
      },
      { type: "SSN", count: 1, positions: [{ message: 1, start: 26, end: 37 }] },
    ]);
    expect(JSON.stringify(outcome.findings)).not.toContain(EMAIL);
  });

  it("block never echoes the values, in findings or in the client message", () => {
    const outcome = applyPiiPolicy(messages, policy({ action: "block" }));
    expect(outcome.blocked).toBe(true);
    const message = describePiiBlock(outcome.findings);
    expect(message).toContain("EMAIL");
    expect(message).toContain("SSN");
    for (const serialised of [message, JSON.stringify(outcome.findings), JSON.stringify(outcome.placeholders)]) {
      expect(serialised).not.toContain(EMAIL);
      expect(serialised).not.toContain(SSN);
    }
  });

  it("mask gives one placeholder per distinct value across the request and restores the originals", () => {
    const outcome = applyPiiPolicy(messages, policy({ action: "mask" }));
    expect(outcome.messages[1]?.content).toBe("I am <EMAIL_1>, SSN <SSN_1>. Again: <EMAIL_1>");
    expect(outcome.messages[3]?.content).toEqual([messages[3]?.content[0], { type: "text", text: "cc <EMAIL_1>" }]);
    expect(outcome.placeholders).toEqual({ "<EMAIL_1>": EMAIL, "<SSN_1>": SSN });
    expect(restorePlaceholders("Sent to <EMAIL_1>.", outcome.placeholders)).toBe(`Sent to ${EMAIL}.`);
  });

  it("scans system and tool messages only when the policy says so, and keeps other fields", () => {
    const off = applyPiiPolicy(messages, policy({}));
    expect(off.messages[0]).toBe(messages[0]);
    expect(off.messages[2]).toBe(messages[2]);
    const on = applyPiiPolicy(messages, policy({ scanSystem: true, scanTool: true }));
    expect(on.messages[0]?.content).toBe("Support desk. Escalate to <EMAIL_1>.");
    expect(on.messages[2]).toEqual({ role: "tool", content: "record: <SSN_1>", tool_call_id: "call_1" });
  });

  it("redact replaces permanently and returns no placeholders", () => {
    const outcome = applyPiiPolicy(messages, policy({ action: "redact" }));
    expect(outcome.messages[1]?.content).toBe("I am [REDACTED_EMAIL], SSN [REDACTED_SSN]. Again: [REDACTED_EMAIL]");
    expect(outcome.placeholders).toEqual({});
  });

  it("does not touch the caller's messages", () => {
    const copy = structuredClone(messages);
    applyPiiPolicy(messages, policy({ action: "mask", scanSystem: true, scanTool: true }));
    expect(messages).toEqual(copy);
  });
});

describe("applyPiiPolicyToOutput", () => {
  it.each([
    ["shadow", "mask", "Call +44 20 7946 1653.", false],
    ["enforce", "redact", "Call [REDACTED_PHONE].", false],
    ["enforce", "mask", "Call [REDACTED_PHONE].", false],
    ["enforce", "block", "Call +44 20 7946 1653.", true],
  ] as const)("%s/%s", (mode, action, text, blocked) => {
    const outcome = applyPiiPolicyToOutput("Call +44 20 7946 1653.", { mode, action, entities: ["PHONE"] });
    expect(outcome.text).toBe(text);
    expect(outcome.blocked).toBe(blocked);
    expect(outcome.findings.map((finding) => finding.type)).toEqual(["PHONE"]);
  });
});
