// The findings catalog: one entry per check, with a stable id (never renamed: CI baselines and
// SARIF alerts key on it), the severity it usually carries, and the help text SARIF shows.
// Every check judges the effective result of NSGs, routes, firewalls and entry points together.

import type { Severity } from './types.ts';

export interface CatalogEntry {
  id: string;
  title: string;
  /** The severity the check reports at most (some findings are lowered, with the reason in the message). */
  severity: Severity;
  /** What the check reports, one sentence. */
  summary: string;
  /** How it is computed and what it deliberately does not report. */
  help: string;
  /** The generic fix (each finding carries its own, specific one). */
  fix: string;
}

export const CATALOG: readonly CatalogEntry[] = [
  {
    id: 'ZT-EXPOSED-MGMT-PORT',
    title: 'Management or database port reachable from the internet',
    severity: 'high',
    summary: 'A remote-administration or database port (SSH, RDP, WinRM, Telnet, VNC, SMB, SQL Server, MySQL, PostgreSQL, ...) is reachable from the internet through an entry point.',
    help:
      'For every endpoint with an entry point (instance public IP, public load balancer rule or inbound NAT rule, Application Gateway, Azure Firewall DNAT), ' +
      'the set of internet packets that get through every NSG, route and firewall is computed symbolically; the backend ports after any translation are ' +
      'compared with the management and database ports. A rule that allows 3389 without an entry point, or that a higher-priority deny or the other NSG ' +
      '(subnet or NIC) blocks, is not reported. High when the sources are broad (more than a /16), medium for up to a /16, low when restricted to a /24 or less.',
    fix: 'Remove the internet allow (or the public IP / NAT rule); reach the machine through Azure Bastion, a VPN or a just-in-time rule from named addresses.',
  },
  {
    id: 'ZT-EXPOSED-DIRECT',
    title: 'Workload exposed directly with an instance public IP',
    severity: 'medium',
    summary: 'A workload accepts internet traffic on its own public IP instead of behind an Application Gateway, a load balancer or the firewall.',
    help:
      'Reported when internet traffic effectively reaches a NIC through a public IP on its own IP configuration (not when the public IP exists but every ' +
      'NSG blocks it). Low when only a /24 or less of sources gets through.',
    fix: 'Dissociate the public IP; publish the service through Application Gateway (WAF), a load balancer or an Azure Firewall DNAT rule.',
  },
  {
    id: 'ZT-IMPLIED-TRUST',
    title: 'Traffic between tiers allowed only by the default AllowVnetInBound rule',
    severity: 'medium',
    summary: 'Traffic from other subnets reaches a workload and no NSG on its way in admitted it with a rule anyone wrote: only defaultSecurityRules/AllowVnetInBound.',
    help:
      'Per destination (equivalence class) the inbound NSGs are evaluated symbolically for sources outside the destination subnet (the host address ' +
      '168.63.129.16 excluded); the packets every applying NSG admitted by AllowVnetInBound are the implied trust, reported with their breadth. Flows from ' +
      'other subnets and on-premises are then followed end to end to show which tiers actually get through (routes, peerings, firewalls). Medium with an ' +
      'example flow; low when no other subnet was found to reach the workload (the default rule would still admit it).',
    fix: 'Write explicit inbound allows for the flows each tier needs (by ASG or prefix and port), then add a Deny-All-Inbound rule at priority 4096.',
  },
  {
    id: 'ZT-SUBNET-NO-NSG',
    title: 'Subnet without a network security group',
    severity: 'high',
    summary: 'A subnet that can take an NSG has none, so its workloads are filtered by nothing (or only by NIC NSGs).',
    help:
      'GatewaySubnet, AzureFirewallSubnet, AzureFirewallManagementSubnet and RouteServerSubnet cannot take an NSG and are never reported. High when ' +
      'the subnet holds NICs without NIC NSGs (with an example flow that reaches one unfiltered when there is one), medium when only some NICs have ' +
      'their own NSG, low when every NIC has one, when the subnet is empty, or when it only holds private endpoints or managed services.',
    fix: 'Create an NSG with explicit allows and a Deny-All-Inbound rule at 4096, and associate it with the subnet.',
  },
  {
    id: 'ZT-FORWARDER-NO-NSG',
    title: 'Appliance with IP forwarding and no NSG',
    severity: 'high',
    summary: 'A NIC with IP forwarding enabled has no NSG on the NIC nor on its subnet: everything routed to it is forwarded unfiltered.',
    help: 'Reported for every NIC with enableIPForwarding and no NSG at either level; the message says which user routes send traffic to it.',
    fix: 'Associate an NSG with the appliance subnet (or NIC) that admits only the traffic the appliance should forward.',
  },
  {
    id: 'ZT-EGRESS-BYPASSES-FIREWALL',
    title: 'Internet egress that skips the firewall',
    severity: 'medium',
    summary: 'Workloads reach the internet directly (next hop Internet) although the estate has a firewall or network virtual appliance.',
    help:
      'Only when the estate has an Azure Firewall or a routed appliance. Per subnet, the public addresses whose effective route is next hop Internet are ' +
      'computed from the route table (longest prefix match); a finding needs an outbound method (public IP, NAT gateway, load balancer outbound rule ' +
      'or default outbound access) and an NSG that lets some of that traffic out. Low when the VNet is not connected to any firewall or appliance VNet.',
    fix: 'Associate a route table with 0.0.0.0/0 -> the firewall private IP (disableBgpRoutePropagation true) and allow the needed egress on the firewall.',
  },
  {
    id: 'ZT-SPOKE-BYPASSES-HUB',
    title: 'Spoke-to-spoke path that bypasses the hub',
    severity: 'high',
    summary: 'Two VNets, at least one a spoke of an inspection hub, are peered directly, and traffic flows between them without passing the firewall.',
    help:
      'Hubs are VNets that hold an Azure Firewall or a routed appliance; spokes are VNets peered with a hub. For each direct, connected peering between ' +
      'two non-hub VNets, flows between their subnets are followed end to end; paths with no firewall or appliance hop are reported with an example. ' +
      'Low when the peering exists but no flow was found.',
    fix: 'Remove the direct peering; connect the VNet to the hub and route its traffic through the firewall, with explicit firewall rules for the needed flows.',
  },
  {
    id: 'ZT-PAAS-PUBLIC-ACCESS',
    title: 'PaaS service open to all networks or to the internet',
    severity: 'high',
    summary: 'A storage account accepts connections from the internet: public network access enabled and the network rules allow all networks (or broad IP ranges).',
    help:
      'The account is evaluated as an internet client would reach it (publicNetworkAccess, networkAcls.defaultAction, IP rules, private endpoints). ' +
      'High for defaultAction Allow; medium when IP rules admit more than a /16. Accounts reachable only from named addresses, subnets or private ' +
      'endpoints are not reported.',
    fix: 'Set networkAcls.defaultAction to Deny with virtual network or IP rules for the clients, or use a private endpoint and set publicNetworkAccess to Disabled.',
  },
  {
    id: 'ZT-VNET-TAG-WIDENED',
    title: 'VirtualNetwork tag widened by user routes',
    severity: 'low',
    summary: 'A user route (typically 0.0.0.0/0 to the firewall) puts its prefix into the subnet\'s VirtualNetwork tag, so rules that name VirtualNetwork admit more than the VNet.',
    help:
      'Azure adds the prefixes of the subnet\'s user routes to the VirtualNetwork tag (issues #22178, #124192). For every endpoint of such a subnet the ' +
      'inbound and outbound NSG decisions are computed twice, with the tag as Azure builds it and without the route prefixes; a finding lists what the ' +
      'widening admits that would otherwise be denied. Not reported when custom denies make the widening irrelevant.',
    fix: 'Add explicit Deny-All-Inbound / Deny-All-Outbound rules (priority 4096) and explicit allows, so that VirtualNetwork-based rules do not decide.',
  },
  {
    id: 'ZT-SHADOWED-RULE',
    title: 'NSG rule shadowed by higher-priority rules',
    severity: 'high',
    summary: 'A rule never matches because higher-priority rules of the same NSG and direction cover all its packets, and at least one of them has the opposite access.',
    help:
      'Computed on packet boxes (protocol, source, source port, destination, destination port): a rule is shadowed when its box minus the boxes of the ' +
      'earlier rules is empty, in every place the NSG applies (the VirtualNetwork tag differs per subnet). High for a deny whose packets are shown to ' +
      'flow end to end, medium for other shadowed denies, low for shadowed allows.',
    fix: 'Move the rule above the rules that cover it (a lower priority number), or narrow those rules; delete it if it is no longer wanted.',
  },
  {
    id: 'ZT-REDUNDANT-RULE',
    title: 'Redundant NSG rule',
    severity: 'low',
    summary: 'A rule changes nothing: earlier rules with the same access cover it, or every packet it allows would be allowed by later custom rules anyway.',
    help:
      'Same box computation as ZT-SHADOWED-RULE. Covered by earlier rules with the same access: low. An allow whose packets later custom allows also ' +
      'admit: info. Denies that repeat the default DenyAll rules are not reported (an explicit deny is good practice).',
    fix: 'Delete the redundant rule, or narrow the broader rule that makes it redundant.',
  },
  {
    id: 'ZT-BROAD-ALLOW',
    title: 'Allow rule with any source and any port',
    severity: 'medium',
    summary: 'A custom allow rule matches every source address on every port (inbound), or every destination on every port (outbound).',
    help:
      'Computed on the rule\'s effective box where the NSG applies, so `*`, `Any`, `0.0.0.0/0`, `Internet` plus private ranges, and a VirtualNetwork tag ' +
      'widened to 0.0.0.0/0 all count. Rules that never match (shadowed) and NSGs associated with nothing are not reported. Medium inbound, low outbound.',
    fix: 'Narrow the rule to the sources (or destinations) and ports the workload needs.',
  },
  {
    id: 'ZT-DEFAULT-OUTBOUND',
    title: 'Subnet relies on default outbound access',
    severity: 'low',
    summary: 'Workloads reach the internet through default outbound access (an implicit, Microsoft-owned public IP), which Azure is retiring.',
    help:
      'Reported when a NIC\'s internet traffic is routed to next hop Internet, its NSGs let some of it out, and it has no NAT gateway, public IP or load ' +
      'balancer outbound rule, on a subnet without defaultOutboundAccess: false.',
    fix: 'Give the subnet an explicit egress (NAT gateway, or the firewall via a 0.0.0.0/0 route) and set defaultOutboundAccess to false.',
  },
  {
    id: 'ZT-LARGEST-BLAST-RADIUS',
    title: 'Endpoint with one of the largest blast radii',
    severity: 'info',
    summary: 'If this endpoint were compromised, it could reach more of the estate than any other.',
    help:
      'Uses the blast-radius computation (everything reachable from the endpoint, transitively, through every NSG, route and firewall). Each one is a walk ' +
      'over the estate, so it runs from a bounded set of footholds: the endpoints reachable from the internet first, then one NIC per VNet (at most 4, or ' +
      '--blast N); the largest 3 are reported, ranked, as information. Estates with more than 2,000 NICs skip it unless --blast asks for it.',
    fix: 'Segment the endpoint: restrict its outbound NSG rules and the firewall rules for its subnet to the flows it needs.',
  },
];

const BY_ID = new Map(CATALOG.map((c) => [c.id, c]));

export function catalogEntry(id: string): CatalogEntry {
  const e = BY_ID.get(id);
  if (!e) throw new Error(`unknown finding id ${id}`);
  return e;
}
