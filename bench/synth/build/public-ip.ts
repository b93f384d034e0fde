// Standard SKU static public IP addresses, with the back-reference to what uses them.

import { ref, TYPES } from '../ids.ts';
import { type ArmResource, armResource, type Json, SUCCEEDED } from './resource.ts';

export interface PublicIpInput {
  id: string;
  name: string;
  location: string;
  ipAddress: string;
  /** The NIC, firewall, gateway or load balancer frontend IP configuration using it. */
  ipConfigurationId?: string;
  zones?: string[];
  resourceGuid: string;
}

export function buildPublicIp(p: PublicIpInput): ArmResource {
  const properties: { [key: string]: Json } = {
    provisioningState: SUCCEEDED,
    resourceGuid: p.resourceGuid,
    ipAddress: p.ipAddress,
    publicIPAddressVersion: 'IPv4',
    publicIPAllocationMethod: 'Static',
    idleTimeoutInMinutes: 4,
    ipTags: [],
  };
  if (p.ipConfigurationId) properties.ipConfiguration = ref(p.ipConfigurationId);
  return armResource(p.id, p.name, TYPES.publicIpAddress, p.location, properties, {
    sku: { name: 'Standard', tier: 'Regional' },
    zones: p.zones,
  });
}
