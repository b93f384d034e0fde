// One small estate per check of the findings catalog: what it must report, and what it must not
// (the effective result decides, not the configuration text).

import { describe, expect, it } from 'vitest';
import { CATALOG, computeFindings, type DataPlane, type Finding } from '../../../core/index.ts';
import { EstateBuilder, type RuleSpec } from '../../support/estate-builder.ts';
import { dataPlaneOf } from '../../support/load.ts';

const denyAllIn: RuleSpec = { name: 'Deny-All-Inbound', priority: 4096, direction: 'Inbound', access: 'Deny' };
const denyAllOut: RuleSpec = { name: 'Deny-All-Outbound', priority: 4096, direction: 'Outbound', access: 'Deny' };

function run(dp: DataPlane, ids: string[]): Finding[] {
  return computeFindings(dp, { only: ids }).findings;
}

/** Hub with an Azure Firewall (10.0.1.4) and two spokes that send 0.0.0.0/0 to it. */
function hubAndSpokes(o: { spoke2RouteTable?: boolean; directSpokePeering?: boolean; spoke2Nsg?: RuleSpec[] } = {}) {
  const b = new EstateBuilder()
    .routeTable('rt-spoke', [{ name: 'default-to-fw', prefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.1.4' }], true)
    .vnet('hub', ['10.0.0.0/16'], [{ name: 'AzureFirewallSubnet', prefix: '10.0.1.0/26' }, { name: 'GatewaySubnet', prefix: '10.0.0.0/27' }])
    .vnet('spoke1', ['10.1.0.0/16'], [{ name: 'app', prefix: '10.1.1.0/24', nsg: 'nsg-spoke1', routeTable: 'rt-spoke' }])
    .vnet('spoke2', ['10.2.0.0/16'], [{ name: 'app', prefix: '10.2.1.0/24', nsg: 'nsg-spoke2', ...(o.spoke2RouteTable === false ? {} : { routeTable: 'rt-spoke' }) }])
    .nsg('nsg-spoke1', [denyAllIn])
    .nsg('nsg-spoke2', o.spoke2Nsg ?? [{ name: 'Allow-Spoke1', priority: 100, direction: 'Inbound', access: 'Allow', source: '10.1.0.0/16' }, denyAllIn])
    .peer('hub', 'spoke1', { allowForwardedTraffic: true }, { allowForwardedTraffic: true })
    .peer('hub', 'spoke2', { allowForwardedTraffic: true }, { allowForwardedTraffic: true })
    .publicIp('pip-fw', '52.0.0.1')
    .firewallPolicy('fwpol')
    .ruleCollectionGroup('fwpol', 'rcg', 200, [
      { ruleCollectionType: 'FirewallPolicyFilterRuleCollection', name: 'east-west', priority: 100, action: { type: 'Deny' }, rules: [{ ruleType: 'NetworkRule', name: 'deny-all', ipProtocols: ['Any'], sourceAddresses: ['*'], destinationAddresses: ['*'], destinationPorts: ['*'] }] },
    ])
    .firewall('fw', { vnet: 'hub', privateIp: '10.0.1.4', publicIp: 'pip-fw', policy: 'fwpol' })
    .nic('nic-vm1', { subnet: 'spoke1/app', ip: '10.1.1.4' })
    .nic('nic-vm2', { subnet: 'spoke2/app', ip: '10.2.1.4' });
  if (o.directSpokePeering) b.peer('spoke1', 'spoke2');
  return dataPlaneOf(b.documents());
}

describe('ZT-SUBNET-NO-NSG', () => {
  it('never reports the subnets that cannot take an NSG', () => {
    const b = new EstateBuilder().vnet('hub', ['10.0.0.0/16'], [
      { name: 'GatewaySubnet', prefix: '10.0.0.0/27' },
      { name: 'AzureFirewallSubnet', prefix: '10.0.1.0/26' },
      { name: 'AzureFirewallManagementSubnet', prefix: '10.0.1.64/26' },
      { name: 'RouteServerSubnet', prefix: '10.0.2.0/27' },
    ]);
    expect(run(dataPlaneOf(b.documents()), ['ZT-SUBNET-NO-NSG'])).toEqual([]);
  });

  it('high for a subnet whose NICs have no NSG either, with a flow that reaches one unfiltered', () => {
    const b = new EstateBuilder()
      .vnet('v', ['10.0.0.0/16'], [{ name: 'web', prefix: '10.0.1.0/24', nsg: 'nsg-web' }, { name: 'batch', prefix: '10.0.2.0/24' }])
      .nsg('nsg-web', [denyAllIn])
      .nic('nic-web', { subnet: 'v/web', ip: '10.0.1.4' })
      .nic('nic-batch', { subnet: 'v/batch', ip: '10.0.2.4' });
    const f = run(dataPlaneOf(b.documents()), ['ZT-SUBNET-NO-NSG']);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: 'high', name: 'v/batch' });
    expect(f[0].evidence.flow).toMatchObject({ src: '10.0.1.4', dst: '10.0.2.4' });
    expect(f[0].evidence.disposition).toBe('ACCEPTED');
    expect(f[0].location).toEqual({ file: 'estate.json', jsonPath: '$.value[0].properties.subnets[1]' });
  });

  it('low when every NIC has its own NSG, and for an empty subnet', () => {
    const b = new EstateBuilder()
      .vnet('v', ['10.0.0.0/16'], [{ name: 'a', prefix: '10.0.1.0/24' }, { name: 'empty', prefix: '10.0.2.0/24' }])
      .nsg('nsg-nic', [denyAllIn])
      .nic('nic-a', { subnet: 'v/a', ip: '10.0.1.4', nsg: 'nsg-nic' });
    const f = run(dataPlaneOf(b.documents()), ['ZT-SUBNET-NO-NSG']);
    expect(f.map((x) => [x.name, x.severity])).toEqual([['v/a', 'low'], ['v/empty', 'low']]);
  });
});

describe('ZT-FORWARDER-NO-NSG', () => {
  it('an IP-forwarding NIC without any NSG is high; a subnet NSG is enough', () => {
    const mk = (nsg: boolean) =>
      new EstateBuilder()
        .routeTable('rt', [{ name: 'via-nva', prefix: '10.9.0.0/16', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.1.4' }])
        .vnet('v', ['10.0.0.0/16'], [{ name: 'nva', prefix: '10.0.1.0/24', ...(nsg ? { nsg: 'nsg-nva' } : {}) }, { name: 'app', prefix: '10.0.2.0/24', routeTable: 'rt', nsg: 'nsg-nva' }])
        .nsg('nsg-nva', [])
        .nic('nic-nva', { subnet: 'v/nva', ip: '10.0.1.4', ipForwarding: true });
    const f = run(dataPlaneOf(mk(false).documents()), ['ZT-FORWARDER-NO-NSG']);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: 'high', name: 'nic-nva' });
    expect(f[0].message).toContain('rt/via-nva (10.9.0.0/16)');
    expect(run(dataPlaneOf(mk(true).documents()), ['ZT-FORWARDER-NO-NSG'])).toEqual([]);
  });
});

describe('ZT-EGRESS-BYPASSES-FIREWALL and ZT-DEFAULT-OUTBOUND', () => {
  it('a spoke without a route table egresses directly; spokes with 0.0.0.0/0 -> firewall do not', () => {
    const f = run(hubAndSpokes({ spoke2RouteTable: false }), ['ZT-EGRESS-BYPASSES-FIREWALL', 'ZT-DEFAULT-OUTBOUND']);
    expect(f.map((x) => [x.id, x.name, x.severity])).toEqual([
      ['ZT-EGRESS-BYPASSES-FIREWALL', 'spoke2/app', 'medium'],
      ['ZT-DEFAULT-OUTBOUND', 'spoke2/app', 'low'],
    ]);
    expect(f[0].message).toContain('Default 0.0.0.0/0 -> Internet');
    expect(f[0].message).toContain('instead of through fw');
    expect(f[0].evidence).toMatchObject({ disposition: 'EXITS_NETWORK', flow: { src: '10.2.1.4', dst: '93.184.216.34', protocol: 'Tcp', dstPort: 443 } });
  });

  it('no finding when the NSG blocks internet egress, or when there is no firewall to bypass', () => {
    expect(run(hubAndSpokes({ spoke2RouteTable: false, spoke2Nsg: [denyAllIn, denyAllOut] }), ['ZT-EGRESS-BYPASSES-FIREWALL', 'ZT-DEFAULT-OUTBOUND'])).toEqual([]);
    const b = new EstateBuilder().vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', nsg: 'n' }]).nsg('n', []).nic('nic1', { subnet: 'v/s', ip: '10.0.1.4' });
    const a = computeFindings(dataPlaneOf(b.documents()), { only: ['ZT-EGRESS-BYPASSES-FIREWALL'] });
    expect(a.findings).toEqual([]);
    expect(a.notes.join(' ')).toContain('no Azure Firewall');
  });

  it('a private subnet (defaultOutboundAccess false) does not rely on default outbound access', () => {
    const b = new EstateBuilder().vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', nsg: 'n', defaultOutboundAccess: false }]).nsg('n', []).nic('nic1', { subnet: 'v/s', ip: '10.0.1.4' });
    expect(run(dataPlaneOf(b.documents()), ['ZT-DEFAULT-OUTBOUND'])).toEqual([]);
  });
});

describe('ZT-SPOKE-BYPASSES-HUB', () => {
  it('a direct spoke-to-spoke peering with a flow that skips the firewall is high', () => {
    const f = run(hubAndSpokes({ directSpokePeering: true }), ['ZT-SPOKE-BYPASSES-HUB']);
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('high');
    expect(f[0].message).toContain('does not pass fw');
    expect(f[0].evidence).toMatchObject({ disposition: 'ACCEPTED', flow: { src: '10.1.1.4', dst: '10.2.1.4' } });
    expect(f[0].evidence.path).toEqual(['nic:nic-vm2']);
  });

  it('nothing when spokes only talk through the hub', () => {
    expect(run(hubAndSpokes(), ['ZT-SPOKE-BYPASSES-HUB'])).toEqual([]);
  });
});

describe('ZT-PAAS-PUBLIC-ACCESS', () => {
  it('defaultAction Allow is high; a broad IP rule is medium; private accounts are not reported', () => {
    const b = new EstateBuilder()
      .storageAccount('stopen', { defaultAction: 'Allow' })
      .storageAccount('stiprule', { defaultAction: 'Deny', ipRules: ['20.0.0.0/8'] })
      .storageAccount('stnamed', { defaultAction: 'Deny', ipRules: ['203.0.113.10'] })
      .storageAccount('stdisabled', { defaultAction: 'Allow', publicNetworkAccess: 'Disabled' });
    const f = run(dataPlaneOf(b.documents()), ['ZT-PAAS-PUBLIC-ACCESS']);
    expect(f.map((x) => [x.name, x.severity])).toEqual([['stopen', 'high'], ['stiprule', 'medium']]);
    expect(f[0].evidence).toMatchObject({ disposition: 'ACCEPTED', allowedBy: [{ rule: 'networkAcls.defaultAction' }] });
  });
});

describe('ZT-VNET-TAG-WIDENED', () => {
  const mk = (rules: RuleSpec[]) =>
    new EstateBuilder()
      .routeTable('rt', [{ name: 'default-to-fw', prefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.9.4' }])
      .vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', nsg: 'n', routeTable: 'rt' }])
      // Not peered: 10.5.0.0/16 is in the subnet's VirtualNetwork tag only through the 0.0.0.0/0 route.
      .vnet('other', ['10.5.0.0/16'], [{ name: 's', prefix: '10.5.1.0/24' }])
      .nsg('n', rules)
      .nic('nic1', { subnet: 'v/s', ip: '10.0.1.4' });
  it('reports what AllowVnetInBound/OutBound admit because a 0.0.0.0/0 route widened the tag', () => {
    const f = run(dataPlaneOf(mk([]).documents()), ['ZT-VNET-TAG-WIDENED']);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: 'low', name: 'rt' });
    expect(f[0].message).toContain('defaultSecurityRules/AllowVnetInBound');
    expect(f[0].message).toContain('defaultSecurityRules/AllowVnetOutBound');
    expect(f[0].message).toContain('admits inbound all protocols and ports from 10.5.0.0/16');
  });
  it('nothing when explicit denies decide before the VirtualNetwork rules', () => {
    expect(run(dataPlaneOf(mk([denyAllIn, denyAllOut]).documents()), ['ZT-VNET-TAG-WIDENED'])).toEqual([]);
  });
});

describe('ZT-SHADOWED-RULE, ZT-REDUNDANT-RULE, ZT-BROAD-ALLOW (packet boxes, per VirtualNetwork context)', () => {
  function nsgEstate(rules: RuleSpec[], o: { peered?: boolean } = {}) {
    const b = new EstateBuilder()
      .vnet('v', ['10.0.0.0/16'], [{ name: 's', prefix: '10.0.1.0/24', nsg: 'n' }, { name: 'src', prefix: '10.0.2.0/24' }])
      .vnet('other', ['10.5.0.0/16'], [{ name: 's', prefix: '10.5.1.0/24' }])
      .nsg('n', rules)
      .nic('nic-dst', { subnet: 'v/s', ip: '10.0.1.4' })
      .nic('nic-src', { subnet: 'v/src', ip: '10.0.2.4' })
      .nic('nic-other', { subnet: 'other/s', ip: '10.5.1.4' });
    if (o.peered) b.peer('v', 'other');
    return dataPlaneOf(b.documents());
  }
  const ids = ['ZT-SHADOWED-RULE', 'ZT-REDUNDANT-RULE', 'ZT-BROAD-ALLOW'];

  it('a deny fully covered by an earlier allow is shadowed; high when a flow shows it', () => {
    const f = run(nsgEstate([
      { name: 'Allow-Internal', priority: 100, direction: 'Inbound', access: 'Allow', source: '10.0.0.0/8' },
      { name: 'Deny-Src-Sql', priority: 200, direction: 'Inbound', access: 'Deny', protocol: 'Tcp', source: '10.0.2.0/24', destinationPorts: '1433' },
      denyAllIn,
    ]), ids);
    const sh = f.find((x) => x.id === 'ZT-SHADOWED-RULE')!;
    expect(sh).toMatchObject({ severity: 'high', name: 'n/Deny-Src-Sql' });
    expect(sh.evidence.flow).toMatchObject({ src: '10.0.2.4', dst: '10.0.1.4', protocol: 'Tcp', dstPort: 1433 });
    expect(sh.evidence.rules?.map((r) => r.rule)).toEqual(['securityRules/Deny-Src-Sql', 'securityRules/Allow-Internal']);
    expect(f.find((x) => x.id === 'ZT-BROAD-ALLOW')).toMatchObject({ severity: 'low', name: 'n/Allow-Internal' });
  });

  it('a deny that is only partly covered is not shadowed', () => {
    const f = run(nsgEstate([
      { name: 'Allow-Src', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: '10.0.2.0/25', destinationPorts: '1433' },
      { name: 'Deny-Src-Sql', priority: 200, direction: 'Inbound', access: 'Deny', protocol: 'Tcp', source: '10.0.2.0/24', destinationPorts: '1433' },
    ]), ids);
    expect(f.filter((x) => x.id === 'ZT-SHADOWED-RULE')).toEqual([]);
  });

  it('VirtualNetwork context: a rule shadowed by a VirtualNetwork allow only where the tag covers it', () => {
    const rules: RuleSpec[] = [
      { name: 'Allow-VNet', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: 'VirtualNetwork', destinationPorts: '443' },
      { name: 'Deny-Other', priority: 200, direction: 'Inbound', access: 'Deny', protocol: 'Tcp', source: '10.5.0.0/16', destinationPorts: '443' },
      denyAllIn,
    ];
    // Not peered: 10.5.0.0/16 is outside the subnet's VirtualNetwork tag, so the deny decides.
    expect(run(nsgEstate(rules), ['ZT-SHADOWED-RULE'])).toEqual([]);
    // Peered: the tag holds 10.5.0.0/16 and the deny never matches.
    const f = run(nsgEstate(rules, { peered: true }), ['ZT-SHADOWED-RULE']);
    expect(f.map((x) => x.name)).toEqual(['n/Deny-Other']);
    expect(f[0].message).toContain('VirtualNetwork expanded per subnet');
  });

  it('same-access coverage and later broader allows are redundancy (low, info); a deny repeating the defaults is not reported', () => {
    const f = run(nsgEstate([
      { name: 'Allow-Web', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: '10.0.2.0/24', destinationPorts: ['80', '443'] },
      { name: 'Allow-Https', priority: 110, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: '10.0.2.0/25', destinationPorts: '443' },
      { name: 'Allow-Ssh', priority: 120, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: '10.0.2.4', destinationPorts: '22' },
      { name: 'Allow-Ssh-Wide', priority: 130, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: '10.0.2.0/24', destinationPorts: '22' },
      { name: 'Deny-Internet', priority: 4000, direction: 'Outbound', access: 'Deny', destination: '10.99.0.0/16' },
    ]), ids);
    expect(f.map((x) => [x.id, x.name, x.severity])).toEqual([
      ['ZT-REDUNDANT-RULE', 'n/Allow-Https', 'low'],
      ['ZT-REDUNDANT-RULE', 'n/Allow-Ssh', 'info'],
    ]);
  });

  it('broad allows: any source and any port (medium); a port-restricted or never-matching one is not', () => {
    const f = run(nsgEstate([
      { name: 'Allow-Any', priority: 100, direction: 'Inbound', access: 'Allow', source: '*' },
      { name: 'Allow-Any-Again', priority: 200, direction: 'Inbound', access: 'Allow', source: 'Any' },
      { name: 'Allow-Any-443', priority: 300, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: '*', destinationPorts: '443' },
    ]), ['ZT-BROAD-ALLOW']);
    expect(f.map((x) => [x.name, x.severity])).toEqual([['n/Allow-Any', 'medium']]);
  });
});

describe('ZT-IMPLIED-TRUST', () => {
  const mk = (appRules: RuleSpec[]) =>
    new EstateBuilder()
      .vnet('v', ['10.0.0.0/16'], [{ name: 'web', prefix: '10.0.1.0/24', nsg: 'nsg-web' }, { name: 'app', prefix: '10.0.2.0/24', nsg: 'nsg-app' }])
      .nsg('nsg-web', [{ name: 'Allow-Web-To-App', priority: 100, direction: 'Outbound', access: 'Allow', protocol: 'Tcp', destination: '10.0.2.0/24', destinationPorts: '8443' }, denyAllOut, denyAllIn])
      .nsg('nsg-app', appRules)
      .nic('nic-web', { subnet: 'v/web', ip: '10.0.1.4' })
      .nic('nic-app', { subnet: 'v/app', ip: '10.0.2.4' });

  it('a tier admitted only by AllowVnetInBound is reported with the flows that use it', () => {
    const f = run(dataPlaneOf(mk([]).documents()), ['ZT-IMPLIED-TRUST']);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: 'medium', name: 'nsg-app' });
    expect(f[0].message).toContain('from v/web (Tcp 8443)');
    expect(f[0].evidence.allowedBy).toContainEqual({ nsg: expect.stringContaining('nsg-app'), rule: 'defaultSecurityRules/AllowVnetInBound', side: 'destination-subnet' });
  });

  it('explicit allows plus a Deny-All-Inbound leave nothing to the default rule', () => {
    const f = run(dataPlaneOf(mk([{ name: 'Allow-Web', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: '10.0.1.0/24', destinationPorts: '8443' }, denyAllIn]).documents()), ['ZT-IMPLIED-TRUST']);
    expect(f).toEqual([]);
  });
});

describe('catalog and determinism', () => {
  it('every catalog entry has a stable id, a severity, help and a fix', () => {
    for (const c of CATALOG) {
      expect(c.id).toMatch(/^ZT-[A-Z-]+$/);
      expect(['high', 'medium', 'low', 'info']).toContain(c.severity);
      expect(c.help.length).toBeGreaterThan(40);
      expect(c.fix.length).toBeGreaterThan(20);
    }
    expect(new Set(CATALOG.map((c) => c.id)).size).toBe(CATALOG.length);
  });

  it('the same estate gives the same findings, in severity order', () => {
    const dp = hubAndSpokes({ spoke2RouteTable: false, directSpokePeering: true });
    const a = computeFindings(dp);
    const b = computeFindings(hubAndSpokes({ spoke2RouteTable: false, directSpokePeering: true }));
    expect(JSON.stringify(a.findings)).toBe(JSON.stringify(b.findings));
    const ranks = a.findings.map((f) => ['high', 'medium', 'low', 'info'].indexOf(f.severity));
    expect(ranks).toEqual([...ranks].sort((x, y) => x - y));
    for (const f of a.findings) expect(f.fingerprint).toContain(f.id);
  });
});
