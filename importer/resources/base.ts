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
  const location = typeof o.location === 'string' ? f.ctx.intern(o.location) : undefined;
  return { id: f.ctx.canonRef(displayId), displayId, name, location, tags: readTags(f), source: f.source() };
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

/** Id and name of an embedded child; undefined (with an error) when it has neither. */
export function childIdentity(c: Fields, parentDisplayId: string, collection: string, what: string): ChildIdentity | undefined {
  const o = c.obj;
  const rawId = typeof o.id === 'string' && o.id.length > 0 ? o.id : undefined;
  const rawName = typeof o.name === 'string' && o.name.length > 0 ? o.name : undefined;
  if (rawId !== undefined) return { id: canonId(rawId), displayId: rawId, name: rawName ?? nameFromId(rawId) };
  if (rawName !== undefined) {
    const displayId = childId(parentDisplayId, collection, rawName);
    return { id: canonId(displayId), displayId, name: rawName };
  }
  c.error('field.missing', undefined, `${what} has neither an id nor a name; skipped`);
  return undefined;
}

/** Child-id extractor for Fields.each, so diagnostics about a child name the child. */
export function idOf(o: JsonObject): string | undefined {
  return typeof o.id === 'string' && o.id.length > 0 ? o.id : undefined;
}
