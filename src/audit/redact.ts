/**
 * Secrets never enter the audit trail (SPEC: API key plaintext, hashes, BYOK key or ciphertext, admin
 * credential). Routes already pass public views; this is the backstop that drops any member whose name
 * marks a secret, at any depth, before the value is hashed and stored. Dropped members are listed by name
 * under `_redacted` so a reader sees that something was there without seeing it.
 */
const SECRET_MEMBER =
  /^(key|api_?key|plaintext|hash|secret|token|password|credential|admin_?credential|ciphertext|lookup_?index|authorization|master_?key)$/i;

export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value === null || typeof value !== "object") return value;
  const kept: Record<string, unknown> = {};
  const dropped: string[] = [];
  for (const [name, member] of Object.entries(value as Record<string, unknown>)) {
    if (SECRET_MEMBER.test(name)) dropped.push(name);
    else kept[name] = redactSecrets(member);
  }
  if (dropped.length > 0) kept._redacted = dropped.sort();
  return kept;
}

/** True when a member name is treated as secret (exported for the tests' table). */
export function isSecretMember(name: string): boolean {
  return SECRET_MEMBER.test(name);
}
