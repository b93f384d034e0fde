// Effective routes and route selection, pinned to the rule book (../shared/azure-semantics.md).

import { describe, expect, it } from 'vitest';
import { computeEffectiveRoutesView, computeNextHop, type DataPlane } from '../../../core/index.ts';
import { parseCidr } from '../../../core/sets/cidr.ts';
import { EstateBuilder } from '../../support/estate-builder.ts';
import { dataPlaneOf, ip, PUBLIC_SERVICE_TAGS } from '../../support/load.ts';
import { existsSync } from 'node:fs';

function routes(dp: DataPlane, subnetId: string) {
  return computeEffectiveRoutesView(dp, subnetId.toLowerCase()).value.map((r) => `${r.source} ${r.state} ${r.addressPrefix.join(',')} ${r.nextHopType}${r.nextHopIpAddress.length ? ' ' + r.nextHopIpAddress.join(',') : ''}`);
}
/** VNets a and b peered with the given flags on each side, and c peered with a without them (a bystander). */
function pairAndBystander(aFlags: Record<string, unknown>, bFlags: Record<string, unknown>): EstateBuilder {
  return new EstateBuilder()
    .vnet('a', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24' }])
    .vnet('b', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24' }])
    .vnet('c', ['10.2.0.0/16'], [{ name: 's', prefix: '10.2.1.0/24' }])
    .peer('a', 'b', aFlags, bFlags)
    .peer('a', 'c');
}

/** The caveat codes of a subnet's effective routes. */
function caveatCodes(dp: DataPlane, subnetId: string): string[] {
  return computeEffectiveRoutesView(dp, subnetId.toLowerCase()).caveats.map((c) => c.code);
}
function hop(dp: DataPlane, subnetId: string, dst: string) {
  const h = computeNextHop(dp, subnetId.toLowerCase(), ip(dst));
  return `${h.nextHopType}${h.nextHopIpAddress ? ' ' + h.nextHopIpAddress : ''}`;
}

describe('system routes (rule 5)', () => {
  it('5.2: a subnet gets its VNet range, the reserved None prefixes and 0.0.0.0/0 -> Internet (REST example: exactly six rows)', () => {
    const b = new EstateBuilder().vnet('vnet1', ['172.20.2.0/24'], [{ name: 'default', prefix: '172.20.2.0/24' }]);
    const dp = dataPlaneOf(b.documents());
    expect(routes(dp, b.subnetId('vnet1', 'default'))).toEqual([
      'Default Active 172.20.2.0/24 VnetLocal',
      'Default Active 10.0.0.0/8 None',
      'Default Active 172.16.0.0/12 None',
      'Default Active 192.168.0.0/16 None',
      'Default Active 100.64.0.0/10 None',
      'Default Active 0.0.0.0/0 Internet',
    ]);
  });

  it('5.3: one VnetLocal route per address range, none per subnet', () => {
    const b = new EstateBuilder().vnet('vnet1', ['10.0.0.0/16', '10.5.0.0/16'], [
      { name: 'a', prefix: '10.0.0.0/24' },
      { name: 'b', prefix: '10.5.1.0/24' },
    ]);
    const r = routes(dataPlaneOf(b.documents()), b.subnetId('vnet1', 'a'));
    expect(r.filter((x) => x.includes('VnetLocal'))).toEqual(['Default Active 10.0.0.0/16 VnetLocal', 'Default Active 10.5.0.0/16 VnetLocal']);
  });

  it('5.4: a VNet range equal to or containing a reserved prefix replaces its None route; one inside keeps it', () => {
    const b = new EstateBuilder()
      .vnet('vnet192', ['192.168.0.0/16'], [{ name: 's', prefix: '192.168.1.0/24' }])
      .vnet('vnet10', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24' }]);
    const dp = dataPlaneOf(b.documents());
    const r192 = routes(dp, b.subnetId('vnet192', 's'));
    expect(r192).toContain('Default Active 192.168.0.0/16 VnetLocal');
    expect(r192).not.toContain('Default Active 192.168.0.0/16 None');
    expect(routes(dp, b.subnetId('vnet10', 's'))).toContain('Default Active 10.0.0.0/8 None');
  });

  it('5.5: traffic to reserved space outside every VNet is dropped (172.31.0.100 and 10.1.0.5 from 10.0.0.0/16 -> None)', () => {
    const b = new EstateBuilder().vnet('vnet1', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.0.0/24' }]);
    const dp = dataPlaneOf(b.documents());
    const s = b.subnetId('vnet1', 's');
    expect(hop(dp, s, '172.31.0.100')).toBe('None');
    expect(hop(dp, s, '10.1.0.5')).toBe('None');
    expect(hop(dp, s, '10.0.0.5')).toBe('VnetLocal');
    expect(hop(dp, s, '13.107.21.200')).toBe('Internet');
    expect(computeNextHop(dp, s.toLowerCase(), ip('13.107.21.200')).routeTableId).toBe('System Route');
  });
});

describe('user routes and selection (rules 6, 7)', () => {
  const withUdr = (routesSpec: { name: string; prefix: string; nextHopType: string; nextHopIp?: string }[]) =>
    new EstateBuilder()
      .routeTable('rt1', routesSpec)
      .vnet('vnet1', ['10.0.0.0/16'], [
        { name: 'Subnet1', prefix: '10.0.0.0/24', routeTable: 'rt1' },
        { name: 'nva', prefix: '10.0.100.0/24' },
      ]);

  it('7.1: longest prefix wins (10.0.0.5 -> /24 route, 10.0.1.5 -> /16 VNet route)', () => {
    const b = withUdr([{ name: 'to-nva', prefix: '10.0.0.0/24', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.100.4' }]);
    const dp = dataPlaneOf(b.documents());
    const s = b.subnetId('vnet1', 'Subnet1');
    expect(hop(dp, s, '10.0.0.5')).toBe('VirtualAppliance 10.0.100.4');
    expect(hop(dp, s, '10.0.1.5')).toBe('VnetLocal');
    expect(computeNextHop(dp, s.toLowerCase(), ip('10.0.0.5')).routeTableId).toBe(b.id('Microsoft.Network/routeTables', 'rt1'));
  });

  it('7.2/7.4: a user route with the same prefix as a system route wins and the system route turns Invalid', () => {
    const b = withUdr([{ name: 'default', prefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.100.4' }]);
    const r = routes(dataPlaneOf(b.documents()), b.subnetId('vnet1', 'Subnet1'));
    expect(r).toContain('Default Invalid 0.0.0.0/0 Internet');
    expect(r).toContain('User Active 0.0.0.0/0 VirtualAppliance 10.0.100.4');
  });

  it('7.4: a shorter route stays Active when longer routes shadow parts of it', () => {
    const b = withUdr([{ name: 'part', prefix: '52.0.0.0/8', nextHopType: 'None' }]);
    expect(routes(dataPlaneOf(b.documents()), b.subnetId('vnet1', 'Subnet1'))).toContain('Default Active 0.0.0.0/0 Internet');
  });

  it('7.5: a 0.0.0.0/0 user route removes the reserved None routes, so private destinations follow it', () => {
    const b = withUdr([{ name: 'default', prefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.100.4' }]);
    const dp = dataPlaneOf(b.documents());
    const s = b.subnetId('vnet1', 'Subnet1');
    const r = routes(dp, s);
    expect(r.some((x) => x.endsWith('None'))).toBe(false);
    expect(hop(dp, s, '10.1.0.5')).toBe('VirtualAppliance 10.0.100.4');
    // The other subnet has no route table and keeps them.
    expect(hop(dp, b.subnetId('vnet1', 'nva'), '10.1.0.5')).toBe('None');
  });

  it('6.7: a VnetLocal user route overrides routing inside the VNet only where it is more specific', () => {
    const b = withUdr([
      { name: 'vnet-via-nva', prefix: '10.0.0.0/16', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.100.4' },
      { name: 'keep-local', prefix: '10.0.0.0/24', nextHopType: 'VnetLocal' },
    ]);
    const dp = dataPlaneOf(b.documents());
    const s = b.subnetId('vnet1', 'Subnet1');
    expect(hop(dp, s, '10.0.0.9')).toBe('VnetLocal');
    expect(hop(dp, s, '10.0.5.9')).toBe('VirtualAppliance 10.0.100.4');
    expect(routes(dp, s)).toContain('Default Invalid 10.0.0.0/16 VnetLocal');
  });
});

describe('peering routes (rules 8.1, 8.2, 8.4)', () => {
  const hubSpoke = (state: [string, string] = ['Connected', 'Connected']) =>
    new EstateBuilder()
      .vnet('hub', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24' }])
      .vnet('spoke1', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24' }])
      .vnet('spoke2', ['10.2.0.0/16', '10.22.0.0/16'], [{ name: 's', prefix: '10.2.1.0/24' }])
      .peer('hub', 'spoke1', {}, {}, state)
      .peer('hub', 'spoke2');

  it('8.4: a connected peering adds a VNetPeering route with every remote range', () => {
    const b = hubSpoke();
    const dp = dataPlaneOf(b.documents());
    const r = routes(dp, b.subnetId('hub', 's'));
    expect(r).toContain('Default Active 10.1.0.0/16 VNetPeering');
    expect(r).toContain('Default Active 10.2.0.0/16,10.22.0.0/16 VNetPeering');
    expect(hop(dp, b.subnetId('hub', 's'), '10.22.3.4')).toBe('VNetPeering');
  });

  it('8.1: peering is not transitive: spoke1 has no route to spoke2 through the hub', () => {
    const b = hubSpoke();
    const dp = dataPlaneOf(b.documents());
    expect(routes(dp, b.subnetId('spoke1', 's')).filter((x) => x.includes('VNetPeering'))).toEqual(['Default Active 10.0.0.0/16 VNetPeering']);
    expect(hop(dp, b.subnetId('spoke1', 's'), '10.2.1.4')).toBe('None');
  });

  it('8.2: a peering that is only Initiated on one side carries no route', () => {
    const b = hubSpoke(['Connected', 'Initiated']);
    const dp = dataPlaneOf(b.documents());
    expect(routes(dp, b.subnetId('hub', 's')).some((x) => x.startsWith('Default Active 10.1.0.0/16'))).toBe(false);
  });

  it('Azure Virtual Network Manager resources in the input (listed as unsupported) are named in every answer: admin rules and connected groups are not modelled', () => {
    const b = hubSpoke();
    const codes = (docs: { file: string; text: string }[]) => caveatCodes(dataPlaneOf(docs), b.subnetId('spoke1', 's'));
    expect(codes(b.documents())).not.toContain('avnm.not-modelled');
    const rule = {
      id: `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-avnm/providers/Microsoft.Network/networkManagers/avnm/securityAdminConfigurations/guardrails/ruleCollections/deny-mgmt/rules/deny-rdp`,
      name: 'deny-rdp',
      type: 'Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections/rules',
      kind: 'Custom',
      properties: { access: 'Deny', direction: 'Inbound', priority: 10, protocol: 'Tcp', destinationPortRanges: ['3389'] },
    };
    const docs = [...b.documents(), { file: 'avnm.json', text: JSON.stringify({ value: [rule] }) }];
    expect(dataPlaneOf(docs).snapshot.unsupported.map((u) => u.type)).toEqual([rule.type]);
    expect(codes(docs)).toContain('avnm.not-modelled');
  });

  it('a peering not in sync (an address space changed since) is named: peering.not-in-sync on both VNets of the pair', () => {
    const b = pairAndBystander({ peeringSyncLevel: 'LocalNotInSync' }, { peeringSyncLevel: 'RemoteNotInSync' });
    const dp = dataPlaneOf(b.documents());
    const codes = (vnet: string) => caveatCodes(dp, b.subnetId(vnet, 's'));
    expect(codes('a')).toContain('peering.not-in-sync');
    expect(codes('b')).toContain('peering.not-in-sync');
    expect(codes('c')).not.toContain('peering.not-in-sync');
    expect([...dp.snapshot.peerings.values()].map((p) => p.peeringSyncLevel ?? 'FullyInSync').sort()).toEqual(['FullyInSync', 'FullyInSync', 'LocalNotInSync', 'RemoteNotInSync']);
  });

  it('subnet peering and IPv6-only peering are not evaluated: treated as complete, with a caveat wherever their routes are', () => {
    const plain = dataPlaneOf(hubSpoke().documents());
    expect(caveatCodes(plain, hubSpoke().subnetId('hub', 's'))).not.toContain('peering.subnet-peering');
    for (const flags of [{ peerCompleteVnets: false, localSubnetNames: ['s'], remoteSubnetNames: ['s'] }, { enableOnlyIPv6Peering: true }]) {
      const b = pairAndBystander(flags, flags);
      const dp = dataPlaneOf(b.documents());
      const peering = [...dp.snapshot.peerings.values()].find((p) => p.vnetId === b.id('Microsoft.Network/virtualNetworks', 'a').toLowerCase() && p.remoteVnetId.endsWith('/b'));
      expect(peering?.subnetPeering, JSON.stringify(flags)).toEqual(
        'peerCompleteVnets' in flags ? { localSubnetNames: ['s'], remoteSubnetNames: ['s'], ipv6Only: false } : { localSubnetNames: [], remoteSubnetNames: [], ipv6Only: true },
      );
      // The routes stay those of a complete peering; both VNets of the pair say so, a third does not.
      expect(routes(dp, b.subnetId('a', 's'))).toContain('Default Active 10.1.0.0/16 VNetPeering');
      expect(caveatCodes(dp, b.subnetId('a', 's'))).toContain('peering.subnet-peering');
      expect(caveatCodes(dp, b.subnetId('b', 's'))).toContain('peering.subnet-peering');
      expect(caveatCodes(dp, b.subnetId('c', 's'))).not.toContain('peering.subnet-peering');
    }
  });
});

describe('gateway routes (rules 9.1, 6.9, 8.7, 7.3)', () => {
  const hubWithVpn = (o: { transit?: boolean; useRemote?: boolean; disableBgp?: boolean; onPrem?: string[] } = {}) =>
    new EstateBuilder()
      .routeTable('rt-spoke', [], o.disableBgp ?? false)
      .vnet('hub', ['10.0.0.0/16'], [
        { name: 'GatewaySubnet', prefix: '10.0.0.0/27' },
        { name: 's', prefix: '10.0.1.0/24' },
      ])
      .vnet('spoke', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24', routeTable: 'rt-spoke' }])
      .peer('hub', 'spoke', { allowGatewayTransit: o.transit ?? true }, { useRemoteGateways: o.useRemote ?? true })
      .vpn('hub', o.onPrem ?? ['192.168.0.0/16']);

  it('9.1: the hub subnets get VirtualNetworkGateway routes for the local network gateway prefixes', () => {
    const b = hubWithVpn();
    const dp = dataPlaneOf(b.documents());
    expect(routes(dp, b.subnetId('hub', 's'))).toContain('VirtualNetworkGateway Active 192.168.0.0/16 VirtualNetworkGateway');
    // 5.4 does not apply (own VNet space only), but LPM sends on-premises traffic to the gateway.
    expect(hop(dp, b.subnetId('hub', 's'), '192.168.5.5')).toBe('VirtualNetworkGateway');
  });

  it('8.7: a spoke using remote gateways gets the hub gateway routes', () => {
    const b = hubWithVpn();
    const dp = dataPlaneOf(b.documents());
    expect(hop(dp, b.subnetId('spoke', 's'), '192.168.5.5')).toBe('VirtualNetworkGateway');
  });

  it('8.7: without allowGatewayTransit on the hub side, or useRemoteGateways on the spoke side, no gateway routes', () => {
    for (const o of [{ transit: false }, { useRemote: false }]) {
      const b = hubWithVpn(o);
      const dp = dataPlaneOf(b.documents());
      expect(routes(dp, b.subnetId('spoke', 's')).some((x) => x.includes('VirtualNetworkGateway'))).toBe(false);
      expect(hop(dp, b.subnetId('spoke', 's'), '192.168.5.5')).toBe('None');
    }
  });

  it('8.7: a spoke that uses the gateways of a hub not in the input (or a Virtual WAN hub) says that routes it learns are unknown', () => {
    const b = new EstateBuilder()
      .vnet('hub', ['10.0.0.0/16'], [{ name: 'GatewaySubnet', prefix: '10.0.255.0/27' }])
      .vnet('spoke', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24' }])
      .vnet('other', ['10.2.0.0/16'], [{ name: 's', prefix: '10.2.1.0/24' }])
      .peer('hub', 'spoke', { allowGatewayTransit: true }, { useRemoteGateways: true })
      .peer('hub', 'other');
    // The hub is left out of the export, as a Virtual WAN hub's VNet always is.
    const hubId = b.id('Microsoft.Network/virtualNetworks', 'hub');
    const docs = [{ file: 'estate.json', text: JSON.stringify({ value: b.resources.filter((r) => r.id !== hubId) }) }];
    const dp = dataPlaneOf(docs, { allowErrors: true });
    const codes = (vnet: string) => caveatCodes(dp, b.subnetId(vnet, 's'));
    expect(codes('spoke')).toEqual(expect.arrayContaining(['peering.remote-missing', 'peering.remote-gateways-unknown']));
    // A spoke peered to the missing hub without using its gateways learns nothing through them.
    expect(codes('other')).toContain('peering.remote-missing');
    expect(codes('other')).not.toContain('peering.remote-gateways-unknown');
  });

  it('Azure Route Server: its VNet, and peers that use its gateways, say that the routes it learns over BGP are not in the export', () => {
    const b = new EstateBuilder()
      .vnet('hub', ['10.0.0.0/16'], [{ name: 'RouteServerSubnet', prefix: '10.0.254.0/27' }, { name: 's', prefix: '10.0.1.0/24' }])
      .vnet('spoke', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24' }])
      .vnet('other', ['10.2.0.0/16'], [{ name: 's', prefix: '10.2.1.0/24' }])
      .peer('hub', 'spoke', { allowGatewayTransit: true }, { useRemoteGateways: true })
      .peer('hub', 'other');
    const dp = dataPlaneOf(b.documents());
    const codes = (vnet: string) => caveatCodes(dp, b.subnetId(vnet, 's'));
    expect(codes('hub')).toContain('route-server.bgp-unknown');
    expect(codes('spoke')).toContain('route-server.bgp-unknown');
    expect(codes('other')).not.toContain('route-server.bgp-unknown');
    const plain = new EstateBuilder().vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24' }]);
    expect(caveatCodes(dataPlaneOf(plain.documents()), plain.subnetId('v', 's'))).not.toContain('route-server.bgp-unknown');
  });

  it('6.9: disableBgpRoutePropagation removes gateway routes from the subnet', () => {
    const b = hubWithVpn({ disableBgp: true });
    const dp = dataPlaneOf(b.documents());
    expect(routes(dp, b.subnetId('spoke', 's')).some((x) => x.includes('VirtualNetworkGateway'))).toBe(false);
  });

  it('7.3: a VNet system route wins over a more specific gateway route', () => {
    const b = hubWithVpn({ onPrem: ['192.168.0.0/16', '10.0.1.0/25'] });
    const dp = dataPlaneOf(b.documents());
    expect(hop(dp, b.subnetId('hub', 's'), '10.0.1.10')).toBe('VnetLocal');
  });

  it('9.1: a connection that is not Connected teaches no prefixes', () => {
    const b = new EstateBuilder()
      .vnet('hub', ['10.0.0.0/16'], [{ name: 'GatewaySubnet', prefix: '10.0.0.0/27' }, { name: 's', prefix: '10.0.1.0/24' }])
      .vpn('hub', ['192.168.0.0/16'], { connectionStatus: 'NotConnected' });
    const dp = dataPlaneOf(b.documents());
    expect(hop(dp, b.subnetId('hub', 's'), '192.168.5.5')).toBe('None');
  });
});

describe('private endpoint routes (rules 11.3, 11.5)', () => {
  const target = '/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/rg-test/providers/Microsoft.Storage/storageAccounts/st1';
  const estate = (policy = 'Disabled', udr = '0.0.0.0/0') =>
    new EstateBuilder()
      .routeTable('rt', [{ name: 'r', prefix: udr, nextHopType: 'VirtualAppliance', nextHopIp: '10.0.1.4' }])
      .vnet('data', ['10.0.0.0/16'], [
        { name: 'pe', prefix: '10.0.2.0/24', privateEndpointNetworkPolicies: policy },
        { name: 'app', prefix: '10.0.3.0/24', routeTable: 'rt' },
      ])
      .vnet('peer1', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24' }])
      .vnet('peer2', ['10.2.0.0/16'], [{ name: 's', prefix: '10.2.1.0/24' }])
      .peer('data', 'peer1')
      .peer('peer1', 'peer2')
      .privateEndpoint('pe-st1', { subnet: 'data/pe', ip: '10.0.2.4', target });

  it('11.3: a /32 InterfaceEndpoint route in every subnet of its VNet and of directly peered VNets only', () => {
    const b = estate();
    const dp = dataPlaneOf(b.documents());
    expect(routes(dp, b.subnetId('data', 'pe'))).toContain('Default Active 10.0.2.4/32 InterfaceEndpoint');
    expect(routes(dp, b.subnetId('peer1', 's'))).toContain('Default Active 10.0.2.4/32 InterfaceEndpoint');
    expect(routes(dp, b.subnetId('peer2', 's')).some((x) => x.includes('InterfaceEndpoint'))).toBe(false);
  });

  it('11.5: a 0.0.0.0/0 user route does not invalidate the /32', () => {
    const b = estate();
    const dp = dataPlaneOf(b.documents());
    expect(hop(dp, b.subnetId('data', 'app'), '10.0.2.4')).toBe('InterfaceEndpoint');
  });

  it('11.4/11.5: with route-table network policies enabled, a user route at least as long as the VNet prefix overrides it', () => {
    const b = estate('Enabled', '10.0.0.0/16');
    const dp = dataPlaneOf(b.documents());
    expect(routes(dp, b.subnetId('data', 'app'))).toContain('Default Invalid 10.0.2.4/32 InterfaceEndpoint');
    expect(hop(dp, b.subnetId('data', 'app'), '10.0.2.4')).toBe('VirtualAppliance 10.0.1.4');
  });
});

describe.skipIf(!existsSync(PUBLIC_SERVICE_TAGS))('service endpoint routes (rules 10.1, 7.3)', () => {
  const estate = () =>
    new EstateBuilder()
      .routeTable('rt', [{ name: 'default', prefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.9.4' }])
      .vnet('vnet1', ['10.0.0.0/16'], [
        { name: 'with', prefix: '10.0.1.0/24', routeTable: 'rt', serviceEndpoints: [{ service: 'Microsoft.Storage', locations: ['westeurope'] }] },
        { name: 'without', prefix: '10.0.2.0/24', routeTable: 'rt' },
      ]);

  it('10.1: only the subnet that enabled the endpoint gets VirtualNetworkServiceEndpoint routes, with the service tag prefixes', () => {
    const b = estate();
    const dp = dataPlaneOf(b.documents(), { serviceTagsFile: PUBLIC_SERVICE_TAGS });
    const withSe = computeEffectiveRoutesView(dp, b.subnetId('vnet1', 'with').toLowerCase()).value.find((r) => r.nextHopType === 'VirtualNetworkServiceEndpoint');
    const tag = dp.snapshot.serviceTags!.tags.get('storage.westeurope')!;
    expect(withSe?.addressPrefix).toEqual(tag.addressPrefixes.filter((p) => !p.includes(':')));
    expect(computeEffectiveRoutesView(dp, b.subnetId('vnet1', 'without').toLowerCase()).value.some((r) => r.nextHopType === 'VirtualNetworkServiceEndpoint')).toBe(false);
  });

  it('7.6: traffic to the service skips the 0.0.0.0/0 appliance route only where the endpoint is enabled', () => {
    const b = estate();
    const dp = dataPlaneOf(b.documents(), { serviceTagsFile: PUBLIC_SERVICE_TAGS });
    const tag = dp.snapshot.serviceTags!.tags.get('storage.westeurope')!;
    const first = tag.addressPrefixes.find((p) => !p.includes(':'))!.split('/')[0];
    expect(hop(dp, b.subnetId('vnet1', 'with'), first)).toBe('VirtualNetworkServiceEndpoint');
    expect(hop(dp, b.subnetId('vnet1', 'without'), first)).toBe('VirtualAppliance 10.0.9.4');
  });
});

describe.skipIf(!existsSync(PUBLIC_SERVICE_TAGS))('service tags as route prefixes (rule 6.8)', () => {
  // Routes in an order that favours the losers, so that only the rule can decide.
  const routesByTag: [string, string][] = [
    ['AzureCloud', '10.0.9.7'],
    ['AzureCloud.westeurope', '10.0.9.6'],
    ['Storage', '10.0.9.5'],
    ['Storage.WestEurope', '10.0.9.4'],
  ];

  it('an explicit prefix beats a tag; a regional tag its top-level tag; any tag AzureCloud, and AzureCloud regional AzureCloud', () => {
    const probe = dataPlaneOf(new EstateBuilder().vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24' }]).documents(), { serviceTagsFile: PUBLIC_SERVICE_TAGS });
    const v4 = (name: string) => new Set(probe.snapshot.serviceTags!.tags.get(name.toLowerCase())!.addressPrefixes.filter((p) => !p.includes(':')));
    const [cloud, cloudWe, storage, storageWe] = routesByTag.map(([t]) => v4(t));
    const all = [cloud, cloudWe, storage, storageWe];
    // A prefix of exactly these tags, whose first address no longer prefix of any of them holds.
    const longer = (p: string) => {
      const c = parseCidr(p);
      if (!c.ok) throw new Error(p);
      return all.some((s) => [...s].some((q) => {
        const d = parseCidr(q);
        return q !== p && d.ok && d.cidr.prefixLength > c.cidr.prefixLength && c.cidr.start >= d.cidr.start && c.cidr.start <= d.cidr.end;
      }));
    };
    const pick = (inAll: Set<string>[], notIn: Set<string>[], skip: string[] = []) => [...inAll[0]].find((p) => !skip.includes(p) && inAll.every((s) => s.has(p)) && notIn.every((s) => !s.has(p)) && !longer(p));
    const explicit = pick([storageWe, storage], [])!;
    const regionalVsTop = pick([storageWe, storage], [], [explicit])!;
    const topVsCloud = pick([storage, cloud], [storageWe, cloudWe])!;
    const cloudRegional = pick([cloudWe, cloud], [storage, storageWe])!;
    for (const p of [explicit, regionalVsTop, topVsCloud, cloudRegional]) expect(p, 'a shared prefix in the Service Tags file').toBeDefined();
    const b = new EstateBuilder()
      .routeTable('rt', [
        ...routesByTag.map(([tag, ip]) => ({ name: `to-${tag}`, prefix: tag, nextHopType: 'VirtualAppliance', nextHopIp: ip })),
        { name: 'explicit', prefix: explicit, nextHopType: 'VirtualAppliance', nextHopIp: '10.0.9.8' },
      ])
      .vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', routeTable: 'rt' }]);
    const dp = dataPlaneOf(b.documents(), { serviceTagsFile: PUBLIC_SERVICE_TAGS });
    const at = (p: string) => hop(dp, b.subnetId('v', 's'), p.split('/')[0]);
    expect(at(explicit)).toBe('VirtualAppliance 10.0.9.8');
    expect(at(regionalVsTop)).toBe('VirtualAppliance 10.0.9.4');
    expect(at(topVsCloud)).toBe('VirtualAppliance 10.0.9.5');
    expect(at(cloudRegional)).toBe('VirtualAppliance 10.0.9.6');
    // Every tag route keeps prefixes it wins, so all stay Active; an unknown tag is left out, and said.
    expect(routes(dp, b.subnetId('v', 's')).filter((r) => r.startsWith('User')).every((r) => r.startsWith('User Active'))).toBe(true);
  });

  it('4.5: the tags Azure refuses as a route prefix (VirtualNetwork, Internet, AzureLoadBalancer, AzurePlatform*) are left out and named, whatever the tags file', () => {
    const b = new EstateBuilder()
      .routeTable('rt', ['VirtualNetwork', 'Internet', 'AzureLoadBalancer', 'AzurePlatformDNS'].map((t) => ({ name: `to-${t}`, prefix: t, nextHopType: 'VirtualAppliance', nextHopIp: '10.0.9.5' })))
      .vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', routeTable: 'rt' }]);
    const dp = dataPlaneOf(b.documents(), { serviceTagsFile: PUBLIC_SERVICE_TAGS });
    expect(routes(dp, b.subnetId('v', 's')).some((r) => r.startsWith('User'))).toBe(false);
    const view = computeEffectiveRoutesView(dp, b.subnetId('v', 's').toLowerCase());
    // One caveat per code (the first route named), as every answer lists caveats.
    expect(view.caveats.filter((c) => c.code === 'route.tag-forbidden').map((c) => c.message.match(/'([^']+)'/)?.[1])).toEqual(['VirtualNetwork']);
    expect(view.caveats.map((c) => c.code)).not.toContain('route.tag-unknown');
    expect(hop(dp, b.subnetId('v', 's'), '8.8.8.8')).toBe('Internet');
  });

  it('without a Service Tags file, a tag route is left out and named in a caveat', () => {
    const b = new EstateBuilder()
      .routeTable('rt', [{ name: 'to-storage', prefix: 'Storage', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.9.5' }])
      .vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', routeTable: 'rt' }]);
    const dp = dataPlaneOf(b.documents());
    expect(routes(dp, b.subnetId('v', 's')).some((r) => r.startsWith('User'))).toBe(false);
    expect(caveatCodes(dp, b.subnetId('v', 's'))).toContain('route.tag-unknown');
  });
});
