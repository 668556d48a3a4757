import { z } from "zod";

/**
 * The claims of a project JWT (SPEC): who (`uid`) in which tenant/project (`tid`/`pid`), with what
 * `role`, scopes `scp` and optional settings `tier`, plus the registered claims. Shared by mint and verify
 * so both sides agree on one shape.
 */
export const ProjectJwtClaims = z.object({
  tid: z.string().min(1),
  pid: z.string().min(1),
  uid: z.string().min(1).max(256),
  role: z.string().min(1).max(64),
  scp: z.array(z.string().min(1).max(128)).max(64).default([]),
  tier: z.string().min(1).max(64).optional(),
  /** Id of the API key the token was minted with, so revoking that key also stops its tokens. */
  akid: z.string().min(1).optional(),
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  iat: z.number().int(),
  nbf: z.number().int(),
  exp: z.number().int(),
  jti: z.string().min(1).max(128),
});

export type ProjectJwtClaims = z.infer<typeof ProjectJwtClaims>;

/** What the minter decides; the registered claims are added by `mintProjectJwt`. */
export type MintClaims = Pick<ProjectJwtClaims, "tid" | "pid" | "uid" | "role" | "scp" | "tier" | "akid">;
