import { describe, expect, it } from "vitest";
import { dearest, microUsdFor } from "../../src/limits/budget";
import { microUsdPerMillion } from "../../src/usage/pricing";
import { reasoningBeyondCap } from "../../src/usage/reasoning";
import { systemPromptTokens } from "../../src/usage/token-count";
import { admitInput, freshGate, settleInput, snapshot, T0 } from "./gate-fixture";

/** Each request reserves 10 prompt + 10 completion = 20 tokens. */
const RESERVE = { estimatedPromptTokens: 10, maxTokens: 10 };

async function status(gate: ReturnType<typeof freshGate>["gate"], name: string, userId?: string) {
  const { budgets } = await gate.budgetStatus(userId, T0);
  const line = budgets.find((b) => b.name === name);
  if (!line) throw new Error(`no budget ${name}`);
  return line;
}

describe("project gate: token budgets", () => {
  it("50 concurrent reserve+settle against a budget that fits ~10 never charge past it", async () => {
    const { projectId, gate } = freshGate();
    await gate.configure(
      snapshot(projectId, {}, { project_tokens_per_day: 200, rpm_limit: 10_000, user_rpm_fraction: 0 }),
    );
    const charged = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const decision = await gate.admit(admitInput({ ...RESERVE, userId: `u${i}`, now: T0 }));
        if (!decision.ok) return 0;
        const result = await gate.settle(
          settleInput(decision.reservation.requestId, { promptTokens: 10, completionTokens: 3 + (i % 8), now: T0 }),
        );
        return result.chargedTokens;
      }),
    );
    const total = charged.reduce((a, b) => a + b, 0);
    const line = await status(gate, "project:tokens:day");
    expect(line.spent).toBe(total);
    expect(line.spent).toBeLessThanOrEqual(200);
    expect(line.reserved).toBe(0);
    expect(charged.filter((c) => c > 0).length).toBeGreaterThanOrEqual(10);
  });

  it("refuses with `tokens`, the budget's name and a Retry-After to UTC midnight", async () => {
    const { projectId, gate } = freshGate();
    await gate.configure(snapshot(projectId, {}, { tokens_per_day: 30 }));
    expect((await gate.admit(admitInput({ ...RESERVE, now: T0 }))).ok).toBe(true);
    expect(await gate.admit(admitInput({ ...RESERVE, now: T0 }))).toMatchObject({
      ok: false,
      reason: "tokens",
      budget: "user:user_a:tokens:day",
      retryAfter: 12 * 3600,
    });
    // Another user has their own daily tokens.
    expect((await gate.admit(admitInput({ ...RESERVE, userId: "user_b", now: T0 }))).ok).toBe(true);
  });

  it("reserves max_tokens_cap when the request gives no max_tokens", async () => {
    const { projectId, gate } = freshGate();
    await gate.configure(snapshot(projectId, {}, { tokens_per_day: 1_000, max_tokens_cap: 995 }));
    expect(await gate.admit(admitInput({ estimatedPromptTokens: 10, maxTokens: undefined, now: T0 }))).toMatchObject({
      ok: false,
      reason: "tokens",
    });
    expect(await gate.admit(admitInput({ estimatedPromptTokens: 5, maxTokens: undefined, now: T0 }))).toMatchObject({
      ok: true,
      reservation: { tokens: 1_000 },
    });
  });

  it.each([
    // what the request asks for          reserved tokens (prompt 10, max_tokens_cap 100)
    [{ maxTokens: undefined, choices: 8 }, 10 + 8 * 100], // n without max_tokens: the cap, n times
    [{ maxTokens: 30, choices: 4 }, 10 + 4 * 30], // n with max_tokens
    [{ maxTokens: 30, choices: undefined }, 10 + 30],
  ])("reserves the completion for every one of the n choices: %o", async (bound, reserved) => {
    const { projectId, gate } = freshGate();
    await gate.configure(snapshot(projectId, {}, { max_tokens_cap: 100 }));
    expect(await gate.admit(admitInput({ estimatedPromptTokens: 10, ...bound, now: T0 }))).toMatchObject({
      ok: true,
      reservation: { tokens: reserved },
    });
  });

  it("adds the system_prompt it injects after admission to the prompt estimate, per tier", async () => {
    const { projectId, gate } = freshGate();
    const prompt = "You answer questions about the product only. ".repeat(20);
    await gate.configure(
      snapshot(projectId, { tiers: { bare: { system_prompt: null } } }, { system_prompt: prompt, max_tokens_cap: 100 }),
    );
    const withPrompt = await gate.admit(admitInput({ estimatedPromptTokens: 10, maxTokens: 10, now: T0 }));
    const bare = await gate.admit(admitInput({ estimatedPromptTokens: 10, maxTokens: 10, tier: "bare", now: T0 }));
    if (!withPrompt.ok || !bare.ok) throw new Error("not admitted");
    expect(bare.reservation.tokens).toBe(20);
    expect(withPrompt.reservation.tokens).toBe(20 + systemPromptTokens(prompt));
    expect(systemPromptTokens(prompt)).toBeGreaterThan(100);
  });

  it("reserves reasoning the cap does not bound, and prices the dearest fallback", async () => {
    const { projectId, gate } = freshGate();
    await gate.configure(
      snapshot(
        projectId,
        {},
        { provider_model: "openai/gpt-4o-mini", fallback_models: ["deepseek/deepseek-reasoner"], max_tokens_cap: 100 },
      ),
    );
    const decision = await gate.admit(admitInput({ estimatedPromptTokens: 10, maxTokens: 10, model: null, now: T0 }));
    if (!decision.ok) throw new Error("not admitted");
    const completion = 10 + reasoningBeyondCap("deepseek/deepseek-reasoner");
    expect(decision.reservation.tokens).toBe(10 + completion);
    const price = dearest([microUsdPerMillion("openai/gpt-4o-mini"), microUsdPerMillion("deepseek/deepseek-reasoner")]);
    expect(decision.reservation.microUsd).toBe(microUsdFor(10, completion, price));
    expect(price).not.toEqual(microUsdPerMillion("openai/gpt-4o-mini"));
  });

  it.each([
    // status,           prompt, completion, charged
    ["aborted", 10, 3, 13], // client abort: charged for what was generated
    ["provider_error", 0, 0, 0], // failed upstream: the reservation is released
    ["blocked", 0, 0, 0], // refused by a guardrail after admission: a row, no charge
  ] as const)("settle %s charges %i + %i", async (statusName, promptTokens, completionTokens, charged) => {
    const { projectId, gate } = freshGate();
    await gate.configure(snapshot(projectId));
    const decision = await gate.admit(admitInput({ ...RESERVE, now: T0 }));
    if (!decision.ok) throw new Error("not admitted");
    expect((await status(gate, "project:tokens:day")).reserved).toBe(20);
    const result = await gate.settle(
      settleInput(decision.reservation.requestId, { status: statusName, promptTokens, completionTokens, now: T0 }),
    );
    expect(result.chargedTokens).toBe(charged);
    expect(await status(gate, "project:tokens:day")).toMatchObject({ spent: charged, reserved: 0 });
  });

  it("settle is idempotent by request id; an unknown id charges nothing", async () => {
    const { projectId, gate } = freshGate();
    await gate.configure(snapshot(projectId));
    const decision = await gate.admit(admitInput({ ...RESERVE, now: T0 }));
    if (!decision.ok) throw new Error("not admitted");
    const first = await gate.settle(settleInput(decision.reservation.requestId, { now: T0 }));
    const again = await gate.settle(settleInput(decision.reservation.requestId, { completionTokens: 999, now: T0 }));
    expect(again).toEqual(first);
    expect((await status(gate, "project:tokens:day")).spent).toBe(20);
    expect(await gate.settle(settleInput("never-admitted"))).toMatchObject({ found: false, chargedTokens: 0 });
  });
});

describe("project gate: dollar budgets", () => {
  const price = { input: 1_000_000, output: 2_000_000 }; // $1 / $2 per million tokens, in micro-USD

  it("reserves the worst case at the model's price and refuses with `budget`", async () => {
    const { projectId, gate } = freshGate();
    // 0.0001 USD = 100 micro-USD; one request's worst case = 10×1 + 10×2 = 30 micro-USD → 3 fit.
    await gate.configure(snapshot(projectId, {}, { budget_usd: { project: { day: 0.0001 } } }));
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        gate.admit(admitInput({ ...RESERVE, userId: `u${i}`, priceMicroUsdPerMillion: price, now: T0 })),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    expect(results.find((r) => !r.ok)).toMatchObject({ reason: "budget", budget: "project:usd:day" });
    const left = results.flatMap((r) => (r.ok ? [r.remaining.microUsd] : []));
    expect(left.sort()).toEqual([10, 40, 70]); // what was left after each reservation
  });

  it("per-user dollar budgets hold per user", async () => {
    const { projectId, gate } = freshGate();
    await gate.configure(snapshot(projectId, {}, { budget_usd: { user: { month: 0.00005 } } }));
    expect((await gate.admit(admitInput({ ...RESERVE, priceMicroUsdPerMillion: price, now: T0 }))).ok).toBe(true);
    expect(await gate.admit(admitInput({ ...RESERVE, priceMicroUsdPerMillion: price, now: T0 }))).toMatchObject({
      reason: "budget",
      budget: "user:user_a:usd:month",
    });
    expect(
      (await gate.admit(admitInput({ ...RESERVE, userId: "user_b", priceMicroUsdPerMillion: price, now: T0 }))).ok,
    ).toBe(true);
  });

  it("prices a request without its own price at the project's model, so a dollar budget holds from the first request", async () => {
    const { projectId, gate } = freshGate();
    // $0.00001 cannot cover a worst case at mock/tollgate-mock's price: refused before anything is spent.
    await gate.configure(snapshot(projectId, {}, { budget_usd: { project: { day: 0.00001 } } }));
    expect(await gate.admit(admitInput({ ...RESERVE, now: T0 }))).toMatchObject({ ok: false, reason: "budget" });
    // A budget with room admits, and a spent one refuses.
    const roomy = freshGate();
    await roomy.gate.configure(snapshot(roomy.projectId, {}, { budget_usd: { project: { day: 1 } } }));
    const decision = await roomy.gate.admit(admitInput({ ...RESERVE, now: T0 }));
    if (!decision.ok) throw new Error("not admitted");
    expect(decision.reservation.microUsd).toBeGreaterThan(0);
    await roomy.gate.settle(settleInput(decision.reservation.requestId, { costMicroUsd: 1_000_000, now: T0 }));
    expect(await roomy.gate.admit(admitInput({ ...RESERVE, now: T0 }))).toMatchObject({ ok: false, reason: "budget" });
  });
});
