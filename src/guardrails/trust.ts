/**
 * Which request text the guardrails may skip. Every text the client sends is untrusted: the caller is
 * usually a browser holding an end-user JWT and controls every byte of the body, system messages included.
 * The one exception is a server-side caller that opted in with a JWT carrying the `trusted_system` scope,
 * which only an `admin` or `service` token may hold (the mint route refuses it to other roles, and the
 * data plane re-checks the role). The project's own `system_prompt` is added after the guardrails and is
 * never scanned.
 */
export const TRUSTED_SYSTEM_SCOPE = "trusted_system";
export const TRUSTED_SYSTEM_ROLES: readonly string[] = ["admin", "service"];

export function mayHoldTrustedSystem(role: string): boolean {
  return TRUSTED_SYSTEM_ROLES.includes(role);
}

/** The caller's system and developer messages are trusted: the JWT has the scope and a role allowed to hold it. */
export function trustsSystemMessages(claims: { role: string; scp: readonly string[] }): boolean {
  return mayHoldTrustedSystem(claims.role) && claims.scp.includes(TRUSTED_SYSTEM_SCOPE);
}

export function isSystemRole(role: string): boolean {
  return role === "system" || role === "developer";
}
