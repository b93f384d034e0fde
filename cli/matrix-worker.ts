// A worker thread of `ztpath matrix` (started by cli/matrix-threads.ts): it imports the same files
// as the main thread, compiles its own data plane, takes the second half of the source batches the
// main thread has not taken yet (the counter they share), and sends its part of the cell table back
// as typed arrays (moved, not copied).

import { parentPort, workerData } from 'node:worker_threads';
import { IntervalSet, MatrixFill, compile } from '../core/index.ts';
import { importSource } from './load-snapshot.ts';
import { workerClaimer, type FromMatrixWorker, type MatrixWorkerSetup } from './matrix-threads.ts';

function main(): void {
  const port = parentPort;
  if (!port) throw new Error('matrix-worker.ts runs as a worker thread');
  const setup = workerData as MatrixWorkerSetup;
  try {
    const dp = compile(importSource(setup.source));
    const ports = setup.ports ? IntervalSet.fromRanges(setup.ports) : undefined;
    const fill = new MatrixFill(dp, { by: setup.by, ports });
    // Not the main thread's estate (a file changed in between): take nothing, say why.
    if (fill.batchCount !== setup.batchCount) throw new Error(`the estate read again has ${fill.batchCount} source batches, not ${setup.batchCount}`);
    const counter = new Int32Array(setup.counter);
    Atomics.store(counter, 1, 1);
    fill.run(workerClaimer(counter, fill.vnetRuns(), fill.batchSizes()));
    const part = fill.part();
    const c = part.cells;
    const transfer = [c.counts, c.to, c.value, c.kind, c.flags, c.exampleSrc, c.exampleDst, c.born].map((a) => a.buffer as ArrayBuffer);
    port.postMessage({ part } satisfies FromMatrixWorker, transfer);
  } catch (e) {
    port.postMessage({ failed: e instanceof Error ? e.message : String(e) } satisfies FromMatrixWorker);
  }
}

main();
