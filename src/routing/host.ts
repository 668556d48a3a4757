/**
 * Host header → which plane serves the request. Pure: the only place that reads Host (SPEC: projects are
 * routed by Host, never by path, token claim or query). Matching is exact and case-insensitive; a port is ignored.
 */
export interface HostDomains {
  apiHosts: readonly string[];
  projectDomains: readonly string[];
  legacyDomain?: string;
}

export type HostRoute =
  | { plane: "control" }
  | { plane: "data"; slug: string }
  | { plane: "legacy"; tenantId: string; projectId: string }
  | { plane: "unknown" };

/** A project slug: `amber-fox-042`. */
export const SLUG = /^[a-z]+-[a-z]+-\d{3}$/;
const ID_LABEL = /^[a-z0-9_]{1,64}$/;

export function routeHost(hostHeader: string | null | undefined, domains: HostDomains): HostRoute {
  const host = stripPort((hostHeader ?? "").trim().toLowerCase());
  if (!host) return { plane: "unknown" };
  if (domains.apiHosts.includes(host)) return { plane: "control" };

  for (const domain of domains.projectDomains) {
    const label = singleLabelUnder(host, domain);
    if (label && SLUG.test(label)) return { plane: "data", slug: label };
  }
  if (domains.legacyDomain) {
    const rest = host.endsWith(`.${domains.legacyDomain}`) ? host.slice(0, -domains.legacyDomain.length - 1) : "";
    const [tenantId, projectId, ...extra] = rest.split(".");
    if (tenantId && projectId && extra.length === 0 && ID_LABEL.test(tenantId) && ID_LABEL.test(projectId)) {
      return { plane: "legacy", tenantId, projectId };
    }
  }
  return { plane: "unknown" };
}

function stripPort(host: string): string {
  if (host.startsWith("[")) return host; // IPv6 literal: never a project host
  const colon = host.lastIndexOf(":");
  return colon === -1 ? host : host.slice(0, colon);
}

/** `amber-fox-042.localhost` under `localhost` → `amber-fox-042`; deeper names do not match. */
function singleLabelUnder(host: string, domain: string): string | null {
  if (!host.endsWith(`.${domain}`)) return null;
  const label = host.slice(0, -domain.length - 1);
  return label.includes(".") ? null : label;
}
