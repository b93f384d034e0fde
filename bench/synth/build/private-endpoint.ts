// Private endpoints to storage accounts, and the read-only NIC Azure creates for each.

import { childId, ref, TYPES } from '../ids.ts';
import { buildNic } from './nic.ts';
import { type ArmResource, armResource, SUCCEEDED } from './resource.ts';

export interface PrivateEndpointInput {
  id: string;
  name: string;
  location: string;
  subnetId: string;
  targetId: string;
  groupId: string;
  fqdn: string;
  privateIp: string;
  nicId: string;
  nicName: string;
  macAddress: string;
  ipConfigName: string;
  resourceGuid: string;
}

export const PRIVATE_LINK_CONNECTION = 'plsc';

export function privateEndpointConnectionName(pe: { name: string; resourceGuid: string }): string {
  return `${pe.name}.${pe.resourceGuid}`;
}

export function buildPrivateEndpoint(p: PrivateEndpointInput): ArmResource {
  return armResource(p.id, p.name, TYPES.privateEndpoint, p.location, {
    provisioningState: SUCCEEDED,
    resourceGuid: p.resourceGuid,
    subnet: ref(p.subnetId),
    networkInterfaces: [ref(p.nicId)],
    privateLinkServiceConnections: [{
      name: PRIVATE_LINK_CONNECTION,
      id: childId(p.id, 'privateLinkServiceConnections', PRIVATE_LINK_CONNECTION),
      properties: {
        provisioningState: SUCCEEDED,
        privateLinkServiceId: p.targetId,
        groupIds: [p.groupId],
        privateLinkServiceConnectionState: { status: 'Approved', description: 'Auto-Approved', actionsRequired: 'None' },
      },
    }],
    manualPrivateLinkServiceConnections: [],
    customNetworkInterfaceName: '',
    applicationSecurityGroups: [],
    ipConfigurations: [],
    customDnsConfigs: [{ fqdn: p.fqdn, ipAddresses: [p.privateIp] }],
  });
}

export function buildPrivateEndpointNic(p: PrivateEndpointInput): ArmResource {
  return buildNic({
    id: p.nicId,
    name: p.nicName,
    location: p.location,
    ipConfigurations: [{
      name: p.ipConfigName,
      privateIp: p.privateIp,
      allocation: 'Dynamic',
      subnetId: p.subnetId,
      primary: true,
      privateLinkConnection: { groupId: p.groupId, requiredMemberName: p.groupId, fqdns: [p.fqdn] },
    }],
    privateEndpointId: p.id,
    macAddress: p.macAddress,
    acceleratedNetworking: false,
  });
}
