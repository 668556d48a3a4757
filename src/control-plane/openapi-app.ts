import { OpenAPIHono } from "@hono/zod-openapi";
import { GatewayError } from "../errors";
import type { ControlPlaneEnv } from "../http/app-env";

/**
 * A control-plane router whose zod validation failures become 400 `invalid_request` naming the offending
 * field as `param` (first issue wins; its message never contains the submitted value).
 */
export function controlRouter(): OpenAPIHono<ControlPlaneEnv> {
  return new OpenAPIHono<ControlPlaneEnv>({
    defaultHook: (result) => {
      if (result.success) return;
      const issue = result.error.issues[0];
      const param = issue?.path.length ? issue.path.join(".") : undefined;
      const reason =
        issue?.code === "unrecognized_keys"
          ? `unknown field(s): ${issue.keys.join(", ")}`
          : (issue?.message ?? "invalid");
      throw new GatewayError(
        "invalid_request",
        `Invalid request ${result.target}${param ? ` at '${param}'` : ""}: ${reason}.`,
        {
          param: issue?.code === "unrecognized_keys" ? issue.keys[0] : param,
        },
      );
    },
  });
}
