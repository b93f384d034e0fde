// `npm run bench [-- --tier L]`: generates (or reuses) the synthetic estates, runs each tier in its
// own worker process, prints the table, merges the figures into bench/results.json and rewrites the
// generated part of bench/RESULTS.md. The worker is this same program (bin/bench.js) started with
// `--worker`, under `node --max-old-space-size=... --expose-gc`.

import { totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureEstate } from './estates.ts';
import { canonicalTier, describeMachine, orderedTiers, readResults, renderText, updateMarkdown, writeResults } from './report.ts';
import { BASE_MEASUREMENTS, MEASUREMENTS } from './measurements.ts';
import { overrideTier, superviseTier } from './supervise.ts';
import { TIER_NAMES, type TierName } from './synth/tiers.ts';
import type { Machine, TierResult, WorkerJob } from './types.ts';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface BenchIo {
  stdout(s: string): void;
  stderr(s: string): void;
  stderrIsTTY: boolean;
  env: Record<string, string | undefined>;
  cwd: string;
}

export const HELP = `Usage: npm run bench [-- OPTIONS]

Measures ztpath on seeded synthetic estates (bench/synth): input bytes, the JSON.parse floor,
import + compile and its ratio to the floor, peak RSS, trace and reach latency percentiles over
random NIC pairs, and exposure, blast, matrix, findings and one-rule what-if once core has them.
Each tier runs in its own worker process. Prints a table, merges the figures into results.json
and rewrites the generated part of bench/RESULTS.md.

Options:
  --tier S|M|L|XL    a tier to run (repeatable; default: S and M). L reads ~250 MB, XL ~1 GB
  --seed N           estate seed (default 1)
  --report           run nothing: print the stored figures of every tier (from --out) and rewrite
                     the generated part of the markdown page
  --json             print this run's figures as JSON on stdout instead of the table
  --out FILE         results file to merge into (default bench/results.json)
  --markdown FILE    page whose generated part to rewrite (default bench/RESULTS.md when --out is
                     the default, none otherwise)
  --estates DIR      where estates are generated or reused (default bench/estates, git-ignored)
  --flows N          random flows to trace (default 1000)
  --pairs N          random pairs for reach (default 200)
  --blast N          random endpoints for blast (default 20)
  --only NAMES       run only these measurements (comma-separated: trace, traceSameVnet, reach,
                     exposure, blast, matrix, findings, whatif, whatifFull; parse, import and
                     compile always run, and --only parse,import,compile runs just them) and
                     replace just their figures in the stored tier
  --timeout S        time limit of one measurement (default 300): past it the worker is killed
                     and a new one runs the remaining measurements; the figure is an error
  --whatif-budget MS time budget of the full what-if recompute; past it core extrapolates the
                     whole time (default: core's, 60 s)
  --profile DIR      CPU-profile each measurement into DIR (<tier>-<measurement>.cpuprofile and
                     <tier>-hotspots.txt, mapped to TypeScript file:line); the figures of a
                     profiled run are printed but not merged into the results file
  --node-flag FLAG   one more node/V8 flag for the workers (repeatable), for experiments such as
                     --node-flag=--max-semi-space-size=64
  --heap MB          the workers' --max-old-space-size (default: S 2048, M 4096, L 8192,
                     XL 16384, at most 3/4 of the machine's memory)
  -h, --help         this text

Progress goes to stderr when stderr is a terminal, unless --json or CI is set.
Exit codes: 0 every measurement of every tier ran; 1 a worker crashed or a measurement failed or
timed out (the figures measured are kept); 2 usage error.
`;

export interface BenchArgs {
  tiers: TierName[];
  seed: number;
  json: boolean;
  report: boolean;
  out: string;
  markdown?: string;
  estates: string;
  flows: number;
  pairs: number;
  blast: number;
  whatIfBudgetMs?: number;
  timeoutS: number;
  only?: string[];
  heapMb?: number;
  profile?: string;
  nodeFlags: string[];
}

type Parsed = { help: true } | { error: string } | { args: BenchArgs };

const VALUE_FLAGS = ['tier', 'seed', 'out', 'markdown', 'estates', 'flows', 'pairs', 'blast', 'whatif-budget', 'timeout', 'only', 'heap', 'profile', 'node-flag'] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];

function count(text: string, flag: string, min: number): number | string {
  if (!/^\d+$/.test(text)) return `--${flag} must be a whole number, got ${text}`;
  const n = Number(text);
  return n < min ? `--${flag} must be at least ${min}, got ${text}` : n;
}

export function parseArgs(argv: readonly string[], cwd: string): Parsed {
  const tiers: TierName[] = [];
  const nodeFlags: string[] = [];
  const values: Partial<Record<ValueFlag, string>> = {};
  let json = false;
  let report = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-h' || arg === '--help') return { help: true };
    if (arg === '--json') {
      json = true;
      continue;
    }
    if (arg === '--report') {
      report = true;
      continue;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m || !(VALUE_FLAGS as readonly string[]).includes(m[1] as string)) {
      return { error: arg.startsWith('-') ? `unknown option ${arg}` : `unexpected argument ${arg}` };
    }
    const key = m[1] as ValueFlag;
    let value = m[2];
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined || (value.startsWith('--') && key !== 'node-flag')) return { error: `--${key} needs a value` };
      i++;
    }
    if (key === 'tier') {
      const t = value.toUpperCase();
      if (!(TIER_NAMES as readonly string[]).includes(t)) return { error: `--tier must be one of ${TIER_NAMES.join(', ')}, got ${value}` };
      if (!tiers.includes(t as TierName)) tiers.push(t as TierName);
      continue;
    }
    if (key === 'node-flag') {
      if (!value.startsWith('--')) return { error: `--node-flag takes a node or V8 flag such as --max-semi-space-size=64, got ${value}` };
      nodeFlags.push(value);
      continue;
    }
    if (values[key] !== undefined) return { error: `--${key} given twice` };
    values[key] = value;
  }
  const nums: Partial<Record<'seed' | 'flows' | 'pairs' | 'blast' | 'whatif-budget' | 'timeout' | 'heap', number>> = {};
  const defaults = { seed: 1, flows: 1000, pairs: 200, blast: 20 };
  for (const [flag, min] of [['seed', 0], ['flows', 1], ['pairs', 1], ['blast', 0], ['whatif-budget', 1], ['timeout', 1], ['heap', 256]] as const) {
    const text = values[flag];
    if (text === undefined) continue;
    const n = count(text, flag, min);
    if (typeof n === 'string') return { error: n };
    if (flag === 'seed' && n > 0xffffffff) return { error: `--seed must be at most 4294967295, got ${text}` };
    nums[flag] = n;
  }
  let only: string[] | undefined;
  if (values.only !== undefined) {
    const names = values.only.split(',').map((x) => x.trim()).filter((x) => x !== '');
    const known = MEASUREMENTS.map((m) => m.name).filter((n) => !BASE_MEASUREMENTS.has(n));
    const bad = names.filter((n) => !known.includes(n) && !BASE_MEASUREMENTS.has(n));
    if (bad.length || names.length === 0) return { error: `--only takes a comma-separated list of ${known.join(', ')} (parse, import and compile always run); got ${values.only}` };
    // Naming parse, import or compile is allowed (they always run): `--only parse,import,compile`
    // runs just those.
    only = names.filter((n) => !BASE_MEASUREMENTS.has(n));
  }
  const defaultOut = join(REPO_ROOT, 'bench', 'results.json');
  const out = values.out !== undefined ? resolve(cwd, values.out) : defaultOut;
  const markdown = values.markdown !== undefined ? resolve(cwd, values.markdown) : values.out === undefined ? join(REPO_ROOT, 'bench', 'RESULTS.md') : undefined;
  return {
    args: {
      tiers: tiers.length ? TIER_NAMES.filter((t) => tiers.includes(t)) : ['S', 'M'],
      seed: nums.seed ?? defaults.seed,
      json,
      report,
      out,
      ...(markdown ? { markdown } : {}),
      estates: values.estates !== undefined ? resolve(cwd, values.estates) : join(REPO_ROOT, 'bench', 'estates'),
      flows: nums.flows ?? defaults.flows,
      pairs: nums.pairs ?? defaults.pairs,
      blast: nums.blast ?? defaults.blast,
      timeoutS: nums.timeout ?? 300,
      ...(only ? { only } : {}),
      ...(nums.heap !== undefined ? { heapMb: nums.heap } : {}),
      ...(nums['whatif-budget'] !== undefined ? { whatIfBudgetMs: nums['whatif-budget'] } : {}),
      ...(values.profile !== undefined ? { profile: resolve(cwd, values.profile) } : {}),
      nodeFlags,
    },
  };
}

const DEFAULT_HEAP_MB: Record<TierName, number> = { S: 2048, M: 4096, L: 8192, XL: 16384 };

export function heapFor(tier: TierName, override?: number): number {
  if (override !== undefined) return override;
  return Math.min(DEFAULT_HEAP_MB[tier], Math.floor((totalmem() / 1048576) * 0.75));
}

export async function main(argv: readonly string[], io: BenchIo): Promise<number> {
  const parsed = parseArgs(argv, io.cwd);
  if ('help' in parsed) {
    io.stdout(HELP);
    return 0;
  }
  if ('error' in parsed) {
    io.stderr(`bench: ${parsed.error}\nRun 'npm run bench -- --help' for usage.\n`);
    return 2;
  }
  const args = parsed.args;
  const showProgress = io.stderrIsTTY && !args.json && !io.env.CI;
  const progress = (line: string): void => {
    if (showProgress) io.stderr(`${line}\n`);
  };
  if (args.report) {
    const stored = readResults(args.out);
    if (!stored) {
      io.stderr(`bench: no results in ${args.out}; run a tier first\n`);
      return 2;
    }
    if (args.markdown) updateMarkdown(args.markdown, stored);
    io.stdout(args.json ? `${JSON.stringify(stored, null, 2)}\n` : renderText(stored.machine, orderedTiers(stored)));
    return 0;
  }
  const machine: Machine = describeMachine();
  const results: TierResult[] = [];
  for (const tier of args.tiers) {
    const estate = await ensureEstate(args.estates, tier, args.seed, showProgress ? progress : undefined);
    if (estate.generated) progress(`[${tier}] generated ${estate.files.length} files (${(estate.inputBytes / 1048576).toFixed(1)} MiB) in ${((estate.generateMs ?? 0) / 1000).toFixed(1)} s`);
    const job: WorkerJob = {
      tier,
      seed: args.seed,
      dir: estate.dir,
      flows: args.flows,
      pairs: args.pairs,
      blastSources: args.blast,
      ...(args.whatIfBudgetMs !== undefined ? { whatIfBudgetMs: args.whatIfBudgetMs } : {}),
      maxOldSpaceMb: heapFor(tier, args.heapMb),
      timeoutS: args.timeoutS,
      nodeFlags: args.nodeFlags,
      ...(args.only ? { skip: MEASUREMENTS.map((m) => m.name).filter((n) => !BASE_MEASUREMENTS.has(n) && !args.only!.includes(n)) } : {}),
      progress: showProgress,
      ...(args.profile ? { profileDir: args.profile } : {}),
    };
    progress(`[${tier}] measuring ${estate.dir} in a worker (--max-old-space-size=${job.maxOldSpaceMb})`);
    const t0 = performance.now();
    const fresh = await superviseTier(job, progress, args.timeoutS * 1000);
    // Wall time of the whole tier, restarted workers included (the workers' own clocks stop when killed).
    fresh.wallMs = Math.round(performance.now() - t0);
    const stored = args.only ? readResults(args.out)?.tiers[tier] : undefined;
    const result = args.only && stored ? overrideTier(stored, fresh, args.only) : fresh;
    results.push(result);
    if (!result.completed) progress(`[${tier}] did not complete: ${result.error ?? 'unknown error'}`);
    const failed = Object.keys(result.errors ?? {});
    if (failed.length) progress(`[${tier}] failed or timed out: ${failed.join(', ')}`);
  }
  if (!args.profile) {
    const merged = writeResults(args.out, machine, results);
    if (args.markdown) updateMarkdown(args.markdown, merged);
  }
  if (args.json) {
    const tiers: Partial<Record<TierName, TierResult>> = {};
    for (const r of results) tiers[r.tier] = canonicalTier(r);
    io.stdout(`${JSON.stringify({ machine, tiers }, null, 2)}\n`);
  } else {
    io.stdout(renderText(machine, results));
    if (args.profile) io.stdout(`\nprofiled run (figures not recorded): profiles and hotspots in ${args.profile}\n`);
    else io.stdout(`\nwrote ${args.out}${args.markdown ? ` and ${args.markdown}` : ''}\n`);
  }
  return results.every((r) => r.completed && Object.keys(r.errors ?? {}).length === 0) ? 0 : 1;
}

/** bin/bench.js hands over here: either the runner or (with --worker) one tier's worker. */
export async function cli(argv: readonly string[]): Promise<number> {
  if (argv[0] === '--worker') {
    const { workerMain } = await import('./worker.ts');
    return workerMain(argv[1] ?? '');
  }
  return main(argv, {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    env: process.env,
    cwd: process.cwd(),
  });
}
