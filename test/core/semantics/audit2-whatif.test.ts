// Audit 2, what-if/diff (core/analysis/diff): the incremental answer (affected.ts bounds the pairs a
// change can affect, changedRegion the packets) must equal the full one (every pair walked on both
// snapshots), and both must match what traces of the flows show before and after. Rules from
// ../shared/azure-semantics.md:
// - 3.14: to a private endpoint "Source port filtering is interpreted as *"
//   (learn.microsoft.com/azure/private-link/disable-private-endpoint-network-policy, S11);
// - 3.9: "existing connections remain uninterrupted. Network security group rules only affect new
//   connections" (learn.microsoft.com/azure/virtual-network/network-security-groups-overview);
// - 10.6 service endpoint locations; 8.6 allowForwardedTraffic; 11.4 PE network policies; Firewall
//   Policy inheritance (base policy).
// The whatif.existing-connections caveat is already checked for a plain NSG rule change
// (nsg-rules-platform.test.ts); here: changes that change NSG verdicts without touching an NSG, and
// blocks caused by something else than an NSG.

import { describe, expect, it } from 'vitest';
import { computeWhatIf, type DataPlane, type FlowChange, type WhatIfAnswer } from '../../../core/index.ts';
import { EstateBuilder, type RuleSpec } from '../../support/estate-builder.ts';
import { dataPlaneOf } from '../../support/load.ts';
import { trace } from '../trace/helpers.ts';

type Docs = { file: string; text: string }[];

function flows(xs: FlowChange[]): string[] {
  return xs.map((x) => `${x.from}->${x.to} ${x.protocol} ${x.ports.join(',')}${x.sourcePorts ? ` sp=${x.sourcePorts.join(',')}` : ''}`).sort();
}
function summary(a: WhatIfAnswer): { allowed: string[]; blocked: string[] } {
  return { allowed: flows(a.newlyAllowed), blocked: flows(a.newlyBlocked) };
}
function both(b: Docs, a: Docs): { before: DataPlane; after: DataPlane; inc: WhatIfAnswer; full: WhatIfAnswer } {
  const before = dataPlaneOf(b);
  const after = dataPlaneOf(a);
  const inc = computeWhatIf(before, after, { traces: false });
  const full = computeWhatIf(dataPlaneOf(b), dataPlaneOf(a), { traces: false, mode: 'full', budgetMs: Number.POSITIVE_INFINITY });
  return { before, after, inc, full };
}
const codes = (a: WhatIfAnswer): string[] => a.caveats.map((c) => c.code);

/** vm1 (10.1.1.4) and a private endpoint pe1 (10.1.2.4) for storage st1, whose subnet has nsg-pe. */
function peEstate(o: { policies: string; rules: RuleSpec[]; asgs?: string[] }): Docs {
  const b = new EstateBuilder();
  b.vnet('vnet-a', ['10.1.0.0/16'], [{ name: 'app', prefix: '10.1.1.0/24' }, { name: 'pe', prefix: '10.1.2.0/24', nsg: 'nsg-pe', privateEndpointNetworkPolicies: o.policies }]);
  b.asg('asg-x');
  b.nic('vm1', { subnet: 'vnet-a/app', ip: '10.1.1.4', asgs: o.asgs });
  b.nsg('nsg-pe', o.rules);
  b.storageAccount('st1', { defaultAction: 'Deny', publicNetworkAccess: 'Disabled' });
  b.privateEndpoint('pe1', { subnet: 'vnet-a/pe', ip: '10.1.2.4', target: b.id('Microsoft.Storage/storageAccounts', 'st1') });
  return b.documents();
}
const denyApp443: RuleSpec = { name: 'deny-app', priority: 100, direction: 'Inbound', access: 'Deny', protocol: 'Tcp', source: '10.1.1.0/24', destinationPorts: '443' };
const BLOCKED_PE = ['vm1->pe1 Tcp 443', 'vm1->st1 Tcp 443'];

describe('what-if, private endpoints (rule 3.14, 11.4)', () => {
  it('rule 3.14: a deny rule naming source ports added on a PE subnet blocks every source port; incremental = full = trace', () => {
    const r = both(peEstate({ policies: 'Enabled', rules: [] }), peEstate({ policies: 'Enabled', rules: [{ ...denyApp443, sourcePorts: '1000-2000' }] }));
    // Traces: a source port outside 1000-2000 is denied too (source ports interpreted as *).
    expect(trace(r.before, 'vm1', 'pe1', 'Tcp', 443, { srcPort: 50000 }).disposition).toBe('ACCEPTED');
    expect(trace(r.after, 'vm1', 'pe1', 'Tcp', 443, { srcPort: 50000 }).disposition).toBe('DENIED_IN');
    expect(summary(r.full)).toEqual({ allowed: [], blocked: BLOCKED_PE });
    // Incremental said `vm1->pe1 Tcp 443 sp=1000-2000`: only the rule's literal source ports.
    expect(summary(r.inc)).toEqual(summary(r.full));
  });

  it('rule 11.4: enabling network policies on a PE subnet applies its NSG; incremental = full = trace', () => {
    const r = both(peEstate({ policies: 'Disabled', rules: [denyApp443] }), peEstate({ policies: 'Enabled', rules: [denyApp443] }));
    expect(trace(r.before, 'vm1', 'pe1', 'Tcp', 443).disposition).toBe('ACCEPTED');
    expect(trace(r.after, 'vm1', 'pe1', 'Tcp', 443).disposition).toBe('DENIED_IN');
    expect(summary(r.full)).toEqual({ allowed: [], blocked: BLOCKED_PE });
    expect(summary(r.inc)).toEqual(summary(r.full));
  });
});

describe('what-if, whatif.existing-connections caveat (rule 3.9)', () => {
  it('rule 3.9: flows newly blocked by an NSG because policies were enabled on the PE subnet carry the caveat', () => {
    const r = both(peEstate({ policies: 'Disabled', rules: [denyApp443] }), peEstate({ policies: 'Enabled', rules: [denyApp443] }));
    expect(summary(r.inc).blocked).toEqual(BLOCKED_PE);
    expect(codes(r.inc)).toContain('whatif.existing-connections');
  });

  it('rule 3.9: flows newly blocked by an NSG rule through an ASG membership change carry the caveat', () => {
    const rule: RuleSpec = { name: 'deny-asg', priority: 100, direction: 'Inbound', access: 'Deny', protocol: 'Tcp', sourceAsgs: ['asg-x'], destinationPorts: '443' };
    const r = both(peEstate({ policies: 'Enabled', rules: [rule] }), peEstate({ policies: 'Enabled', rules: [rule], asgs: ['asg-x'] }));
    expect(trace(r.after, 'vm1', 'pe1', 'Tcp', 443).disposition).toBe('DENIED_IN');
    expect(summary(r.inc)).toEqual(summary(r.full));
    expect(summary(r.inc).blocked).toEqual(BLOCKED_PE);
    expect(codes(r.inc)).toContain('whatif.existing-connections');
  });

  it('rule 3.9: a flow blocked by a route (next hop None) does not get the NSG caveat because an unrelated NSG rule was added', () => {
    const mk = (after: boolean) => {
      const b = new EstateBuilder();
      b.vnet('vnet-a', ['10.1.0.0/16'], [{ name: 'app', prefix: '10.1.1.0/24', routeTable: 'rt', nsg: 'nsg-app' }, { name: 'db', prefix: '10.1.2.0/24', nsg: 'nsg-db' }]);
      b.nic('vm1', { subnet: 'vnet-a/app', ip: '10.1.1.4' });
      b.nic('vm2', { subnet: 'vnet-a/db', ip: '10.1.2.4' });
      b.routeTable('rt', after ? [{ name: 'blackhole', prefix: '10.1.2.0/24', nextHopType: 'None' }] : []);
      b.nsg('nsg-app', []);
      // An allow rule for a range no endpoint uses: it blocks nothing.
      b.nsg('nsg-db', after ? [{ name: 'allow-x', priority: 200, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: '192.0.2.0/24', destinationPorts: '8080' }] : []);
      return b.documents();
    };
    const r = both(mk(false), mk(true));
    expect(trace(r.after, 'vm1', 'vm2', 'Tcp', 443).disposition).not.toBe('ACCEPTED');
    expect(summary(r.inc)).toEqual({ allowed: [], blocked: ['vm1->vm2 Any '] });
    expect(summary(r.full)).toEqual(summary(r.inc));
    expect(codes(r.inc)).not.toContain('whatif.existing-connections');
  });
});

describe('what-if, other recent semantics: incremental = full = trace', () => {
  it('rule 10.6: a storage service endpoint moved to another region blocks the storage account of its own region', () => {
    const mk = (loc: string) => {
      const b = new EstateBuilder();
      b.vnet('vnet-a', ['10.1.0.0/16'], [{ name: 'app', prefix: '10.1.1.0/24', serviceEndpoints: [{ service: 'Microsoft.Storage', locations: [loc] }] }]);
      b.nic('vm1', { subnet: 'vnet-a/app', ip: '10.1.1.4' });
      b.storageAccount('st1', { defaultAction: 'Deny', vnetRules: ['vnet-a/app'] });
      return b.documents();
    };
    const r = both(mk('westeurope'), mk('northeurope'));
    expect(trace(r.before, 'vm1', 'st1', 'Tcp', 443).disposition).toBe('ACCEPTED');
    expect(trace(r.after, 'vm1', 'st1', 'Tcp', 443).disposition).toBe('DENIED_BY_SERVICE');
    expect(summary(r.full).blocked).toEqual(['vm1->st1 Tcp 443']);
    expect(summary(r.inc)).toEqual(summary(r.full));
  });

  it('rule 8.6: allowForwardedTraffic turned off on a spoke blocks spoke-to-spoke traffic through the hub NVA', () => {
    const mk = (fwd: boolean) => {
      const b = new EstateBuilder();
      b.vnet('hub', ['10.0.0.0/16'], [{ name: 'nva', prefix: '10.0.1.0/24' }]);
      b.vnet('s1', ['10.1.0.0/16'], [{ name: 'app', prefix: '10.1.1.0/24', routeTable: 'rt1' }]);
      b.vnet('s2', ['10.2.0.0/16'], [{ name: 'app', prefix: '10.2.1.0/24', routeTable: 'rt2' }]);
      b.nic('nva', { subnet: 'hub/nva', ip: '10.0.1.4', ipForwarding: true });
      b.nic('vm1', { subnet: 's1/app', ip: '10.1.1.4' });
      b.nic('vm2', { subnet: 's2/app', ip: '10.2.1.4' });
      b.routeTable('rt1', [{ name: 'to-s2', prefix: '10.2.0.0/16', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.1.4' }]);
      b.routeTable('rt2', [{ name: 'to-s1', prefix: '10.1.0.0/16', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.1.4' }]);
      b.peer('hub', 's1', {}, { allowForwardedTraffic: true });
      b.peer('hub', 's2', {}, { allowForwardedTraffic: fwd });
      return b.documents();
    };
    const r = both(mk(true), mk(false));
    expect(trace(r.before, 'vm1', 'vm2', 'Tcp', 443).disposition).toBe('ACCEPTED');
    expect(trace(r.after, 'vm1', 'vm2', 'Tcp', 443).disposition).toBe('NOT_FORWARDED');
    expect(summary(r.full).blocked).toContain('vm1->vm2 Any ');
    expect(summary(r.inc)).toEqual(summary(r.full));
  });

  it('Firewall Policy inheritance: switching the base policy to one without the allow rule blocks the flow', () => {
    const mk = (base: string) => {
      const b = new EstateBuilder();
      b.vnet('hub', ['10.0.0.0/16'], [{ name: 'AzureFirewallSubnet', prefix: '10.0.1.0/26' }, { name: 'app', prefix: '10.0.2.0/24', routeTable: 'rt' }, { name: 'db', prefix: '10.0.3.0/24', routeTable: 'rt2' }]);
      b.routeTable('rt', [{ name: 'to-db', prefix: '10.0.3.0/24', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.1.4' }]);
      b.routeTable('rt2', [{ name: 'to-app', prefix: '10.0.2.0/24', nextHopType: 'VirtualAppliance', nextHopIp: '10.0.1.4' }]);
      b.nic('vm1', { subnet: 'hub/app', ip: '10.0.2.4' });
      b.nic('vm2', { subnet: 'hub/db', ip: '10.0.3.4' });
      b.firewallPolicy('base1').firewallPolicy('base2').firewallPolicy('child', base);
      b.ruleCollectionGroup('base1', 'g', 100, [{ ruleCollectionType: 'FirewallPolicyFilterRuleCollection', name: 'net', priority: 100, action: { type: 'Allow' }, rules: [{ ruleType: 'NetworkRule', name: 'app-db', ipProtocols: ['TCP'], sourceAddresses: ['10.0.2.0/24'], destinationAddresses: ['10.0.3.0/24'], destinationPorts: ['443'] }] }]);
      b.firewall('fw', { vnet: 'hub', privateIp: '10.0.1.4', policy: 'child' });
      return b.documents();
    };
    const r = both(mk('base1'), mk('base2'));
    expect(trace(r.before, 'vm1', 'vm2', 'Tcp', 443).disposition).toBe('ACCEPTED');
    expect(trace(r.after, 'vm1', 'vm2', 'Tcp', 443).disposition).toBe('DENIED_BY_FIREWALL');
    expect(summary(r.full)).toEqual({ allowed: [], blocked: ['vm1->vm2 Tcp 443'] });
    expect(summary(r.inc)).toEqual(summary(r.full));
    // Rule 12.10: the firewall drops existing sessions; no NSG changed, so no NSG caveat.
    expect(codes(r.inc)).not.toContain('whatif.existing-connections');
  });
});
