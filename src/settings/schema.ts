import { z } from "zod";
import { PII_ENTITIES } from "../guardrails/pii/entities";
import { DEFAULT_PHONE_REGIONS, isPhoneRegion } from "../guardrails/pii/phone-regions";
import { ClassifierSettings } from "../guardrails/sentinel/second-stage";

/**
 * Every project setting with its default and range (SPEC.md "Project settings"). The control-plane API,
 * the project Durable Object and the docs all read this one schema; nothing else states a default.
 */
/** The entity names come from PII Shield, so a new detector is configurable without touching this file. */
export const PII_ENTITY_NAMES = PII_ENTITIES;

const Origin = z
  .string()
  .max(253 + 16)
  .refine(isOriginPattern, "must be an origin like https://app.example.com or a pattern like https://*.example.com");

/** `scheme://host[:port]` with no path, or a single leading `*.` wildcard label on https. */
function isOriginPattern(value: string): boolean {
  return /^(https?):\/\/(\*\.)?([a-z0-9-]+\.)*[a-z0-9-]+(:\d{1,5})?$/.test(value) && !value.startsWith("http://*.");
}

const ProviderModel = z.string().regex(/^[a-z0-9-]+\/[A-Za-z0-9._:\-/@]+$/, "must be provider/model");

const UsdBudget = z
  .object({
    day: z.number().positive().max(1_000_000).optional(),
    month: z.number().positive().max(10_000_000).optional(),
  })
  .strict();

const PiiEntity = z.enum(PII_ENTITY_NAMES);
/** An ISO 3166 alpha-2 region that libphonenumber-js has a numbering plan for ("CH", "AT"). */
const PhoneRegion = z.string().refine(isPhoneRegion, "must be an ISO 3166 region code with a numbering plan, like CH");
const Mode = z.enum(["disabled", "shadow", "enforce"]);

/** Field schemas with no defaults, so a partial update (or tier override) never fills in absent fields. */
const settingsShape = {
  system_prompt: z.string().max(20_000).nullable(),
  cors_origins: z.array(Origin).max(100),
  rpm_limit: z.number().int().min(1).max(10_000),
  user_rpm_fraction: z.number().min(0).max(1),
  tokens_per_day: z.number().int().min(1).max(1_000_000_000),
  project_tokens_per_day: z.number().int().min(1).max(10_000_000_000),
  /** Hard dollar budgets of this project and of each of its users; cost-center and tenant budgets live on those. */
  budget_usd: z.object({ project: UsdBudget.optional(), user: UsdBudget.optional() }).strict().nullable(),
  /** Reserved as completion tokens when a request gives no `max_tokens`. */
  max_tokens_cap: z.number().int().min(1).max(1_000_000),
  provider_model: ProviderModel,
  fallback_models: z.array(ProviderModel).max(3),
  model_allowlist: z.array(ProviderModel).max(200).nullable(),
  upstream_timeout_ms: z.number().int().min(1_000).max(300_000),
  pii_mode: Mode,
  pii_action: z.enum(["mask", "redact", "block"]),
  pii_entities: z.array(PiiEntity),
  pii_scan_system: z.boolean(),
  pii_scan_tool: z.boolean(),
  pii_scan_output: z.boolean(),
  /** Regions national phone numbers (no `+CC`) are tried against, in order; empty: international only. */
  pii_phone_regions: z.array(PhoneRegion).max(50),
  sentinel_mode: Mode,
  sentinel_blocklist: z.array(z.string().min(1).max(500)).max(200),
  /** Optional second stage: borderline prompts go to an external classifier (docs/guardrails.md); null: off. */
  sentinel_classifier: ClassifierSettings.nullable(),
  memory_enabled: z.boolean(),
  memory_window: z.number().int().min(0).max(100),
  /** What a request does when the memory store is down: fail with 503, or go on without memory. */
  memory_on_unavailable: z.enum(["fail", "proceed"]),
  retention_days: z.number().int().min(1).max(3_650),
  store_tool_calls: z.boolean(),
  /**
   * Where Cloudflare should create the project's gate (Durable Object `locationHint`): near the project's users
   * rather than near whoever created the project. Honoured once, when the gate is first created; null: no hint.
   */
  gate_location_hint: z.enum(["wnam", "enam", "sam", "weur", "eeur", "apac", "oc", "afr", "me"]).nullable(),
  /** OpenTelemetry export (docs/observability.md): prompt and completion text on spans, only while content is kept. */
  trace_content: z.boolean(),
  /** How the end user's id appears on spans: a per-project SHA-256 pseudonym, or as sent in the JWT's `uid`. */
  trace_user_ids: z.enum(["hashed", "plain"]),
  /** Exact-match response cache (docs/cache.md): off unless a project turns it on. */
  cache_mode: z.enum(["disabled", "enabled"]),
  /** How long a cached answer is served: 1 second to 30 days. */
  cache_ttl_s: z
    .number()
    .int()
    .min(1)
    .max(30 * 86_400),
  /** `user`: an answer is only ever served back to the user it was made for; `project`: to any user of the project. */
  cache_scope: z.enum(["user", "project"]),
};

export const ProjectSettings = z.object(settingsShape).strict();
export type ProjectSettings = z.infer<typeof ProjectSettings>;

/** The defaults of SPEC.md, in one place. */
export const SETTING_DEFAULTS: ProjectSettings = {
  system_prompt: null,
  cors_origins: [],
  rpm_limit: 60,
  user_rpm_fraction: 0.1,
  tokens_per_day: 1_000_000,
  project_tokens_per_day: 10_000_000,
  budget_usd: null,
  max_tokens_cap: 4_096,
  provider_model: "mock/tollgate-mock",
  fallback_models: [],
  model_allowlist: null,
  upstream_timeout_ms: 60_000,
  pii_mode: "disabled",
  pii_action: "mask",
  pii_entities: [...PII_ENTITY_NAMES],
  pii_scan_system: false,
  pii_scan_tool: false,
  pii_scan_output: false,
  pii_phone_regions: [...DEFAULT_PHONE_REGIONS],
  sentinel_mode: "shadow",
  sentinel_blocklist: [],
  sentinel_classifier: null,
  memory_enabled: false,
  memory_window: 10,
  memory_on_unavailable: "proceed",
  retention_days: 30,
  store_tool_calls: false,
  gate_location_hint: null,
  trace_content: false,
  trace_user_ids: "hashed",
  cache_mode: "disabled",
  cache_ttl_s: 3_600,
  cache_scope: "user",
};

/** A partial update: only the named fields change; unknown fields are rejected. */
export const ProjectSettingsPatch = ProjectSettings.partial().strict();
export type ProjectSettingsPatch = z.infer<typeof ProjectSettingsPatch>;

/** Stored settings (possibly written by an older version) completed with today's defaults. */
export function completeSettings(stored: Partial<ProjectSettings>): ProjectSettings {
  return ProjectSettings.parse({ ...SETTING_DEFAULTS, ...stored });
}

export const TIER_OVERRIDABLE = [
  "rpm_limit",
  "tokens_per_day",
  "pii_mode",
  "pii_entities",
  "sentinel_mode",
  "sentinel_blocklist",
  "memory_enabled",
  "memory_window",
  "retention_days",
  "store_tool_calls",
  "provider_model",
  "system_prompt",
] as const satisfies readonly (keyof ProjectSettings)[];

export const TierOverrides = ProjectSettings.pick(
  Object.fromEntries(TIER_OVERRIDABLE.map((key) => [key, true])) as { [K in (typeof TIER_OVERRIDABLE)[number]]: true },
)
  .partial()
  .strict();
export type TierOverrides = z.infer<typeof TierOverrides>;

/** Effective settings for a JWT's tier: the tier's overrides replace the project's values field by field. */
export function mergeTier(settings: ProjectSettings, overrides: TierOverrides | undefined): ProjectSettings {
  return overrides ? { ...settings, ...overrides } : settings;
}
