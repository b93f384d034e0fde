// On-premises entry through virtual network gateways (rules 9.1, 8.7): with several hubs, each with
// its own gateways and connections, traffic enters through every gateway whose connections cover
// the source (or the one the question names), never just the first gateway VNet found.

import { describe, expect, it } from 'vitest';
import { computeExposure } from '../../../core/index.ts';
import { EstateBuilder } from '../../support/estate-builder.ts';
import { dataPlaneOf } from '../../support/load.ts';
import { path, reach, trace } from './helpers.ts';

function twoHubs(lng1: string[], lng2: string[]) {
  const b = new EstateBuilder()
    .vnet('hub1', ['10.1.0.0/16'], [{ name: 'GatewaySubnet', prefix: '10.1.255.0/27' }, { name: 'app', prefix: '10.1.1.0/24' }])
    .vnet('hub2', ['10.2.0.0/16'], [{ name: 'GatewaySubnet', prefix: '10.2.255.0/27' }, { name: 'app', prefix: '10.2.1.0/24' }])
    .vnet('spoke2', ['10.3.0.0/16'], [{ name: 'app', prefix: '10.3.1.0/24' }])
    .peer('spoke2', 'hub2', { useRemoteGateways: true }, { allowGatewayTransit: true })
    .nic('vm1', { subnet: 'hub1/app', ip: '10.1.1.4' })
    .nic('vm2', { subnet: 'hub2/app', ip: '10.2.1.4' })
    .nic('vm3', { subnet: 'spoke2/app', ip: '10.3.1.4' })
    .vpn('hub1', lng1)
    .vpn('hub2', lng2);
  return dataPlaneOf(b.documents());
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
