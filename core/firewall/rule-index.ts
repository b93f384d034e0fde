// Which rules of an ordered list can meet a query, by one address dimension. A firewall policy of a
// large estate holds hundreds of rules per hub (a set per spoke), and a query pinned to one source
// or destination meets few of them. Skipping the others changes no answer: a rule whose addresses
// miss the query's span misses every packet of it, which the evaluation checked rule by rule before.

import type { IntervalSet } from '../sets/interval-set.ts';

/** A query spanning more segments than this is answered with every rule (merging costs more). */
const MAX_SEGMENTS = 8;

export class RuleAddressIndex {
  /** Segment i is [starts[i], starts[i + 1] - 1] (the last one to the end); starts[0] is 0. */
  private readonly starts: number[];
  /** Per segment, the ordinals of the rules that meet it, ascending. */
  private readonly lists: number[][];

  /** `sets[k]`: the addresses of rule k on the indexed dimension. */
  constructor(sets: readonly IntervalSet[]) {
    const points = new Set<number>([0]);
    for (const s of sets) {
      const b = s.bounds;
      for (let i = 0; i < b.length; i += 2) {
        points.add(b[i]);
        points.add(b[i + 1] + 1);
      }
    }
    this.starts = [...points].sort((x, y) => x - y);
    this.lists = this.starts.map(() => []);
    sets.forEach((s, k) => {
      const b = s.bounds;
      for (let i = 0; i < b.length; i += 2) {
        // Ranges of one set are disjoint and sorted: each segment gets the ordinal once, in order.
        for (let seg = this.segmentOf(b[i]); seg < this.starts.length && this.starts[seg] <= b[i + 1]; seg++) this.lists[seg].push(k);
      }
    });
  }

  /** The segment holding x. */
  private segmentOf(x: number): number {
    let l = 0;
    let r = this.starts.length - 1;
    while (l < r) {
      const m = (l + r + 1) >>> 1;
      if (this.starts[m] <= x) l = m;
      else r = m - 1;
    }
    return l;
  }

  /** The ordinals of the rules that may meet [lo, hi], ascending; undefined when every rule may. */
  meeting(lo: number, hi: number): readonly number[] | undefined {
    const i = this.segmentOf(lo);
    const j = this.segmentOf(hi);
    if (i === j) return this.lists[i];
    if (j - i >= MAX_SEGMENTS) return undefined;
    const all = new Set<number>();
    for (let s = i; s <= j; s++) for (const k of this.lists[s]) all.add(k);
    return [...all].sort((x, y) => x - y);
  }
}
