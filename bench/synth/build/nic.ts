// Network interfaces with their ipConfigurations embedded (VM NICs and private-endpoint NICs).

import { childId, ref, TYPES } from '../ids.ts';
import { type ArmResource, armResource, type Json, SUCCEEDED } from './resource.ts';

export interface NicIpConfigInput {
  name: string;
  privateIp: string;
  allocation: 'Dynamic' | 'Static';
  subnetId: string;
  primary: boolean;
  asgIds?: readonly string[];
  publicIpId?: string;
  loadBalancerBackendPoolIds?: readonly string[];
  /** Private-endpoint NICs: the sub-resource and FQDN the address serves. */
  privateLinkConnection?: { groupId: string; requiredMemberName: string; fqdns: string[] };
}

export interface NicInput {
  id: string;
  name: string;
  location: string;
  ipConfigurations: readonly NicIpConfigInput[];
  nsgId?: string;
  vmId?: string;
  privateEndpointId?: string;
  macAddress: string;
  acceleratedNetworking: boolean;
}

export function nicIpConfigId(nicId: string, name: string): string {
  return childId(nicId, 'ipConfigurations', name);
}

/** A MAC address for NIC number `n` of the estate, in Azure's 00-0D-3A-xx-xx-xx form. */
export function macAddressFor(n: number): string {
  const b = [(n >>> 16) & 255, (n >>> 8) & 255, n & 255].map((x) => x.toString(16).toUpperCase().padStart(2, '0'));
  return `00-0D-3A-${b.join('-')}`;
}

export function buildNic(n: NicInput): ArmResource {
  const properties: { [key: string]: Json } = {
    provisioningState: SUCCEEDED,
    ipConfigurations: n.ipConfigurations.map((c) => {
      const p: { [key: string]: Json } = {
        provisioningState: SUCCEEDED,
        privateIPAddress: c.privateIp,
        privateIPAllocationMethod: c.allocation,
        privateIPAddressVersion: 'IPv4',
        subnet: ref(c.subnetId),
        primary: c.primary,
      };
      if (c.publicIpId) p.publicIPAddress = ref(c.publicIpId);
      if (c.asgIds && c.asgIds.length > 0) p.applicationSecurityGroups = c.asgIds.map(ref);
      if (c.loadBalancerBackendPoolIds && c.loadBalancerBackendPoolIds.length > 0) {
        p.loadBalancerBackendAddressPools = c.loadBalancerBackendPoolIds.map(ref);
      }
      if (c.privateLinkConnection) p.privateLinkConnectionProperties = { ...c.privateLinkConnection };
      return { name: c.name, id: nicIpConfigId(n.id, c.name), type: `${TYPES.networkInterface}/ipConfigurations`, properties: p };
    }),
    dnsSettings: { dnsServers: [], appliedDnsServers: [] },
    macAddress: n.macAddress,
    enableAcceleratedNetworking: n.acceleratedNetworking,
    enableIPForwarding: false,
  };
  if (n.nsgId) properties.networkSecurityGroup = ref(n.nsgId);
  if (n.vmId) properties.virtualMachine = ref(n.vmId);
  if (n.privateEndpointId) properties.privateEndpoint = ref(n.privateEndpointId);
  properties.primary = true;
  properties.nicType = 'Standard';
  return armResource(n.id, n.name, TYPES.networkInterface, n.location, properties);
}
