import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A stand-in for api.openai.com on 127.0.0.1: `GET /v1/models` checks the bearer key (200 for the valid
 * key, 401 otherwise — what BYOK validation relies on), `POST /v1/chat/completions` answers whole or as
 * SSE with a usage chunk. Every request is recorded, and a test can hold a stream after its first content
 * chunk and see whether the client hung up before the stream finished.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface FakeStream {
  /** True once the last byte (`[DONE]`) was written and the response ended. */
  finished: boolean;
  /** True when the client closed the connection before `finished`: the gateway cancelled upstream. */
  cancelledByClient: boolean;
  /** Resolves when the first content chunk has been written. */
  firstChunkSent: Promise<void>;
}

export interface StreamHold {
  /** Lets the held stream send the rest of its chunks. */
  release(): void;
  /** The stream this hold applies to, once the gateway's request has arrived. */
  stream: Promise<FakeStream>;
}

export interface HoldOptions {
  paceMs?: number;
  extraChunks?: number;
}

export interface FakeOpenAI {
  /** What BYOK's `base_url` is set to: `http://127.0.0.1:{port}/v1`. */
  baseUrl: string;
  validKey: string;
  requests: RecordedRequest[];
  streams: FakeStream[];
  /**
   * The next streamed completion stops after its first content chunk until `release()`; then, with
   * `paceMs`, it sends the rest one chunk per `paceMs`, `extraChunks` more of them than the usual reply.
   */
  holdNextStream(options?: HoldOptions): StreamHold;
  close(): Promise<void>;
}

/** The answer's pieces; the whole reply is their concatenation. */
export const FAKE_REPLY_CHUNKS = ["Hello", " from", " the", " fake", " upstream."] as const;
export const FAKE_REPLY = FAKE_REPLY_CHUNKS.join("");
const USAGE = {
  prompt_tokens: 11,
  completion_tokens: FAKE_REPLY_CHUNKS.length,
  total_tokens: 11 + FAKE_REPLY_CHUNKS.length,
};

export async function startFakeOpenAI(options: { validKey?: string } = {}): Promise<FakeOpenAI> {
  const validKey = options.validKey ?? `sk-fake-${crypto.randomUUID()}`;
  const requests: RecordedRequest[] = [];
  const streams: FakeStream[] = [];
  const holds: { gate: Promise<void>; options: HoldOptions; attach(stream: FakeStream): void }[] = [];
  const releases: (() => void)[] = [];

  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const path = new URL(req.url ?? "/", "http://fake").pathname;
    requests.push({ method: req.method ?? "", path, headers: req.headers, body });
    if (req.headers.authorization !== `Bearer ${validKey}`)
      return sendError(res, 401, "invalid_api_key", "Incorrect API key provided.");
    if (req.method === "GET" && path === "/v1/models") {
      return sendJson(res, 200, {
        object: "list",
        data: [{ id: "gpt-4o-mini", object: "model", created: 0, owned_by: "openai" }],
      });
    }
    if (req.method === "POST" && path === "/v1/chat/completions") {
      const request = JSON.parse(body) as {
        model: string;
        stream?: boolean;
        stream_options?: { include_usage?: boolean };
      };
      if (!request.stream) return sendJson(res, 200, completion(request.model));
      return streamCompletion(res, request, holds.shift());
    }
    sendError(res, 404, "not_found", `No route ${req.method} ${path}`);
  });

  async function streamCompletion(
    res: ServerResponse,
    request: { model: string; stream_options?: { include_usage?: boolean } },
    hold?: (typeof holds)[number],
  ) {
    let markFirst!: () => void;
    const stream: FakeStream = {
      finished: false,
      cancelledByClient: false,
      firstChunkSent: new Promise((done) => (markFirst = done)),
    };
    streams.push(stream);
    hold?.attach(stream);
    res.on("close", () => {
      if (!stream.finished) stream.cancelledByClient = true;
    });
    res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache", Connection: "keep-alive" });
    const send = (chunk: unknown) => res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    const base = { id: "chatcmpl-fake", object: "chat.completion.chunk", created: 0, model: request.model };
    const pieces = [...FAKE_REPLY_CHUNKS, ...Array<string>(hold?.options.extraChunks ?? 0).fill(" More.")];
    for (const [index, text] of pieces.entries()) {
      if (index > 0 && hold?.options.paceMs) await new Promise((wake) => setTimeout(wake, hold.options.paceMs));
      if (stream.cancelledByClient) return;
      send({
        ...base,
        choices: [
          {
            index: 0,
            delta: index === 0 ? { role: "assistant", content: text } : { content: text },
            finish_reason: null,
          },
        ],
      });
      if (index === 0) {
        markFirst();
        await hold?.gate;
      }
    }
    if (stream.cancelledByClient) return;
    send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] });
    if (request.stream_options?.include_usage) send({ ...base, choices: [], usage: USAGE });
    res.write("data: [DONE]\n\n");
    stream.finished = true;
    res.end();
  }

  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    validKey,
    requests,
    streams,
    holdNextStream(options = {}) {
      let release!: () => void;
      let attach!: (stream: FakeStream) => void;
      const gate = new Promise<void>((done) => (release = done));
      const stream = new Promise<FakeStream>((done) => (attach = done));
      holds.push({ gate, options, attach });
      releases.push(release);
      return { release, stream };
    },
    close: () =>
      new Promise<void>((done) => {
        for (const release of releases) release();
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

function completion(model: string) {
  return {
    id: "chatcmpl-fake",
    object: "chat.completion",
    created: 0,
    model,
    choices: [{ index: 0, message: { role: "assistant", content: FAKE_REPLY }, finish_reason: "stop" }],
    usage: USAGE,
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => done(Buffer.concat(parts).toString("utf8")));
    req.on("error", fail);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { error: { message, type: "invalid_request_error", param: null, code } });
}
