import { GatewayError } from "../errors";
import { validateBlocklist } from "../guardrails/sentinel/blocklist";
import { checkBaseUrl } from "../providers/base-url-policy";
import type { ProjectSettings, ProjectSettingsPatch } from "../settings/schema";

/**
 * Checks that need more than the zod schema: the chosen model must be in the (new) allowlist, and every
 * `sentinel_blocklist` regex must be safe to run on each prompt. Throws 4xx GatewayErrors naming the
 * field; returns the patch unchanged when it is acceptable.
 */
export async function validateSettingsPatch(
  patch: ProjectSettingsPatch,
  current: ProjectSettings | undefined,
): Promise<ProjectSettingsPatch> {
  const allowlist = patch.model_allowlist !== undefined ? patch.model_allowlist : current?.model_allowlist;
  const model = patch.provider_model ?? current?.provider_model;
  if (
    allowlist &&
    model &&
    !allowlist.includes(model) &&
    (patch.provider_model !== undefined || patch.model_allowlist !== undefined)
  ) {
    throw new GatewayError("model_not_allowed", `Model '${model}' is not in the project's allowlist.`, {
      param: "provider_model",
    });
  }
  if (patch.sentinel_blocklist !== undefined) checkBlocklist(patch.sentinel_blocklist);
  if (patch.sentinel_classifier) checkClassifierUrl(patch.sentinel_classifier.url);
  return patch;
}

/**
 * A blocklist regex runs inside the gateway on every prompt of the project, so one that backtracks
 * catastrophically is refused at save time. The message gives the rule broken, never the entry itself:
 * an entry may be up to the schema's length and is the caller's own text anyway.
 */
function checkBlocklist(entries: readonly string[]): void {
  const result = validateBlocklist(entries);
  if (result.ok) return;
  const [first] = result.errors;
  if (first === undefined) return;
  throw new GatewayError("invalid_request", `Blocklist entry ${first.index} is refused: ${first.reason}.`, {
    param: `sentinel_blocklist.${first.index}`,
  });
}

/** The gateway POSTs prompts to this URL, so it gets the BYOK base_url rules: https to a public host only. */
function checkClassifierUrl(url: string): void {
  const verdict = checkBaseUrl(url, { allowPrivate: false });
  if (verdict.ok) return;
  throw new GatewayError("invalid_request", `sentinel_classifier.url ${verdict.reason}.`, {
    param: "sentinel_classifier.url",
  });
}
