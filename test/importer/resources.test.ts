// Resource types the corpus covers thinly: storage (REST and az CLI), VMs, firewall policies with
// rule collection groups, application gateways, NAT gateways, and the back-references the
// importer fills when the session finishes.

import { describe, expect, it } from 'vitest';
import { diags, errors, importInline, lc } from './helpers.ts';

const S = '/subscriptions/s1/resourceGroups/rg/providers';
const N = `${S}/Microsoft.Network`;
const subnet = `${N}/virtualNetworks/v1/subnets/app`;
const vnet = {
  id: `${N}/virtualNetworks/v1`,
  type: 'Microsoft.Network/virtualNetworks',
  properties: {
    addressSpace: { addressPrefixes: ['10.0.0.0/16'] },
    subnets: [{ id: subnet, name: 'app', properties: { addressPrefix: '10.0.1.0/24', natGateway: { id: `${N}/natGateways/ng` } } }],
  },
};

describe('storage accounts', () => {
  const rest = {
    id: `${S}/Microsoft.Storage/storageAccounts/st1`,
    name: 'st1',
    type: 'Microsoft.Storage/storageAccounts',
    properties: {
      publicNetworkAccess: 'Enabled',
      networkAcls: {
        bypass: 'Logging, Metrics, AzureServices',
        defaultAction: 'Deny',
        ipRules: [{ value: '203.0.113.0/24', action: 'Allow' }, { value: '198.51.100.7', action: 'Allow' }],
        virtualNetworkRules: [{ id: subnet, action: 'Allow', state: 'Succeeded' }],
      },
    },
  };
  // `az storage account show`: flattened, `networkRuleSet`, `ipAddressOrRange`, `virtualNetworkResourceId`.
  const azCli = {
    id: `${S}/Microsoft.Storage/storageAccounts/st1`,
    name: 'st1',
    type: 'Microsoft.Storage/storageAccounts',
    resourceGroup: 'rg',
    publicNetworkAccess: 'Enabled',
    networkRuleSet: {
      bypass: 'Logging, Metrics, AzureServices',
      defaultAction: 'Deny',
      ipRules: [{ ipAddressOrRange: '203.0.113.0/24', action: 'Allow' }, { ipAddressOrRange: '198.51.100.7', action: 'Allow' }],
      virtualNetworkRules: [{ virtualNetworkResourceId: subnet.toUpperCase(), action: 'Allow', state: 'Succeeded' }],
      resourceAccessRules: null,
    },
  };

  it('REST and az CLI give the same firewall model', () => {
    const a = importInline(['rest.json', { value: [vnet, rest] }]);
    const b = importInline(['cli.json', [vnet, azCli]]);
    const sa = a.storageAccounts.get(lc(rest.id))!;
    expect(sa.publicNetworkAccess).toBe('Enabled');
    expect(sa.networkAcls).toEqual({
      defaultAction: 'Deny',
      bypass: ['Logging', 'Metrics', 'AzureServices'],
      ipRules: [{ value: '203.0.113.0/24', action: 'Allow' }, { value: '198.51.100.7', action: 'Allow' }],
      virtualNetworkRules: [{ subnetId: lc(subnet), action: 'Allow', state: 'Succeeded' }],
    });
    expect(b.storageAccounts.get(lc(rest.id))!.networkAcls).toEqual(sa.networkAcls);
    // The vnet rule's subnet is in the input (mixed case in the az CLI copy): nothing dangles from st1.
    expect(diags(a, 'ref.dangling').filter((d) => d.resourceId === rest.id)).toEqual([]);
    expect(diags(b, 'ref.dangling').filter((d) => d.resourceId === rest.id)).toEqual([]);
  });

  it('an invalid IP rule is reported and skipped', () => {
    const bad = structuredClone(rest);
    bad.properties.networkAcls.ipRules.push({ value: '300.1.1.1', action: 'Allow' });
    const s = importInline(['bad.json', bad]);
    expect(s.storageAccounts.get(lc(rest.id))!.networkAcls.ipRules).toHaveLength(2);
    expect(diags(s, 'cidr.invalid').map((d) => d.jsonPath)).toEqual(['$.properties.networkAcls.ipRules[2].value']);
  });
});

describe('virtual machines and back-references', () => {
  const nic = (name: string, extra: Record<string, unknown> = {}) => ({
    id: `${N}/networkInterfaces/${name}`,
    type: 'Microsoft.Network/networkInterfaces',
    properties: {
      ipConfigurations: [{ id: `${N}/networkInterfaces/${name}/ipConfigurations/c1`, name: 'c1', properties: { privateIPAddress: '10.0.1.4', subnet: { id: subnet }, ...extra } }],
    },
  });
  const vm = {
    id: `${S}/Microsoft.Compute/virtualMachines/vm1`,
    name: 'vm1',
    type: 'Microsoft.Compute/virtualMachines',
    properties: {
      storageProfile: { osDisk: { osType: 'Linux' } },
      networkProfile: { networkInterfaces: [{ id: `${N}/networkInterfaces/a`, properties: { primary: false } }, { id: `${N}/networkInterfaces/b`, properties: { primary: true } }] },
    },
  };
  const pip = { id: `${N}/publicIPAddresses/p1`, type: 'Microsoft.Network/publicIPAddresses', sku: { name: 'Standard' }, properties: { ipAddress: '20.1.2.3' } };
  const nat = { id: `${N}/natGateways/ng`, type: 'Microsoft.Network/natGateways', sku: { name: 'Standard' }, properties: { publicIpAddresses: [{ id: pip.id }] } };
  const pe = {
    id: `${N}/privateEndpoints/pe1`,
    type: 'Microsoft.Network/privateEndpoints',
    properties: { subnet: { id: subnet }, networkInterfaces: [{ id: `${N}/networkInterfaces/pe-nic` }], privateLinkServiceConnections: [] },
  };
  const s = importInline(['estate.json', { value: [vnet, vm, nic('a', { publicIPAddress: { id: pip.id } }), nic('b'), nic('pe-nic'), pip, nat, pe] }]);

  it('VM NICs keep their primary flags; NICs learn their VM', () => {
    const v = s.virtualMachines.get(lc(vm.id))!;
    expect(v.osType).toBe('Linux');
    expect(v.nics).toEqual([
      { id: lc(`${N}/networkInterfaces/a`), primary: false },
      { id: lc(`${N}/networkInterfaces/b`), primary: true },
    ]);
    expect(s.networkInterfaces.get(lc(`${N}/networkInterfaces/b`))!.vmId).toBe(lc(vm.id));
  });

  it('VM NIC references: every shape gives the same list, and unusual values are still reported', () => {
    const ref = (name: string, extra: Record<string, unknown> = {}) => ({ id: `${N}/networkInterfaces/${name}`, ...extra });
    const read = (networkProfile: unknown, storageProfile: unknown = { osDisk: { osType: 'Linux' } }) => {
      const snap = importInline(['vm.json', { value: [{ ...vm, properties: { storageProfile, networkProfile } }] }]);
      return { v: snap.virtualMachines.get(lc(vm.id))!, snap };
    };
    const want = [
      { id: lc(`${N}/networkInterfaces/a`), primary: false },
      { id: lc(`${N}/networkInterfaces/b`), primary: true },
    ];
    // REST (primary under properties), flattened (primary beside the id), a null entry skipped.
    expect(read({ networkInterfaces: [ref('a', { properties: { primary: false } }), ref('b', { properties: { primary: true } })] }).v.nics).toEqual(want);
    expect(read({ networkInterfaces: [ref('a', { primary: false }), null, ref('b', { primary: true })] }).v.nics).toEqual(want);
    // No flag at all: the first is primary.
    expect(read({ networkInterfaces: [ref('a'), ref('b')] }).v.nics).toEqual([
      { id: lc(`${N}/networkInterfaces/a`), primary: true },
      { id: lc(`${N}/networkInterfaces/b`), primary: false },
    ]);
    expect(read(undefined).v.nics).toEqual([]);
    expect(read({ networkInterfaces: null }).v.nics).toEqual([]);
    // A string flag is read with a warning, an entry without an id is skipped with an error.
    const odd = read({ networkInterfaces: [ref('a', { properties: { primary: 'false' } }), { properties: { primary: true } }, ref('b', { properties: { primary: true } })] });
    expect(odd.v.nics).toEqual(want);
    expect(diags(odd.snap, 'field.type').map((d) => d.jsonPath)).toEqual(['$.value[0].properties.networkProfile.networkInterfaces[0].properties.primary']);
    expect(diags(odd.snap, 'field.missing').map((d) => d.jsonPath)).toEqual(['$.value[0].properties.networkProfile.networkInterfaces[1]']);
    // osType: plain, nested under properties, or not a string (read as text with a warning).
    expect(read(undefined, { properties: { osDisk: { osType: 'Windows' } } }).v.osType).toBe('Windows');
    const numeric = read(undefined, { osDisk: { osType: 7 } });
    expect(numeric.v.osType).toBe('7');
    expect(diags(numeric.snap, 'field.type')).toHaveLength(1);
  });

  it('public IP, NAT gateway and private endpoint back-references', () => {
    expect(s.publicIpAddresses.get(lc(pip.id))!.ipConfigurationId).toBe(lc(`${N}/networkInterfaces/a/ipConfigurations/c1`));
    expect(s.natGateways.get(lc(nat.id))!.subnetIds).toEqual([lc(subnet)]);
    expect(s.networkInterfaces.get(lc(`${N}/networkInterfaces/pe-nic`))!.privateEndpointId).toBe(lc(pe.id));
    expect(errors(s)).toEqual([]);
    expect(diags(s, 'ref.dangling')).toEqual([]);
  });
});

describe('firewall policies', () => {
  const policy = `${N}/firewallPolicies/child`;
  const docs = {
    value: [
      {
        id: policy,
        type: 'Microsoft.Network/firewallPolicies',
        properties: {
          basePolicy: { id: `${N}/firewallPolicies/base` },
          threatIntelMode: 'Deny',
          ruleCollectionGroups: [{ id: `${policy}/ruleCollectionGroups/dnat` }, { id: `${policy}/ruleCollectionGroups/net` }],
        },
      },
      { id: `${N}/firewallPolicies/base`, type: 'Microsoft.Network/firewallPolicies', properties: {} },
      {
        id: `${policy}/ruleCollectionGroups/dnat`,
        type: 'Microsoft.Network/firewallPolicies/ruleCollectionGroups',
        properties: {
          priority: 100,
          ruleCollections: [
            {
              ruleCollectionType: 'FirewallPolicyNatRuleCollection',
              name: 'inbound',
              priority: 100,
              action: { type: 'DNAT' },
              rules: [{ ruleType: 'NatRule', name: 'rdp', ipProtocols: ['TCP'], sourceAddresses: ['*'], destinationAddresses: ['20.1.2.3'], destinationPorts: ['3389'], translatedAddress: '10.0.1.4', translatedPort: '3389' }],
            },
          ],
        },
      },
      {
        id: `${policy}/ruleCollectionGroups/net`,
        type: 'Microsoft.Network/firewallPolicies/ruleCollectionGroups',
        properties: {
          priority: 200,
          ruleCollections: [
            {
              ruleCollectionType: 'FirewallPolicyFilterRuleCollection',
              name: 'web',
              priority: 300,
              action: { type: 'Allow' },
              rules: [
                { ruleType: 'ApplicationRule', name: 'github', protocols: [{ protocolType: 'Https' }, { protocolType: 'Http', port: 8080 }], sourceIpGroups: [`${N}/ipGroups/IG1`], targetFqdns: ['github.com'] },
              ],
            },
            { ruleCollectionType: 'FirewallPolicyFilterRuleCollection', name: 'no-priority', action: { type: 'Deny' }, rules: [] },
          ],
        },
      },
      { id: `${N}/ipGroups/ig1`, type: 'Microsoft.Network/ipGroups', properties: { ipAddresses: ['10.0.0.0/24', '10.1.0.1-10.1.0.9'] } },
    ],
  };
  const s = importInline(['fw.json', docs]);

  it('groups join their policy, collections and rules are typed', () => {
    const p = s.firewallPolicies.get(lc(policy))!;
    expect(p.basePolicyId).toBe(lc(`${N}/firewallPolicies/base`));
    expect(p.ruleCollectionGroupIds).toEqual([lc(`${policy}/ruleCollectionGroups/dnat`), lc(`${policy}/ruleCollectionGroups/net`)]);
    const dnat = s.firewallPolicyRuleCollectionGroups.get(lc(`${policy}/ruleCollectionGroups/dnat`))!;
    expect(dnat.ruleCollections[0]).toMatchObject({ ruleType: 'nat', action: 'Dnat', rules: [{ kind: 'nat', protocols: ['TCP'], translatedAddress: '10.0.1.4' }] });
    const net = s.firewallPolicyRuleCollectionGroups.get(lc(`${policy}/ruleCollectionGroups/net`))!;
    expect(net.ruleCollections).toHaveLength(1);
    expect(net.ruleCollections[0]).toMatchObject({
      ruleType: 'application',
      rules: [{ kind: 'application', protocols: [{ protocolType: 'Https', port: 443 }, { protocolType: 'Http', port: 8080 }], sourceIpGroupIds: [lc(`${N}/ipGroups/ig1`)] }],
    });
    expect(s.ipGroups.get(lc(`${N}/ipGroups/ig1`))!.ipAddresses).toEqual(['10.0.0.0/24', '10.1.0.1-10.1.0.9']);
  });

  it('a collection without priority is skipped with an error; nothing dangles', () => {
    expect(errors(s).map((d) => [d.code, d.jsonPath])).toEqual([['field.missing', '$.value[3].properties.ruleCollections[1]']]);
    expect(diags(s, 'ref.dangling')).toEqual([]);
  });
});

describe('application gateways', () => {
  const gw = `${N}/applicationGateways/agw`;
  const s = importInline(['agw.json', {
    id: gw,
    type: 'Microsoft.Network/applicationGateways',
    properties: {
      sku: { name: 'WAF_v2', tier: 'WAF_v2' },
      gatewayIPConfigurations: [{ id: `${gw}/gatewayIPConfigurations/gwip`, name: 'gwip', properties: { subnet: { id: `${N}/virtualNetworks/v1/subnets/agw` } } }],
      frontendIPConfigurations: [{ id: `${gw}/frontendIPConfigurations/pub`, name: 'pub', properties: { publicIPAddress: { id: `${N}/publicIPAddresses/agw-pip` } } }],
      frontendPorts: [{ id: `${gw}/frontendPorts/p443`, name: 'p443', properties: { port: 443 } }],
      httpListeners: [{ id: `${gw}/httpListeners/l1`, name: 'l1', properties: { frontendIPConfiguration: { id: `${gw}/frontendIPConfigurations/pub` }, frontendPort: { id: `${gw}/frontendPorts/p443` }, protocol: 'Https', hostName: 'app.contoso.com' } }],
      backendAddressPools: [{ id: `${gw}/backendAddressPools/b1`, name: 'b1', properties: { backendAddresses: [{ ipAddress: '10.0.1.4' }, { fqdn: 'app.internal' }] } }],
      backendHttpSettingsCollection: [{ id: `${gw}/backendHttpSettingsCollection/s1`, name: 's1', properties: { port: 8080, protocol: 'Http' } }],
      requestRoutingRules: [{ id: `${gw}/requestRoutingRules/r1`, name: 'r1', properties: { priority: 10, httpListener: { id: `${gw}/httpListeners/l1` }, backendAddressPool: { id: `${gw}/backendAddressPools/b1` }, backendHttpSettings: { id: `${gw}/backendHttpSettingsCollection/s1` } } }],
    },
  }]);

  it('reads subnet, frontends, listeners, pools, settings and routing rules', () => {
    const a = s.applicationGateways.get(lc(gw))!;
    expect(a.sku).toBe('WAF_v2');
    expect(a.subnetId).toBe(lc(`${N}/virtualNetworks/v1/subnets/agw`));
    expect(a.frontends[0].publicIpId).toBe(lc(`${N}/publicIPAddresses/agw-pip`));
    expect(a.frontendPorts).toEqual([{ id: lc(`${gw}/frontendPorts/p443`), name: 'p443', port: 443 }]);
    expect(a.listeners[0]).toMatchObject({ protocol: 'Https', hostNames: ['app.contoso.com'], frontendPortId: lc(`${gw}/frontendPorts/p443`) });
    expect(a.backendPools[0].addresses).toEqual([{ ipAddress: '10.0.1.4', fqdn: undefined }, { ipAddress: undefined, fqdn: 'app.internal' }]);
    expect(a.backendHttpSettings).toEqual([{ id: lc(`${gw}/backendHttpSettingsCollection/s1`), name: 's1', port: 8080, protocol: 'Http' }]);
    expect(a.requestRoutingRules[0]).toMatchObject({ priority: 10, listenerId: lc(`${gw}/httpListeners/l1`), backendPoolId: lc(`${gw}/backendAddressPools/b1`) });
    expect(diags(s, 'ref.dangling').map((d) => d.jsonPath)).toEqual(['$.properties.gatewayIPConfigurations[0].properties.subnet.id']);
  });
});
