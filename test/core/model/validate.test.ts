// validateSnapshot on hand-built snapshots (no importer): references, overlaps, subnet checks.

import { describe, expect, it } from 'vitest';
import { buildDefaultSecurityRules, createSnapshot } from '../../../core/model/index.ts';
import type {
  FirewallPolicyRuleCollectionGroup,
  NetworkInterface,
  NetworkSecurityGroup,
  Snapshot,
  SourceLocation,
  Subnet,
  VirtualNetwork,
  VirtualNetworkPeering,
} from '../../../core/model/index.ts';
import { validateSnapshot } from '../../../core/model/validate.ts';

const P = '/subscriptions/s/resourcegroups/rg/providers/microsoft.network';
const src = (jsonPath: string, flattened = false): SourceLocation => (flattened ? { file: 'f.json', jsonPath, flattened } : { file: 'f.json', jsonPath });

function vnet(name: string, addressSpace: string[], source?: SourceLocation): VirtualNetwork {
  const id = `${P}/virtualnetworks/${name}`;
  return { kind: 'virtualNetwork', id, displayId: id, name, tags: {}, addressSpace, subnetIds: [], peeringIds: [], source };
}

function subnet(vnetName: string, name: string, addressPrefixes: string[], extra: Partial<Subnet> = {}): Subnet {
  const vnetId = `${P}/virtualnetworks/${vnetName}`;
  const id = `${vnetId}/subnets/${name}`;
  return { kind: 'subnet', id, displayId: id, name, tags: {}, vnetId, addressPrefixes, serviceEndpoints: [], privateEndpointNetworkPolicies: 'Disabled', delegations: [], ...extra };
}

function peering(from: string, to: string, remoteAddressSpace: string[] = [], source?: SourceLocation): VirtualNetworkPeering {
  const vnetId = `${P}/virtualnetworks/${from}`;
  const id = `${vnetId}/virtualnetworkpeerings/to-${to}`;
  return {
    kind: 'peering', id, displayId: id, name: `to-${to}`, tags: {}, vnetId, remoteVnetId: `${P}/virtualnetworks/${to}`, remoteAddressSpace,
    allowVirtualNetworkAccess: true, allowForwardedTraffic: false, allowGatewayTransit: false, useRemoteGateways: false, peeringState: 'Connected', source,
  };
}

function snap(...items: (VirtualNetwork | Subnet | VirtualNetworkPeering | NetworkInterface | NetworkSecurityGroup | FirewallPolicyRuleCollectionGroup)[]): Snapshot {
  const s = createSnapshot();
  for (const r of items) {
    if (r.kind === 'virtualNetwork') s.virtualNetworks.set(r.id, r);
    else if (r.kind === 'subnet') s.subnets.set(r.id, r);
    else if (r.kind === 'peering') s.peerings.set(r.id, r);
    else if (r.kind === 'networkInterface') s.networkInterfaces.set(r.id, r);
    else if (r.kind === 'networkSecurityGroup') s.networkSecurityGroups.set(r.id, r);
    else s.firewallPolicyRuleCollectionGroups.set(r.id, r);
  }
  return s;
}

describe('validateSnapshot', () => {
  it('a consistent snapshot has no diagnostics, and validation does not modify it', () => {
    const s = snap(vnet('a', ['10.0.0.0/16']), subnet('a', 's1', ['10.0.1.0/24']), subnet('a', 's2', ['10.0.2.0/24']), vnet('b', ['10.1.0.0/16']), peering('a', 'b'), peering('b', 'a'));
    const before = structuredClone(s);
    expect(validateSnapshot(s)).toEqual([]);
    expect(s).toEqual(before);
  });

  it('subnet references: VNet, NSG, route table, NAT gateway; the path follows the shape', () => {
    const rest = subnet('a', 'rest', ['10.0.1.0/24'], { nsgId: `${P}/networksecuritygroups/n`, source: src('$.value[0].properties.subnets[0]') });
    const flat = subnet('a', 'flat', ['10.0.2.0/24'], { routeTableId: `${P}/routetables/r`, natGatewayId: `${P}/natgateways/g`, source: src('$[0].subnets[1]', true) });
    const lone = subnet('zzz', 'lone', ['10.9.0.0/24']);
    const d = validateSnapshot(snap(vnet('a', ['10.0.0.0/16']), rest, flat, lone));
    expect(d.map((x) => [x.code, x.severity, x.resourceId, x.jsonPath, x.file])).toEqual([
      ['ref.dangling', 'warning', rest.id, '$.value[0].properties.subnets[0].properties.networkSecurityGroup.id', 'f.json'],
      ['ref.dangling', 'warning', flat.id, '$[0].subnets[1].routeTable.id', 'f.json'],
      ['ref.dangling', 'warning', flat.id, '$[0].subnets[1].natGateway.id', 'f.json'],
      ['ref.dangling', 'warning', lone.id, undefined, undefined],
    ]);
    expect(d[3].message).toContain('belongs to virtual network');
  });

  it('NIC references: subnet, NSG, public IP, ASG, load balancer and app gateway pools', () => {
    const nicId = `${P}/networkinterfaces/n1`;
    const lb = `${P}/loadbalancers/lb1`;
    const nic: NetworkInterface = {
      kind: 'networkInterface', id: nicId, displayId: nicId, name: 'n1', tags: {}, enableIpForwarding: false, nsgId: `${P}/networksecuritygroups/x`,
      source: src('$.value[2]'),
      ipConfigurations: [{
        id: `${nicId}/ipconfigurations/c`, displayId: `${nicId}/ipconfigurations/c`, name: 'c', nicId, primary: true,
        subnetId: `${P}/virtualnetworks/a/subnets/s1`, publicIpId: `${P}/publicipaddresses/p`, asgIds: [`${P}/applicationsecuritygroups/g`],
        loadBalancerBackendPoolIds: [`${lb}/backendaddresspools/pool`], loadBalancerInboundNatRuleIds: [], applicationGatewayBackendPoolIds: [`${P}/applicationgateways/agw/backendaddresspools/p`],
        source: src('$.value[2].properties.ipConfigurations[0]'),
      }],
    };
    const s = snap(vnet('a', ['10.0.0.0/16']), subnet('a', 's1', ['10.0.1.0/24']), nic);
    expect(validateSnapshot(s).map((x) => x.jsonPath)).toEqual([
      '$.value[2].properties.networkSecurityGroup.id',
      '$.value[2].properties.ipConfigurations[0].properties.publicIPAddress.id',
      '$.value[2].properties.ipConfigurations[0].properties.applicationSecurityGroups[0].id',
      '$.value[2].properties.ipConfigurations[0].properties.loadBalancerBackendAddressPools[0].id',
      '$.value[2].properties.ipConfigurations[0].properties.applicationGatewayBackendAddressPools[0].id',
    ]);
    // A pool of a load balancer that is present is not dangling.
    s.loadBalancers.set(lb, { kind: 'loadBalancer', id: lb, displayId: lb, name: 'lb1', tags: {}, sku: 'Standard', frontends: [], backendPools: [], loadBalancingRules: [], inboundNatRules: [], outboundRules: [] });
    expect(validateSnapshot(s)).toHaveLength(4);
  });

  it('NSG rules referring to missing ASGs', () => {
    const nsgId = `${P}/networksecuritygroups/n`;
    const nsg: NetworkSecurityGroup = { kind: 'networkSecurityGroup', id: nsgId, displayId: nsgId, name: 'n', tags: {}, securityRules: [], defaultSecurityRules: buildDefaultSecurityRules(nsgId, nsgId) };
    nsg.securityRules.push({ ...nsg.defaultSecurityRules[0], id: `${nsgId}/securityrules/r`, displayId: `${nsgId}/securityrules/r`, name: 'r', collection: 'securityRules', priority: 100, sourceAsgIds: [`${P}/applicationsecuritygroups/web`], source: src('$.properties.securityRules[0]') });
    const [d] = validateSnapshot(snap(nsg));
    expect(d).toMatchObject({ code: 'ref.dangling', resourceId: `${nsgId}/securityrules/r`, jsonPath: '$.properties.securityRules[0].properties.sourceApplicationSecurityGroups[0].id' });
  });

  it('a peering whose remote VNet is missing: warning; says whether remoteAddressSpace stands in', () => {
    const withSpace = validateSnapshot(snap(vnet('a', ['10.0.0.0/16']), peering('a', 'b', ['10.1.0.0/16'])));
    expect(withSpace).toEqual([expect.objectContaining({ code: 'ref.dangling', severity: 'warning', message: expect.stringContaining('remoteAddressSpace (10.1.0.0/16)') })]);
    const without = validateSnapshot(snap(vnet('a', ['10.0.0.0/16']), peering('a', 'b')));
    expect(without[0].message).toContain('remote side is unknown');
  });

  it('peered VNets that overlap are an error, once per pair; the recorded remote space counts too', () => {
    const both = validateSnapshot(snap(vnet('a', ['10.0.0.0/16']), vnet('b', ['10.0.5.0/24']), peering('a', 'b', [], src('$[9]')), peering('b', 'a')));
    const errs = both.filter((x) => x.severity === 'error');
    expect(errs).toEqual([expect.objectContaining({ code: 'address.overlap', resourceId: `${P}/virtualnetworks/a/virtualnetworkpeerings/to-b`, jsonPath: '$[9]' })]);
    expect(errs[0].message).toContain('10.0.0.0/16 and 10.0.5.0/24');
    const remoteOnly = validateSnapshot(snap(vnet('a', ['10.0.0.0/16']), peering('a', 'b', ['10.0.0.0/8'])));
    expect(remoteOnly.filter((x) => x.code === 'address.overlap').map((x) => x.severity)).toEqual(['error']);
  });

  it('unpeered overlapping VNets: one warning per overlapping group, the list capped', () => {
    const many = Array.from({ length: 12 }, (_, i) => vnet(`copy${String(i).padStart(2, '0')}`, ['10.0.0.0/16']));
    const d = validateSnapshot(snap(...many, vnet('other', ['192.168.0.0/16']), vnet('x', ['172.16.0.0/24']), vnet('y', ['172.16.0.128/25'])));
    expect(d.map((x) => [x.code, x.severity])).toEqual([
      ['address.overlap', 'warning'],
      ['address.overlap', 'warning'],
    ]);
    expect(d[0].message).toMatch(/^12 virtual networks .*copy00 \(10\.0\.0\.0\/16\).*and 2 more/);
    expect(d[1].message).toContain('x (172.16.0.0/24), y (172.16.0.128/25)');
  });

  it('subnet outside its VNet (any of several prefixes) and overlapping subnets are errors', () => {
    const v = vnet('a', ['10.0.0.0/16', '10.1.0.0/16']);
    const inSecond = subnet('a', 'second', ['10.1.5.0/24']);
    const straddle = subnet('a', 'straddle', ['10.0.0.0/15'], { source: src('$.s') });
    const multi = subnet('a', 'multi', ['10.0.8.0/24', '10.2.0.0/24'], { source: src('$.m', true) });
    const d = validateSnapshot(snap(v, inSecond, straddle, multi));
    expect(d.filter((x) => x.code === 'subnet.outside').map((x) => [x.resourceId, x.jsonPath])).toEqual([
      [straddle.id, '$.s.properties.addressPrefix'],
      [multi.id, '$.m.addressPrefixes'],
    ]);
    // 10.0.0.0/15 contains the others: the overlaps are reported against it.
    expect(d.filter((x) => x.code === 'subnet.overlap').map((x) => x.message)).toEqual([
      expect.stringContaining('straddle (10.0.0.0/15) and multi (10.0.8.0/24)'),
      expect.stringContaining('straddle (10.0.0.0/15) and second (10.1.5.0/24)'),
    ]);
  });

  it('rule collection groups: missing policy, and a policy listing a missing group', () => {
    const gid = `${P}/firewallpolicies/pol/rulecollectiongroups/g`;
    const group: FirewallPolicyRuleCollectionGroup = { kind: 'firewallPolicyRuleCollectionGroup', id: gid, displayId: gid, name: 'g', tags: {}, policyId: `${P}/firewallpolicies/pol`, priority: 100, ruleCollections: [{ name: 'c', priority: 100, action: 'Allow', ruleType: 'network', rules: [{ kind: 'network', name: 'r', protocols: ['TCP'], sourceAddresses: [], sourceIpGroupIds: [`${P}/ipgroups/ig`], destinationAddresses: ['*'], destinationIpGroupIds: [], destinationFqdns: [], destinationPorts: ['443'] }] }], source: src('$') };
    const s = snap(group);
    const d = validateSnapshot(s);
    expect(d.map((x) => [x.code, x.jsonPath])).toEqual([
      ['ref.dangling', '$'],
      ['ref.dangling', '$.properties.ruleCollections[0].rules[0].sourceIpGroups[0]'],
    ]);
    const polId = `${P}/firewallpolicies/pol`;
    s.firewallPolicies.set(polId, { kind: 'firewallPolicy', id: polId, displayId: polId, name: 'pol', tags: {}, ruleCollectionGroupIds: [gid, `${polId}/rulecollectiongroups/missing`] });
    expect(validateSnapshot(s).map((x) => x.message)).toEqual([
      expect.stringContaining('refers to rule collection group'),
      expect.stringContaining('refers to IP group'),
    ]);
  });
});
