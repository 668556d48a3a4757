import { expect, it } from "vitest";
import { reportIpCounts } from "../../src/limits/ip-limit";
import { createIpWindow, IP_WINDOW_MS, type IpWindow } from "../../src/limits/ip-window";

type ReportEnv = Parameters<typeof reportIpCounts>[0];

/** A window start later than any used before in this file: each test gets a minute of its own. */
let lastMinute = Math.floor(Date.now() / IP_WINDOW_MS) + 1_000;
const freshMinute = () => ++lastMinute * IP_WINDOW_MS;
const freshIp = () => `198.51.100.${Math.floor(Math.random() * 250)}-${crypto.randomUUID().slice(0, 8)}`;

/**
 * The shared count behind the per-IP safety net, the same for every store: the embedded IpLimiter objects
 * and Redis. `env` decides which one `reportIpCounts` uses.
 */
export function describeSharedIpCount(env: () => ReportEnv): void {
  it("adds reports per IP within a window and keeps IPs apart", async () => {
    const start = freshMinute();
    const [a, b] = [freshIp(), freshIp()];
    expect(
      await reportIpCounts(
        env(),
        [
          { ip: a, count: 3 },
          { ip: b, count: 2 },
        ],
        start + 1_000,
      ),
    ).toEqual({
      totals: [
        { ip: a, count: 3 },
        { ip: b, count: 2 },
      ],
      resetAtMs: start + IP_WINDOW_MS,
    });
    const second = await reportIpCounts(env(), [{ ip: a, count: 4 }], start + 30_000);
    expect(second.totals).toEqual([{ ip: a, count: 7 }]);
  });

  it("counts exactly under 50 concurrent reports for one IP", async () => {
    const start = freshMinute();
    const ip = freshIp();
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => reportIpCounts(env(), [{ ip, count: 1 }], start + 5_000)),
    );
    const totals = answers.map((answer) => answer.totals[0]!.count).sort((x, y) => x - y);
    expect(totals).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it("spreads one report over many IPs and answers for each", async () => {
    const start = freshMinute();
    const deltas = Array.from({ length: 100 }, (_, i) => ({ ip: freshIp(), count: i + 1 }));
    const answer = await reportIpCounts(env(), deltas, start + 1);
    expect(new Map(answer.totals.map((t) => [t.ip, t.count]))).toEqual(new Map(deltas.map((d) => [d.ip, d.count])));
  });

  it("starts every IP afresh in the next window", async () => {
    const start = freshMinute();
    const ip = freshIp();
    await reportIpCounts(env(), [{ ip, count: 9 }], start + 59_000);
    const next = freshMinute();
    expect(await reportIpCounts(env(), [{ ip, count: 1 }], next)).toEqual({
      totals: [{ ip, count: 1 }],
      resetAtMs: next + IP_WINDOW_MS,
    });
  });

  it("makes a second isolate refuse once the shared total reaches the limit", async () => {
    const limit = 10;
    const start = freshMinute();
    const ip = freshIp();
    const [a, b] = [createIpWindow(), createIpWindow()];
    // One request as the middleware handles it, with its waitUntil report awaited right away.
    const request = async (window: IpWindow, now: number) => {
      const result = window.check(ip, limit, now);
      const deltas = window.takeReport(now);
      if (deltas) window.applyShared(await reportIpCounts(env(), deltas, now), limit, now);
      return result;
    };

    for (let i = 0; i < 6; i++) expect((await request(a, start + 1_000 + i)).ok).toBe(true);
    for (let i = 0; i < 4; i++) expect((await request(b, start + 2_000 + i)).ok).toBe(true);
    // B's own log holds 4 of 10, but the shared total is 10: refused until the shared window ends.
    expect(await request(b, start + 3_000)).toEqual({
      ok: false,
      limit,
      remaining: 0,
      reset: (start + IP_WINDOW_MS) / 1000,
      retryAfter: 57,
    });

    // A learns of the total only from its own next report (limit/10 = 1 hit makes every hit report at
    // once): that one request is the lag, after which A refuses too.
    expect((await request(a, start + 4_000)).ok).toBe(true);
    expect((await request(a, start + 4_001)).ok).toBe(false);
    expect((await request(a, start + IP_WINDOW_MS)).ok).toBe(true); // the shared window ended; A's own log holds 7 of 10
  });
}
