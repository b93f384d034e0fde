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
 * The matrix from `fills` fills, each on its own data plane, taking batches in turn as `owner`
 * says (batch number -> fill), all absorbed by the first.
 */
function inParts(make: () => DataPlane, opts: MatrixOptions, fills: number, owner: (b: number) => number): MatrixAnswer {
  const all = Array.from({ length: fills }, () => new MatrixFill(make(), opts));
  const n = all[0].batchCount;
  // One counter shared by every fill, as the threads share theirs: each takes the next batch it owns.
  let next = 0;
  let progressed = true;
  while (next < n && progressed) {
    progressed = false;
    all.forEach((f, i) => {
      f.run(() => {
        if (next < n && owner(next) === i) {
          progressed = true;
          return next++;
        }
        return n;
      });
    });
  }
  expect(next).toBe(n);
  for (const f of all.slice(1)) all[0].absorb(structuredClone(f.part()));
  return all[0].answer();
}

describe('a matrix filled in parts equals one filled whole', () => {
  const cases: [string, MatrixOptions][] = [
    ['by subnet', { by: 'subnet' }],
    ['by ASG', { by: 'asg' }],
    ['by VNet, ports 22,443,3389', { by: 'vnet', ports: IntervalSet.fromRanges([[22, 22], [443, 443], [3389, 3389]]) }],
  ];
  it.each(cases)('on the tier-S estate, %s, batches alternating or in halves', (_name, opts) => {
    const whole = json(computeMatrix(synth(), opts));
    expect(json(inParts(synth, opts, 2, (b) => b % 2))).toBe(whole);
    expect(json(inParts(synth, opts, 2, (b) => (b < 7 ? 1 : 0)))).toBe(whole);
    expect(json(inParts(synth, opts, 3, (b) => (b * 7) % 3))).toBe(whole);
  });

  it('on the sample estate, with caveats', () => {
    const whole = computeMatrix(sample(), { by: 'subnet' });
    expect(whole.caveats.length).toBeGreaterThan(0);
    expect(json(inParts(sample, { by: 'subnet' }, 2, (b) => (b + 1) % 2))).toBe(json(whole));
  });

  it('a fill that took no batch adds nothing', () => {
    const whole = json(computeMatrix(synth(), { by: 'subnet' }));
    expect(json(inParts(synth, { by: 'subnet' }, 2, () => 0))).toBe(whole);
  });
});
