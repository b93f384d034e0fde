// Microsoft.Network/routeTables with routes (embedded or standalone).

import type { NextHopType, ResourceId, Route, RouteTable } from '../../core/model/index.ts';
import { parseCidr } from '../../core/sets/index.ts';
import type { Fields } from '../fields.ts';
import { canonId, parentOf } from '../ids.ts';
import type { Store } from '../store.ts';
import { matchEnum, readIp } from '../values.ts';
import { childIdentity, idOf, resourceBase, type ChildIdentity } from './base.ts';

export function readRouteTable(f: Fields, store: Store): void {
  const b = resourceBase(f);
  const table: RouteTable = {
    kind: 'routeTable',
    id: b.id,
    displayId: b.displayId,
    name: b.name,
    location: b.location,
    tags: b.tags,
    source: b.source,
    routes: [],
    disableBgpRoutePropagation: f.bool('disableBgpRoutePropagation', false),
  };
  const routes: Route[] = [];
  f.each(
    'routes',
    (c) => {
      const who = childIdentity(c, b.displayId, 'routes', 'route', b.id);
      const r = who && buildRoute(c, who, b.id);
      if (r) routes.push(r);
    },
    idOf,
  );
  store.addParent(store.snap.routeTables, table, 'route table', {
    routes: f.has('routes') ? routes.map((r) => r.id) : undefined,
  });
  for (const r of routes) store.addRoute(r);
}

/** A route that stands alone (`Microsoft.Network/routeTables/routes`). */
export function readRoute(f: Fields, store: Store): void {
  const b = resourceBase(f);
  const r = buildRoute(f, b, canonId(parentOf(b.displayId)));
  if (r) store.addRoute(r);
}

/** Next hop types a user-defined route may carry (rule 6.2). */
const UDR_NEXT_HOPS: readonly NextHopType[] = ['VirtualNetworkGateway', 'VnetLocal', 'Internet', 'VirtualAppliance', 'None'];

function buildRoute(c: Fields, who: ChildIdentity, routeTableId: ResourceId): Route | undefined {
  const what = `route ${who.name}`;
  const prefix = c.str('addressPrefix');
  if (prefix === undefined || prefix.trim().length === 0) {
    c.error('field.missing', undefined, `${what} has no addressPrefix; route skipped`);
    return undefined;
  }
  const first = prefix.charCodeAt(0);
  if ((first >= 48 && first <= 57) || prefix.indexOf(':') >= 0) {
    const p = c.ctx.memoCidr(prefix, parseCidr).result;
    if (!p.ok) {
      if (p.ipv6) c.info('ipv6.unsupported', 'addressPrefix', `${what}: IPv6 prefix '${prefix}' is not modelled yet; route skipped`);
      else c.error('cidr.invalid', 'addressPrefix', `${what}: '${prefix}' is not a valid IPv4 prefix: ${p.reason}; route skipped`);
      return undefined;
    }
    if (p.hostBitsSet) c.warn('cidr.hostbits', 'addressPrefix', `${what}: prefix '${prefix}' has host bits set (read as the network that contains it)`);
  }
  const hopText = c.str('nextHopType');
  const nextHopType = matchEnum(hopText, UDR_NEXT_HOPS);
  if (nextHopType === undefined) {
    if (hopText === undefined) c.error('field.missing', undefined, `${what} has no nextHopType; route skipped`);
    else c.error('field.value', 'nextHopType', `${what}: unknown nextHopType '${hopText}' (expected ${UDR_NEXT_HOPS.join(', ')}); route skipped`);
    return undefined;
  }
  let nextHopIpAddress = readIp(c, 'nextHopIpAddress');
  if (nextHopType === 'VirtualAppliance' && nextHopIpAddress === undefined) {
    c.error('field.missing', 'nextHopIpAddress', `${what}: next hop VirtualAppliance needs a nextHopIpAddress`);
  }
  if (nextHopType !== 'VirtualAppliance' && nextHopIpAddress !== undefined) {
    // Rule 6.2: "Next hop values are only allowed in routes where the next hop type is
    // VirtualAppliance" (the REST API's validation). An export never has one; a change can.
    c.error('route.next-hop-ip', 'nextHopIpAddress', `${what}: Azure refuses a nextHopIpAddress (${nextHopIpAddress}) on a route whose nextHopType is ${nextHopType} (rule 6.2); the address is ignored`, 'give the address only with nextHopType VirtualAppliance');
    nextHopIpAddress = undefined;
  }
  return {
    id: who.id,
    displayId: who.displayId,
    name: who.name,
    routeTableId,
    addressPrefix: prefix.trim(),
    nextHopType,
    nextHopIpAddress,
    source: c.source(),
  };
}
