// Policy checks (issue 5): every verb passing and violating, the selectors, and the policy schema
// errors with the path of the offending field.

import { describe, expect, it } from 'vitest';
import { checkPolicy, parsePolicy, type DataPlane, type PolicyCheckAnswer } from '../../../core/index.ts';
import { EstateBuilder, type RuleSpec } from '../../support/estate-builder.ts';
import { dataPlaneOf } from '../../support/load.ts';

const denyAllIn: RuleSpec = { name: 'Deny-All-Inbound', priority: 4096, direction: 'Inbound', access: 'Deny' };

/**
 * Hub with a firewall (10.0.1.4) that allows spoke1 -> spoke2 Tcp 443 only; spoke1 routes
 * 0.0.0.0/0 to it; spoke2 routes 0.0.0.0/0 to it unless `spoke2Direct`. spoke2's NSG admits
 * spoke1 on 443 (and 22 when `extraSsh`). A VM in the hub's mgmt subnet has a public IP with RDP open.
 */
function estate(o: { spoke2Direct?: boolean; extraSsh?: boolean; directPeering?: boolean } = {}): DataPlane {
  const b = new EstateBuilder()
    .routeTable('rt-spoke', [{ name: 'default-to-fw', prefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.1.4' }], true)
    .vnet('hub', ['10.0.0.0/16'], [{ name: 'AzureFirewallSubnet', prefix: '10.0.1.0/26' }, { name: 'mgmt', prefix: '10.0.3.0/24', nsg: 'nsg-mgmt' }])
    .vnet('spoke1', ['10.1.0.0/16'], [{ name: 'web', prefix: '10.1.1.0/24', nsg: 'nsg-web', routeTable: 'rt-spoke' }])
    .vnet('spoke2', ['10.2.0.0/16'], [{ name: 'app', prefix: '10.2.1.0/24', nsg: 'nsg-app', ...(o.spoke2Direct ? {} : { routeTable: 'rt-spoke' }) }])
    .nsg('nsg-mgmt', [{ name: 'Allow-RDP', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: 'Internet', destinationPorts: '3389' }, denyAllIn])
    .nsg('nsg-web', [denyAllIn])
    .nsg('nsg-app', [{ name: 'Allow-Web', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: '10.1.1.0/24', destinationPorts: o.extraSsh ? ['443', '22'] : '443', destinationAsgs: undefined }, denyAllIn])
    .peer('hub', 'spoke1', { allowForwardedTraffic: true }, { allowForwardedTraffic: true })
    .peer('hub', 'spoke2', { allowForwardedTraffic: true }, { allowForwardedTraffic: true })
    .publicIp('pip-fw', '52.0.0.1')
    .publicIp('pip-jump', '52.0.0.2')
    .firewallPolicy('fwpol')
    .ruleCollectionGroup('fwpol', 'rcg', 200, [
      {
        ruleCollectionType: 'FirewallPolicyFilterRuleCollection',
        name: 'east-west',
        priority: 100,
        action: { type: 'Allow' },
        rules: [{ ruleType: 'NetworkRule', name: 'web-to-app', ipProtocols: ['TCP'], sourceAddresses: ['10.1.1.0/24'], destinationAddresses: ['10.2.1.0/24'], destinationPorts: o.extraSsh ? ['443', '22'] : ['443'] }],
      },
    ])
    .firewall('fw', { vnet: 'hub', privateIp: '10.0.1.4', publicIp: 'pip-fw', policy: 'fwpol' })
    .asg('asg-app')
    .nic('nic-web1', { subnet: 'spoke1/web', ip: '10.1.1.4' })
    .nic('nic-app1', { subnet: 'spoke2/app', ip: '10.2.1.4', asgs: ['asg-app'] })
    .nic('nic-jump', { subnet: 'hub/mgmt', ip: '10.0.3.4', publicIp: 'pip-jump' });
  if (o.directPeering) b.peer('spoke1', 'spoke2');
  // Tags for tag: selectors.
  for (const r of b.resources) if (r.name === 'nic-app1') r.tags = { tier: 'app' };
  return dataPlaneOf(b.documents());
}

function check(dp: DataPlane, doc: unknown): PolicyCheckAnswer {
  const p = parsePolicy(doc);
  expect(p.issues).toEqual([]);
  const r = checkPolicy(dp, p.policy!);
  expect(r.issues).toEqual([]);
  return r.answer!;
}

const intent = (body: Record<string, unknown>) => ({ intents: [{ name: 'i', ...body }] });

describe('deny', () => {
  it('passes when nothing of the traffic gets through', () => {
    const a = check(estate(), intent({ deny: { from: 'spoke1/web', to: 'spoke2/app', protocol: 'Tcp', ports: [22, 3389] } }));
    expect(a.results[0]).toMatchObject({ status: 'pass', violationCount: 0 });
    expect(a.failed).toBe(0);
  });

  it('fails with an example flow and its trace when some gets through', () => {
    const a = check(estate(), intent({ deny: { from: 'internet', to: 'vnet:hub', protocol: 'Tcp', ports: ['3389'] } }));
    const r = a.results[0];
    expect(r.status).toBe('fail');
    expect(r.violations).toHaveLength(1);
    expect(r.violations[0]).toMatchObject({ kind: 'forbidden-flow', name: 'nic-jump', traffic: 'Tcp 3389' });
    expect(r.violations[0].evidence).toMatchObject({ disposition: 'ACCEPTED', flow: { dst: '10.0.3.4', dstPort: 3389 } });
    expect(r.violations[0].evidence.allowedBy).toContainEqual(expect.objectContaining({ rule: 'securityRules/Allow-RDP' }));
  });
});

describe('allow (exactly)', () => {
  it('passes when exactly the traffic flows', () => {
    const a = check(estate(), intent({ allow: { from: 'spoke1/web', to: 'asg:asg-app', protocol: 'Tcp', ports: [443] } }));
    expect(a.results[0]).toMatchObject({ status: 'pass' });
    expect(a.results[0].summary).toContain('exactly Tcp 443 flows');
  });

  it('fails on extra traffic, and passes it with exactly: false', () => {
    const dp = estate({ extraSsh: true });
    const a = check(dp, intent({ allow: { from: 'spoke1/web', to: 'tag:tier=app', protocol: 'Tcp', ports: [443] } }));
    expect(a.results[0].violations).toHaveLength(1);
    expect(a.results[0].violations[0]).toMatchObject({ kind: 'extra-flow', traffic: 'Tcp 22' });
    expect(a.results[0].violations[0].evidence).toMatchObject({ disposition: 'ACCEPTED', path: ['firewall:fw', 'nic:nic-app1'] });
    const b = check(dp, intent({ allow: { from: 'spoke1/web', to: 'tag:tier=app', protocol: 'Tcp', ports: [443], exactly: false } }));
    expect(b.results[0].status).toBe('pass');
  });

  it('fails on missing traffic, with the trace of where it stops', () => {
    const a = check(estate(), intent({ allow: { from: 'spoke1/web', to: 'nic-app1', protocol: 'Tcp', ports: [443, 8443] } }));
    const v = a.results[0].violations;
    expect(v.map((x) => [x.kind, x.traffic])).toEqual([['missing-flow', 'Tcp 8443']]);
    expect(v[0].evidence).toMatchObject({ disposition: 'DENIED_BY_FIREWALL', flow: { dstPort: 8443 } });
  });
});

describe('via', () => {
  it('passes when every flow passes the firewall', () => {
    const a = check(estate(), intent({ via: { from: 'vnet:spoke1', to: 'vnet:spoke2', through: 'fw' } }));
    expect(a.results[0]).toMatchObject({ status: 'pass' });
    expect(a.results[0].summary).toContain('passes fw');
  });

  it('fails when a direct peering carries traffic around the firewall', () => {
    const a = check(estate({ directPeering: true, spoke2Direct: true }), intent({ via: { from: 'vnet:spoke1', to: 'vnet:spoke2', through: 'fw' } }));
    expect(a.results[0].status).toBe('fail');
    expect(a.results[0].violations[0]).toMatchObject({ kind: 'bypass', traffic: 'Tcp 443' });
    expect(a.results[0].violations[0].evidence.path).toEqual(['nic:nic-app1']);
  });

  it('fails for internet egress that does not go through the firewall', () => {
    const a = check(estate({ spoke2Direct: true }), intent({ via: { from: 'spoke2/app', to: 'internet', through: '10.0.1.4' } }));
    expect(a.results[0].status).toBe('fail');
    expect(a.results[0].violations[0].evidence).toMatchObject({ disposition: 'EXITS_NETWORK', routes: [{ nextHopType: 'Internet' }] });
    expect(a.results[0].violations[0].to).toBe('internet');
  });

  it('passes vacuously when nothing flows, and says so', () => {
    const a = check(estate(), intent({ via: { from: 'vnet:spoke2', to: 'vnet:spoke1', through: 'fw' } }));
    expect(a.results[0]).toMatchObject({ status: 'pass' });
    expect(a.results[0].summary).toContain('no traffic flows between these groups');
  });
});

describe('selectors', () => {
  it('CIDRs cover endpoints inside and addresses outside; onprem needs local network gateways', () => {
    const a = check(estate(), intent({ deny: { from: '10.1.0.0/16', to: '10.2.1.4', protocol: 'Tcp', ports: [22] } }));
    expect(a.results[0].status).toBe('pass');
    const p = parsePolicy(intent({ deny: { from: 'onprem', to: 'spoke2/app' } }));
    const r = checkPolicy(estate(), p.policy!);
    expect(r.issues).toEqual([{ path: ['intents', 0, 'deny', 'from'], message: expect.stringContaining('no local network gateway') }]);
  });

  it('groups expand to their selectors; unknown names are issues with the path and candidates', () => {
    const p = parsePolicy({ groups: { web: ['spoke1/web'], bad: ['nic-ap'] }, intents: [{ name: 'i', deny: { from: 'group:web', to: ['group:bad', 'asg:nope', 'tag:tier=nope'] } }] });
    expect(p.issues).toEqual([]);
    const r = checkPolicy(estate(), p.policy!);
    expect(r.answer).toBeUndefined();
    expect(r.issues.map((i) => i.path)).toEqual([['groups', 'bad', 0], ['intents', 0, 'deny', 'to', 1], ['intents', 0, 'deny', 'to', 2]]);
    expect(r.issues[0].message).toContain('nic-ap');
  });
});

describe('policy schema errors name the field', () => {
  const cases: [string, unknown, { path: (string | number)[]; message: string }][] = [
    ['not a mapping', ['x'], { path: [], message: 'the policy must be a mapping' }],
    ['no intents', { version: 1 }, { path: [], message: "no 'intents'" }],
    ['bad version', { version: 2, intents: [] }, { path: ['version'], message: 'version must be 1' }],
    ['unknown top field', { intent: [] , intents: [] }, { path: ['intent'], message: "unknown field 'intent'" }],
    ['intent without a name', { intents: [{ deny: { from: 'a', to: 'b' } }] }, { path: ['intents', 0], message: "no 'name'" }],
    ['two verbs', { intents: [{ name: 'x', deny: { from: 'a', to: 'b' }, allow: { from: 'a', to: 'b' } }] }, { path: ['intents', 0], message: 'exactly one verb' }],
    ['no verb', { intents: [{ name: 'x' }] }, { path: ['intents', 0], message: "needs one of 'deny', 'allow', 'via'" }],
    ['missing to', { intents: [{ name: 'x', deny: { from: 'a' } }] }, { path: ['intents', 0, 'deny'], message: "deny has no 'to'" }],
    ['bad port', { intents: [{ name: 'x', deny: { from: 'a', to: 'b', ports: [22, 70000] } }] }, { path: ['intents', 0, 'deny', 'ports', 1], message: 'outside 0-65535' }],
    ['bad protocol', { intents: [{ name: 'x', deny: { from: 'a', to: 'b', protocol: 'Sctp' } }] }, { path: ['intents', 0, 'deny', 'protocol'], message: 'protocol must be Tcp, Udp, Icmp or Any' }],
    ['ports with Icmp', { intents: [{ name: 'x', deny: { from: 'a', to: 'b', protocol: 'Icmp', ports: [1] } }] }, { path: ['intents', 0, 'deny', 'ports'], message: 'Tcp and Udp only' }],
    ['unknown verb field', { intents: [{ name: 'x', deny: { from: 'a', to: 'b', through: 'fw' } }] }, { path: ['intents', 0, 'deny', 'through'], message: "unknown field 'through'" }],
    ['via without through', { intents: [{ name: 'x', via: { from: 'a', to: 'b' } }] }, { path: ['intents', 0, 'via'], message: "via has no 'through'" }],
    ['exactly not boolean', { intents: [{ name: 'x', allow: { from: 'a', to: 'b', exactly: 'yes' } }] }, { path: ['intents', 0, 'allow', 'exactly'], message: 'exactly must be true or false' }],
    ['duplicate names', { intents: [{ name: 'x', deny: { from: 'a', to: 'b' } }, { name: 'x', deny: { from: 'a', to: 'b' } }] }, { path: ['intents', 1, 'name'], message: 'already used by intents[0]' }],
    ['unknown group', { intents: [{ name: 'x', deny: { from: 'group:nope', to: 'b' } }] }, { path: ['intents', 0, 'deny', 'from'], message: "names no group" }],
    ['empty selector list', { intents: [{ name: 'x', deny: { from: [], to: 'b' } }] }, { path: ['intents', 0, 'deny', 'from'], message: 'empty list' }],
  ];
  it.each(cases)('%s', (_label, doc, expected) => {
    const r = parsePolicy(doc);
    expect(r.policy).toBeUndefined();
    expect(r.issues).toContainEqual(expect.objectContaining({ path: expected.path, message: expect.stringContaining(expected.message) }));
  });
});
