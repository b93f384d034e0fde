#!/usr/bin/env node
// ztpath's executable: makes sure node runs with ztpath's V8 flags (bin/node-flags.js; started again
// with them if not), registers tsx (the sources are TypeScript, run as they are), then hands
// argv to cli/main.ts. All behaviour lives in cli/; this file only wires the real process to it.

import { spawn } from 'node:child_process';
import { isatty } from 'node:tty';
import { fileURLToPath } from 'node:url';
import { missingNodeFlags, REEXEC_ENV } from './node-flags.js';

const debug = process.env.ZTPATH_DEBUG === '1';

function fail(e) {
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(`ztpath: internal error: ${msg.split('\n')[0]}\n`);
  if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  else process.stderr.write('This is a bug in ztpath, not a problem with your input; rerun with ZTPATH_DEBUG=1 for the stack trace.\n');
  process.exitCode = 2;
}

// ztpath needs V8 flags (bin/node-flags.js says which and why). When this process was started
// without them, start node again with them and pass everything through: the same arguments,
// stdio, environment and exit status. Under a debugger (--inspect) run as is.
const missing = process.execArgv.some((f) => f.startsWith('--inspect')) ? [] : missingNodeFlags(process.execArgv, process.env);
if (missing.length > 0) await reexec(missing);
else await run();

/** This file again in a new node with `flags`; resolves when it has ended (its status is ours). */
function reexec(flags) {
  return new Promise((resolve) => {
    const args = [...flags, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)];
    const child = spawn(process.execPath, args, { stdio: 'inherit', env: { ...process.env, [REEXEC_ENV]: '1' } });
    // A terminal's Ctrl+C reaches the child by itself (same process group): passing it on too
    // would stop `serve` twice. Signals sent to this process alone are passed on.
    const terminal = isatty(0) || isatty(1) || isatty(2);
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    const forward = (sig) => {
      if (!(sig === 'SIGINT' && terminal)) child.kill(sig);
    };
    for (const sig of signals) process.on(sig, forward);
    child.on('error', (e) => {
      fail(e);
      resolve();
    });
    child.on('exit', (code, signal) => {
      for (const sig of signals) process.off(sig, forward);
      if (signal) process.kill(process.pid, signal);
      else process.exitCode = code ?? 2;
      resolve();
    });
  });
}

async function run() {
  const { register } = await import('tsx/esm/api');
  register();
  // `ztpath ... | head` closes the pipe early: stop quietly instead of crashing on EPIPE.
  process.stdout.on('error', (e) => {
    if (e && e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });

  try {
    const { main } = await import('../cli/main.ts');
    const io = {
      stdout: (s) => void process.stdout.write(s),
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
}
