// The matrix answer's cells as views on the filled cell table: at tier L there are 8 million, and
// as plain objects (a cell and its example each, ~1.2 GB) they cost the matrix a fifth of its time
// to build and then weigh on every garbage collection. A view holds the table and its cell
// number; its fields are read from the table's columns on access, and `toJSON` gives the plain
// object (same keys, same order), so the JSON an answer renders to is unchanged. `example` is
// built on each access.
//
// The answer does not hold a view per cell either: its `cells` is a MatrixCellList, which makes a
// view when one is asked for. Eight million views kept in an array were ~300 MB that the
// scavenger copied twice before promoting them (1.8 s of the L matrix's 2.6 s answer); views made
// while a writer walks the list die young, which costs the collector next to nothing.

import type { AllowedPorts, FlowExample } from './blast-walk.ts';
import type { CellTable, ExampleNames } from './matrix-cells.ts';
import type { MatrixCell, MatrixCells, MatrixGroup } from './matrix.ts';

/** What the views of one answer share. */
export interface CellSource {
  table: CellTable;
  groups: MatrixGroup[];
  names: ExampleNames;
}

export class MatrixCellView implements MatrixCell {
  readonly #s: CellSource;
  readonly #i: number;

  constructor(source: CellSource, cell: number) {
    this.#s = source;
    this.#i = cell;
  }

  get from(): string {
    return this.#s.groups[this.#s.table.fromOf(this.#i)].name;
  }

  get to(): string {
    return this.#s.groups[this.#s.table.toOf(this.#i)].name;
  }

  get fromId(): string {
    return this.#s.groups[this.#s.table.fromOf(this.#i)].id;
  }

  get toId(): string {
    return this.#s.groups[this.#s.table.toOf(this.#i)].id;
  }

  get allowed(): AllowedPorts[] {
    return this.#s.table.allowedOf(this.#i);
  }

  get defaultRulesOnly(): boolean {
    return this.#s.table.defaultOnlyOf(this.#i);
  }

  get inboundDefaultRulesOnly(): boolean {
    return this.#s.table.inboundDefaultOnlyOf(this.#i);
  }

  get nsgOnPath(): boolean {
    return this.#s.table.nsgOf(this.#i);
  }

  get example(): FlowExample {
    return this.#s.table.exampleOf(this.#i, this.#s.names);
  }

  /** The plain cell, keys in the answer's order (JSON.stringify calls this). */
  toJSON(): MatrixCell {
    return {
      from: this.from,
      to: this.to,
      fromId: this.fromId,
      toId: this.toId,
      allowed: this.allowed,
      defaultRulesOnly: this.defaultRulesOnly,
      inboundDefaultRulesOnly: this.inboundDefaultRulesOnly,
      nsgOnPath: this.nsgOnPath,
      example: this.example,
    };
  }
}


/** The answer's cells in the answer's order: a view made on each read (see the top of this file). */
export class MatrixCellList implements MatrixCells {
  readonly #s: CellSource;
  readonly #order: Int32Array;

  /** `order`: the cell numbers in the answer's order (CellTable.answerOrder). */
  constructor(source: CellSource, order: Int32Array) {
    this.#s = source;
    this.#order = order;
  }

  get length(): number {
    return this.#order.length;
  }

  /** The cell at `index` (negative counts from the end, as Array#at), or undefined past either end. */
  at(index: number): MatrixCell | undefined {
    const n = this.#order.length;
    const i = Math.trunc(index);
    const k = i < 0 ? i + n : i;
    return k >= 0 && k < n ? new MatrixCellView(this.#s, this.#order[k]) : undefined;
  }

  /** Cells `start` to `end` (exclusive) as an array, bounds as Array#slice. */
  slice(start = 0, end = this.#order.length): MatrixCell[] {
    const n = this.#order.length;
    const clamp = (x: number) => (x < 0 ? Math.max(0, n + x) : Math.min(n, x));
    const a = clamp(Math.trunc(start));
    const b = clamp(Math.trunc(end));
    const out: MatrixCell[] = [];
    for (let k = a; k < b; k++) out.push(new MatrixCellView(this.#s, this.#order[k]));
    return out;
  }

  *[Symbol.iterator](): IterableIterator<MatrixCell> {
    const order = this.#order;
    for (let k = 0; k < order.length; k++) yield new MatrixCellView(this.#s, order[k]);
  }

  /** Every cell as a plain object (JSON.stringify calls this): the same JSON as an array of cells. */
  toJSON(): MatrixCell[] {
    const order = this.#order;
    const out = new Array<MatrixCell>(order.length);
    for (let k = 0; k < order.length; k++) out[k] = new MatrixCellView(this.#s, order[k]).toJSON();
    return out;
  }
}
