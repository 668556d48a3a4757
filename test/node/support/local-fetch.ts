import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import { Agent, fetch as undiciFetch } from "undici";

/**
 * Node's resolver (glibc, no systemd-resolved) does not map `*.localhost` to loopback the way browsers do
 * (RFC 6761 §6.3), and Node's fetch drops a hand-set Host header. So project hostnames such as
 * `http://amber-fox-042.localhost:8787` are reached through a dispatcher whose lookup answers 127.0.0.1 for
 * them; the URL, and so the Host header the gateway routes on, stays exactly what a client would send.
 */
function loopbackLookup(
  hostname: string,
  options: LookupOptions,
  callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
): void {
  if (hostname !== "localhost" && !hostname.endsWith(".localhost")) {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) =>
      options.all ? callback(err, addresses) : callback(err, addresses[0]?.address ?? "", addresses[0]?.family),
    );
    return;
  }
  if (options.all) callback(null, [{ address: "127.0.0.1", family: 4 }]);
  else callback(null, "127.0.0.1", 4);
}

// Idle sockets are dropped after half a second: wrangler closes idle keep-alive connections on its own
// schedule, and a POST sent on a socket it just closed fails with "other side closed" (not retried).
const loopbackAgent = new Agent({
  connect: { lookup: loopbackLookup },
  keepAliveTimeout: 500,
  keepAliveMaxTimeout: 500,
});

/** A `fetch` (WHATWG signature, usable as the OpenAI SDK's `fetch` option) that resolves `*.localhost`. */
export const localFetch: typeof fetch = (input, init) => {
  if (input instanceof Request) throw new Error("localFetch takes a URL and an init object, not a Request");
  const url = String(input);
  // undici's own fetch types differ nominally from the DOM lib's; the runtime objects are the same shape.
  return undiciFetch(url, { ...(init as object), dispatcher: loopbackAgent }) as unknown as Promise<Response>;
};
