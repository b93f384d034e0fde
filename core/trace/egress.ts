// How traffic leaves for the internet from a NIC (rule book 14.4, 7.6): a NAT gateway on the
// subnet takes precedence over an instance public IP, which takes precedence over load balancer
// outbound rules; without any of them the subnet's default outbound access, unless the subnet is
// private (`defaultOutboundAccess: false`).

import type { NetworkInterface, ResourceId, Snapshot, Subnet } from '../model/types.ts';
import { parseIPv4 } from '../sets/ipv4.ts';
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

export function egressForNic(s: Snapshot, nic: NetworkInterface | undefined, subnet: Subnet | undefined): EgressMethod {
  if (subnet?.natGatewayId) {
    const ng = s.natGateways.get(subnet.natGatewayId);
    return { method: 'natGateway', resource: ng?.displayId ?? subnet.natGatewayId, publicIp: pipAddress(s, ng?.publicIpIds[0]), publicIps: pipAddresses(s, ng?.publicIpIds ?? []), detail: 'the subnet has a NAT gateway' };
  }
  const ipc = nic?.ipConfigurations.find((c) => c.primary) ?? nic?.ipConfigurations[0];
  if (ipc?.publicIpId) {
    return { method: 'publicIp', resource: s.publicIpAddresses.get(ipc.publicIpId)?.displayId ?? ipc.publicIpId, publicIp: pipAddress(s, ipc.publicIpId), publicIps: pipAddresses(s, [ipc.publicIpId]), detail: 'the NIC has a public IP' };
  }
  if (ipc) {
    // The first load balancer in snapshot order with an outbound rule for one of the NIC's pools (pool-lookup.ts).
    for (const lb of outboundBalancersFor(s, ipc)) {
      const rule = lb.outboundRules.find((r) => r.backendPoolId && ipc.loadBalancerBackendPoolIds.includes(r.backendPoolId));
      if (rule) {
        const fe = lb.frontends.find((f) => rule.frontendIpConfigurationIds.includes(f.id));
        const all = lb.frontends.filter((f) => rule.frontendIpConfigurationIds.includes(f.id)).map((f) => f.publicIpId);
        return { method: 'loadBalancerOutbound', resource: lb.displayId, publicIp: pipAddress(s, fe?.publicIpId), publicIps: pipAddresses(s, all), detail: `load balancer outbound rule ${rule.name}` };
      }
    }
  }
  if (subnet?.defaultOutboundAccess === false) {
    return { method: 'none', publicIps: [], detail: 'the subnet is private (defaultOutboundAccess: false) and has no NAT gateway, public IP or outbound rule' };
  }
  return { method: 'defaultOutboundAccess', publicIps: [], detail: 'default outbound access (an implicit public IP; being retired, rule 14.4/A19)' };
}
