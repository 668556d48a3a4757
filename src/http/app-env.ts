import type { ProjectJwtClaims } from "../auth/jwt-claims";
import type { ProjectSettings } from "../settings/schema";

/** Who is calling the control plane: the operator (bootstrap secret) or one tenant's admin credential. */
export type Actor =
  | { kind: "operator"; id: "operator" }
  | { kind: "tenant_admin"; id: string; tenantId: string };

/** Rate-limit state rendered on every data-plane response (SPEC: X-RateLimit-*). */
export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Unix seconds when the window frees capacity again. */
  reset: number;
}

/** The project a data-plane request is for, resolved from the Host header only. Immutable facts only. */
export interface ProjectRef {
  id: string;
  tenantId: string;
  slug: string;
}

export type ProjectClaims = ProjectJwtClaims;

export interface ControlPlaneEnv {
  Bindings: Env;
  Variables: { requestId: string; actor: Actor };
}

export interface DataPlaneEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    project: ProjectRef;
    claims: ProjectClaims;
    rateLimit: RateLimitState | undefined;
    /** Effective settings after tier merge, as returned by admission. */
    settings: ProjectSettings;
  };
}
