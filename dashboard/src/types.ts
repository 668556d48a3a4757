/** The control-plane JSON the dashboard reads (see GET /openapi.json); only the fields it shows. */
export interface Project {
  id: string;
  tenant_id: string;
  name: string;
  slug: string;
  cost_center: string | null;
  status: "active" | "suspended";
  dns_status: "PENDING" | "READY" | "FAILED";
  hostnames: { production: string; development: string; local: string };
  created_at: string;
}

export interface UsdBudget {
  day?: number;
  month?: number;
}

export interface Settings {
  system_prompt: string | null;
  cors_origins: string[];
  rpm_limit: number;
  user_rpm_fraction: number;
  tokens_per_day: number;
  project_tokens_per_day: number;
  budget_usd: { project?: UsdBudget; user?: UsdBudget } | null;
  provider_model: string;
  model_allowlist: string[] | null;
  pii_mode: Mode;
  pii_action: "mask" | "redact" | "block";
  pii_entities: string[];
  sentinel_mode: Mode;
  sentinel_blocklist: string[];
  memory_enabled: boolean;
  memory_window: number;
  retention_days: number;
  cache_mode: "disabled" | "enabled";
  cache_ttl_s: number;
  cache_scope: "user" | "project";
}
export type Mode = "disabled" | "shadow" | "enforce";

export interface ApiKey {
  id: string;
  name: string | null;
  role: string;
  prefix: string;
  created_at: string;
  revoked_at: string | null;
  replaced_by: string | null;
}
export type CreatedApiKey = ApiKey & { key: string };

export interface Tier {
  name: string;
  overrides: Record<string, unknown>;
  created_at: string;
}

export interface ProviderKey {
  provider: string;
  scope: string;
  fingerprint: string;
  base_url: string | null;
  updated_at: string;
}

export interface UsageSums {
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost_usd: number | string;
  /** Response-cache hits among the requests, their share, and what they saved (docs/cache.md). */
  cache_hits: number;
  cache_hit_rate: number;
  saved_usd: number | string;
}
export type UsageGroup = UsageSums & Record<string, unknown>;
export type UsagePoint = UsageSums & { day: string };

export interface Budget {
  name: string;
  unit: "tokens" | "usd";
  period: string;
  period_key: string;
  limit: number | string;
  spent: number | string;
  reserved: number | string;
  remaining: number | string;
}

export interface RequestRow {
  request_id: string;
  project_id: string;
  user_id: string;
  session_id: string | null;
  provider: string;
  model: string;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: string;
  latency_ms: number;
  status: string;
  guardrail_events: unknown[];
  created_at: string;
}

export interface AuditEntry {
  id: string;
  seq: number;
  actor: { id: string; role: string };
  action: string;
  target: string;
  created_at: string;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  head_hash: string | null;
  first_bad: { seq: number; id: string; reason: string } | null;
}

export interface List<T> {
  data: T[];
}

export interface ModelRoute {
  id: string;
  provider?: string;
  region?: string | null;
  credential?: { source?: string; scope?: string; fingerprint?: string; reason?: string };
  mock?: boolean;
}

export interface AdminCredential {
  id: string;
  tenant_id: string;
  prefix: string;
  created_at: string;
  revoked_at: string | null;
  /** The credential this dashboard session signed in with. */
  current: boolean;
}
export type CreatedAdminCredential = AdminCredential & { admin_credential: string };
