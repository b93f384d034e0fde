// Fast paths over core/model/ids.ts for the hot loop: the same results as normalizeId, without a
// regular expression when the id is already clean (the common case).

import { normalizeId, typeFromId } from '../core/model/index.ts';

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Lower-cased canonical id (= normalizeId). */
export function canonId(id: string): string {
  const n = id.length;
  if (n > 0 && id.charCodeAt(n - 1) !== 47 && !isSpace(id.charCodeAt(0)) && !isSpace(id.charCodeAt(n - 1))) {
    return id.toLowerCase();
  }
  return normalizeId(id);
}

/** True for an ARM id (`/subscriptions/...`, `/providers/...`), false for template expressions. */
export function isConcreteId(v: unknown): v is string {
  return typeof v === 'string' && v.length > 1 && v.charCodeAt(0) === 47;
}

/** The resource type, lower-cased: the `type` field, or derived from the id. */
export function resourceType(type: unknown, id: string): string | undefined {
  if (typeof type === 'string' && type.length > 0) return type.toLowerCase();
  return typeFromId(id);
}

/** Parent id (the id minus its last `type/name` pair), in the original spelling. */
export function parentOf(id: string): string {
  let end = id.length;
  while (end > 0 && id.charCodeAt(end - 1) === 47) end--;
  let slashes = 0;
  for (let i = end - 1; i >= 0; i--) {
    if (id.charCodeAt(i) === 47 && ++slashes === 2) return id.slice(0, i);
  }
  return '';
}

/** The child id an embedded child would have: `<parent>/<collection>/<name>`. */
export function childId(parentDisplayId: string, collection: string, name: string): string {
  return `${parentDisplayId}/${collection}/${name}`;
}
