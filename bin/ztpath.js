#!/usr/bin/env node
// ztpath's executable: registers tsx (the sources are TypeScript, run as they are), then hands
// argv to cli/main.ts. All behaviour lives in cli/; this file only wires the real process to it.

import { register } from 'tsx/esm/api';

register();

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

try {
  const { main, textPieces } = await import('../cli/main.ts');
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
