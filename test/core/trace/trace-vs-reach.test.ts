// Property (issue 3): for random flows over the fixtures and the sample estate, `trace` says
// reachable exactly when `reach` includes the flow. trace evaluates one flow rule by rule; reach
// computes packet sets; they share only the routing walk.

import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { computeReach, resolveRef, traceFlow, parseCidr, type DataPlane, type ResolvedRef, type ReachAnswer } from '../../../core/index.ts';
import { dataPlaneOf, readFolderDocuments, REPO_ROOT, PUBLIC_SERVICE_TAGS } from '../../support/load.ts';

function refsOf(dp: DataPlane): string[] {
  const out: string[] = [];
  for (const nic of dp.snapshot.networkInterfaces.values()) out.push(nic.displayId);
  for (const sa of dp.snapshot.storageAccounts.values()) out.push(sa.name);
  for (const lb of dp.snapshot.loadBalancers.values()) if (lb.frontends.some((f) => f.privateIp)) out.push(lb.name);
  return out;
}

const EXTERNAL = ['203.0.113.70', '198.51.100.10', '8.8.8.8', '172.16.10.20', '192.168.20.10', '192.168.10.4'];

function inReach(r: ReachAnswer, protocol: string, port: number | undefined, src: number): boolean {
  return r.allowed.some((p) => {
    if (p.protocol !== protocol) return false;
    if (port !== undefined && !p.ports.some((x) => { const [a, b] = x.split('-').map(Number); return port >= a && port <= (b ?? a); })) return false;
    return p.sources.some((c) => { const q = parseCidr(c); return q.ok && src >= q.cidr.start && src <= q.cidr.end; });
  });
}

function checkAgreement(dp: DataPlane, runs: number): number {
  const refs = refsOf(dp);
  const froms = [...refs.filter((r) => r.toLowerCase().includes('networkinterfaces')), ...EXTERNAL];
  const tos = [...refs, ...EXTERNAL, 'internet'];
  const reachCache = new Map<string, ReachAnswer>();
  let checked = 0;
  fc.assert(
    fc.property(
      fc.constantFrom(...froms),
      fc.constantFrom(...tos),
      fc.constantFrom('Tcp', 'Udp', 'Icmp'),
      fc.oneof(fc.constantFrom(22, 53, 80, 443, 445, 1433, 3389, 8080, 8443, 50022), fc.integer({ min: 1, max: 65535 })),
      fc.boolean(),
      (fromText, toText, protocol, port, via) => {
        const from = resolveRef(dp, fromText);
        const to = resolveRef(dp, toText);
        if (!from.ok || !to.ok) return;
        const external = from.ref.kind === 'external';
        const viaPublicIp = external && via;
        const t = traceFlow(dp, { from: from.ref, to: to.ref, protocol: protocol === 'Tcp' ? 6 : protocol === 'Udp' ? 17 : 1, dstPort: port, viaPublicIp });
        const key = `${fromText}|${toText}|${viaPublicIp}`;
        let r = reachCache.get(key);
        if (!r) reachCache.set(key, (r = computeReach(dp, { from: from.ref as ResolvedRef, to: to.ref as ResolvedRef, viaPublicIp })));
        if (!t.ok) {
          // A question that cannot be asked (e.g. both ends outside): both say so.
          expect(r.error).toBeDefined();
          checked++;
          return;
        }
        const srcIp = resolveSrc(from.ref, t.trace.flow.src);
        const included = inReach(r, protocol, protocol === 'Icmp' ? undefined : port, srcIp);
        if (included !== t.trace.reachable) {
          throw new Error(`${fromText} -> ${toText} ${protocol}/${port} via=${viaPublicIp}: trace ${t.trace.disposition}, reach ${included ? 'includes' : 'excludes'} it`);
        }
        checked++;
      },
    ),
    { numRuns: runs, seed: 424242 },
  );
  return checked;
}

function resolveSrc(ref: ResolvedRef, text: string): number {
  const p = parseCidr(text);
  return p.ok ? p.cidr.start : ref.kind === 'external' ? ref.ip : 0;
}

describe('trace and reach agree on random flows', () => {
  const sample = join(REPO_ROOT, 'examples/hub-spoke');
  it.skipIf(!existsSync(sample))('on the sample estate (without and with service tags)', () => {
    const docs = readFolderDocuments(sample);
    const plain = checkAgreement(dataPlaneOf(docs, { allowErrors: true }), 6000);
    // The public Service Tags file of the corpus when it is there, else the sample's own (examples/).
    const tags = existsSync(PUBLIC_SERVICE_TAGS) ? PUBLIC_SERVICE_TAGS : join(REPO_ROOT, 'examples/service-tags/ServiceTags_Public_sample.json');
    const tagged = checkAgreement(dataPlaneOf(docs, { allowErrors: true, serviceTagsFile: tags }), 4000);
    // With the fixtures below: more than 10,000 flows checked in all (issue 3).
    expect(plain + tagged).toBeGreaterThanOrEqual(8000);
  });

  const fixtures = join(REPO_ROOT, 'test/fixtures/paths');
  it.skipIf(!existsSync(fixtures))('on the path fixtures', () => {
    let n = 0;
    for (const docs of groupByFolder(readFolderDocuments(fixtures))) n += checkAgreement(dataPlaneOf(docs, { allowErrors: true }), 1000);
    expect(n).toBeGreaterThanOrEqual(2000);
  });
});

function groupByFolder(docs: { file: string; text: string }[]): { file: string; text: string }[][] {
  const m = new Map<string, { file: string; text: string }[]>();
  for (const d of docs) {
    const k = d.file.split('/').slice(0, -1).join('/');
    m.set(k, [...(m.get(k) ?? []), d]);
  }
  return [...m.values()];
}
