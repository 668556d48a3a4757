import type { MiddlewareHandler } from "hono";
import { authenticateUser } from "./authenticate";
import { projectCors } from "../http/cors";
import { limitPerIp } from "../http/ip-limit";
import { resolveProject } from "../routing/resolve-project";
import type { DataPlaneEnv } from "../http/app-env";

/**
 * The checks every authenticated data-plane request passes, in SPEC order. This list is the only place the
 * order is decided; test/data-plane/pipeline.test.ts asserts it.
 */
export function requestPipeline(): MiddlewareHandler<DataPlaneEnv>[] {
  return [limitPerIp(), resolveProject(), projectCors(), authenticateUser()];
}
