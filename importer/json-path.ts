// JSON paths and source locations whose text is joined when it is read.
//
// Every resource and child the importer reads keeps where it came from (file and JSON path), for
// diagnostics, findings and SARIF. Those texts are read for a handful of resources, but joining
// them as the input was read made several strings per resource (`$.value[12]`, then
// `.properties`, `.securityRules`, `[3]` for each rule): some 450,000 strings at tier L that lived
// as long as the model, each copied by the garbage collector on its way to the old generation. A
// path is kept instead as the path it extends and one step; the text is joined on first read.

import type { SourceLocation } from '../core/model/index.ts';
import { indexSuffix, member } from './context.ts';

/** A JSON path as text, or as a path and one more step. */
export type PathLike = string | JsonPath;

/** One step: a member name, or an index into a list. */
export type PathStep = string | number;

export class JsonPath {
  private text: string | undefined;

  /** `base` extended by `step`, then by `suffix`: member steps already joined (memberSuffix). */
  constructor(
    private readonly base: PathLike,
    private readonly step: PathStep | undefined,
    private readonly suffix: string,
  ) {}

  toString(): string {
    return (this.text ??= joinPath(this.base, this.step) + this.suffix);
  }
}

/** The text of a path. */
export function pathText(p: PathLike): string {
  return typeof p === 'string' ? p : p.toString();
}

/** The text of `base` extended by `step` (none: `base` itself). */
export function joinPath(base: PathLike, step: PathStep | undefined): string {
  if (step === undefined) return pathText(base);
  return typeof step === 'number' ? pathText(base) + indexSuffix(step) : member(pathText(base), step);
}

const SUFFIXES = new Map<string, string>();
const PROPERTIES_SUFFIXES = new Map<string, string>();

/**
 * The text a member step adds (`.subnets`, `['a b']`), or the `properties` step and then the
 * member (`.properties.subnets`): one shared string per field name, as field names are few.
 */
export function memberSuffix(key: string, underProperties: boolean): string {
  const memo = underProperties ? PROPERTIES_SUFFIXES : SUFFIXES;
  let t = memo.get(key);
  if (t === undefined) {
    if (memo.size >= 10_000) memo.clear(); // field names are few; a bound all the same
    t = member(underProperties ? '.properties' : '', key);
    memo.set(key, t);
  }
  return t;
}

/**
 * Where a resource or child was read: its file and its JSON path, the path joined when read.
 * Consumers read `file`, `jsonPath` and `flattened`, as of any SourceLocation.
 */
export class ReadSource implements SourceLocation {
  readonly flattened?: boolean;

  constructor(
    readonly file: string,
    private readonly base: PathLike,
    private readonly step: PathStep | undefined,
    flattened: boolean,
  ) {
    if (flattened) this.flattened = true;
  }

  get jsonPath(): string {
    return joinPath(this.base, this.step);
  }

  /** What JSON.stringify shows: the fields of a SourceLocation, not how they are kept. */
  toJSON(): SourceLocation {
    return this.flattened ? { file: this.file, jsonPath: this.jsonPath, flattened: true } : { file: this.file, jsonPath: this.jsonPath };
  }
}
