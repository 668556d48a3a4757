import { fork } from "node:child_process";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fixed OpenAI-compatible upstream on 127.0.0.1 for the gateway benchmark. Answers are precomputed so the
 * mock costs the same for every target: `GET /v1/models` (BYOK validation, bearer key checked), `POST
 * /v1/chat/completions` as one small JSON body, or with `"stream": true` as a few SSE chunks, usage last.
 * No artificial delay: the figures show what sits between a client and the upstream, not a model.
 * `spawnMockUpstream` runs it in a child process, so under load it does not share an event loop with the
 * load generator.
 */
export interface MockUpstream {
  /** `http://127.0.0.1:{port}/v1`, the BYOK `base_url`. */
  baseUrl: string;
  port: number;
  apiKey: string;
  close(): Promise<void>;
}

const CHUNKS = ["Hello", " from", " the", " mock", " upstream."];
const USAGE = { prompt_tokens: 12, completion_tokens: CHUNKS.length, total_tokens: 12 + CHUNKS.length };

const MODELS = JSON.stringify({
  object: "list",
  data: [{ id: "gpt-4o-mini", object: "model", created: 0, owned_by: "openai" }],
});

function completionBody(model: string): string {
  return JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion",
    created: 0,
    model,
    choices: [{ index: 0, message: { role: "assistant", content: CHUNKS.join("") }, finish_reason: "stop" }],
    usage: USAGE,
  });
}

function streamEvents(model: string): string[] {
  const base = { id: "chatcmpl-bench", object: "chat.completion.chunk", created: 0, model };
  const events: unknown[] = CHUNKS.map((content, index) => ({
    ...base,
    choices: [{ index: 0, delta: index === 0 ? { role: "assistant", content } : { content }, finish_reason: null }],
  }));
  events.push({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] });
  return [
    ...events.map((event) => `data: ${JSON.stringify(event)}\n\n`),
    `data: ${JSON.stringify({ ...base, choices: [], usage: USAGE })}\n\n`,
    "data: [DONE]\n\n",
  ];
}

export async function startMockUpstream(apiKey = `sk-test-bench-${crypto.randomUUID()}`): Promise<MockUpstream> {
  // Keyed by model, built once: the gateway forwards the provider's model id, the direct target sends its own.
  const completions = new Map<string, string>();
  const streams = new Map<string, string[]>();
  const cached = <T>(map: Map<string, T>, model: string, build: (model: string) => T): T => {
    let value = map.get(model);
    if (value === undefined && map.size < 16) map.set(model, (value = build(model)));
    return value ?? build(model);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => answer(req, res, Buffer.concat(chunks).toString("utf8")));
  });

  function answer(req: IncomingMessage, res: ServerResponse, body: string): void {
    const path = (req.url ?? "/").split("?")[0];
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      send(
        res,
        401,
        JSON.stringify({ error: { message: "bad key", type: "invalid_request_error", code: "invalid_api_key" } }),
      );
      return;
    }
    if (req.method === "GET" && path === "/v1/models") {
      send(res, 200, MODELS);
      return;
    }
    if (req.method !== "POST" || path !== "/v1/chat/completions") {
      send(res, 404, JSON.stringify({ error: { message: "no route", type: "invalid_request_error" } }));
      return;
    }
    let request: { model?: unknown; stream?: unknown };
    try {
      request = JSON.parse(body) as typeof request;
    } catch {
      send(res, 400, JSON.stringify({ error: { message: "bad json", type: "invalid_request_error" } }));
      return;
    }
    const model = typeof request.model === "string" ? request.model : "gpt-4o-mini";
    if (request.stream !== true) {
      send(res, 200, cached(completions, model, completionBody));
      return;
    }
    res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
    // Separate writes, so each event is its own chunk on the wire like a real provider's stream.
    for (const event of cached(streams, model, streamEvents)) res.write(event);
    res.end();
  }

  server.keepAliveTimeout = 30_000;
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    apiKey,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

const READY_TIMEOUT_MS = 30_000;

/** The mock in its own Node process (this file run as a script); answers when it listens. */
export async function spawnMockUpstream(): Promise<MockUpstream> {
  const apiKey = `sk-test-bench-${crypto.randomUUID()}`;
  const child = fork(import.meta.filename, [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, BENCH_MOCK_KEY: apiKey },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("mock upstream did not start")), READY_TIMEOUT_MS);
    child.once("message", (message) => {
      clearTimeout(timer);
      resolve(Number(message));
    });
    child.once("exit", (code) => reject(new Error(`mock upstream exited (${code})`)));
  });
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    apiKey,
    close: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once("exit", () => done());
        child.kill("SIGTERM");
      }),
  };
}

if (process.argv[1] === import.meta.filename && process.send) {
  const mock = await startMockUpstream(process.env.BENCH_MOCK_KEY);
  process.send(mock.port);
  // The parent's end is ours: exit when it goes, so no mock outlives a crashed benchmark.
  process.on("disconnect", () => void mock.close().then(() => process.exit(0)));
  process.on("SIGTERM", () => void mock.close().then(() => process.exit(0)));
}
