// Blast answers hashed, for checking that a speed-up changes nothing: 20 seeded footholds per tier,
// with every port and with a port list, JSON of computeBlastRadius (minus its work stats) hashed.
// Usage: npx tsx bench/blast-hash.ts TIER [N] [--time] [--others: matrix and exposure instead] (--time: every port only). Times are CPU ms
// (process.cpuUsage, GC threads included): less disturbed by other work on a shared machine.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import * as core from '../core/index.ts';
import { createImportSession } from '../importer/index.ts';
import { listJsonFiles } from './estates.ts';
import { createRng } from './synth/prng.ts';

const tier = process.argv[2] ?? 'S';
const n = Number(process.argv[3] ?? 20);
const time = process.argv.includes('--time');
const dir = new URL(`./estates/${tier}-seed1/`, import.meta.url).pathname;
const session = createImportSession();
for (const f of listJsonFiles(dir)) session.addDocument(relative(dir, f), readFileSync(f, 'utf8'));
const dp = core.compile(session.finish());
const nicIds = [...dp.snapshot.networkInterfaces.values()].filter((x) => !x.privateEndpointId && x.ipConfigurations.some((c) => c.privateIp && c.subnetId)).map((x) => x.id);
if (process.argv.includes('--others')) {
  // The other users of ReachKit: the subnet matrix and exposure (JSON minus work stats).
  for (const [name, f] of [['matrix', () => core.computeMatrix(dp, { by: 'subnet' })], ['exposure', () => core.computeExposure(dp, {})]] as const) {
    const { stats, ...stable } = f() as { stats?: unknown };
    console.log(`${name} ${tier} ${createHash('sha256').update(JSON.stringify(stable)).digest('hex').slice(0, 16)}`);
  }
  process.exit(0);
}
const rng = createRng(7, 'blast-hash');
const all = createHash('sha256');
const ms: number[] = [];
const wall: number[] = [];
for (let i = 0; i < n; i++) {
  const nic = dp.snapshot.networkInterfaces.get(rng.pick(nicIds))!;
  const r = core.resolveRef(dp, nic.displayId);
  if (!r.ok) throw new Error('unresolved');
  const variants = [{}, { ports: core.parsePortList('22,443,3389') }, { depth: 2, critical: ['tag:env=prod', 'asg:web'] }];
  for (const [v, extra] of variants.entries()) {
    if (time && v > 0) continue;
    const t0 = process.cpuUsage();
    const w0 = performance.now();
    const a = core.computeBlastRadius(dp, { from: r.ref, ...(extra as object) });
    const c = process.cpuUsage(t0);
    wall.push(performance.now() - w0);
    ms.push((c.user + c.system) / 1000);
    const { stats, ...stable } = a;
    const h = createHash('sha256').update(JSON.stringify(stable)).digest('hex').slice(0, 12);
    all.update(h);
    console.log(`${i}.${v} ${nic.name} ${h} reached=${a.summary.endpoints} caveats=${a.caveats.length} cpu=${Math.round(ms[ms.length - 1])}ms wall=${Math.round(wall[wall.length - 1])}ms walks=${stats?.walks}`);
  }
}
const stat = (x: number[]) => {
  const s = [...x].sort((a, b) => a - b);
  return `p50=${Math.round(s[s.length >> 1])} max=${Math.round(s[s.length - 1])} sum=${Math.round(s.reduce((a, b) => a + b, 0))}`;
};
console.log(`ALL ${tier} ${all.digest('hex').slice(0, 16)} cpu ${stat(ms)} wall ${stat(wall)}`);
