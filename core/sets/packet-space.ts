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
  const out: Box = {
    protocols: a.protocols.intersect(b.protocols),
    src: a.src.intersect(b.src),
    srcPorts: a.srcPorts.intersect(b.srcPorts),
    dst: a.dst.intersect(b.dst),
    dstPorts: a.dstPorts.intersect(b.dstPorts),
  };
  return boxIsEmpty(out) ? undefined : out;
}

/** a \ b as at most five disjoint boxes (peel one dimension at a time). */
export function subtractBox(a: Box, b: Box): Box[] {
  const common = intersectBox(a, b);
  if (!common) return [a];
  const out: Box[] = [];
  let rest: Box = a;
  for (const d of DIMS) {
    const outside = rest[d].subtract(b[d]);
    if (!outside.isEmpty()) out.push({ ...rest, [d]: outside });
    rest = { ...rest, [d]: rest[d].intersect(b[d]) };
  }
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
    const out: Box[] = [];
    for (const b of this.boxes) {
      const i = intersectBox(b, box);
      if (i) out.push(i);
    }
    return new PacketSpace(out);
  }

  intersect(other: PacketSpace): PacketSpace {
    const out: Box[] = [];
    for (const a of this.boxes) for (const b of other.boxes) {
      const i = intersectBox(a, b);
      if (i) out.push(i);
    }
    return new PacketSpace(out);
  }

  subtractBox(box: Box): PacketSpace {
    const out: Box[] = [];
    for (const b of this.boxes) for (const piece of subtractBox(b, box)) out.push(piece);
    return new PacketSpace(out);
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
