// Rule 4.6: application security groups stay within one virtual network. Azure refuses, when the
// change is made, a NIC joining an ASG whose members are in another VNet ("All network interfaces
// assigned to an application security group have to exist in the same virtual network that the
// first network interface assigned to the application security group is in"), and a security rule
// whose source and destination ASGs have members in different VNets ("If you specify an
// application security group as the source and destination in a security rule, the network
// interfaces in both application security groups must exist in the same virtual network").
// learn.microsoft.com/azure/virtual-network/application-security-groups (S5).
//
// An export of a live estate always satisfies both; a change file, a Terraform plan or a
// hand-written snapshot may not. The engine still evaluates such an ASG as written (every member's
// address matches it); the error says that Azure would not accept the configuration.

import type { Diagnostic } from './diagnostics.ts';
import { located } from './field-path.ts';
import type { IpConfiguration, NetworkInterface, ResourceId, SecurityRule, Snapshot } from './types.ts';

const LIST_LIMIT = 5;

interface Member {
  vnetId: ResourceId;
  nic: NetworkInterface;
  ipc: IpConfiguration;
}

function nameOf(s: Snapshot, id: ResourceId, what: 'asg' | 'vnet'): string {
  const r = what === 'asg' ? s.applicationSecurityGroups.get(id) : s.virtualNetworks.get(id);
  return r?.name ?? id.slice(id.lastIndexOf('/') + 1);
}

/**
 * Each ASG's VNet when all its members are in one, and the members of those that span several.
 * The common case (one VNet each) keeps nothing per member: at tier L this runs over 50,000 NICs
 * on every import.
 */
function asgVnets(s: Snapshot): { single: Map<ResourceId, ResourceId>; spanning: Map<ResourceId, Member[]> } {
  const single = new Map<ResourceId, ResourceId>();
  const mixed = new Set<ResourceId>();
  for (const nic of s.networkInterfaces.values()) {
    for (const ipc of nic.ipConfigurations) {
      if (ipc.asgIds.length === 0 || ipc.subnetId === undefined) continue;
      const vnetId = s.subnets.get(ipc.subnetId)?.vnetId;
      if (vnetId === undefined) continue;
      for (const asgId of ipc.asgIds) {
        const v = single.get(asgId);
        if (v === undefined) single.set(asgId, vnetId);
        else if (v !== vnetId) mixed.add(asgId);
      }
    }
  }
  const spanning = new Map<ResourceId, Member[]>();
  if (mixed.size === 0) return { single, spanning };
  for (const asgId of mixed) {
    single.delete(asgId);
    spanning.set(asgId, []);
  }
  for (const nic of s.networkInterfaces.values()) {
    for (const ipc of nic.ipConfigurations) {
      const vnetId = ipc.subnetId === undefined ? undefined : s.subnets.get(ipc.subnetId)?.vnetId;
      if (vnetId === undefined) continue;
      for (const asgId of ipc.asgIds) spanning.get(asgId)?.push({ vnetId, nic, ipc });
    }
  }
  return { single, spanning };
}

export function checkAsgVnets(s: Snapshot, out: Diagnostic[]): void {
  const { single: vnetOfAsg, spanning } = asgVnets(s);
  for (const [asgId, list] of spanning) {
    // Which member came first is not in an export: the VNet most members are in is taken as the
    // ASG's (the first one met on a tie), the others as the ones that strayed.
    const home = mostCommonVnet(list);
    const strays = list.filter((m) => m.vnetId !== home);
    const homeCount = list.length - strays.length;
    const shown = strays
      .slice(0, LIST_LIMIT)
      .map((m) => `${m.nic.name} (${nameOf(s, m.vnetId, 'vnet')})`)
      .join(', ');
    out.push(
      located(
        {
          severity: 'error',
          code: 'asg.vnet-mismatch',
          message: `application security group ${nameOf(s, asgId, 'asg')} has members in more than one virtual network: ${homeCount} in ${nameOf(s, home, 'vnet')}, and ${shown}${strays.length > LIST_LIMIT ? `, and ${strays.length - LIST_LIMIT} more` : ''}. Azure refuses this (an ASG's network interfaces must all be in one VNet, rule 4.6); evaluated as written`,
          resourceId: strays[0].ipc.displayId,
          hint: 'use one application security group per virtual network',
        },
        strays[0].ipc.source,
        'applicationSecurityGroups',
      ),
    );
  }

  for (const nsg of s.networkSecurityGroups.values()) {
    for (const rule of nsg.securityRules) {
      if (rule.sourceAsgIds.length === 0 || rule.destinationAsgIds.length === 0) continue;
      if (!spansVnets(rule, vnetOfAsg)) continue;
      const vnets = ruleVnets(rule, vnetOfAsg);
      const [a, b] = [...vnets.entries()];
      out.push(
        located(
          {
            severity: 'error',
            code: 'asg.rule-vnet-mismatch',
            message: `security rule ${rule.name} of ${nsg.name} names application security groups as source and destination whose members are in different virtual networks (${nameOf(s, a[1], 'asg')} in ${nameOf(s, a[0], 'vnet')}, ${nameOf(s, b[1], 'asg')} in ${nameOf(s, b[0], 'vnet')}). Azure refuses such a rule (rule 4.6); evaluated as written`,
            resourceId: rule.displayId,
            hint: 'a rule can pair application security groups of one virtual network only; name the other side by address prefix',
          },
          rule.source,
          'destinationApplicationSecurityGroups',
        ),
      );
    }
  }
}

function mostCommonVnet(list: Member[]): ResourceId {
  const counts = new Map<ResourceId, number>();
  for (const m of list) counts.set(m.vnetId, (counts.get(m.vnetId) ?? 0) + 1);
  let best = list[0].vnetId;
  for (const [v, n] of counts) if (n > (counts.get(best) ?? 0)) best = v;
  return best;
}

/** Whether the rule's ASGs (source and destination) are in more than one VNet; allocates nothing. */
function spansVnets(rule: SecurityRule, vnetOfAsg: Map<ResourceId, ResourceId>): boolean {
  let first: ResourceId | undefined;
  const n = rule.sourceAsgIds.length;
  for (let i = 0; i < n + rule.destinationAsgIds.length; i++) {
    const v = vnetOfAsg.get(i < n ? rule.sourceAsgIds[i] : rule.destinationAsgIds[i - n]);
    if (v === undefined) continue;
    if (first === undefined) first = v;
    else if (v !== first) return true;
  }
  return false;
}

/** VNet -> one ASG of the rule (source or destination) whose members are in it. */
function ruleVnets(rule: SecurityRule, vnetOfAsg: Map<ResourceId, ResourceId>): Map<ResourceId, ResourceId> {
  const vnets = new Map<ResourceId, ResourceId>();
  for (const asgId of [...rule.sourceAsgIds, ...rule.destinationAsgIds]) {
    const v = vnetOfAsg.get(asgId);
    if (v !== undefined && !vnets.has(v)) vnets.set(v, asgId);
  }
  return vnets;
}
