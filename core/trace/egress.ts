// How traffic leaves for the internet from a NIC (rule book 14.4, 7.6): a NAT gateway on the
// subnet takes precedence over an instance public IP, which takes precedence over load balancer
// outbound rules; without any of them the subnet's default outbound access, unless the subnet is
// private (`defaultOutboundAccess: false`).

import type { NetworkInterface, ResourceId, Snapshot, Subnet } from '../model/types.ts';
import { IntervalSet } from '../sets/interval-set.ts';
import { parseIPv4 } from '../sets/ipv4.ts';
import { ALL_PROTOCOLS } from '../sets/packet-space.ts';
import { outboundBalancersFor } from './pool-lookup.ts';

export interface EgressMethod {
  method: 'publicIp' | 'natGateway' | 'loadBalancerOutbound' | 'defaultOutboundAccess' | 'none';
  resource?: ResourceId;
  publicIp?: number;
  /** Every public address the method may use (a NAT gateway or an outbound rule may hold several); Azure picks one per flow. */
  publicIps: number[];
  detail: string;
}

function pipAddress(s: Snapshot, id: ResourceId | undefined): number | undefined {
  const ip = id ? s.publicIpAddresses.get(id)?.ipAddress : undefined;
  return ip ? parseIPv4(ip) : undefined;
}

function pipAddresses(s: Snapshot, ids: (ResourceId | undefined)[]): number[] {
  return ids.map((id) => pipAddress(s, id)).filter((x): x is number => x !== undefined);
}

/** The egress method of a NIC for every protocol (the first of egressPartsForNic). */
export function egressForNic(s: Snapshot, nic: NetworkInterface | undefined, subnet: Subnet | undefined): EgressMethod {
  return egressPartsForNic(s, nic, subnet)[0].egress;
}

export interface EgressPart {
  /** The IP protocols that leave this way. */
  protocols: IntervalSet;
  egress: EgressMethod;
}

/** What an outbound rule's `protocol` translates (Tcp | Udp | All). */
const OUTBOUND_RULE_PROTOCOLS: Record<string, IntervalSet> = { tcp: IntervalSet.point(6), udp: IntervalSet.point(17), all: ALL_PROTOCOLS };

/**
 * How each protocol leaves: one part for every protocol, except behind load balancer outbound
 * rules, whose `protocol` decides what they translate ("Outbound rules", learn.microsoft.com/azure/
 * load-balancer/outbound-rules): the NIC's pools' rules in order, and for protocols none of them
 * covers no way out (a backend of a Standard load balancer with outbound rules gets no default
 * outbound access, rule 14.4).
 */
export function egressPartsForNic(s: Snapshot, nic: NetworkInterface | undefined, subnet: Subnet | undefined): EgressPart[] {
  if (subnet?.natGatewayId) {
    const ng = s.natGateways.get(subnet.natGatewayId);
    return every({ method: 'natGateway', resource: ng?.displayId ?? subnet.natGatewayId, publicIp: pipAddress(s, ng?.publicIpIds[0]), publicIps: pipAddresses(s, ng?.publicIpIds ?? []), detail: 'the subnet has a NAT gateway' });
  }
  const ipc = nic?.ipConfigurations.find((c) => c.primary) ?? nic?.ipConfigurations[0];
  if (ipc?.publicIpId) {
    return every({ method: 'publicIp', resource: s.publicIpAddresses.get(ipc.publicIpId)?.displayId ?? ipc.publicIpId, publicIp: pipAddress(s, ipc.publicIpId), publicIps: pipAddresses(s, [ipc.publicIpId]), detail: 'the NIC has a public IP' });
  }
  if (ipc) {
    // The load balancers in snapshot order with outbound rules for one of the NIC's pools (pool-lookup.ts).
    const parts: EgressPart[] = [];
    let remaining = ALL_PROTOCOLS;
    for (const lb of outboundBalancersFor(s, ipc)) {
      for (const rule of lb.outboundRules) {
        if (!rule.backendPoolId || !ipc.loadBalancerBackendPoolIds.includes(rule.backendPoolId)) continue;
        const covered = (OUTBOUND_RULE_PROTOCOLS[rule.protocol.toLowerCase()] ?? ALL_PROTOCOLS).intersect(remaining);
        if (covered.isEmpty()) continue;
        const fe = lb.frontends.find((f) => rule.frontendIpConfigurationIds.includes(f.id));
        const all = lb.frontends.filter((f) => rule.frontendIpConfigurationIds.includes(f.id)).map((f) => f.publicIpId);
        parts.push({ protocols: covered, egress: { method: 'loadBalancerOutbound', resource: lb.displayId, publicIp: pipAddress(s, fe?.publicIpId), publicIps: pipAddresses(s, all), detail: `load balancer outbound rule ${rule.name}` } });
        remaining = remaining.subtract(covered);
      }
    }
    if (parts.length > 0) {
      if (!remaining.isEmpty()) parts.push({ protocols: remaining, egress: { method: 'none', publicIps: [], detail: 'the load balancer outbound rules translate other protocols only, and a backend of a Standard load balancer with outbound rules has no default outbound access' } });
      return parts;
    }
  }
  if (subnet?.defaultOutboundAccess === false) {
    return every({ method: 'none', publicIps: [], detail: 'the subnet is private (defaultOutboundAccess: false) and has no NAT gateway, public IP or outbound rule' });
  }
  return every({ method: 'defaultOutboundAccess', publicIps: [], detail: 'default outbound access (an implicit public IP; being retired, rule 14.4/A19)' });
}

function every(egress: EgressMethod): EgressPart[] {
  return [{ protocols: ALL_PROTOCOLS, egress }];
}
