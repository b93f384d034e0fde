// Caveats: the approximations an answer relied on (DESIGN.md: never guess silently). Each has a
// stable code so tests and scripts can look for it.

export interface Caveat {
  code: string;
  message: string;
}

export const CAVEATS = {
  internetTag: { code: 'tag.internet-approx', message: "The 'Internet' service tag is modelled as all public IPv4 space (rule 4.3, A4)." },
  vnetTagUdr: { code: 'tag.virtualnetwork-udr', message: "The 'VirtualNetwork' tag includes the prefixes of user routes on the subnet, as reported in issues #22178/#124192 (rule 4.1, A3)." },
  reserved172: { code: 'route.reserved-172', message: 'The default None route for 172.16.0.0/12 is not present in every real subnet (rule 5.2, A5).' },
  forcedTunnelReserved: { code: 'route.0-0-removes-reserved', message: 'A 0.0.0.0/0 user or gateway route removes the reserved None routes (rule 7.5); 172.16.0.0/12 is removed too by assumption (A8).' },
  connectionStatusMissing: { code: 'gateway.connection-status-missing', message: 'A gateway connection without connectionStatus is assumed Connected.' },
  // Rule 14.3: GRE and IP-in-IP are blocked within VNets whatever the rules say (trace drops them;
  // the symbolic walks keep them in their sets for speed, see dropBlockedInVnet), so they are excepted.
  otherProtocols: { code: 'reach.other-protocols', message: 'Other IP protocols also get through (rules with protocol *), except GRE (47) and IP-in-IP (4), which Azure blocks within VNets (rule 14.3); only Tcp, Udp, Icmp, Esp and Ah are listed.' },
  // Rule 1.7: NSG (and firewall) rules match source ports too. Answers that list ports per
  // destination (blast, exposure, matrix, reach into) list a port open from some source ports only
  // as open: a client picks its own source port. Reach itself names them (ReachPart.sourcePorts).
  sourcePortsMerged: { code: 'reach.source-ports', message: 'Some of the ports listed are open only from certain source ports (a rule restricts source ports, rule 1.7); they are listed as open, since a client chooses its source port. `ztpath reach` between the two shows them.' },
  // A11: the per-half reading of allowVirtualNetworkAccess lets one direction through while the
  // other half is disabled, and the replies of a connection cross that half: Azure's older text
  // says traffic then "doesn't flow between the peered virtual networks" at all.
  repliesAccessDisabled: { code: 'peering.access-disabled', message: 'The other half of this peering has allowVirtualNetworkAccess false: the replies of a connection cross it, and Azure may not let them through (rule 8.5, A11: the answer reads the flag per half, the older documentation as blocking both directions).' },
  peEqualUserRoute: { code: 'route.private-endpoint-equal-prefix', message: "A user route for a private endpoint's own /32 overrides the endpoint's route here (User > System, rule 7.2) though the endpoint's subnet does not enable route-table network policies; the documentation says such an override needs them (rule 11.4), older guidance used /32 routes for it (A15)." },
  expressRoutePrefixes: { code: 'gateway.expressroute-prefixes', message: 'Prefixes learned over ExpressRoute (BGP) are not in the export; on-premises routes through ExpressRoute are unknown.' },
  kmsPlatformRule: { code: 'nsg.kms-platform-rule', message: 'Windows activation (KMS, TCP 1688 to the Azure KMS hosts) is served by an Azure platform rule that ztpath does not model: without a 0.0.0.0/0 user or gateway route it may get through although the outbound NSG denies it (rule 7.7, "Azure platform considerations" in learn.microsoft.com/azure/virtual-network/network-security-groups-overview).' },
  vnetToVnet: { code: 'gateway.vnet-to-vnet', message: 'Traffic over a VNet-to-VNet gateway connection is followed into the remote VNet through its gateway (routed from its GatewaySubnet, judged by its NSGs); the tunnel\'s IPsec policies and traffic selectors are not modelled.' },
  bgpLearned: { code: 'gateway.bgp-learned', message: 'BGP-learned prefixes are not in the export: only the local network gateway address spaces are modelled.' },
  peeringRemoteMissing: { code: 'peering.remote-missing', message: 'A peered VNet is not in the input; its address space comes from the peering\'s remoteAddressSpace and its state from one side only.' },
  serviceTagsMissing: { code: 'tag.unknown', message: 'Service tags were not loaded (pass --service-tags FILE): tags other than VirtualNetwork, Internet and AzureLoadBalancer are approximated as all public IPv4 space.' },
  peCustomRoute: { code: 'route.private-endpoint-override', message: 'Private endpoint /32 routes are invalidated by user routes covering them only when route-table network policies are enabled (rule 11.5, A15).' },
  serviceEndpointNoPair: { code: 'route.service-endpoint-region', message: "A Microsoft.Storage service endpoint that lists no locations is taken to cover its VNet's region only: Azure also adds the paired region, which is not modelled (rule 10.6)." },
  serviceEndpointPrefixes: { code: 'route.service-endpoint-prefixes', message: 'Service endpoint route prefixes come from the service tags; without --service-tags they are shown by tag name only.' },
  routeServer: {
    code: 'route-server.bgp-unknown',
    message:
      'Azure Route Server (a RouteServerSubnet in this VNet or in the VNet whose gateways it uses) programs routes it learns from appliances over BGP; exports do not hold them, so they are missing from these routes (https://learn.microsoft.com/azure/route-server/overview).',
  },
  networkManager: {
    code: 'avnm.not-modelled',
    message:
      'The input holds Azure Virtual Network Manager resources, which are not modelled: its security admin rules are evaluated before NSGs and can deny or always allow traffic, and its connectivity configurations connect VNets without peerings (https://learn.microsoft.com/azure/virtual-network-manager/concept-security-admins), so Azure may decide differently from this answer.',
  },
  remoteGatewaysUnknown: {
    code: 'peering.remote-gateways-unknown',
    message:
      "The VNet uses the gateways of a peered VNet that is not in the input (a hub not exported, or a Virtual WAN hub, which ztpath does not model): the routes they give it (on-premises, other spokes) are unknown, so destinations reached only through them show as unreachable.",
  },
  peeringNotInSync: {
    code: 'peering.not-in-sync',
    message:
      "A peering is not in sync (peeringSyncLevel other than FullyInSync): an address space changed since the peering link was last synced, and the link carries the latest ranges only once it is (https://learn.microsoft.com/powershell/module/az.network/sync-azvirtualnetworkpeering). ztpath routes to the VNets' address spaces as exported, so Azure may not route to every range shown yet.",
  },
  subnetPeering: {
    code: 'peering.subnet-peering',
    message:
      'A peering of only some subnets (peerCompleteVnets false) or of IPv6 only (enableOnlyIPv6Peering) is treated as peering the complete VNets: Azure routes only the listed subnets (https://learn.microsoft.com/azure/virtual-network/how-to-configure-subnet-peering), and no IPv4 for an IPv6-only peering, so Azure may not carry what this answer shows.',
  },
  serviceEndpointPolicy: {
    code: 'route.service-endpoint-policy',
    message:
      'The source subnet has service endpoint policies, which are not evaluated: Azure lets its traffic over the Microsoft.Storage service endpoint reach only the storage accounts they list (https://learn.microsoft.com/azure/virtual-network/virtual-network-service-endpoint-policies-overview), so Azure may deny what this answer allows.',
  },
} as const satisfies Record<string, Caveat>;

/** A caveat collector that keeps each code once. */
export class CaveatSet {
  private readonly byCode = new Map<string, Caveat>();

  add(c: Caveat): void {
    if (!this.byCode.has(c.code)) this.byCode.set(c.code, c);
  }

  addAll(list: Iterable<Caveat>): void {
    for (const c of list) this.add(c);
  }

  list(): Caveat[] {
    return [...this.byCode.values()];
  }
}
