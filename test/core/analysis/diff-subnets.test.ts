// What-if when subnets and VNets are added or removed (a new workload; a subscription missing from
// one of two exports). Their pairs are bounded to the endpoints of the subnets concerned (the other
// walks consult nothing that depends on them: rules 5.3, 4.1, 11.3), unless they hold what other
// traffic passes through (appliances, firewalls, gateways, Application Gateways): then every pair.
// Each case checks the incremental answer against two full computations. Before, any subnet added
// or removed made every pair a candidate: at tier L that is 2.1 billion pairs.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeEstate } from '../../../bench/synth/writer.ts';
import { compile, computeWhatIf, type DataPlane, type FlowChange, type WhatIfAnswer } from '../../../core/index.ts';
import { applyChange } from '../../../importer/index.ts';
import { readFolderDocuments, snapshotOf } from '../../support/load.ts';
import { REPO_ROOT } from '../../support/paths.ts';

type Doc = { file: string; text: string };
type Item = Record<string, unknown> & { name: string; type: string; id: string; properties: Record<string, unknown> };

const docs: Doc[] = readFolderDocuments(join(REPO_ROOT, 'examples', 'hub-spoke'));
const before = compile(snapshotOf(docs));
const SUB = '/subscriptions/3f2c8a91-5b7d-4e6a-9c1f-2d8e7b4a6c05';
const APP_VNET = `${SUB}/resourceGroups/rg-app/providers/Microsoft.Network/virtualNetworks/vnet-app-weu`;

function comparable(a: WhatIfAnswer): string {
  const strip = (xs: FlowChange[]) => xs.map((x) => ({ ...x, example: { ...x.example, before: undefined, after: undefined } }));
  return JSON.stringify({ allowed: strip(a.newlyAllowed), blocked: strip(a.newlyBlocked), exposure: a.exposure });
}

/** The sample with `edit` applied to the items of one file (`{value: [...]}`). */
function edited(file: string, edit: (items: Item[]) => Item[]): Doc[] {
  return docs.map((d) => {
    if (!d.file.endsWith(file)) return d;
    const json = JSON.parse(d.text) as { value: Item[] };
    return { ...d, text: JSON.stringify({ value: edit(json.value) }) };
  });
}

function vnetOf(items: Item[], name: string): Item {
  const v = items.find((i) => /virtualNetworks$/i.test(i.type) && i.name === name);
  if (!v) throw new Error(name);
  return v;
}

/** The sample with one subnet taken out of its VNet (whatever pointed at it left dangling). */
function withoutSubnet(file: string, vnet: string, subnet: string): DataPlane {
  return compile(
    snapshotOf(
      edited(file, (items) => {
        const v = vnetOf(items, vnet);
        v.properties.subnets = (v.properties.subnets as Item[]).filter((s) => s.name !== subnet);
        return items;
      }),
      { allowErrors: true },
    ),
  );
}

/**
 * Incremental equals full, and so do the candidates compared by class (as when they are too many
 * to compare one by one: a VNet removed at tier L); returns the incremental answer.
 */
function check(after: DataPlane): WhatIfAnswer {
  const inc = computeWhatIf(before, after, { traces: false });
  const full = computeWhatIf(compile(before.snapshot), after, { mode: 'full', traces: false, budgetMs: Number.POSITIVE_INFINITY });
  expect(full.stats.complete).toBe(true);
  expect(comparable(inc)).toBe(comparable(full));
  const byClass = computeWhatIf(before, after, { traces: false, candidatesByClass: true });
  if (!everyPair(inc)) expect(byClass.stats.reasons[0]).toMatch(/^candidates by class: /);
  expect(comparable(byClass)).toBe(comparable(full));
  return inc;
}

/** Every pair compared (no rule bounds the change, or its candidates are too many to list). */
const everyPair = (a: WhatIfAnswer) => a.stats.reasons.some((r) => r.startsWith('every pair'));

describe('subnets and VNets removed', () => {
  for (const [file, bounded] of [
    ['rg-legacy.json', true],
    ['rg-data.json', true],
    ['rg-app.json', true],
    // The App Gateway's subnet, the hub's firewall and gateway, the on-premises side: every pair.
    ['rg-web.json', false],
    ['rg-hub.json', false],
    ['rg-onprem-connectivity.json', false],
  ] as const) {
    it(`${file} missing from the snapshot after: ${bounded ? 'bounded to the pairs of its endpoints' : 'every pair'}`, () => {
      const a = check(compile(snapshotOf(docs.filter((d) => !d.file.endsWith(file)), { allowErrors: true })));
      expect(a.newlyBlocked.length).toBeGreaterThan(0);
      expect(everyPair(a)).toBe(!bounded);
      if (bounded) expect(a.stats.pairsConsidered).toBeLessThan(a.stats.sources * a.stats.destinations);
    });
  }

  it('one subnet removed (its NICs left pointing at it): only the pairs of its endpoints', () => {
    const a = check(withoutSubnet('rg-app.json', 'vnet-app-weu', 'snet-batch'));
    expect(everyPair(a)).toBe(false);
    expect(a.stats.reasons.join('; ')).toContain('a subnet was added or removed');
    expect(a.newlyBlocked.some((x) => x.from.includes('batch') || x.to.includes('batch'))).toBe(true);
  });
});

describe('a subnet that other traffic passes through, removed alone', () => {
  it("the hub's AzureFirewallSubnet out of the VNet (the firewall resource left): every spoke's forced route now leads nowhere, so every pair", () => {
    const a = check(withoutSubnet('rg-hub.json', 'vnet-hub-weu', 'AzureFirewallSubnet'));
    expect(everyPair(a)).toBe(true);
    expect(a.stats.reasons[0]).toContain('a subnet holding appliances, firewalls, gateways or a route next hop was added or removed');
    // Flows that never touched the firewall's own address change: spoke to spoke through it.
    expect(a.newlyBlocked.some((x) => x.from.includes('web') && x.to.includes('app'))).toBe(true);
  });
});

describe('a private endpoint subnet removed', () => {
  it('its /32 route leaves the tables of its VNet and of the VNets peered with it (rule 11.3), which the answer lists', () => {
    const a = check(withoutSubnet('rg-data.json', 'vnet-data-weu', 'snet-pe'));
    expect(everyPair(a)).toBe(false);
    const lost = (vnet: string) => a.routes.filter((r) => r.name.startsWith(`${vnet}/`) && r.removed.some((x) => x.nextHopType === 'InterfaceEndpoint' && x.addressPrefix.includes('10.3.2.4/32')));
    // Its own VNet, the hub and the legacy VNet (peered directly, mistake 5).
    for (const vnet of ['vnet-data-weu', 'vnet-hub-weu', 'vnet-legacy-weu']) expect(lost(vnet).length, vnet).toBeGreaterThan(0);
    expect(a.newlyBlocked.some((x) => x.to.includes('pe-stdata-blob') || x.to.includes('stdataweu01'))).toBe(true);
  });
});

describe('subnets and VNets added', () => {
  const nic = (name: string, ip: string, subnetId: string): Item => ({
    name,
    id: `${SUB}/resourceGroups/rg-app/providers/Microsoft.Network/networkInterfaces/${name}`,
    type: 'Microsoft.Network/networkInterfaces',
    location: 'westeurope',
    properties: { ipConfigurations: [{ name: 'ipconfig1', id: `${SUB}/resourceGroups/rg-app/providers/Microsoft.Network/networkInterfaces/${name}/ipConfigurations/ipconfig1`, properties: { privateIPAddress: ip, privateIPAllocationMethod: 'Static', subnet: { id: subnetId }, primary: true } }] },
  });
  const subnet = (name: string, prefix: string, extra: Record<string, unknown> = {}): Item => ({
    name,
    id: `${APP_VNET}/subnets/${name}`,
    type: 'Microsoft.Network/virtualNetworks/subnets',
    properties: { addressPrefix: prefix, ...extra },
  });

  it('an empty subnet: nothing changes, and no pair is a candidate', () => {
    const a = check(
      compile(
        snapshotOf(
          edited('rg-app.json', (items) => {
            (vnetOf(items, 'vnet-app-weu').properties.subnets as Item[]).push(subnet('snet-new', '10.2.9.0/24'));
            return items;
          }),
        ),
      ),
    );
    expect(everyPair(a)).toBe(false);
    expect(a.stats.pairsConsidered).toBe(0);
    expect(a.newlyAllowed).toEqual([]);
    expect(a.changes.map((c) => `${c.change} ${c.collection} ${c.name}`)).toEqual(expect.arrayContaining(['added subnets snet-new']));
  });

  it('a subnet with a NIC, behind the app NSG and route table: the pairs of the new NIC', () => {
    const app = before.snapshot.subnets.get(`${APP_VNET}/subnets/snet-app`.toLowerCase())!;
    const nsg = before.snapshot.networkSecurityGroups.get(app.nsgId!)!;
    const rt = before.snapshot.routeTables.get(app.routeTableId!)!;
    const a = check(
      compile(
        snapshotOf(
          edited('rg-app.json', (items) => {
            (vnetOf(items, 'vnet-app-weu').properties.subnets as Item[]).push(subnet('snet-new', '10.2.9.0/24', { networkSecurityGroup: { id: nsg.displayId }, routeTable: { id: rt.displayId } }));
            return [...items, nic('nic-new01', '10.2.9.4', `${APP_VNET}/subnets/snet-new`)];
          }),
        ),
      ),
    );
    expect(everyPair(a)).toBe(false);
    expect(a.newlyAllowed.length).toBeGreaterThan(0);
    expect(a.newlyAllowed.every((x) => x.from.includes('nic-new01') || x.to.includes('nic-new01') || x.fromRef.id?.includes('nic-new01') || x.toRef.id?.includes('nic-new01'))).toBe(true);
  });

  it('a new VNet peered with the hub (both halves of the peering): bounded, and the hub learns its space', () => {
    const id = `${SUB}/resourceGroups/rg-app/providers/Microsoft.Network/virtualNetworks/vnet-new-weu`;
    const hub = [...before.snapshot.virtualNetworks.values()].find((v) => v.name === 'vnet-hub-weu')!;
    const peering = (from: string, to: string, name: string, space: string) => ({ name, id: `${from}/virtualNetworkPeerings/${name}`, properties: { remoteVirtualNetwork: { id: to }, allowVirtualNetworkAccess: true, allowForwardedTraffic: true, peeringState: 'Connected', remoteAddressSpace: { addressPrefixes: [space] } } });
    const withVnet = edited('rg-app.json', (items) => [
      ...items,
      {
        name: 'vnet-new-weu',
        id,
        type: 'Microsoft.Network/virtualNetworks',
        location: 'westeurope',
        properties: { addressSpace: { addressPrefixes: ['10.7.0.0/16'] }, subnets: [{ name: 'snet-a', id: `${id}/subnets/snet-a`, properties: { addressPrefix: '10.7.1.0/24' } }], virtualNetworkPeerings: [peering(id, hub.displayId, 'peer-new-to-hub', '10.0.0.0/16')] },
      },
      nic('nic-new02', '10.7.1.4', `${id}/subnets/snet-a`),
    ]);
    const withBoth = withVnet.map((d) => {
      if (!d.file.endsWith('rg-hub.json')) return d;
      const json = JSON.parse(d.text) as { value: Item[] };
      const h = vnetOf(json.value, 'vnet-hub-weu');
      (h.properties.virtualNetworkPeerings as unknown[]).push(peering(hub.displayId, id, 'peer-hub-to-new', '10.7.0.0/16'));
      return { ...d, text: JSON.stringify(json) };
    });
    const a = check(compile(snapshotOf(withBoth)));
    expect(everyPair(a)).toBe(false);
    expect(a.newlyAllowed.length).toBeGreaterThan(0);
    expect(a.routes.some((r) => r.added.some((x) => x.addressPrefix.includes('10.7.0.0/16') && x.nextHopType === 'VNetPeering'))).toBe(true);
  });
});

describe('a peering between the hub and a spoke (or two spokes) changed', () => {
  // The hub forwards (firewall, gateway), the app and data spokes do not: only pairs from or to an
  // address of the spoke's space can cross the peering, so the hub's own sources are not rows.
  // The web spoke holds an Application Gateway (it forwards too): every pair.
  const sample = before.snapshot;
  // Between two spokes (data and legacy: mistake 5) neither end forwards: both ends' pairs.
  for (const peering of ['vnet-data-weu/peer-data-to-hub', 'vnet-hub-weu/peer-hub-to-data', 'vnet-app-weu/peer-app-to-hub', 'vnet-hub-weu/peer-hub-to-app', 'vnet-web-weu/peer-web-to-hub', 'vnet-data-weu/peer-data-to-legacy', 'vnet-legacy-weu/peer-legacy-to-data']) {
    for (const set of [{ peeringState: 'Disconnected' }, { allowVirtualNetworkAccess: false }, { allowForwardedTraffic: false }]) {
      it(`${peering} ${JSON.stringify(set)}: the answer of two full computations`, () => {
        const r = applyChange(sample, JSON.stringify({ edits: [{ op: 'setPeering', peering, ...set }] }), 'peering-change.json');
        expect(r.failed).toBe(false);
        const a = check(compile(r.snapshot));
        // Some flags are already so (the legacy peering forwards nothing): nothing changed.
        if (a.changes.length === 0) return expect(a.stats.reasons).toEqual([]);
        expect(everyPair(a)).toBe(peering.includes('web'));
        if (!peering.includes('web')) expect(a.stats.reasons).toContain('a peering changed');
        if ((peering.includes('hub-to-data') || peering.includes('data-to-hub')) && 'peeringState' in set) {
          // The spoke's own sources lose what they reached through the hub (a storage account
          // elsewhere), and the hub loses the storage account behind the spoke's private endpoint.
          expect(a.newlyBlocked.some((x) => x.from.includes('vnet-data-weu') && x.to === 'stlogsweu01')).toBe(true);
          expect(a.newlyBlocked.some((x) => x.to === 'stdataweu01' && x.from.includes('vnet-hub-weu'))).toBe(true);
          expect(a.newlyBlocked.some((x) => x.to === 'pe-stdata-blob' && x.from.includes('vnet-app-weu'))).toBe(true);
        }
      });
    }
  }
});

describe('a peering to a VNet the input does not hold', () => {
  it("the data VNet's peering to legacy (legacy's file missing from both exports) disconnected: the answer of two full computations", () => {
    const rest = docs.filter((d) => !d.file.endsWith('rg-legacy.json'));
    const b = compile(snapshotOf(rest, { allowErrors: true }));
    const r = applyChange(b.snapshot, JSON.stringify({ edits: [{ op: 'setPeering', peering: 'vnet-data-weu/peer-data-to-legacy', peeringState: 'Disconnected' }] }), 'peering-change.json');
    expect(r.failed).toBe(false);
    const a = compile(r.snapshot);
    const inc = computeWhatIf(b, a, { traces: false });
    const full = computeWhatIf(compile(b.snapshot), a, { mode: 'full', traces: false, budgetMs: Number.POSITIVE_INFINITY });
    expect(inc.stats.reasons).toContain('a peering changed');
    expect(comparable(inc)).toBe(comparable(full));
    expect(inc.routes.some((x) => x.removed.some((y) => y.nextHopType === 'VNetPeering'))).toBe(true);
  });
});

describe('a VNet readdressed stays every pair', () => {
  it('an address range added to vnet-app-weu', () => {
    const a = check(
      compile(
        snapshotOf(
          edited('rg-app.json', (items) => {
            ((vnetOf(items, 'vnet-app-weu').properties.addressSpace as { addressPrefixes: string[] }).addressPrefixes).push('10.20.0.0/16');
            return items;
          }),
        ),
      ),
    );
    expect(everyPair(a)).toBe(true);
    expect(a.stats.reasons[0]).toContain('a virtual network was readdressed');
  });
});

describe('a subnet removed from a larger estate (tier S): bounded to the pairs of its endpoints', () => {
  const root = mkdtempSync(join(tmpdir(), 'ztpath-diff-subnets-'));
  let sDocs: Doc[] = [];
  beforeAll(async () => {
    await writeEstate(root, 'S', 1);
    sDocs = readFolderDocuments(root);
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** tier S with the first spoke VNet's snet-app gone (its NICs left pointing at it). */
  function withoutAppSubnet(): { before: DataPlane; after: DataPlane } {
    let done = false;
    const changed = sDocs.map((d) => {
      if (done || !d.file.includes('spokes-')) return d;
      const json = JSON.parse(d.text) as { value: Item[] };
      const v = json.value.find((i) => /virtualNetworks$/i.test(i.type) && (i.properties.subnets as Item[]).some((x) => x.name === 'snet-app'));
      if (!v) return d;
      v.properties.subnets = (v.properties.subnets as Item[]).filter((x) => x.name !== 'snet-app');
      done = true;
      return { ...d, text: JSON.stringify(json) };
    });
    expect(done).toBe(true);
    return { before: compile(snapshotOf(sDocs)), after: compile(snapshotOf(changed, { allowErrors: true })) };
  }

  it('compared one by one, the answer of two full computations', () => {
    const { before: b, after: a } = withoutAppSubnet();
    const inc = computeWhatIf(b, a, { traces: false });
    const full = computeWhatIf(compile(b.snapshot), a, { mode: 'full', traces: false, budgetMs: Number.POSITIVE_INFINITY });
    expect(inc.stats.reasons.join('; ')).toContain('a subnet was added or removed');
    expect(inc.stats.reasons.some((r) => r.startsWith('every pair'))).toBe(false);
    expect(inc.stats.pairsConsidered * 10).toBeLessThanOrEqual(inc.stats.sources * inc.stats.destinations);
    expect(inc.newlyBlocked.length).toBeGreaterThan(0);
    expect(comparable(inc)).toBe(comparable(full));
  }, 120_000);

  it("every tenth subnet of the estate removed in turn, and the first hub's firewall and gateway subnets: each the answer of two full computations", () => {
    const b = compile(snapshotOf(sDocs));
    const subnets: { file: string; vnet: string; subnet: string }[] = [];
    for (const d of sDocs) {
      for (const i of (JSON.parse(d.text) as { value?: Item[] }).value ?? []) {
        if (/virtualNetworks$/i.test(i.type)) for (const x of i.properties.subnets as Item[]) subnets.push({ file: d.file, vnet: i.name, subnet: x.name });
      }
    }
    const hub = subnets.find((x) => x.vnet.startsWith('vnet-hub-'))!.vnet;
    const picks = [...subnets.filter((_, k) => k % 10 === 0), ...subnets.filter((x) => x.vnet === hub && (x.subnet === 'AzureFirewallSubnet' || x.subnet === 'GatewaySubnet'))];
    expect(picks.filter((x) => x.vnet === hub).length).toBeGreaterThanOrEqual(2);
    let checked = 0;
    for (const { file, vnet, subnet } of picks) {
      const changed = sDocs.map((d) => {
        if (d.file !== file) return d;
        const json = JSON.parse(d.text) as { value: Item[] };
        const v = vnetOf(json.value, vnet);
        v.properties.subnets = (v.properties.subnets as Item[]).filter((x) => x.name !== subnet);
        return { ...d, text: JSON.stringify(json) };
      });
      const a = compile(snapshotOf(changed, { allowErrors: true }));
      const inc = computeWhatIf(b, a, { traces: false });
      const full = computeWhatIf(compile(b.snapshot), a, { mode: 'full', traces: false, budgetMs: Number.POSITIVE_INFINITY });
      expect(comparable(inc), `${vnet}/${subnet}`).toBe(comparable(full));
      expect(comparable(computeWhatIf(b, a, { traces: false, candidatesByClass: true })), `${vnet}/${subnet} by class`).toBe(comparable(full));
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  }, 300_000);

  it('beyond --max-pairs its candidates are not compared: the answer says so', () => {
    const { before: b, after: a } = withoutAppSubnet();
    const inc = computeWhatIf(b, a, { traces: false });
    // Fewer than 100,000: one by one.
    expect(inc.stats.reasons.some((r) => r.includes('by class') || r.startsWith('every pair'))).toBe(false);
    const message = (maxPairs: number) => computeWhatIf(b, a, { traces: false, maxPairs }).caveats.find((c) => c.code === 'whatif.too-large')?.message;
    const m = /the change can affect ([\d,]+) source\/destination pairs, which is more than the 1 this comparison makes/.exec(message(1) ?? '');
    expect(m).not.toBeNull();
    const candidates = Number(m![1].replace(/,/g, ''));
    // Every pair the comparison would walk is a candidate (candidates also count an endpoint to itself).
    expect(candidates).toBeGreaterThanOrEqual(inc.stats.pairsConsidered);
    expect(candidates * 10).toBeLessThan(inc.stats.sources * inc.stats.destinations);
    const limited = computeWhatIf(b, a, { traces: false, maxPairs: candidates - 1 });
    expect(limited.stats.flowsCompared).toBe(false);
    expect(limited.newlyBlocked).toEqual([]);
    expect(comparable(computeWhatIf(b, a, { traces: false, maxPairs: candidates }))).toBe(comparable(inc));
    // By class (as beyond 100,000 candidates): the same answer.
    const byClass = computeWhatIf(b, a, { traces: false, candidatesByClass: true });
    expect(byClass.stats.reasons[0]).toMatch(/^candidates by class: /);
    expect(comparable(byClass)).toBe(comparable(inc));
  }, 120_000);
});
