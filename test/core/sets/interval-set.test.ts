import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IntervalSet } from '../../../core/sets/interval-set.ts';

// A naive model: sets of small integers as JS Sets, to check the interval algebra against.
const U = 64;
const rangesArb = fc.array(fc.tuple(fc.integer({ min: 0, max: U - 1 }), fc.integer({ min: 0, max: U - 1 })), { maxLength: 6 });
const toSet = (r: [number, number][]) => IntervalSet.fromRanges(r.map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as [number, number]));
const members = (s: IntervalSet) => {
  const out = new Set<number>();
  for (let i = 0; i < U; i++) if (s.has(i)) out.add(i);
  return out;
};
const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b);

describe('IntervalSet', () => {
  it('normalises overlapping and adjacent ranges', () => {
    const s = IntervalSet.fromRanges([[5, 10], [11, 12], [1, 2], [8, 9]]);
    expect(s.ranges()).toEqual([[1, 2], [5, 12]]);
    expect(s.size()).toBe(10);
  });

  it('fromPoints equals fromRanges of one-number ranges', () => {
    expect(IntervalSet.fromPoints([7, 3, 4, 4, 9, 5]).ranges()).toEqual([[3, 5], [7, 7], [9, 9]]);
    expect(IntervalSet.fromPoints([]).isEmpty()).toBe(true);
    expect(IntervalSet.fromPoints([0xffffffff, 0]).ranges()).toEqual([[0, 0], [0xffffffff, 0xffffffff]]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: U - 1 }), { maxLength: 12 }), (xs) => {
        expect(IntervalSet.fromPoints(xs).ranges()).toEqual(IntervalSet.fromRanges(xs.map((x) => [x, x] as [number, number])).ranges());
      }),
    );
  });

  it('joinOrdered equals fromRanges of the parts given in order, touching parts merged', () => {
    expect(IntervalSet.joinOrdered([IntervalSet.range(1, 4), IntervalSet.EMPTY, IntervalSet.fromRanges([[5, 6], [9, 9]]), IntervalSet.range(10, 12)]).ranges()).toEqual([[1, 6], [9, 12]]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: U - 1 }), { maxLength: 8 }), rangesArb, (cutList, ra) => {
        // Cut [0, U) into consecutive slices and keep a random set's part in each.
        const cuts = [...new Set([0, ...cutList, U])].sort((a, b) => a - b);
        const s = toSet(ra);
        const parts = cuts.slice(1).map((hi, i) => s.intersect(IntervalSet.range(cuts[i], hi - 1)));
        expect(IntervalSet.joinOrdered(parts).ranges()).toEqual(IntervalSet.fromRanges(parts.flatMap((p) => p.ranges())).ranges());
        expect(IntervalSet.joinOrdered(parts).equals(s)).toBe(true);
      }),
    );
  });

  it('union, intersect and subtract agree with a naive model', () => {
    fc.assert(
      fc.property(rangesArb, rangesArb, (ra, rb) => {
        const a = toSet(ra);
        const b = toSet(rb);
        const ma = members(a);
        const mb = members(b);
        expect(sorted(members(a.union(b)))).toEqual(sorted(new Set([...ma, ...mb])));
        expect(sorted(members(a.intersect(b)))).toEqual(sorted(new Set([...ma].filter((x) => mb.has(x)))));
        expect(sorted(members(a.subtract(b)))).toEqual(sorted(new Set([...ma].filter((x) => !mb.has(x)))));
        expect(a.intersects(b)).toBe([...ma].some((x) => mb.has(x)));
        expect(a.contains(b)).toBe([...mb].every((x) => ma.has(x)));
        // Results stay normalised: sorted, disjoint, non-adjacent.
        for (const s of [a.union(b), a.intersect(b), a.subtract(b)]) {
          const r = s.ranges();
          for (let i = 1; i < r.length; i++) expect(r[i][0]).toBeGreaterThan(r[i - 1][1] + 1);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('intersects agrees with the model when one side has a few intervals and the other many (the binary-search path)', () => {
    const W = 512;
    const many = fc.uniqueArray(fc.integer({ min: 0, max: W / 2 - 1 }), { minLength: 20, maxLength: 120 }).map((xs) => IntervalSet.fromRanges(xs.map((x) => [2 * x, 2 * x] as [number, number])));
    const few = fc.array(fc.tuple(fc.integer({ min: 0, max: W - 1 }), fc.integer({ min: 0, max: 8 })), { minLength: 1, maxLength: 4 }).map((r) => IntervalSet.fromRanges(r.map(([lo, len]) => [lo, lo + len] as [number, number])));
    const all = (s: IntervalSet) => {
      const out: number[] = [];
      for (let i = 0; i < W + 8; i++) if (s.has(i)) out.push(i);
      return out;
    };
    fc.assert(
      fc.property(many, few, (m, f) => {
        expect(m.rangeCount).toBeGreaterThan(16);
        const expected = all(f).some((x) => m.has(x));
        expect(f.intersects(m)).toBe(expected);
        expect(m.intersects(f)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});
