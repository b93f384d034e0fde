// Azure Firewall rule processing (rules 12.1-12.9) and PaaS access (rules 10.x, 11.x) on the path.

import { describe, expect, it } from 'vitest';
import { computeBlastRadius, evaluateFirewall, PROTOCOL_NUMBERS } from '../../../core/index.ts';
import { EstateBuilder } from '../../support/estate-builder.ts';
import { dataPlaneOf, ip } from '../../support/load.ts';
import { path, reach, ref, trace } from './helpers.ts';

const net = (name: string, priority: number, action: 'Allow' | 'Deny', rules: { name: string; protocols: string[]; src: string[]; dst: string[]; ports: string[] }[]) => ({
  ruleCollectionType: 'FirewallPolicyFilterRuleCollection',
  name,
  priority,
  action: { type: action },
  rules: rules.map((r) => ({ ruleType: 'NetworkRule', name: r.name, ipProtocols: r.protocols, sourceAddresses: r.src, destinationAddresses: r.dst, destinationPorts: r.ports })),
});
const app = (name: string, priority: number, action: 'Allow' | 'Deny', rules: { name: string; src: string[]; fqdns: string[]; protocols?: { protocolType: string; port: number }[] }[]) => ({
  ruleCollectionType: 'FirewallPolicyFilterRuleCollection',
  name,
  priority,
  action: { type: action },
  rules: rules.map((r) => ({ ruleType: 'ApplicationRule', name: r.name, sourceAddresses: r.src, targetFqdns: r.fqdns, protocols: r.protocols ?? [{ protocolType: 'Https', port: 443 }, { protocolType: 'Http', port: 80 }] })),
});

/** A spoke whose 0.0.0.0/0 goes to a hub Azure Firewall; the policy is built per test. */
function withFirewall(configure: (b: EstateBuilder) => void) {
  const b = new EstateBuilder()
    .publicIp('pip-fw', '20.50.0.10')
    .routeTable('rt-spoke', [
      { name: 'default', prefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.1.4' },
      { name: 'hub-servers', prefix: '10.0.2.0/24', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.1.4' },
    ], true)
    .vnet('hub', ['10.0.0.0/16'], [{ name: 'AzureFirewallSubnet', prefix: '10.0.1.0/26' }, { name: 'srv', prefix: '10.0.2.0/24' }])
    .vnet('spoke', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24', routeTable: 'rt-spoke' }])
    .peer('hub', 'spoke', { allowForwardedTraffic: true }, { allowForwardedTraffic: true })
    .firewallPolicy('base')
    .firewallPolicy('child', 'base')
    .firewall('afw', { vnet: 'hub', privateIp: '10.0.1.4', publicIp: 'pip-fw', policy: 'child' })
    .nic('vm-nic', { subnet: 'spoke/s', ip: '10.1.1.4' })
    .nic('srv-nic', { subnet: 'hub/srv', ip: '10.0.2.4' });
  configure(b);
  return dataPlaneOf(b.documents());
}

describe('Azure Firewall rule processing (rule 12)', () => {
  it('12.1: with no rule the firewall denies by default', () => {
    const dp = withFirewall(() => {});
    const t = trace(dp, 'vm-nic', '8.8.8.8', 'Tcp', 443);
    expect(t.disposition).toBe('DENIED_BY_FIREWALL');
    expect(path(t)).toEqual(['firewall:afw']);
  });

  it('12.3: the parent policy is processed before the child, whatever the priorities', () => {
    const dp = withFirewall((b) => {
      b.ruleCollectionGroup('base', 'rcg-base', 500, [net('deny-ssh', 500, 'Deny', [{ name: 'no-ssh', protocols: ['TCP'], src: ['*'], dst: ['*'], ports: ['22'] }])]);
      b.ruleCollectionGroup('child', 'rcg-child', 100, [net('allow-all', 100, 'Allow', [{ name: 'any', protocols: ['Any'], src: ['*'], dst: ['*'], ports: ['*'] }])]);
    });
    const fw = dp.snapshot.azureFirewalls.values().next().value!;
    const d = evaluateFirewall(dp, fw, { protocol: PROTOCOL_NUMBERS.Tcp, src: ip('10.1.1.4'), srcPort: 50000, dst: ip('10.0.2.4'), dstPort: 22 });
    expect(d).toMatchObject({ action: 'Deny', rule: 'no-ssh', ruleCollection: 'deny-ssh', ruleCollectionGroup: 'rcg-base', ruleType: 'Network' });
    expect(trace(dp, 'vm-nic', 'srv-nic', 'Tcp', 22).disposition).toBe('DENIED_BY_FIREWALL');
    expect(trace(dp, 'vm-nic', 'srv-nic', 'Tcp', 443).disposition).toBe('ACCEPTED');
  });

  it('12.9: a Deny collection at priority 100 beats an Allow collection at 200 for SSH', () => {
    const dp = withFirewall((b) => {
      b.ruleCollectionGroup('child', 'rcg', 200, [
        net('Allow-collection', 200, 'Allow', [{ name: 'allow-ssh', protocols: ['TCP'], src: ['*'], dst: ['*'], ports: ['22'] }]),
        net('Deny-collection', 100, 'Deny', [{ name: 'deny-ssh', protocols: ['TCP'], src: ['*'], dst: ['*'], ports: ['22'] }]),
      ]);
    });
    const t = trace(dp, 'vm-nic', 'srv-nic', 'Tcp', 22);
    expect(t.disposition).toBe('DENIED_BY_FIREWALL');
    expect(t.stoppedBy?.rule).toBe('deny-ssh');
  });

  it('12.7: a network rule of protocol Any is every IP protocol; with a destination port it is TCP and UDP only', () => {
    const allowAny = (ports: string[]) => withFirewall((b) => {
      b.ruleCollectionGroup('child', 'rcg', 100, [net('allow', 100, 'Allow', [{ name: 'any', protocols: ['Any'], src: ['10.1.0.0/16'], dst: ['10.0.2.0/24'], ports }])]);
    });
    const open = allowAny(['*']);
    expect(trace(open, 'vm-nic', 'srv-nic', 'Icmp').disposition).toBe('ACCEPTED');
    expect(reach(open, 'vm-nic', 'srv-nic').allowed.map((p) => p.protocol)).toEqual(['Tcp', 'Udp', 'Icmp', 'Esp', 'Ah']);
    const withPort = allowAny(['8080']);
    expect(trace(withPort, 'vm-nic', 'srv-nic', 'Tcp', 8080).disposition).toBe('ACCEPTED');
    expect(trace(withPort, 'vm-nic', 'srv-nic', 'Udp', 8080).disposition).toBe('ACCEPTED');
    expect(trace(withPort, 'vm-nic', 'srv-nic', 'Icmp').disposition).toBe('DENIED_BY_FIREWALL');
    expect(reach(withPort, 'vm-nic', 'srv-nic').allowed.map((p) => `${p.protocol} ${p.ports.join(',')}`)).toEqual(['Tcp 8080', 'Udp 8080']);
  });

  it('12.8: stateful; an Allow of spoke to hub opens no connection from the hub back to the spoke', () => {
    const dp = withFirewall((b) => {
      b.ruleCollectionGroup('child', 'rcg', 100, [net('allow', 100, 'Allow', [{ name: 'spoke-to-srv', protocols: ['TCP'], src: ['10.1.0.0/16'], dst: ['10.0.2.0/24'], ports: ['443'] }])]);
    });
    // The connection the spoke opens (its replies are the flow's own), and a new one the other way.
    expect(trace(dp, 'vm-nic', 'srv-nic', 'Tcp', 443).disposition).toBe('ACCEPTED');
    const fw = dp.snapshot.azureFirewalls.values().next().value!;
    expect(evaluateFirewall(dp, fw, { protocol: PROTOCOL_NUMBERS.Tcp, src: ip('10.0.2.4'), srcPort: 50000, dst: ip('10.1.1.4'), dstPort: 443 })).toMatchObject({ action: 'Deny' });
  });

  it('12.5/12.9: a network rule allowing 80/443 wins over an application rule denying google.com', () => {
    const dp = withFirewall((b) => {
      b.ruleCollectionGroup('child', 'rcg-net', 200, [net('Allow-web', 200, 'Allow', [{ name: 'web', protocols: ['TCP'], src: ['*'], dst: ['*'], ports: ['80', '443'] }])]);
      b.ruleCollectionGroup('child', 'rcg-app', 300, [app('Deny-google', 100, 'Deny', [{ name: 'google', src: ['*'], fqdns: ['*.google.com', 'google.com'] }])]);
    });
    const fw = dp.snapshot.azureFirewalls.values().next().value!;
    const d = evaluateFirewall(dp, fw, { protocol: 6, src: ip('10.1.1.4'), srcPort: 50000, dst: ip('142.250.1.1'), dstPort: 443 }, { fqdn: 'www.google.com' });
    expect(d).toMatchObject({ action: 'Allow', ruleType: 'Network', rule: 'web' });
  });

  it('12.5: application rules match by FQDN when no network rule matched', () => {
    const dp = withFirewall((b) => {
      b.ruleCollectionGroup('child', 'rcg-app', 300, [app('Allow-github', 100, 'Allow', [{ name: 'gh', src: ['10.1.0.0/16'], fqdns: ['api.github.com'] }])]);
    });
    const fw = dp.snapshot.azureFirewalls.values().next().value!;
    const flow = { protocol: 6, src: ip('10.1.1.4'), srcPort: 50000, dst: ip('140.82.112.6'), dstPort: 443 };
    expect(evaluateFirewall(dp, fw, flow, { fqdn: 'api.github.com' })).toMatchObject({ action: 'Allow', ruleType: 'Application', rule: 'gh' });
    expect(evaluateFirewall(dp, fw, flow, { fqdn: 'evil.example' })).toMatchObject({ action: 'Deny', ruleType: 'Default' });
    const noFqdn = evaluateFirewall(dp, fw, flow);
    expect(noFqdn.action).toBe('Deny');
    expect(noFqdn.notes.join(' ')).toContain('FQDN');
  });

  it('12.6: DNAT on the firewall public IP translates to the inside host, which sees the firewall as source', () => {
    const dp = withFirewall((b) => {
      b.ruleCollectionGroup('child', 'rcg-dnat', 100, [{
        ruleCollectionType: 'FirewallPolicyNatRuleCollection', name: 'dnat', priority: 100, action: { type: 'DNAT' },
        rules: [{ ruleType: 'NatRule', name: 'rdp-in', ipProtocols: ['TCP'], sourceAddresses: ['198.51.100.0/24'], destinationAddresses: ['20.50.0.10'], destinationPorts: ['3390'], translatedAddress: '10.0.2.4', translatedPort: '3389' }],
      }]);
    });
    const t = trace(dp, '198.51.100.7', 'srv-nic', 'Tcp', 3390, { viaPublicIp: true });
    expect(t.disposition).toBe('ACCEPTED');
    expect(t.hops[0].steps.filter((s) => s.kind === 'nat').map((s) => s.kind === 'nat' && s.type)).toEqual(['DNAT', 'SNAT']);
    expect(trace(dp, '203.0.113.9', 'srv-nic', 'Tcp', 3390, { viaPublicIp: true }).disposition).toBe('NO_ENTRY_POINT');
    const r = reach(dp, 'internet', 'srv-nic', { viaPublicIp: true });
    expect(r.allowed.map((p) => `${p.protocol} ${p.ports.join(',')} from ${p.sources.join(',')}`)).toEqual(['Tcp 3390 from 198.51.100.0/24']);
  });
});

describe('PaaS: storage accounts (rules 10.x, 11.x)', () => {
  const estate = (acct: Parameters<EstateBuilder['storageAccount']>[1], o: { pe?: boolean } = {}) => {
    const b = new EstateBuilder()
      .vnet('v', ['10.0.0.0/16'], [
        { name: 'se', prefix: '10.0.1.0/24', serviceEndpoints: [{ service: 'Microsoft.Storage' }] },
        { name: 'plain', prefix: '10.0.2.0/24' },
        { name: 'pe', prefix: '10.0.3.0/24' },
      ])
      .storageAccount('stacct', acct)
      .nic('se-nic', { subnet: 'v/se', ip: '10.0.1.4' })
      .nic('plain-nic', { subnet: 'v/plain', ip: '10.0.2.4' });
    if (o.pe) b.privateEndpoint('pe-stacct', { subnet: 'v/pe', ip: '10.0.3.4', target: b.id('Microsoft.Storage/storageAccounts', 'stacct') });
    return dataPlaneOf(b.documents());
  };

  it('10.7: defaultAction Deny admits a subnet with a virtual network rule through its service endpoint only', () => {
    const dp = estate({ defaultAction: 'Deny', vnetRules: ['v/se'] });
    const ok = trace(dp, 'se-nic', 'stacct', 'Tcp', 443);
    expect(ok.disposition).toBe('ACCEPTED');
    expect(ok.source.steps.find((s) => s.kind === 'route')).toMatchObject({ nextHopType: 'VirtualNetworkServiceEndpoint' });
    expect(ok.allowedBy).toContainEqual({ paasFirewall: expect.stringContaining('stacct'), rule: 'networkAcls.virtualNetworkRules[0]' });
    const denied = trace(dp, 'plain-nic', 'stacct', 'Tcp', 443);
    expect(denied).toMatchObject({ disposition: 'DENIED_BY_SERVICE', stoppedBy: { stage: 'paasFirewall' } });
  });

  it('10.7: defaultAction Allow lets everyone in, including the internet', () => {
    const dp = estate({ defaultAction: 'Allow' });
    expect(trace(dp, 'plain-nic', 'stacct', 'Tcp', 443).disposition).toBe('ACCEPTED');
    expect(trace(dp, 'internet', 'stacct', 'Tcp', 443).disposition).toBe('ACCEPTED');
    expect(trace(dp, 'internet', 'stacct', 'Tcp', 22).disposition).toBe('DENIED_BY_SERVICE');
  });

  it('service endpoint policies are not evaluated: an answer over the service endpoint of a subnet with one says so', () => {
    const b = new EstateBuilder()
      .vnet('v', ['10.0.0.0/16'], [
        { name: 'se', prefix: '10.0.1.0/24', serviceEndpoints: [{ service: 'Microsoft.Storage' }] },
        { name: 'sep', prefix: '10.0.2.0/24', serviceEndpoints: [{ service: 'Microsoft.Storage' }], serviceEndpointPolicies: ['sep-only-backups'] },
      ])
      .storageAccount('stacct', { defaultAction: 'Deny', vnetRules: ['v/se', 'v/sep'] })
      .nic('se-nic', { subnet: 'v/se', ip: '10.0.1.4' })
      .nic('sep-nic', { subnet: 'v/sep', ip: '10.0.2.4' });
    const dp = dataPlaneOf(b.documents());
    expect(dp.snapshot.subnets.get(b.subnetId('v', 'sep').toLowerCase())?.serviceEndpointPolicyIds).toEqual([b.id('Microsoft.Network/serviceEndpointPolicies', 'sep-only-backups').toLowerCase()]);
    const withPolicy = trace(dp, 'sep-nic', 'stacct', 'Tcp', 443);
    expect(withPolicy.disposition).toBe('ACCEPTED');
    expect(withPolicy.caveats.map((c) => c.code)).toContain('route.service-endpoint-policy');
    const without = trace(dp, 'se-nic', 'stacct', 'Tcp', 443);
    expect(without.disposition).toBe('ACCEPTED');
    expect(without.caveats.map((c) => c.code)).not.toContain('route.service-endpoint-policy');
    expect(reach(dp, 'sep-nic', 'stacct').caveats.map((c) => c.code)).toContain('route.service-endpoint-policy');
    // Blast radius names the storage account reached over that service endpoint, with the caveat.
    const blast = computeBlastRadius(dp, { from: ref(dp, 'sep-nic') });
    expect(blast.reached.find((r) => r.kind === 'storageAccount')).toMatchObject({ name: 'stacct', via: 'serviceEndpoint' });
    expect(blast.caveats.map((c) => c.code)).toContain('route.service-endpoint-policy');
  });

  it('10.7/11: a private endpoint grants access even when public access is disabled', () => {
    const dp = estate({ defaultAction: 'Deny', publicNetworkAccess: 'Disabled' }, { pe: true });
    const t = trace(dp, 'plain-nic', 'stacct', 'Tcp', 443);
    expect(t.disposition).toBe('ACCEPTED');
    expect(path(t)).toEqual(['privateEndpoint:pe-stacct', 'service:stacct']);
    expect(trace(dp, 'internet', 'stacct', 'Tcp', 443).disposition).toBe('DENIED_BY_SERVICE');
  });
});
