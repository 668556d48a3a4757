import type { Settings, UsdBudget } from "./types";

export const PII_ENTITIES = [
  "EMAIL",
  "PHONE",
  "CREDIT_CARD",
  "SSN",
  "IBAN",
  "IP_ADDRESS",
  "SECRET",
  "PERSON",
  "ADDRESS",
  "DATE_OF_BIRTH",
] as const;

type Patch = Partial<Omit<Settings, "provider_model">>;

/** The settings form as a PATCH body, plus the model (sent to its own endpoint). Empty means "none". */
export function readSettingsForm(form: HTMLFormElement): { patch: Patch; model: string } {
  const data = new FormData(form);
  const text = (name: string) => String(data.get(name) ?? "").trim();
  const lines = (name: string) =>
    text(name)
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
  const number = (name: string) => (text(name) === "" ? undefined : Number(text(name)));
  const usd = (scope: string): UsdBudget | undefined => {
    const day = number(`budget_${scope}_day`);
    const month = number(`budget_${scope}_month`);
    return day === undefined && month === undefined
      ? undefined
      : { ...(day !== undefined && { day }), ...(month !== undefined && { month }) };
  };
  const project = usd("project");
  const user = usd("user");
  const allowlist = lines("model_allowlist");
  const patch: Patch = {
    cors_origins: lines("cors_origins"),
    budget_usd: project || user ? { ...(project && { project }), ...(user && { user }) } : null,
    pii_mode: text("pii_mode") as Settings["pii_mode"],
    pii_action: text("pii_action") as Settings["pii_action"],
    pii_entities: data.getAll("pii_entities").map(String),
    sentinel_mode: text("sentinel_mode") as Settings["sentinel_mode"],
    sentinel_blocklist: lines("sentinel_blocklist"),
    memory_enabled: data.get("memory_enabled") !== null,
    cache_mode: data.get("cache_enabled") !== null ? "enabled" : "disabled",
    cache_scope: text("cache_scope") as Settings["cache_scope"],
    model_allowlist: allowlist.length ? allowlist : null,
    system_prompt: text("system_prompt") || null,
  };
  for (const name of [
    "rpm_limit",
    "user_rpm_fraction",
    "tokens_per_day",
    "project_tokens_per_day",
    "memory_window",
    "retention_days",
    "cache_ttl_s",
  ] as const) {
    const value = number(name);
    if (value !== undefined) patch[name] = value;
  }
  return { patch, model: text("provider_model") };
}
