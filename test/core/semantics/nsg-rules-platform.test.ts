// What surrounds NSG evaluation, pinned to the rule book (../shared/azure-semantics.md, section 3):
//   3.9  rule changes affect new connections only ("existing connections remain uninterrupted.
//        Network security group rules only affect new connections"; NSG `flushConnection`);
//   3.11 Azure Virtual Network Manager security admin rules are evaluated before NSG rules and can
//        deny or always-allow; not modelled, so every answer that an admin rule could change must say so;
//   3.12 platform traffic (DHCP, DNS, IMDS, health monitoring via 168.63.129.16 and 169.254.169.254)
//        is not subject to NSGs "unless targeted by service tags specific to each service";
//   3.13 effective security rules aggregate the NIC's and the subnet's NSG (duplicates when one NSG
//        is associated to both), names prefixed `securityRules/` or `defaultSecurityRules/`, plus
//        AVNM admin rules.
// Sources: learn.microsoft.com/azure/virtual-network/network-security-groups-overview,
// .../network-watcher/effective-security-rules-overview, .../network-watcher/ip-flow-verify-overview,
// .../virtual-network/diagnose-network-traffic-filter-problem, and networkSecurityGroup.json (REST).

import { describe, expect, it } from 'vitest';
import { computeEffectiveSecurityRulesView, computeExposure, computeWhatIf, summarizeSnapshot, verifyIpFlow, type DataPlane, type Trace } from '../../../core/index.ts';
import { EstateBuilder, type RuleSpec } from '../../support/estate-builder.ts';
import { dataPlaneOf, endpoint, ip } from '../../support/load.ts';
import { reach, trace } from '../trace/helpers.ts';

const SUB = '00000000-0000-0000-0000-0000000000aa';

/** `side rule access` of every NSG step of a trace, in order. */
function nsgSteps(t: Trace): string[] {
  const out: string[] = [];
  for (const h of [t.source, ...t.hops]) for (const s of h.steps) if (s.kind === 'nsg') out.push(`${s.side} ${s.rule} ${s.access}`);
  return out;
}

describe('rule 3.9: NSG rule changes affect new connections only', () => {
  const build = (deny: boolean) =>
    dataPlaneOf(
      new EstateBuilder()
        .nsg('nsg-server', deny ? [{ name: 'Deny-SSH', priority: 100, direction: 'Inbound', access: 'Deny', protocol: 'Tcp', destinationPorts: '22' }] : [])
        .vnet('v', ['10.0.0.0/16'], [{ name: 'server', prefix: '10.0.1.0/24', nsg: 'nsg-server' }, { name: 'client', prefix: '10.0.2.0/24' }])
        .nic('server-nic', { subnet: 'v/server', ip: '10.0.1.4' })
        .nic('client-nic', { subnet: 'v/client', ip: '10.0.2.4' })
        .documents(),
    );

  it('a what-if that adds an NSG deny lists the new connections it blocks', () => {
    const w = computeWhatIf(build(false), build(true), { traces: false });
    expect(w.newlyBlocked.map((f) => `${f.from} -> ${f.to} ${f.protocol} ${f.ports.join(',')}`)).toEqual(['client-nic -> server-nic Tcp 22']);
    expect(w.newlyAllowed).toEqual([]);
  });

  it('... and says that connections already open when the rule changes stay up (unlike Azure Firewall, rule 12.10)', () => {
    // "existing connections remain uninterrupted" unless the NSG enables flushConnection. An answer
    // that lists blocked flows without saying so reads as "this change cuts these sessions off".
    const w = computeWhatIf(build(false), build(true), { traces: false });
    const said = w.caveats.some((c) => /existing (connection|session|flow)s?/i.test(c.message) || /flushConnection/i.test(c.message));
    expect(said, `caveats: ${w.caveats.map((c) => c.code).join(', ')}`).toBe(true);
  });
});

describe('rule 3.11: Azure Virtual Network Manager security admin rules are reported, not silently ignored', () => {
  // An AVNM admin rule that denies RDP everywhere. Azure evaluates it before any NSG: RDP is denied
  // whatever the NSGs say. ztpath does not model it, so its answers must carry avnm.not-modelled.
  const adminRule = {
    id: `/subscriptions/${SUB}/resourceGroups/rg-avnm/providers/Microsoft.Network/networkManagers/avnm/securityAdminConfigurations/guardrails/ruleCollections/deny-mgmt/rules/deny-rdp`,
    name: 'deny-rdp',
    type: 'Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections/rules',
    kind: 'Custom',
    properties: {
      access: 'Deny', direction: 'Inbound', priority: 10, protocol: 'Tcp',
      sources: [{ addressPrefix: '*', addressPrefixType: 'IPPrefix' }], destinations: [{ addressPrefix: '*', addressPrefixType: 'IPPrefix' }],
      sourcePortRanges: ['0-65535'], destinationPortRanges: ['3389'],
    },
  };
  const estate = (withAvnm: boolean): DataPlane => {
    const b = new EstateBuilder()
      .publicIp('pip', '20.50.1.10')
      .nsg('nsg', [{ name: 'Allow-RDP', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', destinationPorts: '3389' }])
      .vnet('v', ['10.0.0.0/16'], [{ name: 'server', prefix: '10.0.1.0/24', nsg: 'nsg' }, { name: 'client', prefix: '10.0.2.0/24' }])
      .nic('server-nic', { subnet: 'v/server', ip: '10.0.1.4', publicIp: 'pip' })
      .nic('client-nic', { subnet: 'v/client', ip: '10.0.2.4' });
    return dataPlaneOf([...b.documents(), ...(withAvnm ? [{ file: 'avnm.json', text: JSON.stringify({ value: [adminRule] }) }] : [])]);
  };
  const AVNM = 'avnm.not-modelled';
  const codes = (cs: { code: string }[]) => cs.map((c) => c.code);
  const rdpIn = (dp: DataPlane, remote: string) => verifyIpFlow(dp, endpoint(dp, 'server-nic'), { direction: 'Inbound', protocol: 6, localIp: ip('10.0.1.4'), localPort: 3389, remoteIp: ip(remote), remotePort: 50000 });

  it('the admin rule is listed as unsupported by the summary', () => {
    expect(summarizeSnapshot(estate(true).snapshot).unsupported.map((u) => `${u.type} ${u.count}`)).toEqual([`${adminRule.type} 1`]);
  });

  it('a VNet-internal trace and reach carry avnm.not-modelled (and do not without AVNM)', () => {
    expect(codes(trace(estate(true), 'client-nic', 'server-nic', 'Tcp', 3389).caveats)).toContain(AVNM);
    expect(codes(reach(estate(true), 'client-nic', 'server-nic').caveats)).toContain(AVNM);
    expect(codes(trace(estate(false), 'client-nic', 'server-nic', 'Tcp', 3389).caveats)).not.toContain(AVNM);
  });

  it('IP flow verify carries avnm.not-modelled: Network Watcher evaluates admin rules too (rule 13.1)', () => {
    const r = rdpIn(estate(true), '10.0.2.4');
    expect(`${r.access} ${r.ruleName}`).toBe('Allow securityRules/Allow-RDP');
    expect(codes(r.caveats)).toContain(AVNM);
    expect(codes(rdpIn(estate(false), '10.0.2.4').caveats)).not.toContain(AVNM);
  });

  it('effective security rules carry avnm.not-modelled: they include admin rules in Azure (rule 3.13)', () => {
    const dp = estate(true);
    expect(codes(computeEffectiveSecurityRulesView(dp, endpoint(dp, 'server-nic')).caveats)).toContain(AVNM);
  });

  it('a trace and reach from the internet through the public IP carry avnm.not-modelled', () => {
    const dp = estate(true);
    const t = trace(dp, '203.0.113.9', 'server-nic', 'Tcp', 3389, { viaPublicIp: true });
    expect(t.disposition).toBe('ACCEPTED');
    expect(codes(t.caveats)).toContain(AVNM);
    expect(codes(reach(dp, 'internet', 'server-nic', { viaPublicIp: true }).caveats)).toContain(AVNM);
  });

  it('exposure (internet -> RDP on the public IP) carries avnm.not-modelled', () => {
    const e = computeExposure(estate(true));
    expect(e.exposed.map((x) => `${x.name} ${x.allowed.map((a) => `${a.protocol} ${a.ports.join(',')}`).join(';')}`)).toEqual(['server-nic Tcp 3389']);
    expect(codes(e.caveats)).toContain(AVNM);
  });
});

describe('rule 3.12: platform traffic is not subject to NSGs', () => {
  // The VM's subnet NSG denies all outbound traffic. Azure still lets the VM reach its platform DNS
  // (168.63.129.16:53) and IMDS (169.254.169.254:80): "By default, these services aren't subject to
  // the configured network security groups". An answer naming Deny-All-Out as what stops them is
  // wrong unless it says the platform exemption was not applied.
  const build = (rules: RuleSpec[]) =>
    dataPlaneOf(
      new EstateBuilder()
        .nsg('nsg', rules)
        .vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', nsg: 'nsg' }])
        .nic('vm-nic', { subnet: 'v/s', ip: '10.0.1.4' })
        .documents(),
    );
  const denyAllOut: RuleSpec = { name: 'Deny-All-Out', priority: 100, direction: 'Outbound', access: 'Deny' };

  for (const [what, dst, protocol, port] of [
    ['DNS', '168.63.129.16', 'Udp', 53],
    ['DNS over TCP', '168.63.129.16', 'Tcp', 53],
    ['IMDS', '169.254.169.254', 'Tcp', 80],
  ] as const) {
    it(`${what} to ${dst}:${port} is not stopped by the NSG's Deny-All-Out, or the answer says the platform exemption is not modelled`, () => {
      const t = trace(build([denyAllOut]), 'vm-nic', dst, protocol, port);
      const stoppedByNsg = t.stoppedBy?.stage === 'nsg-outbound';
      const caveated = t.caveats.some((c) => c.message.includes(dst) || /platform (traffic|service)/i.test(c.message));
      expect({ stoppedByNsg, caveated }, `${t.disposition} by ${t.stoppedBy?.rule ?? '-'}`).not.toEqual({ stoppedByNsg: true, caveated: false });
    });
  }

  it('a rule that targets the service-specific tag does apply (AzurePlatformDNS, approximated and flagged)', () => {
    const dp = build([{ name: 'Deny-Platform-DNS', priority: 100, direction: 'Outbound', access: 'Deny', destination: 'AzurePlatformDNS' }]);
    const t = trace(dp, 'vm-nic', '168.63.129.16', 'Udp', 53);
    expect(t.disposition).toBe('DENIED_OUT');
    expect(t.stoppedBy).toMatchObject({ stage: 'nsg-outbound', rule: 'securityRules/Deny-Platform-DNS' });
    // AzurePlatformDNS is not in the downloadable Service Tags file: its prefixes are a guess.
    expect(t.caveats.map((c) => c.code)).toContain('tag.unknown');
  });
});

describe('rule 3.13: effective security rules', () => {
  const rules: RuleSpec[] = [{ name: 'Allow-SSH', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', destinationPorts: '22' }];
  const DEFAULTS = ['AllowVnetInBound', 'AllowAzureLoadBalancerInBound', 'DenyAllInBound', 'AllowVnetOutBound', 'AllowInternetOutBound', 'DenyAllOutBound'].map((n) => `defaultSecurityRules/${n}`);

  /** nsg name, association kind, rule names of each entry. */
  function view(dp: DataPlane, nic: string): string[] {
    return computeEffectiveSecurityRulesView(dp, endpoint(dp, nic)).value.map(
      (v) => `${v.networkSecurityGroup.id.split('/').pop()} ${Object.keys(v.association).join(',')}: ${v.effectiveSecurityRules.map((r) => r.name).join(' ')}`,
    );
  }

  it("aggregate the NIC's NSG and the subnet's NSG, one entry each with its association, every name prefixed", () => {
    const dp = dataPlaneOf(
      new EstateBuilder()
        .nsg('nsg-nic', rules)
        .nsg('nsg-subnet', [{ name: 'Deny-Telnet', priority: 200, direction: 'Inbound', access: 'Deny', protocol: 'Tcp', destinationPorts: '23' }])
        .vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', nsg: 'nsg-subnet' }])
        .nic('vm-nic', { subnet: 'v/s', ip: '10.0.1.4', nsg: 'nsg-nic' })
        .documents(),
    );
    const v = computeEffectiveSecurityRulesView(dp, endpoint(dp, 'vm-nic')).value;
    expect(v.map((e) => `${e.networkSecurityGroup.id.split('/').pop()} ${JSON.stringify(e.association).includes('/networkInterfaces/vm-nic') ? 'nic' : JSON.stringify(e.association).includes('/subnets/s') ? 'subnet' : '?'}`).sort()).toEqual(['nsg-nic nic', 'nsg-subnet subnet']);
    const byNsg = new Map(v.map((e) => [e.networkSecurityGroup.id.split('/').pop(), e.effectiveSecurityRules.map((r) => r.name)]));
    expect([...(byNsg.get('nsg-nic') ?? [])].sort()).toEqual(['securityRules/Allow-SSH', ...DEFAULTS].sort());
    expect([...(byNsg.get('nsg-subnet') ?? [])].sort()).toEqual(['securityRules/Deny-Telnet', ...DEFAULTS].sort());
  });

  it('one NSG associated to both the NIC and its subnet appears twice (the duplicates Azure shows)', () => {
    const dp = dataPlaneOf(
      new EstateBuilder()
        .nsg('nsg-both', rules)
        .vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', nsg: 'nsg-both' }])
        .nic('vm-nic', { subnet: 'v/s', ip: '10.0.1.4', nsg: 'nsg-both' })
        .documents(),
    );
    const entries = view(dp, 'vm-nic');
    expect(entries).toHaveLength(2);
    expect(entries.map((e) => e.split(':')[0]).sort()).toEqual(['nsg-both networkInterface', 'nsg-both subnet']);
    expect(entries[0].split(': ')[1]).toBe(entries[1].split(': ')[1]);
  });

  it('a NIC with an NSG only on its subnet lists that one entry; the evaluation names rules with the same prefixes', () => {
    const dp = dataPlaneOf(
      new EstateBuilder()
        .nsg('nsg-subnet', rules)
        .vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', nsg: 'nsg-subnet' }])
        .nic('vm-nic', { subnet: 'v/s', ip: '10.0.1.4' })
        .nic('vm2-nic', { subnet: 'v/s', ip: '10.0.1.5' })
        .documents(),
    );
    expect(view(dp, 'vm-nic').map((e) => e.split(':')[0])).toEqual(['nsg-subnet subnet']);
    expect(nsgSteps(trace(dp, 'vm2-nic', 'vm-nic', 'Tcp', 22))).toEqual(['source-subnet defaultSecurityRules/AllowVnetOutBound Allow', 'destination-subnet securityRules/Allow-SSH Allow']);
  });
});
