// The worker thread of `ztpath serve` that answers the long questions (blast radius, matrix,
// findings, exposure, what-if, reach): it loads and compiles the same snapshot as the main thread
// (the same files and flags, so the same data plane and the same answers) and answers one request
// at a time. The main thread stays free for the page, the topology, search and traces while a
// question takes seconds. Started by cli/web-questions.ts; messages are plain JSON.

import { parentPort, workerData } from 'node:worker_threads';
import type { ParsedArgs } from './command.ts';
import { loadForWeb, serveCommand } from './commands/serve.ts';
import { parseMaxPairs } from './commands/whatif.ts';
import type { CliIo } from './io.ts';
import { WebData } from './web-data.ts';

export interface WorkerSetup {
  args: ParsedArgs;
  cwd: string;
  title: string;
  version: string;
  /** Test hook: every answer waits this long first (a slow question on a small estate). */
  delayMs?: number;
}

export type ToWorker = { id: number; method: string; path: string; query: string; body?: unknown };
/** Answers travel as JSON text: the main thread sends them as they are (a matrix can be 100+ MB; a structured clone and a JSON.stringify on the main thread would block it). */
export type FromWorker = { ready: true } | { failed: string } | { id: number; status: number; json: string };

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('web-worker.ts runs as a worker thread');
  const setup = workerData as WorkerSetup;
  const io: CliIo = { stdout: () => {}, stderr: () => {}, isTTY: false, env: {}, cwd: setup.cwd };
  let data: WebData;
  try {
    const loaded = await loadForWeb(serveCommand, setup.args, io, true);
    data = new WebData(loaded.dp, { title: setup.title, version: setup.version, after: loaded.after, whatifNote: loaded.whatifNote, whatifDiagnostics: loaded.whatifDiagnostics, maxWhatIfPairs: parseMaxPairs(setup.args, 'serve') });
  } catch (e) {
    port.postMessage({ failed: e instanceof Error ? e.message : String(e) } satisfies FromWorker);
    return;
  }
  port.on('message', (m: ToWorker) => {
    if (setup.delayMs) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, setup.delayMs);
    const r = data.answer(m.method, m.path, new URLSearchParams(m.query), m.body);
    port.postMessage({ id: m.id, status: r.status, json: JSON.stringify(r.body) } satisfies FromWorker);
  });
  port.postMessage({ ready: true } satisfies FromWorker);
}

await main();
