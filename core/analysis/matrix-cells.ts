// The matrix's cells while they are being filled: millions at tier L (about one in twelve pairs of
// subnets), so a cell is a row of typed arrays, not an object with a map of ports. What a source
// gets from one answer shape is one of few values (ports per protocol, example protocol and port,
// default-rule marks): each is interned once by the caller and a cell holds its number; merging two
// port sets is memoised. A cell's example names its source class and destination label by number.
// The answer reads its cells from here (matrix-cell-view.ts), sharing one `allowed` list per port set.
//
// Cells are found through one dense row per source group (cell numbers by destination group),
// kept only while the group is being filled: the caller closes a group after its last source
// batch, and its row becomes the list of its cells in the answer's destination order. A hash map
// of millions of (from, to) keys cost more than the rest of the filling, and the final sort of
// every cell is gone: groups in name order, each group's own list in name order.
//
// A table may be filled from some source batches only (a matrix part, e.g. in a worker thread)
// and absorb another part's table (`columns` / `absorb`): ports and marks merge as they do cell by
// cell, and each cell keeps the example of its earliest batch (`born`: batch and the order of
// births in the table), so the merged table is the one a single fill of every batch in order would
// have made. Batches are filled in increasing order (a table may skip some).

import { allowedOf, mergePorts, NAMED_PROTOCOL_NUMBERS, type AllowedPorts, type ExampleKind, type FlowExample } from './blast-walk.ts';
import { IntervalSet } from '../sets/interval-set.ts';

/** What one source gets from one answer: ports per protocol and the default-rule marks. */
export interface CellValue {
  ports: Map<number, IntervalSet>;
  example: ExampleKind;
  defaultOnly: boolean;
  inboundDefaultOnly: boolean;
}

const DEFAULT_ONLY = 1;
const INBOUND_DEFAULT_ONLY = 2;
const NSG = 4;

/**
 * A table's cells as columns (typed arrays, cheap to move between threads): group after group
 * (`counts[g]` cells of source group g), each group's cells in its destination order.
 */
export interface CellColumns {
  counts: Int32Array;
  to: Int32Array;
  /** Port map numbers (into `ports`). */
  value: Int32Array;
  /** Example kind numbers (into `kinds`). */
  kind: Int32Array;
  flags: Uint8Array;
  exampleSrc: Int32Array;
  exampleDst: Int32Array;
  born: Float64Array;
  /** Per port map: one [protocol, ...bounds] list per protocol. */
  ports: number[][][];
  kinds: ExampleKind[];
}

/** A cell's birth: batch times BORN_BATCH plus the table's birth count then (earlier is smaller). */
const BORN_BATCH = 2 ** 32;

/** How the answer names an example's ends: the source by its class, the destination by a label number. */
export interface ExampleNames {
  src: (source: number) => string;
  dst: (label: number) => string;
}

export class CellTable {
  private size = 0;
  /** Cells the columns hold now (their length). */
  private capacity = FIRST_CELLS;
  // The columns grow in place (see newColumn).
  private from = newColumn(Int32Array, FIRST_CELLS);
  private to = newColumn(Int32Array, FIRST_CELLS);
  private value = newColumn(Int32Array, FIRST_CELLS);
  private kind = newColumn(Int32Array, FIRST_CELLS);
  private flags = newColumn(Uint8Array, FIRST_CELLS);
  private exampleSrc = newColumn(Int32Array, FIRST_CELLS);
  private exampleDst = newColumn(Int32Array, FIRST_CELLS);
  private born = newColumn(Float64Array, FIRST_CELLS);
  /** The batch being filled (cells made now are born in it). */
  private batch = 0;
  /** Births so far (a cell's order among the cells born in the same batch). */
  private births = 0;
  /** Per source group while it is filled: cell number + 1 per destination group (0: none yet). */
  private readonly rows: (Int32Array | undefined)[];
  /**
   * Rows of closed groups, cleared, for the next groups: at tier L 10,000 rows of 40 KB each would
   * otherwise be 400 MB of fresh memory (page faults, and collections for the external memory).
   */
  private readonly spareRows: Int32Array[] = [];
  /** Per closed source group: its cells in the order of their destination groups' ranks. */
  private readonly lists: (Int32Array | undefined)[];
  private readonly closed: Uint8Array;
  /** Groups by (name rank, id rank): the answer's order of sources and of destinations. */
  private readonly byRank: Int32Array;
  /** Interned port maps, by their text. */
  private readonly portsIds = new Map<string, number>();
  private readonly portsList: Map<number, IntervalSet>[] = [];
  /** Interned example kinds (protocol and port), by their text. */
  private readonly kindIds = new Map<string, number>();
  private readonly kinds: ExampleKind[] = [];
  /** Interned values: port map, example kind and marks. */
  private readonly valuePorts: number[] = [];
  private readonly valueKind: number[] = [];
  private readonly valueFlags: number[] = [];
  private readonly unions = new Map<number, number>();
  /** The answer's port lists, per port map (made by answerOrder). */
  private allowedLists: AllowedPorts[][] = [];

  /** `nameRank`, `idRank`: each group's rank in the answer's order by name, then id. */
  constructor(
    private readonly groups: number,
    private readonly nameRank: Int32Array,
    private readonly idRank: Int32Array,
  ) {
    this.rows = new Array<Int32Array | undefined>(groups).fill(undefined);
    this.lists = new Array<Int32Array | undefined>(groups).fill(undefined);
    this.closed = new Uint8Array(groups);
    this.byRank = Int32Array.from({ length: groups }, (_, i) => i).sort((a, b) => nameRank[a] - nameRank[b] || idRank[a] - idRank[b]);
  }

  /** The merges that follow come from source batch `b` (batches are filled in increasing order). */
  startBatch(b: number): void {
    this.batch = b;
  }

  /** A number for the value, for merge: call once per value object (the caller keeps it with the value). */
  intern(v: CellValue): number {
    this.valuePorts.push(this.internPorts(v.ports));
    this.valueKind.push(this.internKind(v.example));
    this.valueFlags.push((v.defaultOnly ? DEFAULT_ONLY : 0) | (v.inboundDefaultOnly ? INBOUND_DEFAULT_ONLY : 0));
    return this.valuePorts.length - 1;
  }

  /**
   * Merges what a source (of class `src`) of group `ga` gets at a destination (labelled `dst`) of
   * group `gb` (the value numbered `vid` by intern) into their cell. The first merge gives the
   * cell its example.
   */
  merge(ga: number, gb: number, vid: number, nsgOnPath: boolean, src: number, dst: number): void {
    let row = this.rows[ga];
    if (row === undefined) {
      if (this.closed[ga]) throw new Error(`matrix cells: group ${ga} merged into after it was closed`);
      row = this.rows[ga] = this.spareRows.pop() ?? new Int32Array(this.groups);
    }
    const pid = this.valuePorts[vid];
    const vf = this.valueFlags[vid];
    const c = row[gb];
    if (c === 0) {
      const i = this.add(ga, gb);
      row[gb] = i + 1;
      this.value[i] = pid;
      this.flags[i] = vf | (nsgOnPath ? NSG : 0);
      this.kind[i] = this.valueKind[vid];
      this.exampleSrc[i] = src;
      this.exampleDst[i] = dst;
      this.born[i] = this.batch * BORN_BATCH + this.births++;
      return;
    }
    const i = c - 1;
    const old = this.value[i];
    if (old !== pid) this.value[i] = this.union(old, pid);
    this.flags[i] = (this.flags[i] & (vf | NSG)) | (nsgOnPath ? NSG : 0);
  }

  /** No more merges from group `ga`: its row becomes its list of cells (destinations in rank order). */
  close(ga: number): void {
    if (this.closed[ga]) return;
    this.closed[ga] = 1;
    const row = this.rows[ga];
    if (row === undefined) return;
    this.rows[ga] = undefined;
    let n = 0;
    for (let r = 0; r < this.groups; r++) if (row[this.byRank[r]] !== 0) n++;
    const list = new Int32Array(n);
    n = 0;
    for (let r = 0; r < this.groups; r++) {
      const c = row[this.byRank[r]];
      if (c !== 0) list[n++] = c - 1;
    }
    this.lists[ga] = list;
    for (let k = 0; k < n; k++) row[this.to[list[k]]] = 0;
    this.spareRows.push(row);
  }

  /**
   * The numbers of the cells with some allowed traffic, in the order of (from name, to name, from
   * id, to id) given as ranks per group (ties, which distinct ids do not leave, in the order the
   * cells were born). With distinct (name, id) ranks that is every source group's list in turn, sources in
   * rank order, wherever groups that share a name rank have their lists merged; else a sort of
   * every cell by comparison.
   */
  answerOrder(): Int32Array {
    for (let g = 0; g < this.groups; g++) this.close(g);
    const allowed = (this.allowedLists = this.portsList.map((p) => allowedOf(p)));
    const nameRank = this.nameRank;
    const idRank = this.idRank;
    const f = this.from;
    const t = this.to;
    const byRank = this.byRank;
    const born = this.born;
    const compare = (x: number, y: number) => nameRank[f[x]] - nameRank[f[y]] || nameRank[t[x]] - nameRank[t[y]] || idRank[f[x]] - idRank[f[y]] || idRank[t[x]] - idRank[t[y]] || born[x] - born[y];
    let distinct = true;
    for (let r = 1; r < this.groups && distinct; r++) if (nameRank[byRank[r - 1]] === nameRank[byRank[r]] && idRank[byRank[r - 1]] === idRank[byRank[r]]) distinct = false;
    const order = new Int32Array(this.size);
    let n = 0;
    if (distinct) {
      // Sources that share a name rank interleave by destination: their lists are merged by the full order.
      for (let r = 0; r < this.groups; ) {
        let end = r + 1;
        while (end < this.groups && nameRank[byRank[end]] === nameRank[byRank[r]]) end++;
        if (end === r + 1) {
          const list = this.lists[byRank[r]];
          if (list) for (let k = 0; k < list.length; k++) order[n++] = list[k];
        } else {
          const merged: number[] = [];
          for (let s = r; s < end; s++) for (const i of this.lists[byRank[s]] ?? []) merged.push(i);
          for (const i of merged.sort(compare)) order[n++] = i;
        }
        r = end;
      }
    } else {
      const all = Int32Array.from({ length: this.size }, (_, i) => i).sort(compare);
      order.set(all);
      n = all.length;
    }
    let kept = 0;
    for (let k = 0; k < n; k++) if (allowed[this.value[order[k]]].length > 0) kept++;
    const out = new Int32Array(kept);
    kept = 0;
    for (let k = 0; k < n; k++) if (allowed[this.value[order[k]]].length > 0) out[kept++] = order[k];
    return out;
  }

  // Reading a cell by number (of answerOrder's, after it).
  fromOf(i: number): number {
    return this.from[i];
  }

  toOf(i: number): number {
    return this.to[i];
  }

  allowedOf(i: number): AllowedPorts[] {
    return this.allowedLists[this.value[i]];
  }

  defaultOnlyOf(i: number): boolean {
    return (this.flags[i] & DEFAULT_ONLY) !== 0;
  }

  inboundDefaultOnlyOf(i: number): boolean {
    return (this.flags[i] & INBOUND_DEFAULT_ONLY) !== 0;
  }

  nsgOf(i: number): boolean {
    return (this.flags[i] & NSG) !== 0;
  }

  /** A new object each time (the answer keeps none: at tier L there would be millions). */
  exampleOf(i: number, names: ExampleNames): FlowExample {
    return exampleAt(this.kinds[this.kind[i]], names.src(this.exampleSrc[i]), names.dst(this.exampleDst[i]));
  }

  /** Every cell, closed, as columns (see CellColumns). */
  columns(): CellColumns {
    for (let g = 0; g < this.groups; g++) this.close(g);
    const counts = new Int32Array(this.groups);
    const n = this.size;
    const cols: CellColumns = {
      counts,
      to: new Int32Array(n),
      value: new Int32Array(n),
      kind: new Int32Array(n),
      flags: new Uint8Array(n),
      exampleSrc: new Int32Array(n),
      exampleDst: new Int32Array(n),
      born: new Float64Array(n),
      ports: this.portsList.map((m) => [...m].map(([p, set]) => [p, ...set.bounds])),
      kinds: this.kinds,
    };
    let k = 0;
    for (let g = 0; g < this.groups; g++) {
      const list = this.lists[g];
      if (!list) continue;
      counts[g] = list.length;
      for (const i of list) {
        cols.to[k] = this.to[i];
        cols.value[k] = this.value[i];
        cols.kind[k] = this.kind[i];
        cols.flags[k] = this.flags[i];
        cols.exampleSrc[k] = this.exampleSrc[i];
        cols.exampleDst[k] = this.exampleDst[i];
        cols.born[k] = this.born[i];
        k++;
      }
    }
    return cols;
  }

  /**
   * Merges another table's cells (filled from other source batches) into this one, as if they had
   * been merged here: ports united, default-rule marks and-ed, the NSG mark or-ed, and the example
   * of the cell born first kept. Every group of both tables is closed.
   */
  absorb(cols: CellColumns): void {
    for (let g = 0; g < this.groups; g++) this.close(g);
    const portIds = cols.ports.map((list) => this.internPorts(new Map(list.map(([p, ...bounds]) => [p, boundsSet(bounds)]))));
    const kindIds = cols.kinds.map((e) => this.internKind(e));
    const rankOf = new Int32Array(this.groups);
    for (let r = 0; r < this.groups; r++) rankOf[this.byRank[r]] = r;
    let k = 0;
    for (let g = 0; g < this.groups; g++) {
      const m = cols.counts[g];
      if (m === 0) continue;
      const end = k + m;
      const mine = this.lists[g] ?? new Int32Array(0);
      // Both lists are in destination rank order: merged in one pass.
      const out = new Int32Array(mine.length + m);
      let n = 0;
      let j = 0;
      while (k < end || j < mine.length) {
        const rk = k < end ? rankOf[cols.to[k]] : Infinity;
        const rj = j < mine.length ? rankOf[this.to[mine[j]]] : Infinity;
        if (rj < rk) {
          out[n++] = mine[j++];
          continue;
        }
        const pid = portIds[cols.value[k]];
        const fl = cols.flags[k];
        if (rj === rk) {
          const i = mine[j++];
          const old = this.value[i];
          if (old !== pid) this.value[i] = this.union(old, pid);
          this.flags[i] = (this.flags[i] & fl & (DEFAULT_ONLY | INBOUND_DEFAULT_ONLY)) | ((this.flags[i] | fl) & NSG);
          if (cols.born[k] < this.born[i]) {
            this.kind[i] = kindIds[cols.kind[k]];
            this.exampleSrc[i] = cols.exampleSrc[k];
            this.exampleDst[i] = cols.exampleDst[k];
            this.born[i] = cols.born[k];
          }
          out[n++] = i;
        } else {
          const i = this.add(g, cols.to[k]);
          this.value[i] = pid;
          this.flags[i] = fl;
          this.kind[i] = kindIds[cols.kind[k]];
          this.exampleSrc[i] = cols.exampleSrc[k];
          this.exampleDst[i] = cols.exampleDst[k];
          this.born[i] = cols.born[k];
          out[n++] = i;
        }
        k++;
      }
      this.lists[g] = n === out.length ? out : out.slice(0, n);
    }
  }

  private add(ga: number, gb: number): number {
    const i = this.size++;
    if (i === this.capacity) {
      const n = (this.capacity = i * 2);
      this.from = growColumn(Int32Array, this.from, n);
      this.to = growColumn(Int32Array, this.to, n);
      this.value = growColumn(Int32Array, this.value, n);
      this.kind = growColumn(Int32Array, this.kind, n);
      this.flags = growColumn(Uint8Array, this.flags, n);
      this.exampleSrc = growColumn(Int32Array, this.exampleSrc, n);
      this.exampleDst = growColumn(Int32Array, this.exampleDst, n);
      this.born = growColumn(Float64Array, this.born, n);
    }
    this.from[i] = ga;
    this.to[i] = gb;
    return i;
  }

  private internKind(e: ExampleKind): number {
    return internAs(this.kindIds, this.kinds, 'dstPort' in e ? `${e.protocol}|${e.dstPort}` : e.protocol, e);
  }

  private internPorts(ports: Map<number, IntervalSet>): number {
    return internAs(this.portsIds, this.portsList, portsText(ports), ports);
  }

  private union(a: number, b: number): number {
    const key = a * 0x100000 + b;
    let id = this.unions.get(key);
    if (id === undefined) {
      const ports = new Map<number, IntervalSet>();
      mergePorts(ports, this.portsList[a]);
      mergePorts(ports, this.portsList[b]);
      id = this.internPorts(ports);
      this.unions.set(key, id);
    }
    return id;
  }
}

/** `{...e, src, dst}` (the keys in e's order: src, dst, protocol, dstPort), without a spread. */
function exampleAt(e: ExampleKind, src: string, dst: string): FlowExample {
  return 'dstPort' in e ? { src, dst, protocol: e.protocol, dstPort: e.dstPort } : { src, dst, protocol: e.protocol };
}

/** Protocol numbers in increasing order: the order of a port map's text. */
const PROTOCOLS_IN_ORDER = [...NAMED_PROTOCOL_NUMBERS].sort((a, b) => a - b);

/**
 * A port map as text, protocols in increasing order (`6:80,80,443,443;17:53,53`). The matrix's maps
 * hold named protocols only: those are read in order without sorting a copy of the map (this runs
 * once per value, millions of times at tier L); any other key takes the general way.
 */
function portsText(ports: Map<number, IntervalSet>): string {
  let text = '';
  let seen = 0;
  for (const n of PROTOCOLS_IN_ORDER) {
    const s = ports.get(n);
    if (s === undefined) continue;
    text += seen++ === 0 ? `${n}:${s.key()}` : `;${n}:${s.key()}`;
  }
  if (seen === ports.size) return text;
  return [...ports].sort((x, y) => x[0] - y[0]).map(([n, s]) => `${n}:${s.key()}`).join(';');
}

/** The number of `value` in `list` by its text `key` (added when new). */
function internAs<T>(ids: Map<string, number>, list: T[], key: string, value: T): number {
  let id = ids.get(key);
  if (id === undefined) {
    id = list.length;
    ids.set(key, id);
    list.push(value);
  }
  return id;
}

function boundsSet(bounds: number[]): IntervalSet {
  const ranges: [number, number][] = [];
  for (let i = 0; i < bounds.length; i += 2) ranges.push([bounds[i], bounds[i + 1]]);
  return IntervalSet.fromRanges(ranges);
}

type Column = Int32Array | Uint8Array | Float64Array;

interface ColumnType<T extends Column> {
  new (buffer: ArrayBuffer): T;
  readonly BYTES_PER_ELEMENT: number;
}

/** Cells a new table's columns start with. */
const FIRST_CELLS = 1024;

/**
 * Cells a column reserves address space for when it is made (16 M; virtual memory only: pages are
 * touched as the table grows into them). Tier L fills 8 M cells, XL 41 M.
 */
const RESERVED_CELLS = 2 ** 24;

/**
 * A column of `cells` on a resizable ArrayBuffer (ES2024, in V8 since 11.1), which grows in place.
 * Columns that doubled by copying into new arrays allocated twice the final table (~620 MB at tier
 * L) and left each old array as garbage: the L matrix then made 18 full collections (pauses ~2 s)
 * against 8 (0.6 s) with columns that grow in place, and touched ~300 MB more fresh memory
 * (bench/RESULTS.md, 2026-11-29). The array tracks the buffer's length.
 */
export function newColumn<T extends Column>(type: ColumnType<T>, cells: number, reserve = RESERVED_CELLS): T {
  const size = type.BYTES_PER_ELEMENT;
  return new type(new ArrayBuffer(cells * size, { maxByteLength: Math.max(cells, reserve) * size }));
}

/** `column` with `cells` cells: resized in place within its reservation, else moved once to one four times larger. */
export function growColumn<T extends Column>(type: ColumnType<T>, column: T, cells: number): T {
  const bytes = cells * type.BYTES_PER_ELEMENT;
  const buffer = column.buffer as ArrayBuffer;
  if (bytes <= buffer.maxByteLength) {
    buffer.resize(bytes);
    return column;
  }
  const next = newColumn(type, cells, cells * 4);
  next.set(column);
  return next;
}
