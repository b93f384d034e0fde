// The parent's side of a tier: starts the worker process, collects its figures (partial ones too,
// if it dies), and enforces a time limit per measurement. A measurement that runs past the limit
// gets its worker killed; a new worker then imports and compiles again and runs the measurements
// not yet done, and the figures of both are merged. So one slow question (a blast radius that
// grows quadratically, say) costs the limit, not the whole run.

import { fork } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_MEASUREMENTS, fillFailed, MEASUREMENT_FIELDS, withSpeedup } from './measurements.ts';
import type { TierResult, WorkerJob, WorkerMessage } from './types.ts';

const BIN = join(fileURLToPath(new URL('..', import.meta.url)), 'bin', 'bench.js');

const BASE = BASE_MEASUREMENTS;

interface WorkerRun {
  result: TierResult;
  /** The measurement that ran past the limit (the worker was killed). */
  timedOut?: string;
}

function fallback(job: WorkerJob): TierResult {
  return { tier: job.tier, seed: job.seed, date: new Date().toISOString(), completed: false, maxOldSpaceMb: job.maxOldSpaceMb };
}

/** One worker process: resolves with its last figures, whatever way it ends. */
export function runWorker(job: WorkerJob, progress: (line: string) => void, limitMs: number): Promise<WorkerRun> {
  return new Promise((resolvePromise) => {
    const encoded = Buffer.from(JSON.stringify(job)).toString('base64');
    const child = fork(BIN, ['--worker', encoded], {
      execArgv: [`--max-old-space-size=${job.maxOldSpaceMb}`, '--expose-gc', ...job.nodeFlags],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      cwd: fileURLToPath(new URL('..', import.meta.url)),
    });
    let last: TierResult | undefined;
    let done = false;
    let stderrTail = '';
    let running: string | undefined;
    let timedOut: string | undefined;
    let timer: NodeJS.Timeout | undefined;
    const clearTimer = (): void => {
      if (timer) clearTimeout(timer);
      timer = undefined;
    };
    child.stderr?.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-4000);
    });
    child.on('message', (raw) => {
      const m = raw as WorkerMessage;
      if (m.type === 'progress') progress(m.line);
      else if (m.type === 'start') {
        running = m.name;
        clearTimer();
        if (!BASE.has(m.name)) {
          timer = setTimeout(() => {
            timedOut = m.name;
            child.kill('SIGKILL');
          }, limitMs);
        }
      } else {
        clearTimer();
        running = undefined;
        last = m.result;
        if (m.type === 'done') done = true;
      }
    });
    child.on('error', (e) => {
      clearTimer();
      resolvePromise({ result: { ...(last ?? fallback(job)), completed: false, error: `could not start the worker: ${e.message}` } });
    });
    child.on('exit', (code, signal) => {
      clearTimer();
      if (done && last && code === 0) {
        resolvePromise({ result: last });
        return;
      }
      const result: TierResult = { ...(last ?? fallback(job)), completed: false };
      if (timedOut) {
        result.errors = { ...(result.errors ?? {}), [timedOut]: `ran past the ${Math.round(limitMs / 1000)} s limit; its worker was killed` };
        resolvePromise({ result, timedOut });
        return;
      }
      const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
      // The last lines that say something (not V8's native stack frames or GC log lines).
      const tail = stderrTail.trim().split('\n').map((l) => l.trim())
        .filter((l) => l !== '' && !/^\d+: 0x[0-9a-f]+/i.test(l) && !/^\[\d+:0x[0-9a-f]+\]/i.test(l) && !/^<---.*--->$/.test(l))
        .slice(-3).join(' | ');
      const fatal = /FATAL ERROR: .*|\w*Error: .*/.exec(stderrTail)?.[0];
      const oom = /heap limit|out of memory|allocation failed/i.test(stderrTail);
      const ran = Object.keys(result.phaseMs ?? {});
      result.error = `worker ${how}${oom ? ' (out of memory)' : ''}${running ? ` during ${running}` : ''} after ${ran.length ? ran.join(', ') : 'no measurement'}${fatal ? `: ${fatal.trim()}` : tail ? `: ${tail}` : ''}`;
      resolvePromise({ result });
    });
  });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `b` over `a`, except that b's nulls do not erase a's figures. */
function mergeFigures(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) if ((v !== null && v !== undefined) || !(k in out)) out[k] = v;
  return out;
}

/** Adds what `later` measured (and `earlier` had not) to `earlier`. */
export function mergeTier(earlier: TierResult, later: TierResult): TierResult {
  const out: TierResult = { ...earlier };
  const had = new Set(Object.keys(earlier.phaseMs ?? {}));
  const target = out as unknown as Record<string, unknown>;
  const source = later as unknown as Record<string, unknown>;
  for (const name of Object.keys(later.phaseMs ?? {})) {
    if (had.has(name)) continue;
    for (const f of MEASUREMENT_FIELDS[name] ?? []) {
      const v = source[f];
      if (v === undefined) continue;
      const old = target[f];
      // Two measurements may fill one object (whatif: incremental, then full): merge them.
      target[f] = isPlainObject(old) && isPlainObject(v) ? mergeFigures(old, v) : v;
    }
    out.phaseMs = { ...out.phaseMs, [name]: later.phaseMs![name]! };
    if (later.gc?.[name]) out.gc = { ...out.gc, [name]: later.gc[name]! };
  }
  for (const [name, message] of Object.entries(later.errors ?? {})) if (!had.has(name)) out.errors = { ...out.errors, [name]: message };
  out.answers = { ...earlier.answers, ...later.answers };
  out.notImplemented = [...new Set([...(earlier.notImplemented ?? []), ...(later.notImplemented ?? [])])];
  out.peakRssMb = Math.max(earlier.peakRssMb ?? 0, later.peakRssMb ?? 0);
  out.wallMs = (earlier.wallMs ?? 0) + (later.wallMs ?? 0);
  if (later.loadAvg) out.loadAvg = { start: earlier.loadAvg?.start ?? later.loadAvg.start, end: later.loadAvg.end };
  return out;
}

/**
 * Runs a tier to the end: a worker, then (after a measurement timed out) new workers that skip
 * the measurements already done or timed out.
 */
export async function superviseTier(job: WorkerJob, progress: (line: string) => void, limitMs: number): Promise<TierResult> {
  const skip = new Set<string>(job.skip ?? []);
  const timedOut: string[] = [];
  let merged: TierResult | undefined;
  let crash: string | undefined;
  for (;;) {
    const run = await runWorker({ ...job, skip: [...skip] }, progress, limitMs);
    merged = merged ? mergeTier(merged, run.result) : run.result;
    if (!run.timedOut) {
      if (!run.result.completed) crash = run.result.error ?? 'the worker stopped early';
      break;
    }
    timedOut.push(run.timedOut);
    fillFailed(merged, run.timedOut);
    const done = new Set([...Object.keys(merged.phaseMs ?? {}), ...(merged.notImplemented ?? []), ...timedOut]);
    for (const name of done) if (!BASE.has(name)) skip.add(name);
    const remaining = Object.keys(MEASUREMENT_FIELDS).filter((n) => !BASE.has(n) && !skip.has(n));
    progress(`[${job.tier}] ${run.timedOut} ran past the ${Math.round(limitMs / 1000)} s limit: worker killed${remaining.length ? `; a new worker runs ${remaining.join(', ')}` : ''}`);
    if (remaining.length === 0) break;
  }
  merged.completed = crash === undefined;
  if (crash !== undefined) merged.error = crash;
  else delete merged.error;
  if (timedOut.length) merged.timedOut = timedOut;
  if (merged.whatif) merged.whatif = withSpeedup(merged.whatif);
  return merged;
}

function omit<T>(rec: Record<string, T> | undefined, names: ReadonlySet<string>): Record<string, T> {
  return Object.fromEntries(Object.entries(rec ?? {}).filter(([k]) => !names.has(k)));
}

/**
 * `--only`: the stored figures of a tier with the named measurements replaced by a fresh run's
 * (which measured parse, import and compile again, and only those; the stored base figures stay).
 */
export function overrideTier(stored: TierResult, fresh: TierResult, only: readonly string[]): TierResult {
  // Parse, import and compile run in every worker, so this run's figures replace the stored ones too.
  const names = new Set([...only, ...BASE]);
  const base: TierResult = {
    ...stored,
    phaseMs: omit(stored.phaseMs, names),
    gc: omit(stored.gc, names),
    errors: omit(stored.errors, names),
    notImplemented: (stored.notImplemented ?? []).filter((n) => !names.has(n)),
  };
  if (stored.timedOut) base.timedOut = stored.timedOut.filter((n) => !names.has(n));
  const target = base as unknown as Record<string, unknown>;
  for (const [name, fields] of Object.entries(MEASUREMENT_FIELDS)) {
    if (!names.has(name)) continue;
    for (const f of fields) {
      // A field two measurements fill (whatif) is dropped only when both are re-run.
      const sharers = Object.entries(MEASUREMENT_FIELDS).filter(([, fs]) => fs.includes(f)).map(([n]) => n);
      if (sharers.every((n) => names.has(n))) delete target[f];
    }
  }
  const merged = mergeTier(base, fresh);
  for (const name of names) fillFailed(merged, name);
  merged.date = fresh.date;
  merged.notImplemented = [...new Set([...(base.notImplemented ?? []), ...(fresh.notImplemented ?? []).filter((n) => names.has(n))])];
  merged.timedOut = [...new Set([...(base.timedOut ?? []), ...(fresh.timedOut ?? [])])];
  if (merged.timedOut.length === 0) delete merged.timedOut;
  merged.completed = fresh.completed;
  if (fresh.error) merged.error = fresh.error;
  else delete merged.error;
  if (merged.whatif) merged.whatif = withSpeedup(merged.whatif);
  return merged;
}
