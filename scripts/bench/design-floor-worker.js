import { DurableObject } from "cloudflare:workers";

/**
 * The design's floor for the gateway benchmark: the least any implementation of Tollgate's SPEC and
 * ARCHITECTURE.md must do per chat request, with nothing else. It
 * - parses the body (admission reserves on the prompt's size; guardrails and memory read the messages);
 * - makes the one Durable Object call that admits (ARCHITECTURE.md "one call admits"), to an object that keeps
 *   its reservations in memory only: no storage, no limits, no kill-switch or settings data;
 * - reads the answer in JavaScript to learn its usage (a whole body is parsed; a stream is passed on chunk by
 *   chunk and its usage event found), since every token is attributed;
 * - settles in `waitUntil`, batched per isolate as Tollgate batches (one call per 25 ms), and writes the batch's
 *   usage-ledger rows to D1 in one statement (SPEC: every admitted request leaves one ledger row);
 * - writes one JSON log line per request (issue #9, item 3), after the response.
 * No JWT, CORS, PII, Sentinel, validation, kill-switch data or SQL in the object: whatever Tollgate costs beyond
 * this target is its own work; whatever this target costs beyond the bare Worker, no implementation of the design
 * can avoid.
 */
export class Gate extends DurableObject {
  open = new Map();
  spent = 0;

  admit(requestId, estimatedTokens) {
    this.open.set(requestId, estimatedTokens);
    return { ok: true, remaining: Number.MAX_SAFE_INTEGER - this.spent };
  }

  settleMany(settlements) {
    for (const { requestId, tokens } of settlements) {
      this.open.delete(requestId);
      this.spent += tokens;
    }
    return settlements.length;
  }
}

const SETTLE_DELAY_MS = 25;
/** The `ledger` table is created by the harness (`startDesignFloor` in workers.ts); a repeated request id is written once. */
const LEDGER_INSERT =
  "INSERT OR IGNORE INTO ledger (request_id, tokens, at) SELECT json_extract(value, '$.requestId'), json_extract(value, '$.tokens'), unixepoch() FROM json_each(?)";
let batch = null;

function queueSettlement(env, ctx, settlement) {
  if (batch) return void batch.push(settlement);
  const sending = (batch = [settlement]);
  ctx.waitUntil(
    new Promise((resolve) => setTimeout(resolve, SETTLE_DELAY_MS)).then(async () => {
      batch = null;
      await gateOf(env).settleMany(sending);
      await env.DB.prepare(LEDGER_INSERT).bind(JSON.stringify(sending)).run();
    }),
  );
}

const gateOf = (env) => env.GATE.get(env.GATE.idFromName("bench"));

/** Usage from an OpenAI chunk or completion that carries it; 0 when absent. */
function tokensOf(json) {
  return json?.usage ? json.usage.prompt_tokens + json.usage.completion_tokens : 0;
}

/** Passes the upstream stream on chunk by chunk, in JavaScript, and reports the usage event's tokens at the end. */
function meteredStream(body, onEnd) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let tokens = 0;
  return new ReadableStream({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        return onEnd(tokens);
      }
      const text = decoder.decode(value, { stream: true });
      if (text.includes('"usage"')) {
        for (const line of text.split("\n"))
          if (line.startsWith("data: {")) tokens += tokensOf(JSON.parse(line.slice(6)));
      }
      controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

export default {
  async fetch(request, env, ctx) {
    const startedAt = Date.now();
    const requestId = crypto.randomUUID();
    const text = await request.text();
    const chat = JSON.parse(text);
    const decision = await gateOf(env).admit(requestId, Math.ceil(text.length / 4));
    if (!decision.ok) return new Response("refused", { status: 429 });
    const url = new URL(request.url);
    const headers = new Headers(request.headers);
    headers.delete("host");
    const upstream = await fetch(`${env.UPSTREAM}${url.pathname}${url.search}`, {
      method: "POST",
      headers,
      body: text,
    });
    const finish = (tokens) => {
      queueSettlement(env, ctx, { requestId, tokens });
      const line = {
        msg: "request",
        request_id: requestId,
        status: upstream.status,
        model: chat.model,
        latency_ms: Date.now() - startedAt,
        tokens,
      };
      ctx.waitUntil(new Promise((resolve) => setTimeout(resolve, 0)).then(() => console.log(JSON.stringify(line))));
    };
    if (chat.stream)
      return new Response(meteredStream(upstream.body, finish), { status: upstream.status, headers: upstream.headers });
    const answer = await upstream.text();
    finish(tokensOf(JSON.parse(answer)));
    return new Response(answer, { status: upstream.status, headers: upstream.headers });
  },
};
