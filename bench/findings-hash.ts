// Findings answers hashed, for checking that a speed-up changes nothing: computeFindings(dp, {}) on
// each tier's estate as JSON, every finding and the rest of the answer, without the per-check
// timings and without `judged` (the ids the run judged, added later: left out so that hashes stay
// comparable with those recorded before it). Usage: npx tsx bench/findings-hash.ts TIER... (default
// S). Times are wall ms.
import { createHash } from 'node:crypto';
import * as core from '../core/index.ts';
import { compiledEstate } from './blast-footholds.ts';

for (const tier of process.argv.length > 2 ? process.argv.slice(2) : ['S']) {
  const dp = compiledEstate(tier);
  const t0 = performance.now();
  const answer = core.computeFindings(dp, {});
  const ms = performance.now() - t0;
  const h = createHash('sha256');
  const { findings, timings: _timings, judged: _judged, ...rest } = answer;
  for (const f of findings) h.update(JSON.stringify(f));
  h.update(JSON.stringify(rest));
  console.log(`${tier} ${h.digest('hex').slice(0, 16)} findings=${findings.length} ${Math.round(ms)}ms`);
}
