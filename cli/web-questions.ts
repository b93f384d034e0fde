// The long questions of `ztpath serve` (blast radius, matrix, findings, exposure, what-if, reach)
// run in a worker thread (cli/web-worker.ts) that holds its own compiled data plane: on a large
// estate they take seconds, and the HTTP server, the page's topology, search, node details and
// traces must keep answering meanwhile. One question at a time (the worker is one thread); the
// same question asked twice while it runs is computed once; a question that runs longer than the
// time budget stops the worker (a computation cannot be interrupted otherwise), is answered with
// 504 and an explanation, and a fresh worker takes the next questions.

import type { Worker } from 'node:worker_threads';
import { startTsWorker } from './ts-worker.ts';
import { repoUrl } from './paths.ts';

/** An answer as JSON text. */
export interface JsonAnswer {
  status: number;
  json: string;
}

function errorAnswer(status: number, error: string): JsonAnswer {
  return { status, json: JSON.stringify({ error }) };
}
import type { FromWorker, ToWorker, WorkerSetup } from './web-worker.ts';

/** The API paths answered by the worker. */
export const SLOW_PATHS = new Set(['/api/blast', '/api/matrix', '/api/findings', '/api/exposure', '/api/whatif', '/api/reach']);

export const DEFAULT_QUESTION_TIMEOUT_S = 300;

const NAMES: Record<string, string> = {
  '/api/blast': 'the blast radius',
  '/api/matrix': 'the reachability matrix',
  '/api/findings': 'the findings',
  '/api/exposure': 'the exposure',
  '/api/whatif': 'the what-if comparison',
  '/api/reach': 'the reach question',
};

interface Job {
  msg: ToWorker;
  key: string;
  resolve: (r: JsonAnswer) => void;
}

/** The worker, started eagerly (it loads while the user looks at the first screen). */
export class QuestionWorker {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private readonly queue: Job[] = [];
  private running: Job | undefined;
  private readonly inFlight = new Map<string, Promise<JsonAnswer>>();
  private nextId = 1;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  /** Set when the worker could not load the estate: every question gets this error. */
  private loadError: string | undefined;

  constructor(
    private readonly setup: WorkerSetup,
    private readonly timeoutMs = DEFAULT_QUESTION_TIMEOUT_S * 1000,
  ) {
    this.start();
  }

  /** How many questions wait or run (tests, the status line). */
  get pending(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  ask(method: string, path: string, query: URLSearchParams, body?: unknown): Promise<JsonAnswer> {
    const q = query.toString();
    const key = `${method} ${path}?${q} ${body === undefined ? '' : JSON.stringify(body)}`;
    const same = this.inFlight.get(key);
    if (same) return same;
    const p = new Promise<JsonAnswer>((resolve) => {
      this.queue.push({ msg: { id: this.nextId++, method, path, query: q, body }, key, resolve });
    });
    this.inFlight.set(key, p);
    void p.finally(() => this.inFlight.delete(key));
    this.pump();
    return p;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    for (const j of this.queue.splice(0)) j.resolve(errorAnswer(503, 'the server is stopping'));
    this.running?.resolve(errorAnswer(503, 'the server is stopping'));
    this.running = undefined;
    await this.worker?.terminate();
    this.worker = undefined;
  }

  private start(): void {
    const worker = startTsWorker(repoUrl('cli/web-worker.ts'), this.setup);
    this.worker = worker;
    this.loadError = undefined;
    this.ready = new Promise<void>((resolve) => {
      worker.on('message', (m: FromWorker) => {
        if ('ready' in m) resolve();
        else if ('failed' in m) {
          this.loadError = m.failed;
          resolve();
        } else this.finish(m.id, { status: m.status, json: m.json });
      });
      const fail = (why: string) => {
        if (this.worker !== worker) return;
        this.worker = undefined;
        this.loadError = why;
        resolve();
        if (this.running) this.finish(this.running.msg.id, errorAnswer(500, why));
      };
      worker.on('error', (e) => fail(`the question worker failed: ${e.message}`));
      worker.on('exit', (code) => fail(`the question worker stopped (exit code ${code})`));
    });
    // Questions wait for the worker; the server does not (it must not keep the process alive).
    worker.unref();
  }

  private pump(): void {
    if (this.running || this.closed) return;
    const job = this.queue.shift();
    if (!job) return;
    this.running = job;
    if (!this.worker) this.start();
    void this.ready!.then(() => {
      if (this.running !== job) return;
      if (this.loadError || !this.worker) {
        const why = this.loadError ?? 'the question worker is not running';
        // The next question starts a fresh worker.
        this.worker = undefined;
        this.finish(job.msg.id, errorAnswer(500, why));
        return;
      }
      this.timer = setTimeout(() => this.timeOut(job), this.timeoutMs);
      this.worker.postMessage(job.msg);
    });
  }

  private finish(id: number, r: JsonAnswer): void {
    const job = this.running;
    if (!job || job.msg.id !== id) return;
    clearTimeout(this.timer);
    this.running = undefined;
    job.resolve(r);
    this.pump();
  }

  private timeOut(job: Job): void {
    if (this.running !== job) return;
    const old = this.worker;
    this.worker = undefined;
    void old?.terminate();
    const what = NAMES[job.msg.path] ?? job.msg.path;
    const secs = Number((this.timeoutMs / 1000).toFixed(1));
    this.finish(
      job.msg.id,
      errorAnswer(504, `${what} took longer than ${secs} s and was stopped. Narrow the question (ports, depth), or run it with the CLI, or restart \`ztpath serve\` with a larger --timeout.`),
    );
  }
}
