import { api } from "../api";
import { field, formValue, h, replace, table } from "../dom";
import { busy, confirmAction, section } from "../feedback";
import { secretOncePanel } from "../secret-once";
import { session } from "../session";
import type { ApiKey, CreatedApiKey, List, Project } from "../types";

/**
 * API keys of one project. A new or rotated key's plaintext is shown once, with a copy button, and kept in
 * this tab's memory for the try-it panel; the list shows prefixes only, as the API does.
 */
export async function renderApiKeys(container: HTMLElement, project: Project): Promise<void> {
  const base = `/v1/projects/${encodeURIComponent(project.id)}/keys`;
  const list = h("div");
  const reveal = h("div", { "aria-live": "polite" });
  const messages = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit" }, "Create API key");

  const showOnce = (created: CreatedApiKey) => {
    session.rememberKey(project.id, created.key);
    replace(
      reveal,
      secretOncePanel(
        created.key,
        "It is shown only once; the gateway keeps only its hash. This tab remembers it for Try it until you reload.",
        "new-key",
      ),
    );
    void refresh();
  };
  const refresh = () => section(list, async () => keyTable((await api<List<ApiKey>>("GET", base)).data));

  function keyTable(keys: ApiKey[]): HTMLElement {
    return table(
      "Keys of this project",
      ["Name", "Prefix", "Role", "Created", "Status", "Actions"],
      keys.map((key) => [
        key.name ?? "—",
        h("code", {}, `${key.prefix}…`),
        key.role,
        new Date(key.created_at).toLocaleString(),
        key.revoked_at
          ? h("span", { class: "badge suspended" }, "revoked")
          : h("span", { class: "badge active" }, "active"),
        key.revoked_at
          ? ""
          : h("div", { class: "actions" }, action("Rotate", key, "rotate"), action("Revoke", key, "revoke")),
      ]),
    );
  }

  function action(label: string, key: ApiKey, kind: "rotate" | "revoke"): HTMLButtonElement {
    const button = h(
      "button",
      {
        type: "button",
        class: kind === "revoke" ? "danger small" : "small",
        "aria-label": `${label} key ${key.prefix}`,
      },
      label,
    );
    button.addEventListener("click", async () => {
      const question =
        kind === "rotate"
          ? `Rotate ${key.prefix}…? It stops working now and a new key is issued.`
          : `Revoke ${key.prefix}…? This cannot be undone.`;
      if (!(await confirmAction(question, label))) return;
      await busy(button, messages, async () => {
        if (kind === "rotate")
          showOnce(await api<CreatedApiKey>("POST", `${base}/${encodeURIComponent(key.id)}/rotate`));
        else {
          await api("DELETE", `${base}/${encodeURIComponent(key.id)}`);
          session.forgetKey(project.id);
          replace(reveal);
          await refresh();
        }
      });
    });
    return button;
  }

  const form = h(
    "form",
    { class: "row end" },
    field("Key name (optional)", h("input", { name: "name", maxlength: 100 })),
    submit,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const name = formValue(form, "name");
    void busy(submit, messages, async () => {
      showOnce(await api<CreatedApiKey>("POST", base, name ? { name } : {}));
      form.reset();
    });
  });
  replace(container, h("h2", { id: "keys-title" }, "API keys"), reveal, list, form, messages);
  await refresh();
}
