/**
 * The runtime's floor for the gateway benchmark: a Worker that only forwards the request to the upstream
 * (`env.UPSTREAM`, e.g. http://127.0.0.1:PORT) and returns its answer, streamed, untouched. No parsing,
 * no auth, no storage; whatever the gateway costs beyond this is Tollgate's own work.
 */
export default {
  async fetch(request, env) {
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
