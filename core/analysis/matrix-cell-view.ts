// The matrix answer's cells as views on the filled cell table: at tier L there are 8 million, and
// as plain objects (a cell and its example each, ~1.2 GB) they cost the matrix a fifth of its time
// to build and then weigh on every garbage collection. A view holds the table and its cell
// number; its fields are read from the table's columns on access, and `toJSON` gives the plain
// object (same keys, same order), so the JSON an answer renders to is unchanged. `example` is
// built on each access.

import type { AllowedPorts, FlowExample } from './blast-walk.ts';
import type { CellTable, ExampleNames } from './matrix-cells.ts';
import type { MatrixCell, MatrixGroup } from './matrix.ts';

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

