// Import (and compile) of two source trees in one process, alternately, for A/B comparisons on a
// shared machine: both sides see the same load within seconds of each other, which separate bench
// runs (minutes apart, load 5-8 on the night of 2026-11-28) did not. Each round imports every file
// of the tier with tree A's importer and tree B's (B first in odd rounds), then compiles with the
// same tree's core; the first round of each side is cold (JIT) and left out of the medians.
// Figures: wall ms, CPU ms of the process (GC helper threads included) and GC pause ms / count.
// Usage: npx tsx --expose-gc bench/import-ab.ts TIER ROUNDS TREE_A [TREE_B]
//        (TREE_B defaults to this tree; a tree is a checkout with importer/ and core/, e.g. one
//        made by `git archive <commit> | tar -x -C DIR`)
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Core from '../core/index.ts';
import type * as Importer from '../importer/index.ts';
import { listJsonFiles } from './estates.ts';
import { collectGarbage, gcTally } from './measure.ts';

const [tier = 'M', roundsArg = '5', treeA, treeB = fileURLToPath(new URL('..', import.meta.url))] = process.argv.slice(2);
if (treeA === undefined) {
  process.stderr.write('usage: npx tsx --expose-gc bench/import-ab.ts TIER ROUNDS TREE_A [TREE_B]\n');
  process.exit(2);
}
const rounds = Math.max(2, Number(roundsArg));
const dir = new URL(`./estates/${tier}-seed1/`, import.meta.url).pathname;
const files = listJsonFiles(dir);
const texts = files.map((f) => readFileSync(f, 'utf8'));
const gcSeen = gcTally();

interface Side {
  name: string;
  importer: typeof Importer;
  core: typeof Core;
  rows: number[][];
}
const sides: Side[] = [];
for (const [name, tree] of [['A', treeA], ['B', treeB]] as const) {
  const root = resolve(tree);
  sides.push({
    name,
    importer: (await import(`${root}/importer/index.ts`)) as typeof Importer,
    core: (await import(`${root}/core/index.ts`)) as typeof Core,
    rows: [],
  });
}

const settle = async (): Promise<void> => {
  collectGarbage();
  await new Promise((r) => setTimeout(r, 100));
  collectGarbage();
  await new Promise((r) => setTimeout(r, 100));
};
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** [wall, cpu, gc ms, gc count] of `fn`. */
async function measure<T>(fn: () => T): Promise<{ value: T; figures: number[] }> {
  await settle();
  const g = gcSeen.ms;
  const n = gcSeen.count;
  const c = cpuMs();
  const w = performance.now();
  const value = fn();
  const wall = performance.now() - w;
  const cpu = cpuMs() - c;
  await new Promise((r) => setTimeout(r, 10)); // the last pauses' entries arrive asynchronously
  return { value, figures: [wall, cpu, gcSeen.ms - g, gcSeen.count - n] };
}

const fmt = (f: number[]): string => `wall ${f[0].toFixed(0)} cpu ${f[1].toFixed(0)} gc ${f[2].toFixed(0)}/${f[3]}`;
for (let r = 0; r < rounds; r++) {
  for (const side of r % 2 === 0 ? sides : [...sides].reverse()) {
    const imp = await measure(() => {
      const session = side.importer.createImportSession();
      for (let i = 0; i < files.length; i++) session.addDocument(relative(dir, files[i]), texts[i]);
      return session.finish();
    });
    const comp = await measure(() => side.core.compile(imp.value).compileAll());
    side.rows.push([...imp.figures, ...comp.figures]);
    const load = (await import('node:os')).loadavg()[0].toFixed(2);
    console.log(`${side.name} round ${r}: import ${fmt(imp.figures)} | compile ${fmt(comp.figures)} | load ${load}`);
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const side of sides) {
  const warm = side.rows.slice(1);
  const col = (k: number): number => median(warm.map((row) => row[k]));
  console.log(`${side.name} median of ${warm.length} warm rounds: import ${fmt([0, 1, 2, 3].map(col))} | compile ${fmt([4, 5, 6, 7].map(col))}`);
}
