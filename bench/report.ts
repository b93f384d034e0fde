// Presentation of the figures: the goals (issue "Scale", tier L on a 2-core machine), the table
// printed after a run, results.json (merged: running one tier keeps the others' figures), and the
// generated part of RESULTS.md (between the markers; the rest of the page is written by hand).

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';
import type { TierName } from './synth/tiers.ts';
import { TIER_NAMES } from './synth/tiers.ts';
import { freshMemoryMsPerMb } from './measure.ts';
import type { Machine, ResultsFile, TierResult, TraceFigures, WhatIfFigures } from './types.ts';

export function describeMachine(): Machine {
  const list = cpus();
  return {
    cores: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    totalMemoryMb: Math.round(totalmem() / 1048576),
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    date: new Date().toISOString(),
    freshMemoryMsPerMb: freshMemoryMsPerMb(),
  };
}

// ---- goals ----------------------------------------------------------------------------------

export type GoalStatus = 'met' | 'not met' | 'n/a';

export interface Goal {
  /** The table row the goal sits beside. */
  row: string;
  text: string;
  /** The tier the goal is set for. */
  tier: TierName;
  check(r: TierResult): GoalStatus;
}

/** v < limit; a measurement killed at a time limit at or past the goal's did not meet it either. */
function below(v: number | null | undefined, limit: number, r?: TierResult, measurement?: string): GoalStatus {
  if (v === null || v === undefined || !Number.isFinite(v)) {
    const killed = measurement !== undefined && r?.timedOut?.includes(measurement) && (r.timeoutS ?? 0) * 1000 >= limit;
    return killed ? 'not met' : 'n/a';
  }
  return v < limit ? 'met' : 'not met';
}

export const GOALS: readonly Goal[] = [
  { row: 'ratio', tier: 'L', text: '≤ 3× parse', check: (r) => (r.ratio === undefined || !Number.isFinite(r.ratio) ? 'n/a' : r.ratio <= 3 ? 'met' : 'not met') },
  { row: 'peakRss', tier: 'L', text: '< 4 GB', check: (r) => below(r.peakRssMb, 4096) },
  { row: 'trace', tier: 'L', text: 'p99 < 5 ms', check: (r) => below(r.trace?.p99Ms, 5, r, 'trace') },
  { row: 'reach', tier: 'L', text: 'p99 < 50 ms', check: (r) => below(r.reach?.p99Ms, 50, r, 'reach') },
  { row: 'exposure', tier: 'L', text: '< 5 s', check: (r) => below(r.exposureMs, 5000, r, 'exposure') },
  { row: 'blast', tier: 'L', text: '< 2 s per endpoint', check: (r) => below(r.blast?.maxMs, 2000, r, 'blast') },
  { row: 'matrix', tier: 'L', text: '< 30 s', check: (r) => below(r.matrixMs, 30000, r, 'matrix') },
  {
    row: 'whatif', tier: 'L', text: '< 200 ms and ≥ 10× faster than full',
    check: (r) => {
      const w = r.whatif;
      if (r.timedOut?.includes('whatif') && (r.timeoutS ?? 0) * 1000 >= 200) return 'not met';
      if (!w || w.incrementalMs === null || w.speedup === null) return 'n/a';
      if (w.incrementalMs >= 200) return 'not met';
      // A full run stopped at its budget makes the speedup a lower bound: below 10 it says nothing.
      if (w.speedup >= 10) return 'met';
      return w.fullComplete === false ? 'n/a' : 'not met';
    },
  },
  { row: 'completes', tier: 'XL', text: 'completes', check: (r) => (r.completed ? 'met' : 'not met') },
];

// ---- formatting -----------------------------------------------------------------------------

export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms >= 2 * 86_400_000) return `${(ms / 86_400_000).toFixed(0)} days`;
  if (ms >= 2 * 3_600_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  if (ms >= 600_000) return `${(ms / 60_000).toFixed(0)} min`;
  if (ms >= 10000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${ms.toFixed(3)} ms`;
}

function fmtMb(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return v >= 1024 ? `${(v / 1024).toFixed(2)} GB` : `${v.toFixed(0)} MB`;
}

function fmtBytes(b: number | undefined): string {
  if (b === undefined) return '—';
  return `${(b / 1048576).toFixed(1)} MiB`;
}

function int(n: number | undefined): string {
  return n === undefined ? '—' : n.toLocaleString('en-US');
}

const NOT_IMPLEMENTED = 'not implemented';

function whatIfText(w: WhatIfFigures): string {
  const partial = w.fullComplete === false;
  const speedup = w.speedup !== null ? ` (${partial ? '≥ ' : ''}${w.speedup}×)` : '';
  const budget = partial ? `, full stopped at its budget${w.fullEstimatedMs !== undefined ? `; core estimates ${fmtMs(w.fullEstimatedMs)} for all of it` : ''}` : '';
  return `${fmtMs(w.incrementalMs)} / ${partial ? '> ' : ''}${fmtMs(w.fullMs)}${speedup}${budget}`;
}

function dispositionText(t: TraceFigures): string {
  const list = Object.entries(t.dispositions).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
  return `${list}${t.errors ? `; ${t.errors} errors` : ''}`;
}

/** The rows of one tier: [measurement, figure, goal, status]. */
export function tierRows(r: TierResult): string[][] {
  const ni = new Set(r.notImplemented ?? []);
  const err = r.errors ?? {};
  const figure = (name: string, text: string): string => (ni.has(name) ? NOT_IMPLEMENTED : err[name] ? `error: ${err[name]}` : text);
  const goalCells = (row: string): [string, string] => {
    const g = GOALS.find((x) => x.row === row);
    if (!g) return ['', ''];
    return [`${g.text} (${g.tier})`, g.tier === r.tier ? g.check(r) : ''];
  };
  const row = (name: string, label: string, text: string, goalRow?: string): string[] => [label, figure(name, text), ...(goalRow ? goalCells(goalRow) : ['', ''])];
  const gcNote = (phase: string): string => {
    const g = r.gc?.[phase];
    const fresh = g?.freshMb ? `; ${fmtMb(g.freshMb)} of fresh memory` : '';
    return g && g.count ? `; GC ${fmtMs(g.ms)} in ${g.count} pause${g.count === 1 ? "" : "s"}, longest ${fmtMs(g.maxPauseMs)}${g.majorCount ? `, ${g.majorCount} full: ${fmtMs(g.majorMs)}` : ''}${fresh}` : fresh;
  };
  const t = r.trace;
  const q = r.reach;
  const c = r.counts ?? {};
  const rows: string[][] = [
    ['input', `${fmtBytes(r.inputBytes)} in ${int(r.files)} files; ${int(c.networkInterfaces)} NICs, ${int(c.subnets)} subnets, ${int(c.securityRules)} rules`, '', ''],
    row('parse', 'read files (not in the floor)', fmtMs(r.readMs)),
    row('parse', 'JSON.parse (the floor)', `${fmtMs(r.parseMs)}${gcNote('parse')}`),
    row('import', 'import', `${fmtMs(r.importMs)}${gcNote('import')}`),
    row('compile', 'compile + compileAll', `${r.compileParts ? `${fmtMs(r.compileMs)} (${fmtMs(r.compileParts.compileMs)} + ${fmtMs(r.compileParts.compileAllMs)})` : fmtMs(r.compileMs)}${gcNote('compile')}`),
    row('compile', 'import + compile', fmtMs(r.importCompileMs)),
    row('compile', '(import + compile) / parse', r.ratio === undefined ? '—' : `${r.ratio.toFixed(2)}×`, 'ratio'),
    ['peak RSS', `${fmtMb(r.peakRssMb)} (heap: ${fmtMb(r.heapAfterImportMb)} after import, ${fmtMb(r.heapAfterCompileMb)} after compile)`, ...goalCells('peakRss')],
    row('trace', `trace p50 / p99 (${int(t?.samples)} flows)`, t ? `${fmtMs(t.p50Ms)} / ${fmtMs(t.p99Ms)} (max ${fmtMs(t.maxMs)}${gcNote('trace')})` : '—', 'trace'),
    row('trace', 'trace dispositions', t ? dispositionText(t) : '—'),
    row('traceSameVnet', `trace in one VNet p50 / p99 (${int(r.traceSameVnet?.samples)} flows)`, r.traceSameVnet ? `${fmtMs(r.traceSameVnet.p50Ms)} / ${fmtMs(r.traceSameVnet.p99Ms)} (max ${fmtMs(r.traceSameVnet.maxMs)}${gcNote('traceSameVnet')})` : '—'),
    row('traceSameVnet', 'trace in one VNet dispositions', r.traceSameVnet ? dispositionText(r.traceSameVnet) : '—'),
    row('reach', `reach p50 / p99 (${int(q?.samples)} pairs)`, q ? `${fmtMs(q.p50Ms)} / ${fmtMs(q.p99Ms)} (max ${fmtMs(q.maxMs)}${gcNote('reach')}); ${q.withTraffic} with traffic${q.errors ? `, ${q.errors} errors` : ''}` : '—', 'reach'),
    row('exposure', 'exposure', fmtMs(r.exposureMs), 'exposure'),
    row('blast', `blast p50 / max (${int(r.blast?.samples)} endpoints)`, r.blast ? `${fmtMs(r.blast.p50Ms)} / ${fmtMs(r.blast.maxMs)}${gcNote('blast')}` : '—', 'blast'),
    row('matrix', 'matrix by subnet', fmtMs(r.matrixMs) + (r.matrixCpuMs !== undefined ? ` (CPU ${fmtMs(r.matrixCpuMs)}${r.matrixThreads === 2 ? ', 2 threads' : ''}${gcNote('matrix')})` : gcNote('matrix')), 'matrix'),
    row('findings', 'findings', `${fmtMs(r.findingsMs)}${gcNote('findings')}`, ''),
    row('whatif', 'what-if one rule: incremental / full', `${r.whatif ? whatIfText(r.whatif) : '—'}${err.whatifFull ? `; full: error: ${err.whatifFull}` : ''}`, 'whatif'),
    ['completes', r.completed ? 'yes' : `no: ${r.error ?? 'unknown'}`, ...goalCells('completes')],
  ];
  return rows.map((cells) => cells.slice(0, 4));
}

const HEADERS = ['measurement', 'figure', 'goal', 'status'];

export function renderTextTable(rows: readonly string[][]): string {
  const all = [HEADERS, ...rows];
  const widths = HEADERS.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]): string => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(HEADERS), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

export function renderMarkdownTable(rows: readonly string[][]): string {
  return [`| ${HEADERS.join(' | ')} |`, `|${HEADERS.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`)].join('\n');
}

function machineLine(m: Machine): string {
  const fresh = m.freshMemoryMsPerMb === undefined ? '' : `, fresh memory ${m.freshMemoryMsPerMb.toFixed(2)} ms per MB on first touch`;
  return `${m.cores} cores (${m.cpuModel}), ${(m.totalMemoryMb / 1024).toFixed(1)} GB RAM, Node ${m.node}, ${m.platform}/${m.arch}${fresh}`;
}

function tierHeading(r: TierResult): string {
  const flags = [`--max-old-space-size=${r.maxOldSpaceMb}`, ...(r.nodeFlags ?? [])].join(' ');
  const load = r.loadAvg ? `, load average ${r.loadAvg.start} → ${r.loadAvg.end}` : '';
  return `tier ${r.tier} (seed ${r.seed}, ${r.date.slice(0, 10)}, ${flags}${r.wallMs !== undefined ? `, worker wall time ${fmtMs(r.wallMs)}` : ''}${load})`;
}

export function renderText(machine: Machine, tiers: readonly TierResult[]): string {
  const out = [`machine: ${machineLine(machine)}`];
  for (const r of tiers) out.push('', tierHeading(r), renderTextTable(tierRows(r)));
  return `${out.join('\n')}\n`;
}

export function orderedTiers(file: ResultsFile): TierResult[] {
  return TIER_NAMES.map((t) => file.tiers[t]).filter((r): r is TierResult => r !== undefined);
}

// ---- results.json ---------------------------------------------------------------------------

export function readResults(path: string): ResultsFile | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as ResultsFile;
    return v && typeof v === 'object' && v.tiers && typeof v.tiers === 'object' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The issue's fields first, in its order, then the details; absent fields are left out. */
const FIELD_ORDER: readonly (keyof TierResult)[] = [
  'tier', 'seed', 'date', 'completed', 'error', 'timedOut',
  'inputBytes', 'parseMs', 'compileMs', 'peakRssMb', 'trace', 'reach', 'exposureMs', 'blast', 'matrixMs', 'findingsMs', 'whatif',
  'traceSameVnet', 'importMs', 'importCompileMs', 'ratio', 'readMs', 'compileParts', 'files', 'counts', 'diagnostics', 'heapAfterImportMb', 'rssAfterCompileMb', 'heapAfterCompileMb',
  'answers', 'notImplemented', 'errors', 'timeoutS', 'phaseMs', 'gc', 'loadAvg', 'nodeFlags', 'wallMs', 'maxOldSpaceMb',
];

export function canonicalTier(r: TierResult): TierResult {
  const out: Record<string, unknown> = {};
  for (const k of FIELD_ORDER) if (r[k] !== undefined) out[k] = r[k];
  for (const [k, v] of Object.entries(r)) if (!(k in out) && v !== undefined) out[k] = v;
  return out as unknown as TierResult;
}

/** Merges this run's tiers into the file's (other tiers keep their figures) and writes it. */
export function writeResults(path: string, machine: Machine, tiers: readonly TierResult[]): ResultsFile {
  const old = readResults(path);
  const merged: ResultsFile = { machine, tiers: { ...(old?.tiers ?? {}) } };
  for (const r of tiers) merged.tiers[r.tier] = r;
  const ordered: ResultsFile = { machine, tiers: {} };
  for (const r of orderedTiers(merged)) ordered.tiers[r.tier] = canonicalTier(r);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(ordered, null, 2)}\n`);
  return ordered;
}

// ---- RESULTS.md -----------------------------------------------------------------------------

export const START = '<!-- results:start -->';
export const END = '<!-- results:end -->';

export function renderMarkdownResults(file: ResultsFile): string {
  const out = [
    `Generated by \`npm run bench\` from \`bench/results.json\`; machine of the latest run: ${machineLine(file.machine)}.`,
    'Goals are the issue\'s, set for tier L (and "XL completes"); the status column is filled on that tier only.',
  ];
  for (const r of orderedTiers(file)) {
    out.push('', `### ${tierHeading(r).replace(/^tier/, 'Tier')}`, '', renderMarkdownTable(tierRows(r)));
  }
  return out.join('\n');
}

const TEMPLATE = `# ztpath benchmark results

${START}
${END}

## History
`;

/** Rewrites the part of `path` between the markers (creating the page if needed). */
export function updateMarkdown(path: string, file: ResultsFile): void {
  let text = existsSync(path) ? readFileSync(path, 'utf8') : TEMPLATE;
  if (!text.includes(START) || !text.includes(END)) text = `${text.trimEnd()}\n\n## Latest figures\n\n${START}\n${END}\n`;
  const a = text.indexOf(START) + START.length;
  const b = text.indexOf(END);
  writeFileSync(path, `${text.slice(0, a)}\n${renderMarkdownResults(file)}\n${text.slice(b)}`);
}
