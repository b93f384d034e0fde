// Property: for random single edits on the sample estate, the incremental what-if answer (change
// detection, affected pairs only) equals the answer of two full, independent computations (every
// pair of endpoints walked on both snapshots). Edits go through change files (importer/apply-change),
// so the importer path is exercised too. WHATIF_RUNS=200 for a longer run.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compile, computeFindings, computeWhatIf, type DataPlane, type FlowChange, type ResourceId, type Snapshot, type WhatIfAnswer } from '../../../core/index.ts';
import { applyChange } from '../../../importer/index.ts';
import { readFolderDocuments, snapshotOf } from '../../support/load.ts';
import { EstateBuilder } from '../../support/estate-builder.ts';
import { REPO_ROOT } from '../../support/paths.ts';
import { join } from 'node:path';

const sample: Snapshot = snapshotOf(readFolderDocuments(join(REPO_ROOT, 'examples', 'hub-spoke')));
const beforeDp = compile(sample);

const nsgs = [...sample.networkSecurityGroups.values()].map((n) => n.name);
const rules = [...sample.networkSecurityGroups.values()].flatMap((n) => n.securityRules.map((r) => ({ nsg: n.name, name: r.name })));
const vnetName = (id: string) => sample.virtualNetworks.get(id)?.name ?? '?';
const subnets = [...sample.subnets.values()].filter((s) => !['GatewaySubnet', 'AzureFirewallSubnet', 'AzureBastionSubnet'].includes(s.name)).map((s) => `${vnetName(s.vnetId)}/${s.name}`);
const peerings = [...sample.peerings.values()].map((p) => `${vnetName(p.vnetId)}/${p.name}`);
const routeTables = [...sample.routeTables.values()].map((r) => r.name);
const nics = [...sample.networkInterfaces.values()].filter((n) => !n.privateEndpointId).map((n) => n.name);
const storage = [...sample.storageAccounts.values()].map((s) => s.name);

const SOURCES = ['*', 'VirtualNetwork', 'Internet', '10.0.0.0/8', '10.1.1.0/24', '10.2.0.0/16', '10.9.1.6', '192.168.0.0/16', '198.51.100.0/24', '172.16.10.0/24'];
const DESTINATIONS = ['*', 'VirtualNetwork', '10.3.1.0/24', '10.2.1.4', '10.1.1.0/24', '10.9.0.0/16', '10.3.2.4'];
const PORTS = ['*', '22', '443', '1433', '3389', '8000-9000', '80'];

const pick = <T,>(list: T[]) => fc.integer({ min: 0, max: list.length - 1 }).map((i) => list[i]);

const ruleProps = fc.record({
  priority: fc.integer({ min: 100, max: 4096 }),
  direction: fc.constantFrom('Inbound', 'Outbound'),
  access: fc.constantFrom('Allow', 'Deny'),
  protocol: fc.constantFrom('Tcp', 'Udp', '*', 'Icmp'),
  sourceAddressPrefix: fc.constantFrom(...SOURCES),
  sourcePortRange: fc.constant('*'),
  destinationAddressPrefix: fc.constantFrom(...DESTINATIONS),
  destinationPortRange: fc.constantFrom(...PORTS),
});

/** Edits of NSG rules only (what-if then judges the per-NSG findings of the edited NSGs only). */
const ruleEdit: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ op: fc.constant('addSecurityRule'), nsg: pick(nsgs), rule: fc.record({ name: fc.constant('Prop-Rule'), properties: ruleProps }) }),
  pick(rules).map((r) => ({ op: 'removeSecurityRule', nsg: r.nsg, name: r.name })),
  fc.tuple(pick(rules), fc.integer({ min: 100, max: 4096 })).map(([r, priority]) => ({ op: 'setSecurityRule', nsg: r.nsg, rule: { name: r.name, properties: { priority } } })),
  fc.tuple(pick(rules), fc.constantFrom('Allow', 'Deny')).map(([r, access]) => ({ op: 'setSecurityRule', nsg: r.nsg, rule: { name: r.name, properties: { access } } })),
);

const edit: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  ruleEdit,
  fc.record({ op: fc.constant('associateNsg'), subnet: pick(subnets), nsg: pick(nsgs) }),
  pick(subnets.filter((s) => sample.subnets.get([...sample.subnets.values()].find((x) => `${vnetName(x.vnetId)}/${x.name}` === s)!.id)?.nsgId)).map((subnet) => ({ op: 'dissociateNsg', subnet })),
  fc.record({ op: fc.constant('associateNsg'), nic: pick(nics), nsg: pick(nsgs) }),
  fc.record({
    op: fc.constant('setPeering'),
    peering: pick(peerings),
    flag: fc.constantFrom('allowVirtualNetworkAccess', 'allowForwardedTraffic', 'allowGatewayTransit', 'useRemoteGateways'),
    value: fc.boolean(),
  }).map((e) => ({ op: e.op, peering: e.peering, [e.flag]: e.value })),
  fc.record({ op: fc.constant('setPeering'), peering: pick(peerings), peeringState: fc.constantFrom('Disconnected', 'Connected') }),
  fc.record({ op: fc.constant('associateRouteTable'), subnet: pick(subnets), routeTable: pick(routeTables) }),
  fc.record({
    op: fc.constant('addRoute'),
    routeTable: pick(routeTables),
    route: fc.record({
      name: fc.constant('prop-route'),
      properties: fc.oneof(
        fc.record({ addressPrefix: fc.constantFrom('0.0.0.0/0', '10.3.0.0/16', '10.9.1.0/24', '192.168.0.0/16'), nextHopType: fc.constant('VirtualAppliance'), nextHopIpAddress: fc.constant('10.0.1.4') }),
        fc.record({ addressPrefix: fc.constantFrom('0.0.0.0/0', '10.3.1.0/24', '10.2.0.0/16'), nextHopType: fc.constantFrom('None', 'Internet', 'VnetLocal', 'VirtualNetworkGateway') }),
      ),
    }),
  }),
  fc.record({ op: fc.constant('attachPublicIp'), nic: pick(nics) }).map((e) => ({ ...e, publicIp: { id: '/subscriptions/3f2c8a91-5b7d-4e6a-9c1f-2d8e7b4a6c05/resourceGroups/rg-hub/providers/Microsoft.Network/publicIPAddresses/pip-prop', name: 'pip-prop', location: 'westeurope', sku: { name: 'Standard' }, properties: { ipAddress: '20.99.0.1', publicIPAllocationMethod: 'Static' } } })),
  fc.record({ op: fc.constant('setStorageNetworkAcls'), storageAccount: pick(storage), networkAcls: fc.record({ defaultAction: fc.constantFrom('Allow', 'Deny') }), publicNetworkAccess: fc.constantFrom('Enabled', 'Disabled') }),
  fc.record({ op: fc.constant('setIpForwarding'), nic: pick(nics), enabled: fc.boolean() }),
);

function comparable(a: WhatIfAnswer): string {
  const strip = (xs: FlowChange[]) => xs.map((x) => ({ ...x, example: { ...x.example, before: undefined, after: undefined } }));
  return JSON.stringify({ allowed: strip(a.newlyAllowed), blocked: strip(a.newlyBlocked), exposure: a.exposure });
}

describe('incremental what-if equals two full computations', () => {
  it('for random single edits on the sample estate', () => {
    const runs = Number(process.env.WHATIF_RUNS ?? 30);
    let changed = 0;
    fc.assert(
      fc.property(edit, (e) => {
        const r = applyChange(sample, JSON.stringify({ edits: [e] }), 'prop-change.json');
        // Edits that make no sense for the picked resource (dissociating what is not there) are skipped.
        fc.pre(!r.failed);
        const inc = computeWhatIf(beforeDp, compile(r.snapshot), { traces: false });
        const full = computeWhatIf(compile(sample), compile(r.snapshot), { mode: 'full', traces: false, budgetMs: Number.POSITIVE_INFINITY });
        expect(full.stats.complete).toBe(true);
        if (inc.newlyAllowed.length || inc.newlyBlocked.length) changed++;
        expect(comparable(inc)).toEqual(comparable(full));
        // The candidates compared by class (as when too many to compare one by one) agree too.
        expect(comparable(computeWhatIf(beforeDp, compile(r.snapshot), { traces: false, candidatesByClass: true }))).toEqual(comparable(full));
      }),
      { numRuns: runs, seed: process.env.WHATIF_SEED ? Number(process.env.WHATIF_SEED) : undefined },
    );
    // The edits must exercise something: most random edits open or close flows.
    expect(changed).toBeGreaterThan(0);
  }, 600_000);

  it('for random pairs of edits (changes that interact)', () => {
    fc.assert(
      fc.property(edit, edit, (e1, e2) => {
        const r = applyChange(sample, JSON.stringify({ edits: [e1, e2] }), 'prop-change.json');
        fc.pre(!r.failed);
        const inc = computeWhatIf(beforeDp, compile(r.snapshot), { traces: false });
        const full = computeWhatIf(compile(sample), compile(r.snapshot), { mode: 'full', traces: false, budgetMs: Number.POSITIVE_INFINITY });
        expect(comparable(inc)).toEqual(comparable(full));
      }),
      { numRuns: Math.max(5, Math.round(Number(process.env.WHATIF_RUNS ?? 30) / 3)), seed: process.env.WHATIF_SEED ? Number(process.env.WHATIF_SEED) + 1 : undefined },
    );
  }, 600_000);
});

describe('a change that opens one port and closes another for the same pairs', () => {
  it("a Deny on nsg-db for the legacy subnet moved from 8443 to 443: legacy endpoints gain 8443 and lose 443 to the database subnet, one by one and by class as two full computations", () => {
    const deny = (port: string) => ({ name: 'Deny-Legacy-Port', properties: { priority: 150, direction: 'Inbound', access: 'Deny', protocol: 'Tcp', sourceAddressPrefix: '10.9.1.0/24', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: port } });
    const b = applyChange(sample, JSON.stringify({ edits: [{ op: 'addSecurityRule', nsg: 'nsg-db', rule: deny('8443') }] }), 'deny-8443.json');
    const a = applyChange(b.snapshot, JSON.stringify({ edits: [{ op: 'setSecurityRule', nsg: 'nsg-db', rule: { name: 'Deny-Legacy-Port', properties: { destinationPortRange: '443' } } }] }), 'deny-443.json');
    expect(b.failed || a.failed).toBe(false);
    const before = compile(b.snapshot);
    const after = compile(a.snapshot);
    const full = computeWhatIf(compile(b.snapshot), after, { mode: 'full', traces: false, budgetMs: Number.POSITIVE_INFINITY });
    // The same pairs in both lists, with the two ports.
    const pairs = (xs: FlowChange[]) => [...new Set(xs.map((x) => `${x.from} -> ${x.to}`))].sort();
    expect(pairs(full.newlyAllowed).length).toBeGreaterThan(0);
    expect(pairs(full.newlyAllowed)).toEqual(pairs(full.newlyBlocked));
    expect(full.newlyAllowed.every((x) => x.ports.join() === '8443')).toBe(true);
    expect(full.newlyBlocked.every((x) => x.ports.join() === '443')).toBe(true);
    expect(comparable(computeWhatIf(before, after, { traces: false }))).toEqual(comparable(full));
    expect(comparable(computeWhatIf(before, after, { traces: false, candidatesByClass: true }))).toEqual(comparable(full));
  });
});

describe('what-if findings: judging only the NSGs a rules-only change edits gives the answer of judging all', () => {
  const engine = (seen: (ReadonlySet<ResourceId> | undefined)[]) => (dp: DataPlane, nsgScope?: ReadonlySet<ResourceId>) => {
    seen.push(nsgScope);
    return computeFindings(dp, { skipBlast: true, ...(nsgScope ? { nsgScope } : {}) });
  };
  const everything = (dp: DataPlane) => computeFindings(dp, { skipBlast: true });

  it('for random sets of one to three rule edits on the sample estate', () => {
    const seen: (ReadonlySet<ResourceId> | undefined)[] = [];
    let differing = 0;
    fc.assert(
      fc.property(fc.array(ruleEdit, { minLength: 1, maxLength: 3 }), (edits) => {
        const r = applyChange(sample, JSON.stringify({ edits }), 'prop-change.json');
        fc.pre(!r.failed);
        const after = compile(r.snapshot);
        const scoped = computeWhatIf(beforeDp, after, { traces: false, findings: engine(seen) });
        const whole = computeWhatIf(beforeDp, after, { traces: false, findings: everything });
        if (scoped.findings.added.length + scoped.findings.resolved.length > 0) differing++;
        expect(JSON.stringify(scoped.findings)).toBe(JSON.stringify(whole.findings));
      }),
      { numRuns: Number(process.env.WHATIF_RUNS ?? 30), seed: process.env.WHATIF_SEED ? Number(process.env.WHATIF_SEED) + 2 : undefined },
    );
    // The scope was used (a rules-only change names its NSGs) and the edits changed findings.
    expect(seen.some((s) => s !== undefined && s.size > 0)).toBe(true);
    expect(differing).toBeGreaterThan(0);
  }, 600_000);

  it("an edit of a NIC's NSG judges the subnet NSG it is paired with (ZT-IMPLIED-TRUST is reported on the subnet's NSG)", () => {
    // Both NSGs keep only Azure's default rules, so AllowVnetInBound admits snet-web's traffic to
    // vm-app: implied trust, reported on nsg-app. A deny on the NIC's NSG ends it, though nsg-app
    // itself does not change.
    const b = new EstateBuilder('rg-pair')
      .nsg('nsg-web', [])
      .nsg('nsg-app', [])
      .nsg('nsg-vm-app', [])
      .vnet('vnet-pair', ['10.20.0.0/16'], [
        { name: 'snet-web', prefix: '10.20.1.0/24', nsg: 'nsg-web' },
        { name: 'snet-app', prefix: '10.20.2.0/24', nsg: 'nsg-app' },
      ])
      .nic('vm-web-nic', { subnet: 'vnet-pair/snet-web', ip: '10.20.1.4' })
      .nic('vm-app-nic', { subnet: 'vnet-pair/snet-app', ip: '10.20.2.4', nsg: 'nsg-vm-app' });
    const estate = snapshotOf(b.documents());
    const deny = { op: 'addSecurityRule', nsg: 'nsg-vm-app', rule: { name: 'Deny-All-Inbound', properties: { priority: 4000, direction: 'Inbound', access: 'Deny', protocol: '*', sourceAddressPrefix: '*', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '*' } } };
    const r = applyChange(estate, JSON.stringify({ edits: [deny] }), 'pair-change.json');
    expect(r.failed).toBe(false);
    const seen: (ReadonlySet<ResourceId> | undefined)[] = [];
    const scoped = computeWhatIf(compile(estate), compile(r.snapshot), { traces: false, findings: engine(seen) });
    const whole = computeWhatIf(compile(estate), compile(r.snapshot), { traces: false, findings: everything });
    expect(seen[0] && [...seen[0]].map((id) => id.split('/').pop())).toEqual(['nsg-vm-app']);
    expect(scoped.findings.resolved.map((f) => `${f.id} ${f.name}`)).toContain('ZT-IMPLIED-TRUST nsg-app');
    expect(JSON.stringify(scoped.findings)).toBe(JSON.stringify(whole.findings));
  });

  it('a change that also edits anything else compares every finding', () => {
    const seen: (ReadonlySet<ResourceId> | undefined)[] = [];
    // A subnet that the NSG is not associated with yet, so that the association is a change.
    const nsg0 = [...sample.networkSecurityGroups.values()].find((n) => n.name === nsgs[0])!;
    const other = subnets.find((label) => [...sample.subnets.values()].find((x) => `${vnetName(x.vnetId)}/${x.name}` === label)!.nsgId !== nsg0.id)!;
    const edits = [
      { op: 'removeSecurityRule', nsg: rules[0].nsg, name: rules[0].name },
      { op: 'associateNsg', subnet: other, nsg: nsgs[0] },
    ];
    const r = applyChange(sample, JSON.stringify({ edits }), 'prop-change.json');
    expect(r.failed).toBe(false);
    computeWhatIf(beforeDp, compile(r.snapshot), { traces: false, findings: engine(seen) });
    expect(seen).toEqual([undefined, undefined]);
    const ruleOnly = applyChange(sample, JSON.stringify({ edits: edits.slice(0, 1) }), 'prop-change.json');
    computeWhatIf(beforeDp, compile(ruleOnly.snapshot), { traces: false, findings: engine(seen) });
    expect(seen.slice(2).map((s) => [...(s ?? [])])).toEqual([[...sample.networkSecurityGroups.values()].filter((n) => n.name === rules[0].nsg).map((n) => n.id), [...sample.networkSecurityGroups.values()].filter((n) => n.name === rules[0].nsg).map((n) => n.id)]);
  });
});
