// NSG evaluation pinned to the rule book (sections 1-4): IP flow verify answers.

import { describe, expect, it } from 'vitest';
import { verifyIpFlow, type DataPlane, PROTOCOL_NUMBERS } from '../../../core/index.ts';
import { EstateBuilder, type RuleSpec } from '../../support/estate-builder.ts';
import { dataPlaneOf, endpoint, ip } from '../../support/load.ts';

type Proto = 'Tcp' | 'Udp' | 'Icmp';
function verify(dp: DataPlane, nic: string, direction: 'Inbound' | 'Outbound', protocol: Proto, local: string, remote: string) {
  const [lip, lport] = local.split(':');
  const [rip, rport] = remote.split(':');
  const r = verifyIpFlow(dp, endpoint(dp, nic), { direction, protocol: PROTOCOL_NUMBERS[protocol], localIp: ip(lip), localPort: Number(lport ?? 0), remoteIp: ip(rip), remotePort: Number(rport ?? 0) });
  return `${r.access} ${r.ruleName ?? '-'}`;
}

/** VM1 (10.0.1.4) and VM2 (10.0.2.4) in one VNet; NSGs given per level. */
function twoVms(o: { subnet1Nsg?: RuleSpec[]; nic1Nsg?: RuleSpec[]; subnet2Nsg?: RuleSpec[]; nic2Nsg?: RuleSpec[] } = {}) {
  const b = new EstateBuilder();
  if (o.subnet1Nsg) b.nsg('nsg-subnet1', o.subnet1Nsg);
  if (o.nic1Nsg) b.nsg('nsg-nic1', o.nic1Nsg);
  if (o.subnet2Nsg) b.nsg('nsg-subnet2', o.subnet2Nsg);
  if (o.nic2Nsg) b.nsg('nsg-nic2', o.nic2Nsg);
  b.vnet('vnet1', ['10.0.0.0/16'], [
    { name: 'subnet1', prefix: '10.0.1.0/24', nsg: o.subnet1Nsg ? 'nsg-subnet1' : undefined },
    { name: 'subnet2', prefix: '10.0.2.0/24', nsg: o.subnet2Nsg ? 'nsg-subnet2' : undefined },
  ]);
  b.nic('vm1-nic', { subnet: 'vnet1/subnet1', ip: '10.0.1.4', nsg: o.nic1Nsg ? 'nsg-nic1' : undefined });
  b.nic('vm1b-nic', { subnet: 'vnet1/subnet1', ip: '10.0.1.5' });
  b.nic('vm2-nic', { subnet: 'vnet1/subnet2', ip: '10.0.2.4', nsg: o.nic2Nsg ? 'nsg-nic2' : undefined });
  return dataPlaneOf(b.documents());
}

describe('default security rules (rules 2.1, 2.3)', () => {
  const dp = twoVms({ nic1Nsg: [] });
  it('inbound from the internet is denied by DenyAllInBound', () => {
    expect(verify(dp, 'vm1-nic', 'Inbound', 'Tcp', '10.0.1.4:3389', '203.0.113.5:50000')).toBe('Deny defaultSecurityRules/DenyAllInBound');
  });
  it('traffic within the VNet is allowed by AllowVnetInBound', () => {
    expect(verify(dp, 'vm1-nic', 'Inbound', 'Tcp', '10.0.1.4:22', '10.0.2.4:50000')).toBe('Allow defaultSecurityRules/AllowVnetInBound');
  });
  it('outbound to the internet is allowed by AllowInternetOutBound (13.107.21.200 is in Internet)', () => {
    expect(verify(dp, 'vm1-nic', 'Outbound', 'Tcp', '10.0.1.4:50000', '13.107.21.200:80')).toBe('Allow defaultSecurityRules/AllowInternetOutBound');
  });
  it('outbound to private space outside VirtualNetwork is denied: 10.10.10.10 -> DenyAllOutBound [S18]', () => {
    expect(verify(dp, 'vm1-nic', 'Outbound', 'Tcp', '10.0.1.4:50000', '10.10.10.10:80')).toBe('Deny defaultSecurityRules/DenyAllOutBound');
  });
  it('4.2: health probes from 168.63.129.16 are allowed by AllowAzureLoadBalancerInBound', () => {
    // 168.63.129.16 is also in VirtualNetwork (rule 4.1), which comes first at 65000.
    expect(verify(dp, 'vm1-nic', 'Inbound', 'Tcp', '10.0.1.4:80', '168.63.129.16:50000')).toBe('Allow defaultSecurityRules/AllowVnetInBound');
  });
});

describe('priority and first match (rule 1.2)', () => {
  it('the lowest priority number that matches decides; later rules are not consulted', () => {
    const dp = twoVms({
      nic1Nsg: [
        { name: 'Deny-10-0-2', priority: 100, direction: 'Inbound', access: 'Deny', source: '10.0.2.0/24', destinationPorts: '22' },
        { name: 'Allow-SSH', priority: 200, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', destinationPorts: '22' },
      ],
    });
    expect(verify(dp, 'vm1-nic', 'Inbound', 'Tcp', '10.0.1.4:22', '10.0.2.4:40000')).toBe('Deny securityRules/Deny-10-0-2');
    expect(verify(dp, 'vm1-nic', 'Inbound', 'Tcp', '10.0.1.4:22', '203.0.113.9:40000')).toBe('Allow securityRules/Allow-SSH');
  });
});

describe('how NSGs combine (rule 3)', () => {
  const allow80 = (name: string, priority = 100): RuleSpec => ({ name, priority, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: 'Internet', destinationPorts: '80' });
  const deny80 = (name: string, direction: 'Inbound' | 'Outbound' = 'Inbound'): RuleSpec => ({ name, priority: 100, direction, access: 'Deny', protocol: 'Tcp', destinationPorts: '80' });

  it('3.2/3.4: inbound, a subnet NSG deny ends it and the NIC NSG is never evaluated', () => {
    const dp = twoVms({ subnet1Nsg: [deny80('Deny-80')], nic1Nsg: [allow80('Allow-80')] });
    const r = verifyIpFlow(dp, endpoint(dp, 'vm1-nic'), { direction: 'Inbound', protocol: 6, localIp: ip('10.0.1.4'), localPort: 80, remoteIp: ip('203.0.113.9'), remotePort: 5000 });
    expect(r.access).toBe('Deny');
    expect(r.evaluated.map((e) => `${e.side} ${e.ruleName}`)).toEqual(['destination-subnet securityRules/Deny-80']);
  });

  it('3.4: both the subnet and the NIC NSG must allow port 80', () => {
    const dp = twoVms({ subnet1Nsg: [allow80('Allow-80-subnet')], nic1Nsg: [] });
    expect(verify(dp, 'vm1-nic', 'Inbound', 'Tcp', '10.0.1.4:80', '203.0.113.9:5000')).toBe('Deny defaultSecurityRules/DenyAllInBound');
    const dp2 = twoVms({ subnet1Nsg: [allow80('Allow-80-subnet')], nic1Nsg: [allow80('Allow-80-nic')] });
    const r = verifyIpFlow(dp2, endpoint(dp2, 'vm1-nic'), { direction: 'Inbound', protocol: 6, localIp: ip('10.0.1.4'), localPort: 80, remoteIp: ip('203.0.113.9'), remotePort: 5000 });
    expect(r.evaluated.map((e) => `${e.side} ${e.access} ${e.ruleName}`)).toEqual(['destination-subnet Allow securityRules/Allow-80-subnet', 'destination-nic Allow securityRules/Allow-80-nic']);
  });

  it('3.3: outbound, the NIC NSG is evaluated first and its deny ends it', () => {
    const dp = twoVms({ subnet1Nsg: [], nic1Nsg: [deny80('Deny-80-out', 'Outbound')] });
    const r = verifyIpFlow(dp, endpoint(dp, 'vm1-nic'), { direction: 'Outbound', protocol: 6, localIp: ip('10.0.1.4'), localPort: 5000, remoteIp: ip('13.107.21.200'), remotePort: 80 });
    expect(r.evaluated.map((e) => `${e.side} ${e.access} ${e.ruleName}`)).toEqual(['source-nic Deny securityRules/Deny-80-out']);
  });

  it('3.5: a level without an NSG allows (VM3: no subnet NSG, the NIC NSG decides); no NSG at all allows everything', () => {
    const dp = twoVms({ nic2Nsg: [allow80('Allow-80')] });
    expect(verify(dp, 'vm2-nic', 'Inbound', 'Tcp', '10.0.2.4:80', '203.0.113.9:5000')).toBe('Allow securityRules/Allow-80');
    const open = twoVms();
    expect(verify(open, 'vm1-nic', 'Inbound', 'Tcp', '10.0.1.4:3389', '203.0.113.9:5000')).toBe('Allow -');
  });

  it('3.7: intra-subnet traffic is filtered by the subnet NSG', () => {
    const dp = twoVms({ subnet1Nsg: [{ name: 'Deny-All-In', priority: 100, direction: 'Inbound', access: 'Deny' }] });
    expect(verify(dp, 'vm1-nic', 'Inbound', 'Tcp', '10.0.1.4:445', '10.0.1.5:5000')).toBe('Deny securityRules/Deny-All-In');
  });
});

describe('rule fields (rules 1.4-1.6)', () => {
  it('1.5: port ranges, comma lists and plural fields match only inside them', () => {
    const dp = twoVms({ nic1Nsg: [{ name: 'Web', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: ['203.0.113.0/24', '198.51.100.7'], destinationPorts: ['80', '10000-10005'] }] });
    expect(verify(dp, 'vm1-nic', 'Inbound', 'Tcp', '10.0.1.4:10003', '203.0.113.9:5000')).toBe('Allow securityRules/Web');
    expect(verify(dp, 'vm1-nic', 'Inbound', 'Tcp', '10.0.1.4:10006', '203.0.113.9:5000')).toBe('Deny defaultSecurityRules/DenyAllInBound');
    expect(verify(dp, 'vm1-nic', 'Inbound', 'Tcp', '10.0.1.4:80', '198.51.100.7:5000')).toBe('Allow securityRules/Web');
    expect(verify(dp, 'vm1-nic', 'Inbound', 'Tcp', '10.0.1.4:80', '198.51.100.8:5000')).toBe('Deny defaultSecurityRules/DenyAllInBound');
  });

  it('1.4: a Tcp rule does not match UDP; `*` matches both', () => {
    const dp = twoVms({ nic1Nsg: [
      { name: 'Tcp-53', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: 'Internet', destinationPorts: '53' },
      { name: 'Any-123', priority: 110, direction: 'Inbound', access: 'Allow', protocol: '*', source: 'Internet', destinationPorts: '123' },
    ] });
    expect(verify(dp, 'vm1-nic', 'Inbound', 'Udp', '10.0.1.4:53', '203.0.113.9:5000')).toBe('Deny defaultSecurityRules/DenyAllInBound');
    expect(verify(dp, 'vm1-nic', 'Inbound', 'Udp', '10.0.1.4:123', '203.0.113.9:5000')).toBe('Allow securityRules/Any-123');
    expect(verify(dp, 'vm1-nic', 'Inbound', 'Tcp', '10.0.1.4:123', '203.0.113.9:5000')).toBe('Allow securityRules/Any-123');
  });

  it('1.6: `*`, `Any` and 0.0.0.0/0 all mean every address', () => {
    for (const source of ['*', 'Any', '0.0.0.0/0']) {
      const dp = twoVms({ nic1Nsg: [{ name: 'Open', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source, destinationPorts: '3389' }] });
      expect(verify(dp, 'vm1-nic', 'Inbound', 'Tcp', '10.0.1.4:3389', '198.51.100.1:5000')).toBe('Allow securityRules/Open');
    }
  });
});

describe('service tags and ASGs (rule 4)', () => {
  it('4.1: VirtualNetwork includes connected peered VNets that allow virtual network access', () => {
    const build = (allow: boolean) =>
      dataPlaneOf(
        new EstateBuilder()
          .nsg('nsg', [])
          .vnet('a', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', nsg: 'nsg' }])
          .vnet('b', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24' }])
          .peer('a', 'b', { allowVirtualNetworkAccess: allow }, { allowVirtualNetworkAccess: allow })
          .nic('a-nic', { subnet: 'a/s', ip: '10.0.1.4' })
          .documents(),
      );
    expect(verify(build(true), 'a-nic', 'Inbound', 'Tcp', '10.0.1.4:22', '10.1.1.4:5000')).toBe('Allow defaultSecurityRules/AllowVnetInBound');
    expect(verify(build(false), 'a-nic', 'Inbound', 'Tcp', '10.0.1.4:22', '10.1.1.4:5000')).toBe('Deny defaultSecurityRules/DenyAllInBound');
  });

  it('4.1/A3: VirtualNetwork includes the prefixes of user routes on the subnet, so 0.0.0.0/0 widens it to everything', () => {
    const dp = dataPlaneOf(
      new EstateBuilder()
        .nsg('nsg', [])
        .routeTable('rt', [{ name: 'default', prefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.9.4' }])
        .vnet('a', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', nsg: 'nsg', routeTable: 'rt' }])
        .nic('a-nic', { subnet: 'a/s', ip: '10.0.1.4' })
        .documents(),
    );
    const r = verifyIpFlow(dp, endpoint(dp, 'a-nic'), { direction: 'Inbound', protocol: 6, localIp: ip('10.0.1.4'), localPort: 3389, remoteIp: ip('203.0.113.9'), remotePort: 5000 });
    expect(`${r.access} ${r.ruleName}`).toBe('Allow defaultSecurityRules/AllowVnetInBound');
    expect(r.caveats.map((c) => c.code)).toContain('tag.virtualnetwork-udr');
  });

  it('4.1: VirtualNetwork includes on-premises prefixes learned by the gateway', () => {
    const dp = dataPlaneOf(
      new EstateBuilder()
        .nsg('nsg', [])
        .vnet('hub', ['10.0.0.0/16'], [{ name: 'GatewaySubnet', prefix: '10.0.0.0/27' }, { name: 's', prefix: '10.0.1.0/24', nsg: 'nsg' }])
        .vpn('hub', ['192.168.0.0/16'])
        .nic('hub-nic', { subnet: 'hub/s', ip: '10.0.1.4' })
        .documents(),
    );
    expect(verify(dp, 'hub-nic', 'Inbound', 'Tcp', '10.0.1.4:22', '192.168.1.10:5000')).toBe('Allow defaultSecurityRules/AllowVnetInBound');
    expect(verify(dp, 'hub-nic', 'Inbound', 'Tcp', '10.0.1.4:22', '172.16.1.10:5000')).toBe('Deny defaultSecurityRules/DenyAllInBound');
  });

  it('3.10: a rule naming an ASG applies only to member NICs, even with the NSG on the subnet', () => {
    const dp = dataPlaneOf(
      new EstateBuilder()
        .asg('asg-web')
        .nsg('nsg', [{ name: 'Allow-Web', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: 'Internet', destinationAsgs: ['asg-web'], destinationPorts: '443' }])
        .vnet('a', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', nsg: 'nsg' }])
        .nic('web-nic', { subnet: 'a/s', ip: '10.0.1.4', asgs: ['asg-web'] })
        .nic('db-nic', { subnet: 'a/s', ip: '10.0.1.5' })
        .documents(),
    );
    expect(verify(dp, 'web-nic', 'Inbound', 'Tcp', '10.0.1.4:443', '203.0.113.9:5000')).toBe('Allow securityRules/Allow-Web');
    expect(verify(dp, 'db-nic', 'Inbound', 'Tcp', '10.0.1.5:443', '203.0.113.9:5000')).toBe('Deny defaultSecurityRules/DenyAllInBound');
  });

  it('an unknown service tag is never silently empty: the answer carries a caveat', () => {
    const dp = twoVms({ nic1Nsg: [{ name: 'Deny-Storage', priority: 100, direction: 'Outbound', access: 'Deny', destination: 'Storage' }] });
    const r = verifyIpFlow(dp, endpoint(dp, 'vm1-nic'), { direction: 'Outbound', protocol: 6, localIp: ip('10.0.1.4'), localPort: 5000, remoteIp: ip('52.239.1.1'), remotePort: 443 });
    expect(r.ruleName).toBe('securityRules/Deny-Storage');
    expect(r.caveats.map((c) => c.code)).toContain('tag.unknown');
  });
});

describe('private endpoints (rules 3.14, 11.4)', () => {
  const estate = (policy: string) =>
    dataPlaneOf(
      new EstateBuilder()
        .nsg('nsg-pe', [{ name: 'Deny-All-In', priority: 100, direction: 'Inbound', access: 'Deny' }])
        .vnet('a', ['10.0.0.0/16'], [{ name: 'pe', prefix: '10.0.2.0/24', nsg: 'nsg-pe', privateEndpointNetworkPolicies: policy }, { name: 'app', prefix: '10.0.3.0/24' }])
        .privateEndpoint('pe-st', { subnet: 'a/pe', ip: '10.0.2.4', target: '/subscriptions/x/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/st' })
        .documents(),
    );
  it('the subnet NSG does not apply to a private endpoint while network policies are disabled', () => {
    expect(verify(estate('Disabled'), 'pe-st', 'Inbound', 'Tcp', '10.0.2.4:443', '10.0.3.4:5000')).toBe('Allow -');
  });
  it('it applies once NSG network policies are enabled', () => {
    for (const p of ['Enabled', 'NetworkSecurityGroupEnabled']) expect(verify(estate(p), 'pe-st', 'Inbound', 'Tcp', '10.0.2.4:443', '10.0.3.4:5000')).toBe('Deny securityRules/Deny-All-In');
  });
});
