// Estate-wide resources: the base firewall policy every hub policy inherits, and its rule
// collection group.

import { buildFirewallPolicy, buildRuleCollectionGroup } from './build/firewall.ts';
import type { ArmResource } from './build/resource.ts';
import { BLOCKLIST } from './catalog.ts';
import type { EstatePlan } from './plan.ts';
import { ESTATE_SUPERNET } from './shape.ts';

export function* globalResources(plan: EstatePlan): Generator<ArmResource> {
  const base = plan.basePolicy;
  yield buildFirewallPolicy({
    id: base.id,
    name: base.name,
    location: base.location,
    childPolicyIds: plan.hubs.map((h) => h.policyId),
    firewallIds: [],
    ruleCollectionGroupNames: [base.ruleCollectionGroupName],
    dnsProxy: false,
  });
  yield buildRuleCollectionGroup(base.id, base.ruleCollectionGroupName, 100, [
    {
      kind: 'network', name: 'net-deny-blocklist', priority: 100, action: 'Deny', rules: [
        { name: 'deny-blocklist-out', ipProtocols: ['Any'], sourceAddresses: ['*'], destinationAddresses: [...BLOCKLIST], destinationPorts: ['*'] },
        { name: 'deny-blocklist-in', ipProtocols: ['Any'], sourceAddresses: [...BLOCKLIST], destinationAddresses: ['*'], destinationPorts: ['*'] },
      ],
    },
    {
      kind: 'network', name: 'net-azure-platform', priority: 200, action: 'Allow', rules: [
        { name: 'azure-monitor', ipProtocols: ['TCP'], sourceAddresses: [ESTATE_SUPERNET], destinationAddresses: ['AzureMonitor'], destinationPorts: ['443'] },
      ],
    },
  ]);
}
