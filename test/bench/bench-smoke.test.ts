// A short bench on tier S (the real runner and worker process, a temporary estate and results
// file): checks the shape of what it writes, never the timings.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, parseArgs } from '../../bench/run.ts';
import type { ResultsFile, TierResult } from '../../bench/types.ts';
import { END, START } from '../../bench/report.ts';
import { overrideTier } from '../../bench/supervise.ts';

const root = mkdtempSync(join(tmpdir(), 'ztpath-bench-'));
const out = join(root, 'results.json');
const markdown = join(root, 'RESULTS.md');
const FLOWS = 60;
const PAIRS = 12;

let exitCode = -1;
let stdout = '';
let stderr = '';

beforeAll(async () => {
  // An earlier figure of another tier: a run of S must keep it (merge, not overwrite).
  writeFileSync(out, JSON.stringify({ machine: {}, tiers: { L: { tier: 'L', seed: 1, date: '2000-01-01', completed: true, maxOldSpaceMb: 1, parseMs: 123 } } }));
  writeFileSync(markdown, `# page\n\nhand-written intro\n\n${START}\nold\n${END}\n\n## History\nhand-written history\n`);
  exitCode = await main(
    ['--tier', 's', '--seed', '7', '--json', '--out', out, '--markdown', markdown, '--estates', join(root, 'estates'), '--flows', String(FLOWS), '--pairs', String(PAIRS), '--blast', '1', '--whatif-budget', '500', '--timeout', '10'],
    { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), stderrIsTTY: true, env: {}, cwd: root },
  );
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

function finite(v: unknown, what: string): void {
  expect(typeof v, what).toBe('number');
  expect(Number.isFinite(v as number), what).toBe(true);
  expect(v as number, what).toBeGreaterThanOrEqual(0);
}

/**
 * A figure that is either measured (finite, >= 0) or null because its core function is missing
 * or because it ran past the --timeout given here (a loaded machine; the shape is what is tested).
 */
function figureOrMissing(r: TierResult, value: unknown, ...names: string[]): void {
  if (value === null) {
    const excused = [...(r.notImplemented ?? []), ...(r.timedOut ?? [])];
    expect(names.some((n) => excused.includes(n)), `${names.join('/')} is null, so it must be not implemented or timed out`).toBe(true);
  } else finite(value, names[0] ?? '');
}

describe('npm run bench on tier S', () => {
  it('exits 0 (1 only when a measurement ran past the limit), prints the run as JSON on stdout and nothing on stderr under --json', () => {
    expect(exitCode === 0 || (exitCode === 1 && stdout.includes('"timedOut"')), stderr).toBe(true);
    expect(stderr).toBe('');
    const printed = JSON.parse(stdout) as ResultsFile;
    expect(Object.keys(printed.tiers)).toEqual(['S']);
  });

  it('writes results.json in the issue\'s shape, merged with the figures already there', () => {
    const file = JSON.parse(readFileSync(out, 'utf8')) as ResultsFile;
    expect(file.tiers.L?.parseMs).toBe(123);
    const m = file.machine;
    finite(m.cores, 'cores');
    expect(m.cores).toBeGreaterThan(0);
    for (const k of ['cpuModel', 'node', 'platform', 'date'] as const) expect(typeof m[k], k).toBe('string');
    finite(m.totalMemoryMb, 'totalMemoryMb');
    // What touching new memory costs here: on some virtual machines it outweighs the work done in it.
    finite(m.freshMemoryMsPerMb, 'freshMemoryMsPerMb');
    expect(m.freshMemoryMsPerMb).toBeGreaterThan(0);

    const r = file.tiers.S as TierResult;
    expect(r).toBeDefined();
    expect(r.completed, r.error).toBe(true);
    expect(r.seed).toBe(7);
    for (const k of ['inputBytes', 'readMs', 'parseMs', 'importMs', 'compileMs', 'importCompileMs', 'ratio', 'peakRssMb'] as const) finite(r[k], k);
    expect(r.inputBytes).toBeGreaterThan(1_000_000);
    expect(r.peakRssMb).toBeGreaterThan(0);
    // Fresh memory per measurement, from the minor page faults (Linux only): importing builds a model, so it touches some.
    if (process.platform === 'linux') expect(r.gc?.import?.freshMb).toBeGreaterThan(0);

    for (const [name, fig, count] of [['trace', r.trace, FLOWS], ['reach', r.reach, PAIRS]] as const) {
      expect(fig, name).toBeDefined();
      expect(fig!.samples, name).toBe(count);
      for (const k of ['p50Ms', 'p99Ms', 'maxMs', 'meanMs'] as const) finite(fig![k], `${name}.${k}`);
      expect(fig!.p99Ms!, name).toBeGreaterThanOrEqual(fig!.p50Ms!);
    }
    const dispositions = Object.values(r.trace!.dispositions).reduce((a, b) => a + b, 0);
    expect(dispositions + r.trace!.errors).toBe(FLOWS);
    expect(Object.keys(r.trace!.dispositions).length, 'the random flows end in more than one way').toBeGreaterThan(1);

    for (const k of ['exposureMs', 'matrixMs', 'findingsMs'] as const) {
      expect(r, k).toHaveProperty(k);
      figureOrMissing(r, r[k], k.replace(/Ms$/, ''));
    }
    expect(r.blast).toHaveProperty('p50Ms');
    expect(r.blast).toHaveProperty('maxMs');
    figureOrMissing(r, r.blast!.p50Ms, 'blast');
    figureOrMissing(r, r.blast!.maxMs, 'blast');
    expect(r.whatif).toHaveProperty('incrementalMs');
    expect(r.whatif).toHaveProperty('fullMs');
    figureOrMissing(r, r.whatif!.incrementalMs, 'whatif');
    figureOrMissing(r, r.whatif!.fullMs, 'whatifFull', 'whatif');
    // No measurement failed, except by running past the time limit given here.
    for (const name of Object.keys(r.errors ?? {})) expect(r.timedOut ?? [], `${name}: ${r.errors![name]}`).toContain(name);
  });

  it('rewrites only the generated part of the markdown page', () => {
    const page = readFileSync(markdown, 'utf8');
    expect(page).toContain('hand-written intro');
    expect(page).toContain('hand-written history');
    expect(page).not.toContain('\nold\n');
    expect(page).toContain('### Tier S');
    expect(page).toContain('trace p50 / p99');
  });

  it('rejects a bad flag with exit code 2', async () => {
    let err = '';
    const code = await main(['--tier', 'XXL'], { stdout: () => {}, stderr: (s) => void (err += s), stderrIsTTY: false, env: {}, cwd: root });
    expect(code).toBe(2);
    expect(err).toMatch(/--tier must be one of/);
  });
});

describe('re-measuring some questions (--only)', () => {
  it('keeps the stored figures of the questions not re-run and takes parse, import and compile from this run', () => {
    const stored = { tier: 'S', seed: 1, date: 'then', completed: true, parseMs: 50, importMs: 900, compileMs: 400, ratio: 26, exposureMs: 210, findingsMs: 500, phaseMs: { parse: 50, import: 900, compile: 400, exposure: 210, findings: 500 } } as unknown as TierResult;
    const fresh = { tier: 'S', seed: 1, date: 'now', completed: true, parseMs: 40, importMs: 300, compileMs: 100, ratio: 10, exposureMs: 150, phaseMs: { parse: 40, import: 300, compile: 100, exposure: 150 } } as unknown as TierResult;
    const merged = overrideTier(stored, fresh, ['exposure']);
    expect([merged.parseMs, merged.importMs, merged.compileMs, merged.ratio]).toEqual([40, 300, 100, 10]);
    expect(merged.exposureMs).toBe(150);
    expect(merged.findingsMs).toBe(500);
    expect(merged.date).toBe('now');
  });
});

describe('--only with the measurements that always run', () => {
  const only = (list: string) => {
    const p = parseArgs(['--only', list], '/tmp');
    return 'error' in p ? p.error : 'args' in p ? p.args.only : undefined;
  };
  it('parse,import,compile runs just them; named beside others they are dropped; unknown names are errors', () => {
    expect(only('parse,import,compile')).toEqual([]);
    expect(only('parse,exposure')).toEqual(['exposure']);
    expect(only('parse,nothing')).toMatch(/--only takes/);
  });
});
