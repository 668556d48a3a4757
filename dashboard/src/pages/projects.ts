import { api } from "../api";
import { field, formValue, h, replace, table } from "../dom";
import { busy, section } from "../feedback";
import type { List, Project } from "../types";

/** Projects of the tenant: slug, both hostnames and status, and a form to create one. */
export async function renderProjects(main: HTMLElement): Promise<void> {
  const list = h("div");
  const messages = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit" }, "Create project");
  const form = h(
    "form",
    { class: "card", "aria-labelledby": "create-title" },
    h("h2", { id: "create-title" }, "New project"),
    h(
      "div",
      { class: "row" },
      field("Name", h("input", { name: "name", required: true, maxlength: 200 })),
      field("Cost center (optional)", h("input", { name: "cost_center", maxlength: 100 })),
    ),
    messages,
    submit,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const costCenter = formValue(form, "cost_center");
    void busy(submit, messages, async () => {
      const project = await api<Project>("POST", "/v1/projects", {
        name: formValue(form, "name"),
        ...(costCenter && { cost_center: costCenter }),
      });
      location.hash = `#/projects/${encodeURIComponent(project.id)}`;
    });
  });
  replace(main, h("h1", { tabindex: -1 }, "Projects"), list, form);
  await section(list, async () => projectTable((await api<List<Project>>("GET", "/v1/projects")).data));
}

function projectTable(projects: Project[]): HTMLElement {
  return table(
    "Projects",
    ["Name", "Slug", "Hostnames", "Status", "DNS"],
    projects.map((p) => [
      h("a", { href: `#/projects/${encodeURIComponent(p.id)}` }, p.name),
      h("code", {}, p.slug),
      h(
        "ul",
        { class: "plain" },
        h("li", {}, "prod: ", h("code", {}, p.hostnames.production)),
        h("li", {}, "dev: ", h("code", {}, p.hostnames.development)),
      ),
      h("span", { class: `badge ${p.status}` }, p.status),
      p.dns_status,
    ]),
    "none yet — create one below.",
  );
}
