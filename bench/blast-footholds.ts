// The one-off blast scripts' setup: a tier's estate imported and compiled (compile + compileAll, as
// the benchmark's), and the seeded footholds bench/blast-hash.ts names (the same NICs in order).
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import * as core from '../core/index.ts';
import { createImportSession } from '../importer/index.ts';
import { listJsonFiles } from './estates.ts';
import { createRng } from './synth/prng.ts';

export function compiledEstate(tier: string): core.DataPlane {
  const dir = new URL(`./estates/${tier}-seed1/`, import.meta.url).pathname;
  const session = createImportSession();
  for (const f of listJsonFiles(dir)) session.addDocument(relative(dir, f), readFileSync(f, 'utf8'));
  const dp = core.compile(session.finish());
  dp.compileAll();
  return dp;
}

/** The first `count` footholds of bench/blast-hash.ts's seeded sequence. */
export function blastFootholds(dp: core.DataPlane, count: number): core.ResolvedRef[] {
  const nicIds = [...dp.snapshot.networkInterfaces.values()].filter((x) => !x.privateEndpointId && x.ipConfigurations.some((c) => c.privateIp && c.subnetId)).map((x) => x.id);
  const rng = createRng(7, 'blast-hash');
  return Array.from({ length: count }, () => {
    const r = core.resolveRef(dp, dp.snapshot.networkInterfaces.get(rng.pick(nicIds))!.displayId);
    if (!r.ok) throw new Error('unresolved');
    return r.ref;
  });
}
