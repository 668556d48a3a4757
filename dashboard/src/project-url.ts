import type { Project } from "./types";

/**
 * The origin a browser calls for a project. Served locally (`localhost`, `127.0.0.1`), that is
 * `{slug}.localhost` on the dashboard's own port, which browsers resolve to loopback (RFC 6761); deployed,
 * the production hostname over https.
 */
export function projectOrigin(project: Pick<Project, "slug" | "hostnames">, here: Location = location): string {
  const local = here.hostname === "localhost" || here.hostname === "127.0.0.1" || here.hostname.endsWith(".localhost");
  if (local) return `${here.protocol}//${project.slug}.localhost${here.port ? `:${here.port}` : ""}`;
  return `https://${project.hostnames.production}`;
}
