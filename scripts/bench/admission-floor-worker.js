import { DurableObject } from "cloudflare:workers";

/**
 * The architecture's floor for the gateway benchmark: the bare pass-through Worker plus the one Durable Object
 * call ARCHITECTURE.md requires before every upstream call ("one call admits"). The object only counts in
 * memory — no storage, no limits — and there is no settle call (Tollgate batches settlements, so theirs is
 * shared by many requests). Whatever the gateway costs beyond this target is Tollgate's own work; whatever this
 * target costs beyond the bare Worker is the price of one admission round trip on this runtime.
 */
export class Gate extends DurableObject {
  admitted = 0;

  admit(requestId) {
    this.admitted++;
    return { ok: true, requestId, remaining: Number.MAX_SAFE_INTEGER - this.admitted };
  }
}

export default {
  async fetch(request, env) {
    const gate = env.GATE.get(env.GATE.idFromName("bench"));
    const decision = await gate.admit(crypto.randomUUID());
    if (!decision.ok) return new Response("refused", { status: 429 });
    const url = new URL(request.url);
    const headers = new Headers(request.headers);
    headers.delete("host");
    return fetch(`${env.UPSTREAM}${url.pathname}${url.search}`, {
      method: request.method,
      headers,
      body: request.body,
    });
  },
};
