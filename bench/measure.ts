// Timing helpers: a monotonic stopwatch, percentiles over samples, and a GC hint between phases
// (the worker runs with --expose-gc so one phase's garbage is not collected on the next's clock).

export function now(): number {
  return performance.now();
}

/** Runs `f` and returns its result with the elapsed milliseconds. */
export async function timed<T>(f: () => T | Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await f();
  return { value, ms: performance.now() - t0 };
}

/** The p-th percentile (0..100) of `samples` by the nearest-rank method; NaN when empty. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export interface SampleSummary {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  totalMs: number;
}

export function summarize(samples: readonly number[]): SampleSummary {
  const total = samples.reduce((a, b) => a + b, 0);
  return {
    samples: samples.length,
    p50Ms: round(percentile(samples, 50)),
    p99Ms: round(percentile(samples, 99)),
    maxMs: round(samples.length ? Math.max(...samples) : Number.NaN),
    meanMs: round(samples.length ? total / samples.length : Number.NaN),
    totalMs: round(total),
  };
}

/** Milliseconds to 3 decimals (JSON stays readable; sub-microsecond noise is not a figure). */
export function round(ms: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(ms * f) / f;
}

export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc === 'function') gc();
}

export function mb(bytes: number): number {
  return round(bytes / 1048576, 1);
}
