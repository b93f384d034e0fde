// Running TypeScript sources: worker threads, where tsx is registered inside the worker before its
// entry is loaded (a data: URL module, so that no JavaScript file is needed beside the sources),
// and TypeScript imports on demand from the prebuilt bundle (ensureTsLoader).

import { Worker } from 'node:worker_threads';

/** A worker thread running `entry` (a .ts module URL) with `workerData`. */
export function startTsWorker(entry: URL, workerData: unknown): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import { register } from ${JSON.stringify(tsx)};\nregister();\nawait import(${JSON.stringify(entry.href)});\n`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData });
}

let loaderRegistered = false;

/**
 * Lets this thread import TypeScript files (the synthetic estate generator in bench/). Running from
 * the sources, a loader is already there (tsx, or vitest's); the prebuilt bundle (dist/ztpath.mjs,
 * bin/build.js) runs without one, as registering tsx costs more than the bundle saves, so it is
 * registered here on first need.
 */
export async function ensureTsLoader(): Promise<void> {
  if (loaderRegistered || !import.meta.url.endsWith('.mjs')) return;
  const { register } = await import('tsx/esm/api');
  register();
  loaderRegistered = true;
}
