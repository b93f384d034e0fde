// Port ranges as written in NSG rules (rule 1.5): `*`, `80`, `10000-10005`, and comma lists.

import { IntervalSet } from './interval-set.ts';

export const PORT_MAX = 65535;
export const ALL_PORTS = IntervalSet.range(0, PORT_MAX);

export type PortParse = { ok: true; set: IntervalSet } | { ok: false; reason: string };

/** Parse one port expression; `*` (and `Any`) mean all ports. */
export function parsePortRange(text: string): PortParse {
  const ranges: [number, number][] = [];
  for (const raw of text.split(',')) {
    const t = raw.trim();
    if (t === '*' || t.toLowerCase() === 'any') return { ok: true, set: ALL_PORTS };
    const m = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(t);
    if (!m) return { ok: false, reason: `'${t}' is not a port or port range` };
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo > PORT_MAX || hi > PORT_MAX) return { ok: false, reason: `'${t}' is outside 0-65535` };
    if (hi < lo) return { ok: false, reason: `'${t}' ends before it starts` };
    ranges.push([lo, hi]);
  }
  return { ok: true, set: IntervalSet.fromRanges(ranges) };
}

export function parsePortRanges(list: Iterable<string>): PortParse {
  let set = IntervalSet.EMPTY;
  for (const t of list) {
    const p = parsePortRange(t);
    if (!p.ok) return p;
    set = set.union(p.set);
  }
  return { ok: true, set };
}

/** `["22", "443-445"]`: the compact form answers use (CONTRACT.md reach). */
export function formatPorts(set: IntervalSet): string[] {
  return set.ranges().map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}-${hi}`));
}

/** Network Watcher's effective-rule form: `0-65535`, `3389-3389` (rule 1.5). */
export function formatPortRangeEffective(lo: number, hi: number): string {
  return `${lo}-${hi}`;
}

/** A (source ports × destination ports) rectangle of a packet set. */
export interface PortPair {
  srcPorts: IntervalSet;
  dstPorts: IntervalSet;
}

/**
 * The union of `pairs` as rectangles with disjoint destination ports, one per distinct set of
 * source ports (rule 1.7: rules match on source ports too). Canonical: however the boxes were cut,
 * the same union gives the same rectangles. When every pair admits all source ports (the usual
 * case) it is one rectangle with ALL_PORTS, computed without cutting.
 */
export function splitBySourcePorts(pairs: readonly PortPair[]): PortPair[] {
  if (pairs.every((p) => p.srcPorts.equals(ALL_PORTS))) {
    const dstPorts = pairs.reduce((acc, p) => acc.union(p.dstPorts), IntervalSet.EMPTY);
    return dstPorts.isEmpty() ? [] : [{ srcPorts: ALL_PORTS, dstPorts }];
  }
  // Elementary destination-port segments: between consecutive range boundaries of any pair.
  const cuts = new Set<number>();
  for (const p of pairs) for (const [lo, hi] of p.dstPorts.ranges()) cuts.add(lo).add(hi + 1);
  const bounds = [...cuts].sort((a, b) => a - b);
  const bySrc = new Map<string, { srcPorts: IntervalSet; segments: [number, number][] }>();
  for (let i = 0; i + 1 < bounds.length; i++) {
    const lo = bounds[i];
    let srcPorts = IntervalSet.EMPTY;
    for (const p of pairs) if (p.dstPorts.has(lo)) srcPorts = srcPorts.union(p.srcPorts);
    if (srcPorts.isEmpty()) continue;
    const k = srcPorts.key();
    const g = bySrc.get(k);
    if (g) g.segments.push([lo, bounds[i + 1] - 1]);
    else bySrc.set(k, { srcPorts, segments: [[lo, bounds[i + 1] - 1]] });
  }
  return [...bySrc.values()].map((g) => ({ srcPorts: g.srcPorts, dstPorts: IntervalSet.fromRanges(g.segments) })).sort((a, b) => a.dstPorts.min()! - b.dstPorts.min()!);
}
