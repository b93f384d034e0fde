// Timing helpers: a monotonic stopwatch, percentiles over samples, and a GC hint between phases
// (the worker runs with --expose-gc so one phase's garbage is not collected on the next's clock).

import { PerformanceObserver } from 'node:perf_hooks';

export function now(): number {
  return performance.now();
}

/** The p-th percentile (0..100) of `samples` by the nearest-rank method; NaN when empty. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
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

/**
 * Between phases: collect the previous phase's garbage, then let the collector's own aftermath
 * finish before the next phase starts its clock. A forced full GC leaves work behind (sweeping
 * the freed pages, handing them back to the OS on a background thread), and the next phase's
 * first scavenges waited for it: after findings freed ~450 MB at tier L, the one-rule what-if's
 * first scavenge took 233 ms (--trace-gc) instead of ~30. A second collection after a pause
 * completes the first one's sweeping, and the pauses let the background threads finish.
 */
export async function settleHeap(): Promise<void> {
  const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 200));
  collectGarbage();
  await pause();
  collectGarbage();
  await pause();
}

/** A running total of GC pauses (perf_hooks 'gc' entries) since the call: for one-off bench scripts. */
export function gcTally(): { ms: number; count: number } {
  const tally = { ms: 0, count: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      tally.ms += e.duration;
      tally.count++;
    }
  }).observe({ entryTypes: ['gc'] });
  return tally;
}

export function mb(bytes: number): number {
  return round(bytes / 1048576, 1);
}
