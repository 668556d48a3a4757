import { api, query } from "../api";
import { field, formValue, h, replace, table } from "../dom";
import { busy, confirmAction, notice, section } from "../feedback";
import { session } from "../session";
import type { List, ProviderKey } from "../types";

/** API-key providers of the gateway's catalog (Vertex and Bedrock take structured credentials: use the API). */
const PROVIDERS = [
  "openai",
  "anthropic",
  "google",
  "openrouter",
  "mistral",
  "cohere",
  "groq",
  "together",
  "fireworks",
  "deepseek",
];

/**
 * BYOK: the tenant's own provider keys. A key goes in through a password field, is validated and encrypted
 * by the gateway, and is never shown again: the list has a fingerprint only.
 */
export async function renderProviders(main: HTMLElement): Promise<void> {
  const tenantId = session.tenant()?.id ?? "";
  const base = `/auth/v1/tenants/${encodeURIComponent(tenantId)}/providers`;
  const list = h("div");
  const messages = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit" }, "Save provider key");
  const refresh = () =>
    section(list, async () =>
      table(
        "Stored provider keys",
        ["Provider", "Scope", "Fingerprint", "Base URL", "Updated", ""],
        (await api<List<ProviderKey>>("GET", base)).data.map((key) => [
          key.provider,
          key.scope,
          h("code", {}, key.fingerprint),
          key.base_url ?? "default",
          new Date(key.updated_at).toLocaleString(),
          remove(key),
        ]),
        "none — projects use the mock provider or the operator's default.",
      ),
    );

  function remove(key: ProviderKey): HTMLButtonElement {
    const button = h(
      "button",
      { type: "button", class: "danger small", "aria-label": `Delete ${key.provider} key` },
      "Delete",
    );
    button.addEventListener("click", async () => {
      if (
        !(await confirmAction(`Delete the ${key.provider} key? Projects using ${key.provider} stop working.`, "Delete"))
      )
        return;
      const costCenter = key.scope.startsWith("cost_center:") ? key.scope.slice("cost_center:".length) : undefined;
      await busy(button, messages, async () => {
        await api("DELETE", `${base}/${encodeURIComponent(key.provider)}${query({ cost_center: costCenter })}`);
        await refresh();
      });
    });
    return button;
  }

  const form = h(
    "form",
    { class: "card", "aria-labelledby": "byok-title", autocomplete: "off" },
    h("h2", { id: "byok-title" }, "Add or replace a key"),
    h(
      "div",
      { class: "row" },
      field(
        "Provider",
        h(
          "select",
          { name: "provider" },
          PROVIDERS.map((p) => h("option", { value: p }, p)),
        ),
      ),
      field(
        "API key",
        h("input", {
          name: "api_key",
          type: "password",
          required: true,
          autocomplete: "new-password",
          spellcheck: "false",
        }),
        "Validated with the provider, stored encrypted, never displayed.",
      ),
      field("Base URL (optional)", h("input", { name: "base_url", type: "url", placeholder: "https://…" })),
      field("Cost center (optional)", h("input", { name: "cost_center", maxlength: 100 })),
    ),
    messages,
    submit,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const provider = formValue(form, "provider");
    const body = {
      api_key: formValue(form, "api_key"),
      base_url: formValue(form, "base_url") || undefined,
      cost_center: formValue(form, "cost_center") || undefined,
    };
    // Clear the secret from the page before the call returns, whatever its outcome.
    form.reset();
    void busy(submit, messages, async () => {
      await api("PUT", `${base}/${encodeURIComponent(provider)}`, body);
      replace(messages, notice(`${provider} key saved.`));
      await refresh();
    });
  });
  replace(main, h("h1", { tabindex: -1 }, "Provider keys (BYOK)"), list, form);
  await refresh();
}
