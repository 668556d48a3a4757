/** Percentiles by nearest rank on a sorted copy; enough for a few hundred to a few thousand samples. */
export interface Summary {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
}

export function summarise(samples: readonly number[]): Summary {
  if (samples.length === 0) return { n: 0, p50: Number.NaN, p90: Number.NaN, p99: Number.NaN, mean: Number.NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  return {
    n: sorted.length,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    mean: sorted.reduce((sum, x) => sum + x, 0) / sorted.length,
  };
}

export function median(values: readonly number[]): number {
  return summarise(values).p50;
}

/** Median and range of one figure measured in several blocks of a run: a change inside the range is noise. */
export interface Spread {
  /** One value per block, in time order (blocks of interleaved targets cover the same stretch of time). */
  values: number[];
  median: number;
  min: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { values: [], median: Number.NaN, min: Number.NaN, max: Number.NaN };
  return { values: finite, median: median(finite), min: Math.min(...finite), max: Math.max(...finite) };
}

/** The p50 of each of `count` consecutive blocks of samples (taken in order, so each block is a stretch of time). */
export function blockMedians(samples: readonly number[], count: number): Spread {
  const size = Math.max(1, Math.floor(samples.length / count));
  const medians: number[] = [];
  for (let start = 0; start + size <= samples.length && medians.length < count; start += size) {
    medians.push(median(samples.slice(start, start + size)));
  }
  return spread(medians);
}

/** Block by block `a − b` (or `a / b`): the spread of a comparison between two interleaved targets. */
export function pairwise(a: Spread, b: Spread, op: (x: number, y: number) => number): Spread {
  const n = Math.min(a.values.length, b.values.length);
  return spread(Array.from({ length: n }, (_, i) => op(a.values[i] as number, b.values[i] as number)));
}
