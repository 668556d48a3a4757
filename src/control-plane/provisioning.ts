import type { GatewayConfig } from "../env";

export type DnsStatus = "PENDING" | "READY" | "FAILED";

/** The two public hostnames of a project (SPEC): production and development. */
export function projectHostnames(config: Pick<GatewayConfig, "PROJECT_DOMAIN" | "DEV_PROJECT_DOMAIN">, slug: string) {
  return { production: `${slug}.${config.PROJECT_DOMAIN}`, development: `${slug}.${config.DEV_PROJECT_DOMAIN}` };
}

/**
 * Hostname provisioning. Tollgate serves projects from wildcard DNS records and wildcard Worker routes
 * (docs/deployment.md), so provisioning is a validation that each hostname is a legal DNS name; a deployment
 * using per-project custom hostnames would call its DNS API here. FAILED is retried with
 * `POST /v1/projects/:id/provisioning/retry`.
 */
export function provisionHostnames(hostnames: { production: string; development: string }): DnsStatus {
  return Object.values(hostnames).every(isDnsName) ? "READY" : "FAILED";
}

function isDnsName(name: string): boolean {
  return name.length <= 253 && name.split(".").every((label) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label));
}
