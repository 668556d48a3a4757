import type { Context } from "hono";
import type { DataPlaneEnv } from "../http/app-env";
import { createMemoryStore, memoryKey, toStoredMessages, type IncomingMessage } from "../memory";

/**
 * Appends one exchange to the session's memory: the request's own new messages as the provider saw them
 * (after the PII policy, so memory never holds what was masked or redacted) and the assistant's answer.
 */
export async function rememberTurn(c: Context<DataPlaneEnv>, answer: IncomingMessage): Promise<void> {
  const { settings, admission, claims, project } = c.var;
  if (!settings.memory_enabled || !admission.sessionId) return;
  const conversation = admission.newMessages.filter(
    (message) => message.role !== "system" && message.role !== "developer",
  );
  const stored = toStoredMessages(conversation as IncomingMessage[], answer, {
    storeToolCalls: settings.store_tool_calls,
  });
  if (stored.length === 0) return;
  const key = memoryKey({ projectId: project.id, uid: claims.uid, session: admission.sessionId });
  await createMemoryStore(c.env).append(key, stored, {
    windowPairs: settings.memory_window,
    retentionDays: settings.retention_days,
  });
}
