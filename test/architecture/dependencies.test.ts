// DESIGN.md dependency rules, checked by reading every import in the source folders.

import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { REPO_ROOT } from '../support/paths.ts';

function sourceFiles(dir: string): string[] {
  const abs = join(REPO_ROOT, dir);
  if (!existsSync(abs)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (n === 'node_modules' || n === 'dist') continue;
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|js)$/.test(n)) out.push(p);
    }
  };
  walk(abs);
  return out;
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]/g)) out.push(m[1]);
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]);
  return out;
}

/** Repo-relative target of a relative import, or the package name of a bare one. */
function target(file: string, spec: string): { local?: string; pkg?: string } {
  if (spec.startsWith('.')) return { local: relative(REPO_ROOT, resolve(dirname(file), spec)) };
  const parts = spec.split('/');
  return { pkg: spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0] };
}

describe('dependency rules (DESIGN.md)', () => {
  it('core imports nothing outside core but graphology, graphology-shortest-path and ipaddr.js', () => {
    const bad: string[] = [];
    for (const f of sourceFiles('core')) {
      for (const spec of imports(f)) {
        const t = target(f, spec);
        if (t.local && !t.local.startsWith('core/')) bad.push(`${relative(REPO_ROOT, f)} -> ${spec}`);
        if (t.pkg && !['graphology', 'graphology-shortest-path', 'graphology-types', 'ipaddr.js'].includes(t.pkg)) bad.push(`${relative(REPO_ROOT, f)} -> ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('importer imports only core/model and core/sets from core', () => {
    const bad: string[] = [];
    for (const f of sourceFiles('importer')) {
      for (const spec of imports(f)) {
        const t = target(f, spec);
        if (!t.local) continue;
        const ok = t.local.startsWith('importer/') || t.local.startsWith('core/model/') || t.local.startsWith('core/sets/');
        if (!ok) bad.push(`${relative(REPO_ROOT, f)} -> ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('cli and web import core and importer only through their index files, and never each other', () => {
    const bad: string[] = [];
    for (const layer of ['cli', 'web']) {
      for (const f of sourceFiles(layer)) {
        for (const spec of imports(f)) {
          const t = target(f, spec);
          if (!t.local) continue;
          const ok = t.local.startsWith(`${layer}/`) || ['core/index.ts', 'importer/index.ts'].includes(t.local) || t.local.startsWith('bench/synth/');
          if (!ok) bad.push(`${relative(REPO_ROOT, f)} -> ${spec}`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('nothing outside test/ imports test/', () => {
    const bad: string[] = [];
    for (const dir of ['core', 'importer', 'cli', 'web', 'bench', 'bin']) {
      for (const f of sourceFiles(dir)) for (const spec of imports(f)) if (target(f, spec).local?.startsWith('test/')) bad.push(`${relative(REPO_ROOT, f)} -> ${spec}`);
    }
    expect(bad).toEqual([]);
  });

  it('core has no `any`', () => {
    const hits: string[] = [];
    for (const f of sourceFiles('core')) {
      readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
        const code = line.replace(/\/\/.*$/, '');
        if (/^\s*(\*|\/\*)/.test(line)) return; // comment lines
        if (/:\s*any\b|as any\b|<any>/.test(code)) hits.push(`${relative(REPO_ROOT, f)}:${i + 1}`);
      });
    }
    expect(hits).toEqual([]);
  });
});
