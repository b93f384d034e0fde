// Diagnostics are values (DESIGN.md principle 5): a code, where it happened, and a hint to fix.

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  severity: Severity;
  /** Stable machine code, e.g. `json.malformed`, `ref.dangling`, `cidr.invalid`. */
  code: string;
  message: string;
  file?: string;
  /** 1-based line and column, for malformed files. */
  line?: number;
  column?: number;
  resourceId?: string;
  /** JSON path of the field, e.g. `$.value[2].properties.addressPrefix`. */
  jsonPath?: string;
  hint?: string;
}

/** Render a diagnostic on one line: `file:line:col: severity code: message (resource, path)`. */
export function formatDiagnostic(d: Diagnostic): string {
  let where = d.file ?? '';
  if (d.file && d.line !== undefined) where += `:${d.line}${d.column !== undefined ? `:${d.column}` : ''}`;
  const parts = [`${where ? where + ': ' : ''}${d.severity} ${d.code}: ${d.message}`];
  const ctx: string[] = [];
  if (d.resourceId) ctx.push(`resource ${d.resourceId}`);
  if (d.jsonPath) ctx.push(`field ${d.jsonPath}`);
  if (ctx.length) parts.push(`(${ctx.join(', ')})`);
  if (d.hint) parts.push(`hint: ${d.hint}`);
  return parts.join(' ');
}
