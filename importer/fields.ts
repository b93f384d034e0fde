// Reading one JSON object in either shape Azure tools produce: REST (fields under `properties`)
// or flattened (az CLI, SDKs: fields at the top level). Each getter checks the type, coerces what
// is safe to coerce (with a `field.type` warning) and reports the rest as `field.type` errors.
// JSON paths for diagnostics and source locations are joined only when read (json-path.ts).

import type { ResourceId, SourceLocation } from '../core/model/index.ts';
import { isObject, type ImportContext, type JsonObject } from './context.ts';
import { JsonPath, ReadSource, joinPath, memberSuffix, pathText, type PathLike, type PathStep } from './json-path.ts';

export class Fields {
  /** Where the resource's own fields are: `obj.properties` (REST) or `obj` itself (flattened). */
  readonly props: JsonObject;
  readonly flattened: boolean;

  constructor(
    readonly ctx: ImportContext,
    readonly obj: JsonObject,
    /** The JSON path of `obj` is `base` extended by `step` (joined only when read: json-path.ts). */
    private readonly base: PathLike,
    private readonly step: PathStep | undefined,
    /** The resource (or child) id that diagnostics name, display spelling. */
    readonly resourceId: string,
  ) {
    const p = obj.properties;
    if (isObject(p)) {
      this.props = p;
      this.flattened = false;
    } else {
      this.props = obj;
      this.flattened = true;
      if (p !== undefined && p !== null) {
        ctx.report('error', 'field.type', `'properties' should be an object, found ${kindOf(p)}; its fields are missing`, { resourceId, jsonPath: `${this.path}.properties` });
      }
    }
  }

  /** JSON path of `obj`. */
  get path(): string {
    return joinPath(this.base, this.step);
  }

  source(): SourceLocation {
    return new ReadSource(this.ctx.file, this.base, this.step, this.flattened);
  }

  /** The raw value: under `properties` first, then at the top level. `null` counts as absent. */
  raw(key: string): unknown {
    const v = this.props[key];
    if (v !== undefined && v !== null) return v;
    if (this.props !== this.obj) {
      const w = this.obj[key];
      if (w !== undefined && w !== null) return w;
    }
    // ARM reads property names case-insensitively (`SecurityRules`, az CLI's older
    // `frontendIpConfigurations`): the exact spelling first, then any other case of it.
    return this.otherCase(this.props, key) ?? (this.props === this.obj ? undefined : this.otherCase(this.obj, key));
  }

  /** The value of `key` spelled in another case in `o`; only a key of the same length is compared. */
  private otherCase(o: JsonObject, key: string): unknown {
    let lower: string | undefined;
    for (const k in o) {
      if (k.length !== key.length || k === key) continue;
      lower ??= key.toLowerCase();
      if (k.toLowerCase() !== lower) continue;
      const v = o[k];
      return v === null ? undefined : v;
    }
    return undefined;
  }

  has(key: string): boolean {
    return this.raw(key) !== undefined;
  }

  /** The first of the spellings that is present (az CLI camelCases `privateIpAddress`, ...). */
  key(primary: string, alternative: string): string {
    return this.raw(primary) === undefined && this.raw(alternative) !== undefined ? alternative : primary;
  }

  /** JSON path of a field. */
  at(key: string): string {
    return pathText(this.atRef(key));
  }

  /** JSON path of a field, joined when read (for the paths of the objects below it). */
  atRef(key: string): PathLike {
    const v = this.props[key];
    if (this.props !== this.obj && (v === undefined || v === null)) {
      const w = this.obj[key];
      if (w !== undefined && w !== null) return new JsonPath(this.base, this.step, memberSuffix(key, false));
    }
    return new JsonPath(this.base, this.step, memberSuffix(key, this.props !== this.obj));
  }

  warn(code: string, key: string | undefined, message: string, hint?: string): void {
    this.ctx.report('warning', code, message, {
      resourceId: this.resourceId,
      jsonPath: key === undefined ? this.path : this.at(key),
      hint,
    });
  }

  error(code: string, key: string | undefined, message: string, hint?: string): void {
    this.ctx.report('error', code, message, {
      resourceId: this.resourceId,
      jsonPath: key === undefined ? this.path : this.at(key),
      hint,
    });
  }

  info(code: string, key: string | undefined, message: string, hint?: string): void {
    this.ctx.report('info', code, message, {
      resourceId: this.resourceId,
      jsonPath: key === undefined ? this.path : this.at(key),
      hint,
    });
  }

  errorAt(code: string, jsonPath: string, message: string, hint?: string): void {
    this.ctx.report('error', code, message, { resourceId: this.resourceId, jsonPath, hint });
  }

  warnAt(code: string, jsonPath: string, message: string, hint?: string): void {
    this.ctx.report('warning', code, message, { resourceId: this.resourceId, jsonPath, hint });
  }

  infoAt(code: string, jsonPath: string, message: string, hint?: string): void {
    this.ctx.report('info', code, message, { resourceId: this.resourceId, jsonPath, hint });
  }

  private typeError(key: string, expected: string, v: unknown): void {
    this.error('field.type', key, `'${key}' should be ${expected}, found ${kindOf(v)}; field ignored`);
  }

  // ---- scalars -------------------------------------------------------------------------------

  str(key: string): string | undefined {
    const v = this.raw(key);
    if (v === undefined || typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') {
      this.warn('field.type', key, `'${key}' should be a string, found ${kindOf(v)} ${String(v)}; read as "${String(v)}"`);
      return String(v);
    }
    this.typeError(key, 'a string', v);
    return undefined;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.raw(key);
    if (v === undefined) return fallback;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string') {
      const t = v.trim().toLowerCase();
      if (t === 'true' || t === 'false') {
        this.warn('field.type', key, `'${key}' should be a boolean, found the string "${v}"; read as ${t}`);
        return t === 'true';
      }
    }
    this.error('field.type', key, `'${key}' should be a boolean, found ${kindOf(v)}; using ${fallback}`);
    return fallback;
  }

  optBool(key: string): boolean | undefined {
    return this.has(key) ? this.bool(key, false) : undefined;
  }

  /** An integer; numeric strings are accepted with a warning, anything else is an error. */
  int(key: string): number | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (typeof v === 'string') {
      const t = v.trim();
      if (t.length > 0 && t.length <= 15 && isDigits(t)) {
        this.warn('field.type', key, `'${key}' should be a number, found the string "${v}"; read as ${Number(t)}`);
        return Number(t);
      }
    }
    this.error('field.type', key, `'${key}' should be an integer, found ${kindOf(v)} ${short(v)}`);
    return undefined;
  }

  // ---- structures ----------------------------------------------------------------------------

  obj2(key: string): JsonObject | undefined {
    const v = this.raw(key);
    if (v === undefined || isObject(v)) return v;
    this.typeError(key, 'an object', v);
    return undefined;
  }

  /** A nested plain object read with the same getters (e.g. `networkAcls`, `bgpSettings`). */
  sub(key: string): Fields | undefined {
    const o = this.obj2(key);
    return o === undefined ? undefined : new Fields(this.ctx, o, this.atRef(key), undefined, this.resourceId);
  }

  arr(key: string): unknown[] | undefined {
    const v = this.raw(key);
    if (v === undefined || Array.isArray(v)) return v;
    this.typeError(key, 'an array', v);
    return undefined;
  }

  /** The objects of an array field, each as Fields (non-objects are reported and skipped). */
  each(key: string, fn: (f: Fields, index: number) => void, childIdOf?: (o: JsonObject) => string | undefined): void {
    const list = this.arr(key);
    if (list === undefined || list.length === 0) return;
    const base = this.atRef(key);
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      if (!isObject(item)) {
        if (item !== null) this.errorAt('field.type', joinPath(base, i), `'${key}[${i}]' should be an object, found ${kindOf(item)}; skipped`);
        continue;
      }
      const cid = childIdOf ? childIdOf(item) : undefined;
      fn(new Fields(this.ctx, item, base, i, cid ?? this.resourceId), i);
    }
  }

  /**
   * A list of strings. A bare string is accepted as a one-element list with a `field.type`
   * warning (a frequent hand-written mistake); numbers are read as text with a warning; other
   * entries are errors and are skipped. The result may be the parsed array itself: copy it before
   * keeping it in the model. `strPath(key, i)` gives the JSON path of the i-th returned entry.
   */
  strList(key: string): readonly string[] {
    const v = this.raw(key);
    if (v === undefined) return EMPTY;
    if (typeof v === 'string') {
      this.warn('field.type', key, `'${key}' should be an array of strings, found a string; read as ["${short(v)}"]`);
      return v.length > 0 ? [v] : EMPTY;
    }
    if (!Array.isArray(v)) {
      this.typeError(key, 'an array of strings', v);
      return EMPTY;
    }
    let ok = true;
    for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') ok = false;
    if (ok) return v as string[];
    const values: string[] = [];
    for (let i = 0; i < v.length; i++) {
      const e = v[i];
      if (typeof e === 'string') values.push(e);
      else if (typeof e === 'number') {
        this.warnAt('field.type', `${this.at(key)}[${i}]`, `'${key}[${i}]' should be a string, found the number ${e}; read as "${e}"`);
        values.push(String(e));
      } else if (e !== null) {
        this.errorAt('field.type', `${this.at(key)}[${i}]`, `'${key}[${i}]' should be a string, found ${kindOf(e)}; skipped`);
      }
    }
    return values;
  }

  /** JSON path of the i-th entry strList(key) returned (skipped entries accounted for). */
  strPath(key: string, i: number): string {
    const v = this.raw(key);
    if (!Array.isArray(v)) return this.at(key);
    let seen = -1;
    for (let j = 0; j < v.length; j++) {
      const e = v[j];
      if ((typeof e === 'string' || typeof e === 'number') && ++seen === i) return `${this.at(key)}[${j}]`;
    }
    return `${this.at(key)}[${i}]`;
  }

  /** An array field for a plain loop; pair with `item`. */
  list(key: string): unknown[] | undefined {
    const v = this.arr(key);
    return v === undefined || v.length === 0 ? undefined : v;
  }

  /** The i-th element of `list` as Fields, or undefined (reported) when it is not an object. */
  item(list: unknown[], listPath: PathLike, i: number, key: string): Fields | undefined {
    const o = list[i];
    if (isObject(o)) {
      const id = o.id;
      return new Fields(this.ctx, o, listPath, i, typeof id === 'string' && id.length > 0 ? id : this.resourceId);
    }
    if (o !== null) this.errorAt('field.type', joinPath(listPath, i), `'${key}[${i}]' should be an object, found ${kindOf(o)}; skipped`);
    return undefined;
  }

  // ---- references ----------------------------------------------------------------------------

  /** A sub-resource reference `{ "id": "..." }` as a canonical id. */
  ref(key: string): ResourceId | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (isObject(v)) {
      const id = v.id;
      if (typeof id === 'string' && id.length > 0) return this.ctx.canonRef(id);
      if (id === undefined || id === null) return undefined;
      this.errorAt('field.type', `${this.at(key)}.id`, `'${key}.id' should be a string, found ${kindOf(id)}`);
      return undefined;
    }
    if (typeof v === 'string' && v.length > 0) {
      this.warn('field.type', key, `'${key}' should be an object { "id": ... }, found a string; read as the id`);
      return this.ctx.canonRef(v);
    }
    this.typeError(key, 'an object { "id": ... }', v);
    return undefined;
  }

  /**
   * A list of sub-resource references `[{ "id": ... }]` as canonical ids. With `share`, the list
   * is one frozen array shared by every holder of the same ids (see ImportContext.sharedValues; for
   * lists the model never appends to); otherwise it is the caller's own.
   */
  refs(key: string, share = false): ResourceId[] {
    const list = this.arr(key);
    if (list === undefined || list.length === 0) return share ? (EMPTY as string[]) : [];
    const out: ResourceId[] = [];
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      if (isObject(item)) {
        const id = item.id;
        if (typeof id === 'string' && id.length > 0) out.push(this.ctx.canonRef(id));
        else this.errorAt('field.type', `${this.at(key)}[${i}].id`, `'${key}[${i}].id' should be a resource id, found ${kindOf(id)}; skipped`);
      } else if (typeof item === 'string' && item.length > 0) {
        this.warnAt('field.type', `${this.at(key)}[${i}]`, `'${key}[${i}]' should be an object { "id": ... }, found a string; read as the id`);
        out.push(this.ctx.canonRef(item));
      } else if (item !== null) {
        this.errorAt('field.type', `${this.at(key)}[${i}]`, `'${key}[${i}]' should be an object { "id": ... }, found ${kindOf(item)}; skipped`);
      }
    }
    if (out.length === 0) return share ? (EMPTY as string[]) : out;
    // A pushed array keeps spare capacity: keep an exact copy (the model holds many such lists).
    return share ? this.ctx.sharedValues(out) : out.slice();
  }
}

const EMPTY: readonly string[] = Object.freeze([]);

/** The shared, frozen empty id list (for model lists nothing appends to). */
export const EMPTY_IDS = EMPTY as string[];


function isDigits(t: string): boolean {
  let i = t.charCodeAt(0) === 45 ? 1 : 0;
  if (i >= t.length) return false;
  for (; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number') return Number.isInteger(v) ? 'a number' : 'a non-integer number';
  return `a ${typeof v}`;
}

function short(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 40)}...` : s;
}
