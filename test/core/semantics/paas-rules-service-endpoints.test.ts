// Service endpoints and service tags (rule book 4.4, 10.2-10.6), through the public API on
// REST-shaped estates. Sources:
// - learn.microsoft.com/azure/virtual-network/virtual-network-service-endpoints-overview (S9):
//   "service traffic switches to use virtual network private addresses as the source IP
//   addresses" (10.2); "To reach the Azure service, NSGs need to allow outbound connectivity"
//   (10.4); on-premises traffic cannot use service endpoints (10.5); Storage endpoints are
//   regional, storage also the paired region (10.6).
// - learn.microsoft.com/azure/virtual-network/virtual-networks-faq (S8): "Only turning on service
//   endpoints ... does not provide you the limited access" (10.3).
// - learn.microsoft.com/azure/virtual-network/service-tags-overview (S4): tags are prefix sets,
//   optionally regional; a service endpoint route has the tag's prefixes (4.4); and
//   tutorial-restrict-network-access-to-resources (S23): an Allow Storage rule must come before a
//   Deny Internet rule, Azure tags being public (Internet) space (4.4).
// - learn.microsoft.com/azure/storage/common/storage-network-security (S10): IP rules "have no
//   effect on requests originating from the same Azure region" (used to set up 10.2).

import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeEffectiveRoutesView, computeFindings, type DataPlane, type Trace } from '../../../core/index.ts';
import { EstateBuilder, type RuleSpec } from '../../support/estate-builder.ts';
import { dataPlaneOf, PUBLIC_SERVICE_TAGS } from '../../support/load.ts';
import { trace } from '../trace/helpers.ts';

const HAVE_TAGS = existsSync(PUBLIC_SERVICE_TAGS);

type Json = Record<string, unknown>;

function setLocation(b: EstateBuilder, name: string, location: string): void {
  (b.resources.find((r) => r.name === name) as Json).location = location;
}

function routeStep(t: Trace) {
  return t.source.steps.find((s) => s.kind === 'route');
}

function codes(t: { caveats: { code: string }[] }): string[] {
  return t.caveats.map((c) => c.code);
}

/**
 * A VNet in westeurope with one subnet `a` (a NAT gateway with public IP 20.0.0.1 for egress) and
 * a storage account; the subnet's service endpoints, the account's region and rules are per test.
 */
function natEstate(o: { serviceEndpoints?: { service: string; locations?: string[] }[]; accountLocation: string; acct: Parameters<EstateBuilder['storageAccount']>[1] }): DataPlane {
  const b = new EstateBuilder().publicIp('pip-ng', '20.0.0.1');
  b.add({ id: b.id('Microsoft.Network/natGateways', 'ng'), name: 'ng', type: 'Microsoft.Network/natGateways', location: 'westeurope', sku: { name: 'Standard' }, properties: { publicIpAddresses: [{ id: b.id('Microsoft.Network/publicIPAddresses', 'pip-ng') }] } });
  b.vnet('v', ['10.0.0.0/16'], [{ name: 'a', prefix: '10.0.1.0/24', natGateway: 'ng', serviceEndpoints: o.serviceEndpoints }])
    .nic('a-nic', { subnet: 'v/a', ip: '10.0.1.4' })
    .storageAccount('stacct', o.acct);
  setLocation(b, 'stacct', o.accountLocation);
  return dataPlaneOf(b.documents());
}

describe('rule 10.2: over a service endpoint the service sees the private source address, not the public one', () => {
  // The account is in the paired region (northeurope), where IP rules do apply to the VNet's
  // public egress address; the endpoint's locations include that region.
  const acct = { defaultAction: 'Deny', ipRules: ['20.0.0.1'] };

  it('without the endpoint, the NAT gateway address is what the account judges: its IP rule admits it', () => {
    const t = trace(natEstate({ accountLocation: 'northeurope', acct }), 'a-nic', 'stacct', 'Tcp', 443);
    expect(t.disposition).toBe('ACCEPTED');
    expect(routeStep(t)).toMatchObject({ nextHopType: 'Internet' });
    expect(t.allowedBy).toContainEqual({ paasFirewall: expect.stringContaining('stacct'), rule: 'networkAcls.ipRules[0]' });
  });

  it('with the endpoint, the same IP rule no longer admits the traffic (source is 10.0.1.4): refused by defaultAction Deny', () => {
    const t = trace(natEstate({ serviceEndpoints: [{ service: 'Microsoft.Storage', locations: ['westeurope', 'northeurope'] }], accountLocation: 'northeurope', acct }), 'a-nic', 'stacct', 'Tcp', 443);
    expect(routeStep(t)).toMatchObject({ nextHopType: 'VirtualNetworkServiceEndpoint' });
    // No public egress on the way: the packet keeps its private source.
    expect(t.source.steps.some((s) => s.kind === 'egress' || s.kind === 'nat')).toBe(false);
    expect(t.flow.src).toBe('10.0.1.4');
    expect(t).toMatchObject({ disposition: 'DENIED_BY_SERVICE', stoppedBy: { stage: 'paasFirewall', rule: 'networkAcls.defaultAction' } });
  });

  it('with the endpoint, a virtual network rule for the subnet is what admits it', () => {
    const b = natEstate({ serviceEndpoints: [{ service: 'Microsoft.Storage', locations: ['westeurope', 'northeurope'] }], accountLocation: 'northeurope', acct: { defaultAction: 'Deny', ipRules: ['20.0.0.1'], vnetRules: ['v/a'] } });
    const t = trace(b, 'a-nic', 'stacct', 'Tcp', 443);
    expect(t.disposition).toBe('ACCEPTED');
    expect(t.allowedBy).toContainEqual({ paasFirewall: expect.stringContaining('stacct'), rule: 'networkAcls.virtualNetworkRules[0]' });
  });
});

describe('rule 10.3: enabling a service endpoint restricts nothing by itself', () => {
  function estate(acct: Parameters<EstateBuilder['storageAccount']>[1]) {
    const b = new EstateBuilder()
      .vnet('v', ['10.0.0.0/16'], [
        { name: 'se', prefix: '10.0.1.0/24', serviceEndpoints: [{ service: 'Microsoft.Storage' }] },
        { name: 'plain', prefix: '10.0.2.0/24' },
      ])
      .nic('se-nic', { subnet: 'v/se', ip: '10.0.1.4' })
      .nic('plain-nic', { subnet: 'v/plain', ip: '10.0.2.4' })
      .storageAccount('stacct', acct);
    return dataPlaneOf(b.documents());
  }

  it('an account left at defaultAction Allow still admits the endpoint subnet by its default, other subnets and the internet', () => {
    const dp = estate({ defaultAction: 'Allow' });
    const viaSe = trace(dp, 'se-nic', 'stacct', 'Tcp', 443);
    expect(routeStep(viaSe)).toMatchObject({ nextHopType: 'VirtualNetworkServiceEndpoint' });
    expect(viaSe.allowedBy).toContainEqual({ paasFirewall: expect.stringContaining('stacct'), rule: 'networkAcls.defaultAction' });
    expect(trace(dp, 'plain-nic', 'stacct', 'Tcp', 443).disposition).toBe('ACCEPTED');
    expect(trace(dp, '198.51.100.7', 'stacct', 'Tcp', 443).disposition).toBe('ACCEPTED');
  });

  it('the public-access finding still fires for that account: the endpoint did not close it', () => {
    const f = computeFindings(estate({ defaultAction: 'Allow' }), { only: ['ZT-PAAS-PUBLIC-ACCESS'] });
    expect(f.findings.map((x) => x.name ?? x.resource)).toEqual([expect.stringContaining('stacct')]);
  });

  it('the limit comes from the account side (VNet ACLs): defaultAction Deny without a rule for the subnet refuses even the endpoint subnet', () => {
    const t = trace(estate({ defaultAction: 'Deny' }), 'se-nic', 'stacct', 'Tcp', 443);
    expect(routeStep(t)).toMatchObject({ nextHopType: 'VirtualNetworkServiceEndpoint' });
    expect(t).toMatchObject({ disposition: 'DENIED_BY_SERVICE', stoppedBy: { stage: 'paasFirewall', rule: 'networkAcls.defaultAction' } });
  });
});

describe.skipIf(!HAVE_TAGS)('rules 10.4 and 4.4: NSGs still judge service-endpoint traffic; Storage is part of Internet', () => {
  function estate(rules: RuleSpec[]) {
    const b = new EstateBuilder()
      .nsg('nsg-se', rules)
      .vnet('v', ['10.0.0.0/16'], [{ name: 'se', prefix: '10.0.1.0/24', nsg: 'nsg-se', serviceEndpoints: [{ service: 'Microsoft.Storage' }] }])
      .nic('se-nic', { subnet: 'v/se', ip: '10.0.1.4' })
      .storageAccount('stacct', { defaultAction: 'Deny', vnetRules: ['v/se'] });
    return dataPlaneOf(b.documents(), { serviceTagsFile: PUBLIC_SERVICE_TAGS });
  }
  const allowStorage = (priority: number): RuleSpec => ({ name: 'Allow-Storage', priority, direction: 'Outbound', access: 'Allow', protocol: 'Tcp', destination: 'Storage.WestEurope', destinationPorts: '443' });
  const denyInternet = (priority: number): RuleSpec => ({ name: 'Deny-Internet', priority, direction: 'Outbound', access: 'Deny', destination: 'Internet' });

  it('10.4: the default AllowInternetOutBound lets it out (the service address is Internet space)', () => {
    const t = trace(estate([]), 'se-nic', 'stacct', 'Tcp', 443);
    expect(t.disposition).toBe('ACCEPTED');
    expect(t.allowedBy).toContainEqual({ nsg: expect.stringContaining('nsg-se'), rule: 'defaultSecurityRules/AllowInternetOutBound', side: 'source-subnet' });
  });

  it('10.4: an outbound Deny Internet stops it before the service endpoint matters', () => {
    const t = trace(estate([denyInternet(200)]), 'se-nic', 'stacct', 'Tcp', 443);
    expect(t).toMatchObject({ disposition: 'DENIED_OUT', stoppedBy: { stage: 'nsg-outbound', rule: 'securityRules/Deny-Internet' } });
  });

  it('4.4: Allow Storage.WestEurope at 100 before Deny Internet at 200 lets it through, by that rule', () => {
    const t = trace(estate([allowStorage(100), denyInternet(200)]), 'se-nic', 'stacct', 'Tcp', 443);
    expect(t.disposition).toBe('ACCEPTED');
    expect(t.allowedBy).toContainEqual({ nsg: expect.stringContaining('nsg-se'), rule: 'securityRules/Allow-Storage', side: 'source-subnet' });
  });

  it('4.4: the same rules in the other order deny it: Storage addresses are inside Internet', () => {
    const t = trace(estate([denyInternet(100), allowStorage(200)]), 'se-nic', 'stacct', 'Tcp', 443);
    expect(t).toMatchObject({ disposition: 'DENIED_OUT', stoppedBy: { rule: 'securityRules/Deny-Internet' } });
  });

  it('4.4: a regional tag is only its region: Allow Storage.EastUS does not admit the westeurope account address', () => {
    const t = trace(estate([{ ...allowStorage(100), destination: 'Storage.EastUS' }, denyInternet(200)]), 'se-nic', 'stacct', 'Tcp', 443);
    expect(t).toMatchObject({ disposition: 'DENIED_OUT', stoppedBy: { rule: 'securityRules/Deny-Internet' } });
  });
});

describe.skipIf(!HAVE_TAGS)('rule 4.4: a service endpoint route holds exactly the prefixes of the tags of its locations', () => {
  it('locations westeurope and northeurope: the union of Storage.WestEurope and Storage.NorthEurope', () => {
    const b = new EstateBuilder().vnet('v', ['10.0.0.0/16'], [{ name: 'se', prefix: '10.0.1.0/24', serviceEndpoints: [{ service: 'Microsoft.Storage', locations: ['westeurope', 'northeurope'] }] }]);
    const dp = dataPlaneOf(b.documents(), { serviceTagsFile: PUBLIC_SERVICE_TAGS });
    const v4 = (tag: string) => dp.snapshot.serviceTags!.tags.get(tag)!.addressPrefixes.filter((p) => !p.includes(':'));
    const route = computeEffectiveRoutesView(dp, b.subnetId('v', 'se').toLowerCase()).value.find((r) => r.nextHopType === 'VirtualNetworkServiceEndpoint');
    const expected = new Set([...v4('storage.westeurope'), ...v4('storage.northeurope')]);
    expect(expected.size).toBeGreaterThan(0);
    expect(new Set(route?.addressPrefix)).toEqual(expected);
    // A region not listed is not in the route.
    const eastus = v4('storage.eastus').filter((p) => !expected.has(p));
    expect(eastus.length).toBeGreaterThan(0);
    expect(route?.addressPrefix.some((p) => eastus.includes(p))).toBe(false);
  });
});

describe('rule 10.5: on-premises traffic does not use service endpoints', () => {
  function estate(acct: Parameters<EstateBuilder['storageAccount']>[1]) {
    const b = new EstateBuilder()
      .vnet('hub', ['10.0.0.0/16'], [
        { name: 'GatewaySubnet', prefix: '10.0.0.0/27', serviceEndpoints: [{ service: 'Microsoft.Storage' }] },
        { name: 'app', prefix: '10.0.1.0/24', serviceEndpoints: [{ service: 'Microsoft.Storage' }] },
      ])
      .vpn('hub', ['192.168.10.0/24'])
      .nic('app-nic', { subnet: 'hub/app', ip: '10.0.1.4' })
      .storageAccount('stacct', acct);
    return dataPlaneOf(b.documents());
  }

  it('a virtual network rule for the GatewaySubnet (and the app subnet) does not admit an on-premises client', () => {
    const dp = estate({ defaultAction: 'Deny', vnetRules: ['hub/GatewaySubnet', 'hub/app'] });
    // The VNet's own subnet gets in through its endpoint: the rules are not broken.
    expect(trace(dp, 'app-nic', 'stacct', 'Tcp', 443).disposition).toBe('ACCEPTED');
    const t = trace(dp, '192.168.10.5', 'stacct', 'Tcp', 443);
    expect(t.disposition).toBe('DENIED_BY_SERVICE');
    expect(t.allowedBy).toEqual([]);
  });

  it("an IP rule for on-premises' public NAT address cannot be judged offline: refused, and the answer says why", () => {
    const t = trace(estate({ defaultAction: 'Deny', ipRules: ['203.0.113.0/24'] }), '192.168.10.5', 'stacct', 'Tcp', 443);
    expect(t.disposition).toBe('DENIED_BY_SERVICE');
    expect(codes(t)).toContain('storage.onprem-public');
  });
});

describe('rule 10.6: Microsoft.Storage endpoints are regional (the listed locations, normally the region and its pair)', () => {
  function estate(accountLocation: string, service = 'Microsoft.Storage', locations = ['westeurope', 'northeurope']) {
    const b = new EstateBuilder()
      .vnet('v', ['10.0.0.0/16'], [{ name: 'se', prefix: '10.0.1.0/24', serviceEndpoints: [{ service, locations }] }])
      .nic('se-nic', { subnet: 'v/se', ip: '10.0.1.4' })
      .storageAccount('stacct', { defaultAction: 'Deny', vnetRules: ['v/se'] });
    setLocation(b, 'stacct', accountLocation);
    return dataPlaneOf(b.documents());
  }

  it('an account in the VNet region or in the listed paired region is reached over the endpoint', () => {
    for (const loc of ['westeurope', 'northeurope']) {
      const t = trace(estate(loc), 'se-nic', 'stacct', 'Tcp', 443);
      expect(routeStep(t), loc).toMatchObject({ nextHopType: 'VirtualNetworkServiceEndpoint' });
      expect(t.disposition, loc).toBe('ACCEPTED');
    }
  });

  it('an account in another region is not: the traffic goes to the internet and the virtual network rule does not apply', () => {
    const t = trace(estate('eastus'), 'se-nic', 'stacct', 'Tcp', 443);
    expect(routeStep(t)).toMatchObject({ nextHopType: 'Internet' });
    expect(t).toMatchObject({ disposition: 'DENIED_BY_SERVICE', stoppedBy: { stage: 'paasFirewall', rule: 'networkAcls.defaultAction' } });
  });

  it('a Microsoft.Storage endpoint listing no locations is still regional: an account in a far region (eastus) is not silently reached over it', () => {
    // ARM templates often omit `locations`; Azure then fills in the VNet's region (and its pair).
    const t = trace(estate('eastus', 'Microsoft.Storage', []), 'se-nic', 'stacct', 'Tcp', 443);
    const saysRegion = t.caveats.some((c) => /region|location/i.test(c.message));
    expect(t.disposition === 'ACCEPTED' && !saysRegion, `${t.disposition} ${JSON.stringify(codes(t))}`).toBe(false);
  });

  it('Microsoft.Storage.Global covers every region', () => {
    const t = trace(estate('eastus', 'Microsoft.Storage.Global', ['*']), 'se-nic', 'stacct', 'Tcp', 443);
    expect(routeStep(t)).toMatchObject({ nextHopType: 'VirtualNetworkServiceEndpoint' });
    expect(t.disposition).toBe('ACCEPTED');
  });
});
