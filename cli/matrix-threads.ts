// `ztpath matrix` on two threads: source batches are independent (core/analysis/matrix.ts,
// MatrixFill), so a worker thread (cli/matrix-worker.ts) takes some of them while the main thread
// takes the others, and the main thread absorbs the worker's part of the cell table. The worker
// has to import and compile the estate again (~4 s of one core at tier L): the main thread starts
// at once, and the worker, when it is ready, takes about half of what is left (see MAX_BATCHES).
// Everything the worker costs happens inside this call. On a small estate (the worker would not be
// ready before the work is done), on fewer than 4 cores (see WORKER_MIN_CORES), or when
// ZTPATH_MATRIX_THREADS=1, the main thread does it all; when the worker fails, the main thread
// computes the whole matrix itself.

import { availableParallelism } from 'node:os';
import type { DataPlane, MatrixAnswer, MatrixGrouping, MatrixOptions, MatrixPart } from '../core/index.ts';
import { MatrixFill, computeMatrix } from '../core/index.ts';
import type { SnapshotSource } from './load-snapshot.ts';
import { startTsWorker } from './ts-worker.ts';
import { repoUrl } from './paths.ts';

export interface MatrixWorkerSetup {
  source: SnapshotSource;
  by: MatrixGrouping;
  ports?: [number, number][];
  /** See MAX_BATCHES. */
  counter: SharedArrayBuffer;
  batchCount: number;
}

export type FromMatrixWorker = { part: MatrixPart } | { failed: string };

/**
 * The shared counter: Int32 [state, worker ready]. The state packs the main thread's next batch
 * (low 16 bits) and its limit (high 16 bits, at first the batch count). The main thread takes
 * batches in order below the limit; the worker, when it is ready, moves the limit down to a VNet
 * run boundary that leaves it about half of the source classes not yet taken, and takes the batches
 * from there to the end. So each thread works through one contiguous stretch of VNets: batches of
 * one VNet, and VNets behind one hub appliance, share walks and memo tables, which batches handed
 * out alternately would make both threads compute. Both update the state by compare-and-swap, so a
 * batch is never taken twice or lost.
 */
export const MAX_BATCHES = 0xffff;

/** The main thread's claims: the next batch below the limit, -1 when there is none. */
export function mainClaimer(counter: Int32Array): () => number {
  return () => {
    for (;;) {
      const s = Atomics.load(counter, 0);
      const next = s & 0xffff;
      if (next >= s >>> 16) return -1;
      if (Atomics.compareExchange(counter, 0, s, s + 1) === s) return next;
    }
  };
}

/** The worker's claims: the batches from the split it sets (see MAX_BATCHES) to the end. */
export function workerClaimer(counter: Int32Array, runs: Int32Array, sizes: Int32Array): () => number {
  const n = sizes.length;
  let next = -1;
  return () => {
    if (next < 0) {
      for (;;) {
        const s = Atomics.load(counter, 0);
        const taken = s & 0xffff;
        const split = splitAt(runs, sizes, taken);
        if (Atomics.compareExchange(counter, 0, s, (taken | (split << 16)) | 0) === s) {
          next = split;
          break;
        }
      }
    }
    return next < n ? next++ : -1;
  };
}

/** The first VNet run boundary at or after `taken` that leaves about half of the source classes from `taken` on after it. */
function splitAt(runs: Int32Array, sizes: Int32Array, taken: number): number {
  let left = 0;
  for (let b = taken; b < sizes.length; b++) left += sizes[b];
  let before = 0;
  let b = taken;
  for (const r of runs) {
    if (r < taken) continue;
    for (; b < r; b++) before += sizes[b];
    if (before * 2 >= left) return r;
  }
  return sizes.length;
}

/** Below this many NICs a worker would not be ready (tsx, import, compile) before the matrix is done. */
export const WORKER_MIN_NICS = 20_000;

/**
 * Cores below which the worker does not pay. Measured on 2 cores at tier L (bench/RESULTS.md,
 * 2026-11-28 late night): the worker's second import and compile and its own heap cost ~45 % more
 * CPU than one thread, and the garbage collector's helper threads, which use the second core when
 * one thread computes, have none left; one thread was faster there.
 */
export const WORKER_MIN_CORES = 4;

/**
 * How many threads to use: ZTPATH_MATRIX_THREADS (1 or 2) if set, else 2 on a large estate and a
 * machine with WORKER_MIN_CORES cores or more.
 */
export function matrixThreads(dp: DataPlane, env: Record<string, string | undefined>, cores = availableParallelism()): number {
  const forced = env.ZTPATH_MATRIX_THREADS;
  if (forced === '1' || forced === '2') return Number(forced);
  return cores >= WORKER_MIN_CORES && dp.snapshot.networkInterfaces.size >= WORKER_MIN_NICS ? 2 : 1;
}

/** Test hooks: wait for the worker before taking a batch (so that a small estate is shared too); see the worker's part. */
export interface MatrixThreadHooks {
  waitForWorker?: boolean;
  onWorkerPart?: (part: MatrixPart) => void;
}

/** computeMatrix(dp, opts), with a worker thread that loads `source` (the files dp was compiled from) when `threads` is 2. */
export async function computeMatrixThreaded(dp: DataPlane, opts: MatrixOptions, source: SnapshotSource, threads: number, hooks: MatrixThreadHooks = {}): Promise<MatrixAnswer> {
  if (threads < 2) return computeMatrix(dp, opts);
  const fill = new MatrixFill(dp, opts);
  const n = fill.batchCount;
  if (n > MAX_BATCHES) {
    let next = 0;
    fill.run(() => next++);
    return fill.answer();
  }
  const counter = new Int32Array(new SharedArrayBuffer(8));
  Atomics.store(counter, 0, (n << 16) | 0);
  const setup: MatrixWorkerSetup = { source, by: opts.by ?? 'subnet', ports: opts.ports?.ranges(), counter: counter.buffer as SharedArrayBuffer, batchCount: fill.batchCount };
  const worker = startTsWorker(repoUrl('cli/matrix-worker.ts'), setup);
  let exited = false;
  const reply = new Promise<FromMatrixWorker>((resolve) => {
    worker.once('message', (m: FromMatrixWorker) => resolve(m));
    worker.once('error', (e) => resolve({ failed: e.message }));
    worker.once('exit', (code) => {
      exited = true;
      resolve({ failed: `the worker exited (code ${code})` });
    });
  });
  if (hooks.waitForWorker) while (Atomics.load(counter, 1) === 0 && !exited) await new Promise((r) => setTimeout(r, 10));
  fill.run(mainClaimer(counter));
  if (Atomics.load(counter, 0) >>> 16 >= n) {
    // The worker has not split the batches, and now cannot take any: the main thread did them all.
    await worker.terminate();
    return fill.answer();
  }
  const m = await reply;
  await worker.terminate();
  if ('failed' in m) return computeMatrix(dp, opts);
  hooks.onWorkerPart?.(m.part);
  fill.absorb(m.part);
  return fill.answer();
}
