// System routes and route selection, pinned to the rule book (../shared/azure-semantics.md):
// rules 5.1, 5.2, 5.4, 5.6, 5.7, 7.1, 7.7, 7.9. Source: "Virtual network traffic routing"
// (learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview, S1) and, for 7.7,
// "Network security groups" (learn.microsoft.com/azure/virtual-network/network-security-groups-overview,
// "Azure platform considerations", S2).
//
// Already pinned elsewhere (not repeated here): 5.2 six default rows, 5.4 VNet 192.168.0.0/16 and
// 10.0.0.0/16, 5.5 None/Internet next hops (test/core/dataplane/effective-routes.test.ts "5.2",
// "5.4", "5.5"; test/core/trace/forwarding.test.ts "8.1" for NULL_ROUTED), 7.1 the S1 example
// (effective-routes.test.ts "7.1").

import { describe, expect, it } from 'vitest';
import { computeEffectiveRoutesView, computeNextHop } from '../../../core/index.ts';
import { EstateBuilder } from '../../support/estate-builder.ts';
import { dataPlaneOf, ip } from '../../support/load.ts';
import { codes, rows } from './helpers.ts';
import { path, trace } from '../trace/helpers.ts';


describe('rule 5.1: system routes are always there, user routes are combined with them, routing is decided where traffic leaves', () => {
  /** Subnet `a` sends 10.0.2.0/24 to an NVA (10.0.9.4); subnet `b` has no route table. */
  function estate() {
    const b = new EstateBuilder()
      .routeTable('rt-a', [{ name: 'b-via-nva', prefix: '10.0.2.0/24', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.9.4' }])
      .vnet('v', ['10.0.0.0/16'], [
        { name: 'a', prefix: '10.0.1.0/24', routeTable: 'rt-a' },
        { name: 'b', prefix: '10.0.2.0/24' },
        { name: 'nva', prefix: '10.0.9.0/24' },
      ])
      .nic('a-nic', { subnet: 'v/a', ip: '10.0.1.4' })
      .nic('b-nic', { subnet: 'v/b', ip: '10.0.2.4' })
      .nic('nva-nic', { subnet: 'v/nva', ip: '10.0.9.4', ipForwarding: true });
    return { b, dp: dataPlaneOf(b.documents()) };
  }

  it('5.1: a subnet with a route table keeps every system route (none is removed), plus the user route', () => {
    const { b, dp } = estate();
    const withTable = rows(dp, b.subnetId('v', 'a'));
    const without = rows(dp, b.subnetId('v', 'b'));
    // Every system row of the subnet without a table is in the subnet with one, unchanged.
    for (const r of without) expect(withTable).toContain(r);
    expect(withTable).toContain('User Active 10.0.2.0/24 VirtualAppliance 10.0.9.4');
    expect(withTable).toHaveLength(without.length + 1);
  });

  it("5.1: routing uses the table of the subnet the packet leaves: a->b goes through the NVA, b->a goes direct", () => {
    const { dp } = estate();
    const there = trace(dp, 'a-nic', 'b-nic', 'Tcp', 443);
    expect(there.disposition).toBe('ACCEPTED');
    expect(path(there)).toEqual(['virtualAppliance:nva-nic', 'nic:b-nic']);
    expect(there.source.steps.find((s) => s.kind === 'route')).toMatchObject({ source: 'User', route: 'b-via-nva', nextHopType: 'VirtualAppliance' });
    const back = trace(dp, 'b-nic', 'a-nic', 'Tcp', 443);
    expect(back.disposition).toBe('ACCEPTED');
    expect(path(back)).toEqual(['nic:a-nic']);
    expect(back.source.steps.find((s) => s.kind === 'route')).toMatchObject({ source: 'Default', nextHopType: 'VnetLocal', addressPrefix: '10.0.0.0/16' });
  });
});

describe('rule 5.2 (A5): the 172.16.0.0/12 None route is uncertain, and answers that rely on it say so', () => {
  const b = new EstateBuilder().vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.0.0/24' }]);
  const dp = dataPlaneOf(b.documents());
  const s = b.subnetId('v', 's').toLowerCase();

  it('5.2: next hop to 172.31.0.100 is None by 172.16.0.0/12, with the route.reserved-172 caveat', () => {
    const h = computeNextHop(dp, s, ip('172.31.0.100'));
    expect(h).toMatchObject({ nextHopType: 'None', routeTableId: 'System Route', route: { source: 'Default', addressPrefix: '172.16.0.0/12' } });
    expect(codes(h.caveats)).toContain('route.reserved-172');
  });

  it('5.2: next hop to 10.1.0.5 (10.0.0.0/8, a certain reserved prefix) carries no such caveat', () => {
    const h = computeNextHop(dp, s, ip('10.1.0.5'));
    expect(h).toMatchObject({ nextHopType: 'None', route: { addressPrefix: '10.0.0.0/8' } });
    expect(codes(h.caveats)).not.toContain('route.reserved-172');
  });
});

describe('rule 5.4: reserved prefixes inside or around the address space', () => {
  it('5.4: an address range that includes (not equals) a reserved prefix removes its None route and routes it VnetLocal', () => {
    // 172.0.0.0/11 holds all of 172.16.0.0/12.
    const b = new EstateBuilder().vnet('v', ['172.0.0.0/11'], [{ name: 's', prefix: '172.0.1.0/24' }]);
    const dp = dataPlaneOf(b.documents());
    const r = rows(dp, b.subnetId('v', 's'));
    expect(r).toContain('Default Active 172.0.0.0/11 VnetLocal');
    expect(r.some((x) => x.includes('172.16.0.0/12'))).toBe(false);
    // The other reserved prefixes stay.
    expect(r).toContain('Default Active 10.0.0.0/8 None');
    expect(computeNextHop(dp, b.subnetId('v', 's').toLowerCase(), ip('172.20.0.9')).nextHopType).toBe('VnetLocal');
  });

  it('5.4/8.4: a peered VNet whose address space is a reserved prefix (192.168.0.0/16) is reached over the peering, not dropped by the None route', () => {
    // 5.4: "If you assign any of the previous address ranges within the address space of a virtual
    // network, Azure automatically changes the next hop type for the route from None to Virtual
    // network"; 8.4: the peering adds a route for each range of the peered VNet. A None route that
    // outranks the peering route would make every 192.168.0.0/16 VNet unreachable over peering.
    const b = new EstateBuilder()
      .vnet('a', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24' }])
      .vnet('b', ['192.168.0.0/16'], [{ name: 's', prefix: '192.168.1.0/24' }])
      .peer('a', 'b')
      .nic('a-nic', { subnet: 'a/s', ip: '10.0.1.4' })
      .nic('b-nic', { subnet: 'b/s', ip: '192.168.1.4' });
    const dp = dataPlaneOf(b.documents());
    expect(rows(dp, b.subnetId('a', 's'))).toContain('Default Active 192.168.0.0/16 VNetPeering');
    expect(computeNextHop(dp, b.subnetId('a', 's').toLowerCase(), ip('192.168.1.4')).nextHopType).toBe('VNetPeering');
    const t = trace(dp, 'a-nic', 'b-nic', 'Tcp', 443);
    expect(t.disposition).toBe('ACCEPTED');
    expect(path(t)).toEqual(['nic:b-nic']);
  });
});

describe('rule 5.6: optional default routes, and which subnets get them', () => {
  /** Hub with a VPN gateway and two workload subnets, one of which disables gateway route propagation; a peered spoke. */
  function estate() {
    const b = new EstateBuilder()
      .routeTable('rt-nobgp', [], true)
      .vnet('hub', ['10.0.0.0/16'], [
        { name: 'GatewaySubnet', prefix: '10.0.0.0/27' },
        { name: 's1', prefix: '10.0.1.0/24' },
        { name: 's2', prefix: '10.0.2.0/24' },
        { name: 'nobgp', prefix: '10.0.3.0/24', routeTable: 'rt-nobgp' },
      ])
      .vnet('spoke', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24' }])
      .peer('hub', 'spoke')
      .vpn('hub', ['192.168.10.0/24']);
    return { b, dp: dataPlaneOf(b.documents()) };
  }

  it('5.6: the VNetPeering route and the gateway route are in every subnet of the VNet', () => {
    const { b, dp } = estate();
    for (const s of ['s1', 's2']) {
      const r = rows(dp, b.subnetId('hub', s));
      expect(r, s).toContain('Default Active 10.1.0.0/16 VNetPeering');
      expect(r, s).toContain('VirtualNetworkGateway Active 192.168.10.0/24 VirtualNetworkGateway');
    }
  });

  it('5.6/6.9: disabling gateway route propagation removes only the gateway route; the peering route (source Default) stays', () => {
    const { b, dp } = estate();
    const r = rows(dp, b.subnetId('hub', 'nobgp'));
    expect(r).toContain('Default Active 10.1.0.0/16 VNetPeering');
    expect(r.some((x) => x.includes('VirtualNetworkGateway'))).toBe(false);
    expect(computeNextHop(dp, b.subnetId('hub', 'nobgp').toLowerCase(), ip('10.1.1.4')).nextHopType).toBe('VNetPeering');
    // The on-premises prefix now falls to the reserved 192.168.0.0/16 None route.
    expect(computeNextHop(dp, b.subnetId('hub', 'nobgp').toLowerCase(), ip('192.168.10.5')).nextHopType).toBe('None');
  });

  it('5.6: a VNet not peered and without a gateway has neither kind of route', () => {
    const b = new EstateBuilder().vnet('lone', ['10.9.0.0/16'], [{ name: 's', prefix: '10.9.1.0/24' }]);
    const r = rows(dataPlaneOf(b.documents()), b.subnetId('lone', 's'));
    expect(r.some((x) => /VNetPeering|VirtualNetworkGateway/.test(x))).toBe(false);
  });
});

describe('rule 5.7: gateway routes carry the gateway address as next hop IP', () => {
  it('5.7: with BGP settings on the gateway, its peering address is the next hop IP of its routes (and of the next hop answer)', () => {
    const b = new EstateBuilder()
      .vnet('hub', ['10.0.0.0/16'], [{ name: 'GatewaySubnet', prefix: '10.0.0.0/27' }, { name: 's', prefix: '10.0.1.0/24' }])
      .vpn('hub', ['192.168.10.0/24']);
    const gw = b.resources.find((r) => r.type === 'Microsoft.Network/virtualNetworkGateways');
    if (!gw) throw new Error('no gateway');
    (gw.properties as Record<string, unknown>).bgpSettings = { asn: 65515, bgpPeeringAddress: '10.0.0.30', peerWeight: 0 };
    const dp = dataPlaneOf(b.documents());
    expect(rows(dp, b.subnetId('hub', 's'))).toContain('VirtualNetworkGateway Active 192.168.10.0/24 VirtualNetworkGateway 10.0.0.30');
    expect(computeNextHop(dp, b.subnetId('hub', 's').toLowerCase(), ip('192.168.10.7'))).toMatchObject({ nextHopType: 'VirtualNetworkGateway', nextHopIpAddress: '10.0.0.30', routeTableId: 'System Route' });
  });

  it('5.7: a VirtualAppliance route shows the appliance address as next hop IP; system routes show none', () => {
    const b = new EstateBuilder()
      .routeTable('rt', [{ name: 'fw', prefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.9.4' }])
      .vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', routeTable: 'rt' }]);
    const dp = dataPlaneOf(b.documents());
    const view = computeEffectiveRoutesView(dp, b.subnetId('v', 's').toLowerCase()).value;
    expect(view.find((r) => r.source === 'User')?.nextHopIpAddress).toEqual(['10.0.9.4']);
    expect(view.filter((r) => r.source === 'Default').every((r) => r.nextHopIpAddress.length === 0)).toBe(true);
  });
});

describe('rule 7.1: longest prefix match across sources', () => {
  /** A /8 user route to an NVA in a VNet of 10.0.0.0/16. */
  function estate() {
    const b = new EstateBuilder()
      .routeTable('rt', [{ name: 'ten-via-nva', prefix: '10.0.0.0/8', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.9.4' }])
      .vnet('v', ['10.0.0.0/16'], [
        { name: 's', prefix: '10.0.1.0/24', routeTable: 'rt' },
        { name: 't', prefix: '10.0.2.0/24' },
        { name: 'nva', prefix: '10.0.9.0/24' },
      ])
      .nic('s-nic', { subnet: 'v/s', ip: '10.0.1.4' })
      .nic('t-nic', { subnet: 'v/t', ip: '10.0.2.4' })
      .nic('nva-nic', { subnet: 'v/nva', ip: '10.0.9.4', ipForwarding: true });
    return { b, dp: dataPlaneOf(b.documents()) };
  }

  it('7.1: a more specific system route (VNet /16) beats a less specific user route (/8): intra-VNet traffic stays local', () => {
    const { b, dp } = estate();
    const h = computeNextHop(dp, b.subnetId('v', 's').toLowerCase(), ip('10.0.2.4'));
    expect(h).toMatchObject({ nextHopType: 'VnetLocal', routeTableId: 'System Route', route: { source: 'Default', addressPrefix: '10.0.0.0/16' } });
    const t = trace(dp, 's-nic', 't-nic', 'Tcp', 443);
    expect(path(t)).toEqual(['nic:t-nic']);
    expect(t.source.steps.find((s) => s.kind === 'route')).toMatchObject({ addressPrefix: '10.0.0.0/16', nextHopType: 'VnetLocal', reason: 'longest-prefix' });
  });

  it('7.1/7.2: outside the VNet the /8 user route decides; it replaces the same-prefix 10.0.0.0/8 None route (Invalid)', () => {
    const { b, dp } = estate();
    const s = b.subnetId('v', 's');
    expect(computeNextHop(dp, s.toLowerCase(), ip('10.7.0.1'))).toMatchObject({ nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.0.9.4', route: { source: 'User', addressPrefix: '10.0.0.0/8', name: 'ten-via-nva' } });
    expect(rows(dp, s)).toContain('Default Invalid 10.0.0.0/8 None');
    // 192.168/16 is not covered by the user route: still None.
    expect(computeNextHop(dp, s.toLowerCase(), ip('192.168.1.1')).nextHopType).toBe('None');
  });
});

describe('rule 7.7: the Windows KMS platform rule (S2, "Azure platform considerations")', () => {
  /** A VM whose NSG denies all outbound traffic to the Internet tag, or a VM whose subnet sends 0.0.0.0/0 to an NVA. */
  function estate(o: { denyInternet: boolean; forced: boolean }) {
    const b = new EstateBuilder();
    if (o.denyInternet) b.nsg('nsg', [{ name: 'Deny-Internet-Out', priority: 100, direction: 'Outbound', access: 'Deny', destination: 'Internet' }]);
    if (o.forced) b.routeTable('rt', [{ name: 'default', prefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.9.4' }]);
    b.vnet('v', ['10.0.0.0/16'], [
      { name: 's', prefix: '10.0.1.0/24', ...(o.denyInternet ? { nsg: 'nsg' } : {}), ...(o.forced ? { routeTable: 'rt' } : {}) },
      { name: 'nva', prefix: '10.0.9.0/24' },
    ])
      .nic('vm-nic', { subnet: 'v/s', ip: '10.0.1.4' })
      .nic('nva-nic', { subnet: 'v/nva', ip: '10.0.9.4', ipForwarding: true });
    return { b, dp: dataPlaneOf(b.documents()) };
  }
  // azkms.core.windows.net (Windows activation, TCP 1688).
  const KMS = '20.118.99.224';

  it('7.7: without a 0.0.0.0/0 route, KMS activation (TCP 1688) is served by a platform rule ztpath does not model: a DENIED_OUT answer must name the gap', () => {
    const t = trace(estate({ denyInternet: true, forced: false }).dp, 'vm-nic', KMS, 'Tcp', 1688);
    if (t.disposition === 'DENIED_OUT') {
      expect(
        t.caveats.some((c) => /kms|key management|1688/i.test(`${c.code} ${c.message}`)),
        `DENIED_OUT by ${t.stoppedBy?.rule}, caveats: ${codes(t.caveats).join(', ')}`,
      ).toBe(true);
    }
  });

  it('7.7: under a 0.0.0.0/0 user route the platform rule is disabled: KMS traffic follows the route to the appliance', () => {
    const { b, dp } = estate({ denyInternet: false, forced: true });
    expect(computeNextHop(dp, b.subnetId('v', 's').toLowerCase(), ip(KMS))).toMatchObject({ nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.0.9.4', route: { source: 'User', addressPrefix: '0.0.0.0/0' } });
    const t = trace(dp, 'vm-nic', KMS, 'Tcp', 1688);
    expect(path(t)[0]).toBe('virtualAppliance:nva-nic');
    expect(t.source.steps.find((s) => s.kind === 'route')).toMatchObject({ source: 'User', route: 'default', addressPrefix: '0.0.0.0/0' });
  });
});

describe('rule 7.9 (A9): a user route identical to a system route', () => {
  it('7.9: the unconfirmed quirk (issue #94578) is not applied: the documented rule 7.2 holds (user route Active, system route Invalid, traffic flows)', () => {
    const b = new EstateBuilder()
      .routeTable('rt', [{ name: 'same-as-vnet', prefix: '10.0.0.0/16', nextHopType: 'VnetLocal' }])
      .vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', routeTable: 'rt' }, { name: 't', prefix: '10.0.2.0/24' }])
      .nic('s-nic', { subnet: 'v/s', ip: '10.0.1.4' })
      .nic('t-nic', { subnet: 'v/t', ip: '10.0.2.4' });
    const dp = dataPlaneOf(b.documents());
    const r = rows(dp, b.subnetId('v', 's'));
    expect(r).toContain('User Active 10.0.0.0/16 VnetLocal');
    expect(r).toContain('Default Invalid 10.0.0.0/16 VnetLocal');
    const t = trace(dp, 's-nic', 't-nic', 'Tcp', 443);
    expect(t.disposition).toBe('ACCEPTED');
    expect(t.source.steps.find((s) => s.kind === 'route')).toMatchObject({ source: 'User', route: 'same-as-vnet' });
  });
});
