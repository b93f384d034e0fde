// Hybrid connectivity: virtualNetworkGateways, localNetworkGateways and connections.

import type { Connection, LocalNetworkGateway, ResourceId, VirtualNetworkGateway } from '../../core/model/index.ts';
import type { Fields } from '../fields.ts';
import { parentOf } from '../ids.ts';
import type { Store } from '../store.ts';
import { readIp, readPrefixes } from '../values.ts';
import { resourceBase } from './base.ts';

export function readVirtualNetworkGateway(f: Fields, store: Store): void {
  const b = resourceBase(f);
  let subnetId: ResourceId | undefined;
  const publicIpIds: ResourceId[] = [];
  f.each('ipConfigurations', (c) => {
    subnetId ??= c.ref('subnet');
    const pip = c.ref(c.key('publicIPAddress', 'publicIpAddress'));
    if (pip !== undefined && !publicIpIds.includes(pip)) publicIpIds.push(pip);
  });
  const bgpPeeringAddresses: string[] = [];
  const bgp = f.sub('bgpSettings');
  if (bgp) {
    const single = bgp.str('bgpPeeringAddress');
    if (single !== undefined) {
      for (const part of single.split(',')) {
        const t = part.trim();
        if (t.length > 0 && !bgpPeeringAddresses.includes(t)) bgpPeeringAddresses.push(t);
      }
    }
    bgp.each('bgpPeeringAddresses', (a) => {
      for (const key of ['defaultBgpIpAddresses', 'customBgpIpAddresses']) {
        for (const t of a.strList(key)) if (!bgpPeeringAddresses.includes(t)) bgpPeeringAddresses.push(t);
      }
    });
  }
  const gw: VirtualNetworkGateway = {
    kind: 'virtualNetworkGateway',
    ...b,
    gatewayType: f.str('gatewayType') ?? 'Vpn',
    vpnType: f.str('vpnType'),
    sku: f.sub('sku')?.str('name'),
    subnetId,
    // The gateway lives in the VNet of its GatewaySubnet.
    vnetId: subnetId === undefined ? undefined : parentOf(subnetId),
    publicIpIds,
    enableBgp: f.bool('enableBgp', false),
    bgpPeeringAddresses,
    activeActive: f.bool('activeActive', false),
  };
  store.add(store.snap.virtualNetworkGateways, gw, 'virtual network gateway');
}

export function readLocalNetworkGateway(f: Fields, store: Store): void {
  const b = resourceBase(f);
  const space = f.sub('localNetworkAddressSpace');
  const lng: LocalNetworkGateway = {
    kind: 'localNetworkGateway',
    ...b,
    addressPrefixes: space ? readPrefixes(space, undefined, 'addressPrefixes', 'local network prefix') : [],
    gatewayIpAddress: readIp(f, 'gatewayIpAddress'),
    bgpPeeringAddress: f.sub('bgpSettings')?.str('bgpPeeringAddress'),
  };
  store.add(store.snap.localNetworkGateways, lng, 'local network gateway');
}

export function readConnection(f: Fields, store: Store): void {
  const b = resourceBase(f);
  const conn: Connection = {
    kind: 'connection',
    ...b,
    connectionType: f.str('connectionType') ?? 'IPsec',
    virtualNetworkGateway1Id: f.ref('virtualNetworkGateway1'),
    virtualNetworkGateway2Id: f.ref('virtualNetworkGateway2'),
    localNetworkGateway2Id: f.ref('localNetworkGateway2'),
    peerId: f.ref('peer'),
    connectionStatus: f.str('connectionStatus'),
    enableBgp: f.bool('enableBgp', false),
  };
  store.add(store.snap.connections, conn, 'connection');
}
