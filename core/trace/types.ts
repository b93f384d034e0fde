// A trace is one concrete flow, hop by hop; each hop holds the steps that decided what happened to
// the packet there (DESIGN.md principle 3: explanations are data). CONTRACT.md "Paths".

import type { NsgSide } from '../policy/evaluate-endpoint.ts';
import type { Caveat } from '../dataplane/caveats.ts';

export type Disposition =
  | 'ACCEPTED'
  | 'DENIED_OUT'
  | 'DENIED_IN'
  | 'NULL_ROUTED'
  | 'NO_ROUTE'
  | 'NOT_FORWARDED'
  | 'DENIED_BY_FIREWALL'
  | 'DENIED_BY_SERVICE'
  | 'NO_ENTRY_POINT'
  | 'EXITS_NETWORK'
  | 'LOOP'
  | 'UNKNOWN';

export type HopKind = 'nic' | 'publicIp' | 'virtualAppliance' | 'firewall' | 'gateway' | 'privateEndpoint' | 'service' | 'internet' | 'onPremises' | 'loadBalancer' | 'applicationGateway';

export type Step =
  | { kind: 'nsg'; nsg: string; nsgName: string; side: NsgSide; direction: 'Inbound' | 'Outbound'; rule: string; priority: number; access: 'Allow' | 'Deny' }
  | { kind: 'route'; subnet: string; addressPrefix: string; nextHopType: string; nextHopIpAddress?: string; source: string; route?: string; routeTable?: string; reason: string }
  | { kind: 'peering'; peering: string; remoteVnet: string; access: 'Allow' | 'Deny'; detail: string }
  | { kind: 'forwarding'; nic: string; enableIPForwarding: boolean }
  | { kind: 'firewall'; firewall: string; action: 'Allow' | 'Deny'; ruleType: string; rule?: string; ruleCollection?: string; ruleCollectionGroup?: string }
  | { kind: 'nat'; type: 'SNAT' | 'DNAT' | 'PAT'; from: string; to: string; by: string }
  | { kind: 'egress'; method: 'publicIp' | 'natGateway' | 'loadBalancerOutbound' | 'defaultOutboundAccess' | 'none'; resource?: string; detail: string }
  | { kind: 'entry'; via: 'publicIp' | 'loadBalancerRule' | 'inboundNatRule' | 'applicationGateway' | 'firewallDnat' | 'gateway'; resource: string; frontendPort?: number; backendPort?: number; detail: string }
  | { kind: 'service'; resource: string; access: 'Allow' | 'Deny'; rule: string; detail: string }
  | { kind: 'deliver'; resource: string; detail: string }
  | { kind: 'note'; detail: string };

export interface Hop {
  ip: string;
  resource: string;
  name: string;
  kind: HopKind;
  steps: Step[];
}

export interface TraceFlow {
  src: string;
  dst: string;
  protocol: string;
  dstPort?: number;
  srcPort?: number;
}

export type AllowedBy =
  | { nsg: string; rule: string; side: NsgSide }
  | { firewall: string; rule: string; ruleCollection?: string }
  | { paasFirewall: string; rule: string };

export interface StoppedBy {
  stage: 'nsg-outbound' | 'nsg-inbound' | 'route' | 'virtualAppliance' | 'peering' | 'firewall' | 'paasFirewall' | 'no-entry-point' | 'unknown';
  nsg?: string;
  rule?: string;
  nextHopType?: string;
  route?: string;
  resource?: string;
  /** What would have to change, in words. */
  fix?: string;
  detail?: string;
}

export interface Trace {
  flow: TraceFlow;
  reachable: boolean;
  disposition: Disposition;
  /** The source and what happened there (outbound NSGs, first route). */
  source: Hop;
  hops: Hop[];
  allowedBy: AllowedBy[];
  stoppedBy: StoppedBy | null;
  caveats: Caveat[];
}
