import { api } from "../api";
import { h, replace, table } from "../dom";
import { section } from "../feedback";
import type { List, ModelRoute, Project } from "../types";

/** Which provider, region and credential each of the project's models will be called with. */
export async function renderModels(container: HTMLElement, project: Project): Promise<void> {
  const list = h("div");
  replace(container, h("h2", { id: "models-title" }, "Models and who pays"), list);
  await section(list, async () => {
    const models = (await api<List<ModelRoute>>("GET", `/v1/projects/${encodeURIComponent(project.id)}/models`)).data;
    return table(
      "Models of this project",
      ["Model", "Provider", "Region", "Credential"],
      models.map((model) => [
        h("code", {}, model.id),
        model.provider ?? "—",
        model.region ?? "—",
        describeCredential(model.credential),
      ]),
    );
  });
}

function describeCredential(credential: ModelRoute["credential"]): string {
  if (!credential) return "—";
  const source = String(credential.source ?? "");
  if (source === "byok") return `own key (${String(credential.scope)}, ${String(credential.fingerprint)})`;
  if (source === "operator") return `operator key (${String(credential.fingerprint)})`;
  if (source === "mock") return "mock (no network, no key)";
  return `none: ${String(credential.reason ?? "not configured")}`;
}
