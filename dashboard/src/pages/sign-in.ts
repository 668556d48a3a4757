import { request } from "../api";
import { field, formValue, h } from "../dom";
import { busy } from "../feedback";
import { session, type Tenant } from "../session";
import type { List } from "../types";

/**
 * Sign in with a tenant admin credential (`tg_admin_…`). It is checked with `GET /v1/tenants`, which answers
 * a tenant admin with its own tenant, and then held in memory only (see session.ts).
 */
export function renderSignIn(onSignedIn: () => void): HTMLElement {
  const input = h("input", {
    name: "credential",
    type: "password",
    autocomplete: "off",
    spellcheck: "false",
    required: true,
    pattern: "tg_admin_[0-9a-f]{32}",
  });
  const messages = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit" }, "Sign in");
  const form = h(
    "form",
    { class: "card narrow", "aria-labelledby": "signin-title" },
    h("h1", { id: "signin-title", tabindex: -1 }, "Sign in"),
    h(
      "p",
      {},
      "Paste your tenant admin credential. It stays in this tab's memory and is forgotten when you reload or close it.",
    ),
    field("Admin credential", input, "Starts with tg_admin_"),
    messages,
    submit,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const credential = formValue(form, "credential");
    void busy(submit, messages, async () => {
      const tenants = (await (await request("GET", "/v1/tenants", undefined, credential)).json()) as List<Tenant>;
      const tenant = tenants.data[0];
      if (!tenant) throw new Error("This credential sees no tenant.");
      session.signIn(credential, tenant);
      input.value = "";
      onSignedIn();
    });
  });
  queueMicrotask(() => input.focus());
  return form;
}
