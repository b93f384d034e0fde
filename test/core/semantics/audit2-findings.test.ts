// Audit round 2, findings (computeFindings), pinned to the rule book (../shared/azure-semantics.md):
// rules 3.5 and 14.5 (no NSG = allow at that level; a Standard public IP is closed to inbound until
// an NSG allows, a Basic one is open), 12.6 (Azure Firewall DNAT translates and allows), 3.14 and
// 11.4 (private endpoints ignore NSGs unless network policies are enabled), 10.7 (storage
// publicNetworkAccess Disabled blocks the public endpoint), 7.1/7.2 (longest prefix match; User >
// System for one prefix). Sources: "Network security groups: how it works"
// (learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works, S3), "Public IP
// addresses" (learn.microsoft.com/azure/virtual-network/ip-services/public-ip-addresses, SKU table),
// "Azure Firewall rule processing logic" (learn.microsoft.com/azure/firewall/rule-processing, S13),
// "Manage network policies for private endpoints"
// (learn.microsoft.com/azure/private-link/disable-private-endpoint-network-policy, S12), "Configure
// Azure Storage firewalls and virtual networks" (learn.microsoft.com/azure/storage/common/storage-network-security, S10),
// "Virtual network traffic routing" (learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview, S1).
//
// Already pinned elsewhere: the exposure finding's many ways of writing a source or a port, NAT
// rules with a translated frontend port, latent exposure behind a 0.0.0.0/0 UDR with an NSG
// (test/core/analysis/findings-exposure.test.ts); the subnet-NSG, egress, spoke, PaaS and implied
// trust basics (test/core/analysis/findings-checks.test.ts); Basic vs Standard in traces
// (test/core/semantics/audit2-edge.test.ts, nsg-rules-combine.test.ts).

import { describe, expect, it } from 'vitest';
import { computeFindings, type DataPlane, type Finding } from '../../../core/index.ts';
import { EstateBuilder } from '../../support/estate-builder.ts';
import { dataPlaneOf } from '../../support/load.ts';
import { path, trace } from '../trace/helpers.ts';

const EXPOSURE = ['ZT-EXPOSED-MGMT-PORT', 'ZT-EXPOSED-DIRECT'];

function findings(dp: DataPlane, only: string[]): Finding[] {
  return computeFindings(dp, { only, skipBlast: true }).findings;
}

function ids(list: Finding[]): string[] {
  return list.map((f) => `${f.id} ${f.severity} ${f.name ?? ''}`);
}

/** One VM with an instance public IP of `sku`, optionally a 0.0.0.0/0 UDR to an appliance, no NSG anywhere. */
function vmWithoutNsg(sku: 'Standard' | 'Basic', forcedTunnel: boolean): DataPlane {
  const b = new EstateBuilder().vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', ...(forcedTunnel ? { routeTable: 'rt' } : {}) }]);
  if (forcedTunnel) b.routeTable('rt', [{ name: 'to-nva', prefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.9.4' }]);
  b.publicIp('pip-vm', '52.1.2.3', sku).nic('vm', { subnet: 'v/s', ip: '10.0.1.4', publicIp: 'pip-vm' });
  return dataPlaneOf(b.documents());
}

describe('rules 3.5 and 14.5: exposure findings follow the public IP SKU when no NSG applies', () => {
  it('a Standard public IP with no NSG is closed: no management-port or direct-exposure finding, even latent behind a 0.0.0.0/0 UDR', () => {
    expect(ids(findings(vmWithoutNsg('Standard', false), EXPOSURE))).toEqual([]);
    expect(ids(findings(vmWithoutNsg('Standard', true), EXPOSURE))).toEqual([]);
  });

  it('a Basic public IP with no NSG is open on every port: management ports high, direct exposure medium', () => {
    const f = findings(vmWithoutNsg('Basic', false), EXPOSURE);
    expect(ids(f).sort()).toEqual(['ZT-EXPOSED-DIRECT medium vm', 'ZT-EXPOSED-MGMT-PORT high vm']);
    const mgmt = f.find((x) => x.id === 'ZT-EXPOSED-MGMT-PORT')!;
    expect(mgmt.message).toContain('SSH (Tcp 22)');
    expect(mgmt.message).toContain('any internet address');
    expect(mgmt.evidence.disposition).toBe('ACCEPTED');
  });

  it('a Standard load balancer inbound NAT rule to a NIC with no NSG exposes nothing (the Standard frontend is closed)', () => {
    const b = new EstateBuilder()
      .vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24' }])
      .publicIp('pip-lb', '52.1.2.3')
      .nic('vm', { subnet: 'v/s', ip: '10.0.1.4' })
      .loadBalancer('lb', { publicIp: 'pip-lb', pool: [], natRules: [{ name: 'rdp', nic: 'vm', protocol: 'Tcp', frontendPort: 50001, backendPort: 3389 }] });
    expect(ids(findings(dataPlaneOf(b.documents()), EXPOSURE))).toEqual([]);
  });
});

describe('rule 12.6 with 3.5: a firewall DNAT rule to a VM whose subnet has no NSG is management-port exposure', () => {
  it('RDP behind DNAT 52.1.1.1:50389 -> 10.0.1.4:3389 is reported high, through the DNAT rule, on the backend port', () => {
    const b = new EstateBuilder()
      .vnet('hub', ['10.0.0.0/16'], [{ name: 'AzureFirewallSubnet', prefix: '10.0.0.0/26' }, { name: 'vm', prefix: '10.0.1.0/24' }])
      .publicIp('pip-fw', '52.1.1.1')
      .firewallPolicy('pol')
      .firewall('fw', { vnet: 'hub', privateIp: '10.0.0.4', publicIp: 'pip-fw', policy: 'pol' })
      .ruleCollectionGroup('pol', 'dnat', 100, [
        { ruleCollectionType: 'FirewallPolicyNatRuleCollection', name: 'dnat', priority: 100, action: { type: 'Dnat' }, rules: [{ ruleType: 'NatRule', name: 'rdp', ipProtocols: ['TCP'], sourceAddresses: ['*'], destinationAddresses: ['52.1.1.1'], destinationPorts: ['50389'], translatedAddress: '10.0.1.4', translatedPort: '3389' }] },
      ])
      .nic('vm1', { subnet: 'hub/vm', ip: '10.0.1.4' });
    const f = findings(dataPlaneOf(b.documents()), ['ZT-EXPOSED-MGMT-PORT']);
    expect(ids(f)).toEqual(['ZT-EXPOSED-MGMT-PORT high vm1']);
    expect(f[0].message).toContain('RDP (Tcp 3389 via frontend port 50389)');
    expect(f[0].evidence.entry).toMatchObject({ via: 'firewallDnat', name: expect.stringContaining('rdp') });
  });
});

describe('rule 10.7: publicNetworkAccess Disabled closes the public endpoint whatever networkAcls say', () => {
  it.each(['Disabled', 'disabled'])('publicNetworkAccess %s with defaultAction Allow is not public access; Enabled is (high)', (pna) => {
    const closed = new EstateBuilder().storageAccount('stclosed', { publicNetworkAccess: pna, defaultAction: 'Allow' });
    expect(ids(findings(dataPlaneOf(closed.documents()), ['ZT-PAAS-PUBLIC-ACCESS']))).toEqual([]);
    const open = new EstateBuilder().storageAccount('stopen', { publicNetworkAccess: 'Enabled', defaultAction: 'Allow' });
    expect(ids(findings(dataPlaneOf(open.documents()), ['ZT-PAAS-PUBLIC-ACCESS']))).toEqual(['ZT-PAAS-PUBLIC-ACCESS high stopen']);
  });
});

describe('rules 3.14 and 11.4: implied trust into a private endpoint needs network policies enabled', () => {
  function estate(policies: string): DataPlane {
    const b = new EstateBuilder();
    const st = b.id('Microsoft.Storage/storageAccounts', 'st1');
    b.vnet('v', ['10.0.0.0/16'], [
      { name: 'pe', prefix: '10.0.2.0/24', nsg: 'nsg-pe', privateEndpointNetworkPolicies: policies },
      { name: 'app', prefix: '10.0.1.0/24', nsg: 'nsg-app' },
    ])
      .nsg('nsg-pe', [])
      .nsg('nsg-app', [])
      .storageAccount('st1', { defaultAction: 'Deny', publicNetworkAccess: 'Disabled' })
      .privateEndpoint('pe1', { subnet: 'v/pe', ip: '10.0.2.4', target: st })
      .nic('app1', { subnet: 'v/app', ip: '10.0.1.4' });
    return dataPlaneOf(b.documents());
  }
  const onPe = (f: Finding[]) => f.filter((x) => x.id === 'ZT-IMPLIED-TRUST' && x.message.includes('pe1'));

  it('policies Disabled (the default) or RouteTableEnabled: the subnet NSG does not filter the endpoint, so no implied-trust finding names it', () => {
    expect(onPe(findings(estate('Disabled'), ['ZT-IMPLIED-TRUST']))).toEqual([]);
    expect(onPe(findings(estate('RouteTableEnabled'), ['ZT-IMPLIED-TRUST']))).toEqual([]);
  });

  it('policies Enabled: nsg-pe admits app1 into pe1 only by AllowVnetInBound (medium, with the flow)', () => {
    const f = onPe(findings(estate('Enabled'), ['ZT-IMPLIED-TRUST']));
    expect(ids(f)).toEqual(['ZT-IMPLIED-TRUST medium nsg-pe']);
    expect(f[0].message).toContain('from v/app (Tcp 443)');
  });
});

describe('rules 7.1/7.2: egress findings follow longest prefix match', () => {
  function hub(b: EstateBuilder): EstateBuilder {
    return b.publicIp('pip-fw', '52.1.1.1').firewallPolicy('pol').firewall('fw', { vnet: 'hub', privateIp: '10.0.0.4', publicIp: 'pip-fw', policy: 'pol' });
  }

  it('0.0.0.0/0 -> firewall does not cover a more specific 0.0.0.0/1 -> Internet: half the internet skips the firewall', () => {
    const b = hub(
      new EstateBuilder()
        .vnet('hub', ['10.0.0.0/16'], [{ name: 'AzureFirewallSubnet', prefix: '10.0.0.0/26' }])
        .vnet('spoke', ['10.1.0.0/16'], [{ name: 'app', prefix: '10.1.1.0/24', nsg: 'n', routeTable: 'rt' }])
        .peer('hub', 'spoke')
        .nsg('n', [])
        .routeTable('rt', [
          { name: 'def', prefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.0.4' },
          { name: 'h1', prefix: '0.0.0.0/1', nextHopType: 'Internet' },
        ]),
    ).nic('app1', { subnet: 'spoke/app', ip: '10.1.1.4' });
    const f = findings(dataPlaneOf(b.documents()), ['ZT-EGRESS-BYPASSES-FIREWALL']);
    expect(ids(f)).toEqual(['ZT-EGRESS-BYPASSES-FIREWALL medium spoke/app']);
    expect(f[0].message).toContain('user route h1 0.0.0.0/1 -> Internet');
    expect(f[0].message).not.toContain('128.0.0.0');
  });

  it('a NAT gateway on the firewall subnet is the firewall\'s own egress: a spoke routed to the firewall skips nothing', () => {
    const b = new EstateBuilder();
    b.vnet('hub', ['10.0.0.0/16'], [{ name: 'AzureFirewallSubnet', prefix: '10.0.0.0/26', natGateway: 'ng' }])
      .vnet('spoke', ['10.1.0.0/16'], [{ name: 'app', prefix: '10.1.1.0/24', nsg: 'n', routeTable: 'rt' }])
      .peer('hub', 'spoke')
      .nsg('n', [])
      .add({ id: b.id('Microsoft.Network/natGateways', 'ng'), name: 'ng', type: 'Microsoft.Network/natGateways', location: 'westeurope', sku: { name: 'Standard' }, properties: {} })
      .routeTable('rt', [{ name: 'def', prefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.0.4' }]);
    hub(b).nic('app1', { subnet: 'spoke/app', ip: '10.1.1.4' });
    expect(ids(findings(dataPlaneOf(b.documents()), ['ZT-EGRESS-BYPASSES-FIREWALL', 'ZT-DEFAULT-OUTBOUND']))).toEqual([]);
  });

  // BUG: the appliance's own subnet is reported for "skipping" the appliance. The NVA is the
  // inspection point; its egress to the internet IS the firewall's egress (the catalog defines the
  // finding as "Workloads reach the internet directly although the estate has a firewall or NVA").
  it('the NVA that spokes route 0.0.0.0/0 to (rule 6.3) is not itself a workload skipping the firewall', () => {
    const b = new EstateBuilder()
      .vnet('hub', ['10.0.0.0/16'], [{ name: 'nva', prefix: '10.0.0.0/24', nsg: 'n' }])
      .vnet('spoke', ['10.1.0.0/16'], [{ name: 'app', prefix: '10.1.1.0/24', nsg: 'n', routeTable: 'rt' }])
      .peer('hub', 'spoke', { allowForwardedTraffic: true }, { allowForwardedTraffic: true })
      .nsg('n', [])
      .routeTable('rt', [{ name: 'def', prefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.0.4' }])
      .publicIp('pip-nva', '52.1.1.1')
      .nic('nva1', { subnet: 'hub/nva', ip: '10.0.0.4', ipForwarding: true, publicIp: 'pip-nva' })
      .nic('app1', { subnet: 'spoke/app', ip: '10.1.1.4' });
    const f = findings(dataPlaneOf(b.documents()), ['ZT-EGRESS-BYPASSES-FIREWALL']);
    expect(ids(f)).toEqual([]);
  });
});

describe('rules 7.2 and 8.4: a direct spoke peering whose routes are overridden by UDRs to the hub firewall', () => {
  // BUG: ZT-SPOKE-BYPASSES-HUB is still raised (low) and says "no flow ... (NSGs stop it), but the
  // path exists", although the flows do get through, via the firewall: the User routes for the other
  // spoke's prefix beat the VNetPeering system route of the same prefix (rule 7.2).
  it('UDRs send each spoke\'s traffic for the other to the firewall: traffic is inspected, no bypass finding', () => {
    const b = new EstateBuilder()
      .vnet('hub', ['10.0.0.0/16'], [{ name: 'AzureFirewallSubnet', prefix: '10.0.0.0/26' }])
      .vnet('s1', ['10.1.0.0/16'], [{ name: 'app', prefix: '10.1.1.0/24', nsg: 'n', routeTable: 'rt1' }])
      .vnet('s2', ['10.2.0.0/16'], [{ name: 'app', prefix: '10.2.1.0/24', nsg: 'n', routeTable: 'rt2' }])
      .peer('hub', 's1', { allowForwardedTraffic: true }, { allowForwardedTraffic: true })
      .peer('hub', 's2', { allowForwardedTraffic: true }, { allowForwardedTraffic: true })
      .peer('s1', 's2')
      .nsg('n', [])
      .routeTable('rt1', [{ name: 'def', prefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.0.4' }, { name: 'to-s2', prefix: '10.2.0.0/16', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.0.4' }])
      .routeTable('rt2', [{ name: 'def', prefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.0.4' }, { name: 'to-s1', prefix: '10.1.0.0/16', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.0.4' }])
      .publicIp('pip-fw', '52.1.1.1')
      .firewallPolicy('pol')
      .firewall('fw', { vnet: 'hub', privateIp: '10.0.0.4', publicIp: 'pip-fw', policy: 'pol' })
      .ruleCollectionGroup('pol', 'net', 200, [
        { ruleCollectionType: 'FirewallPolicyFilterRuleCollection', name: 'east-west', priority: 100, action: { type: 'Allow' }, rules: [{ ruleType: 'NetworkRule', name: 'all', ipProtocols: ['Any'], sourceAddresses: ['10.0.0.0/8'], destinationAddresses: ['10.0.0.0/8'], destinationPorts: ['*'] }] },
      ])
      .nic('a1', { subnet: 's1/app', ip: '10.1.1.4' })
      .nic('a2', { subnet: 's2/app', ip: '10.2.1.4' });
    const dp = dataPlaneOf(b.documents());
    // The premise: the flow is accepted, through the firewall.
    const t = trace(dp, 'a1', 'a2', 'Tcp', 443);
    expect(t.disposition).toBe('ACCEPTED');
    expect(path(t).join(' ')).toContain('fw');
    expect(ids(findings(dp, ['ZT-SPOKE-BYPASSES-HUB']))).toEqual([]);
  });
});
