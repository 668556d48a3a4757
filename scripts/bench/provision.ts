import { sendJson } from "./http-client";
import type { MockUpstream } from "./mock-upstream";

/**
 * Drives the gateway's control plane the way an operator and a tenant admin do — operator token → tenant
 * (pro, for BYOK) → project → API key → BYOK key pointing at the mock → settings → minted JWT — and
 * returns what a client needs to call the project's data plane.
 */
export interface BenchProject {
  slug: string;
  host: string;
  token: string;
}

/** Every guardrail on and enforcing; limits far above what the benchmark can send, so none is measured. */
export const FULL_PIPELINE_SETTINGS = {
  pii_mode: "enforce",
  sentinel_mode: "enforce",
  rpm_limit: 10_000,
  user_rpm_fraction: 1,
  tokens_per_day: 1_000_000_000,
  project_tokens_per_day: 10_000_000_000,
} as const;

export async function provisionProject(
  port: number,
  operatorToken: string,
  upstream: MockUpstream,
  settings: Record<string, unknown> = FULL_PIPELINE_SETTINGS,
): Promise<BenchProject> {
  const api = (path: string, token: string) => ({
    port,
    host: `localhost:${port}`,
    path,
    headers: { Authorization: `Bearer ${token}` },
  });
  const tenant = await sendJson<{ id: string; admin_credential: string }>(
    api("/v1/tenants", operatorToken),
    "POST",
    201,
    { name: "bench", plan: "pro" },
  );
  const admin = tenant.admin_credential;
  const project = await sendJson<{ id: string; slug: string }>(api("/v1/projects", admin), "POST", 201, {
    name: "bench",
    cost_center: "bench",
  });
  const key = await sendJson<{ key: string }>(api(`/v1/projects/${project.id}/keys`, admin), "POST", 201, {
    name: "bench",
  });
  await sendJson(api(`/auth/v1/tenants/${tenant.id}/providers/openai`, admin), "PUT", 200, {
    api_key: upstream.apiKey,
    base_url: upstream.baseUrl,
  });
  await sendJson(api(`/v1/projects/${project.id}/settings`, admin), "PATCH", 200, settings);
  const minted = await sendJson<{ token: string }>(api("/auth/v1/auth/mint", key.key), "POST", 200, {
    user_id: "bench-user",
    ttl_seconds: 3600,
  });
  return { slug: project.slug, host: `${project.slug}.localhost:${port}`, token: minted.token };
}
