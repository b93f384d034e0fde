// Site-to-site VPN: the hub's virtual network gateway, the on-premises local network gateway and
// the IPsec connection between them.

import { childId, ref, TYPES } from '../ids.ts';
import { type ArmResource, armResource, SUCCEEDED } from './resource.ts';

export const GATEWAY_IP_CONFIG = 'gwipconfig1';

export function gatewayIpConfigId(gatewayId: string): string {
  return childId(gatewayId, 'ipConfigurations', GATEWAY_IP_CONFIG);
}

export interface VpnGatewayInput {
  id: string;
  name: string;
  location: string;
  subnetId: string;
  publicIpId: string;
  publicIp: string;
  bgpPeeringAddress: string;
  resourceGuid: string;
}

export function buildVpnGateway(g: VpnGatewayInput): ArmResource {
  const ipConfigId = gatewayIpConfigId(g.id);
  return armResource(g.id, g.name, TYPES.virtualNetworkGateway, g.location, {
    provisioningState: SUCCEEDED,
    resourceGuid: g.resourceGuid,
    gatewayType: 'Vpn',
    vpnType: 'RouteBased',
    vpnGatewayGeneration: 'Generation2',
    sku: { name: 'VpnGw2AZ', tier: 'VpnGw2AZ' },
    activeActive: false,
    enableBgp: false,
    enablePrivateIpAddress: false,
    allowRemoteVnetTraffic: false,
    allowVirtualWanTraffic: false,
    ipConfigurations: [{
      name: GATEWAY_IP_CONFIG,
      id: ipConfigId,
      properties: {
        provisioningState: SUCCEEDED,
        privateIPAllocationMethod: 'Dynamic',
        publicIPAddress: ref(g.publicIpId),
        subnet: ref(g.subnetId),
      },
    }],
    bgpSettings: {
      asn: 65515,
      bgpPeeringAddress: g.bgpPeeringAddress,
      peerWeight: 0,
      bgpPeeringAddresses: [{
        ipconfigurationId: ipConfigId,
        defaultBgpIpAddresses: [g.bgpPeeringAddress],
        customBgpIpAddresses: [],
        tunnelIpAddresses: [g.publicIp],
      }],
    },
  });
}

export interface LocalGatewayInput {
  id: string;
  name: string;
  location: string;
  gatewayIpAddress: string;
  addressPrefixes: readonly string[];
  resourceGuid: string;
}

export function buildLocalNetworkGateway(l: LocalGatewayInput): ArmResource {
  return armResource(l.id, l.name, TYPES.localNetworkGateway, l.location, {
    provisioningState: SUCCEEDED,
    resourceGuid: l.resourceGuid,
    localNetworkAddressSpace: { addressPrefixes: [...l.addressPrefixes] },
    gatewayIpAddress: l.gatewayIpAddress,
  });
}

export interface ConnectionInput {
  id: string;
  name: string;
  location: string;
  gatewayId: string;
  localGatewayId: string;
  resourceGuid: string;
}

export function buildConnection(c: ConnectionInput): ArmResource {
  return armResource(c.id, c.name, TYPES.connection, c.location, {
    provisioningState: SUCCEEDED,
    resourceGuid: c.resourceGuid,
    connectionType: 'IPsec',
    connectionProtocol: 'IKEv2',
    connectionMode: 'Default',
    connectionStatus: 'Connected',
    virtualNetworkGateway1: ref(c.gatewayId),
    localNetworkGateway2: ref(c.localGatewayId),
    routingWeight: 0,
    enableBgp: false,
    usePolicyBasedTrafficSelectors: false,
    ipsecPolicies: [],
    trafficSelectorPolicies: [],
    dpdTimeoutSeconds: 45,
    ingressBytesTransferred: 0,
    egressBytesTransferred: 0,
  });
}
