/**
 * Seeds a demo tenant, project and API key through the control-plane API of a running gateway, and remembers
 * them in .wrangler/tollgate-demo.json (git-ignored) so a restart reuses them. Idempotent.
 *
 *   tsx scripts/seed.ts [--url http://localhost:8787] [--dev-vars .dev.vars]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { readDevVars } from "../src/secrets/dev-vars";

export interface DemoState {
  tenantId: string;
  adminCredential: string;
  projectId: string;
  slug: string;
  apiKey: string;
}

/** The fields this script reads from the control-plane replies (tenant, project, key, or an error). */
interface SeedReply {
  id: string;
  slug: string;
  key: string;
  admin_credential: string;
  error?: { code?: string; message?: string };
}

const STATE_FILE = ".wrangler/tollgate-demo.json";

export async function seedDemo(baseUrl: string, operatorToken: string): Promise<DemoState> {
  const existing = readState();
  if (existing && (await keyStillWorks(baseUrl, existing))) return existing;

  const post = async (path: string, token: string, body: unknown) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as SeedReply;
    if (!res.ok) throw new Error(`${path} → ${res.status} ${json.error?.code ?? ""}: ${json.error?.message ?? ""}`);
    return json;
  };
  const tenant = await post("/v1/tenants", operatorToken, { name: "Demo tenant", plan: "pro" });
  const project = await post("/v1/projects", tenant.admin_credential, {
    name: "Demo chatbot",
    cost_center: "demo",
    settings: {
      cors_origins: ["http://localhost:5173", "http://127.0.0.1:5173"],
      provider_model: "mock/tollgate-mock",
    },
  });
  const key = await post(`/v1/projects/${project.id}/keys`, tenant.admin_credential, { name: "demo" });
  const state: DemoState = {
    tenantId: tenant.id,
    adminCredential: tenant.admin_credential,
    projectId: project.id,
    slug: project.slug,
    apiKey: key.key,
  };
  mkdirSync(dirname(STATE_FILE), { recursive: true });
  writeFileSync(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  return state;
}

function readState(): DemoState | undefined {
  return existsSync(STATE_FILE) ? (JSON.parse(readFileSync(STATE_FILE, "utf8")) as DemoState) : undefined;
}

async function keyStillWorks(baseUrl: string, state: DemoState): Promise<boolean> {
  return (await mint(baseUrl, state.apiKey, "seed-check", 60)).ok;
}

function mint(baseUrl: string, apiKey: string, userId: string, ttlSeconds: number): Promise<Response> {
  return fetch(`${baseUrl}/auth/v1/auth/mint`, {
    method: "POST",
    headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
    body: JSON.stringify({ user_id: userId, ttl_seconds: ttlSeconds }),
  });
}

/** A JWT for the demo end user, valid for the longest lifetime the gateway mints (24 h). */
export async function mintDemoToken(baseUrl: string, apiKey: string, userId = "alice"): Promise<string> {
  const res = await mint(baseUrl, apiKey, userId, 86_400);
  const json = (await res.json()) as { token?: string };
  if (!res.ok || !json.token) throw new Error(`minting the demo JWT failed: ${res.status}`);
  return json.token;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      url: { type: "string", default: "http://localhost:8787" },
      "dev-vars": { type: "string", default: ".dev.vars" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(
      "Usage: tsx scripts/seed.ts [--url http://localhost:8787] [--dev-vars .dev.vars]\nSeeds a demo tenant, project and API key (idempotent).",
    );
    process.exit(0);
  }
  const operatorToken = readDevVars(readFileSync(values["dev-vars"]!, "utf8")).get("OPERATOR_TOKEN");
  if (!operatorToken) throw new Error(`OPERATOR_TOKEN missing in ${values["dev-vars"]}; run npm run setup`);
  console.log(JSON.stringify(await seedDemo(values.url!, operatorToken), null, 2));
}
