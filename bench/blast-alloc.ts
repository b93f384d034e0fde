// Allocation sampling of blast only (not the import): top allocation sites by bytes.
import { Session } from 'node:inspector/promises';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import * as core from '../core/index.ts';
import { createImportSession } from '../importer/index.ts';
import { listJsonFiles } from './estates.ts';
import { createRng } from './synth/prng.ts';
const tier = process.argv[2] ?? 'M';
const dir = new URL(`./estates/${tier}-seed1/`, import.meta.url).pathname;
const session = createImportSession();
for (const f of listJsonFiles(dir)) session.addDocument(relative(dir, f), readFileSync(f, 'utf8'));
const dp = core.compile(session.finish());
const nicIds = [...dp.snapshot.networkInterfaces.values()].filter((x) => !x.privateEndpointId && x.ipConfigurations.some((c) => c.privateIp && c.subnetId)).map((x) => x.id);
const rng = createRng(7, 'blast-hash');
const refs = [0, 1, 2].map(() => { const r = core.resolveRef(dp, dp.snapshot.networkInterfaces.get(rng.pick(nicIds))!.displayId); if (!r.ok) throw new Error(); return r.ref; });
core.computeBlastRadius(dp, { from: refs[0] });
const s = new Session();
s.connect();
await s.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
core.computeBlastRadius(dp, { from: refs[1] });
core.computeBlastRadius(dp, { from: refs[2] });
const { profile } = (await s.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: Node } };
interface Node { callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; selfSize: number; children: Node[] }
const self = new Map<string, number>();
const walk = (n: Node, stack: string[]) => {
  const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split("/").pop()}:${n.callFrame.lineNumber + 1}:${n.callFrame.columnNumber}`;
  const parentKey = stack.slice(-2).join(' < ');
  const kk = `${k}  <  ${parentKey}`;
  self.set(kk, (self.get(kk) ?? 0) + n.selfSize);
  for (const c of n.children) walk(c, [...stack, k]);
};
walk(profile.head, []);
let total = 0;
for (const v of self.values()) total += v;
console.log('total MB', (total / 2 ** 20).toFixed(0));
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log((v / 2 ** 20).toFixed(1).padStart(7), k);
