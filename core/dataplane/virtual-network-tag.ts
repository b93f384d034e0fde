// The VirtualNetwork service tag as seen by the NSGs of one subnet (rule 4.1): the VNet's address
// space, the spaces of connected peerings that allow virtual network access (8.5), the prefixes the
// VNet's gateway (or its hub's, through transit) learns, the prefixes of the user routes on the
// subnet's route table (issues #22178/#124192, A3), and the host VIP 168.63.129.16.

import type { Snapshot, Subnet } from '../model/types.ts';
import { IntervalSet } from '../sets/interval-set.ts';
import { cidrsToSet, parseCidr } from '../sets/cidr.ts';
import type { Topology } from './topology.ts';
import { AZURE_HOST_VIP_SET } from './well-known-addresses.ts';

export interface VirtualNetworkTag {
  set: IntervalSet;
  /** Prefixes that came from user routes (the part issues, not the article, document). */
  fromUserRoutes: IntervalSet;
}

export function computeVirtualNetworkTag(snapshot: Snapshot, topology: Topology, subnet: Subnet): VirtualNetworkTag {
  const vnet = topology.vnets.get(subnet.vnetId);
  let set = AZURE_HOST_VIP_SET;
  if (vnet) {
    set = set.union(vnet.addressSet);
    for (const peer of vnet.peers) if (peer.connected && peer.local.allowVirtualNetworkAccess) set = set.union(peer.remoteSet);
    set = set.union(cidrsToSet(vnet.learned.map((l) => l.prefix)).set);
  }
  let fromUserRoutes = IntervalSet.EMPTY;
  const rt = subnet.routeTableId ? snapshot.routeTables.get(subnet.routeTableId) : undefined;
  for (const r of rt?.routes ?? []) {
    const p = parseCidr(r.addressPrefix);
    if (p.ok) fromUserRoutes = fromUserRoutes.union(IntervalSet.range(p.cidr.start, p.cidr.end));
  }
  return { set: set.union(fromUserRoutes), fromUserRoutes: fromUserRoutes.subtract(set) };
}
