// Seeded pseudo-random numbers for the synthetic estate generator.
// sfc32 (Chris Doty-Humphrey's Small Fast Counter), seeded through an FNV-1a + murmur3 finaliser
// hash of (seed, labels...), so every part of the estate draws from its own independent stream
// and the output does not depend on the order in which parts are generated.

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number;
  /** true with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** A new array: the items in a random order (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[];
  /** `count` distinct items, in random order. */
  sample<T>(items: readonly T[], count: number): T[];
  /** `length` lower-case hex digits. */
  hex(length: number): string;
  /** A lower-case RFC 4122-shaped (version 4) GUID. */
  guid(): string;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of the parts (FNV-1a over their text, then the murmur3 finaliser). */
export function hashParts(...parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const text = `${String(part)}\u0000`;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  }
  return fmix32(h);
}

/** The raw sfc32 generator: returns a function giving uint32 values. */
export function sfc32(a: number, b: number, c: number, d: number): () => number {
  return () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
}

/** A generator for the stream named by `labels` under `seed`. */
export function createRng(seed: number, ...labels: readonly (string | number)[]): Rng {
  const h = hashParts('ztpath-synth', seed, ...labels);
  const next32 = sfc32(h, fmix32(h ^ 0x9e3779b9), fmix32(h + 0x6a09e667), fmix32(h ^ 0xbb67ae85));
  for (let i = 0; i < 12; i++) next32();

  const next = (): number => next32() / 4294967296;
  const int = (lo: number, hi: number): number => {
    if (hi < lo) throw new RangeError(`int(${lo}, ${hi}): empty range`);
    return lo + Math.floor(next() * (hi - lo + 1));
  };
  const shuffle = <T>(items: readonly T[]): T[] => {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = int(0, i);
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  };
  const hex = (length: number): string => {
    let s = '';
    while (s.length < length) s += next32().toString(16).padStart(8, '0');
    return s.slice(0, length);
  };
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[int(0, items.length - 1)] as T;
    },
    shuffle,
    sample: <T>(items: readonly T[], count: number): T[] => {
      if (count > items.length) throw new RangeError(`sample ${count} of ${items.length}`);
      return shuffle(items).slice(0, count);
    },
    hex,
    guid: () => {
      const h32 = hex(32);
      const variant = '89ab'[int(0, 3)] as string;
      return `${h32.slice(0, 8)}-${h32.slice(8, 12)}-4${h32.slice(13, 16)}-${variant}${h32.slice(17, 20)}-${h32.slice(20, 32)}`;
    },
  };
}
