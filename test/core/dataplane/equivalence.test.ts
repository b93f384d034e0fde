// Issue 7: the equivalence-class engine gives exactly the answers of the plain per-NIC
// evaluation, on the synthetic S tier (which must also import with no error diagnostics).

import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { compile, computeEndpointClasses, computeReach, endpointKey, traceFlow, type DataPlane, type Endpoint } from '../../../core/index.ts';
import { writeEstate } from '../../../bench/synth/writer.ts';
import { readFolderDocuments, snapshotOf } from '../../support/load.ts';

let dp: DataPlane;
let nics: Endpoint[];
let pes: Endpoint[];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ztpath-eq-'));
  try {
    await writeEstate(dir, 'S', 7);
    const snapshot = snapshotOf(readFolderDocuments(dir), { allowErrors: true });
    expect(snapshot.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    dp = compile(snapshot);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  nics = [...dp.addresses.byVnet.values()].flatMap((m) => [...m.values()]).filter((e) => e.kind === 'nic');
  pes = [...dp.addresses.byVnet.values()].flatMap((m) => [...m.values()]).filter((e) => e.kind === 'privateEndpoint');
}, 120_000);

/** A reach answer with the two endpoints' own addresses abstracted away. */
function shape(from: Endpoint, to: Endpoint): string {
  const r = computeReach(dp, { from: { kind: 'endpoint', endpoint: from, label: '' }, to: { kind: 'endpoint', endpoint: to, label: '' } });
  return JSON.stringify(r.allowed.map((p) => [p.protocol, p.ports, p.via ?? '']));
}

describe('endpoint equivalence classes (tier S)', () => {
  it('groups NICs: far fewer classes than NICs, every NIC in exactly one class', () => {
    const { classes, classOf } = computeEndpointClasses(dp);
    expect(classes.length).toBeLessThan(nics.length / 2);
    expect(classOf.size).toBe(nics.length);
    for (const e of nics) expect(classes[classOf.get(endpointKey(e))!].members).toContain(e);
  });

  it('a class representative answers exactly like every member (random questions)', () => {
    const { classes, classOf } = computeEndpointClasses(dp);
    const rep = (e: Endpoint) => classes[classOf.get(endpointKey(e))!].representative;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: nics.length - 1 }), fc.integer({ min: 0, max: nics.length - 1 }), fc.constantFrom(6, 17), fc.constantFrom(22, 80, 443, 1433, 3389, 8080, 8443), (i, j, protocol, port) => {
        const a = nics[i];
        const b = nics[j];
        if (a === b) return;
        const ra = rep(a);
        const rb = rep(b);
        if (ra === rb) return; // same class on both ends: no representative pair to compare
        expect(shape(a, b)).toBe(shape(ra, rb));
        const t1 = traceFlow(dp, { from: { kind: 'endpoint', endpoint: a, label: '' }, to: { kind: 'endpoint', endpoint: b, label: '' }, protocol, dstPort: port });
        const t2 = traceFlow(dp, { from: { kind: 'endpoint', endpoint: ra, label: '' }, to: { kind: 'endpoint', endpoint: rb, label: '' }, protocol, dstPort: port });
        expect(t1.ok && t2.ok && t1.trace.disposition).toBe(t2.ok && t2.trace.disposition);
      }),
      { numRuns: 400, seed: 7 },
    );
  });

  it('groups private endpoints too, and a representative answers exactly like every member (random questions)', () => {
    const all = (e: Endpoint) => e.kind === 'nic' || e.kind === 'privateEndpoint';
    const { classes, classOf } = computeEndpointClasses(dp, all);
    expect(pes.length).toBeGreaterThan(1);
    const peClasses = new Set(pes.map((e) => classOf.get(endpointKey(e))));
    expect(peClasses.size).toBeLessThan(pes.length);
    const rep = (e: Endpoint) => classes[classOf.get(endpointKey(e))!].representative;
    let compared = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: nics.length - 1 }), fc.integer({ min: 0, max: pes.length - 1 }), fc.constantFrom(6, 17), fc.constantFrom(22, 443, 445, 1433), (i, j, protocol, port) => {
        const a = nics[i];
        const pe = pes[j];
        const r = rep(pe);
        if (r === pe) return;
        compared++;
        expect(shape(a, pe)).toBe(shape(a, r));
        const t1 = traceFlow(dp, { from: { kind: 'endpoint', endpoint: a, label: '' }, to: { kind: 'endpoint', endpoint: pe, label: '' }, protocol, dstPort: port });
        const t2 = traceFlow(dp, { from: { kind: 'endpoint', endpoint: a, label: '' }, to: { kind: 'endpoint', endpoint: r, label: '' }, protocol, dstPort: port });
        expect(t1.ok && t1.trace.disposition).toBe(t2.ok && t2.trace.disposition);
      }),
      { numRuns: 300, seed: 11 },
    );
    expect(compared).toBeGreaterThan(20);
  });
});
