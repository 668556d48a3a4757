import { GatewayError } from "../errors";
import type { ProjectSettings, ProjectSettingsPatch } from "../settings/schema";

/**
 * Checks that need more than the zod schema: the chosen model must be in the (new) allowlist. Throws 4xx
 * GatewayErrors naming the field; returns the patch unchanged when it is acceptable.
 */
export async function validateSettingsPatch(patch: ProjectSettingsPatch, current: ProjectSettings | undefined): Promise<ProjectSettingsPatch> {
  const allowlist = patch.model_allowlist !== undefined ? patch.model_allowlist : current?.model_allowlist;
  const model = patch.provider_model ?? current?.provider_model;
  if (allowlist && model && !allowlist.includes(model) && (patch.provider_model !== undefined || patch.model_allowlist !== undefined)) {
    throw new GatewayError("model_not_allowed", `Model '${model}' is not in the project's allowlist.`, { param: "provider_model" });
  }
  return patch;
}
