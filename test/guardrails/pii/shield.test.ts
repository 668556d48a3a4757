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
        count: 4,
        positions: [
          { message: 0, start: 26, end: 41 },
          { message: 1, start: 5, end: 20 },
          { message: 1, start: 46, end: 61 },
          { message: 3, part: 1, start: 3, end: 18 },
        ],
      },
      {
        type: "SSN",
        count: 2,
        positions: [
          { message: 1, start: 26, end: 37 },
          { message: 2, start: 8, end: 19 },
        ],
      },
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

  it("scans client system and tool messages by default, and keeps other fields", () => {
    const outcome = applyPiiPolicy(messages, policy({}));
    expect(outcome.messages[0]?.content).toBe("Support desk. Escalate to <EMAIL_1>.");
    expect(outcome.messages[2]).toEqual({ role: "tool", content: "record: <SSN_1>", tool_call_id: "call_1" });
  });

  it("skips a trusted caller's system messages unless scanSystem asks for them", () => {
    const trusted = applyPiiPolicy(messages, policy({ trustSystem: true }));
    expect(trusted.messages[0]).toBe(messages[0]);
    expect(trusted.messages[2]?.content).toBe("record: <SSN_1>");
    const scanned = applyPiiPolicy(messages, policy({ trustSystem: true, scanSystem: true }));
    expect(scanned.messages[0]?.content).toBe("Support desk. Escalate to <EMAIL_1>.");
  });

  it("masks names and tool-call arguments, keeping ids and the JSON shape", () => {
    const withCalls = [
      { role: "user", content: "hi", name: `x ${EMAIL}` },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "call_1", type: "function", function: { name: "lookup", arguments: `{"ssn":"${SSN}"}` } }],
      },
    ];
    const outcome = applyPiiPolicy(withCalls, policy({}));
    expect(outcome.messages[0]?.name).toBe("x <EMAIL_1>");
    expect(outcome.messages[1]?.tool_calls).toEqual([
      { id: "call_1", type: "function", function: { name: "lookup", arguments: '{"ssn":"<SSN_1>"}' } },
    ]);
    expect(outcome.placeholders).toEqual({ "<EMAIL_1>": EMAIL, "<SSN_1>": SSN });
  });

  it("redact replaces permanently and returns no placeholders", () => {
    const outcome = applyPiiPolicy(messages, policy({ action: "redact" }));
    expect(outcome.messages[1]?.content).toBe("I am [REDACTED_EMAIL], SSN [REDACTED_SSN]. Again: [REDACTED_EMAIL]");
    expect(outcome.placeholders).toEqual({});
  });

  it("does not touch the caller's messages", () => {
    const copy = structuredClone(messages);
    applyPiiPolicy(messages, policy({ action: "mask", scanSystem: true }));
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
