import { describe, expect, it } from "vitest";
import { PII_ENTITIES } from "../../../src/guardrails/pii/entities";
import { applyPiiPolicyToOutput } from "../../../src/guardrails/pii/shield";
import {
  createOutputScanner,
  type FindingTally,
  OUTPUT_HOLD_BACK,
  type OutputScanPolicy,
} from "../../../src/guardrails/pii/stream-scan";

const policy = (action: OutputScanPolicy["action"], mode: OutputScanPolicy["mode"] = "enforce"): OutputScanPolicy => ({
  mode,
  action,
  entities: [...PII_ENTITIES],
});

/** Every way of cutting `text` into two chunks, and a few into many. */
function splits(text: string): string[][] {
  const out: string[][] = [];
  for (let i = 1; i < text.length; i++) out.push([text.slice(0, i), text.slice(i)]);
  for (const size of [1, 3, 7])
    out.push(Array.from({ length: Math.ceil(text.length / size) }, (_, k) => text.slice(k * size, (k + 1) * size)));
  return out;
}

function stream(chunks: readonly string[], scanPolicy: OutputScanPolicy) {
  const tally: FindingTally = new Map();
  const scanner = createOutputScanner(scanPolicy, tally);
  const sent: string[] = chunks.map((chunk) => scanner.push(chunk));
  sent.push(scanner.end());
  return { sent, text: sent.join(""), blocked: scanner.blocked, tally };
}

const ANSWERS = [
  "Sure, write to jane.doe@example.com and she will reply.",
  "The card on file is 4111 1111 1111 1111, expiring soon.",
  "Wire it to DE89 3704 0044 0532 0130 00 today, then call +41 44 668 18 00.",
];

describe("output PII in a stream, split across chunks", () => {
  it.each(ANSWERS)("redact: every split of %j gives the whole-text redaction", (answer) => {
    const whole = applyPiiPolicyToOutput(answer, policy("redact"));
    expect(whole.findings.length).toBeGreaterThan(0);
    for (const chunks of splits(answer)) {
      const { text, tally } = stream(chunks, policy("redact"));
      expect(text).toBe(whole.text);
      expect([...tally.values()].reduce((a, b) => a + b, 0)).toBe(
        whole.findings.reduce((sum, finding) => sum + finding.count, 0),
      );
    }
  });

  it.each(ANSWERS)("block: every split of %j blocks before any part of the value is sent", (answer) => {
    const [first] = applyPiiPolicyToOutput(answer, policy("block")).findings;
    const value = answer.slice(first?.positions[0]?.start, first?.positions[0]?.end);
    for (const chunks of splits(answer)) {
      const { text, blocked } = stream(chunks, policy("block"));
      expect(blocked).toBe(true);
      expect(text).not.toContain(value.slice(0, 4));
    }
  });

  it("holds back at most OUTPUT_HOLD_BACK characters of clean text", () => {
    const clean = "All quiet on the western front. ".repeat(20);
    const tally: FindingTally = new Map();
    const scanner = createOutputScanner(policy("redact"), tally);
    const sent = scanner.push(clean);
    expect(sent).toBe(clean.slice(0, clean.length - OUTPUT_HOLD_BACK));
    expect(sent + scanner.end()).toBe(clean);
    expect(tally.size).toBe(0);
  });

  it("shadow passes text through at once and records what it saw at the end", () => {
    const { sent, text, tally, blocked } = stream(["mail jane.doe@exa", "mple.com now"], policy("block", "shadow"));
    expect(sent).toEqual(["mail jane.doe@exa", "mple.com now", ""]);
    expect(text).toBe("mail jane.doe@example.com now");
    expect(blocked).toBe(false);
    expect(tally.get("EMAIL")).toBe(1);
  });

  it("mask on output redacts: a placeholder the model made up could never be restored", () => {
    expect(stream(["jane.doe@example.com"], policy("mask")).text).toBe("[REDACTED_EMAIL]");
  });
});
