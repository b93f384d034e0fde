// Test helpers: import documents and compile, failing loudly on error diagnostics.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { compile, type DataPlane, type Snapshot, type Endpoint, resolveRef, parseIPv4 } from '../../core/index.ts';
import { importDocuments, readServiceTags } from '../../importer/index.ts';

import { REPO_ROOT } from './paths.ts';
export { REPO_ROOT, CORPUS, PUBLIC_SERVICE_TAGS } from './paths.ts';

export function snapshotOf(docs: { file: string; text: string }[], opts: { serviceTagsFile?: string; allowErrors?: boolean } = {}): Snapshot {
  const s = importDocuments(docs);
  if (opts.serviceTagsFile) {
    const t = readServiceTags(opts.serviceTagsFile, readFileSync(opts.serviceTagsFile, 'utf8'));
    s.serviceTags = t.catalog;
  }
  const errors = s.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length && !opts.allowErrors) throw new Error(`import errors: ${errors.map((e) => `${e.code} ${e.message}`).join('; ')}`);
  return s;
}

export function dataPlaneOf(docs: { file: string; text: string }[], opts: { serviceTagsFile?: string; allowErrors?: boolean } = {}): DataPlane {
  return compile(snapshotOf(docs, opts));
}

export function readFolderDocuments(dir: string): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.json')) out.push({ file: relative(REPO_ROOT, p), text: readFileSync(p, 'utf8') });
    }
  };
  walk(dir);
  return out;
}

export function endpoint(dp: DataPlane, ref: string): Endpoint {
  const r = resolveRef(dp, ref);
  if (!r.ok || r.ref.kind !== 'endpoint') throw new Error(`cannot resolve ${ref} to an endpoint`);
  return r.ref.endpoint;
}

export function ip(text: string): number {
  const n = parseIPv4(text);
  if (n === undefined) throw new Error(`bad ip ${text}`);
  return n;
}
