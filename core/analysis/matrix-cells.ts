// The matrix's cells while they are being filled: millions at tier L (about one in five pairs of
// subnets), so a cell is a row of typed arrays, not an object with a map of ports. What a source
// gets from one answer shape is one of few values (ports per protocol): each is interned once and
// a cell holds its number; merging two values is memoised. Cells become objects only at the end,
// sharing one `allowed` list per value.

import { allowedOf, mergePorts, type AllowedPorts, type FlowExample } from './blast-walk.ts';
import type { IntervalSet } from '../sets/interval-set.ts';
import { formatIPv4 } from '../sets/ipv4.ts';

/** What one source gets from one answer: ports per protocol and the default-rule marks. */
export interface CellValue {
  ports: Map<number, IntervalSet>;
  example: FlowExample;
  defaultOnly: boolean;
  inboundDefaultOnly: boolean;
}

/** Cell rows fit in 2^24 when sorted by one number (rank pair x ROW + row). */
const ROW = 2 ** 24;
const DEFAULT_ONLY = 1;
const INBOUND_DEFAULT_ONLY = 2;
const NSG = 4;

/** One cell as the answer lists it (group numbers, not names). */
export interface FilledCell {
  from: number;
  to: number;
  allowed: AllowedPorts[];
  defaultOnly: boolean;
  inboundDefaultOnly: boolean;
  nsg: boolean;
  example: FlowExample;
}

export class CellTable {
  private readonly index = new Map<number, number>();
  private size = 0;
  private from = new Int32Array(1024);
  private to = new Int32Array(1024);
  private value = new Int32Array(1024);
  private flags = new Uint8Array(1024);
  private exampleSrc = new Float64Array(1024);
  private readonly exampleOf: FlowExample[] = [];
  private readonly exampleDst: string[] = [];
  /** Interned port maps, by their text. */
  private readonly portsIds = new Map<string, number>();
  private readonly portsList: Map<number, IntervalSet>[] = [];
  private readonly idOfValue = new WeakMap<CellValue, number>();
  private readonly unions = new Map<number, number>();

  constructor(private readonly groups: number) {}

  /** Merges what a source (address `src`) of group `ga` gets at `dst` (group `gb`) into their cell. */
  merge(ga: number, gb: number, v: CellValue, nsgOnPath: boolean, src: number, dst: string): void {
    const key = ga * this.groups + gb;
    const pid = this.portsId(v);
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.add(key, ga, gb);
      this.value[i] = pid;
      this.flags[i] = (v.defaultOnly ? DEFAULT_ONLY : 0) | (v.inboundDefaultOnly ? INBOUND_DEFAULT_ONLY : 0) | (nsgOnPath ? NSG : 0);
      this.exampleOf[i] = v.example;
      this.exampleSrc[i] = src;
      this.exampleDst[i] = dst;
      return;
    }
    const old = this.value[i];
    if (old !== pid) this.value[i] = this.union(old, pid);
    let f = this.flags[i];
    if (!v.defaultOnly) f &= ~DEFAULT_ONLY;
    if (!v.inboundDefaultOnly) f &= ~INBOUND_DEFAULT_ONLY;
    if (nsgOnPath) f |= NSG;
    this.flags[i] = f;
  }

  /**
   * The cells with some allowed traffic, in the order of (from name, to name, from id, to id)
   * given as ranks per group. With distinct name ranks that is the order of (from, to) by rank: a
   * numeric sort of one number per cell, the rank pair above the cell's row; else a sort by
   * comparison. Ends the filling: the index of cells is dropped first (at tier L it holds
   * millions of entries, and the answer's objects are about to be made).
   */
  sorted<T>(nameRank: Int32Array, idRank: Int32Array, make: (c: FilledCell) => T): T[] {
    this.index.clear();
    const allowed = this.portsList.map((p) => allowedOf(p));
    const G = this.groups;
    const kept: number[] = [];
    for (let i = 0; i < this.size; i++) if (allowed[this.value[i]].length > 0) kept.push(i);
    const distinct = new Set(nameRank).size === nameRank.length;
    let order: ArrayLike<number>;
    if (distinct && G * G * ROW < 2 ** 53 && this.size <= ROW) {
      const keys = new Float64Array(kept.length);
      kept.forEach((i, k) => (keys[k] = (nameRank[this.from[i]] * G + nameRank[this.to[i]]) * ROW + i));
      keys.sort();
      order = Array.from(keys, (k) => k % ROW);
    } else {
      const f = this.from;
      const t = this.to;
      order = kept.sort((x, y) => nameRank[f[x]] - nameRank[f[y]] || nameRank[t[x]] - nameRank[t[y]] || idRank[f[x]] - idRank[f[y]] || idRank[t[x]] - idRank[t[y]]);
    }
    const out: T[] = new Array(order.length);
    const srcText = new Map<number, string>();
    // One scratch record handed to `make`, which copies what it keeps.
    const cell: FilledCell = { from: 0, to: 0, allowed: [], defaultOnly: false, inboundDefaultOnly: false, nsg: false, example: { src: '', dst: '', protocol: '' } };
    for (let k = 0; k < order.length; k++) {
      const i = order[k];
      const fl = this.flags[i];
      const src = this.exampleSrc[i];
      let text = srcText.get(src);
      if (text === undefined) srcText.set(src, (text = formatIPv4(src)));
      cell.from = this.from[i];
      cell.to = this.to[i];
      cell.allowed = allowed[this.value[i]];
      cell.defaultOnly = (fl & DEFAULT_ONLY) !== 0;
      cell.inboundDefaultOnly = (fl & INBOUND_DEFAULT_ONLY) !== 0;
      cell.nsg = (fl & NSG) !== 0;
      cell.example = exampleAt(this.exampleOf[i], text, this.exampleDst[i]);
      out[k] = make(cell);
    }
    return out;
  }

  private add(key: number, ga: number, gb: number): number {
    const i = this.size++;
    if (i === this.from.length) {
      const n = i * 2;
      this.from = grow(this.from, new Int32Array(n));
      this.to = grow(this.to, new Int32Array(n));
      this.value = grow(this.value, new Int32Array(n));
      this.flags = grow(this.flags, new Uint8Array(n));
      this.exampleSrc = grow(this.exampleSrc, new Float64Array(n));
    }
    this.index.set(key, i);
    this.from[i] = ga;
    this.to[i] = gb;
    return i;
  }

  private portsId(v: CellValue): number {
    let id = this.idOfValue.get(v);
    if (id === undefined) {
      id = this.intern(v.ports);
      this.idOfValue.set(v, id);
    }
    return id;
  }

  private intern(ports: Map<number, IntervalSet>): number {
    const text = [...ports].sort((x, y) => x[0] - y[0]).map(([n, s]) => `${n}:${s.key()}`).join(';');
    let id = this.portsIds.get(text);
    if (id === undefined) {
      id = this.portsList.length;
      this.portsIds.set(text, id);
      this.portsList.push(ports);
    }
    return id;
  }

  private union(a: number, b: number): number {
    const key = a * 0x100000 + b;
    let id = this.unions.get(key);
    if (id === undefined) {
      const ports = new Map<number, IntervalSet>();
      mergePorts(ports, this.portsList[a]);
      mergePorts(ports, this.portsList[b]);
      id = this.intern(ports);
      this.unions.set(key, id);
    }
    return id;
  }
}

/** `{...e, src, dst}` (the keys in e's order: src, dst, protocol, dstPort), without a spread. */
function exampleAt(e: FlowExample, src: string, dst: string): FlowExample {
  return 'dstPort' in e ? { src, dst, protocol: e.protocol, dstPort: e.dstPort } : { src, dst, protocol: e.protocol };
}

function grow<T extends Int32Array | Uint8Array | Float64Array>(old: T, next: T): T {
  next.set(old);
  return next;
}
