// Import + compile timed against the JSON.parse floor in one process, the same way the bench
// measures them (files read one at a time, the read not timed), N rounds so that runs can be
// compared under the same load. Prints wall and CPU ms (process.cpuUsage: all threads, GC helpers
// included) and GC totals per phase.
// Usage: npx tsx --expose-gc bench/import-time.ts TIER [ROUNDS]
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import * as core from '../core/index.ts';
import { createImportSession } from '../importer/index.ts';
import { listJsonFiles } from './estates.ts';
import { gcTally } from './measure.ts';

const tier = process.argv[2] ?? 'L';
const rounds = Number(process.argv[3] ?? 1);
const dir = new URL(`./estates/${tier}-seed1/`, import.meta.url).pathname;
const files = listJsonFiles(dir);
const gcSeen = gcTally();
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 10));
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

/** CPU ms of the main thread alone (GC helper threads left out): steadier than wall time on a busy machine. */
function mainCpu(): number {
  const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const p = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(p[11]) + Number(p[12])) * 10;
}

interface Timer {
  wall: number;
  cpu: number;
  main?: number;
}
async function timed(each: (file: string, text: string) => void, after?: () => void): Promise<Timer & { gc: string }> {
  gc();
  if (process.env.MARK) console.log('PHASE start');
  const g0 = gcSeen.ms;
  const c0 = gcSeen.count;
  let wall = 0;
  let cpu = 0;
  let main = 0;
  const step = (fn: () => void): void => {
    const w = performance.now();
    const c = process.cpuUsage();
    const m = mainCpu();
    fn();
    main += mainCpu() - m;
    const d = process.cpuUsage(c);
    wall += performance.now() - w;
    cpu += (d.user + d.system) / 1000;
  };
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    step(() => each(f, text));
  }
  if (after) step(after);
  await tick();
  return { wall, cpu, main, gc: `${Math.round(gcSeen.ms - g0)}ms/${gcSeen.count - c0}` };
}

const fmt = (t: Timer): string => `${Math.round(t.wall)} (cpu ${Math.round(t.cpu)}${t.main === undefined ? '' : `, main ${Math.round(t.main)}`})`;
for (let r = 0; r < rounds; r++) {
  const p = await timed((_f, text) => void JSON.parse(text));
  const session = createImportSession();
  let snapshot: core.Snapshot | undefined;
  const i = await timed(
    (f, text) => session.addDocument(relative(dir, f), text),
    () => void (snapshot = session.finish()),
  );
  gc();
  if (process.env.MARK) console.log('PHASE compile');
  const g0 = gcSeen.ms;
  const c0 = gcSeen.count;
  const w = performance.now();
  const cu = process.cpuUsage();
  const m0 = mainCpu();
  const dp = core.compile(snapshot!);
  dp.compileAll();
  const d = process.cpuUsage(cu);
  const c = { wall: performance.now() - w, cpu: (d.user + d.system) / 1000, main: mainCpu() - m0 };
  await tick();
  const ratio = (i.wall + c.wall) / p.wall;
  console.log(
    `round ${r}: parse ${fmt(p)} gc ${p.gc} | import ${fmt(i)} gc ${i.gc} | compile ${fmt(c)} gc ${Math.round(gcSeen.ms - g0)}ms/${gcSeen.count - c0} | ratio ${ratio.toFixed(2)} | load ${(await import('node:os')).loadavg()[0].toFixed(2)}`,
  );
}
