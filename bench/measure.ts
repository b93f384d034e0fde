// Timing helpers: a monotonic stopwatch, percentiles over samples, and a GC hint between phases
// (the worker runs with --expose-gc so one phase's garbage is not collected on the next's clock).

import { readFileSync } from 'node:fs';
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

/** Bytes of a memory page, for turning minor faults into megabytes (4 KiB on x86-64 and most arm64 Linux). */
const PAGE_BYTES = 4096;

/**
 * The process's minor page faults so far (Linux: /proc/self/stat), undefined elsewhere. A minor
 * fault is a page of memory touched for the first time: the count times the page size is how
 * much fresh memory the process took on, which on some virtual machines costs more than the
 * work done in it (see freshMemoryMsPerMb).
 */
export function minorFaults(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const n = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[7]);
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Megabytes of fresh memory between two minorFaults() readings. */
export function faultsToMb(from: number | undefined, to: number | undefined): number | undefined {
  return from === undefined || to === undefined ? undefined : round(((to - from) * PAGE_BYTES) / 1048576, 1);
}

/**
 * What touching fresh memory costs on this machine: ms per MB to write 64 MB of newly allocated
 * pages once. Typically ~0.1-0.3 ms per MB on bare metal; some virtual machines pay far more
 * per first touch (the host backs each guest page on its first use), and every figure that grows
 * the heap pays it too.
 */
export function freshMemoryMsPerMb(): number {
  const mb = 64;
  const t0 = now();
  Buffer.allocUnsafeSlow(mb * 1048576).fill(1);
  return round((now() - t0) / mb, 2);
}
