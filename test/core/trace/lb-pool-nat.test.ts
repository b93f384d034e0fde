// Pool-based inbound NAT rules (inbound NAT rule V2: frontendPortRangeStart/End over a backend
// pool, https://learn.microsoft.com/azure/load-balancer/inbound-nat-rules). Azure gives each pool
// member one port of the range; exports do not say which, so every port of the range is taken to
// reach each member on backendPort, and the answer says so (caveat lb.nat-pool-mapping).

import { describe, expect, it } from 'vitest';
import { computeExposure } from '../../../core/index.ts';
import { EstateBuilder } from '../../support/estate-builder.ts';
import { dataPlaneOf } from '../../support/load.ts';
import { reach, trace } from './helpers.ts';

function estate() {
  const b = new EstateBuilder()
    .publicIp('pip-lb', '20.1.2.4')
    .nsg('nsg', [{ name: 'Allow-SSH', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: 'Internet', destinationPorts: '22' }])
    .vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', nsg: 'nsg' }])
    .nic('vm1-nic', { subnet: 'v/s', ip: '10.0.1.4' })
    .nic('vm2-nic', { subnet: 'v/s', ip: '10.0.1.5' })
    .loadBalancer('lb', { publicIp: 'pip-lb', pool: ['vm1-nic', 'vm2-nic'], poolNatRules: [{ name: 'ssh-pool', protocol: 'Tcp', frontendPortRangeStart: 50000, frontendPortRangeEnd: 50009, backendPort: 22 }] });
  return dataPlaneOf(b.documents());
}

describe('pool-based inbound NAT rules', () => {
  it('trace: a port of the range reaches a member on the backend port, with the mapping caveat', () => {
    const dp = estate();
    const t = trace(dp, 'internet', 'vm2-nic', 'Tcp', 50003, { viaPublicIp: true });
    expect(t.disposition).toBe('ACCEPTED');
    expect(t.hops[0].steps.find((s) => s.kind === 'entry')).toMatchObject({ via: 'inboundNatRule', frontendPort: 50003, backendPort: 22 });
    expect(t.hops[0].steps.find((s) => s.kind === 'nat')).toMatchObject({ type: 'PAT', from: '20.1.2.4:50003', to: '10.0.1.5:22' });
    expect(t.caveats.map((c) => c.code)).toContain('lb.nat-pool-mapping');
    expect(trace(dp, 'internet', 'vm2-nic', 'Tcp', 50010, { viaPublicIp: true }).disposition).toBe('NO_ENTRY_POINT');
    expect(trace(dp, 'internet', 'vm2-nic', 'Tcp', 22, { viaPublicIp: true }).disposition).toBe('NO_ENTRY_POINT');
  });

  it('reach: the whole frontend range, via the rule, with the caveat', () => {
    const r = reach(estate(), 'internet', 'vm1-nic', { viaPublicIp: true });
    expect(r.allowed.map((p) => `${p.protocol} ${p.ports.join(',')} via ${p.via}`)).toEqual(['Tcp 50000-50009 via lb/ssh-pool']);
    expect(r.caveats.map((c) => c.code)).toContain('lb.nat-pool-mapping');
    expect(r.entries).toContainEqual(expect.objectContaining({ via: 'inboundNatRule', name: 'lb/ssh-pool', frontendPort: 50000, frontendPortRange: '50000-50009', backendPort: 22 }));
  });

  it('exposure lists every pool member on the frontend range', () => {
    const o = computeExposure(estate(), { storage: false });
    const items = o.exposed.map((x) => `${x.name} ${x.entry.via} ${x.allowed.map((a) => `${a.protocol} ${a.ports.join(',')}`).join(';')}`);
    expect(items).toEqual(['vm1-nic inboundNatRule Tcp 50000-50009', 'vm2-nic inboundNatRule Tcp 50000-50009']);
    expect(o.caveats.map((c) => c.code)).toContain('lb.nat-pool-mapping');
  });
});
