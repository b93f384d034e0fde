// The candidate pairs of a bounded change, as disjoint groups for comparing them by class (when
// they are too many to compare one by one: a VNet removed at tier L). Every candidate pair must be
// in exactly one group (a pair compared twice would be reported twice, one left out would hide a
// change), and the pairs of a group must share their classes (one walk answers for all of them).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Rect } from '../../../core/analysis/diff/affected.ts';
import { candidateBlocks, candidateGroups, classesOf, regionOf } from '../../../core/analysis/diff/candidate-blocks.ts';
import { IntervalSet } from '../../../core/sets/interval-set.ts';
import { PacketSpace } from '../../../core/sets/packet-space.ts';

const SOURCES = ['s0', 's1', 's2', 's3', 's4', 's5', 'internet'];
const DESTS = ['d0', 'd1', 'd2', 'd3', 'd4', 'd5', 's0', 's1'];

const keySet = (keys: string[]) => fc.oneof(fc.constant('all' as const), fc.subarray(keys, { minLength: 1 }).map((x) => new Set(x)));
const rect = fc.record({ srcs: keySet(SOURCES), dsts: keySet(DESTS), reason: fc.constant('test') }).filter((r) => r.srcs !== 'all' || r.dsts !== 'all') as fc.Arbitrary<Rect>;
const classes = (keys: string[]) => fc.tuple(...keys.map(() => fc.integer({ min: 0, max: 2 }))).map((cs) => new Map(keys.map((k, i) => [k, `c${cs[i]}`])));

describe('candidate groups', () => {
  it('hold every candidate pair exactly once, each group within one pair of classes', () => {
    fc.assert(
      fc.property(fc.array(rect, { minLength: 1, maxLength: 6 }), classes(SOURCES), classes(DESTS), (rects, sc, dc) => {
        const blocks = candidateBlocks(rects)!;
        const expected = new Set<string>();
        for (const r of rects) for (const s of r.srcs === 'all' ? SOURCES : r.srcs) for (const d of r.dsts === 'all' ? DESTS : r.dsts) expected.add(`${s}>${d}`);
        const seen: string[] = [];
        const { groups, pairs } = candidateGroups(blocks, () => SOURCES, () => DESTS, (k) => sc.get(k), (k) => dc.get(k));
        expect(pairs).toBe(expected.size);
        for (const group of groups) {
          expect(group.length).toBeGreaterThan(0);
          const pairsOfClasses = new Set<string>();
          for (const { srcs, dsts } of group) for (const s of srcs) for (const d of dsts) {
            seen.push(`${s}>${d}`);
            pairsOfClasses.add(`${sc.get(s)}>${dc.get(d)}`);
          }
          expect(pairsOfClasses.size).toBe(1);
        }
        expect(seen.length).toBe(new Set(seen).size);
        expect(new Set(seen)).toEqual(expected);
        // The bound the limit is judged on is never below the pairs compared.
        expect(blocks.rows.size * DESTS.length + (SOURCES.length - blocks.rows.size) * blocks.cols.size + blocks.finiteBound).toBeGreaterThanOrEqual(expected.size);
      }),
      { numRuns: 300 },
    );
  });

  it('a rect of every source and every destination has no bound', () => {
    expect(candidateBlocks([{ srcs: 'all', dsts: 'all', reason: 'x' }])).toBeUndefined();
  });

  it('keys that are no source or destination on either side are left out', () => {
    expect(classesOf(['a', 'gone', 'b', 'c'], (k) => (k === 'gone' ? undefined : k === 'c' ? 'x' : 'y'))).toEqual([['a', 'b'], ['c']]);
    const blocks = candidateBlocks([{ srcs: new Set(['s0', 'gone']), dsts: new Set(['d0']), reason: 'x' }])!;
    const pairs = [...candidateGroups(blocks, () => ['s0'], () => ['d0'], (k) => (k === 'gone' ? undefined : 'c'), () => 'c').groups].flatMap((g) => g.flatMap((b) => b.srcs.flatMap((s) => b.dsts.map((d) => `${s}>${d}`))));
    expect(pairs).toEqual(['s0>d0']);
  });

  it("a group's region covers every block's region, and is anywhere when one block has none", () => {
    const port = (p: number) => PacketSpace.of({ protocols: IntervalSet.point(6), src: IntervalSet.range(0, 2 ** 32 - 1), srcPorts: IntervalSet.range(0, 65535), dst: IntervalSet.range(0, 2 ** 32 - 1), dstPorts: IntervalSet.point(p) });
    const r443 = port(443);
    const r22 = port(22);
    const rects: Rect[] = [
      { srcs: new Set(['s0']), dsts: new Set(['d0']), reason: 'a', region: r443 },
      { srcs: new Set(['s1']), dsts: new Set(['d0']), reason: 'b', region: r22 },
      { srcs: new Set(['s2']), dsts: new Set(['d1']), reason: 'c' },
      // s2 is also in a rect with a region: one rect without one makes its pairs differ anywhere.
      { srcs: new Set(['s2']), dsts: new Set(['d0']), reason: 'd', region: r443 },
    ];
    // s0 and s1 are one class but in different rects: one group, two blocks.
    const { groups } = candidateGroups(candidateBlocks(rects)!, () => ['s0', 's1', 's2'], () => ['d0', 'd1'], (k) => (k === 's2' ? 'y' : 'x'), () => 'c');
    const list = [...groups];
    expect(list.map((g) => g.length)).toEqual([2, 1]);
    const both = regionOf(list[0])!;
    for (const p of [443, 22]) expect(both.intersect(port(p)).isEmpty()).toBe(false);
    expect(both.intersect(port(80)).isEmpty()).toBe(true);
    expect(regionOf(list[1])).toBeUndefined();
    expect(regionOf([{ srcs: [], dsts: [], region: r443 }, { srcs: [], dsts: [], region: r443 }])).toBe(r443);
    expect(regionOf([{ srcs: [], dsts: [], region: r443 }, { srcs: [], dsts: [] }])).toBeUndefined();
  });
});
