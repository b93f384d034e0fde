// Which resource owns a private IP. Address spaces of unpeered VNets may overlap (the private
// DNAT corpus sample does), so the index is per VNet, with a global list for reference lookups.

import type { ResourceId, Snapshot } from '../model/types.ts';
import { addressText, parseIPv4 } from '../sets/ipv4.ts';

export type Endpoint =
  | { kind: 'nic'; ip: number; ipText: string; vnetId: ResourceId; subnetId: ResourceId; nicId: ResourceId; ipConfigurationId: ResourceId }
  | { kind: 'privateEndpoint'; ip: number; ipText: string; vnetId: ResourceId; subnetId: ResourceId; privateEndpointId: ResourceId; nicId?: ResourceId }
  | { kind: 'loadBalancerFrontend'; ip: number; ipText: string; vnetId: ResourceId; subnetId: ResourceId; loadBalancerId: ResourceId; frontendId: ResourceId }
  | { kind: 'firewall'; ip: number; ipText: string; vnetId: ResourceId; subnetId: ResourceId; firewallId: ResourceId }
  | { kind: 'applicationGateway'; ip: number; ipText: string; vnetId: ResourceId; subnetId: ResourceId; applicationGatewayId: ResourceId };

export interface AddressIndex {
  byVnet: Map<ResourceId, Map<number, Endpoint>>;
  byIp: Map<number, Endpoint[]>;
}

function ipOf(text: string | undefined): number | undefined {
  if (!text) return undefined;
  return parseIPv4(addressText(text));
}

export function buildAddressIndex(snapshot: Snapshot): AddressIndex {
  const byVnet = new Map<ResourceId, Map<number, Endpoint>>();
  const byIp = new Map<number, Endpoint[]>();
  const put = (e: Endpoint) => {
    let m = byVnet.get(e.vnetId);
    if (!m) byVnet.set(e.vnetId, (m = new Map()));
    if (!m.has(e.ip)) m.set(e.ip, e);
    const list = byIp.get(e.ip);
    if (list) list.push(e);
    else byIp.set(e.ip, [e]);
  };
  const vnetOf = (subnetId: ResourceId | undefined) => (subnetId ? snapshot.subnets.get(subnetId)?.vnetId : undefined);

  for (const nic of snapshot.networkInterfaces.values()) {
    for (const ipc of nic.ipConfigurations) {
      const ip = ipOf(ipc.privateIp);
      const vnetId = vnetOf(ipc.subnetId);
      if (ip === undefined || !vnetId || !ipc.subnetId) continue;
      if (nic.privateEndpointId) {
        put({ kind: 'privateEndpoint', ip, ipText: addressText(ipc.privateIp!), vnetId, subnetId: ipc.subnetId, privateEndpointId: nic.privateEndpointId, nicId: nic.id });
      } else {
        put({ kind: 'nic', ip, ipText: addressText(ipc.privateIp!), vnetId, subnetId: ipc.subnetId, nicId: nic.id, ipConfigurationId: ipc.id });
      }
    }
  }
  // Private endpoints whose NIC is not in the input: use the IPs the endpoint itself lists.
  for (const pe of snapshot.privateEndpoints.values()) {
    const vnetId = vnetOf(pe.subnetId);
    if (!vnetId || !pe.subnetId) continue;
    for (const text of pe.privateIps) {
      const ip = ipOf(text);
      if (ip === undefined || byVnet.get(vnetId)?.has(ip)) continue;
      put({ kind: 'privateEndpoint', ip, ipText: text, vnetId, subnetId: pe.subnetId, privateEndpointId: pe.id });
    }
  }
  for (const lb of snapshot.loadBalancers.values()) {
    for (const fe of lb.frontends) {
      const ip = ipOf(fe.privateIp);
      const vnetId = vnetOf(fe.subnetId);
      if (ip === undefined || !vnetId || !fe.subnetId) continue;
      put({ kind: 'loadBalancerFrontend', ip, ipText: fe.privateIp!, vnetId, subnetId: fe.subnetId, loadBalancerId: lb.id, frontendId: fe.id });
    }
  }
  for (const fw of snapshot.azureFirewalls.values()) {
    for (const c of fw.ipConfigurations) {
      const ip = ipOf(c.privateIp);
      const vnetId = vnetOf(c.subnetId);
      if (ip === undefined || !vnetId || !c.subnetId) continue;
      put({ kind: 'firewall', ip, ipText: c.privateIp!, vnetId, subnetId: c.subnetId, firewallId: fw.id });
    }
  }
  for (const agw of snapshot.applicationGateways.values()) {
    for (const fe of agw.frontends) {
      const ip = ipOf(fe.privateIp);
      const subnetId = fe.subnetId ?? agw.subnetId;
      const vnetId = vnetOf(subnetId);
      if (ip === undefined || !vnetId || !subnetId) continue;
      put({ kind: 'applicationGateway', ip, ipText: fe.privateIp!, vnetId, subnetId, applicationGatewayId: agw.id });
    }
  }
  return { byVnet, byIp };
}

const privateEndpointCache = new WeakMap<AddressIndex, Map<ResourceId, Endpoint[]>>();

/**
 * Private endpoint addresses by private endpoint id, in one pass over the index (in `byIp` order),
 * kept per index: storage questions and the what-if universe ask for them per account.
 */
export function privateEndpointAddresses(index: AddressIndex): Map<ResourceId, Endpoint[]> {
  let byPe = privateEndpointCache.get(index);
  if (byPe) return byPe;
  byPe = new Map();
  for (const list of index.byIp.values()) {
    for (const e of list) {
      if (e.kind !== 'privateEndpoint') continue;
      const l = byPe.get(e.privateEndpointId);
      if (l) l.push(e);
      else byPe.set(e.privateEndpointId, [e]);
    }
  }
  privateEndpointCache.set(index, byPe);
  return byPe;
}
