#!/usr/bin/env node
// Prebuilds the CLI into one JavaScript file, dist/ztpath.mjs, with esbuild. From the TypeScript
// sources through tsx, `ztpath` spends ~0.85 s starting (tsx compiles and resolves ~170 modules on
// every start); from the bundle, ~0.3 s. Run by the prepare script (so `npm ci` builds it) and by
// `npm run build`.
//
// bin/ztpath.js uses the bundle only while no file that went into it has changed since the build
// began (dist/ztpath.inputs.json lists them); otherwise it runs the sources with tsx. So an edited
// checkout never runs stale code, and a failed or missing build only costs start-up time: this
// script reports a failure on stderr and exits 0.

import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');
const startedAt = Date.now();

try {
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['cli/main.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Libraries stay in node_modules, loaded as they are (the Azure SDK only when the live importer runs).
    packages: 'external',
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.startsWith('node_modules/')).sort();
  mkdirSync(dist, { recursive: true });
  // Written aside and renamed, so that a CLI starting meanwhile sees the old bundle or the new one.
  const write = (name, text) => {
    const tmp = path.join(dist, `.${name}.${process.pid}`);
    writeFileSync(tmp, text);
    renameSync(tmp, path.join(dist, name));
  };
  // The bundle first: a fresh list beside an old bundle would pass it as fresh.
  rmSync(path.join(dist, 'ztpath.inputs.json'), { force: true });
  write('ztpath.mjs', result.outputFiles[0].contents);
  write('ztpath.inputs.json', JSON.stringify({ builtAt: startedAt, inputs }, null, 1) + '\n');
  if (process.argv.includes('--verbose')) process.stderr.write(`ztpath: built dist/ztpath.mjs from ${inputs.length} files in ${Date.now() - startedAt} ms\n`);
} catch (e) {
  const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
  process.stderr.write(`ztpath: could not prebuild dist/ztpath.mjs (${msg}); the CLI runs from its TypeScript sources instead, which only starts slower\n`);
}
