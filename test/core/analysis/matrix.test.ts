// The reachability matrix (issue "zero-trust questions", 3): every cell equals the union of
// computeReach over the endpoints of its two groups (and missing cells are empty), and the
// default-rule marks agree with trace's `allowedBy` on the cell's example flow.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IntervalSet, computeMatrix, computeReach, resolveRef, traceFlow, type DataPlane, type Endpoint, type MatrixAnswer, type MatrixGrouping } from '../../../core/index.ts';
import { dataPlaneOf, readFolderDocuments, REPO_ROOT } from '../../support/load.ts';

const sampleDp = () => dataPlaneOf(readFolderDocuments(join(REPO_ROOT, 'examples/hub-spoke')), { allowErrors: true });
const pivotDp = () => dataPlaneOf(readFolderDocuments(join(REPO_ROOT, 'test/fixtures/analysis/pivot-chain')));

function endpoints(dp: DataPlane): Endpoint[] {
  return [...dp.addresses.byVnet.values()].flatMap((m) => [...m.values()]).filter((e) => e.kind === 'nic' || e.kind === 'privateEndpoint');
}

function groupsOf(dp: DataPlane, e: Endpoint, by: MatrixGrouping): string[] {
  const s = dp.snapshot;
  if (by === 'subnet') {
    const sub = s.subnets.get(e.subnetId)!;
    return [`${s.virtualNetworks.get(sub.vnetId)!.name}/${sub.name}`];
  }
  if (by === 'vnet') return [s.virtualNetworks.get(e.vnetId)!.name];
  if (e.kind !== 'nic') return [];
  const ipc = s.networkInterfaces.get(e.nicId)!.ipConfigurations.find((c) => c.id === e.ipConfigurationId)!;
  return ipc.asgIds.map((id) => s.applicationSecurityGroups.get(id)?.name ?? id.split('/').pop()!);
}

/** The matrix computed the slow way: computeReach between every two endpoints. */
function bruteForce(dp: DataPlane, by: MatrixGrouping): Map<string, Map<string, Set<string>>> {
  const cells = new Map<string, Map<string, Set<string>>>();
  const all = endpoints(dp);
  for (const a of all) {
    if (a.kind !== 'nic') continue;
    for (const b of all) {
      if (a === b) continue;
      const r = computeReach(dp, { from: { kind: 'endpoint', endpoint: a, label: a.ipText }, to: { kind: 'endpoint', endpoint: b, label: b.ipText } });
      if (r.allowed.length === 0) continue;
      for (const ga of groupsOf(dp, a, by)) {
        for (const gb of groupsOf(dp, b, by)) {
          const key = `${ga} -> ${gb}`;
          let m = cells.get(key);
          if (!m) cells.set(key, (m = new Map()));
          for (const p of r.allowed) {
            const set = m.get(p.protocol) ?? new Set<string>();
            p.ports.forEach((x) => set.add(x));
            m.set(p.protocol, set);
          }
        }
      }
    }
  }
  return cells;
}

/** Port lists normalised, so that `22,23` and `22-23` compare equal. */
function expand(ports: Iterable<string>): string {
  const ranges = [...ports].map((p) => {
    const [lo, hi] = p.split('-').map(Number);
    return [lo, hi ?? lo] as [number, number];
  });
  return IntervalSet.fromRanges(ranges).key();
}

function normalise(m: MatrixAnswer): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const c of m.cells) out.set(`${c.from} -> ${c.to}`, new Map(c.allowed.map((a) => [a.protocol, expand(a.ports)])));
  return out;
}

function compare(dp: DataPlane, by: MatrixGrouping): void {
  const m = normalise(computeMatrix(dp, { by }));
  const b = bruteForce(dp, by);
  const expected = new Map([...b].map(([k, v]) => [k, new Map([...v].map(([p, ports]) => [p, expand(ports)]))]));
  expect([...m.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [k, v] of expected) expect(Object.fromEntries(m.get(k)!), k).toEqual(Object.fromEntries(v));
}

describe('matrix equals computeReach between every two endpoints', () => {
  it.each(['subnet', 'vnet', 'asg'] as const)('on the sample estate, by %s', (by) => compare(sampleDp(), by));
  it('on the pivot-chain fixture', () => compare(pivotDp(), 'subnet'));
});

describe('matrix on the sample estate', () => {
  const dp = sampleDp();
  const m = computeMatrix(dp, { by: 'subnet' });
  const cell = (from: string, to: string) => [...m.cells].find((c) => c.from === from && c.to === to);

  it('mistake 7: web -> app on 8443 is admitted by AllowVnetInBound only (the source side has an explicit allow)', () => {
    const c = cell('vnet-web-weu/snet-web', 'vnet-app-weu/snet-app');
    expect(c?.allowed).toEqual([{ protocol: 'Tcp', ports: ['8443'] }]);
    expect(c).toMatchObject({ defaultRulesOnly: false, inboundDefaultRulesOnly: true, nsgOnPath: true });
  });

  it('mistake 2: the batch subnet has no NSG; app <-> batch relies on default rules', () => {
    expect(cell('vnet-app-weu/snet-batch', 'vnet-app-weu/snet-batch')).toMatchObject({ nsgOnPath: false, defaultRulesOnly: true });
    expect(cell('vnet-app-weu/snet-app', 'vnet-app-weu/snet-batch')).toMatchObject({ nsgOnPath: true, defaultRulesOnly: true });
  });

  it('mistakes 5 and 6: legacy -> db on everything, by the explicit Allow-Internal-Any', () => {
    expect(cell('vnet-legacy-weu/snet-legacy', 'vnet-data-weu/snet-db')).toMatchObject({ defaultRulesOnly: false, inboundDefaultRulesOnly: false });
  });

  it('flow S and O: batch -> db is null-routed, web -> db denied: no cells', () => {
    expect(cell('vnet-app-weu/snet-batch', 'vnet-data-weu/snet-db')).toBeUndefined();
    expect(cell('vnet-web-weu/snet-web', 'vnet-data-weu/snet-db')).toBeUndefined();
  });

  it('the marks agree with the NSG rules trace names for each cell\'s example flow', () => {
    for (const c of m.cells) {
      const from = resolveRef(dp, c.example.src);
      const to = resolveRef(dp, c.example.dst);
      if (!from.ok || !to.ok) throw new Error(`${c.example.src} -> ${c.example.dst}`);
      const t = traceFlow(dp, { from: from.ref, to: to.ref, protocol: c.example.protocol === 'Tcp' ? 6 : c.example.protocol === 'Udp' ? 17 : c.example.protocol === 'Icmp' ? 1 : c.example.protocol === 'Esp' ? 50 : 51, dstPort: c.example.dstPort });
      if (!t.ok) throw new Error(t.error);
      expect(t.trace.disposition, `${c.from} -> ${c.to}`).toBe('ACCEPTED');
      const nsg = t.trace.allowedBy.filter((x): x is { nsg: string; rule: string; side: 'source-nic' | 'source-subnet' | 'destination-subnet' | 'destination-nic' } => 'nsg' in x);
      const inbound = nsg.filter((x) => x.side.startsWith('destination'));
      if (c.defaultRulesOnly) expect(nsg.every((x) => x.rule.startsWith('defaultSecurityRules/')), `${c.from} -> ${c.to}`).toBe(true);
      if (c.inboundDefaultRulesOnly) expect(inbound.every((x) => x.rule.startsWith('defaultSecurityRules/')), `${c.from} -> ${c.to}`).toBe(true);
      if (!c.nsgOnPath) expect(nsg).toEqual([]);
      if (c.nsgOnPath) expect(nsg.length).toBeGreaterThan(0);
    }
  });

  it('--ports restricts the cells', () => {
    const p = computeMatrix(dp, { by: 'subnet', ports: IntervalSet.point(1433) });
    expect(p.ports).toEqual(['1433']);
    for (const c of p.cells) for (const a of c.allowed) expect(a.ports).toEqual(['1433']);
    expect([...p.cells].find((c) => c.from === 'vnet-app-weu/snet-app' && c.to === 'vnet-data-weu/snet-db')?.allowed).toEqual([{ protocol: 'Tcp', ports: ['1433'] }]);
    expect([...p.cells].some((c) => c.to === 'vnet-data-weu/snet-pe')).toBe(false);
  });

  it('its cells are a list made on read: at, slice and iteration agree with the JSON array, as Array#at and #slice bound them', () => {
    const all = m.cells.toJSON();
    const n = all.length;
    expect(n).toBe(m.summary.cells);
    expect(m.cells.length).toBe(n);
    expect(n).toBeGreaterThan(5);
    const plain = (c: unknown) => JSON.parse(JSON.stringify(c));
    expect(JSON.parse(JSON.stringify(m)).cells).toEqual(plain(all));
    expect([...m.cells].map(plain)).toEqual(plain(all));
    expect(plain(m.cells.at(0))).toEqual(plain(all[0]));
    expect(plain(m.cells.at(-1))).toEqual(plain(all[n - 1]));
    expect(plain(m.cells.at(2.7))).toEqual(plain(all[2]));
    expect(m.cells.at(n)).toBeUndefined();
    expect(m.cells.at(-n - 1)).toBeUndefined();
    expect(m.cells.slice().map(plain)).toEqual(plain(all));
    expect(m.cells.slice(1, 3).map(plain)).toEqual(plain(all.slice(1, 3)));
    expect(m.cells.slice(-2).map(plain)).toEqual(plain(all.slice(-2)));
    expect(m.cells.slice(3, 1)).toEqual([]);
    expect(m.cells.slice(0, n + 10)).toHaveLength(n);
    // A fresh view per read: reading a cell twice gives equal cells, not the same object.
    expect(m.cells.at(0)).not.toBe(m.cells.at(0));
  });
});

