import { describe, expect, it } from "vitest";
import { DAY_MS, effectiveRetentionDays, planSweep, sweepWindow, type SessionActivity } from "../../src/retention/plan";

const NOW = Date.parse("2026-06-30T12:00:00Z");

describe("effectiveRetentionDays", () => {
  it.each<[number, (number | undefined)[], number]>([
    [30, [], 30],
    [30, [undefined, undefined], 30],
    [30, [7], 30], // a shorter tier never shortens anyone else's retention
    [7, [30, undefined], 30], // a longer tier's users keep theirs
    [1, [3_650, 90], 3_650],
  ])("project %i, tiers %j → %i", (project, tiersDays, expected) => {
    expect(effectiveRetentionDays(project, tiersDays)).toBe(expected);
  });
});

describe("sweepWindow", () => {
  it.each<[string, number, number | null, { after: number; through: number } | null]>([
    ["first run sweeps everything up to the cutoff", 30, null, { after: -1, through: NOW - 30 * DAY_MS }],
    [
      "a later run continues from the watermark",
      30,
      NOW - 31 * DAY_MS,
      { after: NOW - 31 * DAY_MS, through: NOW - 30 * DAY_MS },
    ],
    [
      "shortened retention (30 → 7) covers the newly due range",
      7,
      NOW - 30 * DAY_MS,
      { after: NOW - 30 * DAY_MS, through: NOW - 7 * DAY_MS },
    ],
    ["lengthened retention (7 → 30) has nothing due", 30, NOW - 7 * DAY_MS, null],
    ["a watermark at the cutoff has nothing due", 30, NOW - 30 * DAY_MS, null],
  ])("%s", (_name, days, watermark, expected) => {
    expect(sweepWindow(NOW, days, watermark)).toEqual(expected);
  });
});

describe("planSweep", () => {
  const window = { after: 1_000, through: 5_000 };
  const at = (lastSeenAt: number, n = lastSeenAt): SessionActivity => ({
    userId: `u${n}`,
    sessionId: `s${n}`,
    lastSeenAt,
  });

  it("clears every session found and moves the watermark to the cutoff when the batch was not full", () => {
    expect(planSweep("prj_1", window, [at(2_000), at(4_000)], 10)).toEqual({
      purge: [
        { projectId: "prj_1", uid: "u2000", session: "s2000" },
        { projectId: "prj_1", uid: "u4000", session: "s4000" },
      ],
      sweptThrough: 5_000,
    });
  });

  it("advances to the cutoff when nothing was found", () => {
    expect(planSweep("prj_1", window, [], 10)).toEqual({ purge: [], sweptThrough: 5_000 });
  });

  it("stops just before the last session of a full batch, so ties at that millisecond are not skipped", () => {
    expect(planSweep("prj_1", window, [at(2_000), at(3_000, 1), at(3_000, 2)], 3).sweptThrough).toBe(2_999);
  });

  it("passes a millisecond shared by a whole full batch, so a run always progresses", () => {
    expect(planSweep("prj_1", window, [at(3_000, 1), at(3_000, 2)], 2).sweptThrough).toBe(3_000);
  });

  it("never clears a session outside the window even if the query returned one", () => {
    const plan = planSweep("prj_1", window, [at(1_000), at(6_000)], 10);
    expect(plan.purge).toEqual([]);
  });
});
