// Where a diagnostic about a resource's field points: the file the resource was read from and the
// JSON path of the field (under `properties` unless the resource came in the flattened shape).

import type { Diagnostic } from './diagnostics.ts';
import type { SourceLocation } from './types.ts';

/** JSON path of a field of a resource, from where the resource was read. */
export function fieldPath(src: SourceLocation | undefined, field: string): string | undefined {
  if (src === undefined) return undefined;
  return `${src.jsonPath}${src.flattened ? '' : '.properties'}.${field}`;
}

/** `d` with the file and the field's JSON path of `src`, when known. */
export function located(d: Diagnostic, src: SourceLocation | undefined, field: string): Diagnostic {
  if (src?.file) d.file = src.file;
  const p = fieldPath(src, field);
  if (p !== undefined) d.jsonPath = p;
  return d;
}
