// `ztpath matrix` on two threads: source batches are independent (core/analysis/matrix.ts,
// MatrixFill), so a worker thread (cli/matrix-worker.ts) takes some of them while the main thread
// takes the others, through a shared counter, and the main thread absorbs the worker's part of
// the cell table. The worker has to import and compile the estate
// again (~4 s of one core at tier L): the main thread starts at once and the worker joins when it
// is ready, so the split follows how fast each really is. Each takes whole VNet runs of batches
// (see batchClaimer): batches of one VNet share walks and memo tables. Everything the worker costs happens
// inside this call. On a small estate (the worker would not be ready before the work is done), on
// one core, or when ZTPATH_MATRIX_THREADS=1, the main thread does it all; when the worker fails,
// the main thread computes the whole matrix itself.

import { availableParallelism } from 'node:os';
import type { DataPlane, MatrixAnswer, MatrixGrouping, MatrixOptions, MatrixPart } from '../core/index.ts';
import { MatrixFill, computeMatrix } from '../core/index.ts';
import type { SnapshotSource } from './load-snapshot.ts';
import { startTsWorker } from './ts-worker.ts';

export interface MatrixWorkerSetup {
  source: SnapshotSource;
  by: MatrixGrouping;
  ports?: [number, number][];
  /** Int32 [runs taken, worker claims, worker ready]: see batchClaimer. */
  counter: SharedArrayBuffer;
  batchCount: number;
}

export type FromMatrixWorker = { part: MatrixPart } | { failed: string };

/**
 * Batch claims on the shared counter ([runs taken, worker claims]): each thread takes the next
 * whole run of batches of one VNet (`runs`: MatrixFill.vnetRuns), whose walks and memo tables are
 * shared by the run's batches, and hands out its batches in order; -1 when every run is taken. The
 * worker counts its claims first (slot 1), so that once the main thread has run out of runs and
 * sees no worker claim, the worker cannot take one any more: every run is taken by then.
 */
export function batchClaimer(counter: Int32Array, runs: Int32Array, worker: boolean): () => number {
  let next = 0;
  let end = 0;
  return () => {
    if (next < end) return next++;
    if (worker) Atomics.add(counter, 1, 1);
    const r = Atomics.add(counter, 0, 1);
    if (r >= runs.length - 1) return -1;
    next = runs[r];
    end = runs[r + 1];
    return next++;
  };
}

/** Below this many NICs a worker would not be ready (tsx, import, compile) before the matrix is done. */
export const WORKER_MIN_NICS = 20_000;

/** How many threads to use: ZTPATH_MATRIX_THREADS (1 or 2) if set, else 2 on a large estate and a machine with 2 or more cores. */
export function matrixThreads(dp: DataPlane, env: Record<string, string | undefined>): number {
  const forced = env.ZTPATH_MATRIX_THREADS;
  if (forced === '1' || forced === '2') return Number(forced);
  return availableParallelism() >= 2 && dp.snapshot.networkInterfaces.size >= WORKER_MIN_NICS ? 2 : 1;
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
  const counter = new Int32Array(new SharedArrayBuffer(12));
  const setup: MatrixWorkerSetup = { source, by: opts.by ?? 'subnet', ports: opts.ports?.ranges(), counter: counter.buffer as SharedArrayBuffer, batchCount: fill.batchCount };
  const worker = startTsWorker(new URL('./matrix-worker.ts', import.meta.url), setup);
  let exited = false;
  const reply = new Promise<FromMatrixWorker>((resolve) => {
    worker.once('message', (m: FromMatrixWorker) => resolve(m));
    worker.once('error', (e) => resolve({ failed: e.message }));
    worker.once('exit', (code) => {
      exited = true;
      resolve({ failed: `the worker exited (code ${code})` });
    });
  });
  if (hooks.waitForWorker) while (Atomics.load(counter, 2) === 0 && !exited) await new Promise((r) => setTimeout(r, 10));
  fill.run(batchClaimer(counter, fill.vnetRuns(), false));
  if (Atomics.load(counter, 1) === 0) {
    // The worker took no batch and now cannot: the main thread did them all.
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
