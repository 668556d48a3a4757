import { describe, expect, it } from "vitest";
import { ChatRequest, contentText } from "../../src/providers/openai-schema";

const user = { role: "user", content: "hi" };

describe("ChatRequest", () => {
  const valid: Array<[string, object]> = [
    ["a plain message", { messages: [user] }],
    [
      "content parts with an image",
      {
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "what?" },
              { type: "image_url", image_url: { url: "https://x/y.png", detail: "low" } },
            ],
          },
        ],
      },
    ],
    [
      "a tool round trip",
      {
        messages: [
          user,
          {
            role: "assistant",
            content: null,
            tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }],
          },
          { role: "tool", tool_call_id: "c", content: "ok" },
        ],
      },
    ],
    [
      "json_schema output",
      {
        messages: [user],
        response_format: { type: "json_schema", json_schema: { name: "s", schema: { type: "object" }, strict: true } },
      },
    ],
    ["stream with usage", { messages: [user], stream: true, stream_options: { include_usage: true } }],
    [
      "sampling knobs",
      { messages: [user], temperature: 2, top_p: 0, n: 2, seed: 1, stop: ["a", "b"], max_completion_tokens: 5 },
    ],
  ];
  it.each(valid)("accepts %s", (_name, body) => {
    expect(ChatRequest.safeParse(body).success).toBe(true);
  });

  const invalid: Array<[string, object, string]> = [
    ["no messages", { messages: [] }, "messages"],
    ["an unknown role", { messages: [{ role: "robot", content: "x" }] }, "messages"],
    ["temperature above 2", { messages: [user], temperature: 2.5 }, "temperature"],
    ["five stop sequences", { messages: [user], stop: ["a", "b", "c", "d", "e"] }, "stop"],
    ["a tool message without tool_call_id", { messages: [{ role: "tool", content: "x" }] }, "messages"],
    ["a fractional max_tokens", { messages: [user], max_tokens: 1.5 }, "max_tokens"],
  ];
  it.each(invalid)("rejects %s", (_name, body, path) => {
    const result = ChatRequest.safeParse(body);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path[0]).toBe(path);
  });

  it("strips fields it does not know instead of forwarding them", () => {
    const parsed = ChatRequest.parse({ messages: [{ ...user, secret_flag: 1 }], internal_billing_override: true });
    expect(parsed).toEqual({ messages: [user] });
  });
});

describe("contentText", () => {
  it.each([
    ["hello", "hello"],
    [
      [
        { type: "text", text: "a" },
        { type: "image_url", image_url: { url: "u" } },
        { type: "text", text: "b" },
      ],
      "ab",
    ],
    [null, ""],
  ])("reads %j as %j", (content, expected) => {
    expect(contentText(content as never)).toBe(expected);
  });
});

describe("image parts", () => {
  const withImage = (url: string) => ({
    messages: [{ role: "user", content: [{ type: "image_url", image_url: { url } }] }],
  });

  it.each(["https://cdn.example.com/cat.png", "data:image/png;base64,iVBORw0KGgo="])("accepts %s", (url) => {
    expect(ChatRequest.safeParse(withImage(url)).success).toBe(true);
  });

  // gs:// would have Gemini on Vertex read the tenant's own buckets with the tenant's service account.
  it.each(["gs://tenant-bucket/private.png", "http://169.254.169.254/", "file:///etc/passwd", "ftp://x/y.png"])(
    "refuses %s",
    (url) => {
      const parsed = ChatRequest.safeParse(withImage(url));
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.message).toBe("image URLs must be https: or data:");
    },
  );
});
