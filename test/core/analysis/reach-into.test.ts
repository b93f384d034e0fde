// Everything that can reach one destination (`reach --to REF` without --from): on the sample, for
// every VM, private endpoint and storage account as the destination, each NIC's row says exactly
// what computeReach from that NIC says (a NIC that reaches nothing is in no row), and the internet
// and on-premises rows are reach's own answers from there. Classes answer for their members; this
// checks that they may.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, computeReach, computeReachInto, resolveRef, type AllowedPorts, type DataPlane, type ReachPart, type ResolvedRef } from '../../../core/index.ts';
import { readFolderDocuments, snapshotOf } from '../../support/load.ts';
import { REPO_ROOT } from '../../support/paths.ts';

const dp: DataPlane = compile(snapshotOf(readFolderDocuments(join(REPO_ROOT, 'examples', 'hub-spoke'))));

function ref(name: string): ResolvedRef {
  const r = resolveRef(dp, name);
  if (!r.ok) throw new Error(r.message);
  return r.ref;
}

/** Reach's parts as `Tcp 22,443; Udp 123` (their ports unioned per protocol). */
function text(parts: (AllowedPorts | ReachPart)[]): string {
  const by = new Map<string, Set<number>>();
  const order = ['Tcp', 'Udp', 'Icmp', 'Esp', 'Ah'];
  for (const p of parts) {
    const s = by.get(p.protocol) ?? new Set<number>();
    for (const r of p.ports) {
      const [lo, hi] = r.split('-').map(Number);
      for (let x = lo; x <= (hi ?? lo); x++) s.add(x);
    }
    by.set(p.protocol, s);
  }
  return [...by].sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0])).map(([p, s]) => `${p} ${s.size}:${[...s].reduce((a, b) => a + b, 0)}`).join('; ');
}

/** The name a NIC is shown by (its VM's, as every answer names it). */
function shown(nicId: string): string {
  const nic = dp.snapshot.networkInterfaces.get(nicId)!;
  return (nic.vmId && dp.snapshot.virtualMachines.get(nic.vmId)?.name) || nic.name;
}

describe('reach into one destination, from every source', () => {
  const destinations = [...dp.snapshot.virtualMachines.values()].map((v) => v.name).concat([...dp.snapshot.privateEndpoints.values()].map((p) => p.name), [...dp.snapshot.storageAccounts.values()].map((s) => s.name));

  it('every NIC is in the row of exactly what computeReach from it finds, for every VM, private endpoint and storage account', () => {
    let pairs = 0;
    let reached = 0;
    for (const d of destinations) {
      const to = ref(d);
      const a = computeReachInto(dp, to);
      expect(a.error, d).toBeUndefined();
      for (const nic of dp.snapshot.networkInterfaces.values()) {
        for (const e of dp.addresses.byIp.values()) {
          for (const x of e) {
            if (x.kind !== 'nic' || x.nicId !== nic.id) continue;
            if (to.kind === 'endpoint' && to.endpoint.ip === x.ip && to.endpoint.vnetId === x.vnetId) continue;
            const own = computeReach(dp, { from: { kind: 'endpoint', endpoint: x, label: x.ipText }, to });
            const rows = a.rows.filter((r) => r.from.kind === 'subnet' && r.endpoints?.includes(shown(nic.id)) && r.from.id?.toLowerCase() === x.subnetId);
            pairs++;
            if (!own.allowed.length) {
              expect(rows, `${nic.name} -> ${d}`).toEqual([]);
              continue;
            }
            reached++;
            expect(rows.length, `${nic.name} -> ${d}`).toBe(1);
            expect(text(rows[0].allowed), `${nic.name} -> ${d}`).toBe(text(own.allowed));
          }
        }
      }
      // The totals are the rows'.
      const subnetRows = a.rows.filter((r) => r.from.kind === 'subnet');
      expect(a.summary.hosts).toBe(subnetRows.reduce((n, r) => n + (r.endpoints?.length ?? 0), 0));
      expect(a.summary.subnets).toBe(new Set(subnetRows.map((r) => r.from.id)).size);
    }
    expect(pairs).toBeGreaterThan(300);
    expect(reached).toBeGreaterThan(50);
  });

  it('the internet and each on-premises site: what reach from there finds', () => {
    for (const d of destinations) {
      const to = ref(d);
      const a = computeReachInto(dp, to);
      const internet = computeReach(dp, { from: { kind: 'internet', label: 'internet' }, to, viaPublicIp: true });
      const row = a.rows.find((r) => r.from.kind === 'internet');
      expect(!!row, d).toBe(internet.allowed.length > 0);
      expect(a.summary.internet).toBe(!!row);
      if (row) expect(row.parts, d).toEqual(internet.allowed);
      const onPrem = a.rows.filter((r) => r.from.kind === 'onPremises');
      expect(a.summary.onPremises).toBe(onPrem.length);
      for (const r of onPrem) expect(r.parts?.every((p) => p.sources.every((s) => s.startsWith('172.16.') || s.startsWith('192.168.'))), `${d} from ${r.from.name}`).toBe(true);
    }
  });

  it('mistakes 5 and 6 of the sample: the legacy VNet and the SQL servers of snet-db reach vm-sql01 on everything, the app tier on 1433 only', () => {
    const a = computeReachInto(dp, ref('vm-sql01'));
    const row = (name: string) => a.rows.find((r) => r.from.name === name);
    expect(row('vnet-legacy-weu/snet-legacy')?.endpoints).toEqual(['vm-legacy01', 'vm-legacy02', 'vm-legacy03']);
    expect(row('vnet-legacy-weu/snet-legacy')?.allowed.map((x) => `${x.protocol} ${x.ports.join(',')}`.trim())).toEqual(['Tcp 0-65535', 'Udp 0-65535', 'Icmp', 'Esp', 'Ah']);
    expect(row('vnet-data-weu/snet-db')?.endpoints).toEqual(['vm-sql02', 'vm-sql03']);
    expect(row('vnet-app-weu/snet-app')?.allowed).toEqual([{ protocol: 'Tcp', ports: ['1433'] }]);
    expect(row('vnet-web-weu/snet-web')).toBeUndefined();
    // On-premises: the whole site's prefixes are asked, and only the admin subnet gets through (RDP, WinRM).
    const site = a.rows.find((r) => r.from.kind === 'onPremises');
    expect(site?.from.name).toBe('lng-onprem');
    expect(site?.parts?.map((p) => [p.protocol, p.ports.join(','), p.sources.join(',')])).toEqual([['Tcp', '3389,5985-5986', '172.16.10.0/24']]);
  });
});
