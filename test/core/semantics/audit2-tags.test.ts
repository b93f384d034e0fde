// Audit round 2, area "tags": NSG fields, defaults, order, the VirtualNetwork and Internet tags, ASGs
// and private endpoints, pinned to the rule book (../shared/azure-semantics.md): rules 1.4, 1.5, 1.6,
// 1.8, 2.1, 2.3, 3.2, 3.6, 3.14, 4.1, 4.3, 4.6, 11.2, 11.3, 11.4, 11.5. Sources: "Network security
// groups" (learn.microsoft.com/azure/virtual-network/network-security-groups-overview, S2) for 1.4-1.8,
// 2.x and 3.14; "How network security groups filter network traffic"
// (learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works, S3) for 3.2/3.6;
// "Virtual network service tags" (learn.microsoft.com/azure/virtual-network/service-tags-overview, S4)
// for 4.1/4.3; "What is a private endpoint?" (learn.microsoft.com/azure/private-link/private-endpoint-overview,
// S11) for 3.14/11.2; "Manage network policies for private endpoints"
// (learn.microsoft.com/azure/private-link/disable-private-endpoint-network-policy, S12) for 11.3-11.5.
//
// Not repeated here (pinned elsewhere): defaults and their names (test/core/policy/nsg-evaluation.test.ts,
// nsg-rules-fields.test.ts), subnet-then-NIC order and both-must-allow (nsg-rules-combine.test.ts),
// VirtualNetwork with a Connected peering / gateway prefixes / a 0.0.0.0/0 UDR, and the PE NSG for
// Disabled/Enabled/NetworkSecurityGroupEnabled (nsg-evaluation.test.ts), the /32 and its override
// (test/core/dataplane/effective-routes.test.ts).

import { describe, expect, it } from 'vitest';
import { computeEffectiveRoutesView, computeExposure, PROTOCOL_NUMBERS, traceFlow, verifyIpFlow, type DataPlane } from '../../../core/index.ts';
import { EstateBuilder, type RuleSpec } from '../../support/estate-builder.ts';
import { dataPlaneOf, endpoint, ip } from '../../support/load.ts';
import { reach, ref, trace } from '../trace/helpers.ts';

type Proto = keyof typeof PROTOCOL_NUMBERS;

function verify(dp: DataPlane, nic: string, direction: 'Inbound' | 'Outbound', protocol: Proto, local: string, remote: string): string {
  const [lip, lport] = local.split(':');
  const [rip, rport] = remote.split(':');
  const r = verifyIpFlow(dp, endpoint(dp, nic), { direction, protocol: PROTOCOL_NUMBERS[protocol], localIp: ip(lip), localPort: Number(lport ?? 0), remoteIp: ip(rip), remotePort: Number(rport ?? 0) });
  return `${r.access} ${r.ruleName ?? '-'}`;
}

/** One VNet, one subnet with NSG `nsg` holding `rules`, NIC 10.0.1.4. */
function oneNic(rules: RuleSpec[]): DataPlane {
  return dataPlaneOf(
    new EstateBuilder()
      .nsg('nsg', rules)
      .vnet('a', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', nsg: 'nsg' }])
      .nic('a-nic', { subnet: 'a/s', ip: '10.0.1.4' })
      .documents(),
  );
}

describe('rule 4.1: the VirtualNetwork tag and peering state', () => {
  it('a peering that is Initiated (the other side not yet created) or Disconnected does not add the remote space', () => {
    for (const state of [['Initiated', 'Initiated'], ['Disconnected', 'Connected']] as [string, string][]) {
      const dp = dataPlaneOf(
        new EstateBuilder()
          .nsg('nsg', [])
          .vnet('a', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', nsg: 'nsg' }])
          .vnet('b', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24' }])
          .peer('a', 'b', {}, {}, state)
          .nic('a-nic', { subnet: 'a/s', ip: '10.0.1.4' })
          .documents(),
      );
      expect(verify(dp, 'a-nic', 'Inbound', 'Tcp', '10.0.1.4:22', '10.1.1.4:5000'), state.join('/')).toBe('Deny defaultSecurityRules/DenyAllInBound');
      expect(verify(dp, 'a-nic', 'Outbound', 'Tcp', '10.0.1.4:5000', '10.1.1.4:22'), state.join('/')).toBe('Deny defaultSecurityRules/DenyAllOutBound');
    }
  });
});

describe('rule 4.1: the VirtualNetwork tag through gateway transit', () => {
  /** hub (VPN to 192.168.0.0/16) peered with spoke1 (uses remote gateways) and spoke2; spokes are not peered together. */
  function estate(): DataPlane {
    return dataPlaneOf(
      new EstateBuilder()
        .nsg('nsg', [])
        .vnet('hub', ['10.0.0.0/16'], [{ name: 'GatewaySubnet', prefix: '10.0.0.0/27' }, { name: 's', prefix: '10.0.1.0/24' }])
        .vnet('spoke1', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24', nsg: 'nsg' }])
        .vnet('spoke2', ['10.2.0.0/16'], [{ name: 's', prefix: '10.2.1.0/24' }])
        .vpn('hub', ['192.168.0.0/16'])
        .peer('hub', 'spoke1', { allowGatewayTransit: true }, { useRemoteGateways: true })
        .peer('hub', 'spoke2')
        .nic('s1-nic', { subnet: 'spoke1/s', ip: '10.1.1.4' })
        .documents(),
    );
  }
  it("a spoke that uses the hub's gateway has the on-premises prefixes in its tag, but not the other spoke (peering is not transitive)", () => {
    const dp = estate();
    expect(verify(dp, 's1-nic', 'Inbound', 'Tcp', '10.1.1.4:22', '192.168.5.5:5000')).toBe('Allow defaultSecurityRules/AllowVnetInBound');
    expect(verify(dp, 's1-nic', 'Inbound', 'Tcp', '10.1.1.4:22', '10.0.1.4:5000')).toBe('Allow defaultSecurityRules/AllowVnetInBound');
    expect(verify(dp, 's1-nic', 'Inbound', 'Tcp', '10.1.1.4:22', '10.2.1.4:5000')).toBe('Deny defaultSecurityRules/DenyAllInBound');
  });
});

describe('rule 4.1/A3: user-route prefixes are in the tag of the subnet that has the route table only', () => {
  it('a UDR for 172.16.0.0/12 widens VirtualNetwork on its subnet, not on a sibling subnet of the same VNet', () => {
    const dp = dataPlaneOf(
      new EstateBuilder()
        .nsg('nsg', [])
        .routeTable('rt', [{ name: 'onprem', prefix: '172.16.0.0/12', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.9.4' }])
        .vnet('a', ['10.0.0.0/16'], [{ name: 'with', prefix: '10.0.1.0/24', nsg: 'nsg', routeTable: 'rt' }, { name: 'without', prefix: '10.0.2.0/24', nsg: 'nsg' }])
        .nic('with-nic', { subnet: 'a/with', ip: '10.0.1.4' })
        .nic('without-nic', { subnet: 'a/without', ip: '10.0.2.4' })
        .documents(),
    );
    expect(verify(dp, 'with-nic', 'Inbound', 'Tcp', '10.0.1.4:22', '172.20.0.9:5000')).toBe('Allow defaultSecurityRules/AllowVnetInBound');
    expect(verify(dp, 'without-nic', 'Inbound', 'Tcp', '10.0.2.4:22', '172.20.0.9:5000')).toBe('Deny defaultSecurityRules/DenyAllInBound');
  });
});

describe('rule 1.4: protocols Icmp, Esp, Ah and *', () => {
  const dp = oneNic([
    { name: 'Allow-Esp', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Esp', source: '203.0.113.0/24' },
    { name: 'Allow-Icmp', priority: 110, direction: 'Inbound', access: 'Allow', protocol: 'Icmp', source: '198.51.100.0/24' },
  ]);
  it('an Esp rule admits IP protocol 50 only (not Ah 51, not TCP); an Icmp rule admits ICMP only, not ESP; reach and trace agree on an ESP-only NSG', () => {
    expect(verify(dp, 'a-nic', 'Inbound', 'Esp', '10.0.1.4', '203.0.113.9')).toBe('Allow securityRules/Allow-Esp');
    expect(verify(dp, 'a-nic', 'Inbound', 'Ah', '10.0.1.4', '203.0.113.9')).toBe('Deny defaultSecurityRules/DenyAllInBound');
    expect(verify(dp, 'a-nic', 'Inbound', 'Tcp', '10.0.1.4:500', '203.0.113.9:500')).toBe('Deny defaultSecurityRules/DenyAllInBound');
    expect(verify(dp, 'a-nic', 'Inbound', 'Icmp', '10.0.1.4', '198.51.100.9')).toBe('Allow securityRules/Allow-Icmp');
    expect(verify(dp, 'a-nic', 'Inbound', 'Esp', '10.0.1.4', '198.51.100.9')).toBe('Deny defaultSecurityRules/DenyAllInBound');
    // Reach between two VMs whose NSG admits only ESP lists exactly protocol Esp, and the trace agrees.
    const d = dataPlaneOf(
      new EstateBuilder()
        .nsg('nsg', [
          { name: 'Allow-Esp', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Esp', source: 'VirtualNetwork' },
          { name: 'Deny-Rest', priority: 200, direction: 'Inbound', access: 'Deny' },
        ])
        .vnet('a', ['10.0.0.0/16'], [{ name: 'src', prefix: '10.0.2.0/24' }, { name: 's', prefix: '10.0.1.0/24', nsg: 'nsg' }])
        .nic('src-nic', { subnet: 'a/src', ip: '10.0.2.4' })
        .nic('a-nic', { subnet: 'a/s', ip: '10.0.1.4' })
        .documents(),
    );
    expect(reach(d, 'src-nic', 'a-nic').allowed.map((p) => p.protocol)).toEqual(['Esp']);
    const t = traceFlow(d, { from: ref(d, 'src-nic'), to: ref(d, 'a-nic'), protocol: 50 });
    expect(t.ok && t.trace.disposition).toBe('ACCEPTED');
  });
});

describe('rule 1.5: port lists with overlaps', () => {
  it('overlapping and adjacent ranges in destinationPortRanges are their union: 80-100 open, 79 and 101 closed; reach lists one range', () => {
    const rules: RuleSpec[] = [{ name: 'Web', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: '*', destinationPorts: ['85-100', '80-90', '90', '100'] }];
    const dp = oneNic(rules);
    expect(verify(dp, 'a-nic', 'Inbound', 'Tcp', '10.0.1.4:80', '203.0.113.9:5000')).toBe('Allow securityRules/Web');
    expect(verify(dp, 'a-nic', 'Inbound', 'Tcp', '10.0.1.4:100', '203.0.113.9:5000')).toBe('Allow securityRules/Web');
    expect(verify(dp, 'a-nic', 'Inbound', 'Tcp', '10.0.1.4:79', '203.0.113.9:5000')).toBe('Deny defaultSecurityRules/DenyAllInBound');
    expect(verify(dp, 'a-nic', 'Inbound', 'Tcp', '10.0.1.4:101', '203.0.113.9:5000')).toBe('Deny defaultSecurityRules/DenyAllInBound');
  });
});

describe('rules 3.14, 11.4: private endpoints and network policies', () => {
  function estate(policy: string, rules: RuleSpec[]): DataPlane {
    const b = new EstateBuilder()
      .nsg('nsg-pe', rules)
      .vnet('a', ['10.0.0.0/16'], [{ name: 'pe', prefix: '10.0.2.0/24', nsg: 'nsg-pe', privateEndpointNetworkPolicies: policy }, { name: 'app', prefix: '10.0.3.0/24' }])
      .nic('app-nic', { subnet: 'a/app', ip: '10.0.3.4' })
      .storageAccount('stacct', { defaultAction: 'Deny', publicNetworkAccess: 'Disabled' });
    b.privateEndpoint('pe-st', { subnet: 'a/pe', ip: '10.0.2.4', target: b.id('Microsoft.Storage/storageAccounts', 'stacct') });
    return dataPlaneOf(b.documents());
  }
  const denyAll: RuleSpec[] = [{ name: 'Deny-All-In', priority: 100, direction: 'Inbound', access: 'Deny' }];

  it('11.4: RouteTableEnabled enables only the route-table policy: the subnet NSG still does not filter the endpoint (trace and verify)', () => {
    const dp = estate('RouteTableEnabled', denyAll);
    expect(verify(dp, 'pe-st', 'Inbound', 'Tcp', '10.0.2.4:443', '10.0.3.4:5000')).toBe('Allow -');
    expect(trace(dp, 'app-nic', '10.0.2.4', 'Tcp', 443).disposition).toBe('ACCEPTED');
  });

  it('3.14: for traffic to a private endpoint, source port filtering is interpreted as `*` (a rule on source port 5000 admits any source port)', () => {
    const dp = estate('Enabled', [
      { name: 'Allow-443-from-5000', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourcePorts: '5000', destinationPorts: '443' },
      { name: 'Deny-All-In', priority: 200, direction: 'Inbound', access: 'Deny' },
    ]);
    expect.soft(trace(dp, 'app-nic', '10.0.2.4', 'Tcp', 443, { srcPort: 5000 }).disposition).toBe('ACCEPTED');
    expect.soft(trace(dp, 'app-nic', '10.0.2.4', 'Tcp', 443, { srcPort: 40000 }).disposition).toBe('ACCEPTED');
    expect.soft(verify(dp, 'pe-st', 'Inbound', 'Tcp', '10.0.2.4:443', '10.0.3.4:40000')).toBe('Allow securityRules/Allow-443-from-5000');
    const r = reach(dp, 'app-nic', '10.0.2.4');
    const tcp = r.allowed.filter((p) => p.protocol === 'Tcp');
    expect.soft(tcp.map((p) => p.ports.join(','))).toEqual(['443']);
    expect.soft(tcp[0]?.sourcePorts).toBeUndefined();
  });

  it('11.4/11.5: NetworkSecurityGroupEnabled does not enable route-table policy: a UDR covering the endpoint leaves its /32 active', () => {
    const rows = (policy: string) => {
      const b = new EstateBuilder()
        .routeTable('rt', [{ name: 'pe-subnet', prefix: '10.0.2.0/24', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.9.4' }])
        .vnet('a', ['10.0.0.0/16'], [{ name: 'pe', prefix: '10.0.2.0/24', privateEndpointNetworkPolicies: policy }, { name: 'app', prefix: '10.0.3.0/24', routeTable: 'rt' }, { name: 'nva', prefix: '10.0.9.0/24' }])
        .nic('app-nic', { subnet: 'a/app', ip: '10.0.3.4' })
        .nic('nva-nic', { subnet: 'a/nva', ip: '10.0.9.4', ipForwarding: true })
        .storageAccount('stacct');
      b.privateEndpoint('pe-st', { subnet: 'a/pe', ip: '10.0.2.4', target: b.id('Microsoft.Storage/storageAccounts', 'stacct') });
      const dp = dataPlaneOf(b.documents());
      return computeEffectiveRoutesView(dp, b.subnetId('a', 'app').toLowerCase()).value.filter((r) => r.addressPrefix.includes('10.0.2.4/32')).map((r) => `${r.state} ${r.nextHopType}`);
    };
    expect(rows('NetworkSecurityGroupEnabled')).toEqual(['Active InterfaceEndpoint']);
    expect(rows('RouteTableEnabled')).toEqual(['Invalid InterfaceEndpoint']);
  });
});

describe('rule 1.8: inbound NSG rules see the private address and backend port after load-balancer translation', () => {
  /** Public LB 20.1.2.4:80 -> web-nic 10.0.1.4:8080; the subnet NSG is given. */
  function estate(rules: RuleSpec[]): DataPlane {
    return dataPlaneOf(
      new EstateBuilder()
        .publicIp('pip-lb', '20.1.2.4')
        .nsg('nsg', rules)
        .vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', nsg: 'nsg' }])
        .nic('web-nic', { subnet: 'v/s', ip: '10.0.1.4' })
        .loadBalancer('lb', { publicIp: 'pip-lb', pool: ['web-nic'], rules: [{ name: 'http', protocol: 'Tcp', frontendPort: 80, backendPort: 8080 }] })
        .documents(),
    );
  }
  it('a rule naming the public frontend (20.1.2.4:80) admits nothing; a rule naming the private backend (10.0.1.4:8080) admits it, from the client address', () => {
    const byPublic = estate([{ name: 'Allow-Frontend', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: 'Internet', destination: '20.1.2.4', destinationPorts: '80' }]);
    expect(trace(byPublic, 'internet', 'web-nic', 'Tcp', 80, { viaPublicIp: true }).disposition).toBe('DENIED_IN');
    expect(reach(byPublic, 'internet', 'web-nic', { viaPublicIp: true }).allowed).toEqual([]);
    const byPrivate = estate([{ name: 'Allow-Backend', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: '198.51.100.0/24', destination: '10.0.1.4', destinationPorts: '8080' }]);
    const t = traceFlow(byPrivate, { from: ref(byPrivate, '198.51.100.7'), to: ref(byPrivate, 'web-nic'), protocol: 6, dstPort: 80, viaPublicIp: true });
    expect(t.ok && t.trace.disposition).toBe('ACCEPTED');
    const r = reach(byPrivate, 'internet', 'web-nic', { viaPublicIp: true });
    expect(r.allowed.map((p) => `${p.protocol} ${p.ports.join(',')} ${p.sources.join(',')}`)).toEqual(['Tcp 80 198.51.100.0/24']);
  });
});

describe('rule 11.2: who can reach a private endpoint', () => {
  /** hub: PE 10.0.2.4 and a VPN gateway to 192.168.0.0/16; spoke peered to hub (gateway transit); far peered to spoke only. */
  function estate(): DataPlane {
    const b = new EstateBuilder()
      .vnet('hub', ['10.0.0.0/16'], [{ name: 'GatewaySubnet', prefix: '10.0.0.0/27' }, { name: 'pe', prefix: '10.0.2.0/24' }])
      .vnet('spoke', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24' }])
      .vnet('far', ['10.2.0.0/16'], [{ name: 's', prefix: '10.2.1.0/24' }])
      .vpn('hub', ['192.168.0.0/16'])
      .peer('hub', 'spoke', { allowGatewayTransit: true }, { useRemoteGateways: true })
      .peer('spoke', 'far')
      .nic('spoke-nic', { subnet: 'spoke/s', ip: '10.1.1.4' })
      .nic('far-nic', { subnet: 'far/s', ip: '10.2.1.4' })
      .storageAccount('stacct', { defaultAction: 'Deny', publicNetworkAccess: 'Disabled' });
    b.privateEndpoint('pe-st', { subnet: 'hub/pe', ip: '10.0.2.4', target: b.id('Microsoft.Storage/storageAccounts', 'stacct') });
    return dataPlaneOf(b.documents());
  }
  it('from a directly peered VNet and from on-premises: yes; from a VNet peered to that one only: no (the /32 and the peering do not go two hops)', () => {
    const dp = estate();
    expect(trace(dp, 'spoke-nic', '10.0.2.4', 'Tcp', 443).disposition).toBe('ACCEPTED');
    expect(trace(dp, 'far-nic', '10.0.2.4', 'Tcp', 443).disposition).not.toBe('ACCEPTED');
    expect(reach(dp, 'far-nic', '10.0.2.4').allowed).toEqual([]);
    // From on-premises through the hub's VPN gateway: yes.
    expect(trace(dp, '192.168.1.10', '10.0.2.4', 'Tcp', 443).disposition).toBe('ACCEPTED');
    expect(reach(dp, '192.168.1.10', '10.0.2.4').allowed.map((p) => p.protocol)).toContain('Tcp');
  });
});

describe('rule 4.3: the Internet tag', () => {
  it('shared address space 100.64.0.0/10 and RFC 1918 172.16.0.0/12 are not Internet: outbound to them hits DenyAllOutBound; 13.107.21.200 is Internet', () => {
    const dp = oneNic([]);
    expect(verify(dp, 'a-nic', 'Outbound', 'Tcp', '10.0.1.4:5000', '13.107.21.200:443')).toBe('Allow defaultSecurityRules/AllowInternetOutBound');
    expect(verify(dp, 'a-nic', 'Outbound', 'Tcp', '10.0.1.4:5000', '100.64.1.1:443')).toBe('Deny defaultSecurityRules/DenyAllOutBound');
    expect(verify(dp, 'a-nic', 'Outbound', 'Tcp', '10.0.1.4:5000', '172.16.1.1:443')).toBe('Deny defaultSecurityRules/DenyAllOutBound');
  });
});

describe('rule 3.6: a flow between two VMs in peered VNets is filtered twice, by each side\'s own NSGs and tags', () => {
  it("the source side's outbound NIC/subnet NSGs, then the destination side's inbound subnet/NIC NSGs, in that order", () => {
    const dp = dataPlaneOf(
      new EstateBuilder()
        .nsg('a-subnet', [{ name: 'Allow-Out-1433', priority: 100, direction: 'Outbound', access: 'Allow', protocol: 'Tcp', destination: 'VirtualNetwork', destinationPorts: '1433' }, { name: 'Deny-Out', priority: 200, direction: 'Outbound', access: 'Deny' }])
        .nsg('a-nic', [])
        .nsg('b-subnet', [])
        .nsg('b-nic', [{ name: 'Allow-In-1433', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: '10.0.1.4', destinationPorts: '1433' }, { name: 'Deny-In', priority: 200, direction: 'Inbound', access: 'Deny' }])
        .vnet('a', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', nsg: 'a-subnet' }])
        .vnet('b', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24', nsg: 'b-subnet' }])
        .peer('a', 'b')
        .nic('vm-a', { subnet: 'a/s', ip: '10.0.1.4', nsg: 'a-nic' })
        .nic('vm-a2', { subnet: 'a/s', ip: '10.0.1.5', nsg: 'a-nic' })
        .nic('vm-b', { subnet: 'b/s', ip: '10.1.1.4', nsg: 'b-nic' })
        .documents(),
    );
    const t = trace(dp, 'vm-a', 'vm-b', 'Tcp', 1433);
    expect(t.disposition).toBe('ACCEPTED');
    const nsgSteps = [t.source, ...t.hops].flatMap((h) => h.steps).flatMap((s) => (s.kind === 'nsg' ? [`${s.nsgName} ${s.side} ${s.rule}`] : []));
    expect(nsgSteps).toEqual(['a-nic source-nic defaultSecurityRules/AllowVnetOutBound', 'a-subnet source-subnet securityRules/Allow-Out-1433', 'b-subnet destination-subnet defaultSecurityRules/AllowVnetInBound', 'b-nic destination-nic securityRules/Allow-In-1433']);
    expect(trace(dp, 'vm-a2', 'vm-b', 'Tcp', 1433).disposition).toBe('DENIED_IN');
    expect(trace(dp, 'vm-a', 'vm-b', 'Tcp', 1434).disposition).toBe('DENIED_OUT');
    expect(reach(dp, 'vm-a', 'vm-b').allowed.map((p) => `${p.protocol} ${p.ports.join(',')}`)).toEqual(['Tcp 1433']);
  });
});

describe('rule 11.4: with network policies Disabled, a user route of the same /32 as the endpoint', () => {
  // The rule book's 11.4 says a user route overrides the endpoint's /32 only with route-table network
  // policies; Azure's older guidance (before those policies existed) sent endpoint traffic through
  // a firewall with exactly such /32 routes, which win by rule 7.2 (User > System on one prefix).
  // The documents disagree (A15): ztpath keeps 7.2's answer and says so in a caveat.
  it('wins by rule 7.2, and the answer names the disagreement (A15)', () => {
    const b = new EstateBuilder()
      .routeTable('rt', [{ name: 'pe32', prefix: '10.0.2.4/32', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.9.4' }])
      .vnet('a', ['10.0.0.0/16'], [{ name: 'pe', prefix: '10.0.2.0/24', privateEndpointNetworkPolicies: 'Disabled' }, { name: 'app', prefix: '10.0.3.0/24', routeTable: 'rt' }, { name: 'nva', prefix: '10.0.9.0/24' }])
      .nic('app-nic', { subnet: 'a/app', ip: '10.0.3.4' })
      .nic('nva-nic', { subnet: 'a/nva', ip: '10.0.9.4', ipForwarding: true })
      .storageAccount('stacct');
    b.privateEndpoint('pe-st', { subnet: 'a/pe', ip: '10.0.2.4', target: b.id('Microsoft.Storage/storageAccounts', 'stacct') });
    const dp = dataPlaneOf(b.documents());
    const pe32 = computeEffectiveRoutesView(dp, b.subnetId('a', 'app').toLowerCase()).value.filter((r) => r.nextHopType === 'InterfaceEndpoint').map((r) => `${r.state} ${r.addressPrefix.join(',')}`);
    expect(pe32).toEqual(['Invalid 10.0.2.4/32']);
    const t = trace(dp, 'app-nic', '10.0.2.4', 'Tcp', 443);
    expect(t.hops.map((h) => `${h.kind}:${h.name}`)).toEqual(['virtualAppliance:nva-nic', 'privateEndpoint:pe-st', 'service:stacct']);
    expect(t.caveats.map((c) => c.code)).toContain('route.private-endpoint-equal-prefix');
    expect(computeEffectiveRoutesView(dp, b.subnetId('a', 'app').toLowerCase()).caveats.map((c) => c.code)).toContain('route.private-endpoint-equal-prefix');
  });
});

describe('rules 3.10, 4.6: a NIC in several ASGs; a destination-ASG deny on the subnet NSG spares non-members', () => {
  it('Deny SSH to asg-admin stops SSH to the member (also in asg-web) only; exposure, reach and trace agree', () => {
    const dp = dataPlaneOf(
      new EstateBuilder()
        .publicIp('pip-web', '20.1.2.5')
        .publicIp('pip-db', '20.1.2.6')
        .asg('asg-web')
        .asg('asg-admin')
        .nsg('nsg', [
          { name: 'Deny-Admin-SSH', priority: 100, direction: 'Inbound', access: 'Deny', protocol: 'Tcp', destinationAsgs: ['asg-admin'], destinationPorts: '22' },
          { name: 'Allow-Web-443', priority: 150, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: 'Internet', destinationAsgs: ['asg-web'], destinationPorts: '443' },
          { name: 'Allow-SSH', priority: 200, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: 'Internet', destinationPorts: '22' },
        ])
        .vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', nsg: 'nsg' }])
        .nic('web-nic', { subnet: 'v/s', ip: '10.0.1.4', asgs: ['asg-web', 'asg-admin'], publicIp: 'pip-web' })
        .nic('db-nic', { subnet: 'v/s', ip: '10.0.1.5', publicIp: 'pip-db' })
        .documents(),
    );
    expect(computeExposure(dp, { storage: false }).exposed.map((x) => `${x.name} ${x.allowed.map((a) => `${a.protocol} ${a.ports.join(',')}`).join(';')}`).sort()).toEqual(['db-nic Tcp 22', 'web-nic Tcp 443']);
    expect(reach(dp, 'internet', 'web-nic', { viaPublicIp: true }).allowed.map((p) => `${p.protocol} ${p.ports.join(',')}`)).toEqual(['Tcp 443']);
    const t = trace(dp, 'internet', 'web-nic', 'Tcp', 22, { viaPublicIp: true });
    expect(`${t.disposition} ${t.stoppedBy?.rule ?? ''}`).toBe('DENIED_IN securityRules/Deny-Admin-SSH');
    expect(trace(dp, 'internet', 'db-nic', 'Tcp', 22, { viaPublicIp: true }).disposition).toBe('ACCEPTED');
    expect(trace(dp, 'internet', 'db-nic', 'Tcp', 443, { viaPublicIp: true }).disposition).toBe('DENIED_IN');
  });
});
