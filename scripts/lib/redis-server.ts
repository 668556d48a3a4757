/**
 * Run and talk to a local `redis-server` (Debian package) for tests, `npm run dev` and benchmarks:
 * a RESP2 codec, a pipelining connection, and a throwaway server on a free port with its own temp dir.
 * Dev/test only; the Worker never imports this.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type RespReply =
  | { type: "simple"; value: string }
  | { type: "error"; message: string }
  | { type: "integer"; value: number }
  | { type: "bulk"; value: Buffer | null }
  | { type: "array"; value: RespReply[] | null };

const CRLF = "\r\n";

/** `*N $len arg ...`: every argument as a bulk string, so binary and spaces need no quoting. */
export function encodeCommand(args: readonly (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}${CRLF}`)];
  for (const arg of args) {
    const bytes = typeof arg === "string" ? Buffer.from(arg, "utf8") : arg;
    parts.push(Buffer.from(`$${bytes.length}${CRLF}`), bytes, Buffer.from(CRLF));
  }
  return Buffer.concat(parts);
}

/** Parses one reply starting at `offset`; null when the buffer does not yet hold all of it. */
export function parseReply(buf: Buffer, offset = 0): { reply: RespReply; next: number } | null {
  const lineEnd = buf.indexOf(CRLF, offset);
  if (lineEnd === -1) return null;
  const line = buf.toString("utf8", offset + 1, lineEnd);
  const afterLine = lineEnd + 2;
  switch (String.fromCharCode(buf[offset]!)) {
    case "+":
      return { reply: { type: "simple", value: line }, next: afterLine };
    case "-":
      return { reply: { type: "error", message: line }, next: afterLine };
    case ":":
      return { reply: { type: "integer", value: Number(line) }, next: afterLine };
    case "$": {
      const length = Number(line);
      if (length < 0) return { reply: { type: "bulk", value: null }, next: afterLine };
      if (buf.length < afterLine + length + 2) return null;
      return {
        reply: { type: "bulk", value: buf.subarray(afterLine, afterLine + length) },
        next: afterLine + length + 2,
      };
    }
    case "*": {
      const count = Number(line);
      if (count < 0) return { reply: { type: "array", value: null }, next: afterLine };
      const items: RespReply[] = [];
      let next = afterLine;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, next);
        if (!item) return null;
        items.push(item.reply);
        next = item.next;
      }
      return { reply: { type: "array", value: items }, next };
    }
    default:
      throw new Error(`RESP: unexpected type byte ${buf[offset]}`);
  }
}

export interface RedisConnection {
  /** Writes all commands in one write and resolves with their replies in order. */
  send(commands: readonly (readonly (string | Buffer)[])[]): Promise<RespReply[]>;
  readonly alive: boolean;
  close(): void;
}

/**
 * One TCP connection with pipelining: replies arrive in command order, so pending batches form a FIFO.
 * A socket error fails every pending batch and marks the connection dead; callers then open a new one.
 */
export function connectRedis(port: number, host = "127.0.0.1", connectTimeoutMs = 2_000): Promise<RedisConnection> {
  // biome-ignore lint/nursery/noMisusedPromises: false positive; the executor returns nothing (the Promise-returning `send` is a method of the connection it resolves with).
  return new Promise((resolve, reject) => {
    const socket: Socket = createConnection({ port, host });
    const pending: {
      count: number;
      replies: RespReply[];
      resolve: (r: RespReply[]) => void;
      reject: (e: Error) => void;
    }[] = [];
    let buffer = Buffer.alloc(0);
    let alive = true;
    const fail = (err: Error) => {
      alive = false;
      for (const batch of pending.splice(0)) batch.reject(err);
    };
    socket.setNoDelay(true);
    socket.setTimeout(connectTimeoutMs, () => socket.destroy(new Error(`redis ${host}:${port}: connect timeout`)));
    socket.once("connect", () => {
      socket.setTimeout(0);
      resolve(connection);
    });
    socket.on("error", (err) => {
      fail(err);
      reject(err);
    });
    socket.on("close", () => fail(new Error("redis connection closed")));
    socket.on("data", (chunk) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      let offset = 0;
      for (let parsed = parseReply(buffer, offset); parsed; parsed = parseReply(buffer, offset)) {
        offset = parsed.next;
        const head = pending[0];
        if (!head) continue;
        head.replies.push(parsed.reply);
        if (head.replies.length === head.count) head.resolve(pending.shift()!.replies);
      }
      buffer = buffer.subarray(offset);
    });
    const connection: RedisConnection = {
      get alive() {
        return alive;
      },
      send(commands) {
        if (!alive) return Promise.reject(new Error("redis connection closed"));
        if (commands.length === 0) return Promise.resolve([]);
        return new Promise((res, rej) => {
          pending.push({ count: commands.length, replies: [], resolve: res, reject: rej });
          socket.write(Buffer.concat(commands.map(encodeCommand)));
        });
      },
      close() {
        alive = false;
        socket.destroy();
      },
    };
  });
}

/** True when a `redis-server` binary is on PATH. */
export function hasRedisServer(): boolean {
  return spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
}

/** A free TCP port on loopback (bind to 0, read it, release it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningRedis {
  host: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts a private redis-server: loopback only, a fresh temp dir, no persistence (tests must not leave
 * files or depend on a previous run). Resolves once it answers PING.
 */
export async function startRedisServer(
  options: { port?: number; readyTimeoutMs?: number } = {},
): Promise<RunningRedis> {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), "tollgate-redis-"));
  const child: ChildProcess = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--save",
      "",
      "--appendonly",
      "no",
      "--daemonize",
      "no",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // A test run that exits without teardown (crash, Ctrl-C) must not leave a redis-server behind.
  const killOnExit = () => child.kill("SIGTERM");
  process.once("exit", killOnExit);
  child.once("exit", () => process.off("exit", killOnExit));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 10_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const connection = await connectRedis(port);
      const [pong] = await connection.send([["PING"]]);
      connection.close();
      if (pong?.type === "simple" && pong.value === "PONG") return { host: "127.0.0.1", port, stop };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await stop();
  throw new Error(`redis-server did not start on port ${port}: ${stderr.trim() || "no output"}`);
}
