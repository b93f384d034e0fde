// Where two effective route tables of one subnet route differently: the exact set of destination
// addresses whose selected route (next hop, its address, where the route came from) differs. The
// boundaries of both tables cut the address space into pieces inside which every address is covered
// by the same entries, so one lookup per piece decides the whole piece.

import type { EffectiveRouteTable, RouteMatch } from '../../dataplane/effective-routes.ts';
import { IntervalSet } from '../../sets/interval-set.ts';
import { IPV4_MAX } from '../../sets/ipv4.ts';

function originKey(m: RouteMatch): string {
  const o = m.route.origin;
  switch (o.kind) {
    case 'peering':
      return `peering:${o.remoteVnetId}`;
    case 'gateway':
      return `gateway:${o.gatewayId}`;
    case 'serviceEndpoint':
      return `se:${o.service.toLowerCase()}`;
    case 'privateEndpoint':
      return `pe:${o.privateEndpointId}`;
    case 'user':
      return `user:${o.route.id}`;
    default:
      return o.kind;
  }
}

function signature(m: RouteMatch | undefined): string {
  if (!m) return '-';
  return `${m.route.nextHopType}|${m.route.nextHopIpAddress[0] ?? ''}|${originKey(m)}|${m.route.state}`;
}

function serviceEndpointKey(t: EffectiveRouteTable | undefined): string {
  if (!t) return '';
  return t.routes
    .filter((r) => r.nextHopType === 'VirtualNetworkServiceEndpoint')
    .map((r) => `${r.origin.kind === 'serviceEndpoint' ? r.origin.service.toLowerCase() : ''}|${r.state}|${r.addressPrefix.join(',')}`)
    .sort()
    .join(';');
}

export interface RouteDelta {
  /** Destinations whose route differs. */
  addresses: IntervalSet;
  /** The service endpoint routes differ (storage traffic may take another way). */
  serviceEndpoints: boolean;
}

export function computeRouteDelta(before: EffectiveRouteTable | undefined, after: EffectiveRouteTable | undefined): RouteDelta {
  const cuts = new Set<number>([0]);
  for (const t of [before, after]) {
    for (const e of t?.entries ?? []) {
      cuts.add(e.cidr.start);
      if (e.cidr.end < IPV4_MAX) cuts.add(e.cidr.end + 1);
    }
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  const ranges: [number, number][] = [];
  for (let i = 0; i < sorted.length; i++) {
    const lo = sorted[i];
    const hi = i + 1 < sorted.length ? sorted[i + 1] - 1 : IPV4_MAX;
    if (signature(before?.lookup(lo)) !== signature(after?.lookup(lo))) ranges.push([lo, hi]);
  }
  return { addresses: IntervalSet.fromRanges(ranges), serviceEndpoints: serviceEndpointKey(before) !== serviceEndpointKey(after) };
}
