// End-to-end forwarding, one small fixture per rule of the rule book (issue 3).

import { describe, expect, it } from 'vitest';
import { EstateBuilder, type RuleSpec } from '../../support/estate-builder.ts';
import { dataPlaneOf } from '../../support/load.ts';
import { path, reach, trace } from './helpers.ts';

const denyAllIn: RuleSpec = { name: 'Deny-All-In', priority: 4000, direction: 'Inbound', access: 'Deny' };

/** Hub with an NVA (10.0.1.4), two spokes whose route tables send the other spoke to the NVA. */
function hubSpokeNva(o: { ipForwarding?: boolean; forwardedOnSpoke2?: boolean; nvaLoop?: boolean } = {}) {
  const b = new EstateBuilder()
    .routeTable('rt-spoke1', [{ name: 'to-spoke2', prefix: '10.2.0.0/16', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.1.4' }])
    .routeTable('rt-spoke2', [{ name: 'to-spoke1', prefix: '10.1.0.0/16', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.1.4' }])
    .routeTable('rt-nva', o.nvaLoop ? [{ name: 'back', prefix: '10.2.0.0/16', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.1.4' }] : [])
    .vnet('hub', ['10.0.0.0/16'], [{ name: 'nva', prefix: '10.0.1.0/24', routeTable: 'rt-nva' }])
    .vnet('spoke1', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24', routeTable: 'rt-spoke1' }])
    .vnet('spoke2', ['10.2.0.0/16'], [{ name: 's', prefix: '10.2.1.0/24', routeTable: 'rt-spoke2' }])
    .peer('hub', 'spoke1', { allowForwardedTraffic: true }, { allowForwardedTraffic: true })
    .peer('hub', 'spoke2', { allowForwardedTraffic: true }, { allowForwardedTraffic: o.forwardedOnSpoke2 ?? true })
    .nic('nva-nic', { subnet: 'hub/nva', ip: '10.0.1.4', ipForwarding: o.ipForwarding ?? true })
    .nic('vm1-nic', { subnet: 'spoke1/s', ip: '10.1.1.4' })
    .nic('vm2-nic', { subnet: 'spoke2/s', ip: '10.2.1.4' });
  return dataPlaneOf(b.documents());
}

describe('peering access (rule 8.5, A11)', () => {
  /** Two peered VNets; a's half of the peering has allowVirtualNetworkAccess false. */
  function halfDisabled(o: { nsgOnA?: boolean } = {}) {
    const b = new EstateBuilder();
    if (o.nsgOnA) b.nsg('nsg-a', []);
    b.vnet('a', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24', ...(o.nsgOnA ? { nsg: 'nsg-a' } : {}) }])
      .vnet('b', ['10.2.0.0/16'], [{ name: 's', prefix: '10.2.1.0/24' }])
      .peer('a', 'b', { allowVirtualNetworkAccess: false }, {})
      .nic('a-nic', { subnet: 'a/s', ip: '10.1.1.4' })
      .nic('b-nic', { subnet: 'b/s', ip: '10.2.1.4' });
    return dataPlaneOf(b.documents());
  }

  it('blocks traffic from its own VNet into the remote one, and says it treats the flag as a hard block', () => {
    const t = trace(halfDisabled(), 'a-nic', 'b-nic', 'Tcp', 443);
    expect(t.reachable).toBe(false);
    expect(t.stoppedBy?.stage).toBe('peering');
    expect(t.stoppedBy?.detail).toContain('allowVirtualNetworkAccess is false');
    expect(t.caveats.find((c) => c.code === 'peering.access-disabled')?.message).toContain('the other half decides the opposite direction');
    expect(reach(halfDisabled(), 'a-nic', 'b-nic').allowed).toEqual([]);
    expect(reach(halfDisabled(), 'b-nic', 'a-nic').allowed.length).toBeGreaterThan(0);
  });

  it("the remote half decides the opposite direction (b reaches a), but a's VirtualNetwork tag no longer holds b's space", () => {
    const t = trace(halfDisabled(), 'b-nic', 'a-nic', 'Tcp', 443);
    expect(t.disposition).toBe('ACCEPTED');
    // With only the default rules on a's subnet, AllowVnetInBound does not cover b: DenyAllInBound.
    const guarded = trace(halfDisabled({ nsgOnA: true }), 'b-nic', 'a-nic', 'Tcp', 443);
    expect(guarded.disposition).toBe('DENIED_IN');
    expect(guarded.stoppedBy?.rule).toContain('DenyAllInBound');
  });
});

describe('global peering and Basic Load Balancers (rule 8.9)', () => {
  /** VNet a in westeurope peered with b (in `bRegion`), whose internal load balancer (SKU `sku`) fronts b's VM. */
  function estate(bRegion: string, sku: string) {
    const b = new EstateBuilder()
      .vnet('a', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24' }])
      .vnet('b', ['10.2.0.0/16'], [{ name: 's', prefix: '10.2.1.0/24' }])
      .peer('a', 'b')
      .nic('a-nic', { subnet: 'a/s', ip: '10.1.1.4' })
      .nic('b-nic', { subnet: 'b/s', ip: '10.2.1.4' });
    const lbId = b.id('Microsoft.Network/loadBalancers', 'ilb-b');
    b.add({
      id: lbId,
      name: 'ilb-b',
      type: 'Microsoft.Network/loadBalancers',
      location: bRegion,
      sku: { name: sku },
      properties: {
        frontendIPConfigurations: [{ id: `${lbId}/frontendIPConfigurations/fe`, name: 'fe', properties: { privateIPAddress: '10.2.1.10', privateIPAllocationMethod: 'Static', subnet: { id: b.subnetId('b', 's') } } }],
        backendAddressPools: [{ id: `${lbId}/backendAddressPools/pool`, name: 'pool', properties: {} }],
        loadBalancingRules: [{ id: `${lbId}/loadBalancingRules/https`, name: 'https', properties: { frontendIPConfiguration: { id: `${lbId}/frontendIPConfigurations/fe` }, backendAddressPool: { id: `${lbId}/backendAddressPools/pool` }, protocol: 'Tcp', frontendPort: 443, backendPort: 443 } }],
      },
    });
    const docs = JSON.parse(b.documents()[0].text) as { value: { name: string; type: string; location?: string; properties: Record<string, unknown> }[] };
    for (const r of docs.value) {
      if (r.name === 'b' && /virtualNetworks$/.test(r.type)) r.location = bRegion;
      if (r.name === 'b-nic') ((r.properties.ipConfigurations as { properties: Record<string, unknown> }[])[0].properties).loadBalancerBackendAddressPools = [{ id: `${lbId}/backendAddressPools/pool` }];
    }
    return dataPlaneOf([{ file: 'estate.json', text: JSON.stringify(docs) }]);
  }

  it('a Basic frontend is not reachable from a VNet in another region; the VM behind it is', () => {
    const dp = estate('eastus2', 'Basic');
    const t = trace(dp, 'a-nic', '10.2.1.10', 'Tcp', 443);
    expect(t.reachable).toBe(false);
    expect(t.stoppedBy?.stage).toBe('peering');
    expect(t.stoppedBy?.detail).toContain('rule 8.9');
    expect(trace(dp, 'a-nic', 'b-nic', 'Tcp', 443).disposition).toBe('ACCEPTED');
  });

  it('a Standard frontend, or a Basic one over peering in one region, is reachable', () => {
    expect(trace(estate('eastus2', 'Standard'), 'a-nic', '10.2.1.10', 'Tcp', 443).disposition).toBe('ACCEPTED');
    expect(trace(estate('westeurope', 'Basic'), 'a-nic', '10.2.1.10', 'Tcp', 443).disposition).toBe('ACCEPTED');
  });
});

describe('peering (rules 8.1, 8.6)', () => {
  it('8.1: without a route through an appliance, spoke1 cannot reach spoke2 (peering is not transitive)', () => {
    const b = new EstateBuilder()
      .vnet('hub', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24' }])
      .vnet('spoke1', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24' }])
      .vnet('spoke2', ['10.2.0.0/16'], [{ name: 's', prefix: '10.2.1.0/24' }])
      .peer('hub', 'spoke1')
      .peer('hub', 'spoke2')
      .nic('vm1-nic', { subnet: 'spoke1/s', ip: '10.1.1.4' })
      .nic('hub-nic', { subnet: 'hub/s', ip: '10.0.1.4' })
      .nic('vm2-nic', { subnet: 'spoke2/s', ip: '10.2.1.4' });
    const dp = dataPlaneOf(b.documents());
    const t = trace(dp, 'vm1-nic', 'vm2-nic', 'Tcp', 443);
    expect(t.disposition).toBe('NULL_ROUTED');
    expect(t.stoppedBy).toMatchObject({ stage: 'route', nextHopType: 'None' });
    const direct = trace(dp, 'vm1-nic', 'hub-nic', 'Tcp', 443);
    expect(direct.disposition).toBe('ACCEPTED');
    expect(path(direct)).toEqual(['nic:hub-nic']);
    expect(direct.hops[0].steps.some((s) => s.kind === 'peering')).toBe(false); // peering step is recorded on the source hop
    expect(direct.source.steps.map((s) => s.kind)).toEqual(['route', 'peering']);
  });
});

describe('virtual appliances (rules 6.3, 6.5, 8.6)', () => {
  it('6.3: spoke to spoke through an NVA with IP forwarding is ACCEPTED, hop by hop', () => {
    const t = trace(hubSpokeNva(), 'vm1-nic', 'vm2-nic', 'Tcp', 443);
    expect(t.disposition).toBe('ACCEPTED');
    expect(path(t)).toEqual(['virtualAppliance:nva-nic', 'nic:vm2-nic']);
    expect(t.source.steps.find((s) => s.kind === 'route')).toMatchObject({ nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.0.1.4', route: 'to-spoke2' });
  });

  it('6.3: without IP forwarding on the appliance NIC the packet is dropped (NOT_FORWARDED)', () => {
    const t = trace(hubSpokeNva({ ipForwarding: false }), 'vm1-nic', 'vm2-nic', 'Tcp', 443);
    expect(t.disposition).toBe('NOT_FORWARDED');
    expect(t.stoppedBy).toMatchObject({ stage: 'virtualAppliance' });
    expect(t.stoppedBy?.fix).toContain('IP forwarding');
  });

  it('8.6: forwarded traffic needs allowForwardedTraffic on the receiving VNet\'s peering', () => {
    const t = trace(hubSpokeNva({ forwardedOnSpoke2: false }), 'vm1-nic', 'vm2-nic', 'Tcp', 443);
    expect(t.disposition).toBe('NOT_FORWARDED');
    expect(t.stoppedBy).toMatchObject({ stage: 'peering' });
    expect(t.caveats.map((c) => c.code)).toContain('peering.forwarded');
  });

  it('6.5: a route at the appliance that points back to itself is a LOOP', () => {
    const t = trace(hubSpokeNva({ nvaLoop: true }), 'vm1-nic', 'vm2-nic', 'Tcp', 443);
    expect(t.disposition).toBe('LOOP');
  });

  it('6.4: a next hop address that nothing holds drops the packet', () => {
    const b = new EstateBuilder()
      .routeTable('rt', [{ name: 'to-nowhere', prefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.9.9' }])
      .vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', routeTable: 'rt' }])
      .nic('vm-nic', { subnet: 'v/s', ip: '10.0.1.4' });
    const t = trace(dataPlaneOf(b.documents()), 'vm-nic', '8.8.8.8', 'Tcp', 443);
    expect(t.disposition).toBe('NOT_FORWARDED');
    expect(t.stoppedBy?.stage).toBe('virtualAppliance');
  });
});

describe('NSGs on the path (rules 3.2-3.6)', () => {
  it('3.6: a flow is filtered at the source (outbound) and at the destination (inbound)', () => {
    const b = new EstateBuilder()
      .nsg('nsg-src', [{ name: 'Deny-Out-22', priority: 100, direction: 'Outbound', access: 'Deny', protocol: 'Tcp', destinationPorts: '22' }])
      .nsg('nsg-dst', [{ name: 'Allow-443', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', destinationPorts: '443' }, denyAllIn])
      .vnet('v', ['10.0.0.0/16'], [{ name: 'a', prefix: '10.0.1.0/24', nsg: 'nsg-src' }, { name: 'b', prefix: '10.0.2.0/24', nsg: 'nsg-dst' }])
      .nic('a-nic', { subnet: 'v/a', ip: '10.0.1.4' })
      .nic('b-nic', { subnet: 'v/b', ip: '10.0.2.4' });
    const dp = dataPlaneOf(b.documents());
    expect(trace(dp, 'a-nic', 'b-nic', 'Tcp', 22)).toMatchObject({ disposition: 'DENIED_OUT', stoppedBy: { stage: 'nsg-outbound', rule: 'securityRules/Deny-Out-22' } });
    expect(trace(dp, 'a-nic', 'b-nic', 'Tcp', 80)).toMatchObject({ disposition: 'DENIED_IN', stoppedBy: { stage: 'nsg-inbound', rule: 'securityRules/Deny-All-In' } });
    const ok = trace(dp, 'a-nic', 'b-nic', 'Tcp', 443);
    expect(ok.disposition).toBe('ACCEPTED');
    expect(ok.allowedBy).toEqual([
      { nsg: expect.stringContaining('nsg-src'), rule: 'defaultSecurityRules/AllowVnetOutBound', side: 'source-subnet' },
      { nsg: expect.stringContaining('nsg-dst'), rule: 'securityRules/Allow-443', side: 'destination-subnet' },
    ]);
    // reach gives the exact ports, symbolically.
    expect(reach(dp, 'a-nic', 'b-nic').allowed.map((p) => `${p.protocol} ${p.ports.join(',')}`)).toEqual(['Tcp 443']);
  });
});

describe('gateways and on-premises (rules 8.7, 9.1)', () => {
  const estate = (transit = true) =>
    dataPlaneOf(
      new EstateBuilder()
        .vnet('hub', ['10.0.0.0/16'], [{ name: 'GatewaySubnet', prefix: '10.0.0.0/27' }, { name: 's', prefix: '10.0.1.0/24' }])
        .vnet('spoke', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24' }])
        .peer('hub', 'spoke', { allowGatewayTransit: transit }, { useRemoteGateways: transit })
        .vpn('hub', ['192.168.0.0/16'])
        .nic('spoke-nic', { subnet: 'spoke/s', ip: '10.1.1.4' })
        .documents(),
    );

  it('8.7: a spoke reaches on-premises through the hub gateway (gateway transit) and the flow exits the network', () => {
    const t = trace(estate(), 'spoke-nic', '192.168.1.10', 'Tcp', 445);
    expect(t.disposition).toBe('EXITS_NETWORK');
    expect(t.reachable).toBe(true);
    expect(path(t)).toEqual(['gateway:vgw-hub', 'onPremises:on-premises']);
  });

  it('8.7: on-premises reaches the spoke through the gateway only with gateway transit', () => {
    expect(trace(estate(), '192.168.1.10', 'spoke-nic', 'Tcp', 22).disposition).toBe('ACCEPTED');
    const t = trace(estate(false), '192.168.1.10', 'spoke-nic', 'Tcp', 22);
    expect(t.disposition).toBe('NO_ROUTE');
    expect(trace(estate(false), 'spoke-nic', '192.168.1.10', 'Tcp', 445).disposition).toBe('NULL_ROUTED');
  });
});

describe('user routes to a gateway (rule 6.6)', () => {
  /** Forced tunnelling: 0.0.0.0/0 -> VirtualNetworkGateway on a hub subnet with a gateway of this type. */
  const estate = (gatewayType: string) =>
    dataPlaneOf(
      new EstateBuilder()
        .routeTable('rt', [{ name: 'forced', prefix: '0.0.0.0/0', nextHopType: 'VirtualNetworkGateway' }])
        .vnet('hub', ['10.0.0.0/16'], [{ name: 'GatewaySubnet', prefix: '10.0.0.0/27' }, { name: 's', prefix: '10.0.1.0/24', routeTable: 'rt' }])
        .vpn('hub', ['192.168.0.0/16'], { gatewayType })
        .nic('vm-nic', { subnet: 'hub/s', ip: '10.0.1.4' })
        .documents(),
    );

  it('a VPN gateway takes the traffic on-premises (forced tunnelling)', () => {
    const t = trace(estate('Vpn'), 'vm-nic', '93.184.216.34', 'Tcp', 443);
    expect(t.disposition).toBe('EXITS_NETWORK');
    expect(t.caveats.map((c) => c.code)).not.toContain('route.gateway-expressroute');
  });

  it('an ExpressRoute gateway may not be named by a user route: the answer is unknown, and says why', () => {
    const t = trace(estate('ExpressRoute'), 'vm-nic', '93.184.216.34', 'Tcp', 443);
    expect(t.disposition).toBe('UNKNOWN');
    expect(t.stoppedBy?.detail).toContain('ExpressRoute gateway');
    expect(t.caveats.map((c) => c.code)).toContain('route.gateway-expressroute');
    // Routes the gateway itself teaches (9.1) are not user routes: on-premises stays reachable.
    expect(trace(estate('ExpressRoute'), 'vm-nic', '192.168.1.10', 'Tcp', 445).disposition).toBe('EXITS_NETWORK');
  });
});

describe("a VM's other NICs (rule 7.8)", () => {
  /** vm1 with a primary NIC in a/front and a second one in a/back; b-nic in the same VNet. */
  function twoNics() {
    const b = new EstateBuilder()
      .vnet('a', ['10.1.0.0/16'], [{ name: 'front', prefix: '10.1.1.0/24' }, { name: 'back', prefix: '10.1.2.0/24' }])
      .nic('vm1-nic0', { subnet: 'a/front', ip: '10.1.1.4' })
      .nic('vm1-nic1', { subnet: 'a/back', ip: '10.1.2.4' })
      .nic('back-peer-nic', { subnet: 'a/back', ip: '10.1.2.5' });
    b.add({
      id: b.id('Microsoft.Compute/virtualMachines', 'vm1'),
      name: 'vm1',
      type: 'Microsoft.Compute/virtualMachines',
      location: 'westeurope',
      properties: { networkProfile: { networkInterfaces: [{ id: b.id('Microsoft.Network/networkInterfaces', 'vm1-nic0'), properties: { primary: true } }, { id: b.id('Microsoft.Network/networkInterfaces', 'vm1-nic1'), properties: { primary: false } }] } },
    });
    return dataPlaneOf(b.documents());
  }
  const codes = (t: { caveats: { code: string }[] }) => t.caveats.map((c) => c.code);

  it("traffic from the second NIC beyond its subnet carries the caveat (the OS default route is on the primary NIC)", () => {
    const dp = twoNics();
    const t = trace(dp, 'vm1-nic1', '93.184.216.34', 'Tcp', 443);
    expect(codes(t)).toContain('nic.not-primary');
    expect(t.caveats.find((c) => c.code === 'nic.not-primary')?.message).toContain('vm1-nic1 is not the primary NIC of vm1');
    expect(codes(trace(dp, 'vm1-nic1', 'vm1-nic0', 'Tcp', 443))).toContain('nic.not-primary');
  });

  it('not within its own subnet, and never from the primary NIC', () => {
    const dp = twoNics();
    expect(codes(trace(dp, 'vm1-nic1', 'back-peer-nic', 'Tcp', 443))).not.toContain('nic.not-primary');
    expect(codes(trace(dp, 'vm1-nic0', '93.184.216.34', 'Tcp', 443))).not.toContain('nic.not-primary');
    expect(codes(trace(dp, 'vm1', '93.184.216.34', 'Tcp', 443))).not.toContain('nic.not-primary');
  });
});

describe('internet egress (rule 14.4)', () => {
  const estate = (subnet: { defaultOutboundAccess?: boolean; natGateway?: string }, nicPip?: string, outboundRule = false) => {
    const b = new EstateBuilder();
    if (nicPip) b.publicIp(nicPip, '20.1.2.3');
    if (subnet.natGateway) {
      b.publicIp('pip-ng', '20.9.9.9');
      b.add({ id: b.id('Microsoft.Network/natGateways', subnet.natGateway), name: subnet.natGateway, type: 'Microsoft.Network/natGateways', location: 'westeurope', sku: { name: 'Standard' }, properties: { publicIpAddresses: [{ id: b.id('Microsoft.Network/publicIPAddresses', 'pip-ng') }] } });
    }
    b.vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', ...subnet }]).nic('vm-nic', { subnet: 'v/s', ip: '10.0.1.4', publicIp: nicPip });
    if (outboundRule) {
      // A load balancer with no way in, only an outbound rule for its pool (vm-nic), and one before it in the snapshot with neither.
      b.publicIp('pip-other', '20.7.7.6').loadBalancer('lb-other', { publicIp: 'pip-other', pool: [] });
      b.publicIp('pip-out', '20.7.7.7').loadBalancer('lb-out', { publicIp: 'pip-out', pool: ['vm-nic'], outboundRules: [{ name: 'out-all', protocol: 'All' }] });
    }
    return dataPlaneOf(b.documents());
  };
  const egress = (dp: ReturnType<typeof estate>) => trace(dp, 'vm-nic', '8.8.8.8', 'Tcp', 443).source.steps.find((s) => s.kind === 'egress');

  it('a private subnet without NAT gateway or public IP has no way out (NO_ROUTE)', () => {
    const t = trace(estate({ defaultOutboundAccess: false }), 'vm-nic', '8.8.8.8', 'Tcp', 443);
    expect(t.disposition).toBe('NO_ROUTE');
    expect(t.stoppedBy?.detail).toContain('defaultOutboundAccess');
  });
  it('otherwise default outbound access, a NIC public IP, or a NAT gateway (which takes precedence)', () => {
    expect(egress(estate({}))).toMatchObject({ method: 'defaultOutboundAccess' });
    expect(egress(estate({ defaultOutboundAccess: false }, 'pip-vm'))).toMatchObject({ method: 'publicIp' });
    expect(egress(estate({ natGateway: 'ng' }, 'pip-vm'))).toMatchObject({ method: 'natGateway' });
    expect(trace(estate({}), 'vm-nic', '8.8.8.8', 'Tcp', 443).disposition).toBe('EXITS_NETWORK');
  });
  it('a load balancer outbound rule for the NIC\'s pool is its way out, after a NIC public IP and a NAT gateway', () => {
    expect(egress(estate({ defaultOutboundAccess: false }, undefined, true))).toMatchObject({ method: 'loadBalancerOutbound', resource: expect.stringMatching(/\/loadBalancers\/lb-out$/), detail: 'load balancer outbound rule out-all' });
    expect(trace(estate({ defaultOutboundAccess: false }, undefined, true), 'vm-nic', '8.8.8.8', 'Tcp', 443).disposition).toBe('EXITS_NETWORK');
    expect(egress(estate({}, 'pip-vm', true))).toMatchObject({ method: 'publicIp' });
    expect(egress(estate({ natGateway: 'ng' }, undefined, true))).toMatchObject({ method: 'natGateway' });
  });
});

describe('internet ingress (rules 1.8, 7.6, 14.5)', () => {
  const estate = (o: { nsg?: boolean; udr?: boolean } = {}) => {
    const b = new EstateBuilder().publicIp('pip-vm', '20.1.2.3').publicIp('pip-lb', '20.1.2.4');
    if (o.nsg ?? true) b.nsg('nsg', [{ name: 'Allow-SSH', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: 'Internet', destinationPorts: '22' }]);
    if (o.udr) b.routeTable('rt', [{ name: 'default', prefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.9.4' }]);
    b.vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', nsg: o.nsg ?? true ? 'nsg' : undefined, routeTable: o.udr ? 'rt' : undefined }])
      .nic('vm-nic', { subnet: 'v/s', ip: '10.0.1.4', publicIp: 'pip-vm' })
      .nic('vm2-nic', { subnet: 'v/s', ip: '10.0.1.5' })
      .loadBalancer('lb', { publicIp: 'pip-lb', pool: ['vm2-nic'], natRules: [{ name: 'ssh-vm2', nic: 'vm2-nic', protocol: 'Tcp', frontendPort: 50022, backendPort: 22 }] });
    return dataPlaneOf(b.documents());
  };

  it('1.8: through the NIC public IP, the NSG sees the private address; the allowed port gets in', () => {
    const t = trace(estate(), 'internet', 'vm-nic', 'Tcp', 22, { viaPublicIp: true });
    expect(t.disposition).toBe('ACCEPTED');
    expect(t.hops[0].steps.find((s) => s.kind === 'entry')).toMatchObject({ via: 'publicIp' });
    // The first hop is the public IP resource, not a NIC; the NIC follows.
    expect(path(t)).toEqual(['publicIp:pip-vm', 'nic:vm-nic']);
    expect(t.hops[0].resource).toContain('/publicIPAddresses/pip-vm');
    expect(trace(estate(), 'internet', 'vm-nic', 'Tcp', 3389, { viaPublicIp: true }).disposition).toBe('DENIED_IN');
  });

  it('a load balancer NAT rule translates the port: reachable on the frontend port 50022 only', () => {
    const dp = estate();
    expect(trace(dp, 'internet', 'vm2-nic', 'Tcp', 50022, { viaPublicIp: true }).disposition).toBe('ACCEPTED');
    expect(trace(dp, 'internet', 'vm2-nic', 'Tcp', 22, { viaPublicIp: true }).disposition).toBe('NO_ENTRY_POINT');
    const r = reach(dp, 'internet', 'vm2-nic', { viaPublicIp: true });
    expect(r.allowed.map((p) => `${p.protocol} ${p.ports.join(',')} via ${p.via}`)).toEqual(['Tcp 50022 via lb/ssh-vm2']);
  });

  it('14.5: a Standard public IP with no NSG on the path is closed', () => {
    const t = trace(estate({ nsg: false }), 'internet', 'vm-nic', 'Tcp', 22, { viaPublicIp: true });
    expect(t.disposition).toBe('DENIED_IN');
    expect(t.stoppedBy?.detail).toContain('14.5');
  });

  it('7.6: a 0.0.0.0/0 route to an appliance breaks direct inbound from the internet', () => {
    const t = trace(estate({ udr: true }), 'internet', 'vm-nic', 'Tcp', 22, { viaPublicIp: true });
    expect(t.reachable).toBe(false);
    expect(t.stoppedBy?.detail).toContain('7.6');
  });

  it('an internet source cannot address a private IP, and a host without entry point has none', () => {
    expect(trace(estate(), 'internet', 'vm-nic', 'Tcp', 22).disposition).toBe('NO_ENTRY_POINT');
  });
});
