// `ztpath matrix` with a worker thread (cli/matrix-threads.ts) gives the answer of one thread: the
// worker imports the same files again, takes VNet runs of source batches from the shared counter
// and hands back its part of the cell table. On the synthetic tier-S estate (seeded), with the main
// thread waiting for the worker so that the worker surely takes a share.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntervalSet, compile, computeMatrix, type MatrixAnswer, type MatrixOptions, type MatrixPart } from '../../core/index.ts';
import { writeEstate } from '../../bench/synth/writer.ts';
import { listJsonFiles } from '../../bench/estates.ts';
import { importSource, type SnapshotSource } from '../../cli/load-snapshot.ts';
import { computeMatrixThreaded, matrixThreads } from '../../cli/matrix-threads.ts';

const root = mkdtempSync(join(tmpdir(), 'ztpath-matrix-threads-'));
let source: SnapshotSource;

beforeAll(async () => {
  await writeEstate(root, 'S', 1);
  source = { documents: listJsonFiles(root).map((file) => ({ file, name: relative(root, file) })) };
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

function json(a: MatrixAnswer): string {
  const { stats, ...rest } = a;
  return JSON.stringify(rest);
}

describe('the matrix on two threads', () => {
  it.each<[string, MatrixOptions]>([
    ['by subnet', { by: 'subnet' }],
    ['by ASG, ports 22,443,3389', { by: 'asg', ports: IntervalSet.fromRanges([[22, 22], [443, 443], [3389, 3389]]) }],
  ])('equals the matrix of one thread, %s', async (_name, opts) => {
    const dp = compile(importSource(source));
    const whole = computeMatrix(dp, opts);
    let part: MatrixPart | undefined;
    const two = await computeMatrixThreaded(dp, opts, source, 2, { waitForWorker: true, onWorkerPart: (p) => (part = p) });
    expect(part?.stats.sourceClasses).toBeGreaterThan(0);
    expect(part!.stats.sourceClasses).toBeLessThan(whole.stats!.sourceClasses);
    expect(two.stats?.sourceClasses).toBe(whole.stats?.sourceClasses);
    expect(json(two)).toBe(json(whole));
  }, 120_000);

  it('falls back to one thread when the worker cannot load the estate', async () => {
    const dp = compile(importSource(source));
    const whole = computeMatrix(dp, { by: 'subnet' });
    const broken: SnapshotSource = { documents: [{ file: join(root, 'no-such-file.json'), name: 'no-such-file.json' }] };
    const two = await computeMatrixThreaded(dp, { by: 'subnet' }, broken, 2, { waitForWorker: true });
    expect(json(two)).toBe(json(whole));
  }, 120_000);

  it('uses one thread on a small estate or on fewer than 4 cores, unless told otherwise', () => {
    const dp = compile(importSource(source));
    expect(matrixThreads(dp, {}, 8)).toBe(1);
    expect(matrixThreads(dp, { ZTPATH_MATRIX_THREADS: '2' }, 2)).toBe(2);
    expect(matrixThreads(dp, { ZTPATH_MATRIX_THREADS: '2' })).toBe(2);
    expect(matrixThreads(dp, { ZTPATH_MATRIX_THREADS: '1' })).toBe(1);
  });
});
