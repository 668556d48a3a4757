import { createMiddleware } from "hono/factory";

/** Every response carries `X-Request-Id`; the id also keys the usage-ledger row of an admitted request. */
export function requestId() {
  return createMiddleware<{ Variables: { requestId: string } }>(async function requestId(c, next) {
    const id = `req_${crypto.randomUUID().replaceAll("-", "")}`;
    c.set("requestId", id);
    await next();
    c.res.headers.set("X-Request-Id", id);
  });
}
