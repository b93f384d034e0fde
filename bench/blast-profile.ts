// CPU profiles of blast alone: the first (cold) blast of the process and the next N (warm), as
// DIR/<tier>-hotspots.txt (bench/profile.ts). Same footholds as bench/blast-hash.ts.
// Usage: npx tsx bench/blast-profile.ts TIER DIR [N]
import { fileURLToPath } from 'node:url';
import * as core from '../core/index.ts';
import { blastFootholds, compiledEstate } from './blast-footholds.ts';
import { PhaseProfiler } from './profile.ts';

const tier = process.argv[2] ?? 'M';
const out = process.argv[3] ?? '/tmp/blast-profile';
const n = Number(process.argv[4] ?? 5);
const dp = compiledEstate(tier);
const refs = blastFootholds(dp, n + 1);
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
