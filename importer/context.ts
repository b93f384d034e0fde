// The state one import session shares across documents: the diagnostics it collected, the file
// being read, and memo tables for the text parsers (prefixes and port ranges repeat a lot).

import type { Diagnostic, Severity } from '../core/model/index.ts';
import type { CidrParse, PortParse } from '../core/sets/index.ts';

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Memo tables are cleared when they grow past this many entries (bounded memory). */
const MEMO_LIMIT = 200_000;

export class ImportContext {
  /** The file being read (as the caller named it). */
  file = '';
  readonly diagnostics: Diagnostic[] = [];
  private readonly cidrMemo = new Map<string, CidrParse>();
  private readonly portMemo = new Map<string, PortParse>();

  report(
    severity: Severity,
    code: string,
    message: string,
    where: { resourceId?: string; jsonPath?: string; hint?: string; file?: string; line?: number; column?: number } = {},
  ): void {
    const d: Diagnostic = { severity, code, message };
    const file = where.file ?? this.file;
    if (file) d.file = file;
    if (where.line !== undefined) d.line = where.line;
    if (where.column !== undefined) d.column = where.column;
    if (where.resourceId) d.resourceId = where.resourceId;
    if (where.jsonPath) d.jsonPath = where.jsonPath;
    if (where.hint) d.hint = where.hint;
    this.diagnostics.push(d);
  }

  memoCidr(text: string, parse: (t: string) => CidrParse): CidrParse {
    let r = this.cidrMemo.get(text);
    if (r === undefined) {
      if (this.cidrMemo.size >= MEMO_LIMIT) this.cidrMemo.clear();
      r = parse(text);
      this.cidrMemo.set(text, r);
    }
    return r;
  }

  memoPort(text: string, parse: (t: string) => PortParse): PortParse {
    let r = this.portMemo.get(text);
    if (r === undefined) {
      if (this.portMemo.size >= MEMO_LIMIT) this.portMemo.clear();
      r = parse(text);
      this.portMemo.set(text, r);
    }
    return r;
  }
}

/** JSONPath member access: `.name` for identifiers, `['200']` otherwise. */
export function member(path: string, key: string): string {
  return isIdentifier(key) ? `${path}.${key}` : `${path}['${key.replace(/'/g, "\\'")}']`;
}

function isIdentifier(key: string): boolean {
  if (key.length === 0) return false;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
    const digit = c >= 48 && c <= 57;
    if (!letter && !(digit && i > 0)) return false;
  }
  return true;
}

/** Describe a JSON value briefly for "what it saw" messages. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length} item${v.length === 1 ? '' : 's'}`;
  if (isObject(v)) {
    const keys = Object.keys(v);
    if (keys.length === 0) return 'an empty object';
    const shown = keys.slice(0, 6).join(', ');
    return `an object with keys ${shown}${keys.length > 6 ? `, ... (${keys.length} keys)` : ''}`;
  }
  return `a ${typeof v} (${JSON.stringify(v)?.slice(0, 40)})`;
}
