// A blast radius summed up by VNet or subnet (BlastOptions.groupBy): exact groups on the pivot
// chain, and on the sample estate from every VM the groups are exactly what the endpoint list
// says (counts, nearest depth, critical assets, the union of the last steps' ports), so the
// summary can never disagree with the answer it sums up.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeBlastRadius, IntervalSet, resolveRef, type BlastAnswer, type BlastGroupBy, type DataPlane } from '../../../core/index.ts';
import { dataPlaneOf, readFolderDocuments, REPO_ROOT } from '../../support/load.ts';

const pivotDp = () => dataPlaneOf(readFolderDocuments(join(REPO_ROOT, 'test/fixtures/analysis/pivot-chain')));
const sampleDp = () => dataPlaneOf(readFolderDocuments(join(REPO_ROOT, 'examples/hub-spoke')), { allowErrors: true });

function blast(dp: DataPlane, from: string, groupBy: BlastGroupBy | undefined, critical: string[] = []): BlastAnswer {
  const r = resolveRef(dp, from);
  if (!r.ok) throw new Error(r.message);
  return computeBlastRadius(dp, { from: r.ref, groupBy, critical });
}

/** `name: reached h/pe/sa @nearest !critical Tcp 22,443 | Udp 123` for exact assertions. */
function rows(r: BlastAnswer): string[] {
  return (r.groups ?? []).map(
    (g) => `${g.kind} ${g.name}: ${g.reached} ${g.hosts}/${g.privateEndpoints}/${g.storageAccounts} @${g.nearestDepth} !${g.critical} ${g.open.map((a) => `${a.protocol} ${a.ports.join(',')}`.trim()).join(' | ')}`,
  );
}

/** The groups derived from the endpoint list alone (the sample's VNet and subnet names are unique). */
function groupsFromReached(r: BlastAnswer, by: BlastGroupBy): Map<string, { reached: number; hosts: number; pes: number; sas: number; nearest: number; critical: number; open: Map<string, IntervalSet> }> {
  const out = new Map<string, { reached: number; hosts: number; pes: number; sas: number; nearest: number; critical: number; open: Map<string, IntervalSet> }>();
  for (const x of r.reached) {
    const key = x.kind === 'storageAccount' ? 'storage accounts' : by === 'subnet' ? x.subnet! : x.subnet!.split('/')[0];
    let g = out.get(key);
    if (!g) out.set(key, (g = { reached: 0, hosts: 0, pes: 0, sas: 0, nearest: Infinity, critical: 0, open: new Map() }));
    g.reached++;
    if (x.kind === 'nic') g.hosts++;
    else if (x.kind === 'privateEndpoint') g.pes++;
    else g.sas++;
    g.nearest = Math.min(g.nearest, x.depth);
    if (x.critical) g.critical++;
    for (const a of x.path[x.path.length - 1].allowed) {
      const set = IntervalSet.fromRanges(a.ports.map((p) => p.split('-').map(Number) as [number] | [number, number]).map((p) => [p[0], p[1] ?? p[0]] as [number, number]));
      g.open.set(a.protocol, (g.open.get(a.protocol) ?? IntervalSet.EMPTY).union(set));
    }
  }
  return out;
}

describe('blast radius by VNet and subnet: the pivot chain', () => {
  const dp = pivotDp();

  it('by subnet: one row per subnet, nearest first, with the ports of the hop into it', () => {
    expect(rows(blast(dp, 'nic-a', 'subnet', ['tag:tier=crown-jewel']))).toEqual([
      'subnet vnet-main/snet-b: 2 2/0/0 @1 !0 Tcp 22',
      'subnet vnet-main/snet-c: 1 1/0/0 @2 !0 Tcp 3389',
      'subnet vnet-data/snet-d: 1 1/0/0 @3 !1 Tcp 1433',
    ]);
  });

  it('by VNet: the hops into a VNet are summed (22 into B, 3389 into C)', () => {
    const r = blast(dp, 'nic-a', 'vnet');
    expect(rows(r)).toEqual(['vnet vnet-main: 3 3/0/0 @1 !0 Tcp 22,3389', 'vnet vnet-data: 1 1/0/0 @3 !0 Tcp 1433']);
    const main = r.groups![0];
    expect(main.id).toBe(dp.snapshot.virtualNetworks.get(main.id!.toLowerCase())?.displayId);
  });

  it('without groupBy the answer has no groups (and is otherwise the same)', () => {
    const plain = blast(dp, 'nic-a', undefined);
    expect(plain.groups).toBeUndefined();
    const { groups, ...rest } = blast(dp, 'nic-a', 'subnet');
    expect(groups).toHaveLength(3);
    expect(rest).toEqual(plain);
  });
});

describe('blast radius by VNet and subnet: the sample estate', () => {
  const dp = sampleDp();

  it('mistake 5 from vm-legacy03: the data VNet wide open, the storage accounts on 443', () => {
    expect(rows(blast(dp, 'vm-legacy03', 'subnet'))).toEqual([
      'subnet vnet-data-weu/snet-db: 3 3/0/0 @1 !0 Tcp 0-65535 | Udp 0-65535 | Icmp | Esp | Ah',
      'subnet vnet-data-weu/snet-pe: 1 0/1/0 @1 !0 Tcp 443',
      'storageAccounts storage accounts: 2 0/0/2 @1 !0 Tcp 443',
    ]);
  });

  it('from every VM, by VNet and by subnet, the groups are exactly what the endpoint list says', () => {
    let checked = 0;
    for (const vm of dp.snapshot.virtualMachines.values()) {
      for (const by of ['vnet', 'subnet'] as const) {
        const r = blast(dp, vm.name, by, ['asg:asg-db', 'tag:data-classification=confidential']);
        const want = groupsFromReached(r, by);
        const got = r.groups ?? [];
        expect(got.map((g) => g.name).sort(), `${vm.name} by ${by}`).toEqual([...want.keys()].sort());
        for (const g of got) {
          const w = want.get(g.name)!;
          expect([g.reached, g.hosts, g.privateEndpoints, g.storageAccounts, g.nearestDepth, g.critical], `${vm.name} ${g.name}`).toEqual([w.reached, w.hosts, w.pes, w.sas, w.nearest, w.critical]);
          expect(g.open.map((a) => a.protocol), `${vm.name} ${g.name}`).toEqual([...w.open.keys()].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b)));
          for (const a of g.open) expect(a.ports.join(','), `${vm.name} ${g.name} ${a.protocol}`).toBe(w.open.get(a.protocol)!.ranges().map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(','));
          if (g.kind !== 'storageAccounts') expect(g.id && (g.kind === 'vnet' ? dp.snapshot.virtualNetworks : dp.snapshot.subnets).has(g.id.toLowerCase()), g.name).toBe(true);
          checked++;
        }
        // Nearest first, then the larger first; storage accounts last.
        const places = got.filter((g) => g.kind !== 'storageAccounts');
        for (let i = 1; i < places.length; i++) {
          const [a, b] = [places[i - 1], places[i]];
          expect(a.nearestDepth < b.nearestDepth || (a.nearestDepth === b.nearestDepth && a.reached >= b.reached), `${vm.name} by ${by}: ${a.name} before ${b.name}`).toBe(true);
        }
        expect(got.findIndex((g) => g.kind === 'storageAccounts')).toBe(got.some((g) => g.kind === 'storageAccounts') ? got.length - 1 : -1);
        expect(got.reduce((n, g) => n + g.reached, 0)).toBe(r.reached.length);
      }
    }
    expect(checked).toBeGreaterThan(40);
  });
});

const ORDER = ['Tcp', 'Udp', 'Icmp', 'Esp', 'Ah'];
