// Worker threads on the TypeScript sources: tsx is registered inside the worker before its entry
// is loaded (a data: URL module, so that no JavaScript file is needed beside the sources).

import { Worker } from 'node:worker_threads';

/** A worker thread running `entry` (a .ts module URL) with `workerData`. */
export function startTsWorker(entry: URL, workerData: unknown): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import { register } from ${JSON.stringify(tsx)};\nregister();\nawait import(${JSON.stringify(entry.href)});\n`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData });
}
