#!/usr/bin/env node
// ztpath's executable: hands argv to cli/main.ts, from the prebuilt bundle dist/ztpath.mjs when it
// is fresh (bin/build.js; it starts ~0.5 s sooner), else from the TypeScript sources through tsx.
// All behaviour lives in cli/; this file only wires the real process to it.

import { freshBundle } from './bundle.js';

const debug = process.env.ZTPATH_DEBUG === '1';

function fail(e) {
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(`ztpath: internal error: ${msg.split('\n')[0]}\n`);
  if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  else process.stderr.write('This is a bug in ztpath, not a problem with your input; rerun with ZTPATH_DEBUG=1 for the stack trace.\n');
  process.exitCode = 2;
}

// `ztpath ... | head` closes the pipe early: stop quietly instead of crashing on EPIPE.
process.stdout.on('error', (e) => {
  if (e && e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

/** cli/main.ts's exports: from the bundle when it is fresh and loads, else from the sources. */
async function loadMain() {
  const bundle = freshBundle(new URL('..', import.meta.url));
  if (bundle) {
    try {
      return await import(bundle.href);
    } catch {
      // A bundle that does not load is a bug of the build, not of the input: the sources still
      // give the same answers, only later. (ZTPATH_DEBUG=1 always runs the sources.)
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import('../cli/main.ts');
}

try {
  const { main, textPieces } = await loadMain();
  const io = {
    // Long texts (tens of MB of JSON) in slices: see textPieces.
    stdout: (s) => {
      for (const piece of textPieces(s)) process.stdout.write(piece);
    },
    // Wait for 'drain' when the stream's buffer is full: long outputs written piece by piece.
    stdoutDrained: async (s) => {
      for (const piece of textPieces(s)) {
        if (!process.stdout.write(piece)) await new Promise((resolve) => process.stdout.once('drain', resolve));
      }
    },
    stderr: (s) => void process.stderr.write(s),
    isTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    env: process.env,
    cwd: process.cwd(),
  };
  process.exitCode = await main(process.argv.slice(2), io);
} catch (e) {
  fail(e);
}
