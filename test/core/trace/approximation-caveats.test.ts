// Trace and reach name the same approximations (rule 4.3, A4): when an NSG decision on the path
// leans on the Internet tag (or on a service tag that is not loaded), both answers carry the
// caveat that says so, and neither carries it when no decision did.

import { describe, expect, it } from 'vitest';
import { EstateBuilder } from '../../support/estate-builder.ts';
import { dataPlaneOf } from '../../support/load.ts';
import { reach, trace } from './helpers.ts';

function estate(source = 'Internet') {
  const b = new EstateBuilder()
    .publicIp('pip-vm', '20.1.2.3')
    .nsg('nsg', [{ name: 'Allow-SSH', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source, destinationPorts: '22' }])
    .vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', nsg: 'nsg' }])
    .nic('vm-nic', { subnet: 'v/s', ip: '10.0.1.4', publicIp: 'pip-vm' })
    .nic('vm2-nic', { subnet: 'v/s', ip: '10.0.1.5' });
  return dataPlaneOf(b.documents());
}

const codes = (c: { code: string }[]) => c.map((x) => x.code);

describe('approximation caveats agree between trace and reach', () => {
  it('an inbound rule on the Internet tag: both carry tag.internet-approx', () => {
    const dp = estate();
    const t = trace(dp, 'internet', 'vm-nic', 'Tcp', 22, { viaPublicIp: true });
    expect(t.disposition).toBe('ACCEPTED');
    expect(codes(t.caveats)).toEqual(expect.arrayContaining(['trace.approximate-nsg', 'tag.internet-approx']));
    const r = reach(dp, 'internet', 'vm-nic', { viaPublicIp: true });
    expect(codes(r.caveats)).toEqual(expect.arrayContaining(['trace.approximate-nsg', 'tag.internet-approx']));
  });

  it('egress allowed by AllowInternetOutBound: both carry it', () => {
    const dp = estate();
    expect(codes(trace(dp, 'vm2-nic', '8.8.8.8', 'Tcp', 443).caveats)).toContain('tag.internet-approx');
    expect(codes(reach(dp, 'vm2-nic', '8.8.8.8').caveats)).toContain('tag.internet-approx');
  });

  it('inside the VNet no decision leans on it: neither carries it', () => {
    const dp = estate();
    expect(codes(trace(dp, 'vm2-nic', 'vm-nic', 'Tcp', 22).caveats)).not.toContain('tag.internet-approx');
    expect(codes(reach(dp, 'vm2-nic', 'vm-nic').caveats)).not.toContain('tag.internet-approx');
  });

  it('an unloaded service tag: both carry tag.unknown', () => {
    const dp = estate('AzureCloud');
    expect(codes(trace(dp, 'internet', 'vm-nic', 'Tcp', 22, { viaPublicIp: true }).caveats)).toContain('tag.unknown');
    expect(codes(reach(dp, 'internet', 'vm-nic', { viaPublicIp: true }).caveats)).toContain('tag.unknown');
  });
});
