import { createMiddleware } from "hono/factory";
import { GatewayError } from "../errors";
import type { DataPlaneEnv } from "../http/app-env";
import { createMemoryStore, injectMemory, memoryKey } from "../memory";
import type { ChatRequest } from "../providers/openai-schema";

type Message = ChatRequest["messages"][number];

/**
 * Memory and system prompt, in that order of construction: the session's remembered turns go after the
 * request's own leading system messages and before its conversation; the project's `system_prompt` is
 * then put first of all. A memory outage fails with 503 or proceeds without memory, per
 * `memory_on_unavailable`.
 */
export function injectContext() {
  return createMiddleware<DataPlaneEnv>(async function injectContext(c, next) {
    const { settings, admission, claims, project } = c.var;
    let messages: Message[] = c.get("chat").messages;
    if (settings.memory_enabled && admission.sessionId && settings.memory_window > 0) {
      try {
        const store = createMemoryStore(c.env);
        const key = memoryKey({ projectId: project.id, uid: claims.uid, session: admission.sessionId });
        const history = await store.load(key, { windowPairs: settings.memory_window });
        messages = injectMemory(messages, history as Message[]);
      } catch (err) {
        if (
          !(err instanceof GatewayError) ||
          err.code !== "memory_unavailable" ||
          settings.memory_on_unavailable === "fail"
        )
          throw err;
      }
    }
    if (settings.system_prompt) messages = [{ role: "system", content: settings.system_prompt }, ...messages];
    c.set("chat", { ...c.get("chat"), messages });
    await next();
  });
}
