// `ztpath matrix` on two threads: source batches are independent (core/analysis/matrix.ts,
// MatrixFill), so a worker thread (cli/matrix-worker.ts) takes some of them while the main thread
// takes the others, each the next one not yet taken from a shared counter, and the main thread
// absorbs the worker's part of the cell table. The worker has to import and compile the estate
// again (~4 s of one core at tier L): the main thread starts at once and the worker joins when it
// is ready, so the split follows how fast each really is. Everything the worker costs happens
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
  /** Int32 [next batch, worker claims]: see claimBatch. */
  counter: SharedArrayBuffer;
  batchCount: number;
}

export type FromMatrixWorker = { part: MatrixPart } | { failed: string };

/**
 * The next batch number from the shared counter. The worker counts its claims first (slot 1), so
 * that once the main thread has run out of batches and sees no worker claim, the worker cannot
 * take one any more: the counter is past the last batch by then.
 */
export function claimBatch(counter: Int32Array, worker: boolean): number {
  if (worker) Atomics.add(counter, 1, 1);
  return Atomics.add(counter, 0, 1);
}

/** Below this many NICs a worker would not be ready (tsx, import, compile) before the matrix is done. */
export const WORKER_MIN_NICS = 20_000;

/** How many threads to use: ZTPATH_MATRIX_THREADS (1 or 2) if set, else 2 on a large estate and a machine with 2 or more cores. */
export function matrixThreads(dp: DataPlane, env: Record<string, string | undefined>): number {
  const forced = env.ZTPATH_MATRIX_THREADS;
  if (forced === '1' || forced === '2') return Number(forced);
  return availableParallelism() >= 2 && dp.snapshot.networkInterfaces.size >= WORKER_MIN_NICS ? 2 : 1;
}

/** computeMatrix(dp, opts), with a worker thread that loads `source` (the files dp was compiled from) when `threads` is 2. */
export async function computeMatrixThreaded(dp: DataPlane, opts: MatrixOptions, source: SnapshotSource, threads: number): Promise<MatrixAnswer> {
  const fill = new MatrixFill(dp, opts);
  if (threads < 2 || fill.batchCount < 2) {
    let next = 0;
    fill.run(() => next++);
    return fill.answer();
  }
  const counter = new Int32Array(new SharedArrayBuffer(8));
  const setup: MatrixWorkerSetup = { source, by: opts.by ?? 'subnet', ports: opts.ports?.ranges(), counter: counter.buffer as SharedArrayBuffer, batchCount: fill.batchCount };
  const worker = startTsWorker(new URL('./matrix-worker.ts', import.meta.url), setup);
  const reply = new Promise<FromMatrixWorker>((resolve) => {
    worker.once('message', (m: FromMatrixWorker) => resolve(m));
    worker.once('error', (e) => resolve({ failed: e.message }));
    worker.once('exit', (code) => resolve({ failed: `the worker exited (code ${code})` }));
  });
  fill.run(() => claimBatch(counter, false));
  if (Atomics.load(counter, 1) === 0) {
    // The worker took no batch and now cannot: the main thread did them all.
    await worker.terminate();
    return fill.answer();
  }
  const m = await reply;
  if (process.env.ZTPATH_MATRIX_DEBUG) process.stderr.write(`matrix: worker claims ${Atomics.load(counter, 1)} of ${fill.batchCount} batches: ${"part" in m ? m.part.stats.sourceClasses + " source classes" : m.failed}\n`);
  await worker.terminate();
  if ('failed' in m) return computeMatrix(dp, opts);
  fill.absorb(m.part);
  return fill.answer();
}
