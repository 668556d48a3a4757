import { Hono } from "hono";
export { ProjectGate } from "../durable-objects/project-gate";

const app = new Hono<{ Bindings: Env }>();
app.get("/healthz", (c) => c.json({ ok: true }));

export default app;
