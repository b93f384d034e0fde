// Writing a large JSON answer to a file, as the CLI did (renderJson: one string, one write) and as it
// does now (writeJson: items joined ~64 Ki characters at a time, each written in slices), alternately,
// N rounds; both files must be byte-identical. The answer: the blast radius from bench/blast-hash.ts's
// first foothold.
// Usage: npx tsx --expose-gc bench/json-output.ts TIER [ROUNDS]
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { textPieces } from '../cli/io.ts';
import { renderJson, writeJson } from '../cli/render/json.ts';
import * as core from '../core/index.ts';
import { blastFootholds, compiledEstate } from './blast-footholds.ts';

const tier = process.argv[2] ?? 'L';
const rounds = Number(process.argv[3] ?? 3);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const dp = compiledEstate(tier);
const from = blastFootholds(dp, 1)[0];
const r = core.computeBlastRadius(dp, { from });
const obj = { reached: r.reached, exits: r.exits, critical: r.critical, summary: r.summary, caveats: r.caveats };
const file = (mode: string): string => path.join(tmpdir(), `ztpath-json-output-${process.pid}-${mode}.json`);
for (let round = 0; round < rounds; round++) {
  for (const mode of ['old', 'new']) {
    gc();
    const fd = openSync(file(mode), 'w');
    const t0 = performance.now();
    if (mode === 'old') writeSync(fd, renderJson(obj));
    else {
      await writeJson(obj, (t) => {
        for (const p of textPieces(t)) writeSync(fd, p);
      });
    }
    const ms = performance.now() - t0;
    closeSync(fd);
    console.log(`${mode === 'old' ? 'renderJson, one write' : 'writeJson, in pieces '} ${ms.toFixed(0).padStart(5)} ms`);
  }
}
const same = readFileSync(file('old')).equals(readFileSync(file('new')));
console.log(same ? 'the two files are byte-identical' : 'THE FILES DIFFER');
if (!same) process.exitCode = 1;
for (const mode of ['old', 'new']) unlinkSync(file(mode));
