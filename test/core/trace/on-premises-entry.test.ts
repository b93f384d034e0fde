// On-premises entry through virtual network gateways (rules 9.1, 8.7): with several hubs, each with
// its own gateways and connections, traffic enters through every gateway whose connections cover
// the source (or the one the question names), never just the first gateway VNet found.

import { describe, expect, it } from 'vitest';
import { computeExposure } from '../../../core/index.ts';
import { EstateBuilder } from '../../support/estate-builder.ts';
import { dataPlaneOf } from '../../support/load.ts';
import { twoHubDocuments } from '../../support/two-hubs.ts';
import { path, reach, trace } from './helpers.ts';

function twoHubs(lng1: string[], lng2: string[]) {
  return dataPlaneOf(twoHubDocuments(lng1, lng2));
}

describe('on-premises entry with several hubs', () => {
  it('a prefix advertised to two hubs enters through the hub that leads to the destination', () => {
    const dp = twoHubs(['192.168.0.0/16'], ['192.168.0.0/16']);
    const t = trace(dp, '192.168.1.10', 'vm2', 'Tcp', 22);
    expect(t.disposition).toBe('ACCEPTED');
    expect(path(t)[0]).toBe('gateway:vgw-hub2');
    // and through gateway transit to hub2's spoke
    const s = trace(dp, '192.168.1.10', 'vm3', 'Tcp', 22);
    expect(s.disposition).toBe('ACCEPTED');
    expect(path(s)[0]).toBe('gateway:vgw-hub2');
    expect(trace(dp, '192.168.1.10', 'vm1', 'Tcp', 22).disposition).toBe('ACCEPTED');
  });

  it('each site enters through its own hub; reach lists the sources of every gateway that leads there', () => {
    const dp = twoHubs(['192.168.1.0/24'], ['192.168.2.0/24', '192.168.1.128/25']);
    expect(trace(dp, '192.168.2.5', 'vm2', 'Tcp', 22).disposition).toBe('ACCEPTED');
    expect(trace(dp, '192.168.2.5', 'vm1', 'Tcp', 22)).toMatchObject({ disposition: 'NO_ROUTE' });
    expect(trace(dp, '192.168.1.200', 'vm2', 'Tcp', 22).disposition).toBe('ACCEPTED');
    const all = reach(dp, '192.168.1.200', 'vm2');
    expect(all.allowed.map((p) => p.sources.join(','))).toContain('192.168.1.200/32');
  });

  it('a question that names a gateway enters through that gateway only', () => {
    const dp = twoHubs(['192.168.0.0/16'], ['192.168.0.0/16']);
    const via = (name: string) => ({ gatewayId: [...dp.snapshot.virtualNetworkGateways.values()].find((g) => g.name === name)!.id });
    expect(path(trace(dp, '192.168.1.10', 'vm2', 'Tcp', 22, via('vgw-hub2')))[0]).toBe('gateway:vgw-hub2');
    // hub1 has no route to hub2 (not peered): entering there, the flow goes nowhere.
    expect(trace(dp, '192.168.1.10', 'vm2', 'Tcp', 22, via('vgw-hub1')).disposition).not.toBe('ACCEPTED');
    expect(path(trace(dp, '192.168.1.10', 'vm1', 'Tcp', 22, via('vgw-hub1')))[0]).toBe('gateway:vgw-hub1');
    expect(reach(dp, '192.168.1.10', 'vm2', via('vgw-hub1')).allowed).toEqual([]);
    expect(reach(dp, '192.168.1.10', 'vm2', via('vgw-hub2')).allowed.length).toBeGreaterThan(0);
  });

  it('two gateways in one VNet: the hop is the gateway whose connection covers the source', () => {
    const b = new EstateBuilder()
      .vnet('hub', ['10.1.0.0/16'], [{ name: 'GatewaySubnet', prefix: '10.1.255.0/27' }, { name: 'app', prefix: '10.1.1.0/24' }])
      .nic('vm1', { subnet: 'hub/app', ip: '10.1.1.4' })
      .vpn('hub', ['192.168.1.0/24'], { name: 'site-a' })
      .vpn('hub', ['192.168.2.0/24'], { name: 'site-b' });
    const dp = dataPlaneOf(b.documents());
    expect(path(trace(dp, '192.168.1.9', 'vm1', 'Tcp', 22))[0]).toBe('gateway:vgw-site-a');
    expect(path(trace(dp, '192.168.2.9', 'vm1', 'Tcp', 22))[0]).toBe('gateway:vgw-site-b');
  });

  it('exposure from on-premises names, for each item, the gateway its clients come through', () => {
    // One site connected to both hubs: hub2 and its spoke are exposed through vgw-hub2.
    const dp = twoHubs(['192.168.0.0/16'], ['192.168.0.0/16']);
    const o = computeExposure(dp, { from: 'onprem', storage: false });
    const byName = (n: string) => [...new Set(o.exposed.filter((x) => x.name === n).flatMap((x) => x.allowed.map((a) => `${x.entry.name} ${a.sources.join(',')}`)))];
    expect(byName('vm1')).toEqual(['vgw-hub1 192.168.0.0/16']);
    expect(byName('vm2')).toEqual(['vgw-hub2 192.168.0.0/16']);
    expect(byName('vm3')).toEqual(['vgw-hub2 192.168.0.0/16']);
  });
});
