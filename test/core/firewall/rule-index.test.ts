// The index of firewall rules by address: for a query's span it must name exactly the rules whose
// addresses meet it, in evaluation order (a rule left out would let its packets fall through to a
// later rule: a wrong decision), or none at all when the span is too wide to be worth merging.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RuleAddressIndex } from '../../../core/firewall/rule-index.ts';
import { IntervalSet } from '../../../core/sets/interval-set.ts';

const MAX = 2 ** 32 - 1;
const address = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: MAX }), fc.constantFrom(0, MAX));
const range = fc.tuple(address, address).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as [number, number]);
const set = fc.oneof(fc.array(range, { minLength: 1, maxLength: 4 }).map((rs) => IntervalSet.fromRanges(rs)), fc.constant(IntervalSet.range(0, MAX)));

describe('RuleAddressIndex', () => {
  it('names exactly the rules whose addresses meet the span, ascending (or every rule for a wide span)', () => {
    fc.assert(
      fc.property(fc.array(set, { minLength: 1, maxLength: 30 }), range, (sets, [lo, hi]) => {
        const ix = new RuleAddressIndex(sets);
        const got = ix.meeting(lo, hi);
        const span = IntervalSet.range(lo, hi);
        const expected = sets.flatMap((s, k) => (s.intersects(span) ? [k] : []));
        if (got === undefined) {
          // Only a span across many segments: at least eight rule boundaries inside it.
          const inside = new Set(sets.flatMap((s) => s.bounds.flatMap((b, i) => (i % 2 === 0 ? [b] : [b + 1])).filter((p) => p > lo && p <= hi)));
          expect(inside.size).toBeGreaterThanOrEqual(8);
        } else expect([...got]).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('a point query meets the rules that hold it', () => {
    const ix = new RuleAddressIndex([IntervalSet.range(10, 20), IntervalSet.range(0, MAX), IntervalSet.point(15), IntervalSet.range(30, 40)]);
    expect(ix.meeting(15, 15)).toEqual([0, 1, 2]);
    expect(ix.meeting(25, 25)).toEqual([1]);
    expect(ix.meeting(MAX, MAX)).toEqual([1]);
    expect(ix.meeting(16, 35)).toEqual([0, 1, 3]);
  });
});
