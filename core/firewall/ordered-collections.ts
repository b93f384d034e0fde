// Azure Firewall rule processing order (rule book 12.2, 12.3): classic rule collections by priority
// per type; Firewall Policy: the parent policy before the child, rule collection groups by
// priority, rule collections by priority, and all groups walked once per rule type: DNAT, then
// network, then application.

import type { AzureFirewall, FirewallRuleCollection, ResourceId, Snapshot } from '../model/types.ts';

export interface OrderedCollection {
  collection: FirewallRuleCollection;
  /** The rule collection group (policy) or `classic`. */
  groupName: string;
  groupId?: ResourceId;
  policyId?: ResourceId;
}

export interface FirewallRuleSet {
  nat: OrderedCollection[];
  network: OrderedCollection[];
  application: OrderedCollection[];
  /** Policies in precedence order (parent first), for display. */
  policyChain: ResourceId[];
  problems: string[];
}

function policyChain(snapshot: Snapshot, policyId: ResourceId, problems: string[]): ResourceId[] {
  const chain: ResourceId[] = [];
  let cur: ResourceId | undefined = policyId;
  while (cur) {
    if (chain.includes(cur)) {
      problems.push(`firewall policy inheritance loops at ${cur}`);
      break;
    }
    chain.unshift(cur); // parent first (12.3.1)
    cur = snapshot.firewallPolicies.get(cur)?.basePolicyId;
  }
  return chain;
}

export function orderFirewallRules(snapshot: Snapshot, fw: AzureFirewall): FirewallRuleSet {
  const problems: string[] = [];
  const all: OrderedCollection[] = [];
  let chain: ResourceId[] = [];
  if (fw.firewallPolicyId) {
    chain = policyChain(snapshot, fw.firewallPolicyId, problems);
    for (const pid of chain) {
      const policy = snapshot.firewallPolicies.get(pid);
      if (!policy) {
        problems.push(`firewall policy ${pid} is not in the input; its rules are unknown`);
        continue;
      }
      const groups = [...snapshot.firewallPolicyRuleCollectionGroups.values()].filter((g) => g.policyId === pid).sort((a, b) => a.priority - b.priority);
      for (const g of groups) {
        const cols = [...g.ruleCollections].sort((a, b) => a.priority - b.priority);
        for (const c of cols) all.push({ collection: c, groupName: g.name, groupId: g.id, policyId: pid });
      }
    }
  } else {
    const cols = [...fw.classicCollections].sort((a, b) => a.priority - b.priority);
    for (const c of cols) all.push({ collection: c, groupName: 'classic' });
  }
  return {
    nat: all.filter((c) => c.collection.ruleType === 'nat'),
    network: all.filter((c) => c.collection.ruleType === 'network'),
    application: all.filter((c) => c.collection.ruleType === 'application'),
    policyChain: chain,
    problems,
  };
}
