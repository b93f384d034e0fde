// Audit round 2, area "peering": rules 6.3, 6.5, 6.9, 7.2, 7.4, 7.5, 8.1, 8.2, 8.5, 8.6, 8.7 of the
// rule book (../shared/azure-semantics.md), probed in combination. Sources: "Create, change, or
// delete a virtual network peering" (learn.microsoft.com/azure/virtual-network/virtual-network-manage-peering,
// S6) for 8.2, 8.5, 8.6; "Configure VPN gateway transit for virtual network peering"
// (learn.microsoft.com/azure/vpn-gateway/vpn-gateway-peering-gateway-transit, S26) and the
// VirtualNetworkPeering REST reference (S28) for 8.7; "Virtual network traffic routing"
// (learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview, S1) for 6.3-6.9 and 7.x.
//
// Not repeated here (pinned elsewhere): spoke-to-spoke through a hub NVA and the receiving-side
// allowForwardedTraffic check (test/core/trace/forwarding.test.ts), the per-half
// allowVirtualNetworkAccess block (same file), transit routes and propagation (effective-routes.test.ts,
// routing-rules-peering-gateways.test.ts).

import { describe, expect, it } from 'vitest';
import { computeEffectiveRoutesView, computeExposure, computeMatrix, computeWhatIf, type DataPlane } from '../../../core/index.ts';
import { EstateBuilder } from '../../support/estate-builder.ts';
import { dataPlaneOf, snapshotOf } from '../../support/load.ts';
import { codes, rows } from './helpers.ts';
import { path, reach, trace } from '../trace/helpers.ts';

const ON_PREM = '192.168.1.10';

/**
 * Hub with a VPN gateway (on-premises 192.168.0.0/16) and an NVA (10.0.1.4, IP forwarding on); one
 * spoke using the hub gateway (transit). With `viaNva`, the GatewaySubnet's route table sends the
 * spoke's range to the NVA, the usual "inspect on-premises traffic in the hub" design.
 */
function onPremThroughHubNva(o: { forwardedOnSpoke: boolean; viaNva: boolean }) {
  const b = new EstateBuilder()
    .routeTable('rt-gw', o.viaNva ? [{ name: 'spoke-via-nva', prefix: '10.2.0.0/16', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.1.4' }] : [])
    .vnet('hub', ['10.0.0.0/16'], [{ name: 'GatewaySubnet', prefix: '10.0.0.0/27', routeTable: 'rt-gw' }, { name: 'nva', prefix: '10.0.1.0/24' }])
    .vnet('spoke', ['10.2.0.0/16'], [{ name: 's', prefix: '10.2.1.0/24' }])
    // allowForwardedTraffic on the hub's half is set: only the spoke's (receiving) half varies.
    .peer('hub', 'spoke', { allowGatewayTransit: true, allowForwardedTraffic: true }, { useRemoteGateways: true, allowForwardedTraffic: o.forwardedOnSpoke })
    .vpn('hub', ['192.168.0.0/16'])
    .nic('nva-nic', { subnet: 'hub/nva', ip: '10.0.1.4', ipForwarding: true })
    .nic('spoke-nic', { subnet: 'spoke/s', ip: '10.2.1.4' });
  return dataPlaneOf(b.documents());
}

describe('rule 8.6: traffic forwarded by an NVA needs allowForwardedTraffic on the receiving peering, also when it first came through the VPN gateway', () => {
  it('8.6: on-premises -> hub gateway -> hub NVA -> spoke is dropped at the peering when the spoke\'s half does not allow forwarded traffic', () => {
    // The last forwarder is the NVA, not the VPN gateway: the exemption ("You don't need to check
    // this setting if traffic is forwarded between virtual networks through an Azure VPN Gateway")
    // does not apply, and the source (on-premises) is not in the hub's address space.
    const t = trace(onPremThroughHubNva({ forwardedOnSpoke: false, viaNva: true }), ON_PREM, 'spoke-nic', 'Tcp', 22);
    expect(path(t)).toContain('virtualAppliance:nva-nic');
    expect(t.disposition).toBe('NOT_FORWARDED');
    expect(t.stoppedBy?.stage).toBe('peering');
    expect(codes(t.caveats)).toContain('peering.forwarded');
  });

  it('8.6: reach and on-premises exposure agree with the trace: nothing of on-premises gets to the spoke through the NVA', () => {
    const dp = onPremThroughHubNva({ forwardedOnSpoke: false, viaNva: true });
    expect(reach(dp, ON_PREM, 'spoke-nic').allowed).toEqual([]);
    expect(computeExposure(dp, { from: 'onprem' }).exposed.map((e) => e.name)).not.toContain('spoke-nic');
  });

  it('8.6 (controls): with the flag on the spoke\'s half the NVA path is ACCEPTED; without the NVA the gateway needs no flag', () => {
    const allowed = trace(onPremThroughHubNva({ forwardedOnSpoke: true, viaNva: true }), ON_PREM, 'spoke-nic', 'Tcp', 22);
    expect(allowed.disposition).toBe('ACCEPTED');
    expect(path(allowed)).toEqual(['gateway:vgw-hub', 'virtualAppliance:nva-nic', 'nic:spoke-nic']);
    const direct = trace(onPremThroughHubNva({ forwardedOnSpoke: false, viaNva: false }), ON_PREM, 'spoke-nic', 'Tcp', 22);
    expect(direct.disposition).toBe('ACCEPTED');
    expect(path(direct)).toEqual(['gateway:vgw-hub', 'nic:spoke-nic']);
  });
});

describe('rule 8.6: what-if and matrix of the allowForwardedTraffic flag, on the right and on the wrong half', () => {
  /** Hub NVA 10.0.1.4 between two spokes; `spoke2Half`/`hubHalf`: allowForwardedTraffic on spoke2-to-hub / hub-to-spoke2. */
  function estate(spoke2Half: boolean, hubHalf: boolean): DataPlane {
    return dataPlaneOf(
      new EstateBuilder()
        .routeTable('rt-spoke1', [{ name: 'to-spoke2', prefix: '10.2.0.0/16', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.1.4' }])
        .routeTable('rt-spoke2', [{ name: 'to-spoke1', prefix: '10.1.0.0/16', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.1.4' }])
        .vnet('hub', ['10.0.0.0/16'], [{ name: 'nva', prefix: '10.0.1.0/24' }])
        .vnet('spoke1', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24', routeTable: 'rt-spoke1' }])
        .vnet('spoke2', ['10.2.0.0/16'], [{ name: 's', prefix: '10.2.1.0/24', routeTable: 'rt-spoke2' }])
        .peer('hub', 'spoke1', { allowForwardedTraffic: true }, { allowForwardedTraffic: true })
        .peer('hub', 'spoke2', { allowForwardedTraffic: hubHalf }, { allowForwardedTraffic: spoke2Half })
        .nic('nva-nic', { subnet: 'hub/nva', ip: '10.0.1.4', ipForwarding: true })
        .nic('vm1-nic', { subnet: 'spoke1/s', ip: '10.1.1.4' })
        .nic('vm2-nic', { subnet: 'spoke2/s', ip: '10.2.1.4' })
        .documents(),
    );
  }
  const cells = (dp: DataPlane) => [...computeMatrix(dp).cells].map((c) => `${c.from}->${c.to}`);

  it('8.6: turning it on in spoke2\'s half newly allows exactly spoke1 -> spoke2; turning off the hub\'s half changes nothing', () => {
    const w = computeWhatIf(estate(false, true), estate(true, true), { traces: false });
    expect(w.newlyAllowed.map((f) => `${f.from}->${f.to} ${f.sources.join(',')}`)).toEqual(['vm1-nic->vm2-nic 10.1.1.4/32']);
    expect(w.newlyBlocked).toEqual([]);
    const wrongHalf = computeWhatIf(estate(true, true), estate(true, false), { traces: false });
    expect(wrongHalf.newlyAllowed).toEqual([]);
    expect(wrongHalf.newlyBlocked).toEqual([]);
  });

  it('8.6: the subnet matrix agrees: the spoke1 -> spoke2 cell exists only with the flag on spoke2\'s half, spoke2 -> spoke1 in both', () => {
    expect(cells(estate(false, true))).not.toContain('spoke1/s->spoke2/s');
    expect(cells(estate(false, true))).toContain('spoke2/s->spoke1/s');
    expect(cells(estate(true, false))).toContain('spoke1/s->spoke2/s');
  });
});

describe('rule 8.5 (A11): allowVirtualNetworkAccess false on one half only', () => {
  it('8.5: the answer for the other direction relies on the per-half reading of A11 and must say so', () => {
    // a's half disables access. The engine lets b -> a through by b's half; the rule book says
    // "When this setting is disabled, traffic doesn't flow between the peered virtual networks"
    // (S6 2018) and "Treat disabled as blocked and caveat" (A11). Even in the per-half reading the
    // replies a -> b cross a's disabled half, so a TCP connection b -> a cannot complete. An
    // ACCEPTED with no caveat is a guess made silently.
    const dp = dataPlaneOf(
      new EstateBuilder()
        .vnet('a', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24' }])
        .vnet('b', ['10.2.0.0/16'], [{ name: 's', prefix: '10.2.1.0/24' }])
        .peer('a', 'b', { allowVirtualNetworkAccess: false }, {})
        .nic('a-nic', { subnet: 'a/s', ip: '10.1.1.4' })
        .nic('b-nic', { subnet: 'b/s', ip: '10.2.1.4' })
        .documents(),
    );
    const t = trace(dp, 'b-nic', 'a-nic', 'Tcp', 443);
    expect(codes(t.caveats)).toContain('peering.access-disabled');
  });
});

describe('rule 8.7: gateway transit needs a gateway that supports it, and one useRemoteGateways peering', () => {
  function transit(o: { sku?: string; hubGateway?: boolean; hubUsesRemote?: boolean } = {}) {
    const b = new EstateBuilder()
      .vnet('hub', ['10.0.0.0/16'], [{ name: 'GatewaySubnet', prefix: '10.0.0.0/27' }, { name: 's', prefix: '10.0.1.0/24' }])
      .vnet('spoke', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24' }])
      .peer('hub', 'spoke', { allowGatewayTransit: true, useRemoteGateways: o.hubUsesRemote ?? false }, { useRemoteGateways: true, allowGatewayTransit: o.hubUsesRemote ?? false })
      .nic('spoke-nic', { subnet: 'spoke/s', ip: '10.1.1.4' });
    if (o.hubGateway ?? true) b.vpn('hub', ['172.20.0.0/16']);
    const gw = b.resources.find((r) => r.type === 'Microsoft.Network/virtualNetworkGateways');
    if (gw && o.sku) (gw.properties as Record<string, unknown>).sku = { name: o.sku, tier: o.sku };
    return { b, dp: dataPlaneOf(b.documents()) };
  }
  const gatewayRows = (x: { b: EstateBuilder; dp: DataPlane }, vnet: string) => rows(x.dp, x.b.subnetId(vnet, 's')).filter((r) => r.startsWith('VirtualNetworkGateway'));

  it('8.7: "The transit option can be used with all VPN Gateway SKUs except the Basic SKU": a spoke of a Basic gateway gets no gateway routes', () => {
    const basic = transit({ sku: 'Basic' });
    expect(gatewayRows(basic, 'hub')).toEqual(['VirtualNetworkGateway Active 172.20.0.0/16 VirtualNetworkGateway']);
    expect(gatewayRows(basic, 'spoke')).toEqual([]);
    expect(trace(basic.dp, 'spoke-nic', '172.20.1.1', 'Tcp', 443).disposition).toBe('NULL_ROUTED');
  });

  it('8.7 (control): a hub without a gateway, or both halves asking for remote gateways, gives the spoke nothing; a VpnGw1 hub does', () => {
    expect(gatewayRows(transit({ hubGateway: false }), 'spoke')).toEqual([]);
    expect(gatewayRows(transit({ hubGateway: false, hubUsesRemote: true }), 'spoke')).toEqual([]);
    expect(gatewayRows(transit({ hubGateway: false, hubUsesRemote: true }), 'hub')).toEqual([]);
    const ok = transit();
    expect(gatewayRows(ok, 'spoke')).toEqual(['VirtualNetworkGateway Active 172.20.0.0/16 VirtualNetworkGateway']);
    expect(trace(ok.dp, 'spoke-nic', '172.20.1.1', 'Tcp', 443).disposition).toBe('EXITS_NETWORK');
  });

  it('8.7: "Only one peering can have this flag set to true": a spoke with useRemoteGateways towards two hubs is not resolved silently', () => {
    const b = new EstateBuilder()
      .vnet('hub1', ['10.0.0.0/16'], [{ name: 'GatewaySubnet', prefix: '10.0.0.0/27' }])
      .vnet('hub2', ['10.5.0.0/16'], [{ name: 'GatewaySubnet', prefix: '10.5.0.0/27' }])
      .vnet('spoke', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24' }])
      .peer('hub1', 'spoke', { allowGatewayTransit: true }, { useRemoteGateways: true })
      .peer('hub2', 'spoke', { allowGatewayTransit: true }, { useRemoteGateways: true })
      .vpn('hub1', ['192.168.0.0/16'])
      .vpn('hub2', ['172.20.0.0/16'])
      .nic('spoke-nic', { subnet: 'spoke/s', ip: '10.1.1.4' });
    const snapshot = snapshotOf(b.documents(), { allowErrors: true });
    const dp = dataPlaneOf(b.documents(), { allowErrors: true });
    // The engine takes hub1's gateway and drops hub2's routes without a word.
    const said = [
      ...snapshot.diagnostics.map((d) => d.message),
      ...computeEffectiveRoutesView(dp, b.subnetId('spoke', 's').toLowerCase()).caveats.map((c) => c.message),
    ];
    expect(said.some((m) => /useRemoteGateways/i.test(m))).toBe(true);
  });
});

describe('rules 8.2, 7.5, 6.9: a half that is not Connected, and a default route learned through transit', () => {
  function estate(o: { hubState?: string; spokeNoPropagation?: boolean } = {}) {
    const b = new EstateBuilder()
      .routeTable('rt-spoke', [], o.spokeNoPropagation ?? false)
      .vnet('hub', ['10.0.0.0/16'], [{ name: 'GatewaySubnet', prefix: '10.0.0.0/27' }, { name: 's', prefix: '10.0.1.0/24' }])
      .vnet('spoke', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24', routeTable: 'rt-spoke' }])
      .peer('hub', 'spoke', { allowGatewayTransit: true }, { useRemoteGateways: true }, [o.hubState ?? 'Connected', 'Connected'])
      .vpn('hub', ['0.0.0.0/0'])
      .nic('spoke-nic', { subnet: 'spoke/s', ip: '10.1.1.4' })
      .nic('hub-nic', { subnet: 'hub/s', ip: '10.0.1.4' });
    return { b, dp: dataPlaneOf(b.documents()) };
  }

  it('7.5/8.7: a 0.0.0.0/0 learned through transit removes the spoke\'s reserved None routes and invalidates Internet; 6.9: not with propagation disabled', () => {
    const on = estate();
    expect(rows(on.dp, on.b.subnetId('spoke', 's'))).toEqual([
      'Default Active 10.1.0.0/16 VnetLocal',
      'Default Invalid 0.0.0.0/0 Internet',
      'Default Active 10.0.0.0/16 VNetPeering',
      'VirtualNetworkGateway Active 0.0.0.0/0 VirtualNetworkGateway',
    ]);
    expect(path(trace(on.dp, 'spoke-nic', '172.20.0.5', 'Tcp', 443))).toEqual(['gateway:vgw-hub', 'onPremises:on-premises']);
    const off = estate({ spokeNoPropagation: true });
    const r = rows(off.dp, off.b.subnetId('spoke', 's'));
    expect(r).toContain('Default Active 10.0.0.0/8 None');
    expect(r).toContain('Default Active 0.0.0.0/0 Internet');
    expect(r.some((x) => x.startsWith('VirtualNetworkGateway'))).toBe(false);
    expect(trace(off.dp, 'spoke-nic', '172.20.0.5', 'Tcp', 443).disposition).toBe('NULL_ROUTED');
  });

  it('8.2: one half Disconnected takes the peering route, the transit routes and every flow both ways; what-if lists both directions', () => {
    const broken = estate({ hubState: 'Disconnected' });
    const r = rows(broken.dp, broken.b.subnetId('spoke', 's'));
    expect(r.some((x) => x.includes('VNetPeering') || x.startsWith('VirtualNetworkGateway'))).toBe(false);
    expect(r).toContain('Default Active 10.0.0.0/8 None');
    expect(trace(broken.dp, 'spoke-nic', 'hub-nic', 'Tcp', 443).disposition).toBe('NULL_ROUTED');
    // The hub has no peering route either: its own 0.0.0.0/0 (forced tunnelling) takes the spoke's address on-premises.
    const back = trace(broken.dp, 'hub-nic', 'spoke-nic', 'Tcp', 443);
    expect(path(back)).toEqual(['gateway:vgw-hub', 'onPremises:on-premises']);
    const w = computeWhatIf(estate().dp, broken.dp, { traces: false });
    const pairs = w.newlyBlocked.map((f) => `${f.from}->${f.to}`);
    expect(pairs).toContain('spoke-nic->hub-nic');
    expect(pairs).toContain('hub-nic->spoke-nic');
  });
});

describe('rules 6.3, 6.5, 7.2, 7.4 with peered VNets', () => {
  it('7.2/7.4: a user route with the peered range\'s exact prefix makes the peering route Invalid and takes the traffic; 6.5: the appliance in the same subnet loops', () => {
    // The NVA sits in the subnet whose route table sends the peered range to it (rule 6.5).
    const dp = dataPlaneOf(
      new EstateBuilder()
        .routeTable('rt', [{ name: 'peer-via-nva', prefix: '10.2.0.0/16', nextHopType: 'VirtualAppliance', nextHopIp: '10.1.1.10' }])
        .vnet('a', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24', routeTable: 'rt' }])
        .vnet('b', ['10.2.0.0/16'], [{ name: 's', prefix: '10.2.1.0/24' }])
        .peer('a', 'b')
        .nic('vm-nic', { subnet: 'a/s', ip: '10.1.1.4' })
        .nic('nva-nic', { subnet: 'a/s', ip: '10.1.1.10', ipForwarding: true })
        .nic('b-nic', { subnet: 'b/s', ip: '10.2.1.4' })
        .documents(),
    );
    const r = rows(dp, new EstateBuilder().subnetId('a', 's'));
    expect(r).toContain('Default Invalid 10.2.0.0/16 VNetPeering');
    expect(r).toContain('User Active 10.2.0.0/16 VirtualAppliance 10.1.1.10');
    const t = trace(dp, 'vm-nic', 'b-nic', 'Tcp', 443);
    expect(t.disposition).toBe('LOOP');
    expect(path(t)[0]).toBe('virtualAppliance:nva-nic');
    expect(reach(dp, 'vm-nic', 'b-nic').allowed).toEqual([]);
  });

  it('6.3: traffic addressed to the appliance itself, sent there by a user route, needs no IP forwarding', () => {
    // "Any network interface attached to a virtual machine that forwards network traffic to an
    // address other than its own must have ... IP forwarding" (S1): a packet for the NVA's own IP is
    // not forwarded, so Azure's destination check passes and it is delivered (management SSH to a
    // hub appliance from a spoke whose route table sends the hub range through that appliance).
    const dp = dataPlaneOf(
      new EstateBuilder()
        .routeTable('rt1', [{ name: 'hub-via-nva', prefix: '10.0.0.0/16', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.1.4' }])
        .vnet('hub', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24' }])
        .vnet('spoke1', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24', routeTable: 'rt1' }])
        .peer('hub', 'spoke1')
        .nic('nva-nic', { subnet: 'hub/s', ip: '10.0.1.4', ipForwarding: false })
        .nic('vm1-nic', { subnet: 'spoke1/s', ip: '10.1.1.4' })
        .documents(),
    );
    const t = trace(dp, 'vm1-nic', 'nva-nic', 'Tcp', 22);
    expect(t.source.steps.find((s) => s.kind === 'route')).toMatchObject({ nextHopType: 'VirtualAppliance', route: 'hub-via-nva' });
    expect(t.disposition).toBe('ACCEPTED');
    expect(reach(dp, 'vm1-nic', 'nva-nic').allowed.map((p) => p.protocol)).toContain('Tcp');
  });
});
