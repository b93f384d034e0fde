// How close an importer that builds one JavaScript object per resource can come to the JSON.parse
// floor on this machine. Four ways of reading the same estate, alternately, N rounds:
//   floor  JSON.parse of each whole file, the tree dropped (the bench's floor);
//   parts  the importer's own parse (list items from slices of the text, importer/list-text.ts),
//          every item dropped;
//   keep   the same parse, keeping for every object with an `id` (resources and their embedded
//          children) only what any model needs: the id as spelled, the id lower-cased (the key of
//          a Map, as ARM ids compare case-insensitively), the name and the location;
//   whole  the same kept from one JSON.parse of each whole file (the floor's own parse);
//   columns the `parts` parse, keeping what a model of columns would keep instead of objects and
//          ids: per resource a row of typed arrays (its id's prefix, everything before the name,
//          as a number: one lower-cased copy per distinct prefix; its parent row for an embedded
//          child) and its name; top-level resources indexed by prefix number and lower-cased name.
//          The lower bound of a columnar core model (ids as numbers, display texts made on demand).
// `keep` does no validation, no references, no rules, no compile: it is a lower bound for an
// importer that keeps a per-resource object model on the main thread. Its distance to `parts` is
// what retaining those strings costs the garbage collector (the scavenger copies every survivor
// once or twice before it is promoted). `whole` shows that parsing whole files does not avoid it:
// the tree of a whole file stays alive while it is read, and the scavenges of that time copy it.
// Usage: npx tsx --expose-gc bench/import-bound.ts TIER [ROUNDS]
import { readFileSync } from 'node:fs';
import { findListText, readListParts } from '../importer/list-text.ts';
import { listJsonFiles } from './estates.ts';
import { gcTally } from './measure.ts';

const tier = process.argv[2] ?? 'L';
const rounds = Number(process.argv[3] ?? 3);
const dir = new URL(`./estates/${tier}-seed1/`, import.meta.url).pathname;
const texts = listJsonFiles(dir).map((f) => readFileSync(f, 'utf8'));
const gcSeen = gcTally();
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

interface Kept {
  id: string;
  displayId: string;
  name: unknown;
  location: unknown;
}

type Mode = 'floor' | 'parts' | 'keep' | 'whole' | 'columns';

/** Rows of resources as columns: what `columns` keeps. */
class Columns {
  size = 0;
  prefix: Int32Array = new Int32Array(1 << 16);
  parent: Int32Array = new Int32Array(1 << 16);
  readonly names: unknown[] = [];
  /** Prefix number by the prefix as spelled (most inputs spell a prefix one way). */
  readonly prefixBySpelling = new Map<string, number>();
  /** Prefix number by the lower-cased prefix: spellings that differ in case share a number. */
  readonly prefixByCanon = new Map<string, number>();
  /** Top-level rows by prefix number, then lower-cased name. */
  readonly index = new Map<number, Map<string, number>>();

  add(prefix: number, parent: number, name: unknown): number {
    const row = this.size++;
    if (row === this.prefix.length) {
      const grow = (a: Int32Array): Int32Array => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.prefix = grow(this.prefix);
      this.parent = grow(this.parent);
    }
    this.prefix[row] = prefix;
    this.parent[row] = parent;
    this.names.push(name);
    return row;
  }

  prefixOf(spelling: string): number {
    let n = this.prefixBySpelling.get(spelling);
    if (n === undefined) {
      const canon = spelling.toLowerCase();
      n = this.prefixByCanon.get(canon);
      if (n === undefined) this.prefixByCanon.set(canon, (n = this.prefixByCanon.size));
      this.prefixBySpelling.set(spelling, n);
    }
    return n;
  }
}

function keepColumns(v: unknown, into: Columns, parent: number, depth: number): void {
  if (depth > 3 || typeof v !== 'object' || v === null) return;
  if (Array.isArray(v)) {
    for (const x of v) keepColumns(x, into, parent, depth);
    return;
  }
  const o = v as Record<string, unknown>;
  let row = parent;
  if (typeof o.id === 'string') {
    const id = o.id;
    const cut = id.lastIndexOf('/');
    if (parent < 0) {
      const prefix = into.prefixOf(id.slice(0, cut));
      row = into.add(prefix, -1, o.name);
      let byName = into.index.get(prefix);
      if (byName === undefined) into.index.set(prefix, (byName = new Map()));
      byName.set(id.slice(cut + 1).toLowerCase(), row);
    } else row = into.add(-1, parent, o.name);
  }
  const p = o.properties;
  if (typeof p === 'object' && p !== null) {
    for (const k in p) {
      const x = (p as Record<string, unknown>)[k];
      if (Array.isArray(x)) keepColumns(x, into, row, depth + 1);
    }
  }
}

function keepIds(v: unknown, into: Map<string, Kept>, depth: number): void {
  if (depth > 3 || typeof v !== 'object' || v === null) return;
  if (Array.isArray(v)) {
    for (const x of v) keepIds(x, into, depth);
    return;
  }
  const o = v as Record<string, unknown>;
  if (typeof o.id === 'string') {
    const id = o.id.toLowerCase();
    into.set(id, { id, displayId: o.id, name: o.name, location: o.location });
  }
  const p = o.properties;
  if (typeof p === 'object' && p !== null) {
    for (const k in p) {
      const x = (p as Record<string, unknown>)[k];
      if (Array.isArray(x)) keepIds(x, into, depth + 1);
    }
  }
}

function read(mode: Mode): Map<string, Kept> | Columns {
  const kept = new Map<string, Kept>();
  const columns = new Columns();
  for (const t of texts) {
    if (mode === 'floor') {
      JSON.parse(t);
      continue;
    }
    if (mode === 'whole') {
      const doc = JSON.parse(t) as unknown;
      const value = typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? (doc as { value?: unknown }).value : undefined;
      keepIds(value ?? doc, kept, 0);
      continue;
    }
    const list = findListText(t);
    if (list === undefined) {
      const whole: unknown = JSON.parse(t);
      if (mode === 'keep') keepIds(whole, kept, 0);
      if (mode === 'columns') keepColumns(whole, columns, -1, 0);
      continue;
    }
    readListParts(t, list, 64 * 1024, (items) => {
      if (mode === 'keep') keepIds(items, kept, 0);
      if (mode === 'columns') keepColumns(items, columns, -1, 0);
    });
  }
  return mode === 'columns' ? columns : kept;
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 10));
const figures: Record<Mode, number[]> = { floor: [], parts: [], keep: [], whole: [], columns: [] };
for (let r = 0; r < rounds; r++) {
  for (const mode of ['floor', 'parts', 'keep', 'whole', 'columns'] as const) {
    gc();
    const g0 = gcSeen.ms;
    const t0 = performance.now();
    const kept = read(mode);
    const ms = performance.now() - t0;
    await tick(); // the 'gc' entries arrive on the event loop
    const gcMs = gcSeen.ms - g0;
    figures[mode].push(ms);
    const size = kept instanceof Columns ? `, ${kept.size.toLocaleString('en-US')} rows kept` : mode === 'keep' || mode === 'whole' ? `, ${kept.size.toLocaleString('en-US')} objects kept` : '';
    console.log(`round ${r + 1} ${mode.padEnd(7)} ${ms.toFixed(0).padStart(6)} ms (GC ${gcMs.toFixed(0)} ms)${size}`);
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const floor = median(figures.floor);
console.log(`medians: floor ${floor.toFixed(0)} ms, parts ${median(figures.parts).toFixed(0)} ms (${(median(figures.parts) / floor).toFixed(2)}x), keep ${median(figures.keep).toFixed(0)} ms (${(median(figures.keep) / floor).toFixed(2)}x), whole ${median(figures.whole).toFixed(0)} ms (${(median(figures.whole) / floor).toFixed(2)}x), columns ${median(figures.columns).toFixed(0)} ms (${(median(figures.columns) / floor).toFixed(2)}x)`);
