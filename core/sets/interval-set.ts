// Sets of non-negative integers as sorted, disjoint, non-adjacent inclusive intervals.
// One implementation serves IPv4 addresses (0 .. 2^32-1) and ports (0 .. 65535): set algebra on
// numbers, never on strings, and never by enumerating members.

/**
 * Appends [lo, hi] to sorted bounds, merging it into the last interval when they overlap or touch.
 * A module function, not a closure per call: union runs on every set operation.
 */
function pushMerged(out: number[], lo: number, hi: number): void {
  const n = out.length;
  if (n > 0 && lo <= out[n - 1] + 1) {
    if (hi > out[n - 1]) out[n - 1] = hi;
  } else out.push(lo, hi);
}

/** Up to this many bounds (4 intervals) on one side, `intersects` searches the other side. */
const SEARCH_SIDE = 8;

/** True when an interval of `few` meets an interval of `many` (both sorted flat bounds). */
function anyMeets(few: readonly number[], many: readonly number[]): boolean {
  for (let i = 0; i < few.length; i += 2) {
    const lo = few[i];
    const hi = few[i + 1];
    // The first interval of `many` that ends at or after lo: it meets [lo, hi] when it starts by hi.
    let l = 0;
    let r = many.length / 2;
    while (l < r) {
      const m = (l + r) >>> 1;
      if (many[2 * m + 1] < lo) l = m + 1;
      else r = m;
    }
    if (l < many.length / 2 && many[2 * l] <= hi) return true;
  }
  return false;
}

export class IntervalSet {
  /** Flat [lo0, hi0, lo1, hi1, ...]; sorted, disjoint and non-adjacent. Never mutated. */
  readonly bounds: readonly number[];

  private constructor(bounds: readonly number[]) {
    this.bounds = bounds;
  }

  static readonly EMPTY = new IntervalSet([]);

  static range(lo: number, hi: number): IntervalSet {
    if (hi < lo) return IntervalSet.EMPTY;
    return new IntervalSet([lo, hi]);
  }

  static point(x: number): IntervalSet {
    return new IntervalSet([x, x]);
  }

  /** Build from arbitrary (unsorted, overlapping) ranges. */
  static fromRanges(ranges: Iterable<readonly [number, number]>): IntervalSet {
    const list = [...ranges].filter(([lo, hi]) => hi >= lo).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const out: number[] = [];
    for (const [lo, hi] of list) {
      const n = out.length;
      if (n > 0 && lo <= out[n - 1] + 1) {
        if (hi > out[n - 1]) out[n - 1] = hi;
      } else {
        out.push(lo, hi);
      }
    }
    return new IntervalSet(out);
  }

  /** The set of these numbers (any order, repeats allowed): fromRanges of one-number ranges, without a pair per number. */
  static fromPoints(points: readonly number[]): IntervalSet {
    const sorted = Float64Array.from(points).sort();
    const out: number[] = [];
    for (let i = 0; i < sorted.length; i++) pushMerged(out, sorted[i], sorted[i]);
    return IntervalSet.of(out);
  }

  /**
   * The union of sets given in order, each wholly after the one before (touching ones merge): what
   * fromRanges of all their ranges gives, without the copies and the sort.
   */
  static joinOrdered(parts: readonly IntervalSet[]): IntervalSet {
    const out: number[] = [];
    for (const p of parts) {
      const b = p.bounds;
      for (let i = 0; i < b.length; i += 2) pushMerged(out, b[i], b[i + 1]);
    }
    return IntervalSet.of(out);
  }

  /** Trusted constructor for already-normalised bounds (used by the algebra below). */
  private static of(bounds: number[]): IntervalSet {
    return bounds.length === 0 ? IntervalSet.EMPTY : new IntervalSet(bounds);
  }

  isEmpty(): boolean {
    return this.bounds.length === 0;
  }

  /** Number of intervals. */
  get rangeCount(): number {
    return this.bounds.length / 2;
  }

  /** Number of members. */
  size(): number {
    let n = 0;
    for (let i = 0; i < this.bounds.length; i += 2) n += this.bounds[i + 1] - this.bounds[i] + 1;
    return n;
  }

  min(): number | undefined {
    return this.bounds[0];
  }

  ranges(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.bounds.length; i += 2) out.push([this.bounds[i], this.bounds[i + 1]]);
    return out;
  }

  has(x: number): boolean {
    // Binary search over interval starts.
    const b = this.bounds;
    let lo = 0;
    let hi = b.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (x < b[2 * mid]) hi = mid - 1;
      else if (x > b[2 * mid + 1]) lo = mid + 1;
      else return true;
    }
    return false;
  }

  union(other: IntervalSet): IntervalSet {
    if (other.isEmpty() || other === this) return this;
    if (this.isEmpty()) return other;
    const a = this.bounds;
    const b = other.bounds;
    const out: number[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      if (j >= b.length || (i < a.length && a[i] <= b[j])) {
        pushMerged(out, a[i], a[i + 1]);
        i += 2;
      } else {
        pushMerged(out, b[j], b[j + 1]);
        j += 2;
      }
    }
    return IntervalSet.of(out);
  }

  intersect(other: IntervalSet): IntervalSet {
    const a = this.bounds;
    const b = other.bounds;
    // Cheap exits that allocate nothing: an empty side, disjoint hulls, or one side inside a single
    // interval of the other (the common case: a pinned address or port against a wide rule).
    if (a.length === 0 || b.length === 0) return IntervalSet.EMPTY;
    const aLo = a[0];
    const aHi = a[a.length - 1];
    const bLo = b[0];
    const bHi = b[b.length - 1];
    if (aHi < bLo || bHi < aLo) return IntervalSet.EMPTY;
    if (a.length === 2 && aLo <= bLo && bHi <= aHi) return other;
    if (b.length === 2 && bLo <= aLo && aHi <= bHi) return this;
    // One side inside the other (a batch's addresses against a tag's prefixes, say): that side,
    // nothing allocated. Intersections were the matrix's largest source of garbage.
    if (within(a, b)) return this;
    if (within(b, a)) return other;
    const out: number[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      const lo = Math.max(a[i], b[j]);
      const hi = Math.min(a[i + 1], b[j + 1]);
      if (lo <= hi) out.push(lo, hi);
      if (a[i + 1] < b[j + 1]) i += 2;
      else j += 2;
    }
    return IntervalSet.of(out);
  }

  subtract(other: IntervalSet): IntervalSet {
    if (this.isEmpty() || other.isEmpty()) return this;
    const a = this.bounds;
    const b = other.bounds;
    // Disjoint hulls leave this set whole; a single interval of `other` covering it leaves nothing.
    if (a[a.length - 1] < b[0] || b[b.length - 1] < a[0]) return this;
    if (b.length === 2 && b[0] <= a[0] && a[a.length - 1] <= b[1]) return IntervalSet.EMPTY;
    const out: number[] = [];
    let j = 0;
    for (let i = 0; i < a.length; i += 2) {
      let lo = a[i];
      const hi = a[i + 1];
      while (j < b.length && b[j + 1] < lo) j += 2;
      let k = j;
      while (k < b.length && b[k] <= hi) {
        if (b[k] > lo) out.push(lo, b[k] - 1);
        lo = Math.max(lo, b[k + 1] + 1);
        if (lo > hi) break;
        k += 2;
      }
      if (lo <= hi) out.push(lo, hi);
    }
    return IntervalSet.of(out);
  }

  intersects(other: IntervalSet): boolean {
    const a = this.bounds;
    const b = other.bounds;
    if (a.length === 0 || b.length === 0 || a[a.length - 1] < b[0] || b[b.length - 1] < a[0]) return false;
    // A few intervals against many (a pinned address, or a query's span, against a large rule set
    // or IP group): a binary search per interval instead of a walk over the large side.
    if (a.length <= SEARCH_SIDE && b.length > 4 * SEARCH_SIDE) return anyMeets(a, b);
    if (b.length <= SEARCH_SIDE && a.length > 4 * SEARCH_SIDE) return anyMeets(b, a);
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      if (Math.max(a[i], b[j]) <= Math.min(a[i + 1], b[j + 1])) return true;
      if (a[i + 1] < b[j + 1]) i += 2;
      else j += 2;
    }
    return false;
  }

  /** True when every member of `other` is in this set. */
  contains(other: IntervalSet): boolean {
    return other.subtract(this).isEmpty();
  }

  equals(other: IntervalSet): boolean {
    const a = this.bounds;
    const b = other.bounds;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /** A stable string key, for hashing sets (equivalence classes, memo tables). */
  key(): string {
    return this.bounds.join(',');
  }
}

/** Every interval of `a` lies inside one of `b` (bounds as sorted disjoint [lo, hi] pairs). */
function within(a: readonly number[], b: readonly number[]): boolean {
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    while (j < b.length && b[j + 1] < a[i]) j += 2;
    if (j >= b.length || b[j] > a[i] || b[j + 1] < a[i + 1]) return false;
  }
  return true;
}
