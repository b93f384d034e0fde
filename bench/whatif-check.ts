// Times one-rule what-ifs on a bench estate and dumps each answer, so a speed-up can be checked for
// byte-identical answers on several edits (not only the one the benchmark times):
//
//   npx tsx bench/whatif-check.ts --tier L --seeds 1,2,3 --kinds bench,outbound,allow,remove --out /tmp/wi-new
//   diff -r /tmp/wi-old /tmp/wi-new        # the same command run on the code before the change
//
// Kinds: `bench` is the benchmark's edit (bench/measurements.ts oneRuleChange); `outbound` an
// outbound Deny of Tcp 443, `allow` an inbound Allow of Tcp 8443 from anywhere, `remove` the removal
// of an inbound Allow, each on a random associated NSG. Each edit gets a freshly compiled data plane
// (compile + compileAll, as the benchmark's); the first call on it is timed (wall and CPU time of the
// process: CPU time is steadier on a shared machine), then a second call on the same plane. Only the
// first edit of a process runs JIT-cold like `npm run bench -- --only whatif`: run one seed per
// process to compare cold figures. `--profile DIR` writes a CPU profile of each first call.
// Answers are written without their timing (stats.elapsedMs), one JSON file per edit, with the
// first 12 hex digits of its sha256 printed. Outbound edits take minutes at tier L.

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadavg, tmpdir } from 'node:os';
import * as core from '../core/index.ts';
import type { DataPlane, SecurityRule, SnapshotEdit } from '../core/index.ts';
import { createImportSession } from '../importer/index.ts';
import { listJsonFiles } from './estates.ts';
import { oneRuleChange } from './measurements.ts';
import { collectGarbage, now, round } from './measure.ts';
import { createRng } from './synth/prng.ts';
import { PhaseProfiler } from './profile.ts';

type Kind = 'bench' | 'outbound' | 'allow' | 'remove';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
}

function associatedNsgs(dp: DataPlane) {
  return [...dp.snapshot.networkSecurityGroups.values()].filter((n) => dp.subnetsByNsg.get(n.id)?.length || dp.nicsByNsg.get(n.id)?.length);
}

function freePriority(rules: SecurityRule[], direction: string): number {
  const used = new Set(rules.filter((r) => r.direction === direction).map((r) => r.priority));
  let p = 100;
  while (used.has(p)) p++;
  return p;
}

function newRule(nsg: { id: string; displayId: string }, name: string, r: Partial<SecurityRule>): SecurityRule {
  const displayId = `${nsg.displayId}/securityRules/${name}`;
  return {
    id: displayId.toLowerCase(), displayId, name, nsgId: nsg.id, collection: 'securityRules', priority: 100, direction: 'Inbound', access: 'Deny', protocol: 'Tcp',
    sourceAddressPrefixes: ['*'], destinationAddressPrefixes: ['*'], sourceAsgIds: [], destinationAsgIds: [], sourcePortRanges: ['*'], destinationPortRanges: ['*'], ...r,
  } as SecurityRule;
}

function edit(dp: DataPlane, kind: Kind, seed: number): SnapshotEdit {
  if (kind === 'bench') return oneRuleChange(dp, seed);
  const rng = createRng(seed, 'whatif-check', kind);
  const nsgs = associatedNsgs(dp);
  if (kind === 'remove') {
    const cands = nsgs.flatMap((n) => n.securityRules.filter((r) => r.direction === 'Inbound' && r.access === 'Allow' && !r.id.includes('defaultsecurityrules')).map((r) => ({ n, r })));
    const c = rng.pick(cands);
    return { kind: 'removeSecurityRule', nsgId: c.n.id, ruleId: c.r.id };
  }
  const nsg = rng.pick(nsgs);
  if (kind === 'outbound') {
    return { kind: 'addSecurityRule', nsgId: nsg.id, rule: newRule(nsg, 'check-deny-out-443', { direction: 'Outbound', priority: freePriority(nsg.securityRules, 'Outbound'), destinationPortRanges: ['443'] }) };
  }
  return { kind: 'addSecurityRule', nsgId: nsg.id, rule: newRule(nsg, 'check-allow-in-8443', { access: 'Allow', priority: freePriority(nsg.securityRules, 'Inbound'), sourceAddressPrefixes: ['*'], destinationPortRanges: ['8443'] }) };
}

const tier = arg('tier', 'M');
const seeds = arg('seeds', '1').split(',').map(Number);
const kinds = arg('kinds', 'bench').split(',') as Kind[];
const out = arg('out', join(tmpdir(), `whatif-check-${tier}`));
const profileDir = arg('profile', '');
const dir = join(import.meta.dirname, 'estates', `${tier}-seed1`);
mkdirSync(out, { recursive: true });

const session = createImportSession();
for (const f of listJsonFiles(dir)) session.addDocument(relative(dir, f), readFileSync(f, 'utf8'));
const snapshot = session.finish();
const profiler = profileDir ? new PhaseProfiler(profileDir, tier, join(import.meta.dirname, '..')) : undefined;
await profiler?.open();
console.log(`${tier}: imported; load average ${loadavg()[0].toFixed(2)}`);
for (const kind of kinds) {
  for (const seed of seeds) {
    const dp = core.compile(snapshot);
    dp.compileAll();
    const change = edit(dp, kind, seed);
    collectGarbage();
    await profiler?.begin();
    const c0 = process.cpuUsage();
    const t0 = now();
    const answer = core.computeWhatIf(dp, { changes: [change] });
    const cold = now() - t0;
    const cpu = process.cpuUsage(c0);
    const coldCpu = (cpu.user + cpu.system) / 1000;
    await profiler?.end(`${kind}-${seed}`);
    const t1 = now();
    core.computeWhatIf(dp, { changes: [change] });
    const warm = now() - t1;
    const stats = answer.stats as unknown as Record<string, unknown>;
    delete stats.elapsedMs;
    const text = JSON.stringify(answer, null, 1);
    const name = `${tier}-${kind}-${seed}.json`;
    writeFileSync(join(out, name), text);
    const hash = createHash('sha256').update(text).digest('hex').slice(0, 12);
    console.log(`${name.padEnd(22)} cold ${String(round(cold)).padStart(7)} ms (cpu ${coldCpu.toFixed(0)})  warm ${String(round(warm)).padStart(7)} ms  allowed ${answer.newlyAllowed.length} blocked ${answer.newlyBlocked.length} pairs ${stats.pairsComputed}/${stats.pairsConsidered}  ${hash}  load ${loadavg()[0].toFixed(2)}`);
  }
}
await profiler?.close();
