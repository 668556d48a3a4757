import { api } from "../api";
import { h, replace } from "../dom";
import { busy, confirmAction, errorBox, loading, notice } from "../feedback";
import type { Project, Settings } from "../types";
import { renderApiKeys } from "./api-keys";
import { renderModels } from "./models";
import { renderSettingsForm } from "./settings-form";
import { renderTiers } from "./tiers";

/** One project: its hostnames and status, kill switch and suspension, settings, model routing, API keys and tiers. */
export async function renderProject(main: HTMLElement, projectId: string | undefined): Promise<void> {
  if (!projectId) return;
  replace(main, h("h1", { tabindex: -1 }, "Project"), loading());
  let project: Project;
  let settings: Settings;
  try {
    [project, settings] = await Promise.all([
      api<Project>("GET", `/v1/projects/${encodeURIComponent(projectId)}`),
      api<Settings>("GET", `/v1/projects/${encodeURIComponent(projectId)}/settings`),
    ]);
  } catch (err) {
    replace(
      main,
      h("h1", { tabindex: -1 }, "Project"),
      errorBox(err),
      h("p", {}, h("a", { href: "#/projects" }, "Back to projects")),
    );
    return;
  }
  const keys = h("section", { class: "card", "aria-labelledby": "keys-title" });
  const tiers = h("section", { class: "card", "aria-labelledby": "tiers-title" });
  const models = h("section", { class: "card", "aria-labelledby": "models-title" });
  replace(
    main,
    h("p", { class: "crumbs" }, h("a", { href: "#/projects" }, "Projects"), " / ", project.name),
    h("h1", { tabindex: -1 }, project.name),
    summary(project),
    controls(project),
    renderSettingsForm(project, settings),
    models,
    keys,
    tiers,
  );
  await Promise.all([renderModels(models, project), renderApiKeys(keys, project), renderTiers(tiers, project)]);
}

function summary(project: Project): HTMLElement {
  const row = (term: string, value: Node | string) => [h("dt", {}, term), h("dd", {}, value)];
  return h(
    "dl",
    { class: "facts" },
    row("Slug", h("code", {}, project.slug)),
    row("Production hostname", h("code", {}, project.hostnames.production)),
    row("Development hostname", h("code", {}, project.hostnames.development)),
    row("Status", h("span", { class: `badge ${project.status}`, "data-testid": "project-status" }, project.status)),
    row("DNS", project.dns_status),
    row("Cost center", project.cost_center ?? "—"),
  );
}

/**
 * The kill switch has no read endpoint, so the page shows what this session last set; both directions are
 * offered, each behind a confirmation, and the gateway applies the switch to the very next request.
 */
function controls(project: Project): HTMLElement {
  const messages = h("div", { "aria-live": "polite" });
  const path = `/v1/admin/killswitch/project/${encodeURIComponent(project.id)}`;
  const flip = (enabled: boolean) => async (event: Event) => {
    const button = event.currentTarget as HTMLButtonElement;
    const question = enabled
      ? `Stop all AI traffic for ${project.name}? Every request is refused until you release the switch.`
      : `Let AI traffic for ${project.name} through again?`;
    if (!(await confirmAction(question, enabled ? "Engage kill switch" : "Release kill switch"))) return;
    await busy(button, messages, async () => {
      await api("POST", path, { enabled });
      replace(
        messages,
        notice(
          enabled
            ? "Kill switch engaged: new requests are refused."
            : "Kill switch released: requests are admitted again.",
        ),
      );
    });
  };
  const lifecycle = (action: "suspend" | "resume") => async (event: Event) => {
    const button = event.currentTarget as HTMLButtonElement;
    const question =
      action === "suspend"
        ? `Suspend ${project.name}? All its API keys are revoked, irreversibly.`
        : `Resume ${project.name}?`;
    if (!(await confirmAction(question, action === "suspend" ? "Suspend" : "Resume"))) return;
    await busy(button, messages, async () => {
      await api("POST", `/v1/projects/${encodeURIComponent(project.id)}/${action}`);
      window.dispatchEvent(new HashChangeEvent("hashchange"));
    });
  };
  return h(
    "section",
    { class: "card", "aria-labelledby": "controls-title" },
    h("h2", { id: "controls-title" }, "Traffic"),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "button", class: "danger", onclick: flip(true) }, "Engage kill switch"),
      h("button", { type: "button", onclick: flip(false) }, "Release kill switch"),
      project.status === "active"
        ? h("button", { type: "button", class: "danger", onclick: lifecycle("suspend") }, "Suspend project")
        : h("button", { type: "button", onclick: lifecycle("resume") }, "Resume project"),
    ),
    messages,
  );
}
