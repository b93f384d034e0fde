// Storage accounts with their firewall (networkAcls) and private endpoint connections.

import { childId, ref, TYPES } from '../ids.ts';
import { type ArmResource, armResource, type Json, SUCCEEDED } from './resource.ts';

export interface StorageInput {
  id: string;
  name: string;
  location: string;
  defaultAction: 'Allow' | 'Deny';
  publicNetworkAccess: 'Enabled' | 'Disabled';
  /** Subnets allowed through their Microsoft.Storage service endpoint. */
  virtualNetworkRuleSubnetIds: readonly string[];
  ipRules: readonly string[];
  /** Private endpoints connected to the account, with the connection name. */
  privateEndpoints: readonly { id: string; connectionName: string }[];
}

export function storageEndpoint(name: string, service: string): string {
  return `https://${name}.${service}.core.windows.net/`;
}

export function buildStorageAccount(s: StorageInput): ArmResource {
  const properties: { [key: string]: Json } = {
    provisioningState: SUCCEEDED,
    accessTier: 'Hot',
    allowBlobPublicAccess: false,
    minimumTlsVersion: 'TLS1_2',
    supportsHttpsTrafficOnly: true,
    publicNetworkAccess: s.publicNetworkAccess,
    networkAcls: {
      bypass: 'AzureServices',
      defaultAction: s.defaultAction,
      ipRules: s.ipRules.map((value) => ({ value, action: 'Allow' })),
      virtualNetworkRules: s.virtualNetworkRuleSubnetIds.map((id) => ({ id, action: 'Allow', state: 'Succeeded' })),
      resourceAccessRules: [],
    },
    primaryEndpoints: {
      blob: storageEndpoint(s.name, 'blob'),
      dfs: storageEndpoint(s.name, 'dfs'),
      file: storageEndpoint(s.name, 'file'),
      queue: storageEndpoint(s.name, 'queue'),
      table: storageEndpoint(s.name, 'table'),
      web: storageEndpoint(s.name, 'web'),
    },
    primaryLocation: s.location,
    statusOfPrimary: 'available',
    privateEndpointConnections: s.privateEndpoints.map((pe) => ({
      id: childId(s.id, 'privateEndpointConnections', pe.connectionName),
      name: pe.connectionName,
      type: `${TYPES.storageAccount}/privateEndpointConnections`,
      properties: {
        provisioningState: SUCCEEDED,
        privateEndpoint: ref(pe.id),
        privateLinkServiceConnectionState: { status: 'Approved', description: 'Auto-Approved', actionRequired: 'None' },
      },
    })),
  };
  return armResource(s.id, s.name, TYPES.storageAccount, s.location, properties, {
    kind: 'StorageV2',
    sku: { name: 'Standard_ZRS', tier: 'Standard' },
  });
}
