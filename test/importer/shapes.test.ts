// The same estate in different shapes gives the same model: REST vs the flattened az CLI output,
// embedded vs standalone children (in either order), every envelope, mixed-case ids and types.

import { describe, expect, it } from 'vitest';
import { createImportSession, importDocuments } from '../../importer/index.ts';
import { asJson, diags, errors, fixtureDocs, ids, importInline, lc, modelOf } from './helpers.ts';

type Json = Record<string, unknown>;

const rest = () => fixtureDocs('rest');
const azCli = () => fixtureDocs('az-cli');
const parse = (docs: { file: string; text: string }[], name: string): Json => JSON.parse(docs.find((d) => d.file.endsWith(name))!.text) as Json;
const props = (r: Json) => r.properties as Json;

describe('hand-written fixtures: REST shape', () => {
  const s = importDocuments(rest());

  it('imports the estate with only the expected diagnostics', () => {
    expect(errors(s)).toEqual([]);
    // The spoke VNet is in another export: the peering's remote side dangles (warning only).
    expect(diags(s, 'ref.dangling')).toEqual([
      expect.objectContaining({ severity: 'warning', resourceId: ids.peering, file: 'rest/vnet-hub.json', jsonPath: '$.properties.virtualNetworkPeerings[0].properties.remoteVirtualNetwork.id' }),
    ]);
    // The NSG came without defaultSecurityRules: the six defaults were added.
    expect(diags(s, 'nsg.defaultRulesAdded', 'info')).toHaveLength(1);
    expect(s.diagnostics).toHaveLength(2);
  });

  it('links VNet, subnets, peering, NSG, route table, NICs, ASG and public IP', () => {
    const vnet = s.virtualNetworks.get(lc(ids.vnet))!;
    expect(vnet.tags).toEqual({ env: 'prod', owner: 'network-team' });
    expect(vnet.subnetIds).toEqual([lc(ids.snetApp), lc(ids.snetData)]);
    expect(vnet.peeringIds).toEqual([lc(ids.peering)]);
    const app = s.subnets.get(lc(ids.snetApp))!;
    expect(app).toMatchObject({ nsgId: lc(ids.nsg), routeTableId: lc(ids.rt), addressPrefixes: ['10.0.1.0/24'], privateEndpointNetworkPolicies: 'Disabled' });
    expect(app.serviceEndpoints).toEqual([{ service: 'Microsoft.Storage', locations: ['westeurope', 'northeurope'] }]);
    const data = s.subnets.get(lc(ids.snetData))!;
    expect(data).toMatchObject({ delegations: ['Microsoft.Sql/managedInstances'], privateEndpointNetworkPolicies: 'Enabled', defaultOutboundAccess: false });
    expect(s.peerings.get(lc(ids.peering))).toMatchObject({ remoteVnetId: lc(ids.spoke), remoteAddressSpace: ['10.1.0.0/16'], allowGatewayTransit: true, peeringState: 'Connected' });

    const nsg = s.networkSecurityGroups.get(lc(ids.nsg))!;
    expect(nsg.securityRules.map((r) => r.name)).toEqual(['allow-https-in', 'allow-mgmt-from-bastion', 'allow-dns-out', 'deny-all-in']);
    expect(nsg.securityRules[1]).toMatchObject({
      sourceAddressPrefixes: ['10.0.3.0/26', '10.0.4.0/26'],
      destinationAddressPrefixes: [],
      destinationAsgIds: [lc(ids.asg)],
      destinationPortRanges: ['22', '3389'],
    });
    expect(nsg.defaultSecurityRules.map((r) => r.displayId)).toContain(`${ids.nsg}/defaultSecurityRules/DenyAllInBound`);

    const rt = s.routeTables.get(lc(ids.rt))!;
    expect(rt.disableBgpRoutePropagation).toBe(true);
    expect(rt.routes.map((r) => [r.name, r.addressPrefix, r.nextHopType, r.nextHopIpAddress])).toEqual([
      ['default-to-nva', '0.0.0.0/0', 'VirtualAppliance', '10.0.1.10'],
      ['storage-direct', 'Storage', 'Internet', undefined],
      ['blackhole', '192.168.100.0/24', 'None', undefined],
    ]);

    const web = s.networkInterfaces.get(lc(ids.nicWeb))!;
    expect(web.ipConfigurations[0]).toMatchObject({ privateIp: '10.0.1.4', subnetId: lc(ids.snetApp), publicIpId: lc(ids.pip), asgIds: [lc(ids.asg)], primary: true });
    const nva = s.networkInterfaces.get(lc(ids.nicNva))!;
    expect(nva.enableIpForwarding).toBe(true);
    expect(nva.nsgId).toBe(lc(ids.nsg));
    expect(nva.ipConfigurations.map((c) => [c.privateIp, c.primary])).toEqual([
      ['10.0.1.10', true],
      ['10.0.1.11', false],
    ]);
    expect(s.publicIpAddresses.get(lc(ids.pip))).toMatchObject({ ipAddress: '20.50.1.10', sku: 'Standard', allocationMethod: 'Static' });
  });

  it('records where each resource came from', () => {
    expect(asJson(s.networkSecurityGroups.get(lc(ids.nsg))!.source)).toEqual({ file: 'rest/nsg-app.example.json', jsonPath: "$.responses['200'].body" });
    expect(asJson(s.networkInterfaces.get(lc(ids.nicNva))!.source)).toEqual({ file: 'rest/nics.json', jsonPath: '$.value[1]' });
    expect(asJson(s.subnets.get(lc(ids.snetData))!.source)).toEqual({ file: 'rest/vnet-hub.json', jsonPath: '$.properties.subnets[1]' });
    expect(s.files).toEqual(['rest/network.json', 'rest/nics.json', 'rest/nsg-app.example.json', 'rest/vnet-hub.json']);
  });
});

describe('az CLI flattened output', () => {
  it('imports to the same model as the REST shape', () => {
    const a = importDocuments(rest());
    const b = importDocuments(azCli());
    expect(errors(b)).toEqual([]);
    expect(modelOf(b)).toEqual(modelOf(a));
    // Sanity: the comparison covers real content.
    expect(b.networkInterfaces.size).toBe(2);
    expect(b.networkSecurityGroups.get(lc(ids.nsg))!.securityRules).toHaveLength(4);
  });

  it('marks flattened resources so validation can name the exact field', () => {
    const b = importDocuments(azCli());
    expect(asJson(b.networkInterfaces.get(lc(ids.nicWeb))!.source)).toEqual({ file: 'az-cli/nic-list.json', jsonPath: '$[0]', flattened: true });
    expect(diags(b, 'ref.dangling')[0].jsonPath).toBe('$[0].virtualNetworkPeerings[0].remoteVirtualNetwork.id');
  });

  it('the given default rules of az CLI equal the ones added for the REST NSG (exactly as Azure lists them)', () => {
    const a = importDocuments(rest()).networkSecurityGroups.get(lc(ids.nsg))!;
    const b = importDocuments(azCli()).networkSecurityGroups.get(lc(ids.nsg))!;
    expect(b.defaultSecurityRules.every((r) => r.source !== undefined)).toBe(true);
    expect(a.defaultSecurityRules.every((r) => r.source === undefined)).toBe(true);
    const strip = (r: object) => ({ ...r, source: undefined });
    expect(b.defaultSecurityRules.map(strip)).toEqual(a.defaultSecurityRules.map(strip));
  });
});

/** The REST fixtures with subnets, peerings, rules and routes taken out as standalone resources. */
function standaloneDocs(childrenFirst: boolean): { file: string; text: string }[] {
  const docs = rest();
  const vnet = parse(docs, 'vnet-hub.json');
  const nsgExample = parse(docs, 'nsg-app.example.json');
  const nsg = ((nsgExample.responses as Json)['200'] as Json).body as Json;
  const network = parse(docs, 'network.json');
  const rt = (network.value as Json[])[0];
  const children: Json[] = [
    ...(props(vnet).subnets as Json[]),
    ...(props(vnet).virtualNetworkPeerings as Json[]),
    ...(props(nsg).securityRules as Json[]),
    ...(props(rt).routes as Json[]),
  ];
  delete props(vnet).subnets;
  delete props(vnet).virtualNetworkPeerings;
  delete props(nsg).securityRules;
  delete props(rt).routes;
  const parents = [
    { file: 'rest/vnet-hub.json', text: JSON.stringify(vnet) },
    { file: 'rest/nsg-app.example.json', text: JSON.stringify(nsgExample) },
    { file: 'rest/network.json', text: JSON.stringify(network) },
    docs.find((d) => d.file.endsWith('nics.json'))!,
  ];
  const childDoc = { file: 'children.json', text: JSON.stringify({ value: children }) };
  return childrenFirst ? [childDoc, ...parents] : [...parents, childDoc];
}

describe('embedded vs standalone children', () => {
  it('standalone children after their parents give the same model', () => {
    const a = importDocuments(rest());
    const b = importDocuments(standaloneDocs(false));
    expect(errors(b)).toEqual([]);
    expect(modelOf(b)).toEqual(modelOf(a));
  });

  it('standalone children before their parents give the same model', () => {
    const a = importDocuments(rest());
    const b = importDocuments(standaloneDocs(true));
    expect(modelOf(b)).toEqual(modelOf(a));
  });

  it('children both embedded and standalone (identical) are merged, counted in one info', () => {
    const docs = [...rest(), ...standaloneDocs(false).filter((d) => d.file === 'children.json')];
    const s = importDocuments(docs);
    expect(modelOf(s)).toEqual(modelOf(importDocuments(rest())));
    const merged = diags(s, 'resource.duplicate');
    expect(merged).toEqual([expect.objectContaining({ severity: 'info', message: expect.stringMatching(/^10 resources were read more than once/) })]);
  });

  it('a rule whose NSG never arrives is reported as child.orphan', () => {
    const children = standaloneDocs(true)[0];
    const s = importDocuments([children]);
    const orphans = diags(s, 'child.orphan', 'warning');
    expect(orphans.map((d) => d.message)).toEqual([
      expect.stringMatching(/^4 security rules of network security group .*nsg-app were read/),
      expect.stringMatching(/^3 routes of route table .*rt-app were read/),
    ]);
    expect(orphans[0].file).toBe('children.json');
    // Subnets and peerings are kept (they are top-level in the model); their VNet dangles.
    expect(s.subnets.size).toBe(2);
    expect(diags(s, 'ref.dangling').filter((d) => d.message.includes('belongs to virtual network'))).toHaveLength(3);
  });
});

describe('case-insensitive ids and types', () => {
  it('mixed-case references and lower-cased types (Resource Graph) join correctly', () => {
    const docs = rest().map((d) => {
      // Upper-case every reference id, lower-case every type, as different tools do.
      const text = d.text
        .replace(/"id": "([^"]+)"/g, (_m, id: string) => `"id": "${d.file.includes('nics') ? id.toUpperCase() : id}"`)
        .replace(/"type": "([^"]+)"/g, (_m, t: string) => `"type": "${t.toLowerCase()}"`)
        .replace(/virtualNetworks\/vnet-hub\/subnets/g, 'VIRTUALNETWORKS/VNET-HUB/Subnets');
      return { file: d.file, text };
    });
    const s = importDocuments(docs);
    expect(errors(s)).toEqual([]);
    expect(diags(s, 'ref.dangling')).toHaveLength(1); // only the remote spoke, as before
    const nic = s.networkInterfaces.get(lc(ids.nicWeb))!;
    expect(nic.displayId).toBe(ids.nicWeb.toUpperCase());
    expect(s.subnets.has(nic.ipConfigurations[0].subnetId!)).toBe(true);
    expect(s.networkSecurityGroups.get(lc(ids.nsg))!.securityRules[1].destinationAsgIds).toEqual([lc(ids.asg)]);
  });

  it('resource types are matched case-insensitively', () => {
    const s = importInline(['a.json', [
      { id: '/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/applicationSecurityGroups/A', type: 'MICROSOFT.NETWORK/APPLICATIONSECURITYGROUPS', name: 'A' },
      { id: '/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/applicationSecurityGroups/b', type: 'microsoft.network/applicationsecuritygroups', name: 'b' },
    ]]);
    expect(s.applicationSecurityGroups.size).toBe(2);
    expect(s.applicationSecurityGroups.get('/subscriptions/s/resourcegroups/r/providers/microsoft.network/applicationsecuritygroups/a')?.name).toBe('A');
  });
});

describe('envelopes', () => {
  const asg = (name: string) => ({
    id: `/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/applicationSecurityGroups/${name}`,
    name,
    type: 'Microsoft.Network/applicationSecurityGroups',
    location: 'westeurope',
    properties: {},
  });
  const names = (s: ReturnType<typeof importInline>) => [...s.applicationSecurityGroups.values()].map((a) => [a.name, a.source?.jsonPath]);

  it('one resource, an array, {value}, {data}', () => {
    expect(names(importInline(['1.json', asg('a')]))).toEqual([['a', '$']]);
    expect(names(importInline(['2.json', [asg('a'), asg('b')]]))).toEqual([['a', '$[0]'], ['b', '$[1]']]);
    expect(names(importInline(['3.json', { value: [asg('a')], nextLink: null }]))).toEqual([['a', '$.value[0]']]);
    expect(names(importInline(['4.json', { totalRecords: 1, count: 1, data: [asg('a')] }]))).toEqual([['a', '$.data[0]']]);
  });

  it('{resources} with concrete ids is imported; expression items are counted', () => {
    const s = importInline(['5.json', { resources: [asg('a'), { type: 'Microsoft.Network/applicationSecurityGroups', name: "[parameters('n')]", apiVersion: '2023-09-01' }] }]);
    expect(names(s)).toEqual([['a', '$.resources[0]']]);
    expect(diags(s, 'template.unevaluated')).toEqual([
      expect.objectContaining({ severity: 'warning', file: '5.json', jsonPath: '$.resources[1]', message: expect.stringContaining('1 of 2 resources') }),
    ]);
  });

  it('REST examples: 200, else 201; a {value} body; pages concatenated in an array', () => {
    expect(names(importInline(['6.json', { parameters: {}, responses: { '201': { body: asg('a') }, '202': {} } }]))).toEqual([["a", "$.responses['201'].body"]]);
    expect(names(importInline(['7.json', { responses: { '200': { body: { value: [asg('a')] } }, '201': { body: asg('b') } } }]))).toEqual([["a", "$.responses['200'].body.value[0]"]]);
    expect(names(importInline(['8.json', [{ value: [asg('a')] }, { value: [asg('b')] }]]))).toEqual([['a', '$[0].value[0]'], ['b', '$[1].value[0]']]);
  });

  it('a recorded interaction, with the body as JSON text', () => {
    const s = importInline(['9.json', { request: { method: 'GET' }, response: { status: { code: 200 }, body: { string: JSON.stringify(asg('a')) } } }]);
    expect(names(s)).toEqual([['a', '$.response.body.string']]);
  });

  it('a UTF-8 byte-order mark is ignored', () => {
    const s = importInline(['bom.json', `\uFEFF${JSON.stringify(asg('a'))}`]);
    expect(names(s)).toEqual([['a', '$']]);
    expect(s.diagnostics).toEqual([]);
  });

  it('resources of other types are recorded as unsupported, never dropped', () => {
    const s = importInline(['u.json', { value: [
      asg('a'),
      { id: '/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/bastionHosts/bh', name: 'bh', type: 'Microsoft.Network/bastionHosts', properties: {} },
      { id: '/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/networkInterfaces/n/ipConfigurations/c', name: 'c', properties: {} },
    ] }]);
    expect(asJson(s.unsupported)).toEqual([
      { id: '/subscriptions/s/resourcegroups/r/providers/microsoft.network/bastionhosts/bh', displayId: '/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/bastionHosts/bh', name: 'bh', type: 'Microsoft.Network/bastionHosts', source: { file: 'u.json', jsonPath: '$.value[1]' } },
      expect.objectContaining({ name: 'c', type: 'microsoft.network/networkinterfaces/ipconfigurations', source: { file: 'u.json', jsonPath: '$.value[2]' } }),
    ]);
  });

  it('the streaming session accepts documents one by one and finishes once', () => {
    const session = createImportSession();
    session.addDocument('1.json', JSON.stringify(asg('a')));
    session.addDocument('2.json', JSON.stringify([asg('b')]));
    const s = session.finish();
    expect(s.applicationSecurityGroups.size).toBe(2);
    expect(session.finish()).toBe(s);
    expect(() => session.addDocument('3.json', '{}')).toThrow(/after finish/);
  });
});
