/**
 * Vitest globalSetup (runs in Node, once per run of the workers project): starts a private redis-server and
 * the Upstash REST bridge in front of it, and `provide`s their URL and token to tests inside workerd.
 *
 * Without redis-server the Redis tests skip with a message locally, but under CI (`CI=true`) this throws:
 * CI installs redis-server, so its absence there is a broken runner, not a reason to skip.
 */
import { createServer, type Server, type Socket } from "node:net";
import type { TestProject } from "vitest/node";
import { startRedisBridge } from "../../scripts/redis-bridge";
import { freePort, hasRedisServer, startRedisServer } from "../../scripts/lib/redis-server";

export interface RedisTestContext {
  url: string;
  token: string;
  /** Accepts connections and never answers: an outage that hangs rather than refuses. */
  blackholeUrl: string;
  /** Nothing listens here: an outage that refuses at once. */
  refusedUrl: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    redis: RedisTestContext | { skipped: string };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!hasRedisServer()) {
    const reason = "redis-server is not installed (apt-get install -y redis-server); Redis memory tests skipped";
    if (process.env.CI === "true") throw new Error(`CI=true but ${reason.split(";")[0]}`);
    console.warn(`[redis-global] ${reason}`);
    project.provide("redis", { skipped: reason });
    return async () => {};
  }
  const token = `test-${crypto.randomUUID()}`;
  const redis = await startRedisServer();
  const bridge = await startRedisBridge({ token, redisPort: redis.port });
  const blackhole = await startBlackhole();
  project.provide("redis", {
    url: bridge.url,
    token,
    blackholeUrl: blackhole.url,
    refusedUrl: `http://127.0.0.1:${await freePort()}`,
  });
  return async () => {
    blackhole.close();
    await bridge.close();
    await redis.stop();
  };
}

async function startBlackhole(): Promise<{ url: string; close(): void }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)),
  );
  return {
    url: `http://127.0.0.1:${port}`,
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
