// The cold blast alone, as `ztpath blast` pays it: import, compile + compileAll, a settled heap,
// then the first blast of the process (CPU ms, wall ms, GC) and N warm ones after it. Footholds as
// bench/blast-hash.ts's (the first is the one named there as 0.0). Run old and new alternately.
// CPU ms: cpu is the process's (GC helper threads too), main the main thread's alone.
// Usage: npx tsx --expose-gc bench/blast-cold.ts TIER [N] [FIRST: skip this many footholds]
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as core from '../core/index.ts';
import { blastFootholds, compiledEstate } from './blast-footholds.ts';
import { gcTally, settleHeap } from './measure.ts';

/** CPU ms of the main thread alone (Linux /proc; GC helper threads left out), or NaN elsewhere. */
function mainThreadMs(): number {
  try {
    const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

const tier = process.argv[2] ?? 'M';
const n = Number(process.argv[3] ?? 5);
const first = Number(process.argv[4] ?? 0);
const dp = compiledEstate(tier);
const refs = blastFootholds(dp, first + n + 1).slice(first);
await settleHeap();
const gc = gcTally();
const rows: string[] = [];
for (const [i, from] of refs.entries()) {
  const g0 = gc.ms;
  const c0 = process.cpuUsage();
  const m0 = mainThreadMs();
  const t0 = performance.now();
  const a = core.computeBlastRadius(dp, { from });
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const main = mainThreadMs() - m0;
  await new Promise((resolve) => setTimeout(resolve, 50)); // the GC observer reports asynchronously
  rows.push(`${i === 0 ? 'cold' : 'warm'} cpu=${Math.round((c.user + c.system) / 1000)} main=${Math.round(main)} wall=${Math.round(wall)} gc=${Math.round(gc.ms - g0)} reached=${a.summary.endpoints} walks=${a.stats?.walks} inbound=${a.stats?.inboundComputations} nsg=${a.stats?.nsgComputations}`);
}
console.log(`${tier} load ${loadavg()[0].toFixed(2)}\n${rows.join('\n')}`);
