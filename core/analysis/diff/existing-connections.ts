// Rule 3.9: NSG rule changes affect new connections only. "existing connections remain
// uninterrupted. Network security group rules only affect new connections" (learn.microsoft.com/
// azure/virtual-network/network-security-groups-overview), unless the NSG enables `flushConnection`
// ("flows created from Network Security Group connections will be re-evaluated when rules are
// updates", networkSecurityGroup.json). Azure Firewall differs: it drops existing sessions (12.10).
// A what-if that lists newly blocked flows says so when an NSG change may have blocked them.

import type { Caveat } from '../../dataplane/caveats.ts';
import type { Snapshot } from '../../model/types.ts';

export const EXISTING_CONNECTIONS: Caveat = {
  code: 'whatif.existing-connections',
  message:
    'Flows an NSG newly blocks are refused as new connections only: Azure keeps existing connections open when NSG rules change (rule 3.9, https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview), unless the NSG has flushConnection enabled; Azure Firewall, by contrast, drops existing sessions (rule 12.10).',
};

/**
 * EXISTING_CONNECTIONS when an NSG stops newly blocked flows (their after-traces say which,
 * render-delta.ts) and it does not flush its connections. Not when routes, peerings or firewalls
 * block them: a route change or a peering's flag acts on every packet, and Azure Firewall drops
 * existing sessions itself (12.10).
 */
export function existingConnectionsCaveat(blockingNsgIds: ReadonlySet<string>, after: Snapshot): Caveat | undefined {
  for (const id of blockingNsgIds) {
    if (!after.networkSecurityGroups.get(id)?.flushConnection) return EXISTING_CONNECTIONS;
  }
  return undefined;
}
