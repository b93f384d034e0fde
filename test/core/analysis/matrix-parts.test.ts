// The matrix filled in parts (MatrixFill: source batches shared out between fills, one fill
// absorbing the others' parts, as the worker threads of `ztpath matrix` do) gives the answer of one
// fill of every batch: the same JSON, cell examples and caveat order included, whichever fill takes
// which batch. On the synthetic tier-S estate (seeded) and the sample estate.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntervalSet, MatrixFill, computeMatrix, type DataPlane, type MatrixAnswer, type MatrixOptions } from '../../../core/index.ts';
import { writeEstate } from '../../../bench/synth/writer.ts';
import { dataPlaneOf, readFolderDocuments, REPO_ROOT } from '../../support/load.ts';

const root = mkdtempSync(join(tmpdir(), 'ztpath-matrix-parts-'));
let synth: () => DataPlane;
const sample = () => dataPlaneOf(readFolderDocuments(join(REPO_ROOT, 'examples/hub-spoke')), { allowErrors: true });

beforeAll(async () => {
  await writeEstate(root, 'S', 1);
  const docs = readFolderDocuments(root);
  synth = () => dataPlaneOf(docs, { allowErrors: true });
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The stable JSON (work stats left out). */
function json(a: MatrixAnswer): string {
  const { stats, ...rest } = a;
  expect(stats?.sourceClasses).toBeGreaterThan(0);
  return JSON.stringify(rest);
}

/**
 * The matrix from one fill per plan, each on its own data plane, taking the batches its plan
 * lists (in increasing order), all absorbed by the first. The plans share out every batch.
 */
function inParts(make: () => DataPlane, opts: MatrixOptions, plans: (n: number, runs: Int32Array) => number[][]): MatrixAnswer {
  const first = new MatrixFill(make(), opts);
  const list = plans(first.batchCount, first.vnetRuns());
  expect(list.flat().sort((x, y) => x - y)).toEqual(range(0, first.batchCount));
  const fills = list.map((batches, i) => {
    const f = i === 0 ? first : new MatrixFill(make(), opts);
    let k = 0;
    f.run(() => (k < batches.length ? batches[k++] : -1));
    return f;
  });
  for (const f of fills.slice(1)) first.absorb(structuredClone(f.part()));
  return first.answer();
}

const range = (lo: number, hi: number) => Array.from({ length: Math.max(0, hi - lo) }, (_, i) => lo + i);
/** Every k-th batch (from `start`) to one fill, the rest to another. */
const alternate = (k: number, start: number) => (n: number) => [range(0, n).filter((b) => b % k === start), range(0, n).filter((b) => b % k !== start)];
/** The first `m` batches to one fill, the rest to another. */
const halves = (m: (n: number) => number) => (n: number) => [range(0, m(n)), range(m(n), n)];
/** VNet runs of batches in turn to `k` fills, from fill `start` on (as the threads take them). */
const runsInTurn = (k: number, start: number) => (n: number, runs: Int32Array) => {
  const out: number[][] = Array.from({ length: k }, () => []);
  for (let r = 0; r + 1 < runs.length; r++) out[(r + start) % k].push(...range(runs[r], runs[r + 1]));
  return out;
};

describe('a matrix filled in parts equals one filled whole', () => {
  const cases: [string, MatrixOptions][] = [
    ['by subnet', { by: 'subnet' }],
    ['by ASG', { by: 'asg' }],
    ['by VNet, ports 22,443,3389', { by: 'vnet', ports: IntervalSet.fromRanges([[22, 22], [443, 443], [3389, 3389]]) }],
  ];
  it.each(cases)('on the tier-S estate, %s: batches alternating, in halves, or VNet runs in turn to two or three fills', (_name, opts) => {
    const whole = json(computeMatrix(synth(), opts));
    expect(json(inParts(synth, opts, alternate(2, 1)))).toBe(whole);
    expect(json(inParts(synth, opts, halves((n) => n >> 1)))).toBe(whole);
    expect(json(inParts(synth, opts, runsInTurn(2, 1)))).toBe(whole);
    expect(json(inParts(synth, opts, runsInTurn(3, 0)))).toBe(whole);
  });

  it('on the sample estate, with caveats', () => {
    const whole = computeMatrix(sample(), { by: 'subnet' });
    expect(whole.caveats.length).toBeGreaterThan(0);
    expect(json(inParts(sample, { by: 'subnet' }, alternate(2, 0)))).toBe(json(whole));
    expect(json(inParts(sample, { by: 'subnet' }, runsInTurn(2, 1)))).toBe(json(whole));
  });

  it('a fill that took no batch adds nothing; nor does the first, when it took none', () => {
    const whole = json(computeMatrix(synth(), { by: 'subnet' }));
    expect(json(inParts(synth, { by: 'subnet' }, halves((n) => n)))).toBe(whole);
    expect(json(inParts(synth, { by: 'subnet' }, halves(() => 0)))).toBe(whole);
  });
});
