// Azure Firewall (rule book 12.4, 12.5, 12.6, 12.10, 12.11), through the public API on REST-shaped
// estates (Firewall Policy with rule collection groups). Source:
// learn.microsoft.com/azure/firewall/rule-processing (S13):
// - 12.4 "Threat intelligence-based filtering" is processed first (before any rule);
// - 12.5 "Application rules evaluate the packet in priority order if there's no network rule match
//   and if the protocol is HTTP, HTTPS, or MSSQL"; "The firewall iterates through all rule
//   collection groups three times — once per rule type";
// - 12.6 "If Azure Firewall finds a match, it translates the traffic according to the DNAT rule and
//   allows it. So, the traffic isn't subject to any further processing by other network rules."
//   Application rules never apply to inbound;
// - 12.10 "If you change a rule to deny previously allowed traffic, Azure Firewall drops any relevant
//   existing sessions" (unlike NSGs);
// - 12.11 traffic reaches the firewall by an ordinary user route, next hop VirtualAppliance = the
//   firewall's private IP [inferred]; the firewall forwards without an IP-forwarding flag.

import { describe, expect, it } from 'vitest';
import { computeWhatIf, evaluateFirewall, PROTOCOL_NUMBERS, type DataPlane } from '../../../core/index.ts';
import { EstateBuilder } from '../../support/estate-builder.ts';
import { dataPlaneOf, ip } from '../../support/load.ts';
import { path, reach, trace } from '../trace/helpers.ts';

type Json = Record<string, unknown>;

const netRules = (name: string, priority: number, action: 'Allow' | 'Deny', rules: { name: string; protocols: string[]; src: string[]; dst: string[]; ports: string[] }[]): Json => ({
  ruleCollectionType: 'FirewallPolicyFilterRuleCollection',
  name,
  priority,
  action: { type: action },
  rules: rules.map((r) => ({ ruleType: 'NetworkRule', name: r.name, ipProtocols: r.protocols, sourceAddresses: r.src, destinationAddresses: r.dst, destinationPorts: r.ports })),
});
const appRules = (name: string, priority: number, action: 'Allow' | 'Deny', rules: { name: string; src: string[]; fqdns: string[]; protocols: { protocolType: string; port: number }[] }[]): Json => ({
  ruleCollectionType: 'FirewallPolicyFilterRuleCollection',
  name,
  priority,
  action: { type: action },
  rules: rules.map((r) => ({ ruleType: 'ApplicationRule', name: r.name, sourceAddresses: r.src, targetFqdns: r.fqdns, protocols: r.protocols })),
});
const dnatRules = (name: string, priority: number, rules: { name: string; src: string[]; dst: string; port: string; to: string; toPort: string }[]): Json => ({
  ruleCollectionType: 'FirewallPolicyNatRuleCollection',
  name,
  priority,
  action: { type: 'DNAT' },
  rules: rules.map((r) => ({ ruleType: 'NatRule', name: r.name, ipProtocols: ['TCP'], sourceAddresses: r.src, destinationAddresses: [r.dst], destinationPorts: [r.port], translatedAddress: r.to, translatedPort: r.toPort })),
});

/**
 * Hub (10.0.0.0/16: AzureFirewallSubnet with the firewall at 10.0.1.4, public IP 20.50.0.10; a
 * server subnet) and a spoke (10.1.0.0/16) peered with it. The spoke's route table sends 0.0.0.0/0
 * and the server subnet to the firewall unless `udr` is false.
 */
function estate(o: { groups: [string, number, Json[]][]; udr?: boolean; threatIntelMode?: string; snat?: Json; srvFromFirewallOnly?: boolean }): DataPlane {
  const b = new EstateBuilder().publicIp('pip-fw', '20.50.0.10');
  // The server admits 443 only from AzureFirewallSubnet: it sees the client only when the firewall does not SNAT.
  if (o.srvFromFirewallOnly) b.nsg('nsg-srv', [{ name: 'Allow-From-Firewall', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: '10.0.1.0/26', destinationPorts: '443' }, { name: 'Deny-Rest', priority: 200, direction: 'Inbound', access: 'Deny' }]);
  b.routeTable('rt-spoke', [
    { name: 'default', prefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.1.4' },
    { name: 'hub-servers', prefix: '10.0.2.0/24', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.1.4' },
  ], true);
  b.vnet('hub', ['10.0.0.0/16'], [{ name: 'AzureFirewallSubnet', prefix: '10.0.1.0/26' }, { name: 'srv', prefix: '10.0.2.0/24', ...(o.srvFromFirewallOnly ? { nsg: 'nsg-srv' } : {}) }])
    .vnet('spoke', ['10.1.0.0/16'], [{ name: 's', prefix: '10.1.1.0/24', routeTable: o.udr === false ? undefined : 'rt-spoke' }])
    .peer('hub', 'spoke', { allowForwardedTraffic: true }, { allowForwardedTraffic: true })
    .firewallPolicy('policy')
    .firewall('afw', { vnet: 'hub', privateIp: '10.0.1.4', publicIp: 'pip-fw', policy: 'policy' })
    .nic('vm-nic', { subnet: 'spoke/s', ip: '10.1.1.4' })
    .nic('srv-nic', { subnet: 'hub/srv', ip: '10.0.2.4' });
  if (o.threatIntelMode) ((b.resources.find((r) => r.name === 'policy') as Json).properties as Json).threatIntelMode = o.threatIntelMode;
  if (o.snat) ((b.resources.find((r) => r.name === 'policy') as Json).properties as Json).snat = o.snat;
  for (const [name, priority, collections] of o.groups) b.ruleCollectionGroup('policy', name, priority, collections);
  return dataPlaneOf(b.documents());
}

function firewallOf(dp: DataPlane) {
  return dp.snapshot.azureFirewalls.values().next().value!;
}

const allowSpokeToSrv = netRules('allow-spoke', 100, 'Allow', [{ name: 'spoke-to-srv', protocols: ['TCP'], src: ['10.1.0.0/16'], dst: ['10.0.2.0/24'], ports: ['443'] }]);

describe('rule 12.4: threat-intelligence filtering (not modelled) is named, not silently skipped', () => {
  it('a policy in threatIntelMode Deny: an answer through the firewall says threat intelligence may drop the flow', () => {
    const dp = estate({ groups: [['rcg', 100, [allowSpokeToSrv]]], threatIntelMode: 'Deny' });
    expect(dp.snapshot.firewallPolicies.values().next().value!.threatIntelMode).toBe('Deny');
    const t = trace(dp, 'vm-nic', 'srv-nic', 'Tcp', 443);
    expect(path(t)).toEqual(['firewall:afw', 'nic:srv-nic']);
    // The rules allow it; Azure first checks the threat-intelligence feed, which is not in the input.
    expect(t.caveats.some((c) => /threat/i.test(`${c.code} ${c.message}`)), JSON.stringify(t.caveats.map((c) => c.code))).toBe(true);
    expect(reach(dp, 'vm-nic', 'srv-nic').caveats.some((c) => /threat/i.test(`${c.code} ${c.message}`))).toBe(true);
  });
});

describe('rule 12.5: network rules of every group before application rules of any group; application rules only for HTTP/HTTPS/MSSQL', () => {
  const fqdnFlow = { protocol: PROTOCOL_NUMBERS.Tcp, src: ip('10.1.1.4'), srcPort: 50000, dst: ip('140.82.112.6'), dstPort: 443 };

  it('a network Deny in a group at priority 500 beats an application Allow in a group at priority 100', () => {
    const dp = estate({
      groups: [
        ['rcg-app', 100, [appRules('allow-github', 100, 'Allow', [{ name: 'gh', src: ['10.1.0.0/16'], fqdns: ['api.github.com'], protocols: [{ protocolType: 'Https', port: 443 }] }])]],
        ['rcg-net', 500, [netRules('deny-web', 100, 'Deny', [{ name: 'no-443', protocols: ['TCP'], src: ['*'], dst: ['*'], ports: ['443'] }])]],
      ],
    });
    expect(evaluateFirewall(dp, firewallOf(dp), fqdnFlow, { fqdn: 'api.github.com' })).toMatchObject({ action: 'Deny', ruleType: 'Network', rule: 'no-443', ruleCollectionGroup: 'rcg-net' });
    // Without that network rule the application rule decides.
    const appOnly = estate({ groups: [['rcg-app', 100, [appRules('allow-github', 100, 'Allow', [{ name: 'gh', src: ['10.1.0.0/16'], fqdns: ['api.github.com'], protocols: [{ protocolType: 'Https', port: 443 }] }])]]] });
    expect(evaluateFirewall(appOnly, firewallOf(appOnly), fqdnFlow, { fqdn: 'api.github.com' })).toMatchObject({ action: 'Allow', ruleType: 'Application', rule: 'gh' });
  });

  it('an application rule does not match a non-web protocol or port (TCP 22, UDP 443): the default Deny', () => {
    const dp = estate({ groups: [['rcg-app', 100, [appRules('allow-all-fqdns', 100, 'Allow', [{ name: 'any-web', src: ['*'], fqdns: ['*'], protocols: [{ protocolType: 'Https', port: 443 }, { protocolType: 'Http', port: 80 }, { protocolType: 'Mssql', port: 1433 }] }])]]] });
    const fw = firewallOf(dp);
    expect(evaluateFirewall(dp, fw, { ...fqdnFlow, dstPort: 22 }, { fqdn: 'api.github.com' })).toMatchObject({ action: 'Deny', ruleType: 'Default' });
    expect(evaluateFirewall(dp, fw, { ...fqdnFlow, protocol: PROTOCOL_NUMBERS.Udp }, { fqdn: 'api.github.com' })).toMatchObject({ action: 'Deny', ruleType: 'Default' });
    // Its own protocols do match: HTTPS 443, HTTP 80, MSSQL 1433.
    for (const port of [443, 80, 1433]) expect(evaluateFirewall(dp, fw, { ...fqdnFlow, dstPort: port }, { fqdn: 'db.example.net' }), String(port)).toMatchObject({ action: 'Allow', ruleType: 'Application', rule: 'any-web' });
  });
});

describe('rule 12.6: DNAT translates and allows; no further network-rule processing; no application rules inbound', () => {
  const dnat = dnatRules('dnat', 100, [{ name: 'https-in', src: ['*'], dst: '20.50.0.10', port: '8443', to: '10.0.2.4', toPort: '443' }]);

  it('a network Deny for the translated destination does not stop DNAT-matched traffic', () => {
    const dp = estate({
      groups: [
        ['rcg-dnat', 100, [dnat]],
        ['rcg-net', 200, [netRules('deny-srv', 100, 'Deny', [{ name: 'no-srv', protocols: ['Any'], src: ['*'], dst: ['10.0.2.0/24'], ports: ['*'] }])]],
      ],
    });
    const t = trace(dp, '198.51.100.7', 'srv-nic', 'Tcp', 8443, { viaPublicIp: true });
    expect(t.disposition).toBe('ACCEPTED');
    expect(t.hops[0].steps.find((s) => s.kind === 'nat' && s.type === 'DNAT')).toMatchObject({ kind: 'nat', type: 'DNAT' });
    expect(t.allowedBy).toContainEqual(expect.objectContaining({ rule: 'https-in' }));
    // The Deny still applies to traffic that is not DNAT-ed (from the spoke, through the firewall).
    expect(trace(dp, 'vm-nic', 'srv-nic', 'Tcp', 443)).toMatchObject({ disposition: 'DENIED_BY_FIREWALL', stoppedBy: { rule: 'no-srv' } });
  });

  it('an application rule allowing every FQDN from everywhere opens nothing inbound on the public IP', () => {
    const dp = estate({ groups: [['rcg-app', 100, [appRules('allow-all', 100, 'Allow', [{ name: 'all', src: ['*'], fqdns: ['*'], protocols: [{ protocolType: 'Https', port: 443 }] }])]]] });
    const d = evaluateFirewall(dp, firewallOf(dp), { protocol: PROTOCOL_NUMBERS.Tcp, src: ip('198.51.100.7'), srcPort: 50000, dst: ip('20.50.0.10'), dstPort: 443 }, { toPublicIp: true, fqdn: 'www.contoso.com' });
    expect(d).toMatchObject({ action: 'Deny', ruleType: 'Default' });
    expect(trace(dp, '198.51.100.7', 'srv-nic', 'Tcp', 443, { viaPublicIp: true }).disposition).not.toBe('ACCEPTED');
    expect(reach(dp, 'internet', 'srv-nic', { viaPublicIp: true }).allowed).toEqual([]);
  });
});

describe('rule 12.10: a rule changed to Deny blocks the flow (existing sessions included)', () => {
  it('what-if of an Allow collection turned Deny lists the spoke-to-server flow as newly blocked', () => {
    const before = estate({ groups: [['rcg', 100, [allowSpokeToSrv]]] });
    const after = estate({ groups: [['rcg', 100, [{ ...allowSpokeToSrv, action: { type: 'Deny' } }]]] });
    expect(trace(before, 'vm-nic', 'srv-nic', 'Tcp', 443).disposition).toBe('ACCEPTED');
    expect(trace(after, 'vm-nic', 'srv-nic', 'Tcp', 443).disposition).toBe('DENIED_BY_FIREWALL');
    const w = computeWhatIf(before, after, { traces: false });
    const blocked = w.newlyBlocked.filter((f) => f.fromRef.ips?.includes('10.1.1.4') && f.toRef.ips?.includes('10.0.2.4'));
    expect(blocked.map((f) => `${f.protocol} ${f.ports.join(',')}`)).toEqual(['Tcp 443']);
    expect(w.newlyAllowed).toEqual([]);
  });
});

describe('rule 12.11: traffic reaches the firewall only through a user route to its private IP', () => {
  const denyAll: [string, number, Json[]][] = [['rcg', 100, [netRules('deny-all', 100, 'Deny', [{ name: 'all', protocols: ['Any'], src: ['*'], dst: ['*'], ports: ['*'] }])]]];

  it('with the route, the firewall is a hop and forwards without any IP-forwarding flag', () => {
    const dp = estate({ groups: [['rcg', 100, [allowSpokeToSrv]]] });
    const t = trace(dp, 'vm-nic', 'srv-nic', 'Tcp', 443);
    expect(t.disposition).toBe('ACCEPTED');
    expect(path(t)).toEqual(['firewall:afw', 'nic:srv-nic']);
    expect(t.source.steps.find((s) => s.kind === 'route')).toMatchObject({ nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.0.1.4', route: 'hub-servers' });
    expect(t.hops.flatMap((h) => h.steps).some((s) => s.kind === 'forwarding')).toBe(false);
    // And its rules decide: the same path with a Deny-all policy is denied by the firewall.
    expect(trace(estate({ groups: denyAll }), 'vm-nic', 'srv-nic', 'Tcp', 443)).toMatchObject({ disposition: 'DENIED_BY_FIREWALL', stoppedBy: { rule: 'all' } });
  });

  it('without the route the firewall is not on the path: its Deny-all does not apply, peering carries the flow', () => {
    const dp = estate({ groups: denyAll, udr: false });
    const t = trace(dp, 'vm-nic', 'srv-nic', 'Tcp', 443);
    expect(t.disposition).toBe('ACCEPTED');
    expect(path(t)).toEqual(['nic:srv-nic']);
    expect(t.source.steps.find((s) => s.kind === 'route')).toMatchObject({ nextHopType: 'VNetPeering' });
  });
});

describe('SNAT private ranges (learn.microsoft.com/azure/firewall/snat-private-range)', () => {
  // "By default, Azure Firewall doesn't SNAT with Network rules when the destination IP address is
  // in a private IP address range per IANA RFC 1918 or shared address space per IANA RFC 6598";
  // `snat.privateRanges` replaces the list (IANAPrivateRanges = the default, 255.255.255.255/32 =
  // always SNAT), and traffic SNATed to a private destination takes the firewall's private address.
  const groups: [string, number, Json[]][] = [['rcg', 100, [allowSpokeToSrv]]];

  it('by default a network rule keeps the client as the source: the server admitting only the firewall subnet refuses it', () => {
    const t = trace(estate({ groups, srvFromFirewallOnly: true }), 'vm-nic', 'srv-nic', 'Tcp', 443);
    expect(t.disposition).toBe('DENIED_IN');
    expect(t.stoppedBy?.rule).toBe('securityRules/Deny-Rest');
  });

  it('IANAPrivateRanges is the default spelled out', () => {
    const t = trace(estate({ groups, srvFromFirewallOnly: true, snat: { privateRanges: ['IANAPrivateRanges'] } }), 'vm-nic', 'srv-nic', 'Tcp', 443);
    expect(t.disposition).toBe('DENIED_IN');
  });

  it('255.255.255.255/32 (always SNAT): the server sees the firewall\'s private address and admits it; trace and reach agree', () => {
    const dp = estate({ groups, srvFromFirewallOnly: true, snat: { privateRanges: ['255.255.255.255/32'] } });
    const t = trace(dp, 'vm-nic', 'srv-nic', 'Tcp', 443);
    expect(t.disposition).toBe('ACCEPTED');
    const fwHop = t.hops.find((h) => h.kind === 'firewall')!;
    expect(fwHop.steps).toContainEqual(expect.objectContaining({ kind: 'nat', type: 'SNAT', to: '10.0.1.4' }));
    expect(t.caveats.map((c) => c.code)).toContain('firewall.snat-private');
    expect(reach(dp, 'vm-nic', 'srv-nic').allowed.map((p) => `${p.protocol} ${p.ports.join(',')}`)).toEqual(['Tcp 443']);
  });

  it('what-if of a policy that starts to SNAT everything: the server newly admits the spoke, found by the incremental comparison as by the full one', () => {
    const before = estate({ groups, srvFromFirewallOnly: true });
    const after = estate({ groups, srvFromFirewallOnly: true, snat: { privateRanges: ['255.255.255.255/32'] } });
    const flows = (w: ReturnType<typeof computeWhatIf>) => w.newlyAllowed.filter((f) => f.fromRef.ips?.includes('10.1.1.4') && f.toRef.ips?.includes('10.0.2.4')).map((f) => `${f.protocol} ${f.ports.join(',')}`);
    const incremental = computeWhatIf(before, after, { traces: false });
    expect(flows(incremental)).toEqual(['Tcp 443']);
    expect(flows(computeWhatIf(before, after, { traces: false, mode: 'full' }))).toEqual(['Tcp 443']);
    expect(incremental.newlyBlocked).toEqual([]);
  });

  it('a range that is not an address is named, and learned ranges (autoLearnPrivateRanges) are said to be missing', () => {
    const dp = estate({ groups, snat: { privateRanges: ['IANAPrivateRanges', 'not-a-range'], autoLearnPrivateRanges: 'Enabled' } });
    const codes = trace(dp, 'vm-nic', 'srv-nic', 'Tcp', 443).caveats.map((c) => c.code);
    expect(codes).toContain('firewall.snat-range-unknown');
    expect(codes).toContain('firewall.snat-auto-learn');
  });

  it('a firewall without a policy reads Network.SNAT.PrivateRanges from additionalProperties', () => {
    const b = new EstateBuilder().vnet('hub', ['10.0.0.0/16'], [{ name: 'AzureFirewallSubnet', prefix: '10.0.1.0/26' }]);
    b.add({
      id: b.id('Microsoft.Network/azureFirewalls', 'afw-classic'),
      name: 'afw-classic',
      type: 'Microsoft.Network/azureFirewalls',
      location: b.location,
      properties: {
        additionalProperties: { 'Network.SNAT.PrivateRanges': 'IANAPrivateRanges , 99.99.99.0/24' },
        ipConfigurations: [{ name: 'cfg', properties: { privateIPAddress: '10.0.1.4', subnet: { id: b.subnetId('hub', 'AzureFirewallSubnet') } } }],
      },
    });
    const fw = dataPlaneOf(b.documents()).snapshot.azureFirewalls.values().next().value!;
    expect(fw.snatPrivateRanges).toEqual(['IANAPrivateRanges', '99.99.99.0/24']);
  });
});
