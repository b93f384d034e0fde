// The forwarding walker: follows a set of packets (one flow in a trace, many in reach) from a subnet
// through routes, peerings, appliances, firewalls and gateways to its destination, applying the
// filters it meets (rule book sections 3, 5-12). Routing decides on the destination address only,
// which is fixed for a walk; filters narrow the set.

import type { AzureFirewall, Direction, ResourceId, StorageAccount, VirtualNetworkGateway } from '../model/types.ts';
import type { LearnedPrefix } from '../dataplane/topology.ts';
import type { DataPlane } from '../dataplane/compile.ts';
import type { Endpoint } from '../dataplane/address-index.ts';
import { CAVEATS, CaveatSet } from '../dataplane/caveats.ts';
import { securityAdminCaveat } from '../dataplane/topology.ts';
import { firewallSnat, reachedPrivately } from '../firewall/snat.ts';
import { filterPointFor, type FilterPoint } from '../policy/evaluate-endpoint.ts';
import { IntervalSet } from '../sets/interval-set.ts';
import { ALL_ADDRESSES, ALL_PROTOCOLS, PacketSpace, type Box } from '../sets/packet-space.ts';
import { ALL_PORTS } from '../sets/ports.ts';
import { formatIPv4, parseIPv4 } from '../sets/ipv4.ts';
import { parseCidr } from '../sets/cidr.ts';
import { PRIVATE_SET } from '../dataplane/well-known-addresses.ts';
import { nameFromId } from '../model/ids.ts';
import type { Filters } from './filters.ts';
import { serviceEndpointLocations, type EffectiveRoute, type EffectiveRouteTable, type RouteMatch } from '../dataplane/effective-routes.ts';
import type { AllowedBy, Disposition, Hop, HopKind, Step, StoppedBy } from './types.ts';
import { egressForNic, egressPartsForNic, type EgressMethod, type EgressPart } from './egress.ts';
import { evaluateStorageAccess, storagePublicSources, type StorageAccess } from './paas.ts';

/** What the packets are trying to reach. */
export type Target =
  | { kind: 'address' }
  | { kind: 'storage'; account: StorageAccount; endpoint: string; fqdn: string; privateEndpointIps: Set<number> };

export interface WalkContext {
  dp: DataPlane;
  filters: Filters;
  target: Target;
  fqdn?: string;
  caveats: CaveatSet;
  /** Guard against runaway walks (appliance chains). */
  maxHops: number;
}

/** Where a walk stands: about to route out of `subnetId`, from a NIC, appliance or firewall. */
export interface Position {
  subnetId: ResourceId;
  vnetId: ResourceId;
  /** The NIC the packet leaves from, for internet egress (source NIC or appliance). */
  nicId?: ResourceId;
  /** The firewall the packet leaves from. */
  firewallId?: ResourceId;
}

export interface Outcome {
  space: PacketSpace;
  disposition: Disposition;
  hops: Hop[];
  stoppedBy: StoppedBy | null;
  /** Labels for symbolic answers: the port the client used before a translation. */
  label?: { frontendPort?: number; entry?: string };
}

export interface WalkState {
  space: PacketSpace;
  dstIp: number;
  /** Hops so far; the last one is the hop whose steps are being filled. */
  hops: Hop[];
  visited: Set<string>;
  /** The packets came in through a virtual network gateway (peering forwarded-traffic rule exemption, 8.6). */
  viaGateway: boolean;
  label?: Outcome['label'];
}

export function hop(ip: string, resource: string, name: string, kind: HopKind): Hop {
  return { ip, resource, name, kind, steps: [] };
}

function last(hops: Hop[]): Hop {
  return hops[hops.length - 1];
}

function withStep(st: WalkState, ...steps: Step[]): void {
  last(st.hops).steps.push(...steps);
}

function branch(st: WalkState, space: PacketSpace): WalkState {
  return { ...st, space, hops: st.hops.map((h) => ({ ...h, steps: [...h.steps] })), visited: new Set(st.visited) };
}

export function end(st: WalkState, disposition: Disposition, stoppedBy: StoppedBy | null, space = st.space): Outcome {
  return { space, disposition, hops: st.hops, stoppedBy, label: st.label };
}

function rewrite(space: PacketSpace, change: Partial<Pick<Box, 'src' | 'dst' | 'dstPorts'>>): PacketSpace {
  return new PacketSpace(space.boxes.map((b) => ({ ...b, ...change })));
}

export type EndpointDisplay = { resource: string; name: string; kind: HopKind };

/** Displays by snapshot and endpoint: every walk names its two ends, and blast names every endpoint it reaches. */
const displays = new WeakMap<object, WeakMap<Endpoint, EndpointDisplay>>();

function displaysOf(dp: DataPlane): WeakMap<Endpoint, EndpointDisplay> {
  let bySnapshot = displays.get(dp.snapshot);
  if (!bySnapshot) displays.set(dp.snapshot, (bySnapshot = new WeakMap()));
  return bySnapshot;
}

function displayIn(bySnapshot: WeakMap<Endpoint, EndpointDisplay>, dp: DataPlane, e: Endpoint): EndpointDisplay {
  let d = bySnapshot.get(e);
  if (!d) bySnapshot.set(e, (d = displayOf(dp, e)));
  return d;
}

function endpointDisplay(dp: DataPlane, e: Endpoint): EndpointDisplay {
  return displayIn(displaysOf(dp), dp, e);
}

/**
 * An endpoint's display, not remembered: for callers that name each endpoint once or twice (blast
 * names every endpoint it reaches). Two lookups by id are cheaper than a table of displays keyed by
 * endpoint (a WeakMap of ~50,000 entries at tier L, slower to read than the two lookups it saves).
 */
export function displayOf(dp: DataPlane, e: Endpoint): EndpointDisplay {
  const s = dp.snapshot;
  switch (e.kind) {
    case 'nic': {
      const nic = s.networkInterfaces.get(e.nicId);
      const vm = nic?.vmId ? s.virtualMachines.get(nic.vmId) : undefined;
      return { resource: nic?.displayId ?? e.nicId, name: vm?.name ?? nic?.name ?? nameFromId(e.nicId), kind: 'nic' };
    }
    case 'privateEndpoint': {
      const pe = s.privateEndpoints.get(e.privateEndpointId);
      return { resource: pe?.displayId ?? e.privateEndpointId, name: pe?.name ?? nameFromId(e.privateEndpointId), kind: 'privateEndpoint' };
    }
    case 'loadBalancerFrontend': {
      const lb = s.loadBalancers.get(e.loadBalancerId);
      return { resource: lb?.displayId ?? e.loadBalancerId, name: lb?.name ?? nameFromId(e.loadBalancerId), kind: 'loadBalancer' };
    }
    case 'firewall': {
      const fw = s.azureFirewalls.get(e.firewallId);
      return { resource: fw?.displayId ?? e.firewallId, name: fw?.name ?? nameFromId(e.firewallId), kind: 'firewall' };
    }
    case 'applicationGateway': {
      const ag = s.applicationGateways.get(e.applicationGatewayId);
      return { resource: ag?.displayId ?? e.applicationGatewayId, name: ag?.name ?? nameFromId(e.applicationGatewayId), kind: 'applicationGateway' };
    }
  }
}

export function endpointHop(dp: DataPlane, e: Endpoint, kind?: HopKind): Hop {
  const d = endpointDisplay(dp, e);
  return hop(e.ipText, d.resource, d.name, kind ?? d.kind);
}

export function filterPointOfEndpoint(dp: DataPlane, e: Endpoint): FilterPoint {
  const nicId = e.kind === 'nic' ? e.nicId : e.kind === 'privateEndpoint' ? e.nicId : undefined;
  return filterPointFor(dp, e.subnetId, nicId, e.kind === 'privateEndpoint');
}

function nsgStop(step: Step | undefined, direction: Direction): StoppedBy {
  if (step?.kind === 'nsg') {
    return {
      stage: direction === 'Inbound' ? 'nsg-inbound' : 'nsg-outbound',
      nsg: step.nsg,
      rule: step.rule,
      fix: `allow the flow in ${step.nsgName} above priority ${step.priority} (${step.rule})`,
    };
  }
  return { stage: direction === 'Inbound' ? 'nsg-inbound' : 'nsg-outbound', detail: 'no packet of the query passes the NSGs' };
}

/**
 * Apply an endpoint's NSGs; returns the state narrowed, or an outcome when nothing passes. Only in
 * the direction the connection is opened: NSGs are stateful (rule 3.8), so its replies are never
 * judged by the destination's outbound or the source's inbound rules (test/core/trace/stateful.test.ts).
 */
export function applyNsg(ctx: WalkContext, st: WalkState, point: FilterPoint, direction: Direction): Outcome | WalkState {
  const r = ctx.filters.nsg(point, direction, st.space);
  withStep(st, ...r.steps);
  // Rule 3.11: AVNM security admin rules decide before these NSGs and are not modelled.
  const admin = securityAdminCaveat(ctx.dp.snapshot, ctx.dp.topology, point.subnetId);
  if (admin) ctx.caveats.add(admin);
  if (r.approximate) {
    ctx.caveats.add({ code: 'trace.approximate-nsg', message: 'An NSG decision on this path relied on an approximated service tag (see the other caveats).' });
    // Name the approximation itself, in trace and reach alike (rule 4.3, A4).
    if (r.approximations?.internet) ctx.caveats.add(CAVEATS.internetTag);
    if (r.approximations?.unknownTag) ctx.caveats.add(CAVEATS.serviceTagsMissing);
  }
  if (r.space.isEmpty()) return end(st, direction === 'Inbound' ? 'DENIED_IN' : 'DENIED_OUT', nsgStop(r.stop, direction), st.space);
  return { ...st, space: r.space };
}

function isOutcome(x: Outcome | WalkState): x is Outcome {
  return (x as Outcome).disposition !== undefined;
}

// ---- routing ---------------------------------------------------------------------------------

/** How a route stops traffic (made per route, without a named closure per walk step). */
function routeStopper(r: EffectiveRoute, prefix: string): (detail: string, fix?: string) => StoppedBy {
  return (detail, fix) => ({ stage: 'route', nextHopType: r.nextHopType, route: r.name ?? `${r.source} ${prefix}`, detail, fix });
}

export function routeFrom(ctx: WalkContext, st: WalkState, pos: Position): Outcome[] {
  const { dp } = ctx;
  if (st.hops.length > ctx.maxHops) return [end(st, 'LOOP', { stage: 'route', detail: `more than ${ctx.maxHops} hops` })];
  const table = dp.routesForSubnet(pos.subnetId);
  const m = storageServiceEndpointRoute(ctx, table, st.dstIp) ?? table?.lookup(st.dstIp);
  const subnetDisplay = dp.snapshot.subnets.get(pos.subnetId)?.displayId ?? pos.subnetId;
  if (!m) {
    withStep(st, { kind: 'note', detail: 'no route matches' });
    return [end(st, 'NO_ROUTE', { stage: 'route', detail: `no route for ${formatIPv4(st.dstIp)} in ${subnetDisplay}` })];
  }
  const r = m.route;
  const prefix = `${formatIPv4(m.entry.cidr.start)}/${m.entry.cidr.prefixLength}`;
  withStep(st, {
    kind: 'route',
    subnet: subnetDisplay,
    addressPrefix: prefix,
    nextHopType: r.nextHopType,
    nextHopIpAddress: r.nextHopIpAddress[0],
    source: r.source,
    route: r.name,
    routeTable: r.routeTableId ? dp.snapshot.routeTables.get(r.routeTableId)?.displayId : undefined,
    reason: m.reason,
  });
  table!.caveats.forEach((c) => ctx.caveats.add(c));
  const routeStop = routeStopper(r, prefix);

  switch (r.nextHopType) {
    case 'None':
      // Rule 5.5: traffic to the None next hop is dropped.
      return [end(st, 'NULL_ROUTED', routeStop(`${formatIPv4(st.dstIp)} matches ${prefix} with next hop None`, r.source === 'User' ? `change or remove route ${r.name}` : 'add a route (or a peering) that covers the destination'))];
    case 'VnetLocal':
      return deliverInVnet(ctx, st, pos.vnetId, routeStop);
    case 'VNetPeering': {
      const remote = r.origin.kind === 'peering' ? r.origin.remoteVnetId : undefined;
      if (!remote) return [end(st, 'UNKNOWN', routeStop('peering route without a peering'))];
      const crossed = crossPeering(ctx, st, pos.vnetId, remote);
      if (isOutcome(crossed)) return [crossed];
      return deliverInVnet(ctx, crossed, remote, routeStop);
    }
    case 'InterfaceEndpoint': {
      const owner = dp.addresses.byIp.get(st.dstIp)?.find((e) => e.kind === 'privateEndpoint');
      if (!owner) return [end(st, 'NO_ROUTE', routeStop('private endpoint address not found'))];
      let cur: WalkState = st;
      if (owner.vnetId !== pos.vnetId) {
        const crossed = crossPeering(ctx, st, pos.vnetId, owner.vnetId);
        if (isOutcome(crossed)) return [crossed];
        cur = crossed;
      }
      return deliver(ctx, cur, owner);
    }
    case 'VirtualAppliance':
      return toAppliance(ctx, st, pos, r.nextHopIpAddress[0], routeStop);
    case 'VirtualNetworkGateway':
      return toGateway(ctx, st, pos, routeStop, r.source === 'User');
    case 'Internet':
      return toInternet(ctx, st, pos);
    case 'VirtualNetworkServiceEndpoint':
      return toServiceEndpoint(ctx, st, pos);
  }
  return [end(st, 'UNKNOWN', routeStop(`next hop type ${r.nextHopType} is not modelled`))];
}

/**
 * Rule 10.1/7.3: traffic to a storage account's public endpoint from a subnet with the
 * Microsoft.Storage service endpoint for the account's region takes the service endpoint route,
 * even when the tag's prefixes are not loaded (the route then carries only the tag name).
 */
function storageServiceEndpointRoute(ctx: WalkContext, table: EffectiveRouteTable | undefined, dstIp: number): RouteMatch | undefined {
  if (!table || ctx.target.kind !== 'storage' || ctx.target.privateEndpointIps.has(dstIp)) return undefined;
  const region = (ctx.target.account.location ?? '').replace(/\s/g, '').toLowerCase();
  for (const r of table.routes) {
    if (r.nextHopType !== 'VirtualNetworkServiceEndpoint' || r.state !== 'Active' || r.origin.kind !== 'serviceEndpoint') continue;
    const service = r.origin.service.toLowerCase();
    if (service !== 'microsoft.storage' && service !== 'microsoft.storage.global') continue;
    const subnet = ctx.dp.snapshot.subnets.get(table.subnetId);
    const subnetSe = subnet?.serviceEndpoints.find((e) => e.service.toLowerCase() === service);
    // Rule 10.6: no locations on Microsoft.Storage means the VNet's region (and its pair, not modelled).
    const given = subnet && subnetSe ? serviceEndpointLocations(ctx.dp.snapshot, subnet, subnetSe) : { locations: [], defaulted: false };
    const locations = given.locations.map((l) => l.replace(/\s/g, '').toLowerCase());
    if (given.defaulted && region && !locations.includes(region)) ctx.caveats.add(CAVEATS.serviceEndpointNoPair);
    if (service === 'microsoft.storage' && locations.length > 0 && !locations.includes('*') && region && !locations.includes(region)) continue;
    const entry = table.entries.find((e) => e.route === r && dstIp >= e.cidr.start && dstIp <= e.cidr.end) ?? { cidr: { start: dstIp, end: dstIp, prefixLength: 32 }, route: r };
    return { entry, route: r, reason: 'service-endpoint' };
  }
  return undefined;
}

/** Rules 8.5, 8.6: crossing a peering from `from` into `to`. */
function crossPeering(ctx: WalkContext, st: WalkState, from: ResourceId, to: ResourceId): Outcome | WalkState {
  const info = ctx.dp.topology.vnets.get(from);
  const link = info?.peers.find((p) => p.remoteVnetId === to && p.connected);
  const peeringId = link?.local.displayId ?? `${from} -> ${to}`;
  const remoteVnet = ctx.dp.snapshot.virtualNetworks.get(to)?.displayId ?? to;
  if (!link) {
    withStep(st, { kind: 'peering', peering: peeringId, remoteVnet, access: 'Deny', detail: 'no connected peering' });
    return end(st, 'NO_ROUTE', { stage: 'peering', resource: peeringId, detail: 'no connected peering between the VNets' });
  }
  if (!link.local.allowVirtualNetworkAccess) {
    // A11: treated as a hard block.
    withStep(st, { kind: 'peering', peering: peeringId, remoteVnet, access: 'Deny', detail: 'allowVirtualNetworkAccess is false' });
    ctx.caveats.add({ code: 'peering.access-disabled', message: 'A peering with allowVirtualNetworkAccess false is treated as blocking all traffic from its virtual network into the remote one (A11); the other half decides the opposite direction.' });
    return end(st, 'NO_ROUTE', { stage: 'peering', resource: peeringId, detail: 'allowVirtualNetworkAccess is false on the peering', fix: 'set allowVirtualNetworkAccess on the peering' });
  }
  if (link.remote && !link.remote.allowVirtualNetworkAccess) ctx.caveats.add(CAVEATS.repliesAccessDisabled);
  const basic = basicLbFrontendOverGlobalPeering(ctx, st.dstIp, from, to);
  if (basic) {
    withStep(st, { kind: 'peering', peering: peeringId, remoteVnet, access: 'Deny', detail: `${basic} is a Basic Load Balancer frontend, unreachable over global peering` });
    return end(st, 'NO_ROUTE', { stage: 'peering', resource: peeringId, detail: `the VNets are in different regions (global peering), and a Basic Load Balancer frontend (${basic}) is not reachable over it (rule 8.9)`, fix: 'upgrade the load balancer to the Standard SKU' });
  }
  // 8.6: traffic that did not originate in the sending VNet needs allowForwardedTraffic on the
  // receiving VNet's peering, except when it came through a VPN gateway.
  if (!st.viaGateway && !(link.remote?.allowForwardedTraffic ?? false) && info) {
    const forwarded = IntervalSet.range(0, 0xffffffff).subtract(info.addressSet);
    const native = st.space.intersectBox({ protocols: IntervalSet.range(0, 255), src: info.addressSet, srcPorts: IntervalSet.range(0, 65535), dst: IntervalSet.range(0, 0xffffffff), dstPorts: IntervalSet.range(0, 65535) });
    if (native.isEmpty()) {
      const rp = link.remote?.displayId ?? `${to} -> ${from}`;
      withStep(st, { kind: 'peering', peering: rp, remoteVnet, access: 'Deny', detail: 'forwarded traffic (source outside the sending VNet) and allowForwardedTraffic is false on the receiving side' });
      ctx.caveats.add({ code: 'peering.forwarded', message: 'allowForwardedTraffic is read on the receiving VNet\'s peering (rule 8.6; the REST text says the opposite, A12).' });
      return end(st, 'NOT_FORWARDED', { stage: 'peering', resource: rp, detail: 'allowForwardedTraffic is false on the receiving peering', fix: `enable allowForwardedTraffic on ${nameFromId(rp)}` });
    }
    void forwarded;
    withStep(st, { kind: 'peering', peering: peeringId, remoteVnet, access: 'Allow', detail: 'connected peering' });
    return { ...st, space: native };
  }
  withStep(st, { kind: 'peering', peering: peeringId, remoteVnet, access: 'Allow', detail: st.viaGateway ? 'connected peering (gateway transit)' : 'connected peering' });
  return st;
}

/**
 * Rule 8.9: resources behind a Basic Load Balancer frontend are unreachable over global peering
 * (VNets in different regions). The frontend's name when the destination is one and the peering
 * is global.
 */
function basicLbFrontendOverGlobalPeering(ctx: WalkContext, dstIp: number, from: ResourceId, to: ResourceId): string | undefined {
  const s = ctx.dp.snapshot;
  const region = (id: ResourceId) => s.virtualNetworks.get(id)?.location?.replace(/\s/g, '').toLowerCase();
  const a = region(from);
  const b = region(to);
  if (!a || !b || a === b) return undefined;
  for (const e of ctx.dp.addresses.byIp.get(dstIp) ?? []) {
    if (e.kind !== 'loadBalancerFrontend') continue;
    const lb = s.loadBalancers.get(e.loadBalancerId);
    if (lb && lb.sku.toLowerCase() === 'basic') return lb.name;
  }
  return undefined;
}

function deliverInVnet(ctx: WalkContext, st: WalkState, vnetId: ResourceId, routeStop: (d: string, f?: string) => StoppedBy): Outcome[] {
  const e = ctx.dp.addresses.byVnet.get(vnetId)?.get(st.dstIp);
  if (!e) return [end(st, 'NO_ROUTE', routeStop(`no resource holds ${formatIPv4(st.dstIp)} in ${ctx.dp.snapshot.virtualNetworks.get(vnetId)?.name ?? vnetId}`))];
  return deliver(ctx, st, e);
}

// ---- arrival -----------------------------------------------------------------------------------

/** The packets arrive at an address inside the estate. */
export function deliver(ctx: WalkContext, st: WalkState, e: Endpoint): Outcome[] {
  const { dp } = ctx;
  const h = endpointHop(dp, e);
  const cur: WalkState = { ...st, hops: [...st.hops, h] };
  switch (e.kind) {
    case 'nic':
    case 'privateEndpoint': {
      const passed = applyNsg(ctx, cur, filterPointOfEndpoint(dp, e), 'Inbound');
      if (isOutcome(passed)) return [passed];
      if (e.kind === 'privateEndpoint') return privateEndpointService(ctx, passed, e);
      withStep(passed, { kind: 'deliver', resource: h.resource, detail: 'delivered' });
      return [end(passed, 'ACCEPTED', null)];
    }
    case 'loadBalancerFrontend':
      return throughLoadBalancer(ctx, cur, e);
    case 'firewall':
      withStep(cur, { kind: 'note', detail: 'traffic addressed to the firewall itself is not modelled' });
      return [end(cur, 'UNKNOWN', { stage: 'unknown', resource: h.resource, detail: 'the destination is the firewall itself' })];
    case 'applicationGateway':
      withStep(cur, { kind: 'note', detail: 'traffic to a private Application Gateway frontend is modelled through exposure/ingress only' });
      return [end(cur, 'UNKNOWN', { stage: 'unknown', resource: h.resource, detail: 'private Application Gateway frontends are not followed yet' })];
  }
}

function privateEndpointService(ctx: WalkContext, st: WalkState, e: Extract<Endpoint, { kind: 'privateEndpoint' }>): Outcome[] {
  const pe = ctx.dp.snapshot.privateEndpoints.get(e.privateEndpointId);
  const conn = pe?.connections[0];
  // Rule 11.2: only approved private endpoints carry traffic.
  if (conn && conn.status && conn.status.toLowerCase() !== 'approved') {
    return [end(st, 'DENIED_BY_SERVICE', { stage: 'paasFirewall', resource: pe?.displayId, detail: `private endpoint connection is ${conn.status}, not Approved` })];
  }
  const account = conn ? ctx.dp.snapshot.storageAccounts.get(conn.targetId) : undefined;
  if (!account) {
    withStep(st, { kind: 'deliver', resource: pe?.displayId ?? e.privateEndpointId, detail: 'delivered to the private endpoint (its service is not in the input)' });
    return [end(st, 'ACCEPTED', null)];
  }
  return atStorage(ctx, st, account, { via: 'privateEndpoint', privateEndpointId: e.privateEndpointId });
}

function atStorage(ctx: WalkContext, st: WalkState, account: StorageAccount, access: StorageAccess): Outcome[] {
  const d = evaluateStorageAccess(account, access);
  const h = hop(ctx.target.kind === 'storage' ? ctx.target.fqdn : account.name, account.displayId, account.name, 'service');
  const cur: WalkState = { ...st, hops: [...st.hops, h] };
  withStep(cur, { kind: 'service', resource: account.displayId, access: d.access, rule: d.rule, detail: d.detail });
  if (d.access === 'Deny') return [end(cur, 'DENIED_BY_SERVICE', { stage: 'paasFirewall', resource: account.displayId, rule: d.rule, detail: d.detail, fix: access.via === 'serviceEndpoint' ? 'add a virtual network rule for the source subnet' : 'use a private endpoint, or allow the source in networkAcls' })];
  // Storage listens on HTTPS (and SMB for files); other ports are not served.
  const ports = ctx.target.kind === 'storage' && ctx.target.endpoint === 'file' ? IntervalSet.fromRanges([[443, 443], [445, 445]]) : IntervalSet.point(443);
  const served = cur.space.intersectBox({ protocols: IntervalSet.point(6), src: IntervalSet.range(0, 0xffffffff), srcPorts: IntervalSet.range(0, 65535), dst: IntervalSet.range(0, 0xffffffff), dstPorts: ports });
  if (served.isEmpty()) return [end(cur, 'DENIED_BY_SERVICE', { stage: 'paasFirewall', resource: account.displayId, detail: 'the storage service only serves TCP 443 (and 445 for files)' })];
  return [end({ ...cur, space: served }, 'ACCEPTED', null)];
}

function throughLoadBalancer(ctx: WalkContext, st: WalkState, e: Extract<Endpoint, { kind: 'loadBalancerFrontend' }>): Outcome[] {
  const { dp } = ctx;
  const lb = dp.snapshot.loadBalancers.get(e.loadBalancerId);
  const rules = (lb?.loadBalancingRules ?? []).filter((r) => r.frontendIpConfigurationId === e.frontendId);
  if (rules.length === 0) return [end(st, 'NO_ENTRY_POINT', { stage: 'no-entry-point', resource: lb?.displayId, detail: 'no load-balancing rule on this frontend' })];
  const out: Outcome[] = [];
  for (const rule of rules) {
    // HA ports (protocol All, port 0) forward every port unchanged.
    const haPorts = rule.protocol === 'All' && rule.frontendPort === 0;
    const protocols = rule.protocol === 'All' ? IntervalSet.fromRanges([[6, 6], [17, 17]]) : IntervalSet.point(rule.protocol === 'Tcp' ? 6 : 17);
    const portSet = haPorts ? IntervalSet.range(0, 65535) : IntervalSet.point(rule.frontendPort);
    const matched = st.space.intersectBox({ protocols, src: IntervalSet.range(0, 0xffffffff), srcPorts: IntervalSet.range(0, 65535), dst: IntervalSet.range(0, 0xffffffff), dstPorts: portSet });
    if (matched.isEmpty()) continue;
    const member = backendMember(ctx, rule.backendPoolIds);
    if (!member) continue;
    const b = branch(st, matched);
    withStep(b, { kind: 'nat', type: haPorts ? 'DNAT' : 'PAT', from: `${e.ipText}:${haPorts ? '*' : rule.frontendPort}`, to: `${member.ipText}:${haPorts ? '*' : rule.backendPort}`, by: `${lb!.name}/${rule.name}` });
    const translated = rewrite(matched, haPorts ? { dst: IntervalSet.point(member.ip) } : { dst: IntervalSet.point(member.ip), dstPorts: IntervalSet.point(rule.backendPort) });
    ctx.caveats.add({ code: 'lb.first-backend', message: 'A load balancer spreads flows over its backend pool; the answer follows the first backend member.' });
    out.push(...deliver(ctx, { ...b, space: translated, dstIp: member.ip, label: { ...b.label, frontendPort: haPorts ? undefined : rule.frontendPort } }, member));
  }
  if (out.length === 0) return [end(st, 'NO_ENTRY_POINT', { stage: 'no-entry-point', resource: lb?.displayId, detail: 'no load-balancing rule matches the protocol and port' })];
  return out;
}

export function backendMember(ctx: WalkContext, poolIds: ResourceId[]): Endpoint | undefined {
  let best: Endpoint | undefined;
  for (const p of poolIds) {
    const first = ctx.dp.backendPoolMembers(p)[0];
    if (first && (!best || first.ip < best.ip)) best = first;
  }
  return best;
}

// ---- appliances, firewalls, gateways -----------------------------------------------------------

function findOnPath(ctx: WalkContext, vnetId: ResourceId, ip: number): Endpoint | undefined {
  const own = ctx.dp.addresses.byVnet.get(vnetId)?.get(ip);
  if (own) return own;
  // 6.3: the appliance may sit in a peered VNet (service chaining).
  for (const p of ctx.dp.topology.vnets.get(vnetId)?.peers ?? []) {
    if (!p.connected) continue;
    const e = ctx.dp.addresses.byVnet.get(p.remoteVnetId)?.get(ip);
    if (e) return e;
  }
  return undefined;
}

function toAppliance(ctx: WalkContext, st: WalkState, pos: Position, nextHopText: string | undefined, routeStop: (d: string, f?: string) => StoppedBy): Outcome[] {
  const { dp } = ctx;
  const ip = nextHopText ? parseIPv4(nextHopText) : undefined;
  if (ip === undefined) return [end(st, 'NOT_FORWARDED', routeStop('the route has no next hop IP address', 'set nextHopIpAddress on the route'))];
  const e = findOnPath(ctx, pos.vnetId, ip);
  if (!e) {
    // 6.4: an unreachable next hop is an invalid configuration; the packet is dropped.
    ctx.caveats.add({ code: 'route.appliance-missing', message: 'A VirtualAppliance next hop that is not a NIC, firewall or load balancer in the VNet or a peered VNet is treated as dropping the packet (rule 6.4).' });
    return [end(st, 'NOT_FORWARDED', { stage: 'virtualAppliance', nextHopType: 'VirtualAppliance', detail: `next hop ${nextHopText} is not a NIC, firewall or load balancer reachable from this VNet`, fix: 'point the route at the appliance\'s private IP' })];
  }
  const key = `${e.vnetId}|${e.ip}|${formatIPv4(st.dstIp)}`;
  if (st.visited.has(key)) return [end(st, 'LOOP', { stage: 'route', resource: nextHopText, detail: `the packet returns to ${nextHopText}` })];
  let cur: WalkState = { ...st, visited: new Set([...st.visited, key]) };
  if (e.vnetId !== pos.vnetId) {
    const crossed = crossPeering(ctx, cur, pos.vnetId, e.vnetId);
    if (isOutcome(crossed)) return [crossed];
    cur = crossed;
  }
  if (e.kind === 'firewall') return throughFirewall(ctx, cur, e);
  if (e.kind === 'loadBalancerFrontend') {
    // 6.3: an internal load balancer frontend as next hop: the appliances in its pool forward.
    const lb = dp.snapshot.loadBalancers.get(e.loadBalancerId);
    const pools = (lb?.loadBalancingRules ?? []).filter((r) => r.frontendIpConfigurationId === e.frontendId).flatMap((r) => r.backendPoolIds);
    const member = backendMember(ctx, pools);
    if (!member || member.kind !== 'nic') return [end(cur, 'NOT_FORWARDED', { stage: 'virtualAppliance', resource: lb?.displayId, detail: 'the load balancer has no backend appliance' })];
    ctx.caveats.add({ code: 'lb.first-backend', message: 'A load balancer spreads flows over its backend pool; the answer follows the first backend member.' });
    return throughNva(ctx, cur, member);
  }
  if (e.kind !== 'nic') return [end(cur, 'NOT_FORWARDED', { stage: 'virtualAppliance', detail: `next hop ${nextHopText} is a ${e.kind}, which does not forward` })];
  return throughNva(ctx, cur, e);
}

function throughNva(ctx: WalkContext, st: WalkState, e: Extract<Endpoint, { kind: 'nic' }>): Outcome[] {
  const { dp } = ctx;
  const nic = dp.snapshot.networkInterfaces.get(e.nicId);
  const h = endpointHop(dp, e, 'virtualAppliance');
  const cur: WalkState = { ...st, hops: [...st.hops, h] };
  // The appliance's NSGs see the packet arrive (subnet then NIC) and leave (NIC then subnet).
  const point = filterPointOfEndpoint(dp, e);
  // 6.3: IP forwarding is needed only for traffic "to an address other than its own": a packet for
  // the appliance itself (its management, say) is delivered to it like to any NIC.
  if (st.dstIp === e.ip) return deliver(ctx, st, e);
  const inbound = applyNsg(ctx, cur, point, 'Inbound');
  if (isOutcome(inbound)) return [inbound];
  // 6.3: a NIC that forwards traffic not addressed to itself needs IP forwarding.
  withStep(inbound, { kind: 'forwarding', nic: nic?.displayId ?? e.nicId, enableIPForwarding: nic?.enableIpForwarding ?? false });
  if (!nic?.enableIpForwarding) {
    return [end(inbound, 'NOT_FORWARDED', { stage: 'virtualAppliance', resource: nic?.displayId ?? e.nicId, detail: 'enableIPForwarding is false on the appliance NIC, so Azure drops the packet', fix: `enable IP forwarding on ${nic?.name ?? e.nicId}` })];
  }
  ctx.caveats.add({ code: 'nva.os', message: 'Network virtual appliances are assumed to forward in their OS without filtering or NAT (rule 6.3).' });
  const outbound = applyNsg(ctx, inbound, point, 'Outbound');
  if (isOutcome(outbound)) return [outbound];
  // 8.6: from here the appliance is the last forwarder, not a VPN gateway the packet may have come
  // through: a peering ahead judges it as forwarded traffic.
  return routeFrom(ctx, { ...outbound, viaGateway: false }, { subnetId: e.subnetId, vnetId: e.vnetId, nicId: e.nicId });
}

export function throughFirewall(ctx: WalkContext, st: WalkState, e: Extract<Endpoint, { kind: 'firewall' }>): Outcome[] {
  const { dp } = ctx;
  const fw = dp.snapshot.azureFirewalls.get(e.firewallId)!;
  const h = endpointHop(dp, e, 'firewall');
  // 8.6: the firewall forwards; a gateway the packet came through no longer exempts it.
  const cur: WalkState = { ...st, hops: [...st.hops, h], viaGateway: false };
  const fqdn = ctx.target.kind === 'storage' ? ctx.target.fqdn : ctx.fqdn;
  const r = ctx.filters.firewall(fw, cur.space, { fqdn });
  withStep(cur, ...r.steps);
  threatIntelCaveat(ctx, fw);
  for (const n of r.notes) ctx.caveats.add({ code: 'firewall.partial', message: `Azure Firewall ${fw.name}: ${n}` });
  const out: Outcome[] = [];
  const pos: Position = { subnetId: e.subnetId, vnetId: e.vnetId, firewallId: fw.id };
  if (!r.network.isEmpty()) {
    // SNAT (core/firewall/snat.ts): network rules do not translate the firewall's private ranges
    // (IANA RFC 1918 / 6598 unless configured); other traffic takes the firewall's public address
    // to the internet, its private one to a destination reached privately.
    const snat = firewallSnat(dp.snapshot, fw);
    for (const c of snat.caveats) ctx.caveats.add(c);
    const translated = !snat.noSnat.has(st.dstIp);
    const privately = translated && reachedPrivately(dp.topology).has(st.dstIp);
    const b = branch(cur, privately ? rewrite(r.network, { src: IntervalSet.point(e.ip) }) : r.network);
    if (privately) {
      withStep(b, { kind: 'nat', type: 'SNAT', from: 'source', to: e.ipText, by: `${fw.name} (network rule; the destination is not in its SNAT private ranges)` });
      ctx.caveats.add(SNAT_PRIVATE);
    } else if (translated) {
      withStep(b, { kind: 'nat', type: 'SNAT', from: 'source', to: 'firewall public IP', by: fw.name });
    } else if (isPrivateEndpointAddress(ctx, st.dstIp)) {
      // Rule 11.6 (learn.microsoft.com/azure/private-link/private-endpoint-overview): for
      // private-endpoint traffic through an appliance "SNAT is recommended always".
      ctx.caveats.add({ code: 'firewall.private-endpoint-no-snat', message: `Azure Firewall ${fw.name} forwards this private-endpoint traffic by a network rule, which does not SNAT a private destination: the endpoint's replies may return to the client without crossing the firewall (asymmetric path). "SNAT is recommended always" for private-endpoint traffic through an appliance (rule 11.6).` });
    }
    out.push(...routeFrom(ctx, b, pos));
  }
  if (!r.application.isEmpty()) {
    // Application rules proxy the connection: the destination sees the firewall as the source.
    const b = branch(cur, rewrite(r.application, { src: IntervalSet.point(e.ip) }));
    withStep(b, { kind: 'nat', type: 'SNAT', from: 'source', to: e.ipText, by: `${fw.name} (application rule)` });
    ctx.caveats.add(SNAT_INSTANCE);
    out.push(...routeFrom(ctx, b, pos));
  }
  if (out.length === 0) {
    const stop = r.stop?.kind === 'firewall' ? r.stop : undefined;
    return [end(cur, 'DENIED_BY_FIREWALL', { stage: 'firewall', resource: fw.displayId, rule: stop?.rule ?? (stop ? 'default deny' : undefined), detail: stop ? `${stop.ruleType} ${stop.rule ?? 'default deny'}` : 'no firewall rule allows the traffic', fix: 'add an allow rule to the firewall policy' })];
  }
  return out;
}

const SNAT_INSTANCE = { code: 'firewall.snat-instance', message: 'Traffic proxied by Azure Firewall application rules is shown with the firewall\'s private IP as source; in Azure it is one of the firewall instances\' addresses in AzureFirewallSubnet.' };
const SNAT_PRIVATE = { code: 'firewall.snat-private', message: 'Traffic that Azure Firewall network rules SNAT to a destination outside its SNAT private ranges but reached privately is shown with the firewall\'s private IP as source; in Azure it is one of the firewall instances\' addresses in AzureFirewallSubnet.' };

function isPrivateEndpointAddress(ctx: WalkContext, ip: number): boolean {
  return ctx.dp.addresses.byIp.get(ip)?.some((e) => e.kind === 'privateEndpoint') ?? false;
}

/**
 * Rule 12.4 (learn.microsoft.com/azure/firewall/rule-processing): threat-intelligence filtering runs
 * before any rule. In Deny mode it drops flows to and from known-malicious addresses and domains,
 * a feed that is not in the input; Alert mode (Azure's default) only logs, so it needs no caveat.
 * The mode comes from the firewall's policy (or its base policy), else the classic firewall.
 */
function threatIntelCaveat(ctx: WalkContext, fw: AzureFirewall): void {
  const policies = ctx.dp.snapshot.firewallPolicies;
  const policy = fw.firewallPolicyId ? policies.get(fw.firewallPolicyId) : undefined;
  const base = policy?.basePolicyId ? policies.get(policy.basePolicyId) : undefined;
  const mode = policy ? policy.threatIntelMode ?? base?.threatIntelMode : fw.threatIntelMode;
  if (mode?.toLowerCase() !== 'deny') return;
  ctx.caveats.add({ code: 'firewall.threat-intel', message: `Azure Firewall ${fw.name} has threat intelligence in Deny mode, which runs before its rules (rule 12.4): it may drop this flow if an address or domain is on Microsoft's threat feed, which is not in the input.` });
}

function toGateway(ctx: WalkContext, st: WalkState, pos: Position, routeStop: (d: string, f?: string) => StoppedBy, userRoute: boolean): Outcome[] {
  const { dp } = ctx;
  const info = dp.topology.vnets.get(pos.vnetId);
  const gwId = info?.effectiveGatewayIds[0];
  const gw = gwId ? dp.snapshot.virtualNetworkGateways.get(gwId) : undefined;
  if (!gw) return [end(st, 'NULL_ROUTED', routeStop('the route points at a virtual network gateway, but the VNet has none'))];
  // 6.6: a user route may not name an ExpressRoute gateway (nor a VNet where VPN and ExpressRoute
  // gateways coexist). Azure documents the restriction, not what the data plane then does.
  const expressRoute = (info?.effectiveGatewayIds ?? []).map((id) => dp.snapshot.virtualNetworkGateways.get(id)).find((g) => g?.gatewayType.toLowerCase() === 'expressroute');
  if (userRoute && expressRoute) {
    ctx.caveats.add({ code: 'route.gateway-expressroute', message: 'A user route with next hop VirtualNetworkGateway where the gateway is ExpressRoute (or VPN and ExpressRoute coexist) is not allowed by Azure (rule 6.6); where such traffic goes is unknown.' });
    return [end(st, 'UNKNOWN', routeStop(`the route points at ${expressRoute.name}, an ExpressRoute gateway, which a user route may not name`, 'point the route at a VPN gateway, or remove it'))];
  }
  // 9.3 (S1): a user route to a VPN gateway (forced tunnelling) needs a route-based gateway; a
  // policy-based one does not route by the route table. Followed as written, and said.
  if (userRoute && gw.vpnType?.toLowerCase() === 'policybased') {
    ctx.caveats.add({ code: 'route.gateway-policy-based', message: `A user route sends traffic to ${gw.name}, a policy-based VPN gateway; Azure needs a route-based VPN gateway for a route with next hop VirtualNetworkGateway (forced tunnelling, rule 9.3). The route is followed as written; what the gateway does with the traffic is unknown.` });
  }
  const h = hop(gw.bgpPeeringAddresses[0] ?? 'gateway', gw.displayId, gw.name, 'gateway');
  let cur: WalkState = { ...st, hops: [...st.hops, h] };
  if (info?.transitPeering) withStep(cur, { kind: 'note', detail: `gateway of the hub VNet, through gateway transit (${info.transitPeering.local.name})` });
  const via = longestLearned(info?.learned ?? [], st.dstIp);
  const learned = via !== undefined;
  if (via?.remoteGatewayId) return overVnetToVnet(ctx, cur, via);
  if (ctx.target.kind === 'storage') {
    ctx.caveats.add({ code: 'trace.forced-tunnel-service', message: 'Traffic to a PaaS service sent to on-premises (forced tunnelling) is not followed further.' });
    withStep(cur, { kind: 'note', detail: 'forced tunnelling to on-premises: what happens there is outside the model' });
    return [end(cur, 'UNKNOWN', { stage: 'unknown', resource: gw.displayId, detail: 'the service traffic leaves to on-premises' })];
  }
  const where = learned || PRIVATE_SET.has(st.dstIp) ? 'onPremises' : 'internet';
  cur = { ...cur, hops: [...cur.hops, hop(formatIPv4(st.dstIp), where, where === 'onPremises' ? 'on-premises' : 'internet (forced tunnelling)', 'onPremises')] };
  withStep(cur, { kind: 'note', detail: learned ? 'the destination is behind the gateway (local network gateway prefixes)' : 'sent to on-premises by a route to the gateway (forced tunnelling)' });
  return [end(cur, 'EXITS_NETWORK', null)];
}

/** The gateway-learned prefix that decides `dstIp` at the gateway: the longest that holds it. */
function longestLearned(learned: readonly LearnedPrefix[], dstIp: number): LearnedPrefix | undefined {
  let best: LearnedPrefix | undefined;
  let bestLength = -1;
  for (const l of learned) {
    const p = parseCidr(l.prefix);
    if (p.ok && dstIp >= p.cidr.start && dstIp <= p.cidr.end && p.cidr.prefixLength > bestLength) {
      best = l;
      bestLength = p.cidr.prefixLength;
    }
  }
  return best;
}

/**
 * A VNet-to-VNet connection (connectionType Vnet2Vnet, rule 8.8 and S1 "virtual network gateway"
 * routes) carries the packets to the remote VNet's gateway, which forwards them into its VNet as
 * it forwards traffic from on-premises: routed from its GatewaySubnet, judged by the remote side's
 * routes and NSGs. The tunnel itself (IPsec policies, traffic selectors) is not modelled.
 */
function overVnetToVnet(ctx: WalkContext, st: WalkState, via: LearnedPrefix): Outcome[] {
  const s = ctx.dp.snapshot;
  const conn = s.connections.get(via.connectionId);
  const remote = via.remoteGatewayId ? s.virtualNetworkGateways.get(via.remoteGatewayId) : undefined;
  if (!remote) return [end(st, 'UNKNOWN', { stage: 'unknown', resource: conn?.displayId, detail: 'the remote gateway of the VNet-to-VNet connection is not in the input' })];
  // Overlapping learned prefixes could send the packet back and forth between gateways: stop as
  // the appliance walk does when it returns to a hop it has passed.
  const key = `v2v|${remote.id}|${formatIPv4(st.dstIp)}`;
  if (st.visited.has(key)) return [end(st, 'LOOP', { stage: 'route', resource: remote.displayId, detail: `the packet returns to the gateway ${remote.name}` })];
  withStep(st, { kind: 'note', detail: `over the VNet-to-VNet connection ${conn?.name ?? via.connectionId} to ${remote.name}` });
  ctx.caveats.add(CAVEATS.vnetToVnet);
  const b = gatewayEntry({ ...st, visited: new Set([...st.visited, key]) }, st.space, remote, `from VNet ${nameFromId(ctx.dp.snapshot.virtualNetworkGateways.get(via.gatewayId)?.vnetId ?? via.gatewayId)} over the VNet-to-VNet connection ${conn?.name ?? via.connectionId}`);
  return routeFromGatewaySubnet(ctx, b, remote);
}

/** The packets (`space`) arrive at gateway `gw` from outside its VNet: its hop and entry step. */
export function gatewayEntry(st: WalkState, space: PacketSpace, gw: VirtualNetworkGateway, detail: string): WalkState {
  const b = branch(st, space);
  b.hops.push(hop(gw.bgpPeeringAddresses[0] ?? 'gateway', gw.displayId, gw.name, 'gateway'));
  withStep(b, { kind: 'entry', via: 'gateway', resource: gw.displayId, detail });
  return b;
}

/** Rule 9.1: a gateway forwards what it receives into its VNet by the routes of its GatewaySubnet. */
export function routeFromGatewaySubnet(ctx: WalkContext, st: WalkState, gw: VirtualNetworkGateway): Outcome[] {
  const gwSubnet = gw.subnetId ? ctx.dp.snapshot.subnets.get(gw.subnetId) : undefined;
  if (!gwSubnet) return [end(st, 'UNKNOWN', { stage: 'unknown', resource: gw.displayId, detail: 'the gateway subnet is not in the input' })];
  return routeFrom(ctx, { ...st, viaGateway: true }, { subnetId: gwSubnet.id, vnetId: gwSubnet.vnetId });
}

/** How the packets leave for the internet at `pos`, per protocol (egressPartsForNic). */
export function egressPartsAt(ctx: WalkContext, pos: Position): EgressPart[] {
  if (pos.firewallId) return [{ protocols: ALL_PROTOCOLS, egress: egressAt(ctx, pos) }];
  const s = ctx.dp.snapshot;
  const nic = pos.nicId ? s.networkInterfaces.get(pos.nicId) : undefined;
  return egressPartsForNic(s, nic, s.subnets.get(pos.subnetId));
}

export function egressAt(ctx: WalkContext, pos: Position): EgressMethod {
  const s = ctx.dp.snapshot;
  if (pos.firewallId) {
    // A NAT gateway on AzureFirewallSubnet takes the firewall's outbound internet traffic
    // (learn.microsoft.com/azure/firewall/integrate-with-nat-gateway; rule 14.4's order): its
    // addresses, not the firewall's public IPs, are what the destination sees.
    const fwSubnet = s.subnets.get(pos.subnetId);
    if (fwSubnet?.natGatewayId) return egressForNic(s, undefined, fwSubnet);
    const fw = s.azureFirewalls.get(pos.firewallId);
    const pipId = fw?.ipConfigurations.find((c) => c.publicIpId)?.publicIpId;
    const ip = pipId ? s.publicIpAddresses.get(pipId)?.ipAddress : undefined;
    const all = (fw?.ipConfigurations ?? []).map((c) => (c.publicIpId ? s.publicIpAddresses.get(c.publicIpId)?.ipAddress : undefined)).filter((x): x is string => !!x).map((x) => parseIPv4(x)!).filter((x) => x !== undefined);
    return { method: 'publicIp', resource: pipId, publicIp: ip ? parseIPv4(ip) : undefined, publicIps: all, detail: 'Azure Firewall public IP (SNAT)' };
  }
  const nic = pos.nicId ? s.networkInterfaces.get(pos.nicId) : undefined;
  return egressForNic(s, nic, s.subnets.get(pos.subnetId));
}

function toInternet(ctx: WalkContext, st: WalkState, pos: Position): Outcome[] {
  const parts = egressPartsAt(ctx, pos);
  if (parts.length === 1) return toInternetVia(ctx, st, pos, parts[0].egress);
  // Load balancer outbound rules translate some protocols only: each part leaves its own way.
  const out: Outcome[] = [];
  for (const p of parts) {
    const space = st.space.intersectBox({ protocols: p.protocols, src: ALL_ADDRESSES, srcPorts: ALL_PORTS, dst: ALL_ADDRESSES, dstPorts: ALL_PORTS });
    if (!space.isEmpty()) out.push(...toInternetVia(ctx, branch(st, space), pos, p.egress));
  }
  return out;
}

function toInternetVia(ctx: WalkContext, st: WalkState, pos: Position, eg: EgressMethod): Outcome[] {
  const { dp } = ctx;
  withStep(st, { kind: 'egress', method: eg.method, resource: eg.resource, detail: eg.detail });
  if (eg.method === 'none') {
    return [end(st, 'NO_ROUTE', { stage: 'route', nextHopType: 'Internet', detail: eg.detail, fix: 'add a NAT gateway or a public IP, or route egress through the firewall' })];
  }
  if (eg.method === 'defaultOutboundAccess') ctx.caveats.add({ code: 'egress.default-outbound', message: 'Internet egress relies on default outbound access, which Azure is retiring for new subnets (rule 14.4, A19).' });
  if (ctx.target.kind === 'storage') {
    const account = ctx.target.account;
    const sourceLocation = dp.snapshot.subnets.get(pos.subnetId) ? dp.snapshot.virtualNetworks.get(pos.vnetId)?.location : undefined;
    const sameRegion = !!sourceLocation && !!account.location && sourceLocation.replace(/\s/g, '').toLowerCase() === account.location.replace(/\s/g, '').toLowerCase();
    return atStorage(ctx, st, account, { via: 'public', sourcePublicIp: storageEgressAddress(ctx, account, eg, sameRegion), sameRegion });
  }
  if (PRIVATE_SET.has(st.dstIp)) {
    withStep(st, { kind: 'note', detail: 'private destination sent to the Internet next hop' });
    return [end(st, 'NULL_ROUTED', { stage: 'route', nextHopType: 'Internet', detail: 'a private address is not reachable on the internet' })];
  }
  const cur: WalkState = { ...st, hops: [...st.hops, hop(formatIPv4(st.dstIp), 'internet', 'internet', 'internet')] };
  return [end(cur, 'EXITS_NETWORK', null)];
}

/**
 * The egress address the storage account's IP rules judge (rule 10.7). A NAT gateway, an outbound
 * rule or a firewall may hold several public addresses and Azure picks one per flow: when the IP
 * rules admit some of them and not others, the answer says so; when the address is not known
 * (default outbound access), IP rules cannot be applied and the answer says that too.
 */
function storageEgressAddress(ctx: WalkContext, account: StorageAccount, eg: EgressMethod, sameRegion: boolean): number | undefined {
  const rulesMatter = account.publicNetworkAccess?.toLowerCase() !== 'disabled' && account.networkAcls.defaultAction !== 'Allow' && !sameRegion && account.networkAcls.ipRules.length > 0;
  if (!rulesMatter) return eg.publicIp;
  if (eg.publicIps.length === 0) {
    ctx.caveats.add({ code: 'storage.egress-ip-unknown', message: `The public address the traffic leaves with (${eg.method}) is not in the input, so ${account.name}'s IP rules cannot be applied: the traffic is taken as not admitted.` });
    return eg.publicIp;
  }
  const admitted = storagePublicSources(account);
  const ok = eg.publicIps.filter((ip) => admitted.has(ip));
  if (ok.length > 0 && ok.length < eg.publicIps.length) {
    ctx.caveats.add({ code: 'storage.egress-ip-partial', message: `${account.name}'s IP rules admit only some of the public addresses the traffic may leave with (${ok.map(formatIPv4).join(', ')} of ${eg.publicIps.map(formatIPv4).join(', ')}); Azure picks one per connection, so some connections are refused.` });
  }
  return ok[0] ?? eg.publicIp;
}

function toServiceEndpoint(ctx: WalkContext, st: WalkState, pos: Position): Outcome[] {
  if (ctx.target.kind !== 'storage') {
    const cur: WalkState = { ...st, hops: [...st.hops, hop(formatIPv4(st.dstIp), 'azure-service', 'Azure service (service endpoint)', 'service')] };
    withStep(cur, { kind: 'note', detail: 'sent to an Azure service over its service endpoint; the service is not in the input' });
    return [end(cur, 'EXITS_NETWORK', null)];
  }
  // Service endpoint policies filter this traffic by storage account; they are not evaluated.
  if (ctx.dp.snapshot.subnets.get(pos.subnetId)?.serviceEndpointPolicyIds?.length) ctx.caveats.add(CAVEATS.serviceEndpointPolicy);
  return atStorage(ctx, st, ctx.target.account, { via: 'serviceEndpoint', subnetId: pos.subnetId });
}

export { isOutcome, rewrite, branch, withStep };
export type { AllowedBy };
