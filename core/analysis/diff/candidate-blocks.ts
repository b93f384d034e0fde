// The candidate pairs of a bounded change as disjoint blocks, for comparing them by class when
// there are too many to compare one by one (a VNet removed at tier L: its endpoints' rows and
// columns, some 9.5 million pairs). Each pair is in exactly one block, so no change is recorded twice.

import { PacketSpace } from '../../sets/packet-space.ts';
import type { Rect } from './affected.ts';

/** Some sources × some destinations: every pair of them. */
export interface Block {
  srcs: string[];
  dsts: string[];
  /** The packets where their answers can differ (Rect.region), when every rect of theirs bounds them. */
  region?: PacketSpace;
}

export interface CandidateBlocks {
  /** Sources paired with every destination. */
  rows: Set<string>;
  /** Destinations paired with every source (the rows' sources aside: they have them already). */
  cols: Set<string>;
  /** The rects of some sources and some destinations (their pairs in rows or columns aside). */
  finite: Rect[];
  /** An upper bound of the finite rects' pairs. */
  finiteBound: number;
}

/** Undefined when a rect pairs every source with every destination (no bound at all). */
export function candidateBlocks(rects: readonly Rect[]): CandidateBlocks | undefined {
  const rows = new Set<string>();
  const cols = new Set<string>();
  const finite: Rect[] = [];
  let finiteBound = 0;
  for (const r of rects) {
    if (r.srcs === 'all' && r.dsts === 'all') return undefined;
    if (r.dsts === 'all') for (const s of r.srcs as Set<string>) rows.add(s);
    else if (r.srcs === 'all') for (const d of r.dsts) cols.add(d);
    else {
      finite.push(r);
      finiteBound += r.srcs.size * r.dsts.size;
    }
  }
  return { rows, cols, finite, finiteBound };
}

/** A class of a key; undefined: the key is no source (or destination) on either side, and is skipped. */
export type ClassOf = (key: string) => string | undefined;

/** Keys grouped by class, in the order of their first member. */
export function classesOf(keys: Iterable<string>, classOf: ClassOf): string[][] {
  return [...classesWithKeys(keys, classOf).values()];
}

/** Every pair of a source class and a destination class, one block each. */
export function* crossedClasses(srcClasses: readonly string[][], dstClasses: readonly string[][]): Iterable<Block[]> {
  for (const srcs of srcClasses) for (const dsts of dstClasses) yield [{ srcs, dsts }];
}

/**
 * Every candidate pair exactly once, in groups whose pairs share a pair of classes: the rows with
 * every destination, every other source with the columns, then the finite rects' pairs that
 * neither holds. `pairs`: how many that is.
 */
export function candidateGroups(blocks: CandidateBlocks, sourceKeys: () => readonly string[], destKeys: () => readonly string[], srcClass: ClassOf, dstClass: ClassOf): { groups: Iterable<Block[]>; pairs: number } {
  // Keys and classes are asked for only where there are pairs: listing every source and asking its
  // class costs ~0.5 s at tier L.
  const rowClasses = classesOf(blocks.rows, srcClass);
  const dstClasses = rowClasses.length ? classesOf(destKeys(), dstClass) : [];
  const colClasses = classesOf(blocks.cols, dstClass);
  const others = colClasses.length ? classesOf(sourceKeys().filter((k) => !blocks.rows.has(k)), srcClass) : [];
  const finite = finiteByClass(blocks, srcClass, dstClass);
  const size = (classes: string[][]) => classes.reduce((n, c) => n + c.length, 0);
  let pairs = size(rowClasses) * size(dstClasses) + size(others) * size(colClasses);
  for (const g of finite) for (const b of g) pairs += b.srcs.length * b.dsts.length;
  function* groups(): Iterable<Block[]> {
    yield* crossedClasses(rowClasses, dstClasses);
    yield* crossedClasses(others, colClasses);
    yield* finite;
  }
  return { groups: groups(), pairs };
}

/**
 * The finite rects' pairs that no row or column holds, each once, grouped by their pair of classes.
 * Sources in the same finite rects pair with the same destinations (the union of theirs): work per
 * such set of sources and per class, not per pair (an outbound rule on a spoke's NSG at tier L is
 * 35 sources × 52,000 destinations).
 */
function finiteByClass(blocks: CandidateBlocks, srcClass: ClassOf, dstClass: ClassOf): Block[][] {
  // Each source (not a row) by the finite rects it is in.
  const rectsOf = new Map<string, number[]>();
  blocks.finite.forEach((r, i) => {
    for (const s of r.srcs as Set<string>) {
      if (blocks.rows.has(s)) continue;
      const l = rectsOf.get(s);
      if (l) l.push(i);
      else rectsOf.set(s, [i]);
    }
  });
  const bySignature = new Map<string, string[]>();
  for (const [s, rs] of rectsOf) {
    const k = rs.join(',');
    const l = bySignature.get(k);
    if (l) l.push(s);
    else bySignature.set(k, [s]);
  }
  // Groups keyed by a pair of class numbers: joining the two class texts (hundreds of characters
  // each) per pair of classes and signature cost most of this at tier L.
  const classIds = new Map<string, number>();
  const idOf = (c: string): number => {
    let i = classIds.get(c);
    if (i === undefined) classIds.set(c, (i = classIds.size));
    return i;
  };
  // Rects of different sources often list the same destinations in the same order (an outbound
  // rule's rect per source: 52,000 at tier L): classified once.
  const seen: { dsts: Set<string>; classes: Map<string, string[]> }[] = [];
  const classified = (dsts: Set<string>): Map<string, string[]> => {
    for (const x of seen) if (sameInOrder(x.dsts, dsts)) return x.classes;
    const classes = classesWithKeys(dsts, dstClass);
    // A few recent ones: comparing against many sets of one size would cost more than it saves.
    if (seen.push({ dsts, classes }) > 8) seen.shift();
    return classes;
  };
  const groups = new Map<number, Map<number, Block[]>>();
  const ordered: Block[][] = [];
  for (const [signature, srcs] of bySignature) {
    const rects = signature.split(',').map((i) => blocks.finite[Number(i)]);
    // One rect and no columns (an outbound rule's rect per source): its destinations as they are.
    let dsts = rects.length === 1 && blocks.cols.size === 0 ? (rects[0].dsts as Set<string>) : undefined;
    if (dsts === undefined) {
      dsts = new Set<string>();
      for (const r of rects) for (const d of r.dsts as Set<string>) if (!blocks.cols.has(d)) dsts.add(d);
    }
    // A pair's answer can differ only where one of its rects says (a rect without a region: anywhere).
    const region = rects.every((r) => r.region) ? new PacketSpace(rects.flatMap((r) => r.region!.boxes)) : undefined;
    const dstClasses = classified(dsts);
    for (const [sc, ss] of classesWithKeys(srcs, srcClass)) {
      let bySrc = groups.get(idOf(sc));
      if (bySrc === undefined) groups.set(idOf(sc), (bySrc = new Map()));
      for (const [dc, ds] of dstClasses) {
        const b: Block = { srcs: ss, dsts: ds, ...(region ? { region } : {}) };
        const g = bySrc.get(idOf(dc));
        if (g) g.push(b);
        else {
          const list = [b];
          bySrc.set(idOf(dc), list);
          ordered.push(list);
        }
      }
    }
  }
  // In the order each pair of classes was first met, as before.
  return ordered;
}

/** Whether two sets hold the same keys in the same order (a cheap test; false says nothing). */
function sameInOrder(a: Set<string>, b: Set<string>): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  const ib = b.values();
  for (const x of a) if (ib.next().value !== x) return false;
  return true;
}

/** Where the answers of a group's pairs can differ: every block's region, or undefined (anywhere) when one has none. */
export function regionOf(group: readonly Block[]): PacketSpace | undefined {
  const regions = new Set(group.map((b) => b.region));
  if (regions.has(undefined)) return undefined;
  if (regions.size === 1) return group[0].region;
  return new PacketSpace([...regions].flatMap((r) => r!.boxes));
}

/** Keys by class, with the class. */
function classesWithKeys(keys: Iterable<string>, classOf: ClassOf): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const k of keys) {
    const c = classOf(k);
    if (c === undefined) continue;
    const l = m.get(c);
    if (l) l.push(k);
    else m.set(c, [k]);
  }
  return m;
}
