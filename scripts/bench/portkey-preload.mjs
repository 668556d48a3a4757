// Preloaded into Portkey's gateway for the bench (node --import). On Node 20 its streaming path sets headers on
// the Response that undici's fetch returned, whose headers are immutable ("TypeError: immutable",
// Portkey-AI/gateway #1389, #1550). Re-wrapping each fetch answer with a copy of its headers makes them mutable;
// the body stream is handed over untouched, so nothing is buffered.
const originalFetch = globalThis.fetch;
globalThis.fetch = async (...args) => {
  const response = await originalFetch(...args);
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers: new Headers(response.headers),
  });
};
