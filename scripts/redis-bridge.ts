/**
 * Dev/test-only bridge that serves Upstash's Redis REST protocol in front of a real redis-server, so
 * @upstash/redis (the production client) can run against local Redis in tests and `npm run dev`.
 *
 *   POST /             ["SET","k","v"]                 -> {"result":"OK"} | 400 {"error":"..."}
 *   POST /pipeline     [["SET","k","v"],["GET","k"]]   -> [{"result":...}|{"error":"..."}, ...]
 *   POST /multi-exec   same body, run as MULTI/EXEC    -> same array | 400 {"error":...} if aborted
 *   GET|POST /set/k/v  path-style; a POST body is appended as the last argument
 *
 * `Authorization: Bearer <token>` (or `?_token=`) is required: 401 {"error":"Unauthorized"} otherwise.
 * With `Upstash-Encoding: base64`, strings in results are base64 (simple "OK" stays as is), which is what
 * @upstash/redis asks for and decodes. Node built-ins only.
 *
 * Usage: tsx scripts/redis-bridge.ts [--port 8079] [--token T] [--redis-port 6379 | --start-redis]
 */
import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { connectRedis, startRedisServer, type RedisConnection, type RespReply } from "./lib/redis-server";

type Json = string | number | null | Json[];
type Outcome = { result: Json } | { error: string };
type Command = string[];

const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Connection-state commands: on a pooled connection they would leak into the next request. */
const REFUSED = new Set([
  "MULTI",
  "EXEC",
  "DISCARD",
  "WATCH",
  "UNWATCH",
  "SELECT",
  "SUBSCRIBE",
  "PSUBSCRIBE",
  "SSUBSCRIBE",
  "MONITOR",
  "QUIT",
  "RESET",
  "HELLO",
  "AUTH",
  "CLIENT",
  "SHUTDOWN",
  "SYNC",
  "PSYNC",
]);

export interface BridgeOptions {
  token: string;
  redisPort: number;
  redisHost?: string;
  port?: number;
  host?: string;
}

export interface RunningBridge {
  url: string;
  close(): Promise<void>;
}

class HttpFault extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startRedisBridge(options: BridgeOptions): Promise<RunningBridge> {
  if (!options.token) throw new Error("the bridge needs a non-empty token");
  const expected = Buffer.from(options.token);
  const idle: RedisConnection[] = [];
  const acquire = async () => {
    for (let c = idle.pop(); c; c = idle.pop()) if (c.alive) return c;
    return connectRedis(options.redisPort, options.redisHost);
  };

  /** Runs a batch on a connection of its own for the request, so MULTI..EXEC is never split. */
  const run = async (commands: Command[]): Promise<RespReply[]> => {
    let connection: RedisConnection;
    try {
      connection = await acquire();
    } catch {
      throw new HttpFault(503, "ERR redis-server is unreachable");
    }
    try {
      const replies = await connection.send(commands);
      idle.push(connection);
      return replies;
    } catch {
      connection.close();
      throw new HttpFault(503, "ERR redis-server connection lost");
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpFault ? err.status : 500;
      const message = err instanceof HttpFault ? err.message : "ERR bridge internal error";
      send(res, status, { error: message });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://bridge");
    if (!authorized(req, url)) return send(res, 401, { error: "Unauthorized" });
    if (req.method !== "POST" && req.method !== "GET") return send(res, 405, { error: "Method not allowed" });
    const base64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
    const body = await readBody(req);
    const toJson = (reply: RespReply) => replyToJson(reply, base64);

    if (url.pathname === "/pipeline" || url.pathname === "/multi-exec") {
      const commands = parseCommandList(body);
      if (url.pathname === "/pipeline") return send(res, 200, await pipeline(commands, run, toJson));
      const outcome = await multiExec(commands, run, toJson);
      return "error" in outcome ? send(res, 400, outcome) : send(res, 200, outcome.results);
    }
    const command = url.pathname === "/" ? parseCommand(parseJson(body)) : pathCommand(url.pathname, body);
    const [outcome] = await pipeline([command], run, toJson);
    send(res, outcome && "error" in outcome ? 400 : 200, outcome);
  }

  function authorized(req: IncomingMessage, url: URL): boolean {
    const header = req.headers.authorization ?? "";
    const given = Buffer.from(header.startsWith("Bearer ") ? header.slice(7) : (url.searchParams.get("_token") ?? ""));
    // Constant-time: the bridge may listen where other local users can reach it.
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const c of idle.splice(0)) c.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function pipeline(
  commands: Command[],
  run: (c: Command[]) => Promise<RespReply[]>,
  toJson: (r: RespReply) => Json,
): Promise<Outcome[]> {
  const allowed = commands.filter((c) => !isRefused(c));
  const replies = await run(allowed);
  return commands.map((c) => (isRefused(c) ? refusal(c) : outcome(replies.shift()!, toJson)));
}

async function multiExec(
  commands: Command[],
  run: (c: Command[]) => Promise<RespReply[]>,
  toJson: (r: RespReply) => Json,
): Promise<{ results: Outcome[] } | { error: string }> {
  const refused = commands.find(isRefused);
  if (refused) return refusal(refused);
  const replies = await run([["MULTI"], ...commands, ["EXEC"]]);
  const exec = replies.at(-1);
  if (exec?.type === "array" && exec.value) return { results: exec.value.map((r) => outcome(r, toJson)) };
  // Redis discarded the block: report the command that failed to queue, not just EXECABORT.
  const queueError = replies.slice(1, -1).find((r) => r.type === "error");
  const reason = queueError ?? exec;
  return { error: reason?.type === "error" ? reason.message : "ERR transaction aborted" };
}

function outcome(reply: RespReply, toJson: (r: RespReply) => Json): Outcome {
  return reply.type === "error" ? { error: reply.message } : { result: toJson(reply) };
}

function refusal(command: Command): { error: string } {
  return { error: `ERR '${command[0]}' is not supported by the REST bridge` };
}

function isRefused(command: Command): boolean {
  return REFUSED.has(command[0]!.toUpperCase());
}

export function replyToJson(reply: RespReply, base64: boolean): Json {
  switch (reply.type) {
    case "simple":
      return base64 && reply.value !== "OK" ? Buffer.from(reply.value).toString("base64") : reply.value;
    case "error":
      return reply.message;
    case "integer":
      return reply.value;
    case "bulk":
      return reply.value === null ? null : reply.value.toString(base64 ? "base64" : "utf8");
    case "array":
      return reply.value === null ? null : reply.value.map((r) => replyToJson(r, base64));
  }
}

function parseCommand(value: unknown): Command {
  if (!Array.isArray(value) || value.length === 0)
    throw new HttpFault(400, "ERR command must be a non-empty JSON array");
  const command = value.map((arg) => {
    if (typeof arg === "string") return arg;
    if (typeof arg === "number" || typeof arg === "boolean") return String(arg);
    throw new HttpFault(400, "ERR command arguments must be strings, numbers or booleans");
  });
  return withLocalScriptFlags(command);
}

/**
 * Upstash accepts the Lua shebang flag `allow-key-locking` (used by @upstash/ratelimit); Debian's Redis 7.0
 * refuses it. Dropping the flag keeps the script's meaning on a single local server. The client's EVALSHA of
 * the original text then misses and it falls back to EVAL, as it does on any cold script cache.
 */
export function withLocalScriptFlags(command: Command): Command {
  const name = command[0]!.toUpperCase();
  if ((name !== "EVAL" && name !== "EVAL_RO") || !command[1]?.startsWith("#!lua")) return command;
  const script = command[1].replace(/^(#!lua[^\n]*?)\s*flags=([^\s]*)/, (_line, head: string, flags: string) => {
    const kept = flags.split(",").filter((flag) => flag && flag !== "allow-key-locking");
    return kept.length > 0 ? `${head} flags=${kept.join(",")}` : head;
  });
  return [command[0]!, script, ...command.slice(2)];
}

function parseCommandList(body: string): Command[] {
  const value = parseJson(body);
  if (!Array.isArray(value) || value.length === 0)
    throw new HttpFault(400, "ERR body must be a non-empty array of commands");
  return value.map(parseCommand);
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new HttpFault(400, "ERR failed to parse the request body as JSON");
  }
}

function pathCommand(pathname: string, body: string): Command {
  const segments = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  return parseCommand(body ? [...segments, body] : segments);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpFault(413, "ERR request body too large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

const HELP = `Upstash REST bridge for a local redis-server (dev/test only).

  --port N          HTTP port (default 8079)
  --host H          HTTP bind address (default 127.0.0.1)
  --token T         bearer token clients must send (default: $BRIDGE_TOKEN or "dev-token")
  --redis-port N    redis-server port (default 6379)
  --redis-host H    redis-server host (default 127.0.0.1)
  --start-redis     start a private redis-server (temp dir, no persistence) instead
  --help            this text

Then set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN (e.g. in .dev.vars) to what it prints.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8079" },
      host: { type: "string", default: "127.0.0.1" },
      token: { type: "string", default: process.env.BRIDGE_TOKEN ?? "dev-token" },
      "redis-port": { type: "string", default: "6379" },
      "redis-host": { type: "string", default: "127.0.0.1" },
      "start-redis": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return console.log(HELP);
  const redis = values["start-redis"] ? await startRedisServer() : null;
  const bridge = await startRedisBridge({
    token: values.token,
    port: Number(values.port),
    host: values.host,
    redisPort: redis?.port ?? Number(values["redis-port"]),
    redisHost: redis?.host ?? values["redis-host"],
  });
  console.log(`UPSTASH_REDIS_REST_URL=${bridge.url}\nUPSTASH_REDIS_REST_TOKEN=${values.token}`);
  const shutdown = async () => {
    await bridge.close();
    await redis?.stop();
    process.exit(0);
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
