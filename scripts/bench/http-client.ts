import { Agent, request } from "node:http";

/**
 * A minimal keep-alive HTTP/1.1 client on node:http: it sets the Host header by hand (project hostnames
 * like `amber-fox-042.localhost` are served on 127.0.0.1; Node's fetch drops a hand-set Host) and times the
 * first body byte separately from the end, which streaming figures need. Loopback only.
 */
export interface Target {
  /** Label in the report. */
  name: string;
  port: number;
  /** Host header; the gateway routes on it. */
  host: string;
  path: string;
  headers: Record<string, string>;
}

export interface Timed {
  status: number;
  body: string;
  /** ms from sending to the first body byte (for SSE: the first event). */
  firstByteMs: number;
  totalMs: number;
  /** The gateway's `X-Tollgate-Cache` header, when it sent one. */
  cache?: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const TIMEOUT_MS = 30_000;

export function send(
  target: Pick<Target, "port" | "host" | "path" | "headers">,
  method: string,
  body?: string,
): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstByteMs = -1;
    const headers: Record<string, string | number> = { ...target.headers, Host: target.host };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      headers["Content-Length"] = Buffer.byteLength(body);
    }
    const req = request(
      { host: "127.0.0.1", port: target.port, path: target.path, method, headers, agent, timeout: TIMEOUT_MS },
      (res) => {
        const parts: Buffer[] = [];
        res.on("data", (part: Buffer) => {
          if (firstByteMs < 0) firstByteMs = performance.now() - started;
          parts.push(part);
        });
        res.on("end", () => {
          const totalMs = performance.now() - started;
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(parts).toString("utf8"),
            firstByteMs: firstByteMs < 0 ? totalMs : firstByteMs,
            totalMs,
            cache: res.headers["x-tollgate-cache"] as string | undefined,
          });
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () =>
      req.destroy(new Error(`${method} ${target.host}${target.path}: no answer within ${TIMEOUT_MS} ms`)),
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** A JSON call that must answer `expected`; the error carries the gateway's answer. */
export async function sendJson<T>(
  target: Pick<Target, "port" | "host" | "path" | "headers">,
  method: string,
  expected: number,
  body?: unknown,
): Promise<T> {
  const res = await send(target, method, body === undefined ? undefined : JSON.stringify(body));
  if (res.status !== expected)
    throw new Error(
      `${method} ${target.host}${target.path} → ${res.status} (wanted ${expected}): ${res.body.slice(0, 500)}`,
    );
  return JSON.parse(res.body) as T;
}

export function closeClient(): void {
  agent.destroy();
}
