// Route tables (UDRs) with their routes embedded.

import { childId, ref, TYPES } from '../ids.ts';
import { type ArmResource, armResource, type Json, SUCCEEDED } from './resource.ts';

export interface RouteInput {
  name: string;
  addressPrefix: string;
  nextHopType: 'VirtualAppliance' | 'VirtualNetworkGateway' | 'VnetLocal' | 'Internet' | 'None';
  nextHopIpAddress?: string;
}

export interface RouteTableInput {
  id: string;
  name: string;
  location: string;
  disableBgpRoutePropagation: boolean;
  routes: readonly RouteInput[];
  subnetIds: readonly string[];
}

export function buildRouteTable(t: RouteTableInput): ArmResource {
  const properties: { [key: string]: Json } = {
    disableBgpRoutePropagation: t.disableBgpRoutePropagation,
    provisioningState: SUCCEEDED,
    routes: t.routes.map((r) => {
      const p: { [key: string]: Json } = { addressPrefix: r.addressPrefix, nextHopType: r.nextHopType };
      if (r.nextHopIpAddress !== undefined) p.nextHopIpAddress = r.nextHopIpAddress;
      p.provisioningState = SUCCEEDED;
      return { name: r.name, id: childId(t.id, 'routes', r.name), properties: p };
    }),
  };
  if (t.subnetIds.length > 0) properties.subnets = t.subnetIds.map(ref);
  return armResource(t.id, t.name, TYPES.routeTable, t.location, properties);
}
