// Virtual networks with their subnets and virtualNetworkPeerings embedded, as Azure returns them.

import { ref, TYPES } from '../ids.ts';
import { type ArmResource, armResource, type Json, SUCCEEDED } from './resource.ts';

export interface SubnetInput {
  id: string;
  name: string;
  prefix: string;
  nsgId?: string;
  routeTableId?: string;
  /** Service endpoints (e.g. Microsoft.Storage) with the regions they cover. */
  serviceEndpoints?: { service: string; locations: string[] }[];
  privateEndpointNetworkPolicies: 'Enabled' | 'Disabled' | 'NetworkSecurityGroupEnabled' | 'RouteTableEnabled';
  /** NIC, firewall, gateway and load balancer IP configurations in the subnet. */
  ipConfigurationIds: readonly string[];
  privateEndpointIds: readonly string[];
}

export interface PeeringInput {
  id: string;
  name: string;
  remoteVnetId: string;
  remotePrefixes: readonly string[];
  allowVirtualNetworkAccess: boolean;
  allowForwardedTraffic: boolean;
  allowGatewayTransit: boolean;
  useRemoteGateways: boolean;
}

export interface VnetInput {
  id: string;
  name: string;
  location: string;
  addressPrefixes: readonly string[];
  dnsServers: readonly string[];
  subnets: readonly SubnetInput[];
  peerings: readonly PeeringInput[];
  resourceGuid: string;
  tags?: { [key: string]: string };
}

export function buildSubnet(s: SubnetInput): Json {
  const properties: { [key: string]: Json } = { addressPrefix: s.prefix };
  if (s.nsgId) properties.networkSecurityGroup = ref(s.nsgId);
  if (s.routeTableId) properties.routeTable = ref(s.routeTableId);
  if (s.serviceEndpoints && s.serviceEndpoints.length > 0) {
    properties.serviceEndpoints = s.serviceEndpoints.map((e) => ({ service: e.service, locations: e.locations, provisioningState: SUCCEEDED }));
  }
  if (s.ipConfigurationIds.length > 0) properties.ipConfigurations = s.ipConfigurationIds.map(ref);
  if (s.privateEndpointIds.length > 0) properties.privateEndpoints = s.privateEndpointIds.map(ref);
  properties.delegations = [];
  properties.privateEndpointNetworkPolicies = s.privateEndpointNetworkPolicies;
  properties.privateLinkServiceNetworkPolicies = 'Enabled';
  properties.provisioningState = SUCCEEDED;
  return { name: s.name, id: s.id, properties };
}

export function buildPeering(p: PeeringInput): Json {
  const space = { addressPrefixes: [...p.remotePrefixes] };
  return {
    name: p.name,
    id: p.id,
    properties: {
      allowForwardedTraffic: p.allowForwardedTraffic,
      allowGatewayTransit: p.allowGatewayTransit,
      allowVirtualNetworkAccess: p.allowVirtualNetworkAccess,
      peeringState: 'Connected',
      peeringSyncLevel: 'FullyInSync',
      provisioningState: SUCCEEDED,
      remoteAddressSpace: space,
      remoteVirtualNetwork: ref(p.remoteVnetId),
      remoteVirtualNetworkAddressSpace: space,
      useRemoteGateways: p.useRemoteGateways,
    },
  };
}

export function buildVnet(v: VnetInput): ArmResource {
  const properties: { [key: string]: Json } = {
    addressSpace: { addressPrefixes: [...v.addressPrefixes] },
  };
  if (v.dnsServers.length > 0) properties.dhcpOptions = { dnsServers: [...v.dnsServers] };
  properties.enableDdosProtection = false;
  properties.provisioningState = SUCCEEDED;
  properties.resourceGuid = v.resourceGuid;
  properties.subnets = v.subnets.map(buildSubnet);
  properties.virtualNetworkPeerings = v.peerings.map(buildPeering);
  return armResource(v.id, v.name, TYPES.virtualNetwork, v.location, properties, { tags: v.tags });
}
