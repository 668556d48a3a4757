import { describe, expect, it } from "vitest";
import {
  createEventStreamDecoder,
  crc32,
  decodeMessage,
  EventStreamFramingError,
} from "../../src/providers/aws-event-stream";
import { eventStreamToSse } from "../../src/providers/bedrock-transport";
import { binaryBody, concat, encodeMessage, eventFrame, exceptionFrame } from "../fixtures/providers/bedrock/encode";
import { readText } from "../streaming/sse-helpers";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("crc32", () => {
  it.each([
    ["", 0x00000000],
    ["a", 0xe8b7be43],
    ["123456789", 0xcbf43926], // the standard check value of CRC-32/ISO-HDLC
    ["The quick brown fox jumps over the lazy dog", 0x414fa339],
  ])("crc32(%j) = %s", (input, expected) => {
    expect(crc32(new TextEncoder().encode(input))).toBe(expected);
  });
});

describe("decodeMessage", () => {
  const frame = eventFrame("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "hi" } });

  it("reads headers and payload of a well-formed frame", () => {
    const message = decodeMessage(frame);
    expect(message.headers).toEqual({
      ":event-type": "contentBlockDelta",
      ":content-type": "application/json",
      ":message-type": "event",
    });
    expect(JSON.parse(text(message.payload))).toEqual({ contentBlockIndex: 0, delta: { text: "hi" } });
  });

  it("reads an empty payload and a frame with no headers", () => {
    expect(decodeMessage(encodeMessage({}, "")).payload.length).toBe(0);
    expect(decodeMessage(encodeMessage({}, "x")).headers).toEqual({});
  });

  const corrupt = (at: (f: Uint8Array) => number) => {
    const copy = frame.slice();
    copy[at(copy)]! ^= 0x01;
    return copy;
  };
  it.each([
    ["a flipped bit in the prelude CRC", corrupt(() => 9), /prelude CRC/],
    ["a flipped bit in the headers length", corrupt(() => 7), /prelude CRC/],
    ["a flipped bit in the payload", corrupt((f) => f.length - 10), /message CRC/],
    ["a flipped bit in the message CRC", corrupt((f) => f.length - 1), /message CRC/],
    ["a truncated frame", frame.slice(0, frame.length - 1), /total length/],
  ])("refuses %s", (_name, bytes, message) => {
    expect(() => decodeMessage(bytes)).toThrow(message);
  });
});

describe("createEventStreamDecoder", () => {
  const frames = [
    eventFrame("messageStart", { role: "assistant" }),
    eventFrame("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "Grüße 👋" } }),
    eventFrame("messageStop", { stopReason: "end_turn" }),
  ];
  const all = concat(frames);
  const types = (messages: ReturnType<ReturnType<typeof createEventStreamDecoder>["push"]>) =>
    messages.map((m) => m.headers[":event-type"]);

  it("decodes several frames from one read", () => {
    const decoder = createEventStreamDecoder();
    expect(types(decoder.push(all))).toEqual(["messageStart", "contentBlockDelta", "messageStop"]);
    expect(decoder.pending).toBe(0);
  });

  it("decodes the same frames whatever byte the reads split at (every cut point)", () => {
    for (let cut = 1; cut < all.length; cut++) {
      const decoder = createEventStreamDecoder();
      const got = [...types(decoder.push(all.subarray(0, cut))), ...types(decoder.push(all.subarray(cut)))];
      expect(got, `cut at ${cut}`).toEqual(["messageStart", "contentBlockDelta", "messageStop"]);
    }
  });

  it("decodes a stream delivered one byte per read", () => {
    const decoder = createEventStreamDecoder();
    const got = [...all].flatMap((byte) => types(decoder.push(Uint8Array.of(byte))));
    expect(got).toEqual(["messageStart", "contentBlockDelta", "messageStop"]);
  });

  it("holds a partial frame as pending until the rest arrives", () => {
    const decoder = createEventStreamDecoder();
    expect(decoder.push(all.subarray(0, 5))).toEqual([]);
    expect(decoder.pending).toBe(5);
  });

  it("refuses an implausible total length before buffering it", () => {
    const bogus = new Uint8Array(12);
    new DataView(bogus.buffer).setUint32(0, 0xfffffff0);
    expect(() => createEventStreamDecoder().push(bogus)).toThrow(EventStreamFramingError);
  });
});

describe("eventStreamToSse", () => {
  const sse = (bytes: Uint8Array, cuts: number[] = []) =>
    readText(binaryBody(bytes, cuts).pipeThrough(eventStreamToSse()));

  it("names each SSE event after the frame's :event-type and keeps the JSON payload", async () => {
    const out = await sse(
      concat([
        eventFrame("messageStart", { role: "assistant" }),
        eventFrame("messageStop", { stopReason: "end_turn" }),
      ]),
      [3, 40],
    );
    expect(out).toBe(
      'event: messageStart\ndata: {"role":"assistant"}\n\nevent: messageStop\ndata: {"stopReason":"end_turn"}\n\n',
    );
  });

  it("turns an exception frame into one `exception` event naming its type", async () => {
    expect(await sse(exceptionFrame("throttlingException", "Too many tokens"))).toBe(
      'event: exception\ndata: {"message":"throttlingException: Too many tokens"}\n\n',
    );
  });

  it.each([
    [
      "a CRC failure",
      (() => {
        const f = eventFrame("messageStart", {});
        f[f.length - 1]! ^= 1;
        return f;
      })(),
    ],
    ["a truncated tail", eventFrame("messageStart", {}).slice(0, 20)],
  ])("reports %s as one `malformed` event", async (_name, bytes) => {
    expect(await sse(bytes)).toBe("event: malformed\ndata: {}\n\n");
  });
});
