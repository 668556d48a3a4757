import { env, SELF } from "cloudflare:test";

/** Helpers for tests that drive the gateway over HTTP like a client would. */
export const API = "https://localhost";

export function projectUrl(slug: string, path: string): string {
  return `https://${slug}.localhost${path}`;
}

export async function call(
  method: string,
  url: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  const res = await SELF.fetch(url, {
    method,
    headers,
    body:
      options.body === undefined
        ? undefined
        : typeof options.body === "string"
          ? options.body
          : JSON.stringify(options.body),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: parsed reply of any route; each test asserts the shape it expects.
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

/** The OpenAI error envelope, as tests read it. */
export interface ErrorReply {
  error: { code: string; message: string };
}

export const operator = () => env.OPERATOR_TOKEN!;

export async function createTenant(plan: "free" | "pro" | "business" | "enterprise" = "pro") {
  const res = await call("POST", `${API}/v1/tenants`, {
    token: operator(),
    body: { name: `tenant-${crypto.randomUUID().slice(0, 6)}`, plan },
  });
  if (res.status !== 201) throw new Error(`tenant creation failed: ${res.status} ${res.text}`);
  return { id: res.json.id as string, admin: res.json.admin_credential as string };
}

export async function createProject(
  admin: string,
  settings?: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  const res = await call("POST", `${API}/v1/projects`, {
    token: admin,
    body: { name: "demo", ...(settings && { settings }), ...extra },
  });
  if (res.status !== 201) throw new Error(`project creation failed: ${res.status} ${res.text}`);
  return res.json as {
    id: string;
    slug: string;
    tenant_id: string;
    hostnames: Record<string, string>;
    dns_status: string;
    status: string;
  };
}

export async function createKey(admin: string, projectId: string, role?: string) {
  const res = await call("POST", `${API}/v1/projects/${projectId}/keys`, { token: admin, body: role ? { role } : {} });
  if (res.status !== 201) throw new Error(`key creation failed: ${res.status} ${res.text}`);
  return res.json as { id: string; key: string; prefix: string };
}

export async function mint(apiKey: string, body: Record<string, unknown> = { user_id: "user-1" }) {
  return call("POST", `${API}/auth/v1/auth/mint`, { token: apiKey, body });
}

/** A whole working setup: tenant, project, key and a JWT for `user-1`. */
export async function setupProject(
  options: { plan?: "free" | "pro"; settings?: Record<string, unknown>; userId?: string } = {},
) {
  const tenant = await createTenant(options.plan ?? "pro");
  const project = await createProject(tenant.admin, options.settings);
  const key = await createKey(tenant.admin, project.id);
  const minted = await mint(key.key, { user_id: options.userId ?? "user-1" });
  if (minted.status !== 200) throw new Error(`mint failed: ${minted.status} ${minted.text}`);
  return { tenant, project, key, token: minted.json.token as string };
}

/** One project with Alice and Bob as end users, each holding their own JWT (for isolation tests). */
export async function projectOfTwoUsers(settings: Record<string, unknown>) {
  const tenant = await createTenant();
  const project = await createProject(tenant.admin, settings);
  const key = await createKey(tenant.admin, project.id);
  const token = async (userId: string) => (await mint(key.key, { user_id: userId })).json.token as string;
  return { tenant, project, alice: await token("alice"), bob: await token("bob") };
}
