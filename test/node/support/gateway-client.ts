import type { RunningGateway } from "./gateway";
import { localFetch } from "./local-fetch";

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: parsed reply of any route; each test asserts the shape it expects.
  json: any;
}

export type Plan = "free" | "pro";

export interface ProjectSetup {
  tenant: { id: string; admin: string };
  project: { id: string; slug: string };
  apiKey: string;
  token: string;
}

/**
 * Drives a running gateway over HTTP the way an operator, a tenant admin and a customer backend do:
 * operator token → tenant → admin credential → project → API key → minted JWT. Every response body it
 * sees is kept in `transcript`, so a test can assert that no secret ever came back.
 */
export class GatewayClient {
  readonly transcript: string[] = [];

  constructor(readonly gateway: RunningGateway) {}

  async call(
    method: string,
    url: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<CallResult> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    const res = await localFetch(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await res.text();
    this.transcript.push(text);
    let json: CallResult["json"];
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  /** A control-plane call that must succeed with `expected`; the error names the gateway's error code. */
  async expect(
    expected: number,
    method: string,
    path: string,
    token: string,
    body?: unknown,
  ): Promise<CallResult["json"]> {
    const res = await this.call(method, `${this.gateway.apiUrl}${path}`, { token, body });
    if (res.status !== expected) throw new Error(`${method} ${path} → ${res.status} (wanted ${expected}): ${res.text}`);
    return res.json;
  }

  async createTenant(plan: Plan = "pro"): Promise<{ id: string; admin: string }> {
    const json = await this.expect(201, "POST", "/v1/tenants", this.gateway.secrets.OPERATOR_TOKEN, {
      name: `e2e-${crypto.randomUUID().slice(0, 8)}`,
      plan,
    });
    return { id: json.id, admin: json.admin_credential };
  }

  async createProject(admin: string, settings: Record<string, unknown> = {}): Promise<{ id: string; slug: string }> {
    const json = await this.expect(201, "POST", "/v1/projects", admin, { name: "e2e", settings });
    return { id: json.id, slug: json.slug };
  }

  async createApiKey(admin: string, projectId: string): Promise<string> {
    return (await this.expect(201, "POST", `/v1/projects/${projectId}/keys`, admin, {})).key;
  }

  async mint(apiKey: string, userId = "e2e-user"): Promise<string> {
    return (await this.expect(200, "POST", "/auth/v1/auth/mint", apiKey, { user_id: userId })).token;
  }

  async setupProject(
    options: { plan?: Plan; settings?: Record<string, unknown>; userId?: string } = {},
  ): Promise<ProjectSetup> {
    const tenant = await this.createTenant(options.plan ?? "pro");
    const project = await this.createProject(tenant.admin, options.settings);
    const apiKey = await this.createApiKey(tenant.admin, project.id);
    return { tenant, project, apiKey, token: await this.mint(apiKey, options.userId) };
  }

  /** `POST /v1/chat/completions` on the project's own hostname, as a client holding the JWT would. */
  chat(
    setup: Pick<ProjectSetup, "project" | "token">,
    body: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Promise<CallResult> {
    return this.call("POST", this.gateway.projectUrl(setup.project.slug, "/v1/chat/completions"), {
      token: setup.token,
      body,
      headers,
    });
  }
}
