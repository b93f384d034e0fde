// Blast radius (issue "zero-trust questions", 2): a pivot chain of three hops with the exact reached
// set and paths, port and depth limits, critical assets, the sample estate's mistake 5, and
// agreement with trace for every step of every path.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeBlastRadius, resolveRef, traceFlow, IntervalSet, type BlastAnswer, type DataPlane } from '../../../core/index.ts';
import { dataPlaneOf, readFolderDocuments, REPO_ROOT } from '../../support/load.ts';
import { fixtureText } from '../../fixtures/analysis/build.ts';

const FIXTURES = join(REPO_ROOT, 'test/fixtures/analysis');
const pivotDp = () => dataPlaneOf(readFolderDocuments(join(FIXTURES, 'pivot-chain')));
const sampleDp = () => dataPlaneOf(readFolderDocuments(join(REPO_ROOT, 'examples/hub-spoke')), { allowErrors: true });

function blast(dp: DataPlane, from: string, o: { ports?: number[]; depth?: number; critical?: string[] } = {}): BlastAnswer {
  const r = resolveRef(dp, from);
  if (!r.ok) throw new Error(r.message);
  return computeBlastRadius(dp, { from: r.ref, ports: o.ports ? IntervalSet.fromRanges(o.ports.map((p) => [p, p] as [number, number])) : undefined, depth: o.depth, critical: o.critical });
}

/** `name@depth: a -tcp/22-> b -tcp/3389-> c` for compact, exact assertions. */
function lines(r: BlastAnswer): string[] {
  return r.reached.map((x) => `${x.name}@${x.depth}: ${[x.path[0]?.from ?? '', ...x.path.map((s) => `-${s.protocol}/${s.ports.join(',')}-> ${s.to}`)].join(' ')}`);
}

function protocolNumber(p: string): number {
  return p === 'Tcp' ? 6 : p === 'Udp' ? 17 : p === 'Icmp' ? 1 : p === 'Esp' ? 50 : 51;
}

/** Every step of every path (endpoints, storage accounts and exits) is ACCEPTED (or exits) by trace. */
function checkPathsAgainstTrace(dp: DataPlane, r: BlastAnswer): number {
  const seen = new Set<string>();
  let n = 0;
  const paths = [...r.reached.map((x) => ({ path: x.path, storage: x.kind === 'storageAccount' ? x : undefined })), ...r.exits.map((x) => ({ path: x.path, storage: undefined }))];
  for (const { path, storage } of paths) {
    path.forEach((s, i) => {
      const last = i === path.length - 1;
      for (const a of s.allowed) {
        const lo = a.ports.length ? Number(a.ports[0].split('-')[0]) : undefined;
        const hi = a.ports.length ? Number(a.ports[a.ports.length - 1].split('-').pop()) : undefined;
        for (const port of [...new Set([lo, hi])]) {
          let toText = s.toIp;
          if (s.to === 'internet') toText = 'internet';
          if (last && storage && storage.via !== 'privateEndpoint') toText = storage.name;
          const key = `${s.fromIp}|${toText}|${a.protocol}|${port}`;
          if (seen.has(key) || !toText) continue;
          seen.add(key);
          const from = resolveRef(dp, s.fromIp);
          const to = resolveRef(dp, toText);
          if (!from.ok || !to.ok) throw new Error(`cannot resolve ${s.fromIp} or ${toText}`);
          const t = traceFlow(dp, { from: from.ref, to: to.ref, protocol: protocolNumber(a.protocol), dstPort: port });
          if (!t.ok) throw new Error(t.error);
          const external = to.ref.kind === 'internet' || to.ref.kind === 'external';
          expect(t.trace.disposition, `${s.from} -> ${s.to} (${toText}) ${a.protocol}/${port}`).toBe(external ? 'EXITS_NETWORK' : 'ACCEPTED');
          n++;
        }
      }
    });
  }
  return n;
}

describe('blast radius: a pivot chain of three hops', () => {
  it('the checked-in fixture is what build.ts builds', () => {
    expect(readFileSync(join(FIXTURES, 'pivot-chain/estate.json'), 'utf8')).toBe(fixtureText('pivot-chain'));
  });

  const dp = pivotDp();

  it('reaches exactly B and B2 (depth 1), C (depth 2) and D across the peering (depth 3), with the shortest paths', () => {
    const r = blast(dp, 'nic-a');
    expect(r.error).toBeUndefined();
    expect(lines(r)).toEqual([
      'nic-b@1: nic-a -Tcp/22-> nic-b',
      'nic-b2@1: nic-a -Tcp/22-> nic-b2',
      'nic-c@2: nic-a -Tcp/22-> nic-b -Tcp/3389-> nic-c',
      'nic-d@3: nic-a -Tcp/22-> nic-b -Tcp/3389-> nic-c -Tcp/1433-> nic-d',
    ]);
    expect(r.reached.every((x) => x.path.length === x.depth)).toBe(true);
    expect(r.reached.find((x) => x.name === 'nic-d')?.path.map((s) => [s.fromIp, s.toIp])).toEqual([['10.60.1.4', '10.60.2.4'], ['10.60.2.4', '10.60.3.4'], ['10.60.3.4', '10.61.4.4']]);
    expect(r.reached.some((x) => x.name === 'nic-e')).toBe(false);
    expect(r.summary).toMatchObject({ hosts: 4, endpoints: 4, maxDepth: 3, byDepth: { '1': 2, '2': 1, '3': 1 } });
    expect(r.exits.map((x) => [x.kind, x.depth])).toEqual([['internet', 1]]);
  });

  it('--ports restricts the ports the attacker uses', () => {
    expect(lines(blast(dp, 'nic-a', { ports: [22] }))).toEqual(['nic-b@1: nic-a -Tcp/22-> nic-b', 'nic-b2@1: nic-a -Tcp/22-> nic-b2']);
    expect(blast(dp, 'nic-a', { ports: [3389, 1433] }).reached).toEqual([]);
    expect(blast(dp, 'nic-a', { ports: [22, 3389, 1433] }).reached.map((x) => x.name)).toEqual(['nic-b', 'nic-b2', 'nic-c', 'nic-d']);
  });

  it('--depth stops the search', () => {
    expect(blast(dp, 'nic-a', { depth: 2 }).reached.map((x) => `${x.name}@${x.depth}`)).toEqual(['nic-b@1', 'nic-b2@1', 'nic-c@2']);
    expect(blast(dp, 'nic-a', { depth: 1 }).reached.map((x) => x.name)).toEqual(['nic-b', 'nic-b2']);
  });

  it('from a middle host, and from a host nobody can leave', () => {
    expect(lines(blast(dp, 'nic-c'))).toEqual(['nic-d@1: nic-c -Tcp/1433-> nic-d']);
    expect(lines(blast(dp, 'nic-b2'))).toEqual(['nic-c@1: nic-b2 -Tcp/3389-> nic-c', 'nic-d@2: nic-b2 -Tcp/3389-> nic-c -Tcp/1433-> nic-d']);
  });

  it('critical assets: by tag, subnet, name and ASG-less selectors; unmatched selectors are reported', () => {
    const r = blast(dp, 'nic-a', { critical: ['tag:tier=crown-jewel', 'vnet-main/snet-c', 'nic-e', 'tag:owner=nobody'] });
    expect(r.critical.map((c) => `${c.name}:${c.selector}@${c.depth}`)).toEqual(['nic-c:vnet-main/snet-c@2', 'nic-d:tag:tier=crown-jewel@3']);
    expect(r.critical[1].path.map((s) => s.to)).toEqual(['nic-b', 'nic-c', 'nic-d']);
    expect(r.summary.unmatchedSelectors).toEqual(['tag:owner=nobody']);
  });

  it('agrees with trace on every step', () => {
    expect(checkPathsAgainstTrace(dp, blast(dp, 'nic-a'))).toBeGreaterThan(4);
  });

  it('refuses footholds that are not NICs', () => {
    expect(computeBlastRadius(dp, { from: { kind: 'internet', label: 'internet' } }).error).toMatch(/starts from a NIC/);
  });
});

describe('blast radius on the sample estate (examples/README.md)', () => {
  const dp = sampleDp();

  it('mistake 5: from vm-legacy03 the SQL servers and stdataweu01 (private endpoint), no firewall', () => {
    const r = blast(dp, 'vm-legacy03');
    const depth1 = r.reached.filter((x) => x.depth === 1).map((x) => x.name).sort();
    expect(depth1).toEqual(expect.arrayContaining(['vm-sql01', 'vm-sql02', 'vm-sql03', 'pe-stdata-blob', 'stdataweu01']));
    const sql = r.reached.find((x) => x.name === 'vm-sql01')!;
    expect(sql.path).toHaveLength(1);
    expect(sql.path[0].allowed.find((a) => a.protocol === 'Tcp')?.ports).toEqual(['0-65535']);
    const st = r.reached.find((x) => x.name === 'stdataweu01')!;
    expect(st).toMatchObject({ kind: 'storageAccount', via: 'privateEndpoint', through: 'pe-stdata-blob' });
    // On-premises is reached only by pivoting through the data spoke (the legacy VNet has no gateway route).
    expect(r.exits.find((x) => x.kind === 'onPremises')?.path.map((s) => s.to)).toEqual(['vm-sql01', 'on-premises']);
  });

  it('--ports 1433: only SQL', () => {
    const r = blast(dp, 'vm-legacy03', { ports: [1433] });
    expect(r.reached.map((x) => x.name)).toEqual(['vm-sql01', 'vm-sql02', 'vm-sql03']);
  });

  it('from vm-web01: the app tier on 8443 through the firewall, then the data tier', () => {
    const r = blast(dp, 'vm-web01', { critical: ['asg:asg-db'] });
    expect(r.reached.filter((x) => x.depth === 1).map((x) => x.name)).toEqual(['vm-app01', 'vm-app02', 'vm-app03', 'vm-app04']);
    expect(r.reached.find((x) => x.name === 'vm-app01')?.path[0]).toMatchObject({ protocol: 'Tcp', ports: ['8443'] });
    expect(r.critical.map((c) => c.name)).toEqual(['vm-sql01', 'vm-sql02', 'vm-sql03']);
    expect(r.critical.every((c) => c.depth === 2)).toBe(true);
  });

  it('agrees with trace on every step of every path, from every VM', () => {
    let n = 0;
    for (const vm of dp.snapshot.virtualMachines.values()) n += checkPathsAgainstTrace(dp, blast(dp, vm.name));
    expect(n).toBeGreaterThan(50);
  });

  it('from a subnet: its first NIC, with a caveat', () => {
    const r = blast(dp, 'vnet-app-weu/snet-batch');
    expect(r.from.name).toBe('vm-batch01');
    expect(r.caveats.map((c) => c.code)).toContain('trace.subnet-representative');
  });

  it('a private endpoint is not a foothold', () => {
    expect(blast(dp, 'pe-stdata-blob').error).toMatch(/private endpoint/);
  });
});
