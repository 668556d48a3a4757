import { Hono } from "hono";
export { ProjectGate } from "../durable-objects/project-gate";
export { ConversationMemory } from "../durable-objects/conversation-memory";

const app = new Hono<{ Bindings: Env }>();
app.get("/healthz", (c) => c.json({ ok: true }));

export default app;
