// Shared helpers for the importer tests: where the corpus and fixtures are, and small ways to
// import inline documents and pick diagnostics.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic, Snapshot } from '../../core/model/index.ts';
import { importDocuments } from '../../importer/index.ts';

export const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const corpusRoot = path.resolve(repoRoot, '../shared/corpus');
export const corpusPresent = existsSync(corpusRoot);
export const fixturesRoot = path.resolve(repoRoot, 'test/fixtures/import');

/** Network REST examples folder of the corpus. */
export const restExamples = path.join(
  corpusRoot,
  'azure-rest-api-specs/specification/network/resource-manager/Microsoft.Network/Network/examples/2025-05-01',
);

export function corpusFile(rel: string): { file: string; text: string } {
  return { file: rel, text: readFileSync(path.join(corpusRoot, rel), 'utf8') };
}

export function restExample(name: string): { file: string; text: string } {
  const file = path.join(restExamples, `${name}.json`);
  return { file: path.relative(corpusRoot, file), text: readFileSync(file, 'utf8') };
}

/** Every *.json below a folder, relative to `relativeTo`, sorted. */
export function jsonFilesBelow(dir: string, relativeTo = dir): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.json')) out.push(path.relative(relativeTo, p));
    }
  };
  walk(dir);
  return out;
}

export function fixtureDocs(sub: string): { file: string; text: string }[] {
  const dir = path.join(fixturesRoot, sub);
  return jsonFilesBelow(dir).map((f) => ({ file: `${sub}/${f}`, text: readFileSync(path.join(dir, f), 'utf8') }));
}

/** Import inline documents: strings are taken as-is, anything else is JSON.stringify'd. */
export function importInline(...docs: [file: string, doc: unknown][]): Snapshot {
  return importDocuments(docs.map(([file, doc]) => ({ file, text: typeof doc === 'string' ? doc : JSON.stringify(doc) })));
}

export function diags(s: Snapshot, code: string, severity?: Diagnostic['severity']): Diagnostic[] {
  return s.diagnostics.filter((d) => d.code === code && (severity === undefined || d.severity === severity));
}

export function errors(s: Snapshot): Diagnostic[] {
  return s.diagnostics.filter((d) => d.severity === 'error');
}

/** The model without source locations and with maps as sorted objects, for shape-independent equality. */
export function modelOf(s: Snapshot): Record<string, unknown> {
  const plain = JSON.stringify(
    { ...s, diagnostics: undefined, files: undefined },
    (k, v: unknown) => (k === 'source' ? undefined : v instanceof Map ? Object.fromEntries([...v.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) : v),
  );
  return JSON.parse(plain) as Record<string, unknown>;
}

// Ids used by the hand-written fixtures (test/fixtures/import).
export const SUB = '00000000-0000-0000-0000-000000000001';
export const NET = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network`;
export const ids = {
  vnet: `${NET}/virtualNetworks/vnet-hub`,
  snetApp: `${NET}/virtualNetworks/vnet-hub/subnets/snet-app`,
  snetData: `${NET}/virtualNetworks/vnet-hub/subnets/snet-data`,
  peering: `${NET}/virtualNetworks/vnet-hub/virtualNetworkPeerings/hub-to-spoke`,
  spoke: `/subscriptions/${SUB}/resourceGroups/rg-spoke/providers/Microsoft.Network/virtualNetworks/vnet-spoke`,
  nsg: `${NET}/networkSecurityGroups/nsg-app`,
  rt: `${NET}/routeTables/rt-app`,
  asg: `${NET}/applicationSecurityGroups/asg-web`,
  pip: `${NET}/publicIPAddresses/pip-web-1`,
  nicWeb: `${NET}/networkInterfaces/nic-web-1`,
  nicNva: `${NET}/networkInterfaces/nic-nva`,
};

export function lc(id: string): string {
  return id.toLowerCase();
}

/**
 * A value as JSON shows it: what `--json` output and any consumer reading its fields see. Source
 * locations join their JSON path when read (importer/json-path.ts), so they are compared this way.
 */
export function asJson(v: unknown): unknown {
  return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
}
