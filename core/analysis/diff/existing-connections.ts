// Rule 3.9: NSG rule changes affect new connections only. "existing connections remain
// uninterrupted. Network security group rules only affect new connections" (learn.microsoft.com/
// azure/virtual-network/network-security-groups-overview), unless the NSG enables `flushConnection`
// ("flows created from Network Security Group connections will be re-evaluated when rules are
// updates", networkSecurityGroup.json). Azure Firewall differs: it drops existing sessions (12.10).
// A what-if that lists newly blocked flows says so when an NSG change may have blocked them.

import type { Caveat } from '../../dataplane/caveats.ts';
import type { NetworkInterface, ResourceId, Snapshot, Subnet } from '../../model/types.ts';
import type { SnapshotDiff } from './snapshot-diff.ts';

export const EXISTING_CONNECTIONS: Caveat = {
  code: 'whatif.existing-connections',
  message:
    'Flows newly blocked by an NSG change are refused as new connections only: Azure keeps existing connections open when NSG rules change (rule 3.9, https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview), unless the NSG has flushConnection enabled; Azure Firewall, by contrast, drops existing sessions (rule 12.10).',
};

/** The NSGs a change touched: NSGs added, removed or modified, and those (dis)associated from a subnet or NIC. */
export function changedNsgIds(diff: SnapshotDiff): Set<ResourceId> {
  const out = new Set<ResourceId>();
  for (const c of diff.byCollection.get('networkSecurityGroups') ?? []) out.add(c.id);
  for (const collection of ['subnets', 'networkInterfaces'] as const) {
    for (const c of diff.byCollection.get(collection) ?? []) {
      if (c.change === 'modified' && !c.fields.includes('nsgId')) continue;
      for (const r of [c.before, c.after]) {
        const nsgId = (r as Subnet | NetworkInterface | undefined)?.nsgId;
        if (nsgId) out.add(nsgId);
      }
    }
  }
  return out;
}

/** EXISTING_CONNECTIONS when flows are newly blocked and a changed NSG does not flush its connections. */
export function existingConnectionsCaveat(diff: SnapshotDiff, before: Snapshot, after: Snapshot, newlyBlocked: number): Caveat | undefined {
  if (newlyBlocked === 0) return undefined;
  for (const id of changedNsgIds(diff)) {
    const nsg = after.networkSecurityGroups.get(id) ?? before.networkSecurityGroups.get(id);
    if (!nsg?.flushConnection) return EXISTING_CONNECTIONS;
  }
  return undefined;
}
