import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  encodeCommand,
  hasRedisServer,
  parseReply,
  startRedisServer,
  type RunningRedis,
} from "../../scripts/lib/redis-server";
import { startRedisBridge, type RunningBridge } from "../../scripts/redis-bridge";

describe("RESP codec", () => {
  it("encodes every argument as a bulk string", () => {
    expect(encodeCommand(["SET", "k", "a b"]).toString()).toBe("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\na b\r\n");
    expect(encodeCommand(["SET", "é"]).toString()).toBe("*2\r\n$3\r\nSET\r\n$2\r\né\r\n");
  });

  it.each([
    ["+OK\r\n", { type: "simple", value: "OK" }],
    ["-ERR bad\r\n", { type: "error", message: "ERR bad" }],
    [":-42\r\n", { type: "integer", value: -42 }],
    ["$-1\r\n", { type: "bulk", value: null }],
    ["*-1\r\n", { type: "array", value: null }],
    ["$4\r\na\r\nb\r\n", { type: "bulk", value: Buffer.from("a\r\nb") }],
    [
      "*2\r\n:1\r\n*1\r\n$0\r\n\r\n",
      {
        type: "array",
        value: [
          { type: "integer", value: 1 },
          { type: "array", value: [{ type: "bulk", value: Buffer.alloc(0) }] },
        ],
      },
    ],
  ])("parses %j", (wire, reply) => {
    expect(parseReply(Buffer.from(wire))).toEqual({ reply, next: Buffer.byteLength(wire) });
  });

  it("waits for the rest of a reply split across TCP chunks", () => {
    const wire = "*2\r\n$5\r\nhello\r\n:7\r\n";
    for (let cut = 1; cut < wire.length; cut++) expect(parseReply(Buffer.from(wire.slice(0, cut)))).toBeNull();
  });
});

// CI installs redis-server and must run these; only a developer machine without it may skip.
const available = hasRedisServer();
if (!available && process.env.CI === "true") throw new Error("CI=true but redis-server is not installed");
if (!available) console.warn("redis-server not installed (apt-get install -y redis-server): bridge tests skipped");

describe.runIf(available)("Upstash REST bridge", () => {
  const token = "bridge-test-token";
  let redis: RunningRedis;
  let bridge: RunningBridge;
  beforeAll(async () => {
    redis = await startRedisServer();
    bridge = await startRedisBridge({ token, redisPort: redis.port });
  });
  afterAll(async () => {
    await bridge?.close();
    await redis?.stop();
  });

  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(bridge.url + path, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  const b64 = { "Upstash-Encoding": "base64" };
  const enc = (s: string) => Buffer.from(s).toString("base64");

  it("runs a single command posted as a JSON array", async () => {
    expect(await post("/", ["SET", "greeting", "héllo 🚀"])).toEqual({ status: 200, body: { result: "OK" } });
    expect(await post("/", ["GET", "greeting"])).toEqual({ status: 200, body: { result: "héllo 🚀" } });
    expect(await post("/", ["GET", "missing"])).toEqual({ status: 200, body: { result: null } });
  });

  it("answers a failing command with 400 and the Redis error", async () => {
    await post("/", ["SET", "text", "abc"]);
    expect(await post("/", ["INCR", "text"])).toEqual({
      status: 400,
      body: { error: "ERR value is not an integer or out of range" },
    });
  });

  it.each([
    ["bulk string", ["GET", "enc"], enc('a"b\nc é')],
    ["simple OK stays readable", ["SET", "enc", 'a"b\nc é'], "OK"],
    ["other simple strings", ["PING"], enc("PONG")],
    ["integer (byte length)", ["STRLEN", "enc"], 8],
    ["nil", ["GET", "nothing-here"], null],
    ["array of bulk strings", ["MGET", "enc", "nothing-here"], [enc('a"b\nc é'), null]],
  ])("with Upstash-Encoding: base64 encodes a %s", async (_, command, result) => {
    await post("/", ["SET", "enc", 'a"b\nc é']);
    expect(await post("/", command, b64)).toEqual({ status: 200, body: { result } });
  });

  it("runs a pipeline in order, with each command's error in its place", async () => {
    const { status, body } = await post("/pipeline", [
      ["DEL", "pl"],
      ["RPUSH", "pl", "a", "b"],
      ["INCR", "pl"],
      ["LRANGE", "pl", 0, -1],
      ["MULTI"],
    ]);
    expect(status).toBe(200);
    expect(body).toEqual([
      { result: expect.any(Number) },
      { result: 2 },
      { error: "WRONGTYPE Operation against a key holding the wrong kind of value" },
      { result: ["a", "b"] },
      { error: "ERR 'MULTI' is not supported by the REST bridge" },
    ]);
  });

  it("runs /multi-exec atomically: concurrent blocks never interleave", async () => {
    await post("/", ["SET", "ctr", 0]);
    const blocks = await Promise.all(
      Array.from({ length: 30 }, () =>
        post("/multi-exec", [
          ["INCR", "ctr"],
          ["INCR", "ctr"],
          ["INCR", "ctr"],
        ]),
      ),
    );
    const firsts: number[] = [];
    for (const { status, body } of blocks) {
      expect(status).toBe(200);
      const [a, b, c] = (body as { result: number }[]).map((r) => r.result);
      expect([b! - a!, c! - b!]).toEqual([1, 1]);
      firsts.push(a!);
    }
    expect(firsts.sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => 3 * i + 1));
  });

  it("discards a whole /multi-exec block when one command cannot be queued", async () => {
    await post("/", ["SET", "untouched", "1"]);
    const aborted = await post("/multi-exec", [["INCR", "untouched"], ["NOSUCHCOMMAND"]]);
    expect(aborted.status).toBe(400);
    expect((aborted.body as { error: string }).error).toMatch(/unknown command 'NOSUCHCOMMAND'/);
    expect((await post("/", ["GET", "untouched"])).body).toEqual({ result: "1" });
  });

  it("reports a runtime error inside /multi-exec per command, like Redis", async () => {
    await post("/", ["SET", "word", "x"]);
    expect(
      await post(
        "/multi-exec",
        [
          ["INCR", "word"],
          ["GET", "word"],
        ],
        b64,
      ),
    ).toEqual({
      status: 200,
      body: [{ error: "ERR value is not an integer or out of range" }, { result: enc("x") }],
    });
  });

  it.each([
    ["no Authorization header", {}],
    ["a wrong token", { authorization: "Bearer nope" }],
    ["the token with a different scheme", { authorization: `Basic ${token}` }],
    ["a longer token sharing the prefix", { authorization: `Bearer ${token}x` }],
  ])("refuses %s with 401", async (_, headers) => {
    const res = await fetch(bridge.url, { method: "POST", headers, body: '["SET","pwned","1"]' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "Unauthorized" });
    expect((await post("/", ["EXISTS", "pwned"])).body).toEqual({ result: 0 });
  });

  it("accepts the token as ?_token= and path-style commands", async () => {
    await post("/", ["SET", "path key", "v"]);
    const res = await fetch(`${bridge.url}/get/${encodeURIComponent("path key")}?_token=${token}`);
    expect(await res.json()).toEqual({ result: "v" });
  });

  it.each([
    ["malformed JSON", '["GET"', 400],
    ["an empty command", "[]", 400],
    ["an object argument", '["SET","k",{"a":1}]', 400],
  ])("rejects %s with a JSON error", async (_, body, status) => {
    const res = await post("/", body);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ error: expect.any(String) });
  });

  it("serves the real @upstash/redis client (base64, pipeline, multi)", async () => {
    const client = new Redis({ url: bridge.url, token, enableTelemetry: false, enableAutoPipelining: false });
    await client.set("json", { nested: ["ü", 1] });
    expect(await client.get("json")).toEqual({ nested: ["ü", 1] });
    expect(await client.pipeline().set("p", "1").incr("p").get("p").exec()).toEqual(["OK", 2, 2]);
    expect(await client.multi().rpush("l", "x", "y").lrange("l", 0, -1).exec()).toEqual([2, ["x", "y"]]);
  });

  it("answers 503 at once when redis-server is down", async () => {
    const other = await startRedisServer();
    const orphan = await startRedisBridge({ token, redisPort: other.port });
    await other.stop();
    const res = await fetch(orphan.url, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: '["PING"]',
    });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: "ERR redis-server is unreachable" });
    await orphan.close();
  });
});
