// The worker: one tier in its own process (started by bench/run.ts through bin/bench.js), so that
// peak RSS is this tier's alone and a tier that runs out of memory cannot take the runner down.
// It runs MEASUREMENTS in order and sends its figures to the parent over IPC after each one, so a
// crash still leaves the figures measured before it.

import { statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { listJsonFiles } from './estates.ts';
import { faultsToMb, minorFaults, mb, now, round, settleHeap } from './measure.ts';
import { type BenchContext, coreFunction, fillFailed, MEASUREMENTS } from './measurements.ts';
import { PhaseProfiler } from './profile.ts';
import type { TierResult, WorkerJob, WorkerMessage } from './types.ts';

export async function runTier(job: WorkerJob, send: (m: WorkerMessage) => Promise<void>): Promise<TierResult> {
  const started = now();
  const files = listJsonFiles(job.dir);
  const result: TierResult = {
    tier: job.tier,
    seed: job.seed,
    date: new Date().toISOString(),
    completed: false,
    maxOldSpaceMb: job.maxOldSpaceMb,
    timeoutS: job.timeoutS,
    ...(job.nodeFlags.length ? { nodeFlags: job.nodeFlags } : {}),
    files: files.length,
    inputBytes: files.reduce((n, f) => n + statSync(f).size, 0),
    notImplemented: [],
    errors: {},
    phaseMs: {},
  };
  const ctx: BenchContext = {
    job,
    files,
    result,
    nicIds: [],
    progress: (line) => {
      if (job.progress) void send({ type: 'progress', line: `[${job.tier}] ${line}` });
    },
    readFaults: 0,
  };
  const gcPauses: { start: number; ms: number; major: boolean }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = ((e as unknown as { detail?: { kind?: number } | null }).detail)?.kind ?? 0;
      gcPauses.push({ start: e.startTime, ms: e.duration, major: kind === constants.NODE_PERFORMANCE_GC_MAJOR });
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const loadStart = loadavg()[0] ?? 0;
  result.gc = {};
  const profiler = job.profileDir ? new PhaseProfiler(job.profileDir, job.tier, fileURLToPath(new URL('..', import.meta.url))) : undefined;
  await profiler?.open();
  const skip = new Set(job.skip ?? []);
  for (const m of MEASUREMENTS) {
    if (skip.has(m.name)) continue;
    if (m.needs && !coreFunction(m.needs)) {
      result.notImplemented!.push(m.name);
      Object.assign(result, m.absent);
      await send({ type: 'partial', result });
      continue;
    }
    ctx.progress(`${m.name}...`);
    await send({ type: 'start', name: m.name });
    await settleHeap();
    ctx.readFaults = 0;
    ctx.timedUntil = undefined;
    const faults0 = minorFaults();
    const t0 = now();
    await profiler?.begin();
    try {
      Object.assign(result, await m.run(ctx));
    } catch (e) {
      result.errors![m.name] = e instanceof Error ? e.message : String(e);
      fillFailed(result, m.name);
    }
    await profiler?.end(m.name);
    const t1 = now();
    // Reading the input files is not timed, and its fresh memory (the texts) is left out too.
    const faults1 = minorFaults();
    const freshMb = faultsToMb(faults0, faults1 === undefined ? undefined : faults1 - ctx.readFaults);
    result.phaseMs![m.name] = round(t1 - t0, 1);
    // GC entries are delivered on the event loop: let them arrive, then keep this phase's.
    await new Promise<void>((r) => setTimeout(r, 20));
    const gcEnd = ctx.timedUntil ?? t1;
    const pauses = gcPauses.filter((g) => g.start >= t0 && g.start <= gcEnd);
    result.gc[m.name] = {
      ms: round(pauses.reduce((a, g) => a + g.ms, 0), 1),
      count: pauses.length,
      maxPauseMs: round(pauses.reduce((a, g) => Math.max(a, g.ms), 0), 1),
      majorMs: round(pauses.filter((g) => g.major).reduce((a, g) => a + g.ms, 0), 1),
      majorCount: pauses.filter((g) => g.major).length,
      ...(freshMb === undefined ? {} : { freshMb }),
    };
    result.peakRssMb = mb(process.resourceUsage().maxRSS * 1024);
    await send({ type: 'partial', result });
  }
  await profiler?.close();
  observer.disconnect();
  result.loadAvg = { start: round(loadStart, 2), end: round(loadavg()[0] ?? 0, 2) };
  result.completed = true;
  result.peakRssMb = mb(process.resourceUsage().maxRSS * 1024);
  result.wallMs = round(now() - started, 1);
  await send({ type: 'done', result });
  return result;
}

/** The child-process entry: the job comes in argv (base64 JSON), the figures go out over IPC. */
export async function workerMain(encodedJob: string): Promise<number> {
  const job = JSON.parse(Buffer.from(encodedJob, 'base64').toString('utf8')) as WorkerJob;
  const send = (m: WorkerMessage): Promise<void> =>
    new Promise<void>((resolve) => {
      if (!process.send) {
        process.stdout.write(`${JSON.stringify(m)}\n`, () => resolve());
        return;
      }
      process.send(m, undefined, {}, () => resolve());
    });
  await runTier(job, send);
  // Every message has been handed over: close the channel so the process can exit.
  if (process.connected) process.disconnect();
  return 0;
}
