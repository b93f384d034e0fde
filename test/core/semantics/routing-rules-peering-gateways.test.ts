// Peering and gateways, pinned to the rule book (../shared/azure-semantics.md): rules 8.8, 8.10,
// 9.2, 9.3, 9.4. Sources: "Create, change, or delete a virtual network peering"
// (learn.microsoft.com/azure/virtual-network/virtual-network-manage-peering, S6) for 8.8;
// "Virtual network peering" (learn.microsoft.com/azure/virtual-network/virtual-network-peering-overview,
// S7) for 8.10; "Virtual network traffic routing"
// (learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview, S1) for 9.2 and 9.3;
// "Configure VPN gateway transit for virtual network peering"
// (learn.microsoft.com/azure/vpn-gateway/vpn-gateway-peering-gateway-transit, S26) for 9.4.
//
// Already pinned elsewhere: 9.2 "a user route may not name an ExpressRoute gateway" and 9.3 forced
// tunnelling by a 0.0.0.0/0 user route to a VPN gateway (test/core/trace/forwarding.test.ts,
// "user routes to a gateway (rule 6.6)"); 9.4 a spoke gets the hub's gateway routes, and not
// without both transit flags or with propagation disabled (test/core/dataplane/effective-routes.test.ts
// "8.7", "6.9").

import { describe, expect, it } from 'vitest';
import { computeEffectiveRoutesView, computeExposure, computeNextHop } from '../../../core/index.ts';
import { EstateBuilder } from '../../support/estate-builder.ts';
import { dataPlaneOf, ip } from '../../support/load.ts';
import { codes, rows } from './helpers.ts';
import { path, reach, trace } from '../trace/helpers.ts';

const SUB = '00000000-0000-0000-0000-0000000000aa';


/** A route-based VPN gateway named `name` in `vnet`'s GatewaySubnet (REST shape, as exported). */
function addGateway(b: EstateBuilder, vnet: string, name: string, gatewayType = 'Vpn'): string {
  const id = b.id('Microsoft.Network/virtualNetworkGateways', name);
  b.add({
    id,
    name,
    type: 'Microsoft.Network/virtualNetworkGateways',
    location: b.location,
    properties: {
      gatewayType,
      ...(gatewayType === 'Vpn' ? { vpnType: 'RouteBased' } : {}),
      sku: gatewayType === 'Vpn' ? { name: 'VpnGw1', tier: 'VpnGw1' } : { name: 'Standard', tier: 'Standard' },
      enableBgp: false,
      activeActive: false,
      ipConfigurations: [{ id: `${id}/ipConfigurations/default`, name: 'default', properties: { privateIPAllocationMethod: 'Dynamic', subnet: { id: b.subnetId(vnet, 'GatewaySubnet') } } }],
    },
  });
  return id;
}

/** VNet-to-VNet connections (REST shape, one resource per direction as Azure creates them): [name, gateway 1, gateway 2]. */
function connectVnetToVnet(b: EstateBuilder, connections: [string, string, string][]): void {
  for (const [name, g1, g2] of connections) {
    b.add({
      id: b.id('Microsoft.Network/connections', name),
      name,
      type: 'Microsoft.Network/connections',
      location: b.location,
      properties: { connectionType: 'Vnet2Vnet', connectionStatus: 'Connected', virtualNetworkGateway1: { id: g1 }, virtualNetworkGateway2: { id: g2 }, enableBgp: false, routingWeight: 0 },
    });
  }
}

describe('rule 8.8: VNets connected by both peering and a VNet-to-VNet gateway connection use the peering', () => {
  /** VNets a and b, each with a VPN gateway, connected VNet-to-VNet (both connection resources) and, optionally, peered. */
  function estate(peered: boolean) {
    const b = new EstateBuilder()
      .vnet('a', ['10.0.0.0/16'], [{ name: 'GatewaySubnet', prefix: '10.0.0.0/27' }, { name: 's', prefix: '10.0.1.0/24' }])
      .vnet('b', ['10.1.0.0/16'], [{ name: 'GatewaySubnet', prefix: '10.1.0.0/27' }, { name: 's', prefix: '10.1.1.0/24' }])
      .nic('a-nic', { subnet: 'a/s', ip: '10.0.1.4' })
      .nic('b-nic', { subnet: 'b/s', ip: '10.1.1.4' });
    if (peered) b.peer('a', 'b');
    const ga = addGateway(b, 'a', 'vgw-a');
    const gb = addGateway(b, 'b', 'vgw-b');
    connectVnetToVnet(b, [['a-to-b', ga, gb], ['b-to-a', gb, ga]]);
    return { b, dp: dataPlaneOf(b.documents()) };
  }

  it('8.8: the next hop to the other VNet is the peering, not the gateway', () => {
    const { b, dp } = estate(true);
    expect(rows(dp, b.subnetId('a', 's'))).toContain('Default Active 10.1.0.0/16 VNetPeering');
    expect(computeNextHop(dp, b.subnetId('a', 's').toLowerCase(), ip('10.1.1.4'))).toMatchObject({ nextHopType: 'VNetPeering', route: { source: 'Default', addressPrefix: '10.1.0.0/16' } });
  });

  it('8.8: a trace from a to b crosses the peering and is delivered to b-nic, never through vgw-a', () => {
    const { dp } = estate(true);
    const t = trace(dp, 'a-nic', 'b-nic', 'Tcp', 443);
    expect(path(t)).not.toContain('gateway:vgw-a');
    expect(t.source.steps.map((s) => s.kind)).toContain('peering');
    expect(t.disposition).toBe('ACCEPTED');
    expect(path(t)).toEqual(['nic:b-nic']);
  });

  it('8.8 (control): without the peering, the gateway route is the way to b', () => {
    const { b, dp } = estate(false);
    expect(computeNextHop(dp, b.subnetId('a', 's').toLowerCase(), ip('10.1.1.4')).nextHopType).toBe('VirtualNetworkGateway');
  });

  it('8.8 (control): without the peering, traffic over the VNet-to-VNet connection reaches VNet b (it does not leave to "on-premises")', () => {
    // b is in the estate: its subnet, NIC and NSGs are known. The packet goes vgw-a -> vgw-b -> b-nic.
    const { dp } = estate(false);
    const t = trace(dp, 'a-nic', 'b-nic', 'Tcp', 443);
    expect(path(t)[0]).toBe('gateway:vgw-a');
    expect(path(t)).not.toContain('onPremises:on-premises');
    expect(path(t)).toEqual(['gateway:vgw-a', 'gateway:vgw-b', 'nic:b-nic']);
    expect(t.disposition).toBe('ACCEPTED');
    expect(t.caveats.map((c) => c.code)).toContain('gateway.vnet-to-vnet');
  });

  it('b\'s inbound NSG judges what arrives over the VNet-to-VNet connection', () => {
    const { b } = estate(false);
    b.nsg('nsg-b', [{ name: 'Deny-From-A', priority: 100, direction: 'Inbound', access: 'Deny', source: '10.0.0.0/16' }]);
    const subnet = b.resources.find((r) => r.name === 's' && String(r.id).includes('/virtualNetworks/b/')) as { properties: Record<string, unknown> } | undefined;
    const vnetB = b.resources.find((r) => r.name === 'b') as { properties: { subnets: { name: string; properties: Record<string, unknown> }[] } };
    const target = subnet?.properties ?? vnetB.properties.subnets.find((x) => x.name === 's')!.properties;
    target.networkSecurityGroup = { id: b.id('Microsoft.Network/networkSecurityGroups', 'nsg-b') };
    const t = trace(dataPlaneOf(b.documents()), 'a-nic', 'b-nic', 'Tcp', 443);
    expect(t.disposition).toBe('DENIED_IN');
    expect(t.stoppedBy?.rule).toBe('securityRules/Deny-From-A');
  });

  it('the other VNet is not on-premises: exposure from on-premises finds no entry through the VNet-to-VNet gateways', () => {
    const { dp } = estate(false);
    const onPrem = computeExposure(dp, { from: 'onprem' });
    expect(onPrem.exposed).toEqual([]);
    expect(onPrem.summary.entries).toBe(0);
  });

  it('gateways that keep sending a prefix to each other end in LOOP at the gateway the packet returns to', () => {
    // b and c both hold 10.1.0.0/16 (overlapping spaces: Azure allows them when the VNets are not
    // peered), and each GatewaySubnet sends 10.1.0.0/16 back to its gateway: b's gateway learned
    // 10.1.0.0/16 from c, c's from b.
    const b = new EstateBuilder()
      .routeTable('rt-b', [{ name: 'back', prefix: '10.1.0.0/16', nextHopType: 'VirtualNetworkGateway' }])
      .routeTable('rt-c', [{ name: 'back', prefix: '10.1.0.0/16', nextHopType: 'VirtualNetworkGateway' }])
      .vnet('a', ['10.0.0.0/16'], [{ name: 'GatewaySubnet', prefix: '10.0.0.0/27' }, { name: 's', prefix: '10.0.1.0/24' }])
      .vnet('b', ['10.1.0.0/16'], [{ name: 'GatewaySubnet', prefix: '10.1.0.0/27', routeTable: 'rt-b' }, { name: 's', prefix: '10.1.1.0/24' }])
      .vnet('c', ['10.1.0.0/16'], [{ name: 'GatewaySubnet', prefix: '10.1.0.0/27', routeTable: 'rt-c' }])
      .nic('a-nic', { subnet: 'a/s', ip: '10.0.1.4' });
    const ga = addGateway(b, 'a', 'vgw-a');
    const gb = addGateway(b, 'b', 'vgw-b');
    const gc = addGateway(b, 'c', 'vgw-c');
    connectVnetToVnet(b, [['a-to-b', ga, gb], ['b-to-a', gb, ga], ['b-to-c', gb, gc], ['c-to-b', gc, gb]]);
    const t = trace(dataPlaneOf(b.documents(), { allowErrors: true }), 'a-nic', '10.1.9.9', 'Tcp', 443);
    expect(t.disposition).toBe('LOOP');
    // Stopped where the packet first returns to a gateway (vgw-b or vgw-c), not by the hop limit.
    expect(t.stoppedBy?.detail).toMatch(/^the packet returns to the gateway vgw-[bc]$/);
    expect(t.hops.length).toBeLessThan(8);
  });
});

describe('rule 8.10: peering has no filter of its own; NSGs on either side filter traffic between peered VNets', () => {
  function estate(o: { nsgs: boolean }) {
    const b = new EstateBuilder();
    if (o.nsgs) {
      b.nsg('nsg-a', [{ name: 'Deny-RDP-To-B', priority: 100, direction: 'Outbound', access: 'Deny', protocol: 'Tcp', destination: '10.1.0.0/16', destinationPorts: '3389' }]);
      b.nsg('nsg-b', [{ name: 'Deny-SSH-From-A', priority: 100, direction: 'Inbound', access: 'Deny', protocol: 'Tcp', source: '10.0.0.0/16', destinationPorts: '22' }]);
    }
    b.vnet('a', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', ...(o.nsgs ? { nsg: 'nsg-a' } : {}) }])
      .vnet('b', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24', ...(o.nsgs ? { nsg: 'nsg-b' } : {}) }])
      .peer('a', 'b')
      .nic('a-nic', { subnet: 'a/s', ip: '10.0.1.4' })
      .nic('b-nic', { subnet: 'b/s', ip: '10.1.1.4' });
    return dataPlaneOf(b.documents());
  }

  it('8.10: without NSGs, every protocol and port crosses the peering', () => {
    const r = reach(estate({ nsgs: false }), 'a-nic', 'b-nic');
    expect(r.allowed.map((p) => `${p.protocol} ${p.ports.join(',')}`)).toEqual(['Tcp 0-65535', 'Udp 0-65535', 'Icmp ', 'Esp ', 'Ah ']);
  });

  it("8.10: the destination's inbound NSG blocks what it denies from the peered VNet, and AllowVnetInBound admits the rest", () => {
    const dp = estate({ nsgs: true });
    expect(trace(dp, 'a-nic', 'b-nic', 'Tcp', 22)).toMatchObject({ disposition: 'DENIED_IN', stoppedBy: { stage: 'nsg-inbound', rule: 'securityRules/Deny-SSH-From-A' } });
    const ok = trace(dp, 'a-nic', 'b-nic', 'Tcp', 443);
    expect(ok.disposition).toBe('ACCEPTED');
    expect(ok.allowedBy).toContainEqual({ nsg: expect.stringContaining('nsg-b'), rule: 'defaultSecurityRules/AllowVnetInBound', side: 'destination-subnet' });
  });

  it("8.10: the source's outbound NSG blocks what it denies towards the peered VNet", () => {
    const dp = estate({ nsgs: true });
    expect(trace(dp, 'a-nic', 'b-nic', 'Tcp', 3389)).toMatchObject({ disposition: 'DENIED_OUT', stoppedBy: { stage: 'nsg-outbound', rule: 'securityRules/Deny-RDP-To-B' } });
    // The reverse direction is judged by b's outbound and a's inbound rules, which allow it.
    expect(trace(dp, 'b-nic', 'a-nic', 'Tcp', 22).disposition).toBe('ACCEPTED');
    const ports = reach(dp, 'a-nic', 'b-nic').allowed.find((p) => p.protocol === 'Tcp')?.ports;
    expect(ports).toEqual(['0-21', '23-3388', '3390-65535']);
  });
});

describe('rule 9.2: ExpressRoute learns its prefixes over BGP; they are not in the export and answers must say so', () => {
  /** A hub with an ExpressRoute gateway and its connection to a circuit, in the REST shape (`peer` names the circuit). */
  function estate(withConnection = true) {
    const b = new EstateBuilder()
      .vnet('hub', ['10.0.0.0/16'], [{ name: 'GatewaySubnet', prefix: '10.0.0.0/27' }, { name: 's', prefix: '10.0.1.0/24' }])
      .nic('vm-nic', { subnet: 'hub/s', ip: '10.0.1.4' });
    const gw = addGateway(b, 'hub', 'ergw', 'ExpressRoute');
    if (withConnection) b.add({
      id: b.id('Microsoft.Network/connections', 'er-conn'),
      name: 'er-conn',
      type: 'Microsoft.Network/connections',
      location: b.location,
      properties: {
        connectionType: 'ExpressRoute',
        connectionStatus: 'Connected',
        routingWeight: 0,
        virtualNetworkGateway1: { id: gw },
        peer: { id: `/subscriptions/${SUB}/resourceGroups/rg-er/providers/Microsoft.Network/expressRouteCircuits/circuit1` },
      },
    });
    return { b, dp: dataPlaneOf(b.documents()) };
  }

  it('9.2: the effective routes of a subnet behind an ExpressRoute gateway carry the gateway.expressroute-prefixes caveat', () => {
    const { b, dp } = estate();
    expect(codes(computeEffectiveRoutesView(dp, b.subnetId('hub', 's').toLowerCase()).caveats)).toContain('gateway.expressroute-prefixes');
  });

  it('9.2: an ExpressRoute gateway whose connection is not in the export still carries the caveat', () => {
    const { b, dp } = estate(false);
    expect(codes(computeEffectiveRoutesView(dp, b.subnetId('hub', 's').toLowerCase()).caveats)).toContain('gateway.expressroute-prefixes');
  });

  it('9.2: a trace to an on-premises address that no exported route covers is not a silent NULL_ROUTED: it carries the caveat', () => {
    const { dp } = estate();
    const t = trace(dp, 'vm-nic', '192.168.1.10', 'Tcp', 443);
    expect(codes(t.caveats)).toContain('gateway.expressroute-prefixes');
  });
});

describe('rule 9.3: forced tunnelling by a 0.0.0.0/0 learned from the gateway', () => {
  /** Hub with a VPN gateway whose local network gateway advertises 0.0.0.0/0 (forced tunnelling); subnet `nobgp` disables propagation. */
  function estate() {
    const b = new EstateBuilder()
      .routeTable('rt-nobgp', [], true)
      .vnet('hub', ['10.0.0.0/16'], [
        { name: 'GatewaySubnet', prefix: '10.0.0.0/27' },
        { name: 's', prefix: '10.0.1.0/24' },
        { name: 'nobgp', prefix: '10.0.2.0/24', routeTable: 'rt-nobgp' },
      ])
      .vpn('hub', ['0.0.0.0/0'])
      .nic('vm-nic', { subnet: 'hub/s', ip: '10.0.1.4' })
      .nic('vm2-nic', { subnet: 'hub/nobgp', ip: '10.0.2.4' });
    return { b, dp: dataPlaneOf(b.documents()) };
  }

  it('9.3/7.2: the gateway 0.0.0.0/0 outranks the default Internet route, which turns Invalid', () => {
    const { b, dp } = estate();
    const r = rows(dp, b.subnetId('hub', 's'));
    expect(r).toContain('VirtualNetworkGateway Active 0.0.0.0/0 VirtualNetworkGateway');
    expect(r).toContain('Default Invalid 0.0.0.0/0 Internet');
    expect(computeNextHop(dp, b.subnetId('hub', 's').toLowerCase(), ip('93.184.216.34'))).toMatchObject({ nextHopType: 'VirtualNetworkGateway', routeTableId: 'System Route', route: { source: 'VirtualNetworkGateway' } });
  });

  it('9.3/7.5: as with a 0.0.0.0/0 user route, the reserved None routes go and private destinations follow the tunnel (with the A8 caveat)', () => {
    const { b, dp } = estate();
    const view = computeEffectiveRoutesView(dp, b.subnetId('hub', 's').toLowerCase());
    expect(view.value.some((r) => r.nextHopType === 'None')).toBe(false);
    expect(codes(view.caveats)).toContain('route.0-0-removes-reserved');
    expect(computeNextHop(dp, b.subnetId('hub', 's').toLowerCase(), ip('172.20.0.5')).nextHopType).toBe('VirtualNetworkGateway');
  });

  it('9.3: internet traffic leaves through the gateway, not through the VM\'s own egress', () => {
    const { dp } = estate();
    const t = trace(dp, 'vm-nic', '93.184.216.34', 'Tcp', 443);
    expect(t.disposition).toBe('EXITS_NETWORK');
    expect(path(t)[0]).toBe('gateway:vgw-hub');
    expect(t.source.steps.some((s) => s.kind === 'egress')).toBe(false);
  });

  it('9.3/6.9: a subnet that disables gateway route propagation is not force-tunnelled', () => {
    const { b, dp } = estate();
    expect(computeNextHop(dp, b.subnetId('hub', 'nobgp').toLowerCase(), ip('93.184.216.34')).nextHopType).toBe('Internet');
    expect(path(trace(dp, 'vm2-nic', '93.184.216.34', 'Tcp', 443))).toEqual(['internet:internet']);
  });

  it('9.3: a spoke using the hub gateway (transit) can force-tunnel with a 0.0.0.0/0 user route to VirtualNetworkGateway', () => {
    const b = new EstateBuilder()
      .routeTable('rt-spoke', [{ name: 'forced', prefix: '0.0.0.0/0', nextHopType: 'VirtualNetworkGateway' }])
      .vnet('hub', ['10.0.0.0/16'], [{ name: 'GatewaySubnet', prefix: '10.0.0.0/27' }])
      .vnet('spoke', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24', routeTable: 'rt-spoke' }])
      .peer('hub', 'spoke', { allowGatewayTransit: true }, { useRemoteGateways: true })
      .vpn('hub', ['192.168.0.0/16'])
      .nic('spoke-nic', { subnet: 'spoke/s', ip: '10.1.1.4' });
    const dp = dataPlaneOf(b.documents());
    const t = trace(dp, 'spoke-nic', '93.184.216.34', 'Tcp', 443);
    expect(t.source.steps.find((s) => s.kind === 'route')).toMatchObject({ source: 'User', route: 'forced', nextHopType: 'VirtualNetworkGateway' });
    expect(path(t)[0]).toBe('gateway:vgw-hub');
    expect(t.disposition).toBe('EXITS_NETWORK');
  });
});

describe('rule 9.4: spokes using remote gateways receive the same gateway routes, with the hub gateway as next hop', () => {
  function estate() {
    const b = new EstateBuilder()
      .vnet('hub', ['10.0.0.0/16'], [{ name: 'GatewaySubnet', prefix: '10.0.0.0/27' }, { name: 's', prefix: '10.0.1.0/24' }])
      .vnet('spoke', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24' }])
      .peer('hub', 'spoke', { allowGatewayTransit: true }, { useRemoteGateways: true })
      .vpn('hub', ['192.168.10.0/24', '172.20.0.0/16'])
      .nic('spoke-nic', { subnet: 'spoke/s', ip: '10.1.1.4' });
    const gw = b.resources.find((r) => r.type === 'Microsoft.Network/virtualNetworkGateways');
    if (!gw) throw new Error('no gateway');
    (gw.properties as Record<string, unknown>).bgpSettings = { asn: 65515, bgpPeeringAddress: '10.0.0.30', peerWeight: 0 };
    return { b, dp: dataPlaneOf(b.documents()) };
  }

  it('9.4: the spoke has exactly the gateway rows of the hub, next hop IP included', () => {
    const { b, dp } = estate();
    const gatewayRows = (vnet: string) => rows(dp, b.subnetId(vnet, 's')).filter((r) => r.startsWith('VirtualNetworkGateway'));
    expect(gatewayRows('hub')).toEqual(['VirtualNetworkGateway Active 192.168.10.0/24,172.20.0.0/16 VirtualNetworkGateway 10.0.0.30']);
    expect(gatewayRows('spoke')).toEqual(gatewayRows('hub'));
  });

  it('9.4: a trace from the spoke to on-premises goes to the hub gateway (through transit) and exits', () => {
    const { dp } = estate();
    const t = trace(dp, 'spoke-nic', '172.20.5.5', 'Tcp', 443);
    expect(t.disposition).toBe('EXITS_NETWORK');
    expect(path(t)).toEqual(['gateway:vgw-hub', 'onPremises:on-premises']);
    expect(t.hops[0].ip).toBe('10.0.0.30');
    expect(t.hops[0].steps.some((s) => s.kind === 'note' && s.detail.includes('gateway transit'))).toBe(true);
  });
});

describe('rule 9.3: forced tunnelling needs a route-based VPN gateway', () => {
  function estate(vpnType: 'RouteBased' | 'PolicyBased') {
    const b = new EstateBuilder()
      .routeTable('rt', [{ name: 'tunnel', prefix: '0.0.0.0/0', nextHopType: 'VirtualNetworkGateway' }])
      .vnet('hub', ['10.0.0.0/16'], [{ name: 'GatewaySubnet', prefix: '10.0.0.0/27' }, { name: 's', prefix: '10.0.1.0/24', routeTable: 'rt' }])
      .nic('vm-nic', { subnet: 'hub/s', ip: '10.0.1.4' });
    addGateway(b, 'hub', 'vgw');
    ((b.resources.find((r) => r.name === 'vgw') as { properties: Record<string, unknown> }).properties).vpnType = vpnType;
    return dataPlaneOf(b.documents());
  }

  it('a user route to a policy-based gateway is followed as written and named', () => {
    const t = trace(estate('PolicyBased'), 'vm-nic', '198.51.100.7', 'Tcp', 443);
    expect(path(t)[0]).toBe('gateway:vgw');
    expect(codes(t.caveats)).toContain('route.gateway-policy-based');
    expect(codes(trace(estate('RouteBased'), 'vm-nic', '198.51.100.7', 'Tcp', 443).caveats)).not.toContain('route.gateway-policy-based');
  });
});
