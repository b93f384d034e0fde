// Sets of packets as unions of disjoint boxes over five dimensions: IP protocol number, source
// address, source port, destination address, destination port. This is what symbolic answers
// ("which ports, from where") are computed with: the same rule semantics as one-flow evaluation,
// applied to whole sets at once, never by enumerating ports or addresses.

import { IntervalSet } from './interval-set.ts';
import { IPV4_MAX } from './ipv4.ts';
import { ALL_PORTS } from './ports.ts';

export interface Box {
  protocols: IntervalSet;
  src: IntervalSet;
  srcPorts: IntervalSet;
  dst: IntervalSet;
  dstPorts: IntervalSet;
}

const DIMS = ['protocols', 'src', 'srcPorts', 'dst', 'dstPorts'] as const;

export const ALL_PROTOCOLS = IntervalSet.range(0, 255);
export const ALL_ADDRESSES = IntervalSet.range(0, IPV4_MAX);

export const UNIVERSE_BOX: Box = {
  protocols: ALL_PROTOCOLS,
  src: ALL_ADDRESSES,
  srcPorts: ALL_PORTS,
  dst: ALL_ADDRESSES,
  dstPorts: ALL_PORTS,
};

function boxIsEmpty(b: Box): boolean {
  return DIMS.some((d) => b[d].isEmpty());
}

export function intersectBox(a: Box, b: Box): Box | undefined {
  // One dimension at a time, stopping at the first empty one (most rule boxes miss a query on the
  // address or the port); `a` itself when no dimension narrowed it (nothing allocated).
  const protocols = a.protocols.intersect(b.protocols);
  if (protocols.isEmpty()) return undefined;
  const dst = a.dst.intersect(b.dst);
  if (dst.isEmpty()) return undefined;
  const dstPorts = a.dstPorts.intersect(b.dstPorts);
  if (dstPorts.isEmpty()) return undefined;
  const src = a.src.intersect(b.src);
  if (src.isEmpty()) return undefined;
  const srcPorts = a.srcPorts.intersect(b.srcPorts);
  if (srcPorts.isEmpty()) return undefined;
  if (protocols === a.protocols && src === a.src && srcPorts === a.srcPorts && dst === a.dst && dstPorts === a.dstPorts) return a;
  return { protocols, src, srcPorts, dst, dstPorts };
}

/** True when the two boxes share a packet (no allocation). */
export function boxesMeet(a: Box, b: Box): boolean {
  return a.protocols.intersects(b.protocols) && a.dst.intersects(b.dst) && a.dstPorts.intersects(b.dstPorts) && a.src.intersects(b.src) && a.srcPorts.intersects(b.srcPorts);
}

/**
 * a \ b as at most five disjoint boxes (peel one dimension at a time, in DIMS order: the part
 * outside b on that dimension, then go on with the part inside). Written out per dimension: a
 * spread with a computed key per piece was the most expensive line of symbolic NSG evaluation.
 */
export function subtractBox(a: Box, b: Box): Box[] {
  if (!boxesMeet(a, b)) return [a];
  const out: Box[] = [];
  let { protocols, src, srcPorts, dst } = a;
  const { dstPorts } = a;
  let outside = protocols.subtract(b.protocols);
  if (!outside.isEmpty()) out.push({ protocols: outside, src, srcPorts, dst, dstPorts });
  protocols = protocols.intersect(b.protocols);
  outside = src.subtract(b.src);
  if (!outside.isEmpty()) out.push({ protocols, src: outside, srcPorts, dst, dstPorts });
  src = src.intersect(b.src);
  outside = srcPorts.subtract(b.srcPorts);
  if (!outside.isEmpty()) out.push({ protocols, src, srcPorts: outside, dst, dstPorts });
  srcPorts = srcPorts.intersect(b.srcPorts);
  outside = dst.subtract(b.dst);
  if (!outside.isEmpty()) out.push({ protocols, src, srcPorts, dst: outside, dstPorts });
  dst = dst.intersect(b.dst);
  outside = dstPorts.subtract(b.dstPorts);
  if (!outside.isEmpty()) out.push({ protocols, src, srcPorts, dst, dstPorts: outside });
  return out;
}

/** An immutable union of disjoint boxes. */
export class PacketSpace {
  readonly boxes: readonly Box[];

  constructor(boxes: readonly Box[]) {
    this.boxes = boxes;
  }

  static readonly EMPTY = new PacketSpace([]);
  static readonly ALL = new PacketSpace([UNIVERSE_BOX]);

  static of(box: Box): PacketSpace {
    return boxIsEmpty(box) ? PacketSpace.EMPTY : new PacketSpace([box]);
  }

  isEmpty(): boolean {
    return this.boxes.length === 0;
  }

  intersectBox(box: Box): PacketSpace {
    if (this.boxes.length === 0) return this;
    let out: Box[] | undefined;
    let same = true;
    for (const b of this.boxes) {
      const i = intersectBox(b, box);
      if (i !== b) same = false;
      if (i) (out ??= []).push(i);
    }
    // Unchanged: this very space; nothing left: the shared empty space.
    if (same) return this;
    return out ? new PacketSpace(out) : PacketSpace.EMPTY;
  }

  intersect(other: PacketSpace): PacketSpace {
    // Against one box: intersectBox keeps this very space when the box narrows nothing.
    if (other.boxes.length === 1) return this.intersectBox(other.boxes[0]);
    const out: Box[] = [];
    for (const a of this.boxes) for (const b of other.boxes) {
      const i = intersectBox(a, b);
      if (i) out.push(i);
    }
    return new PacketSpace(out);
  }

  subtractBox(box: Box): PacketSpace {
    // Boxes the subtracted box misses stay as they are: no new space when it misses them all.
    let i = 0;
    while (i < this.boxes.length && !boxesMeet(this.boxes[i], box)) i++;
    if (i === this.boxes.length) return this;
    const out: Box[] = this.boxes.slice(0, i);
    for (; i < this.boxes.length; i++) for (const piece of subtractBox(this.boxes[i], box)) out.push(piece);
    return out.length ? new PacketSpace(out) : PacketSpace.EMPTY;
  }

  subtract(other: PacketSpace): PacketSpace {
    let cur: PacketSpace = this;
    for (const b of other.boxes) {
      if (cur.isEmpty()) break;
      cur = cur.subtractBox(b);
    }
    return cur;
  }

  /** Union keeping boxes disjoint. */
  union(other: PacketSpace): PacketSpace {
    if (other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    return new PacketSpace([...this.boxes, ...other.subtract(this).boxes]);
  }

  has(p: { protocol: number; src: number; srcPort: number; dst: number; dstPort: number }): boolean {
    return this.boxes.some(
      (b) => b.protocols.has(p.protocol) && b.src.has(p.src) && b.srcPorts.has(p.srcPort) && b.dst.has(p.dst) && b.dstPorts.has(p.dstPort),
    );
  }

  /** Project one dimension: the union of that dimension over all boxes. */
  project(dim: (typeof DIMS)[number]): IntervalSet {
    let s = IntervalSet.EMPTY;
    for (const b of this.boxes) s = s.union(b[dim]);
    return s;
  }
}
