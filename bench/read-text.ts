// Reading a tier's files as text, three ways, each in a fresh process (as a CLI run reads them) and
// then twice more in the same process: readFile(f, 'utf8') from fs/promises (what the CLI did
// until 2026-11-29), readFileSync(f, 'utf8') (what it does now, cli/load-snapshot.ts), and the
// bytes decoded as Latin-1 when they are all ASCII (not used: see below). Every way must give the
// same texts: a hash of all of them is printed.
// On this machine most of a read's time is fresh memory: a string over ~128 KB gets pages of its
// own, handed back to the system once it is collected, so each file's text costs ~4 ms per MB
// again. Latin-1 decoding looks fast on warm runs because Node makes such strings external (their
// bytes in malloc'd memory that is reused), but V8 counts that external memory, and at tier L it
// started two more full collections during the parse floor and two more during the import.
// Usage: npx tsx bench/read-text.ts TIER [ROUNDS]
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAscii } from 'node:buffer';
import { listJsonFiles } from './estates.ts';

const WAYS = ['promises-utf8', 'sync-utf8', 'ascii-latin1'] as const;
type Way = (typeof WAYS)[number];

function asciiAsLatin1(file: string): string {
  const bytes = readFileSync(file);
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

async function readAllOnce(way: Way, files: string[]): Promise<{ ms: number; hash: string }> {
  const hash = createHash('sha256');
  let ms = 0;
  for (const f of files) {
    const t0 = performance.now();
    const text = way === 'promises-utf8' ? await readFile(f, 'utf8') : way === 'sync-utf8' ? readFileSync(f, 'utf8') : asciiAsLatin1(f);
    // The first use of the text is part of its cost (a string joined from chunks is copied whole then).
    const first = text.charCodeAt(0);
    ms += performance.now() - t0;
    hash.update(`${text.length}:${first}:`).update(text);
  }
  return { ms, hash: hash.digest('hex').slice(0, 16) };
}

const [tier = 'L', second] = process.argv.slice(2);
const files = listJsonFiles(new URL(`./estates/${tier}-seed1/`, import.meta.url).pathname);
if (WAYS.includes(second as Way)) {
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await readAllOnce(second as Way, files));
  console.log(JSON.stringify({ ms: runs.map((r) => Math.round(r.ms)), hash: runs[0].hash }));
} else {
  const rounds = Number(second ?? 3);
  for (let r = 0; r < rounds; r++) {
    for (const way of WAYS) {
      const out = execFileSync(process.execPath, [...process.execArgv, new URL(import.meta.url).pathname, tier, way], { encoding: 'utf8' });
      const { ms, hash } = JSON.parse(out) as { ms: number[]; hash: string };
      console.log(`${way.padEnd(14)} fresh process ${String(ms[0]).padStart(5)} ms, then ${ms[1]} / ${ms[2]} ms  (texts ${hash})`);
    }
  }
}
