// CPU profiles of blast alone: the first (cold) blast of the process and the next N (warm), as
// DIR/<tier>-hotspots.txt (bench/profile.ts). Same footholds as bench/blast-hash.ts.
// Usage: npx tsx bench/blast-profile.ts TIER DIR [N]
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '../core/index.ts';
import { createImportSession } from '../importer/index.ts';
import { listJsonFiles } from './estates.ts';
import { PhaseProfiler } from './profile.ts';
import { createRng } from './synth/prng.ts';

const tier = process.argv[2] ?? 'M';
const out = process.argv[3] ?? '/tmp/blast-profile';
const n = Number(process.argv[4] ?? 5);
const dir = new URL(`./estates/${tier}-seed1/`, import.meta.url).pathname;
const session = createImportSession();
for (const f of listJsonFiles(dir)) session.addDocument(relative(dir, f), readFileSync(f, 'utf8'));
const dp = core.compile(session.finish());
dp.compileAll();
const nicIds = [...dp.snapshot.networkInterfaces.values()].filter((x) => !x.privateEndpointId && x.ipConfigurations.some((c) => c.privateIp && c.subnetId)).map((x) => x.id);
const rng = createRng(7, 'blast-hash');
const refs = Array.from({ length: n + 1 }, () => {
  const r = core.resolveRef(dp, dp.snapshot.networkInterfaces.get(rng.pick(nicIds))!.displayId);
  if (!r.ok) throw new Error('unresolved');
  return r.ref;
});
const prof = new PhaseProfiler(out, tier, fileURLToPath(new URL('..', import.meta.url)));
await prof.open();
const phase = async (name: string, f: () => void) => {
  await prof.begin();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  console.log(`${name}: wall ${Math.round(performance.now() - t0)} ms, cpu ${Math.round((c.user + c.system) / 1000)} ms`);
  await prof.end(name);
};
await phase('cold', () => core.computeBlastRadius(dp, { from: refs[0] }));
await phase('warm', () => {
  for (const r of refs.slice(1)) core.computeBlastRadius(dp, { from: r });
});
await prof.close();
