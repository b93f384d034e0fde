// The imported snapshot and the compiled data plane hashed, for checking that an import or compile
// speed-up changes nothing: every map of the Snapshot in its iteration order (source locations and
// diagnostics included), the effective routes of every 7th subnet and the effective security
// rules of every 13th address-index endpoint (Network Watcher views), each hashed.
// Usage: npx tsx bench/import-hash.ts TIER [--bytes]   (prints one hash per part and ALL; --bytes hands
// the importer each file's bytes, as the CLI does, instead of its text: the hashes must not change)
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import * as core from '../core/index.ts';
import { createImportSession } from '../importer/index.ts';
import { listJsonFiles } from './estates.ts';

const tier = process.argv[2] ?? 'S';
const dir = new URL(`./estates/${tier}-seed1/`, import.meta.url).pathname;
const session = createImportSession();
const bytes = process.argv.includes('--bytes');
for (const f of listJsonFiles(dir)) session.addDocument(relative(dir, f), bytes ? readFileSync(f) : readFileSync(f, 'utf8'));
const snapshot = session.finish();

/** Maps and Sets as entry lists (in their own order): insertion order is part of the answer. */
function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Map) return { $map: [...value.entries()] };
  if (value instanceof Set) return { $set: [...value] };
  return value;
}
const hash = (v: unknown): string => createHash('sha256').update(JSON.stringify(v, replacer)).digest('hex').slice(0, 16);

const all = createHash('sha256');
const part = (name: string, v: unknown): void => {
  const h = hash(v);
  all.update(h);
  console.log(`${name} ${h}`);
};
for (const [k, v] of Object.entries(snapshot)) part(`snapshot.${k}`, v);

const dp = core.compile(snapshot);
dp.compileAll();
const subnets = [...snapshot.subnets.keys()].filter((_, i) => i % 7 === 0);
part('routes', subnets.map((id) => core.computeEffectiveRoutesView(dp, id)));
const endpoints = [...dp.addresses.byIp.values()].flat().filter((_, i) => i % 13 === 0);
part('rules', endpoints.map((e) => core.computeEffectiveSecurityRulesView(dp, e)));
console.log(`ALL ${tier} ${all.digest('hex').slice(0, 16)} (${subnets.length} subnets, ${endpoints.length} endpoints)`);
