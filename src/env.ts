import { z } from "zod";
import { GatewayError } from "./errors";
import { SigningKeysSecret } from "./auth/signing-keys";
import type { HostDomains } from "./routing/host";
import { parseOtlpHeaders } from "./telemetry/otlp-headers";

/**
 * Bindings and secrets, parsed once per isolate. A missing or malformed one makes every request answer
 * 500 `misconfigured` naming what is wrong (never its value), instead of failing deep in a handler.
 */
const hostname = z.string().min(1).max(253).toLowerCase();

const EnvSchema = z.object({
  API_HOST: z
    .string()
    .min(1)
    .transform((value) => value.split(",").map((host) => host.trim().toLowerCase())),
  PROJECT_DOMAIN: hostname,
  DEV_PROJECT_DOMAIN: hostname,
  LOCAL_PROJECT_DOMAIN: hostname.optional(),
  LEGACY_DOMAIN: hostname.optional(),
  JWT_ISSUER: z.string().min(1),
  JWT_AUDIENCE: z.string().min(1),
  OPERATOR_TOKEN: z.string().min(24, "must be at least 24 characters"),
  JWT_SIGNING_KEYS: z.string().refine(isSigningKeySet, "must be a JSON array of RS256 private JWKs with kid"),
  BYOK_MASTER_KEYS: z
    .string()
    .regex(/^v\d+:[A-Za-z0-9+/=_-]{43,44}(,v\d+:[A-Za-z0-9+/=_-]{43,44})*$/, "must be v<n>:<base64 32 bytes>[,…]"),
  IP_RPM_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(600),
  UPSTASH_REDIS_REST_URL: z.url().optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().optional(),
  LIBSQL_URL: z.string().optional(),
  LIBSQL_AUTH_TOKEN: z.string().optional(),
  // Local development only: BYOK base URLs may name loopback and private hosts (test fakes, local models).
  BYOK_ALLOW_PRIVATE_BASE_URL: z
    .enum(["true", "false"])
    .default("false")
    .transform((value) => value === "true"),
  // OpenTelemetry export (docs/observability.md): off unless the endpoint is set; the headers are a secret.
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .string()
    .optional()
    .refine((value) => !value || (/^https?:\/\//.test(value) && isUrl(value)), "must be an http(s) URL")
    .transform((value) => value || undefined),
  OTEL_EXPORTER_OTLP_HEADERS: z
    .string()
    .optional()
    .refine((value) => parseOtlpHeaders(value) !== null, "must be key=value pairs separated by commas"),
  OTEL_SERVICE_NAME: z.string().min(1).max(200).optional(),
  // Development only: `npm run dev` passes it with `--var`; never set in wrangler.toml (src/routing/dev-path.ts).
  DEV_PATH_ROUTING: z
    .enum(["true", "false"])
    .optional()
    .transform((value) => value === "true"),
});

/** Parsed without ever echoing the value: a JSON error message would quote part of the secret. */
function isSigningKeySet(value: string): boolean {
  try {
    return SigningKeysSecret.safeParse(JSON.parse(value)).success;
  } catch {
    return false;
  }
}

function isUrl(value: string): boolean {
  try {
    return Boolean(new URL(value));
  } catch {
    return false;
  }
}

export type GatewayConfig = z.infer<typeof EnvSchema>;

const REQUIRED_BINDINGS = ["DB", "PROJECT_GATE", "MEMORY", "BUDGET_POOL", "IP_LIMITER"] as const;

let cached: { source: object; config: GatewayConfig } | undefined;

/** Takes the Worker's `env` (typed structurally, so Node-side checks of the config can call it too). */
export function loadConfig(env: object): GatewayConfig {
  if (cached && cached.source === env) return cached.config;
  const missingBindings = REQUIRED_BINDINGS.filter((name) => !(env as Record<string, unknown>)[name]);
  if (missingBindings.length > 0) {
    throw new GatewayError("misconfigured", `Gateway misconfigured: missing binding ${missingBindings.join(", ")}.`);
  }
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    // Name the settings at fault and why; zod messages here never include the input value.
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")} ${describe(issue)}`);
    throw new GatewayError("misconfigured", `Gateway misconfigured: ${problems.join("; ")}.`);
  }
  cached = { source: env, config: parsed.data };
  return parsed.data;
}

function describe(issue: z.core.$ZodIssue): string {
  return issue.code === "invalid_type" ? "is missing" : "is malformed";
}

export function hostDomains(config: GatewayConfig): HostDomains {
  return {
    apiHosts: [...config.API_HOST, "127.0.0.1"],
    projectDomains: [config.PROJECT_DOMAIN, config.DEV_PROJECT_DOMAIN, config.LOCAL_PROJECT_DOMAIN ?? "localhost"],
    legacyDomain: config.LEGACY_DOMAIN,
  };
}
