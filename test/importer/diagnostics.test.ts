// One test per class of bad input: each asserts the diagnostic's code, severity, file, resource id
// and JSON path, and that the import goes on past the problem.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../core/model/index.ts';
import { createImportSession, importDocuments } from '../../importer/index.ts';
import { diags, errors, fixtureDocs, importInline, lc } from './helpers.ts';

const N = '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network';
const vnetId = (n: string) => `${N}/virtualNetworks/${n}`;

function vnet(name: string, space: unknown, subnets: [string, unknown][] = [], extra: Record<string, unknown> = {}) {
  return {
    id: vnetId(name),
    name,
    type: 'Microsoft.Network/virtualNetworks',
    location: 'westeurope',
    properties: {
      addressSpace: { addressPrefixes: space },
      subnets: subnets.map(([n, prefix]) => ({ id: `${vnetId(name)}/subnets/${n}`, name: n, properties: { addressPrefix: prefix } })),
      ...extra,
    },
  };
}

function nsg(name: string, rules: Record<string, unknown>[]) {
  const id = `${N}/networkSecurityGroups/${name}`;
  return {
    id,
    name,
    type: 'Microsoft.Network/networkSecurityGroups',
    properties: { securityRules: rules.map((r, i) => ({ id: `${id}/securityRules/r${i}`, name: `r${i}`, properties: r })) },
  };
}

const okRule = {
  protocol: 'Tcp',
  sourcePortRange: '*',
  destinationPortRange: '443',
  sourceAddressPrefix: '*',
  destinationAddressPrefix: '*',
  access: 'Allow',
  priority: 100,
  direction: 'Inbound',
};

const pick = (d: Diagnostic) => ({ code: d.code, severity: d.severity, file: d.file, resourceId: d.resourceId, jsonPath: d.jsonPath });

describe('json.malformed', () => {
  it('reports line and column, skips the file, and goes on with the others', () => {
    const bad = '{\n  "value": [\n    { "id": "x", }\n    oops\n  ]\n}';
    const s = importInline(['bad.json', bad], ['good.json', { value: [vnet('v1', ['10.0.0.0/16'])] }]);
    expect(diags(s, 'json.malformed')).toEqual([expect.objectContaining({ severity: 'error', file: 'bad.json', line: 4, column: 5 })]);
    expect(s.virtualNetworks.size).toBe(1);
    expect(s.files).toEqual(['bad.json', 'good.json']);
  });

  it('an empty file and a truncated download', () => {
    const s = importInline(['empty.json', '  \n'], ['cut.json', '{"value": [{"id": "/subscriptions/a'], ['v.json', vnet('v1', ['10.0.0.0/16'])]);
    expect(diags(s, 'json.malformed').map((d) => [d.file, d.line, d.column])).toEqual([
      ['empty.json', 1, 1],
      ['cut.json', 1, 36],
    ]);
    expect(diags(s, 'json.malformed')[0].message).toContain('empty');
  });

  it('comments and trailing commas are accepted as JSONC with an info', () => {
    const text = `// exported by hand\n${JSON.stringify(vnet('v1', ['10.0.0.0/16']), null, 1).replace(/\n}$/, ',\n}')}`;
    const s = importInline(['c.json', text]);
    expect(s.virtualNetworks.size).toBe(1);
    expect(diags(s, 'json.nonstandard')).toEqual([expect.objectContaining({ severity: 'info', file: 'c.json', line: 1, column: 1 })]);
  });

  it("az CLI's own messages redirected into the file (2>&1) get a hint that says so", () => {
    const json = JSON.stringify({ value: [vnet('v1', ['10.0.0.0/16'])] });
    const s = importInline(
      ['before.json', `WARNING: This command is in preview and under development.\n${json}\n`],
      ['after.json', `${json}\nERROR: (AuthorizationFailed) The client does not have authorization\n`],
      // Windows PowerShell 5.1 prefixes a native command's standard error with its name.
      ['ps.json', `az : WARNING: Alias 'x' is deprecated\n${json}`],
      ['other.json', `oops\n${json}`],
    );
    const found = diags(s, 'json.malformed').map((d) => [d.file, d.line, /az CLI's own messages/.test(d.hint ?? '')]);
    expect(found).toEqual([
      ['before.json', 1, true],
      ['after.json', 2, true],
      ['ps.json', 1, true],
      ['other.json', 1, false],
    ]);
  });
});

describe('input.too-large', () => {
  it('a document longer than a JavaScript string can be, and not a list read item by item: an error naming the file, not an internal error', () => {
    const session = createImportSession();
    // 540 MB that is not a list: decoded whole, it would be past V8's ~512 million characters.
    session.addDocument('huge.json', new Uint8Array(540 * 1024 * 1024).fill(0x78));
    session.addDocument('v.json', JSON.stringify(vnet('v1', ['10.0.0.0/16'])));
    const s = session.finish();
    expect(diags(s, 'internal.error')).toEqual([]);
    expect(diags(s, 'input.too-large')).toEqual([expect.objectContaining({ severity: 'error', file: 'huge.json' })]);
    expect(diags(s, 'input.too-large')[0].message).toContain('540 MB');
    expect(s.virtualNetworks.size).toBe(1);
  });
});

describe('input.unrecognized and input.empty', () => {
  it('says what it saw', () => {
    const s = importInline(['a.json', { foo: 1, bar: [1] }], ['b.json', '42'], ['c.json', { value: [{ name: 'x' }, vnet('v1', ['10.0.0.0/16'])] }]);
    const u = diags(s, 'input.unrecognized', 'warning');
    expect(u.map((d) => [d.file, d.jsonPath])).toEqual([
      ['a.json', '$'],
      ['b.json', '$'],
      ['c.json', '$.value[0]'],
    ]);
    expect(u[0].message).toContain('an object with keys foo, bar');
    expect(u[1].message).toContain('a number');
    expect(u[2].message).toMatch(/^1 of 2 items in \$\.value is not/);
    expect(u[2].message).toContain('the first, $.value[0], is an object with keys name');
    expect(diags(s, 'input.empty')).toEqual([]);
  });

  it('Azure PowerShell objects (Get-Az... | ConvertTo-Json) are named as such, in a list or alone', () => {
    // The fields Get-AzNetworkSecurityGroup gives: PascalCase, children as PowerShell objects.
    const ps = { Name: 'nsg-web', ResourceGroupName: 'rg', Location: 'westeurope', Id: `${N}/networkSecurityGroups/nsg-web`, Etag: 'W/"1"', SecurityRules: [], DefaultSecurityRules: [] };
    const s = importInline(['list.json', [ps, ps]], ['one.json', ps], ['other.json', [{ Name: 'x', Id: 'not-an-arm-id' }]], ['v.json', vnet('v1', ['10.0.0.0/16'])]);
    const u = diags(s, 'input.unrecognized', 'warning');
    expect(u.map((d) => [d.file, d.jsonPath, /Azure PowerShell output/.test(d.hint ?? '')])).toEqual([
      ['list.json', '$[0]', true],
      ['one.json', '$', true],
      ['other.json', '$[0]', false],
    ]);
    expect(u[0].message).toMatch(/^2 of 2 items in \$ are not Azure resources/);
  });

  it('no resources at all -> input.empty error', () => {
    const s = importInline(['a.json', { value: [] }], ['b.json', []]);
    expect(diags(s, 'input.empty')).toEqual([expect.objectContaining({ severity: 'error', code: 'input.empty' })]);
    expect(importDocuments([]).diagnostics.map((d) => d.code)).toEqual(['input.empty']);
  });
});

describe('field.not-evaluated', () => {
  it('service endpoint policies, subnet and IPv6-only peering and peerings not in sync: an info each, at the field, naming the caveat answers give', () => {
    const policyId = `${N}/serviceEndpointPolicies/only-backups`;
    const peering = (name: string, remote: string, extra: Record<string, unknown>) => ({
      id: `${vnetId('v1')}/virtualNetworkPeerings/${name}`,
      name,
      properties: { remoteVirtualNetwork: { id: vnetId(remote) }, peeringState: 'Connected', peeringSyncLevel: 'FullyInSync', ...extra },
    });
    const v1 = vnet('v1', ['10.0.0.0/16'], [['a', '10.0.1.0/24'], ['b', '10.0.2.0/24']], {
      virtualNetworkPeerings: [
        peering('to-v2', 'v2', { peerCompleteVnets: false, localSubnetNames: ['a'], remoteSubnetNames: ['x'] }),
        peering('to-v3', 'v3', { peeringSyncLevel: 'LocalNotInSync' }),
        peering('to-v4', 'v4', { enableOnlyIPv6Peering: true }),
        peering('to-v5', 'v5', {}),
      ],
    });
    (v1.properties.subnets[1].properties as Record<string, unknown>).serviceEndpointPolicies = [{ id: policyId }];
    const s = importInline(['v.json', { value: [v1, vnet('v2', ['10.2.0.0/16']), vnet('v3', ['10.3.0.0/16']), vnet('v4', ['10.4.0.0/16']), vnet('v5', ['10.5.0.0/16'])] }]);
    const found = diags(s, 'field.not-evaluated', 'info').map((d) => [d.resourceId?.split('/').slice(-2).join('/'), d.jsonPath?.split('.').pop(), d.message.match(/caveat ([\w.-]+)/)?.[1]]);
    expect(found).toEqual([
      ['subnets/b', 'serviceEndpointPolicies', 'route.service-endpoint-policy'],
      ['virtualNetworkPeerings/to-v2', 'peerCompleteVnets', 'peering.subnet-peering'],
      ['virtualNetworkPeerings/to-v3', 'peeringSyncLevel', 'peering.not-in-sync'],
      ['virtualNetworkPeerings/to-v4', 'enableOnlyIPv6Peering', 'peering.subnet-peering'],
    ]);
  });
});

describe('field.type', () => {
  it('addressPrefixes given as a string: read as a one-element list, with a warning', () => {
    const s = importInline(['t.json', { value: [vnet('v1', '10.0.0.0/16')] }]);
    expect(s.virtualNetworks.get(lc(vnetId('v1')))!.addressSpace).toEqual(['10.0.0.0/16']);
    expect(diags(s, 'field.type').map(pick)).toEqual([
      { code: 'field.type', severity: 'warning', file: 't.json', resourceId: vnetId('v1'), jsonPath: '$.value[0].properties.addressSpace.addressPrefixes' },
    ]);
  });

  it('priority "100" is accepted with a warning; priority "high" is rejected and the rule skipped', () => {
    const s = importInline(['p.json', [nsg('n1', [{ ...okRule, priority: '100' }, { ...okRule, priority: 'high' }])]]);
    const rules = s.networkSecurityGroups.get(lc(`${N}/networkSecurityGroups/n1`))!.securityRules;
    expect(rules.map((r) => [r.name, r.priority])).toEqual([['r0', 100]]);
    expect(diags(s, 'field.type').map(pick)).toEqual([
      { code: 'field.type', severity: 'warning', file: 'p.json', resourceId: `${N}/networkSecurityGroups/n1/securityRules/r0`, jsonPath: '$[0].properties.securityRules[0].properties.priority' },
      { code: 'field.type', severity: 'error', file: 'p.json', resourceId: `${N}/networkSecurityGroups/n1/securityRules/r1`, jsonPath: '$[0].properties.securityRules[1].properties.priority' },
    ]);
  });

  it('a boolean that is neither a boolean nor "true"/"false" is an error; the default is used', () => {
    const nic = {
      id: `${N}/networkInterfaces/nic1`,
      type: 'Microsoft.Network/networkInterfaces',
      properties: { enableIPForwarding: 'yes', ipConfigurations: [{ name: 'c1', properties: { privateIPAddress: '10.0.0.4' } }] },
    };
    const s = importInline(['n.json', nic]);
    expect(s.networkInterfaces.get(lc(nic.id))!.enableIpForwarding).toBe(false);
    expect(diags(s, 'field.type').map(pick)).toEqual([{ code: 'field.type', severity: 'error', file: 'n.json', resourceId: nic.id, jsonPath: '$.properties.enableIPForwarding' }]);
    // The child id was missing: it is built from the parent id and the name.
    expect(s.networkInterfaces.get(lc(nic.id))!.ipConfigurations[0].id).toBe(lc(`${nic.id}/ipConfigurations/c1`));
  });

  it("'properties' that is not an object is an error; the resource is still recorded", () => {
    const s = importInline(['x.json', { value: [{ id: `${N}/applicationSecurityGroups/a`, type: 'Microsoft.Network/applicationSecurityGroups', properties: 'oops' }] }]);
    expect(s.applicationSecurityGroups.size).toBe(1);
    expect(diags(s, 'field.type').map(pick)).toEqual([
      { code: 'field.type', severity: 'error', file: 'x.json', resourceId: `${N}/applicationSecurityGroups/a`, jsonPath: '$.value[0].properties' },
    ]);
  });

  it('missing required rule fields and unknown enum values skip the rule with an error', () => {
    const { direction: _d, ...noDirection } = okRule;
    const s = importInline(['m.json', nsg('n1', [noDirection, { ...okRule, protocol: 'Gre' }, { ...okRule, access: 'Maybe' }, { ...okRule, protocol: 'any', priority: 110 }])]);
    const rules = s.networkSecurityGroups.get(lc(`${N}/networkSecurityGroups/n1`))!.securityRules;
    expect(rules.map((r) => [r.name, r.protocol])).toEqual([['r3', '*']]);
    // `Any` as an address or port means `*` (rule 1.6), never a service tag named Any.
    const any = importInline(['any.json', nsg('n2', [{ ...okRule, sourceAddressPrefix: 'Any', destinationPortRange: 'any' }])]);
    expect(any.networkSecurityGroups.get(lc(`${N}/networkSecurityGroups/n2`))!.securityRules[0]).toMatchObject({ sourceAddressPrefixes: ['*'], destinationPortRanges: ['*'] });
    expect(errors(s).map((d) => [d.code, d.jsonPath])).toEqual([
      ['field.missing', '$.properties.securityRules[0]'],
      ['field.value', '$.properties.securityRules[1].properties.protocol'],
      ['field.value', '$.properties.securityRules[2].properties.access'],
    ]);
  });
});

describe('cidr.invalid, cidr.hostbits, ipv6.unsupported', () => {
  const doc = {
    value: [
      vnet('v1', ['10.0.0.300/24', '10.1.0.0/16', 'fd00::/48'], [
        ['ok', '10.1.1.0/24'],
        ['toolong', '10.1.2.0/33'],
        ['hostbits', '10.1.3.5/24'],
        ['six', 'fd00:0:0:1::/64'],
      ]),
    ],
  };
  const s = importInline(['c.json', doc]);

  it('impossible prefixes are errors and are skipped', () => {
    expect(diags(s, 'cidr.invalid').map(pick)).toEqual([
      { code: 'cidr.invalid', severity: 'error', file: 'c.json', resourceId: vnetId('v1'), jsonPath: '$.value[0].properties.addressSpace.addressPrefixes[0]' },
      { code: 'cidr.invalid', severity: 'error', file: 'c.json', resourceId: `${vnetId('v1')}/subnets/toolong`, jsonPath: '$.value[0].properties.subnets[1].properties.addressPrefix' },
    ]);
    expect(s.virtualNetworks.get(lc(vnetId('v1')))!.addressSpace).toEqual(['10.1.0.0/16']);
    expect(s.subnets.get(lc(`${vnetId('v1')}/subnets/toolong`))!.addressPrefixes).toEqual([]);
  });

  it('host bits in a subnet prefix are a warning; the prefix is kept', () => {
    expect(diags(s, 'cidr.hostbits').map(pick)).toEqual([
      { code: 'cidr.hostbits', severity: 'warning', file: 'c.json', resourceId: `${vnetId('v1')}/subnets/hostbits`, jsonPath: '$.value[0].properties.subnets[2].properties.addressPrefix' },
    ]);
    expect(s.subnets.get(lc(`${vnetId('v1')}/subnets/hostbits`))!.addressPrefixes).toEqual(['10.1.3.5/24']);
  });

  it('IPv6 prefixes are an info and are not modelled', () => {
    expect(diags(s, 'ipv6.unsupported').map(pick)).toEqual([
      { code: 'ipv6.unsupported', severity: 'info', file: 'c.json', resourceId: vnetId('v1'), jsonPath: '$.value[0].properties.addressSpace.addressPrefixes[2]' },
      { code: 'ipv6.unsupported', severity: 'info', file: 'c.json', resourceId: `${vnetId('v1')}/subnets/six`, jsonPath: '$.value[0].properties.subnets[3].properties.addressPrefix' },
    ]);
  });

  it('an NSG rule with an impossible address drops the entry, and the rule when nothing is left', () => {
    const t = importInline(['r.json', nsg('n1', [
      { ...okRule, sourceAddressPrefix: undefined, sourceAddressPrefixes: ['10.0.0.0/8', '300.1.1.1'] },
      { ...okRule, priority: 200, destinationAddressPrefix: '10.0.0.0/40' },
    ])]);
    const rules = t.networkSecurityGroups.get(lc(`${N}/networkSecurityGroups/n1`))!.securityRules;
    expect(rules.map((r) => [r.name, r.sourceAddressPrefixes])).toEqual([['r0', ['10.0.0.0/8']]]);
    expect(errors(t).map((d) => [d.code, d.jsonPath])).toEqual([
      ['cidr.invalid', '$.properties.securityRules[0].properties.sourceAddressPrefixes[1]'],
      ['cidr.invalid', '$.properties.securityRules[1].properties.destinationAddressPrefix'],
      ['field.value', '$.properties.securityRules[1]'],
    ]);
  });
});

describe('port.invalid and priority.invalid', () => {
  it('impossible ports are errors; entries are dropped, a rule with no valid port left is skipped', () => {
    const s = importInline(['p.json', nsg('n1', [
      { ...okRule, destinationPortRange: undefined, destinationPortRanges: ['22', '70000', '20-10', 'abc'] },
      { ...okRule, priority: 200, destinationPortRange: 'abc' },
    ])]);
    const rules = s.networkSecurityGroups.get(lc(`${N}/networkSecurityGroups/n1`))!.securityRules;
    expect(rules.map((r) => [r.name, r.destinationPortRanges])).toEqual([['r0', ['22']]]);
    expect(diags(s, 'port.invalid').map((d) => [d.resourceId, d.jsonPath])).toEqual([
      [`${N}/networkSecurityGroups/n1/securityRules/r0`, '$.properties.securityRules[0].properties.destinationPortRanges[1]'],
      [`${N}/networkSecurityGroups/n1/securityRules/r0`, '$.properties.securityRules[0].properties.destinationPortRanges[2]'],
      [`${N}/networkSecurityGroups/n1/securityRules/r0`, '$.properties.securityRules[0].properties.destinationPortRanges[3]'],
      [`${N}/networkSecurityGroups/n1/securityRules/r1`, '$.properties.securityRules[1].properties.destinationPortRange'],
      [`${N}/networkSecurityGroups/n1/securityRules/r1`, '$.properties.securityRules[1]'],
    ]);
    expect(diags(s, 'port.invalid').every((d) => d.severity === 'error' && d.file === 'p.json')).toBe(true);
  });

  it('custom rule priorities outside 100..4096 are errors (the rule is kept as written)', () => {
    const s = importInline(['q.json', nsg('n1', [{ ...okRule, priority: 50 }, { ...okRule, priority: 4097 }, { ...okRule, priority: 4096 }])]);
    expect(diags(s, 'priority.invalid').map(pick)).toEqual([
      { code: 'priority.invalid', severity: 'error', file: 'q.json', resourceId: `${N}/networkSecurityGroups/n1/securityRules/r0`, jsonPath: '$.properties.securityRules[0].properties.priority' },
      { code: 'priority.invalid', severity: 'error', file: 'q.json', resourceId: `${N}/networkSecurityGroups/n1/securityRules/r1`, jsonPath: '$.properties.securityRules[1].properties.priority' },
    ]);
    expect(s.networkSecurityGroups.get(lc(`${N}/networkSecurityGroups/n1`))!.securityRules).toHaveLength(3);
  });
});

describe('resource.duplicate', () => {
  it('identical copies are merged silently (one info with the count)', () => {
    const s = importInline(['a.json', vnet('v1', ['10.0.0.0/16'])], ['b.json', { value: [vnet('v1', ['10.0.0.0/16'])] }]);
    expect(s.virtualNetworks.size).toBe(1);
    expect(diags(s, 'resource.duplicate')).toEqual([expect.objectContaining({ severity: 'info', message: expect.stringMatching(/^1 resource was read more than once/) })]);
  });

  it('copies with different content: a warning naming both files, and the last one read is kept', () => {
    const s = importInline(['old.json', vnet('v1', ['10.0.0.0/16'])], ['new.json', { value: [vnet('v1', ['10.0.0.0/16', '10.9.0.0/16'])] }]);
    expect(s.virtualNetworks.get(lc(vnetId('v1')))!.addressSpace).toEqual(['10.0.0.0/16', '10.9.0.0/16']);
    const [d] = diags(s, 'resource.duplicate');
    expect(pick(d)).toEqual({ code: 'resource.duplicate', severity: 'warning', file: 'new.json', resourceId: vnetId('v1'), jsonPath: '$.value[0]' });
    expect(d.message).toContain('old.json');
    expect(d.message).toContain('new.json');
    expect(d.message).toContain('keeping the copy read last, from new.json');
  });

  it('a changed parent drops the children only the older copy listed', () => {
    const s = importInline(
      ['old.json', vnet('v1', ['10.0.0.0/16'], [['a', '10.0.1.0/24'], ['b', '10.0.2.0/24']])],
      ['new.json', vnet('v1', ['10.0.0.0/16'], [['a', '10.0.1.0/24']], { enableDdosProtection: true, dhcpOptions: {} })],
    );
    // The VNet's own fields did not change, but its subnet list did.
    expect(diags(s, 'resource.duplicate', 'warning')).toHaveLength(1);
    expect(s.virtualNetworks.get(lc(vnetId('v1')))!.subnetIds).toEqual([lc(`${vnetId('v1')}/subnets/a`)]);
    expect(s.subnets.has(lc(`${vnetId('v1')}/subnets/b`))).toBe(false);
  });

  it('the same resource from REST and from az CLI counts as identical (the model is compared)', () => {
    const s = importDocuments([...fixtureDocs('rest'), ...fixtureDocs('az-cli')]);
    expect(diags(s, 'resource.duplicate', 'warning')).toEqual([]);
    expect(diags(s, 'resource.duplicate', 'info')).toHaveLength(1);
  });
});

describe('ref.dangling (through the importer)', () => {
  const S = '/subscriptions/s1/resourceGroups/rg/providers';
  const docs = {
    value: [
      {
        id: `${N}/virtualNetworks/v1`,
        type: 'Microsoft.Network/virtualNetworks',
        properties: {
          addressSpace: { addressPrefixes: ['10.0.0.0/16'] },
          subnets: [{ id: `${N}/virtualNetworks/v1/subnets/s1`, name: 's1', properties: { addressPrefix: '10.0.1.0/24', networkSecurityGroup: { id: `${N}/networkSecurityGroups/gone` }, routeTable: { id: `${N}/routeTables/gone` }, natGateway: { id: `${N}/natGateways/gone` } } }],
          virtualNetworkPeerings: [{ id: `${N}/virtualNetworks/v1/virtualNetworkPeerings/p1`, name: 'p1', properties: { remoteVirtualNetwork: { id: `${N}/virtualNetworks/remote` }, remoteAddressSpace: { addressPrefixes: ['10.5.0.0/16'] }, peeringState: 'Connected' } }],
        },
      },
      {
        id: `${N}/networkInterfaces/nic1`,
        type: 'Microsoft.Network/networkInterfaces',
        properties: {
          networkSecurityGroup: { id: `${N}/networkSecurityGroups/gone` },
          ipConfigurations: [{ id: `${N}/networkInterfaces/nic1/ipConfigurations/c1`, name: 'c1', properties: { subnet: { id: `${N}/virtualNetworks/v1/subnets/missing` }, publicIPAddress: { id: `${N}/publicIPAddresses/gone` }, applicationSecurityGroups: [{ id: `${N}/applicationSecurityGroups/gone` }] } }],
        },
      },
      { id: `${N}/privateEndpoints/pe1`, type: 'Microsoft.Network/privateEndpoints', properties: { subnet: { id: `${N}/virtualNetworks/v9/subnets/s` } } },
      { id: `${S}/Microsoft.Compute/virtualMachines/vm1`, type: 'Microsoft.Compute/virtualMachines', properties: { networkProfile: { networkInterfaces: [{ id: `${N}/networkInterfaces/nic1` }, { id: `${N}/networkInterfaces/gone` }] } } },
      { id: `${N}/azureFirewalls/fw1`, type: 'Microsoft.Network/azureFirewalls', properties: { firewallPolicy: { id: `${N}/firewallPolicies/gone` } } },
      { id: `${N}/firewallPolicies/child`, type: 'Microsoft.Network/firewallPolicies', properties: { basePolicy: { id: `${N}/firewallPolicies/parent` } } },
      { id: `${S}/Microsoft.Storage/storageAccounts/sa1`, type: 'Microsoft.Storage/storageAccounts', properties: { networkAcls: { defaultAction: 'Deny', bypass: 'Logging, Metrics, AzureServices', virtualNetworkRules: [{ id: `${N}/virtualNetworks/v1/subnets/s1` }, { virtualNetworkResourceId: `${N}/virtualNetworks/v7/subnets/x`, action: 'Allow' }] } } },
    ],
  };
  const s = importInline(['refs.json', docs]);
  const dangling = diags(s, 'ref.dangling');

  it('every dangling reference is a warning naming the referrer, the file and the field', () => {
    expect(dangling.every((d) => d.severity === 'warning' && d.file === 'refs.json')).toBe(true);
    expect(dangling.map((d) => [d.resourceId, d.jsonPath])).toEqual([
      [`${N}/virtualNetworks/v1/subnets/s1`, '$.value[0].properties.subnets[0].properties.networkSecurityGroup.id'],
      [`${N}/virtualNetworks/v1/subnets/s1`, '$.value[0].properties.subnets[0].properties.routeTable.id'],
      [`${N}/virtualNetworks/v1/subnets/s1`, '$.value[0].properties.subnets[0].properties.natGateway.id'],
      [`${N}/virtualNetworks/v1/virtualNetworkPeerings/p1`, '$.value[0].properties.virtualNetworkPeerings[0].properties.remoteVirtualNetwork.id'],
      [`${N}/networkInterfaces/nic1`, '$.value[1].properties.networkSecurityGroup.id'],
      [`${N}/networkInterfaces/nic1`, '$.value[1].properties.ipConfigurations[0].properties.subnet.id'],
      [`${N}/networkInterfaces/nic1`, '$.value[1].properties.ipConfigurations[0].properties.publicIPAddress.id'],
      [`${N}/networkInterfaces/nic1`, '$.value[1].properties.ipConfigurations[0].properties.applicationSecurityGroups[0].id'],
      [`${N}/azureFirewalls/fw1`, '$.value[4].properties.firewallPolicy.id'],
      [`${N}/firewallPolicies/child`, '$.value[5].properties.basePolicy.id'],
      [`${N}/privateEndpoints/pe1`, '$.value[2].properties.subnet.id'],
      [`${S}/Microsoft.Storage/storageAccounts/sa1`, '$.value[6].properties.networkAcls.virtualNetworkRules[1].id'],
      [`${S}/Microsoft.Compute/virtualMachines/vm1`, '$.value[3].properties.networkProfile.networkInterfaces[1].id'],
    ]);
  });

  it('the peering warning says the remote address space is used instead', () => {
    expect(dangling[3].message).toContain('remoteAddressSpace (10.5.0.0/16)');
  });

  it('storage bypass is split from its comma list', () => {
    expect([...s.storageAccounts.values()][0].networkAcls).toMatchObject({ defaultAction: 'Deny', bypass: ['Logging', 'Metrics', 'AzureServices'] });
  });
});

describe('address.overlap, subnet.outside, subnet.overlap', () => {
  it('unpeered overlapping VNets: one warning naming them', () => {
    const s = importInline(['o.json', [vnet('a', ['10.0.0.0/16']), vnet('b', ['10.0.128.0/17']), vnet('c', ['10.1.0.0/16'])]]);
    const o = diags(s, 'address.overlap');
    expect(o.map(pick)).toEqual([{ code: 'address.overlap', severity: 'warning', file: 'o.json', resourceId: vnetId('a'), jsonPath: '$[0].properties.addressSpace.addressPrefixes' }]);
    expect(o[0].message).toContain('a (10.0.0.0/16), b (10.0.128.0/17)');
    expect(o[0].message).not.toContain('c (');
  });

  it('peered overlapping VNets: an error (rule 8.3)', () => {
    const peer = { virtualNetworkPeerings: [{ id: `${vnetId('a')}/virtualNetworkPeerings/to-b`, name: 'to-b', properties: { remoteVirtualNetwork: { id: vnetId('b') }, peeringState: 'Connected' } }] };
    const s = importInline(['p.json', [vnet('a', ['10.0.0.0/16'], [], peer), vnet('b', ['10.0.0.0/24'])]]);
    expect(diags(s, 'address.overlap', 'error').map(pick)).toEqual([
      { code: 'address.overlap', severity: 'error', file: 'p.json', resourceId: `${vnetId('a')}/virtualNetworkPeerings/to-b`, jsonPath: '$[0].properties.virtualNetworkPeerings[0]' },
    ]);
  });

  it('a subnet outside its VNet and two overlapping subnets are errors', () => {
    const s = importInline(['s.json', vnet('a', ['10.0.0.0/16'], [['in', '10.0.1.0/24'], ['out', '10.9.0.0/24'], ['dup', '10.0.1.128/25']])]);
    expect(diags(s, 'subnet.outside').map(pick)).toEqual([
      { code: 'subnet.outside', severity: 'error', file: 's.json', resourceId: `${vnetId('a')}/subnets/out`, jsonPath: '$.properties.subnets[1].properties.addressPrefix' },
    ]);
    expect(diags(s, 'subnet.overlap').map(pick)).toEqual([
      { code: 'subnet.overlap', severity: 'error', file: 's.json', resourceId: `${vnetId('a')}/subnets/dup`, jsonPath: '$.properties.subnets[2].properties.addressPrefix' },
    ]);
    expect(diags(s, 'subnet.overlap')[0].message).toContain('in (10.0.1.0/24) and dup (10.0.1.128/25)');
  });
});

describe('every diagnostic says where and how to fix it', () => {
  it('has a code, a severity, a message and a hint; file and path when it is about a file', () => {
    const bad = {
      value: [
        vnet('v1', ['10.0.0.300/24', 'fd00::/48', '10.1.0.0/16'], [['a', '10.1.0.5/24'], ['b', '10.9.0.0/33'], ['c', '10.2.0.0/24']]),
        nsg('n1', [{ ...okRule, priority: '100' }, { ...okRule, priority: 50, destinationPortRange: '70000' }, { ...okRule, protocol: 'Gre', priority: 300 }]),
        { id: `${N}/routeTables/rt`, type: 'Microsoft.Network/routeTables', properties: { routes: [{ name: 'r', properties: { addressPrefix: '10.0.0.1/8', nextHopType: 'VirtualAppliance' } }] } },
        { id: `${N}/networkInterfaces/x`, type: 'Microsoft.Network/networkInterfaces', properties: { enableIPForwarding: 'maybe', ipConfigurations: [{ name: 'c', properties: { privateIPAddress: '10.0.0.4/28', subnet: { id: `${N}/virtualNetworks/zz/subnets/s` } } }] } },
        { foo: 1 },
      ],
    };
    const s = importInline(['bad.json', bad], ['worse.json', '{"value": ['], ['dup.json', vnet('v1', ['10.0.0.0/8'])]);
    expect(new Set(s.diagnostics.map((d) => d.code)).size).toBeGreaterThanOrEqual(12);
    for (const d of s.diagnostics) {
      expect(d.hint, `${d.code}: ${d.message}`).toBeTruthy();
      expect(d.message.length).toBeGreaterThan(10);
      if (d.code !== 'nsg.defaultRulesAdded' && d.code !== 'input.empty') expect(d.file, d.code).toBeTruthy();
      if (d.file && d.code !== 'json.malformed') expect(d.jsonPath, d.code).toMatch(/^\$/);
    }
  });
});

describe('no exception escapes for bad input', () => {
  const template = fixtureDocs('rest').map((d) => JSON.parse(d.text) as unknown);

  it('arbitrary JSON values and arbitrary text', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'), fc.string())), (texts) => {
        const session = createImportSession();
        texts.forEach((t, i) => session.addDocument(`f${i}.json`, t));
        const s = session.finish();
        expect(diags(s, 'internal.error')).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('real resources with random fields replaced by random values', () => {
    const paths: (string | number)[][] = [];
    const collect = (v: unknown, p: (string | number)[]) => {
      if (p.length > 0) paths.push(p);
      if (Array.isArray(v)) v.forEach((x, i) => collect(x, [...p, i]));
      else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) collect(x, [...p, k]);
    };
    template.forEach((doc, i) => collect(doc, [i]));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: paths.length - 1 }), fc.jsonValue()), { minLength: 1, maxLength: 8 }), (edits) => {
        const docs = structuredClone(template) as unknown[];
        for (const [at, value] of edits) {
          const p = paths[at];
          let target: unknown = docs;
          for (const key of p.slice(0, -1)) target = target === null || typeof target !== 'object' ? undefined : (target as Record<string | number, unknown>)[key];
          if (target !== null && typeof target === 'object') (target as Record<string | number, unknown>)[p[p.length - 1]] = value;
        }
        const s = importDocuments(docs.map((d, i) => ({ file: `f${i}.json`, text: JSON.stringify(d) })));
        expect(diags(s, 'internal.error')).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
