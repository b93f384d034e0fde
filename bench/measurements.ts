// The bench's measurements, in the order the worker runs them. Each one is `{name, run(ctx)}` and
// returns the TierResult fields it measured. A measurement that `needs` a core export the engine
// does not have yet reports its `absent` fields (nulls) and is listed under `notImplemented`, so
// exposure, blast, matrix, findings and what-if light up by themselves as those functions land.
//
// The calls to not-yet-existing functions go through the adapters at the end of this file: when a
// function lands with a different signature, that adapter is the one place to change.

import { relative } from 'node:path';
import * as core from '../core/index.ts';
import type { DataPlane, PathQuery, ResolvedRef, ResourceId, SecurityRule, Snapshot } from '../core/index.ts';
import { createImportSession } from '../importer/index.ts';
import type { SnapshotSource } from '../cli/load-snapshot.ts';
import { computeMatrixThreaded, matrixThreads } from '../cli/matrix-threads.ts';
import { TextReader } from '../cli/text-reader.ts';
import { collectGarbage, mb, minorFaults, now, percentile, round } from './measure.ts';
import { createRng, type Rng } from './synth/prng.ts';
import type { BlastFigures, ReachFigures, TierResult, TraceFigures, WhatIfFigures, WorkerJob } from './types.ts';

export interface BenchContext {
  job: WorkerJob;
  files: string[];
  result: TierResult;
  snapshot?: Snapshot;
  dp?: DataPlane;
  /** NICs that are VM NICs (not private-endpoint NICs): the random endpoints. */
  nicIds: ResourceId[];
  progress(line: string): void;
  /**
   * Minor page faults taken while reading the input files during the current measurement: the
   * worker leaves them out of the measurement's fresh memory (the reads are not timed either).
   */
  readFaults: number;
  /**
   * When the measurement's timed work ended, if it then forces a collection to weigh the heap
   * (import, compile): the worker counts only the GC pauses before it, so that the phase's GC
   * figures are its own and not the bench's.
   */
  timedUntil?: number;
}

export interface Measurement {
  name: string;
  /** The core export this measurement calls; when core lacks it the measurement is not run. */
  needs?: string;
  /** The fields reported when `needs` is missing or the measurement fails. */
  absent?: Partial<TierResult>;
  run(ctx: BenchContext): Promise<Partial<TierResult>>;
}

type CoreFunction = (...args: unknown[]) => unknown;

/** A core export by name, if the engine has it (checked at run time). */
export function coreFunction(name: string): CoreFunction | undefined {
  if (!(name in core)) return undefined;
  const f: unknown = (core as unknown as Record<string, unknown>)[name];
  return typeof f === 'function' ? (f as CoreFunction) : undefined;
}

function needDataPlane(ctx: BenchContext): DataPlane {
  if (!ctx.dp) throw new Error('skipped: the data plane was not compiled');
  return ctx.dp;
}

/** Resolves a NIC id the way the CLI resolves `--from`/`--to` (resolveRef). */
function endpointRef(dp: DataPlane, nicId: ResourceId): ResolvedRef | undefined {
  const nic = dp.snapshot.networkInterfaces.get(nicId);
  if (!nic) return undefined;
  const r = core.resolveRef(dp, nic.displayId);
  return r.ok && r.ref.kind === 'endpoint' ? r.ref : undefined;
}

/** A random pair of distinct NIC endpoints. */
function randomPair(ctx: BenchContext, rng: Rng): PathQuery {
  const dp = needDataPlane(ctx);
  if (ctx.nicIds.length < 2) throw new Error('fewer than two NIC endpoints in the estate');
  for (let attempt = 0; attempt < 100; attempt++) {
    const a = rng.pick(ctx.nicIds);
    const b = rng.pick(ctx.nicIds);
    if (a === b) continue;
    const from = endpointRef(dp, a);
    const to = endpointRef(dp, b);
    if (from && to) return { from, to };
  }
  throw new Error('could not resolve a pair of NIC endpoints in 100 attempts');
}

const TCP_PORTS = [22, 25, 80, 443, 445, 1433, 3306, 3389, 5432, 5985, 6379, 8000, 8050, 8080, 8443, 9000, 27017];
const UDP_PORTS = [53, 123, 161, 500, 514, 1812, 3389, 4500];

/**
 * Every file, read through one TextReader as the CLI reads them (cli/text-reader.ts), each handed to
 * `each` before the next is read: as text (decoded), or as the bytes the CLI hands the importer.
 */
function readAll<T extends string | Uint8Array>(ctx: BenchContext, read: (reader: TextReader, file: string) => T, each: (file: string, input: T) => void): number {
  let readMs = 0;
  const reader = new TextReader();
  for (const f of ctx.files) {
    const f0 = minorFaults();
    const t0 = now();
    const input = read(reader, f);
    readMs += now() - t0;
    const f1 = minorFaults();
    if (f0 !== undefined && f1 !== undefined) ctx.readFaults += f1 - f0;
    each(f, input);
  }
  return readMs;
}

const asText = (reader: TextReader, file: string): string => reader.read(file);
const asBytes = (reader: TextReader, file: string): Uint8Array => reader.readBytes(file);

const PROGRESS_EVERY = 100;

// ---------------------------------------------------------------------------------------------

const parse: Measurement = {
  name: 'parse',
  async run(ctx) {
    let parseMs = 0;
    let done = 0;
    const readMs = readAll(ctx, asText, (_f, text) => {
      const t0 = now();
      const value: unknown = JSON.parse(text);
      parseMs += now() - t0;
      if (value === undefined) throw new Error('unreachable');
      if (++done % 10 === 0) ctx.progress(`parse: ${done}/${ctx.files.length} files`);
    });
    return { readMs: round(readMs), parseMs: round(parseMs) };
  },
};

const importFiles: Measurement = {
  name: 'import',
  async run(ctx) {
    const session = createImportSession();
    let importMs = 0;
    let done = 0;
    // The bytes, as the CLI hands them over: the importer decodes what it reads, on this clock.
    readAll(ctx, asBytes, (f, bytes) => {
      const t0 = now();
      session.addDocument(relative(ctx.job.dir, f), bytes);
      importMs += now() - t0;
      if (++done % 5 === 0) ctx.progress(`import: ${done}/${ctx.files.length} files`);
    });
    const t0 = now();
    const snapshot = session.finish();
    importMs += now() - t0;
    ctx.snapshot = snapshot;
    ctx.timedUntil = now();
    collectGarbage();
    const heapAfterImportMb = mb(process.memoryUsage().heapUsed);
    const diagnostics: Record<string, number> = {};
    for (const d of snapshot.diagnostics) {
      diagnostics[d.severity] = (diagnostics[d.severity] ?? 0) + 1;
      const k = `${d.severity} ${d.code}`;
      diagnostics[k] = (diagnostics[k] ?? 0) + 1;
    }
    let securityRules = 0;
    for (const n of snapshot.networkSecurityGroups.values()) securityRules += n.securityRules.length;
    let routes = 0;
    for (const t of snapshot.routeTables.values()) routes += t.routes.length;
    const counts = {
      virtualNetworks: snapshot.virtualNetworks.size,
      subnets: snapshot.subnets.size,
      peerings: snapshot.peerings.size,
      networkInterfaces: snapshot.networkInterfaces.size,
      networkSecurityGroups: snapshot.networkSecurityGroups.size,
      securityRules,
      applicationSecurityGroups: snapshot.applicationSecurityGroups.size,
      routeTables: snapshot.routeTables.size,
      routes,
      loadBalancers: snapshot.loadBalancers.size,
      azureFirewalls: snapshot.azureFirewalls.size,
      privateEndpoints: snapshot.privateEndpoints.size,
    };
    return { importMs: round(importMs), counts, diagnostics, heapAfterImportMb };
  },
};

const compile: Measurement = {
  name: 'compile',
  async run(ctx) {
    const snapshot = ctx.snapshot;
    if (!snapshot) throw new Error('skipped: the import failed');
    // The worker has just collected and let the heap settle (settleHeap): no GC here, whose
    // aftermath would land on compile's clock.
    const t0 = now();
    const dp = core.compile(snapshot);
    const t1 = now();
    dp.compileAll();
    const t2 = now();
    ctx.dp = dp;
    ctx.nicIds = [...snapshot.networkInterfaces.values()]
      .filter((n) => !n.privateEndpointId && n.ipConfigurations.some((c) => c.privateIp && c.subnetId))
      .map((n) => n.id);
    const r = ctx.result;
    const compileMs = round(t2 - t0);
    const importCompileMs = (r.importMs ?? Number.NaN) + compileMs;
    ctx.timedUntil = now();
    collectGarbage();
    const mem = process.memoryUsage();
    return {
      compileMs,
      importCompileMs: round(importCompileMs),
      compileParts: { compileMs: round(t1 - t0), compileAllMs: round(t2 - t1) },
      ratio: r.parseMs ? round(importCompileMs / r.parseMs, 2) : undefined,
      counts: { ...r.counts, nicEndpoints: ctx.nicIds.length },
      rssAfterCompileMb: mb(mem.rss),
      heapAfterCompileMb: mb(mem.heapUsed),
    };
  },
};

type PairPicker = (rng: Rng) => PathQuery;

/** Traces `flows` random Tcp/Udp flows between the pairs `pick` draws (after a short warm-up). */
function traceFlows(ctx: BenchContext, label: string, stream: string, pick: PairPicker): TraceFigures {
  const dp = needDataPlane(ctx);
  const rng = createRng(ctx.job.seed, 'bench', stream);
  const query = () => {
    const pair = pick(rng);
    const tcp = rng.chance(0.7);
    return { ...pair, protocol: tcp ? 6 : 17, dstPort: rng.pick(tcp ? TCP_PORTS : UDP_PORTS) };
  };
  // Warm-up (not counted): the first calls pay for JIT compilation.
  for (let i = 0; i < Math.min(20, ctx.job.flows); i++) core.traceFlow(dp, query());
  const samples: number[] = [];
  const byDisposition = new Map<string, number[]>();
  let reachable = 0;
  let errors = 0;
  for (let i = 0; i < ctx.job.flows; i++) {
    const q = query();
    const t0 = now();
    const r = core.traceFlow(dp, q);
    const ms = now() - t0;
    samples.push(ms);
    if ((i + 1) % PROGRESS_EVERY === 0) ctx.progress(`${label}: ${i + 1}/${ctx.job.flows} flows`);
    const key = r.ok ? r.trace.disposition : 'error';
    if (!r.ok) errors++;
    else if (r.trace.reachable) reachable++;
    const list = byDisposition.get(key) ?? [];
    list.push(ms);
    byDisposition.set(key, list);
  }
  const dispositions: Record<string, number> = {};
  const latency: TraceFigures['byDisposition'] = {};
  for (const [k, list] of [...byDisposition].sort((a, b) => b[1].length - a[1].length)) {
    if (k !== 'error') dispositions[k] = list.length;
    latency[k] = { count: list.length, p50Ms: round(percentile(list, 50)), p99Ms: round(percentile(list, 99)), maxMs: round(Math.max(...list)) };
  }
  return { ...percentiles(samples), dispositions, reachable, errors, byDisposition: latency };
}

const trace: Measurement = {
  name: 'trace',
  async run(ctx) {
    return { trace: traceFlows(ctx, 'trace', 'trace', (rng) => randomPair(ctx, rng)) };
  },
};

/**
 * Not a goal of the issue: uniform pairs mostly cross spokes and die at the hub firewall, so this
 * second sample keeps both ends in one VNet, where NSGs and ASGs decide (the longer accept path).
 */
const traceSameVnet: Measurement = {
  name: 'traceSameVnet',
  async run(ctx) {
    const dp = needDataPlane(ctx);
    const byVnet = new Map<ResourceId, ResourceId[]>();
    for (const id of ctx.nicIds) {
      const nic = dp.snapshot.networkInterfaces.get(id);
      const subnetId = nic?.ipConfigurations.find((c) => c.primary)?.subnetId ?? nic?.ipConfigurations[0]?.subnetId;
      const vnetId = subnetId ? dp.snapshot.subnets.get(subnetId)?.vnetId : undefined;
      if (!vnetId) continue;
      const list = byVnet.get(vnetId) ?? [];
      list.push(id);
      byVnet.set(vnetId, list);
    }
    const groups = [...byVnet.values()].filter((l) => l.length >= 2);
    if (groups.length === 0) throw new Error('no VNet with two NIC endpoints');
    const pick: PairPicker = (rng) => {
      for (let attempt = 0; attempt < 100; attempt++) {
        const group = rng.pick(groups);
        const [a, b] = rng.sample(group, 2) as [ResourceId, ResourceId];
        const from = endpointRef(dp, a);
        const to = endpointRef(dp, b);
        if (from && to) return { from, to };
      }
      throw new Error('could not resolve a pair of NIC endpoints in one VNet in 100 attempts');
    };
    return { traceSameVnet: traceFlows(ctx, 'trace (same VNet)', 'trace-same-vnet', pick) };
  },
};

const reach: Measurement = {
  name: 'reach',
  async run(ctx) {
    const dp = needDataPlane(ctx);
    const rng = createRng(ctx.job.seed, 'bench', 'reach');
    for (let i = 0; i < Math.min(5, ctx.job.pairs); i++) core.computeReach(dp, randomPair(ctx, rng));
    const samples: number[] = [];
    let withTraffic = 0;
    let errors = 0;
    for (let i = 0; i < ctx.job.pairs; i++) {
      const q = randomPair(ctx, rng);
      const t0 = now();
      const r = core.computeReach(dp, q);
      samples.push(now() - t0);
      if (r.error) errors++;
      else if (r.allowed.length > 0) withTraffic++;
      if ((i + 1) % 20 === 0) ctx.progress(`reach: ${i + 1}/${ctx.job.pairs} pairs`);
    }
    const figures: ReachFigures = { ...percentiles(samples), withTraffic, errors };
    return { reach: figures };
  },
};

function percentiles(samples: readonly number[]): { samples: number; p50Ms: number | null; p99Ms: number | null; maxMs: number | null; meanMs: number | null } {
  if (samples.length === 0) return { samples: 0, p50Ms: null, p99Ms: null, maxMs: null, meanMs: null };
  return {
    samples: samples.length,
    p50Ms: round(percentile(samples, 50)),
    p99Ms: round(percentile(samples, 99)),
    maxMs: round(Math.max(...samples)),
    meanMs: round(samples.reduce((a, b) => a + b, 0) / samples.length),
  };
}

// ---- measurements of functions that land later: adapters ------------------------------------

async function call(name: string, ...args: unknown[]): Promise<unknown> {
  const f = coreFunction(name);
  if (!f) throw new Error(`core does not export ${name}`);
  return await f(...args);
}

/** Sizes of the answer's top-level lists (so a figure shows the question computed something). */
function answerSizes(name: string, answer: unknown, into: Record<string, number>): void {
  if (typeof answer !== 'object' || answer === null) return;
  // An array, or a list that makes its items on read (the matrix's cells: `length` and `at`).
  const isList = (v: unknown): v is { length: number } => Array.isArray(v) || (typeof v === 'object' && v !== null && typeof (v as { length?: unknown }).length === 'number' && typeof (v as { at?: unknown }).at === 'function');
  for (const [k, v] of Object.entries(answer)) if (isList(v)) into[`${name}.${k}`] = v.length;
}

async function timeCall(ctx: BenchContext, name: string, ...args: unknown[]): Promise<number> {
  const t0 = now();
  const answer = await call(name, ...args);
  const ms = now() - t0;
  answerSizes(name, answer, (ctx.result.answers ??= {}));
  return ms;
}

const exposure: Measurement = {
  name: 'exposure',
  needs: 'computeExposure',
  absent: { exposureMs: null },
  async run(ctx) {
    return { exposureMs: round(await timeCall(ctx, 'computeExposure', needDataPlane(ctx), {})) };
  },
};

const ABSENT_BLAST: BlastFigures = { samples: 0, p50Ms: null, maxMs: null, notImplemented: true };

const blast: Measurement = {
  name: 'blast',
  needs: 'computeBlastRadius',
  absent: { blast: ABSENT_BLAST },
  async run(ctx) {
    const dp = needDataPlane(ctx);
    const rng = createRng(ctx.job.seed, 'bench', 'blast');
    const samples: number[] = [];
    for (let i = 0; i < ctx.job.blastSources; i++) {
      const from = randomPair(ctx, rng).from;
      samples.push(await timeCall(ctx, 'computeBlastRadius', dp, { from }));
      ctx.progress(`blast: ${i + 1}/${ctx.job.blastSources} endpoints`);
    }
    const p = percentiles(samples);
    return { blast: { samples: p.samples, p50Ms: p.p50Ms, maxMs: p.maxMs } };
  },
};

const matrix: Measurement = {
  name: 'matrix',
  needs: 'computeMatrix',
  absent: { matrixMs: null },
  async run(ctx) {
    // As `ztpath matrix` computes it: with a worker thread on a large estate (cli/matrix-threads.ts),
    // which imports the same files under the same names as the import measurement did; its import
    // and compile are inside the timing.
    const dp = needDataPlane(ctx);
    const source: SnapshotSource = { documents: ctx.files.map((f) => ({ file: f, name: relative(ctx.job.dir, f) })) };
    const threads = matrixThreads(dp, process.env);
    const t0 = now();
    const cpu0 = process.cpuUsage();
    const answer = await computeMatrixThreaded(dp, { by: 'subnet' }, source, threads);
    const cpu = process.cpuUsage(cpu0);
    const ms = now() - t0;
    answerSizes('computeMatrix', answer, (ctx.result.answers ??= {}));
    return { matrixMs: round(ms), matrixThreads: threads, matrixCpuMs: round((cpu.user + cpu.system) / 1000) };
  },
};

const findings: Measurement = {
  name: 'findings',
  needs: 'computeFindings',
  absent: { findingsMs: null },
  async run(ctx) {
    return { findingsMs: round(await timeCall(ctx, 'computeFindings', needDataPlane(ctx), {})) };
  },
};

/**
 * A one-rule change that surely changes something: on a random NSG that is associated with a
 * subnet or NIC, a new inbound Deny for exactly the protocol and port of one of its own inbound
 * Allow rules (from anywhere), at a priority that comes before that Allow.
 */
export function oneRuleChange(dp: DataPlane, seed: number): { kind: 'addSecurityRule'; nsgId: ResourceId; rule: SecurityRule } {
  const candidates: { nsgId: ResourceId; displayId: string; allow: SecurityRule; priority: number }[] = [];
  for (const nsg of dp.snapshot.networkSecurityGroups.values()) {
    if (!dp.subnetsByNsg.get(nsg.id)?.length && !dp.nicsByNsg.get(nsg.id)?.length) continue;
    const used = new Set(nsg.securityRules.filter((r) => r.direction === 'Inbound').map((r) => r.priority));
    let free = 100;
    while (used.has(free)) free++;
    for (const r of nsg.securityRules) {
      const port = r.destinationPortRanges[0];
      if (r.direction !== 'Inbound' || r.access !== 'Allow' || r.priority <= free || !port || port === '*') continue;
      candidates.push({ nsgId: nsg.id, displayId: nsg.displayId, allow: r, priority: free });
    }
  }
  if (candidates.length === 0) throw new Error('no associated NSG with a port-specific inbound Allow rule to counter');
  const c = createRng(seed, 'bench', 'whatif').pick(candidates);
  const name = `bench-whatif-deny-${c.allow.name}`.slice(0, 80);
  const displayId = `${c.displayId}/securityRules/${name}`;
  const rule: SecurityRule = {
    id: displayId.toLowerCase(),
    displayId,
    name,
    nsgId: c.nsgId,
    collection: 'securityRules',
    priority: c.priority,
    direction: 'Inbound',
    access: 'Deny',
    protocol: c.allow.protocol === '*' ? 'Tcp' : c.allow.protocol,
    sourceAddressPrefixes: ['*'],
    destinationAddressPrefixes: ['*'],
    sourceAsgIds: [],
    destinationAsgIds: [],
    sourcePortRanges: ['*'],
    destinationPortRanges: [c.allow.destinationPortRanges[0] as string],
  };
  return { kind: 'addSecurityRule', nsgId: c.nsgId, rule };
}

const ABSENT_WHATIF: WhatIfFigures = { incrementalMs: null, fullMs: null, speedup: null, notImplemented: true };

/** The `stats` of a what-if answer, when it has them (core/analysis/diff/types.ts WhatIfStats). */
function whatIfStats(answer: unknown): { complete?: boolean; elapsedMs?: number; estimatedFullMs?: number; pairsComputed?: number } {
  if (typeof answer !== 'object' || answer === null || !('stats' in answer)) return {};
  const s: unknown = answer.stats;
  if (typeof s !== 'object' || s === null) return {};
  const r = s as Record<string, unknown>;
  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  return {
    ...(typeof r.complete === 'boolean' ? { complete: r.complete } : {}),
    ...(num(r.elapsedMs) !== undefined ? { elapsedMs: num(r.elapsedMs) } : {}),
    ...(num(r.estimatedFullMs) !== undefined ? { estimatedFullMs: num(r.estimatedFullMs) } : {}),
    ...(num(r.pairsComputed) !== undefined ? { pairsComputed: num(r.pairsComputed) } : {}),
  };
}

/** speedup = fullMs / incrementalMs once both are known (a lower bound when the full run hit its budget). */
export function withSpeedup(w: WhatIfFigures): WhatIfFigures {
  const { incrementalMs: inc, fullMs: full } = w;
  return { ...w, speedup: inc !== null && full !== null && inc > 0 ? round(full / inc, 1) : null };
}

/** computeWhatIf(before, {changes: [one added rule]}): the incremental answer (the default mode). */
const whatif: Measurement = {
  name: 'whatif',
  needs: 'computeWhatIf',
  absent: { whatif: ABSENT_WHATIF },
  async run(ctx) {
    const dp = needDataPlane(ctx);
    const change = oneRuleChange(dp, ctx.job.seed);
    const t0 = now();
    const inc = await call('computeWhatIf', dp, { changes: [change] });
    const incrementalMs = now() - t0;
    const is = whatIfStats(inc);
    answerSizes('computeWhatIf', inc, (ctx.result.answers ??= {}));
    const figures: WhatIfFigures = {
      ...(ctx.result.whatif ?? { fullMs: null, speedup: null }),
      incrementalMs: round(incrementalMs),
      ...(is.pairsComputed !== undefined ? { incrementalPairs: is.pairsComputed } : {}),
    };
    delete figures.notImplemented;
    return { whatif: withSpeedup(figures) };
  },
};

/**
 * The same change with `{incremental: false}`: every pair compared (with no limit on their number:
 * the CLI's default refuses more than 25 million, but this is the measurement). Core stops a full run at its
 * time budget (--whatif-budget, default 60 s); fullMs is then the time spent (so the speedup is a
 * lower bound), `fullComplete` false, and core's extrapolation of the whole run `fullEstimatedMs`.
 */
const whatifFull: Measurement = {
  name: 'whatifFull',
  needs: 'computeWhatIf',
  absent: { whatif: ABSENT_WHATIF },
  async run(ctx) {
    const dp = needDataPlane(ctx);
    const change = oneRuleChange(dp, ctx.job.seed);
    const budget = ctx.job.whatIfBudgetMs;
    const t0 = now();
    const full = await call('computeWhatIf', dp, { changes: [change] }, { incremental: false, maxPairs: Number.POSITIVE_INFINITY, ...(budget !== undefined ? { budgetMs: budget } : {}) });
    const fullMs = now() - t0;
    const fs = whatIfStats(full);
    const figures: WhatIfFigures = {
      ...(ctx.result.whatif ?? { incrementalMs: null, speedup: null }),
      fullMs: round(fullMs),
      ...(fs.complete !== undefined ? { fullComplete: fs.complete } : {}),
      ...(fs.complete === false && fs.estimatedFullMs !== undefined ? { fullEstimatedMs: round(fs.estimatedFullMs) } : {}),
      ...(fs.pairsComputed !== undefined ? { fullPairs: fs.pairsComputed } : {}),
    };
    delete figures.notImplemented;
    return { whatif: withSpeedup(figures) };
  },
};

/** The measurements every worker runs: the others need the data plane they build. */
export const BASE_MEASUREMENTS: ReadonlySet<string> = new Set(['parse', 'import', 'compile']);

/** The TierResult fields each measurement fills (to merge the figures of several workers). */
export const MEASUREMENT_FIELDS: Readonly<Record<string, readonly (keyof TierResult)[]>> = {
  parse: ['readMs', 'parseMs'],
  import: ['importMs', 'counts', 'diagnostics', 'heapAfterImportMb'],
  compile: ['compileMs', 'importCompileMs', 'compileParts', 'ratio', 'counts', 'rssAfterCompileMb', 'heapAfterCompileMb'],
  trace: ['trace'],
  traceSameVnet: ['traceSameVnet'],
  reach: ['reach'],
  exposure: ['exposureMs'],
  blast: ['blast'],
  matrix: ['matrixMs'],
  findings: ['findingsMs'],
  whatif: ['whatif'],
  whatifFull: ['whatif'],
};

/** Sets the null figures of a measurement that failed or timed out, where nothing was measured. */
export function fillFailed(result: TierResult, name: string): void {
  const target = result as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(timedOutFields(name))) if (target[k] === undefined) target[k] = v;
}

/** The null figures of a measurement that timed out (its `absent` fields, without notImplemented). */
export function timedOutFields(name: string): Partial<TierResult> {
  const m = MEASUREMENTS.find((x) => x.name === name);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m?.absent ?? {})) {
    if (typeof v === 'object' && v !== null) {
      const copy: Record<string, unknown> = { ...v };
      delete copy.notImplemented;
      out[k] = copy;
    } else out[k] = v;
  }
  return out as Partial<TierResult>;
}

export const MEASUREMENTS: readonly Measurement[] = [parse, importFiles, compile, trace, traceSameVnet, reach, exposure, blast, matrix, findings, whatif, whatifFull];
