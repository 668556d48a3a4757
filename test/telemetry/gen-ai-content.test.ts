import { describe, expect, it } from "vitest";
import { inputMessages, MAX_CONTENT_CHARS, outputMessages, TRUNCATED } from "../../src/telemetry/gen-ai-content";

describe("span content", () => {
  it("writes messages in the GenAI conventions' parts shape", () => {
    expect(
      JSON.parse(
        inputMessages([
          { role: "system", content: "Be brief." },
          {
            role: "user",
            content: [
              { type: "text", text: "Hi " },
              { type: "text", text: "there" },
            ],
          },
        ]),
      ),
    ).toEqual([
      { role: "system", parts: [{ type: "text", content: "Be brief." }] },
      { role: "user", parts: [{ type: "text", content: "Hi there" }] },
    ]);
    expect(JSON.parse(outputMessages(""))).toEqual([{ role: "assistant", parts: [] }]);
  });

  it("cuts the text at the bound and stays valid JSON", () => {
    const long = "x".repeat(MAX_CONTENT_CHARS + 10);
    const parsed = JSON.parse(
      inputMessages([
        { role: "user", content: long },
        { role: "user", content: "more" },
      ]),
    );
    expect(parsed[0].parts[0].content).toBe(`${"x".repeat(MAX_CONTENT_CHARS)}${TRUNCATED}`);
    expect(parsed[1].parts[0].content).toBe(TRUNCATED);
  });
});
