#!/usr/bin/env node
// `npm run bench`: registers tsx (the sources are TypeScript, run as they are), then hands argv to
// bench/run.ts. The same file is each tier's worker process (`bench.js --worker JOB`).

import { register } from 'tsx/esm/api';

register();

// `npm run bench | head` closes the pipe early: stop quietly instead of crashing on EPIPE.
process.stdout.on('error', (e) => {
  if (e && e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

try {
  const { cli } = await import('../bench/run.ts');
  process.exitCode = await cli(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`bench: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 2;
}
