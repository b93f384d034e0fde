// The worker: one tier in its own process (started by bench/run.ts through bin/bench.js), so that
// peak RSS is this tier's alone and a tier that runs out of memory cannot take the runner down.
// It runs MEASUREMENTS in order and sends its figures to the parent over IPC after each one, so a
// crash still leaves the figures measured before it.

import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { listJsonFiles } from './estates.ts';
import { collectGarbage, mb, now, round } from './measure.ts';
import { type BenchContext, coreFunction, MEASUREMENTS } from './measurements.ts';
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
  };
  const profiler = job.profileDir ? new PhaseProfiler(job.profileDir, job.tier, fileURLToPath(new URL('..', import.meta.url))) : undefined;
  await profiler?.open();
  for (const m of MEASUREMENTS) {
    if (m.needs && !coreFunction(m.needs)) {
      result.notImplemented!.push(m.name);
      Object.assign(result, m.absent);
      continue;
    }
    ctx.progress(`${m.name}...`);
    collectGarbage();
    const t0 = now();
    await profiler?.begin();
    try {
      Object.assign(result, await m.run(ctx));
    } catch (e) {
      result.errors![m.name] = e instanceof Error ? e.message : String(e);
      Object.assign(result, m.absent);
    }
    await profiler?.end(m.name);
    result.phaseMs![m.name] = round(now() - t0, 1);
    result.peakRssMb = mb(process.resourceUsage().maxRSS * 1024);
    await send({ type: 'partial', result });
  }
  await profiler?.close();
  result.completed = Object.keys(result.errors!).length === 0;
  if (!result.completed) result.error = `measurements failed: ${Object.keys(result.errors!).join(', ')}`;
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
