// Matrix answers hashed, for checking that a speed-up changes nothing: computeMatrix by subnet, ASG
// and VNet, with every port and with a port list, JSON of the answer (minus its work stats) hashed.
// Usage: npx tsx bench/matrix-hash.ts TIER [--subnet: by subnet with every port only (the bench's question)]
//        [--threads N: as `ztpath matrix` computes it, N = 2 with a worker thread (cli/matrix-threads.ts)]
// Times are CPU ms (process.cpuUsage, GC threads included) and wall ms; GC from perf_hooks.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import * as core from '../core/index.ts';
import { createImportSession } from '../importer/index.ts';
import { listJsonFiles } from './estates.ts';
import { gcTally } from './measure.ts';
import type { SnapshotSource } from '../cli/load-snapshot.ts';
import { computeMatrixThreaded } from '../cli/matrix-threads.ts';

const tier = process.argv[2] ?? 'S';
const subnetOnly = process.argv.includes('--subnet');
const threadsAt = process.argv.indexOf('--threads');
const threads = threadsAt > 0 ? Number(process.argv[threadsAt + 1]) : 0;
const dir = new URL(`./estates/${tier}-seed1/`, import.meta.url).pathname;
const session = createImportSession();
const source: SnapshotSource = { documents: listJsonFiles(dir).map((f) => ({ file: f, name: relative(dir, f) })) };
for (const d of source.documents) session.addDocument(d.name, readFileSync(d.file, 'utf8'));
const dp = core.compile(session.finish());
dp.compileAll();
const gcSeen = gcTally();
const variants: { by: core.MatrixGrouping; ports?: string }[] = subnetOnly
  ? [{ by: 'subnet' }]
  : [{ by: 'subnet' }, { by: 'subnet', ports: '22,443,3389' }, { by: 'asg' }, { by: 'asg', ports: '22,443,3389' }, { by: 'vnet' }, { by: 'vnet', ports: '22,443,3389' }];
const all = createHash('sha256');
for (const v of variants) {
  gcSeen.ms = 0;
  gcSeen.count = 0;
  const t0 = process.cpuUsage();
  const w0 = performance.now();
  const ports = v.ports ? core.parsePortList(v.ports) : undefined;
  if (typeof ports === 'string') throw new Error(ports);
  const a = threads ? await computeMatrixThreaded(dp, { by: v.by, ports }, source, threads) : core.computeMatrix(dp, { by: v.by, ports });
  const wall = performance.now() - w0;
  const c = process.cpuUsage(t0);
  const { stats, ...stable } = a;
  // Hashed in pieces: one JSON string of the L answer is over a gigabyte.
  const h = createHash('sha256');
  const { cells, ...rest } = stable;
  h.update(JSON.stringify(rest));
  for (const cell of cells) h.update(JSON.stringify(cell));
  const d = h.digest('hex').slice(0, 16);
  all.update(d);
  await new Promise((r) => setTimeout(r, 10));
  console.log(`${tier}${threads ? ` threads=${threads}` : ''} ${v.by} ${v.ports ?? 'any'} ${d} cells=${a.summary.cells} cpu=${Math.round((c.user + c.system) / 1000)}ms wall=${Math.round(wall)}ms gc=${Math.round(gcSeen.ms)}ms/${gcSeen.count} rss=${Math.round(process.memoryUsage().rss / 2 ** 20)}MB walks=${stats?.walks}`);
}
console.log(`ALL ${tier} ${all.digest('hex').slice(0, 16)}`);
