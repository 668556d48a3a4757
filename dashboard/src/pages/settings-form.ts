import { api, ApiError } from "../api";
import { field, h, replace } from "../dom";
import { busy, notice } from "../feedback";
import { PII_ENTITIES, readSettingsForm } from "../settings-values";
import type { Mode, Project, Settings } from "../types";

const MODES: Mode[] = ["disabled", "shadow", "enforce"];

/**
 * Every setting an admin edits, in one form. Saving sends them as one PATCH (the gateway validates the lot
 * and changes nothing when one is wrong); the model goes through its own endpoint, which checks the allowlist.
 */
export function renderSettingsForm(project: Project, settings: Settings): HTMLElement {
  const messages = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit" }, "Save settings");
  const lines = (values: readonly string[] | null) => (values ?? []).join("\n");
  const num = (name: string, value: number | undefined, attrs: Record<string, string | number> = {}) =>
    h("input", { name, type: "number", inputmode: "decimal", value: value ?? "", ...attrs });
  const select = (name: string, options: readonly string[], value: string) =>
    h(
      "select",
      { name },
      options.map((option) => h("option", { value: option, selected: option === value }, option)),
    );
  const budget = settings.budget_usd ?? {};

  const form = h(
    "form",
    { class: "card settings", "aria-labelledby": "settings-title", novalidate: true },
    h("h2", { id: "settings-title" }, "Settings"),
    h(
      "fieldset",
      {},
      h("legend", {}, "Browser access"),
      field(
        "Allowed origins (CORS), one per line",
        h("textarea", { name: "cors_origins", rows: 3 }, lines(settings.cors_origins)),
        "e.g. https://app.example.com or https://*.example.com",
      ),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "Limits"),
      h(
        "div",
        { class: "row" },
        field("Requests per minute", num("rpm_limit", settings.rpm_limit, { min: 1, max: 10000, step: 1 })),
        field(
          "Per-user share of RPM (0–1)",
          num("user_rpm_fraction", settings.user_rpm_fraction, { min: 0, max: 1, step: 0.01 }),
        ),
        field("Tokens per user per day", num("tokens_per_day", settings.tokens_per_day, { min: 1, step: 1 })),
        field(
          "Tokens per project per day",
          num("project_tokens_per_day", settings.project_tokens_per_day, { min: 1, step: 1 }),
        ),
      ),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "Dollar budgets (empty = none)"),
      h(
        "div",
        { class: "row" },
        field("Project, per day (USD)", num("budget_project_day", budget.project?.day, { min: 0, step: 0.01 })),
        field("Project, per month (USD)", num("budget_project_month", budget.project?.month, { min: 0, step: 0.01 })),
        field("Each user, per day (USD)", num("budget_user_day", budget.user?.day, { min: 0, step: 0.01 })),
        field("Each user, per month (USD)", num("budget_user_month", budget.user?.month, { min: 0, step: 0.01 })),
      ),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "PII Shield"),
      h(
        "div",
        { class: "row" },
        field("Mode", select("pii_mode", MODES, settings.pii_mode)),
        field("Action", select("pii_action", ["mask", "redact", "block"], settings.pii_action)),
      ),
      h(
        "fieldset",
        { class: "checks" },
        h("legend", {}, "Entities"),
        PII_ENTITIES.map((entity) =>
          h(
            "label",
            {},
            h("input", {
              type: "checkbox",
              name: "pii_entities",
              value: entity,
              checked: settings.pii_entities.includes(entity),
            }),
            ` ${entity}`,
          ),
        ),
      ),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "Sentinel (prompt injection)"),
      field("Mode", select("sentinel_mode", MODES, settings.sentinel_mode)),
      field(
        "Blocklist, one phrase per line",
        h("textarea", { name: "sentinel_blocklist", rows: 3 }, lines(settings.sentinel_blocklist)),
      ),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "Memory"),
      h(
        "div",
        { class: "row" },
        h(
          "label",
          { class: "inline" },
          h("input", { type: "checkbox", name: "memory_enabled", checked: settings.memory_enabled }),
          " Remember conversations",
        ),
        field("Window (message pairs)", num("memory_window", settings.memory_window, { min: 0, max: 100, step: 1 })),
        field("Retention (days)", num("retention_days", settings.retention_days, { min: 1, max: 3650, step: 1 })),
      ),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "Response cache"),
      h(
        "div",
        { class: "row" },
        h(
          "label",
          { class: "inline" },
          h("input", { type: "checkbox", name: "cache_enabled", checked: settings.cache_mode === "enabled" }),
          " Answer exact repeats from the cache",
        ),
        field("TTL (seconds)", num("cache_ttl_s", settings.cache_ttl_s, { min: 1, max: 2_592_000, step: 1 })),
        field("Shared by", select("cache_scope", ["user", "project"], settings.cache_scope)),
      ),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "Model and prompt"),
      field(
        "Model (provider/model)",
        h("input", { name: "provider_model", value: settings.provider_model, spellcheck: "false" }),
      ),
      field(
        "Model allowlist, one per line (empty = every configured model)",
        h("textarea", { name: "model_allowlist", rows: 3 }, lines(settings.model_allowlist)),
      ),
      field("System prompt", h("textarea", { name: "system_prompt", rows: 4 }, settings.system_prompt ?? "")),
    ),
    messages,
    submit,
  );

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void busy(submit, messages, async () => {
      const { patch, model } = readSettingsForm(form);
      try {
        let saved = await api<Settings>("PATCH", `/v1/projects/${encodeURIComponent(project.id)}/settings`, patch);
        if (model !== saved.provider_model)
          saved = await api<Settings>("PUT", `/auth/v1/projects/${encodeURIComponent(project.id)}/settings/model`, {
            model,
          });
        replace(messages, notice(`Settings saved. Allowed origins: ${saved.cors_origins.join(", ") || "none"}.`));
      } catch (err) {
        focusParam(form, err);
        throw err;
      }
    });
  });
  return form;
}

/** Puts focus on the control the gateway named in `param` (e.g. `cors_origins.0` → the origins box). */
function focusParam(form: HTMLFormElement, err: unknown): void {
  if (!(err instanceof ApiError) || !err.param) return;
  const [name = "", sub] = err.param.split(".");
  const control = form.elements.namedItem(name === "budget_usd" ? `budget_${sub ?? "project"}_day` : name);
  if (control instanceof HTMLElement) {
    control.setAttribute("aria-invalid", "true");
    control.focus();
  }
}
