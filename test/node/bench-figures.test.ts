import { describe, expect, it } from "vitest";
import { descendantsNamed, parseProcStat, processCpuMs } from "../../scripts/bench/process-cpu";
import { blockMedians, pairwise, spread } from "../../scripts/bench/stats";

describe("bench CPU per request from /proc", () => {
  it("reads utime + stime even when the command holds spaces and parentheses", () => {
    const line = "4242 (work (er) d) S 17 4242 17 0 -1 4194560 9 0 0 0 250 75 0 0 20 0 9 0 123 456 789";
    expect(parseProcStat(line)).toEqual({ pid: 4242, comm: "work (er) d", ppid: 17, cpuMs: 3250 });
  });

  it("refuses a line without a command", () => {
    expect(parseProcStat("garbage")).toBeUndefined();
  });

  it("finds this process's own CPU time growing as it works", () => {
    const before = processCpuMs(process.pid);
    expect(before).toBeGreaterThanOrEqual(0);
    let x = 0;
    const until = Date.now() + 120;
    while (Date.now() < until) x += Math.sqrt(x + 1);
    expect(x).toBeGreaterThan(0);
    expect(processCpuMs(process.pid)).toBeGreaterThan(before as number);
  });

  it("lists no descendants under a command nobody runs", () => {
    expect(descendantsNamed("no-such-command-here")).toEqual([]);
  });
});

describe("bench spread over blocks", () => {
  it("takes the p50 of consecutive blocks, in time order", () => {
    const samples = [1, 2, 3, 10, 20, 30, 100, 200, 300];
    expect(blockMedians(samples, 3)).toEqual({ values: [2, 20, 200], median: 20, min: 2, max: 200 });
  });

  it("compares two interleaved targets block by block, not pooled", () => {
    const gateway = spread([5, 7, 9]);
    const floor = spread([4, 6, 8.5]);
    expect(pairwise(gateway, floor, (a, b) => a - b)).toEqual({ values: [1, 1, 0.5], median: 1, min: 0.5, max: 1 });
  });

  it("reports nothing measured as NaN rather than zero", () => {
    expect(spread([]).median).toBeNaN();
  });
});
