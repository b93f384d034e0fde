// The cold blast under callgrind, instrumented alone (deterministic instruction counts; with
// --single-threaded the compiler and the GC run on the main thread, so they count too). The first
// foothold of bench/blast-hash.ts, after import, compile + compileAll and a full collection.
// Usage: valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=OUT \
//          node --single-threaded --expose-gc --import tsx bench/blast-callgrind.ts TIER
// then `callgrind_annotate --inclusive=no OUT` (add --perf-basic-prof to node and map the ???:0x
// addresses through /tmp/perf-PID.map to name optimised JavaScript functions).
import { execSync } from 'node:child_process';
import * as core from '../core/index.ts';
import { blastFootholds, compiledEstate } from './blast-footholds.ts';

const dp = compiledEstate(process.argv[2] ?? 'L');
const from = blastFootholds(dp, 1)[0];
(globalThis as { gc?: () => void }).gc?.();
execSync(`callgrind_control -i on ${process.pid}`);
const a = core.computeBlastRadius(dp, { from });
execSync(`callgrind_control -i off ${process.pid}`);
console.log(`reached ${a.summary.endpoints}`);
