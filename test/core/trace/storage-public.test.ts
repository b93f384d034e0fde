// Storage public endpoint from outside the estate (rule 10.7): the account's network rules are
// applied to the whole source set, so reach lists exactly the clients the IP rules admit.

import { describe, expect, it } from 'vitest';
import { EstateBuilder } from '../../support/estate-builder.ts';
import { dataPlaneOf } from '../../support/load.ts';
import { reach, trace } from './helpers.ts';

function estate(acct: Parameters<EstateBuilder['storageAccount']>[1]) {
  const b = new EstateBuilder().vnet('v', ['10.0.0.0/16'], [{ name: 'a', prefix: '10.0.1.0/24' }]).nic('a-nic', { subnet: 'v/a', ip: '10.0.1.4' }).storageAccount('stacct', acct);
  return dataPlaneOf(b.documents());
}

const parts = (r: ReturnType<typeof reach>) => r.allowed.map((p) => `${p.protocol} ${p.ports.join(',')} from ${p.sources.join(',')}`);

describe('storage public endpoint: network rules on the source set (rule 10.7)', () => {
  it('defaultAction Deny with IP rules: reach from the internet lists exactly the ruled prefixes', () => {
    const dp = estate({ defaultAction: 'Deny', ipRules: ['198.51.100.0/24', '192.0.2.7'] });
    expect(parts(reach(dp, 'internet', 'stacct'))).toEqual(['Tcp 443 from 192.0.2.7/32,198.51.100.0/24']);
    // The trace names the IP rule for an admitted source and the default for another.
    const ok = trace(dp, '198.51.100.20', 'stacct', 'Tcp', 443);
    expect(ok.disposition).toBe('ACCEPTED');
    expect(ok.allowedBy).toContainEqual({ paasFirewall: expect.stringContaining('stacct'), rule: 'networkAcls.ipRules[0]' });
    expect(trace(dp, '192.0.2.7', 'stacct', 'Tcp', 443).allowedBy).toContainEqual({ paasFirewall: expect.stringContaining('stacct'), rule: 'networkAcls.ipRules[1]' });
    expect(trace(dp, '8.8.8.8', 'stacct', 'Tcp', 443)).toMatchObject({ disposition: 'DENIED_BY_SERVICE', stoppedBy: { rule: 'networkAcls.defaultAction' } });
  });

  it('an IP rule covering the example address does not open the account to the whole internet', () => {
    const dp = estate({ defaultAction: 'Deny', ipRules: ['203.0.113.0/24'] });
    expect(parts(reach(dp, 'internet', 'stacct'))).toEqual(['Tcp 443 from 203.0.113.0/24']);
  });

  it('publicNetworkAccess Disabled admits no public client; defaultAction Allow admits all', () => {
    expect(reach(estate({ defaultAction: 'Allow', publicNetworkAccess: 'Disabled', ipRules: ['198.51.100.0/24'] }), 'internet', 'stacct').allowed).toEqual([]);
    const open = reach(estate({ defaultAction: 'Allow' }), 'internet', 'stacct');
    expect(open.allowed).toHaveLength(1);
    expect(open.allowed[0].sources.length).toBeGreaterThan(1);
  });
});

describe('storage IP rules against the egress addresses of an internal source (rule 10.7)', () => {
  function egressEstate(ipRules: string[], natGateway = true) {
    const b = new EstateBuilder().publicIp('pip-ng1', '20.0.0.1').publicIp('pip-ng2', '20.0.0.2');
    if (natGateway) b.add({ id: b.id('Microsoft.Network/natGateways', 'ng'), name: 'ng', type: 'Microsoft.Network/natGateways', location: 'westeurope', sku: { name: 'Standard' }, properties: { publicIpAddresses: [{ id: b.id('Microsoft.Network/publicIPAddresses', 'pip-ng1') }, { id: b.id('Microsoft.Network/publicIPAddresses', 'pip-ng2') }] } });
    b.vnet('v', ['10.0.0.0/16'], [{ name: 'a', prefix: '10.0.1.0/24', natGateway: natGateway ? 'ng' : undefined }]).nic('a-nic', { subnet: 'v/a', ip: '10.0.1.4' }).storageAccount('stacct', { defaultAction: 'Deny', ipRules });
    // IP rules apply only to clients outside the account's region.
    (b.resources.find((r) => r.name === 'stacct') as { location: string }).location = 'northeurope';
    return dataPlaneOf(b.documents());
  }
  const codes = (t: { caveats: { code: string }[] }) => t.caveats.map((c) => c.code);

  it('a NAT gateway with two addresses, one admitted: reachable, with a caveat that some connections are refused', () => {
    const t = trace(egressEstate(['20.0.0.2']), 'a-nic', 'stacct', 'Tcp', 443);
    expect(t.disposition).toBe('ACCEPTED');
    expect(t.allowedBy).toContainEqual({ paasFirewall: expect.stringContaining('stacct'), rule: 'networkAcls.ipRules[0]' });
    expect(codes(t)).toContain('storage.egress-ip-partial');
    expect(reach(egressEstate(['20.0.0.2']), 'a-nic', 'stacct').allowed).toHaveLength(1);
  });

  it('both admitted: no caveat; none admitted: refused', () => {
    const both = trace(egressEstate(['20.0.0.0/30']), 'a-nic', 'stacct', 'Tcp', 443);
    expect(both.disposition).toBe('ACCEPTED');
    expect(codes(both)).not.toContain('storage.egress-ip-partial');
    expect(trace(egressEstate(['198.51.100.0/24']), 'a-nic', 'stacct', 'Tcp', 443).disposition).toBe('DENIED_BY_SERVICE');
  });

  it('default outbound access (address unknown): refused, and the answer says the IP rules could not be applied', () => {
    const t = trace(egressEstate(['20.0.0.0/30'], false), 'a-nic', 'stacct', 'Tcp', 443);
    expect(t.disposition).toBe('DENIED_BY_SERVICE');
    expect(codes(t)).toContain('storage.egress-ip-unknown');
  });
});
