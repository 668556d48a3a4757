import { env, SELF } from "cloudflare:test";
import { expect, it } from "vitest";

it("serves health and reaches a durable object", async () => {
  const res = await SELF.fetch("http://localhost/healthz");
  expect(await res.json()).toEqual({ ok: true });
  const stub = env.PROJECT_GATE.get(env.PROJECT_GATE.idFromName("p"));
  expect(await stub.ping()).toBe(1);
  expect(await stub.ping()).toBe(2);
});
