/**
 * Vars `npm run dev` passes to `wrangler dev` on top of wrangler.toml (test/node/support/gateway.ts passes the
 * same ones, so the SDK tests run the gateway as a developer does). Never part of a deployed config.
 */
export const DEV_VARS = {
  // `http://127.0.0.1:{port}/p/{slug}/v1/…` reaches a project: Node cannot resolve `{slug}.localhost`.
  DEV_PATH_ROUTING: "true",
} as const;

export function devVarFlags(): string[] {
  return Object.entries(DEV_VARS).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
}
