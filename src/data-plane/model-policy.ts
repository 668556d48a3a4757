import type { ProjectSettings } from "../settings/schema";

/** Names a client may send to mean "the project's model" (OpenAI SDKs require some `model`). */
const DEFAULT_ALIASES = new Set(["", "default", "auto", "tollgate"]);

/** True when the client named no model of its own (absent, empty, or an alias such as `default`). */
export function isDefaultAlias(requested: string | undefined): boolean {
  return DEFAULT_ALIASES.has((requested ?? "").trim().toLowerCase());
}

/**
 * The `provider/model` a request will call, pure. No model or an alias → the project's (tier-merged)
 * `provider_model`; a bare name (`gpt-4o-mini`) → that name at the project's provider; otherwise the
 * request's own `provider/model`.
 */
export function chooseModel(requested: string | undefined, settings: Pick<ProjectSettings, "provider_model">): string {
  const name = (requested ?? "").trim();
  if (isDefaultAlias(name)) return settings.provider_model;
  if (!name.includes("/")) return `${settings.provider_model.split("/")[0]}/${name}`;
  return name;
}

/**
 * SPEC `model_allowlist`: when set, only the listed `provider/model`s (the project's own model and its
 * fallbacks always pass — they were checked against the list when saved); when unset, any model of a
 * provider the tenant has configured, which the credential lookup enforces.
 */
export function modelAllowed(
  ref: string,
  settings: Pick<ProjectSettings, "provider_model" | "fallback_models" | "model_allowlist">,
): boolean {
  if (ref === settings.provider_model || settings.fallback_models.includes(ref)) return true;
  return settings.model_allowlist === null || settings.model_allowlist.includes(ref);
}
