import { SLUG } from "./host";

/**
 * Development only (DEV_PATH_ROUTING): `http://127.0.0.1:8787/p/{slug}/v1/...` reaches project `{slug}`.
 * Node's resolver, unlike curl and browsers, does not map `*.localhost` to loopback, so SDKs running in Node
 * cannot reach `http://{slug}.localhost:8787`. The prefix is stripped and the request re-addressed to the
 * project's local hostname, so it runs through exactly the data plane a Host-routed request does. Host routing
 * stays the only rule in production: the flag is never set there.
 */
export const DEV_PATH_PREFIX = "/p/";

/** `/p/amber-fox-042/v1/models` → `{ slug: "amber-fox-042", path: "/v1/models" }`; anything else → null. */
export function devPathTarget(pathname: string): { slug: string; path: string } | null {
  if (!pathname.startsWith(DEV_PATH_PREFIX)) return null;
  const rest = pathname.slice(DEV_PATH_PREFIX.length);
  const slash = rest.indexOf("/");
  const slug = (slash === -1 ? rest : rest.slice(0, slash)).toLowerCase();
  if (!SLUG.test(slug)) return null;
  return { slug, path: slash === -1 ? "/" : rest.slice(slash) };
}

/**
 * The same request addressed to `{slug}.{localDomain}` (port kept), or undefined when the path is not a dev
 * project path. Method, headers (Origin, Authorization, …) and body are carried over unchanged.
 */
export function rewriteDevPath(request: Request, localDomain: string): Request | undefined {
  const url = new URL(request.url);
  const target = devPathTarget(url.pathname);
  if (!target) return undefined;
  url.hostname = `${target.slug}.${localDomain}`;
  url.pathname = target.path;
  const rewritten = new Request(url, request);
  rewritten.headers.set("Host", url.host);
  return rewritten;
}
