// The fields every resource shares (id, name, location, tags, source), and the identity of an
// embedded child (its own id, or `<parent>/<collection>/<name>` when the export left it out).

import type { ResourceId, SourceLocation } from '../../core/model/index.ts';
import { nameFromId } from '../../core/model/index.ts';
import { isObject, type JsonObject } from '../context.ts';
import type { Fields } from '../fields.ts';
import { canonId, childId } from '../ids.ts';

export interface Base {
  id: ResourceId;
  displayId: string;
  name: string;
  location?: string;
  tags: Record<string, string>;
  source: SourceLocation;
}

/** Base fields of a top-level resource (its id was checked by the envelope reader). */
export function resourceBase(f: Fields): Base {
  const displayId = f.resourceId;
  const o = f.obj;
  const name = typeof o.name === 'string' && o.name.length > 0 ? o.name : nameFromId(displayId);
  const location = typeof o.location === 'string' ? o.location : undefined;
  return { id: f.ctx.canonOwnId(displayId), displayId, name, location, tags: readTags(f), source: f.source() };
}

/** The tags of resources that have none: one frozen object for all of them. */
export const NO_TAGS: Record<string, string> = Object.freeze({}) as Record<string, string>;

function readTags(f: Fields): Record<string, string> {
  const t = f.obj.tags;
  if (t === undefined || t === null) return NO_TAGS;
  if (!isObject(t)) {
    f.warn('field.type', 'tags', `'tags' should be an object, found ${Array.isArray(t) ? 'an array' : typeof t}; ignored`);
    return NO_TAGS;
  }
  return t as Record<string, string>;
}

export interface ChildIdentity {
  id: ResourceId;
  displayId: string;
  name: string;
}

/**
 * Id and name of an embedded child; undefined (with an error) when it has neither. With the
 * parent's canonical id, a child that nothing else references (a security rule, a route, a NIC
 * ip configuration) gets its ids as the parent's ids plus its own tail (see childTail).
 */
export function childIdentity(c: Fields, parentDisplayId: string, collection: string, what: string, parentId?: ResourceId): ChildIdentity | undefined {
  const o = c.obj;
  const rawId = typeof o.id === 'string' && o.id.length > 0 ? o.id : undefined;
  const rawName = typeof o.name === 'string' && o.name.length > 0 ? o.name : undefined;
  if (rawId !== undefined) {
    const name = rawName ?? nameFromId(rawId);
    if (parentId !== undefined && sharesParentCanonId(rawId, parentDisplayId, parentId)) {
      const tail = c.ctx.childTail(rawId, parentDisplayId.length);
      if (tail !== undefined) return { id: parentId + tail.canon, displayId: parentDisplayId + tail.display, name };
    }
    return { id: canonId(rawId), displayId: rawId, name };
  }
  if (rawName !== undefined) {
    const displayId = childId(parentDisplayId, collection, rawName);
    return { id: canonId(displayId), displayId, name: rawName };
  }
  c.error('field.missing', undefined, `${what} has neither an id nor a name; skipped`);
  return undefined;
}

/**
 * True when a child id spelled `<parent display id>/<tail>` can be kept as the parent's ids
 * followed by its tail: the engine sees the same texts, and the heap holds two short joined
 * strings per child instead of the input's long id and a lower-cased copy (tens of thousands of
 * rules and ip configurations). Only where lower-casing the parts equals lower-casing the whole:
 * the parent's display id needs no trimming (so its canonical id is that text lower-cased) and
 * ends in an ASCII character, and the tail needs no trimming (ContextImport.childTail checks that
 * it is ASCII); otherwise the plain canonId.
 */
function sharesParentCanonId(rawId: string, parentDisplayId: string, parentId: ResourceId): boolean {
  const n = parentDisplayId.length;
  const last = rawId.length - 1;
  return (
    n > 0 &&
    parentId.length === n &&
    last > n &&
    rawId.charCodeAt(n) === 47 &&
    parentDisplayId.charCodeAt(n - 1) < 128 &&
    parentDisplayId.charCodeAt(n - 1) > 32 &&
    parentDisplayId.charCodeAt(n - 1) !== 47 &&
    !isAsciiSpace(parentDisplayId.charCodeAt(0)) &&
    rawId.charCodeAt(last) !== 47 &&
    rawId.charCodeAt(last) > 32 &&
    // Not startsWith: V8 compares a 150-character prefix ~6x faster as a slice and ===.
    rawId.slice(0, n) === parentDisplayId
  );
}

function isAsciiSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Child-id extractor for Fields.each, so diagnostics about a child name the child. */
export function idOf(o: JsonObject): string | undefined {
  return typeof o.id === 'string' && o.id.length > 0 ? o.id : undefined;
}
