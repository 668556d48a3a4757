import { describe, expect, it } from "vitest";
import { createPlaceholderRestorer, restorePlaceholders } from "../../../src/guardrails/pii/restore";

const MAP = { "<EMAIL_1>": "ana@example.com", "<PERSON_1>": "Ana Díaz", "<EMAIL_10>": "z@example.org" };

function streamed(chunks: readonly string[]): string {
  const restorer = createPlaceholderRestorer(MAP);
  return chunks.map((chunk) => restorer.push(chunk)).join("") + restorer.flush();
}

describe("restorePlaceholders", () => {
  it.each([
    ["Write to <EMAIL_1>, <PERSON_1>.", "Write to ana@example.com, Ana Díaz."],
    ["<EMAIL_10> vs <EMAIL_1>", "z@example.org vs ana@example.com"],
    ["unknown <EMAIL_7> and a < b", "unknown <EMAIL_7> and a < b"],
  ])("%j → %j", (text, expected) => {
    expect(restorePlaceholders(text, MAP)).toBe(expected);
  });
});

describe("createPlaceholderRestorer", () => {
  const answer = "Dear <PERSON_1>, we wrote to <EMAIL_1> and <EMAIL_10>.";
  const expected = "Dear Ana Díaz, we wrote to ana@example.com and z@example.org.";

  it("restores a placeholder split across two chunks at every possible point", () => {
    for (let split = 0; split <= answer.length; split++) {
      expect(streamed([answer.slice(0, split), answer.slice(split)]), `split at ${split}`).toBe(expected);
    }
  });

  it("restores when every character arrives in its own chunk", () => {
    expect(streamed([...answer])).toBe(expected);
  });

  it("holds back only a possible placeholder prefix", () => {
    const restorer = createPlaceholderRestorer(MAP);
    expect(restorer.push("Hello <EMA")).toBe("Hello ");
    expect(restorer.push("IL_1> and <b>")).toBe("ana@example.com and <b>");
    expect(restorer.push("x < 3")).toBe("x < 3");
  });

  it("releases an unfinished prefix verbatim at the end of the stream", () => {
    const restorer = createPlaceholderRestorer(MAP);
    expect(restorer.push("cut off <EMAIL_")).toBe("cut off ");
    expect(restorer.flush()).toBe("<EMAIL_");
  });

  it("passes text straight through when nothing was masked", () => {
    const restorer = createPlaceholderRestorer({});
    expect(restorer.push("<EMA")).toBe("<EMA");
  });
});
