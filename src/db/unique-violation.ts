/** True when a write failed on a UNIQUE index (D1 and libSQL word it the same; D1 may wrap it in `cause`). */
export function isUniqueViolation(err: unknown): boolean {
  const text = err instanceof Error ? `${err.message} ${String(err.cause ?? "")}` : String(err);
  return /UNIQUE constraint failed/i.test(text);
}
