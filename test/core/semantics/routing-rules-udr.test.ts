// User-defined routes, pinned to the rule book (../shared/azure-semantics.md): rules 6.1, 6.4, 6.7.
// Source: "Virtual network traffic routing", sections "Custom routes" and "Next hop types across
// Azure tools" (learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview, S1); the
// ARM shape is routeTable.json (Azure/azure-rest-api-specs, S28).
//
// Already pinned elsewhere: 6.4 "a next hop address that nothing holds drops the packet"
// (test/core/trace/forwarding.test.ts, disposition only); 6.7 VnetLocal override
// (test/core/dataplane/effective-routes.test.ts "6.7").

import { describe, expect, it } from 'vitest';
import { computeEffectiveRoutesView, computeNextHop } from '../../../core/index.ts';
import { EstateBuilder } from '../../support/estate-builder.ts';
import { dataPlaneOf, ip } from '../../support/load.ts';
import { codes, rows } from './helpers.ts';
import { path, trace } from '../trace/helpers.ts';


describe('rule 6.1: a route table is associated to zero or more subnets, and combined with their default routes', () => {
  function estate() {
    const b = new EstateBuilder()
      .routeTable('rt-shared', [
        { name: 'onprem-via-nva', prefix: '172.16.0.0/12', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.9.4' },
        { name: 'blackhole', prefix: '203.0.113.0/24', nextHopType: 'None' },
      ])
      .vnet('v', ['10.0.0.0/16'], [
        { name: 'a', prefix: '10.0.1.0/24', routeTable: 'rt-shared' },
        { name: 'b', prefix: '10.0.2.0/24', routeTable: 'rt-shared' },
        { name: 'c', prefix: '10.0.3.0/24' },
      ]);
    return { b, dp: dataPlaneOf(b.documents()) };
  }

  it('6.1: every subnet associated with the table gets all its routes; a subnet without it gets none', () => {
    const { b, dp } = estate();
    for (const s of ['a', 'b']) {
      const r = rows(dp, b.subnetId('v', s));
      expect(r, s).toContain('User Active 172.16.0.0/12 VirtualAppliance 10.0.9.4');
      expect(r, s).toContain('User Active 203.0.113.0/24 None');
    }
    expect(rows(dp, b.subnetId('v', 'c')).some((x) => x.startsWith('User'))).toBe(false);
  });

  it('6.1: on a conflict the user route overrides the default route (172.16.0.0/12 None turns Invalid), and decides the next hop', () => {
    const { b, dp } = estate();
    const a = b.subnetId('v', 'a');
    expect(rows(dp, a)).toContain('Default Invalid 172.16.0.0/12 None');
    expect(computeNextHop(dp, a.toLowerCase(), ip('172.20.1.1'))).toMatchObject({
      nextHopType: 'VirtualAppliance',
      nextHopIpAddress: '10.0.9.4',
      routeTableId: b.id('Microsoft.Network/routeTables', 'rt-shared'),
    });
    // A user None route drops traffic Azure would otherwise send to the internet.
    expect(computeNextHop(dp, a.toLowerCase(), ip('203.0.113.9')).nextHopType).toBe('None');
    expect(computeNextHop(dp, b.subnetId('v', 'c').toLowerCase(), ip('203.0.113.9')).nextHopType).toBe('Internet');
  });

  it('6.1: the table\'s disableBgpRoutePropagation is reported with the effective routes of its subnets only', () => {
    const b = new EstateBuilder()
      .routeTable('rt-off', [], true)
      .routeTable('rt-on', [], false)
      .vnet('v', ['10.0.0.0/16'], [
        { name: 'off', prefix: '10.0.1.0/24', routeTable: 'rt-off' },
        { name: 'on', prefix: '10.0.2.0/24', routeTable: 'rt-on' },
        { name: 'none', prefix: '10.0.3.0/24' },
      ]);
    const dp = dataPlaneOf(b.documents());
    const flag = (s: string) => new Set(computeEffectiveRoutesView(dp, b.subnetId('v', s).toLowerCase()).value.map((r) => r.disableBgpRoutePropagation));
    expect(flag('off')).toEqual(new Set([true]));
    expect(flag('on')).toEqual(new Set([false]));
    expect(flag('none')).toEqual(new Set([false]));
  });
});

describe('rule 6.4: a VirtualAppliance next hop without direct connectivity is an invalid configuration: dropped, with a caveat', () => {
  /**
   * Subnet `s` sends 0.0.0.0/0 to `nextHop`. The estate also has: a forwarding NVA in a connected
   * peered VNet (10.1.1.4), one in a VNet peered only on one side (10.2.1.4), one in a VNet not peered
   * at all (10.3.1.4), a private endpoint (10.0.5.4) and an on-premises network behind a VPN gateway.
   */
  function estate(nextHop: string) {
    const b = new EstateBuilder()
      .routeTable('rt', [{ name: 'default', prefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIp: nextHop }])
      .vnet('v', ['10.0.0.0/16'], [
        { name: 'GatewaySubnet', prefix: '10.0.0.0/27' },
        { name: 's', prefix: '10.0.1.0/24', routeTable: 'rt' },
        { name: 'pe', prefix: '10.0.5.0/24' },
      ])
      .vnet('peered', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24' }])
      .vnet('half', ['10.2.0.0/16'], [{ name: 's', prefix: '10.2.1.0/24' }])
      .vnet('apart', ['10.3.0.0/16'], [{ name: 's', prefix: '10.3.1.0/24' }])
      .peer('v', 'peered', { allowForwardedTraffic: true }, { allowForwardedTraffic: true })
      .peer('v', 'half', {}, {}, ['Connected', 'Initiated'])
      .vpn('v', ['192.168.50.0/24'])
      .nic('vm-nic', { subnet: 'v/s', ip: '10.0.1.4' })
      .nic('nva-peered', { subnet: 'peered/s', ip: '10.1.1.4', ipForwarding: true })
      .nic('nva-half', { subnet: 'half/s', ip: '10.2.1.4', ipForwarding: true })
      .nic('nva-apart', { subnet: 'apart/s', ip: '10.3.1.4', ipForwarding: true })
      .privateEndpoint('pe-st', { subnet: 'v/pe', ip: '10.0.5.4', target: '/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/rg-test/providers/Microsoft.Storage/storageAccounts/st1' });
    return dataPlaneOf(b.documents());
  }

  it('6.4: an address that nothing holds: NOT_FORWARDED at the appliance stage, and the route.appliance-missing caveat', () => {
    const t = trace(estate('10.0.1.200'), 'vm-nic', '93.184.216.34', 'Tcp', 443);
    expect(t.disposition).toBe('NOT_FORWARDED');
    expect(t.reachable).toBe(false);
    expect(t.stoppedBy).toMatchObject({ stage: 'virtualAppliance', nextHopType: 'VirtualAppliance' });
    expect(codes(t.caveats)).toContain('route.appliance-missing');
  });

  it('6.4: an appliance on-premises (reached only through the VPN gateway) has no direct connectivity: dropped, with the caveat', () => {
    const t = trace(estate('192.168.50.10'), 'vm-nic', '93.184.216.34', 'Tcp', 443);
    expect(t.disposition).toBe('NOT_FORWARDED');
    expect(path(t)).not.toContain('gateway:vgw-v');
    expect(codes(t.caveats)).toContain('route.appliance-missing');
  });

  it('6.4: an appliance in a VNet that is not peered, or peered on one side only (Initiated), is not reachable: dropped, with the caveat', () => {
    for (const nh of ['10.3.1.4', '10.2.1.4']) {
      const t = trace(estate(nh), 'vm-nic', '93.184.216.34', 'Tcp', 443);
      expect(t.disposition, nh).toBe('NOT_FORWARDED');
      expect(path(t), nh).toEqual([]);
      expect(codes(t.caveats), nh).toContain('route.appliance-missing');
    }
  });

  it('6.4: an address held by something that does not forward (a private endpoint) drops the packet', () => {
    const t = trace(estate('10.0.5.4'), 'vm-nic', '93.184.216.34', 'Tcp', 443);
    expect(t.disposition).toBe('NOT_FORWARDED');
    expect(t.reachable).toBe(false);
  });

  it('6.4 (control): a forwarding appliance in a connected peered VNet is a valid next hop (rule 6.3 service chaining)', () => {
    const t = trace(estate('10.1.1.4'), 'vm-nic', '93.184.216.34', 'Tcp', 443);
    expect(path(t)[0]).toBe('virtualAppliance:nva-peered');
    expect(codes(t.caveats)).not.toContain('route.appliance-missing');
  });
});

describe('rule 6.7: Internet as a user route next hop', () => {
  function estate() {
    const b = new EstateBuilder()
      .routeTable('rt', [
        { name: 'default', prefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.9.4' },
        { name: 'direct', prefix: '13.107.0.0/16', nextHopType: 'Internet' },
      ])
      .vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', routeTable: 'rt' }, { name: 'nva', prefix: '10.0.9.0/24' }])
      .nic('vm-nic', { subnet: 'v/s', ip: '10.0.1.4' })
      .nic('nva-nic', { subnet: 'v/nva', ip: '10.0.9.4', ipForwarding: true });
    return dataPlaneOf(b.documents());
  }

  it('6.7: a more specific Internet user route sends its prefix straight out, while the rest follows 0.0.0.0/0 to the appliance', () => {
    const dp = estate();
    const direct = trace(dp, 'vm-nic', '13.107.21.200', 'Tcp', 443);
    expect(direct.disposition).toBe('EXITS_NETWORK');
    expect(path(direct)).toEqual(['internet:internet']);
    expect(direct.source.steps.find((s) => s.kind === 'route')).toMatchObject({ source: 'User', route: 'direct', nextHopType: 'Internet', addressPrefix: '13.107.0.0/16' });
    const other = trace(dp, 'vm-nic', '93.184.216.34', 'Tcp', 443);
    expect(path(other)[0]).toBe('virtualAppliance:nva-nic');
  });
});
