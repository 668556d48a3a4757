import { api } from "../api";
import { field, formValue, h, replace, table } from "../dom";
import { busy, confirmAction, section } from "../feedback";
import type { List, Project, Tier } from "../types";

/** Tiers: up to three named overrides of the project settings, picked by the JWT's `tier` claim. */
export async function renderTiers(container: HTMLElement, project: Project): Promise<void> {
  const base = `/v1/projects/${encodeURIComponent(project.id)}/tiers`;
  const list = h("div");
  const messages = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit" }, "Save tier");
  const refresh = () =>
    section(list, async () => {
      const tiers = (await api<List<Tier>>("GET", base)).data;
      return table(
        "Tiers of this project",
        ["Name", "Overrides", ""],
        tiers.map((tier) => [
          h("code", {}, tier.name),
          h("code", { class: "json" }, JSON.stringify(tier.overrides)),
          remove(tier),
        ]),
        "none — every token gets the project settings.",
      );
    });

  function remove(tier: Tier): HTMLButtonElement {
    const button = h(
      "button",
      { type: "button", class: "danger small", "aria-label": `Delete tier ${tier.name}` },
      "Delete",
    );
    button.addEventListener("click", async () => {
      if (!(await confirmAction(`Delete tier ${tier.name}?`, "Delete"))) return;
      await busy(button, messages, async () => {
        await api("DELETE", `${base}/${encodeURIComponent(tier.name)}`);
        await refresh();
      });
    });
    return button;
  }

  const form = h(
    "form",
    {},
    h(
      "div",
      { class: "row" },
      field("Tier name", h("input", { name: "name", required: true, pattern: "[a-z0-9][a-z0-9_-]{0,31}" })),
      field(
        "Overrides (JSON)",
        h("textarea", { name: "overrides", rows: 2, spellcheck: "false" }, '{"rpm_limit": 600}'),
        "rpm_limit, tokens_per_day, pii_mode, sentinel_mode, provider_model, system_prompt, …",
      ),
    ),
    submit,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void busy(submit, messages, async () => {
      let overrides: unknown;
      try {
        overrides = JSON.parse(formValue(form, "overrides") || "{}");
      } catch {
        throw new Error("Overrides must be a JSON object.");
      }
      await api("PUT", `${base}/${encodeURIComponent(formValue(form, "name"))}`, { overrides });
      await refresh();
    });
  });
  replace(container, h("h2", { id: "tiers-title" }, "Tiers"), list, form, messages);
  await refresh();
}
