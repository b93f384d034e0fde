// Effective routes of a subnet: system routes (rules 5.2-5.6), gateway routes (9.1, 6.9, 8.7),
// service endpoint routes (10.1), private endpoint /32s (11.3) and user routes (6.1), with the
// state of each (7.4) and an index for selection (7.1-7.3).

import type { NextHopType, ResourceId, Route, Snapshot, Subnet } from '../model/types.ts';
import { parseCidr, type Cidr } from '../sets/cidr.ts';
import { IntervalSet } from '../sets/interval-set.ts';
import { type Caveat, CAVEATS } from './caveats.ts';
import type { Topology, VnetInfo } from './topology.ts';
import type { ServiceTagResolver } from './service-tag-resolver.ts';
import { RESERVED_NONE_PREFIXES, UNCERTAIN_RESERVED_PREFIX } from './well-known-addresses.ts';

export type RouteSource = 'Default' | 'User' | 'VirtualNetworkGateway';

export type RouteOrigin =
  | { kind: 'vnet' }
  | { kind: 'reserved' }
  | { kind: 'internet' }
  | { kind: 'peering'; peeringId: ResourceId; remoteVnetId: ResourceId }
  | { kind: 'gateway'; gatewayId: ResourceId; connectionId: ResourceId; viaTransit: boolean }
  | { kind: 'serviceEndpoint'; service: string }
  | { kind: 'privateEndpoint'; privateEndpointId: ResourceId; nicId?: ResourceId }
  | { kind: 'user'; route: Route; fromServiceTag?: string };

export interface EffectiveRoute {
  source: RouteSource;
  state: 'Active' | 'Invalid';
  /** Prefixes as shown (CIDRs; a tag name when its prefixes are unknown). */
  addressPrefix: string[];
  nextHopType: NextHopType;
  nextHopIpAddress: string[];
  /** User route name. */
  name?: string;
  routeTableId?: ResourceId;
  origin: RouteOrigin;
}

/** One prefix of one effective route: the unit of selection. */
export interface RouteEntry {
  cidr: Cidr;
  route: EffectiveRoute;
}

export interface RouteMatch {
  entry: RouteEntry;
  route: EffectiveRoute;
  /** Why this route was chosen, for explanations. */
  reason: 'longest-prefix' | 'system-over-bgp' | 'service-endpoint';
}

export interface EffectiveRouteTable {
  subnetId: ResourceId;
  routes: EffectiveRoute[];
  entries: RouteEntry[];
  caveats: Caveat[];
  lookup(dst: number): RouteMatch | undefined;
}

const SOURCE_RANK: Record<RouteSource, number> = { User: 0, VirtualNetworkGateway: 1, Default: 2 };

/** Rule 4.5: service tags a user route cannot use as its address prefix (lower-cased). */
const UDR_FORBIDDEN_TAGS = new Set(['azureplatformdns', 'azureplatformimds', 'azureplatformlkm', 'virtualnetwork', 'azureloadbalancer', 'internet']);

/** Service endpoint service name -> service tag (rule 10.1: the prefixes are the tag's). */
const SERVICE_ENDPOINT_TAGS: Record<string, string> = {
  'microsoft.storage': 'Storage',
  'microsoft.storage.global': 'Storage',
  'microsoft.sql': 'Sql',
  'microsoft.azurecosmosdb': 'AzureCosmosDB',
  'microsoft.keyvault': 'AzureKeyVault',
  'microsoft.eventhub': 'EventHub',
  'microsoft.servicebus': 'ServiceBus',
  'microsoft.web': 'AppService',
  'microsoft.containerregistry': 'AzureContainerRegistry',
  'microsoft.azureactivedirectory': 'AzureActiveDirectory',
  'microsoft.cognitiveservices': 'CognitiveServicesFrontend',
};

export function serviceTagForEndpoint(service: string): string | undefined {
  return SERVICE_ENDPOINT_TAGS[service.toLowerCase()];
}

function regionKey(location: string): string {
  return location.replace(/\s+/g, '').toLowerCase();
}

interface Builder {
  routes: EffectiveRoute[];
  caveats: Caveat[];
}

/** A system route (state Active; the fields in the order answers have always listed them). */
function add(b: Builder, source: RouteSource, addressPrefix: string[], nextHopType: NextHopType, nextHopIpAddress: string[], origin: RouteOrigin): EffectiveRoute {
  const route: EffectiveRoute = { source, addressPrefix, nextHopType, nextHopIpAddress, origin, state: 'Active' };
  b.routes.push(route);
  return route;
}

/**
 * Values every table holds many times over, shared instead of built per route: system routes
 * have no next hop IP, and the origins without details are the same everywhere. Frozen: routes
 * are read, never edited in place (only their `state` is set while the table is built).
 */
const NO_IPS = Object.freeze([]) as unknown as string[];
const ORIGIN_VNET: RouteOrigin = Object.freeze({ kind: 'vnet' });
const ORIGIN_RESERVED: RouteOrigin = Object.freeze({ kind: 'reserved' });
const ORIGIN_INTERNET: RouteOrigin = Object.freeze({ kind: 'internet' });
const DEFAULT_ROUTE_PREFIX = '0.0.0.0/0';

/** The reserved None prefixes (rule 5.2), parsed once. */
const RESERVED: { prefix: string; cidr: Cidr }[] = [];
for (const prefix of RESERVED_NONE_PREFIXES) {
  const p = parseCidr(prefix);
  if (p.ok) RESERVED.push({ prefix, cidr: p.cidr });
}

export interface RouteContext {
  snapshot: Snapshot;
  topology: Topology;
  tags: ServiceTagResolver;
  /**
   * Private endpoint IPs by VNet id: (ip, private endpoint, its subnet). `prefix`, the `/32` route
   * prefix, may be given precomputed (each endpoint's route is in many tables).
   */
  privateEndpointsByVnet: Map<ResourceId, PrivateEndpointAddress[]>;
}

export interface PrivateEndpointAddress {
  ip: string;
  prefix?: string;
  privateEndpointId: ResourceId;
  nicId?: ResourceId;
  subnetId: ResourceId;
}

export function computeEffectiveRoutes(ctx: RouteContext, subnet: Subnet): EffectiveRouteTable {
  const { snapshot, topology } = ctx;
  const b: Builder = { routes: [], caveats: [] };
  const vnet: VnetInfo | undefined = topology.vnets.get(subnet.vnetId);
  const rt = subnet.routeTableId ? snapshot.routeTables.get(subnet.routeTableId) : undefined;
  const vnetSet = vnet?.addressSet ?? IntervalSet.EMPTY;
  if (vnet) b.caveats.push(...vnet.caveats);

  // Rule 5.3: one VnetLocal route per address range of the VNet, none per subnet.
  for (const prefix of vnet?.addressSpace ?? []) add(b, 'Default', [prefix], 'VnetLocal', NO_IPS, ORIGIN_VNET);

  // User routes first, because the reserved None routes depend on them (rule 7.5).
  const userRoutes: EffectiveRoute[] = [];
  if (rt) {
    for (const r of rt.routes) {
      const p = parseCidr(r.addressPrefix);
      let prefixes: string[];
      let fromServiceTag: string | undefined;
      if (p.ok) prefixes = [r.addressPrefix];
      else {
        // Rule 6.8: a service tag as the address prefix.
        // Rule 4.5: these tags cannot be a route's prefix; Azure refuses the route.
        if (UDR_FORBIDDEN_TAGS.has(r.addressPrefix.trim().toLowerCase())) {
          b.caveats.push({ code: 'route.tag-forbidden', message: `Route ${r.name} uses the service tag '${r.addressPrefix}', which Azure does not accept as a route's address prefix (rule 4.5); it is left out.` });
          continue;
        }
        const tagPrefixes = ctx.tags.tagPrefixes(r.addressPrefix);
        if (!tagPrefixes) {
          b.caveats.push({ code: 'route.tag-unknown', message: `Route ${r.name} uses '${r.addressPrefix}', which is not a CIDR or a loaded service tag; it is left out.` });
          continue;
        }
        prefixes = tagPrefixes;
        fromServiceTag = r.addressPrefix;
      }
      userRoutes.push({
        source: 'User',
        state: 'Active',
        addressPrefix: prefixes,
        nextHopType: r.nextHopType,
        nextHopIpAddress: r.nextHopType === 'VirtualAppliance' && r.nextHopIpAddress ? [r.nextHopIpAddress] : [],
        name: r.name,
        routeTableId: rt.id,
        origin: { kind: 'user', route: r, fromServiceTag },
      });
    }
  }

  // Gateway routes (rule 9.1), unless the route table disables propagation (rule 6.9).
  const gatewayRoutes: EffectiveRoute[] = [];
  if (vnet && !(rt?.disableBgpRoutePropagation ?? false)) {
    const byConnection = new Map<string, string[]>();
    for (const l of vnet.learned) {
      const k = `${l.gatewayId}|${l.connectionId}|${l.viaTransit}`;
      const list = byConnection.get(k) ?? [];
      list.push(l.prefix);
      byConnection.set(k, list);
    }
    for (const [k, prefixes] of byConnection) {
      const [gatewayId, connectionId, viaTransit] = k.split('|');
      const gw = snapshot.virtualNetworkGateways.get(gatewayId);
      gatewayRoutes.push({
        source: 'VirtualNetworkGateway',
        state: 'Active',
        addressPrefix: prefixes,
        nextHopType: 'VirtualNetworkGateway',
        // Rule 5.7/A27: the next hop IP of gateway routes is not in the export; BGP peering
        // addresses when known.
        nextHopIpAddress: gw?.bgpPeeringAddresses ?? [],
        origin: { kind: 'gateway', gatewayId, connectionId, viaTransit: viaTransit === 'true' },
      });
    }
  }

  // Rules 5.2/5.4/7.5: reserved None routes.
  const hasDefaultOverride = userRoutes.some(hasDefaultPrefix) || gatewayRoutes.some(hasDefaultPrefix);
  if (hasDefaultOverride) b.caveats.push(CAVEATS.forcedTunnelReserved);
  else {
    const replacing = reservedReplacingRanges(vnet);
    for (const { prefix, cidr } of RESERVED) {
      // Rule 5.4: a VNet range equal to or containing the reserved prefix replaces it.
      if (replacing.some((v) => v.start <= cidr.start && cidr.end <= v.end)) continue;
      add(b, 'Default', [prefix], 'None', NO_IPS, ORIGIN_RESERVED);
    }
  }
  // Rule 5.2: the default route to the internet.
  add(b, 'Default', [DEFAULT_ROUTE_PREFIX], 'Internet', NO_IPS, ORIGIN_INTERNET);

  // Rule 8.4: one VNetPeering route per connected peering, with the remote ranges.
  for (const peer of vnet?.peers ?? []) {
    if (!peer.connected || peer.remoteAddressSpace.length === 0) continue;
    add(b, 'Default', [...peer.remoteAddressSpace], 'VNetPeering', NO_IPS, { kind: 'peering', peeringId: peer.local.id, remoteVnetId: peer.remoteVnetId });
    if ((peer.local.subnetPeering || peer.remote?.subnetPeering) && !b.caveats.includes(CAVEATS.subnetPeering)) b.caveats.push(CAVEATS.subnetPeering);
    if ((peer.local.peeringSyncLevel || peer.remote?.peeringSyncLevel) && !b.caveats.includes(CAVEATS.peeringNotInSync)) b.caveats.push(CAVEATS.peeringNotInSync);
  }

  // Rule 10.1: service endpoint routes only in the subnet that enabled the endpoint.
  for (const se of subnet.serviceEndpoints) {
    const tag = serviceTagForEndpoint(se.service);
    if (!tag) {
      b.caveats.push({ code: 'route.service-endpoint-unknown', message: `Service endpoint ${se.service} is not mapped to a service tag; its route is left out.` });
      continue;
    }
    const given = serviceEndpointLocations(ctx.snapshot, subnet, se);
    const locations = given.locations.filter((l) => l !== '*');
    if (given.defaulted && !b.caveats.includes(CAVEATS.serviceEndpointNoPair)) b.caveats.push(CAVEATS.serviceEndpointNoPair);
    const tagNames = locations.length === 0 || se.locations.includes('*') ? [tag] : locations.map((l) => `${tag}.${regionKey(l)}`);
    let prefixes: string[] = [];
    let known = true;
    for (const t of tagNames) {
      const p = ctx.tags.tagPrefixes(t);
      if (p) prefixes.push(...p);
      else known = false;
    }
    if (!known) {
      b.caveats.push(CAVEATS.serviceEndpointPrefixes);
      prefixes = tagNames;
    }
    add(b, 'Default', prefixes, 'VirtualNetworkServiceEndpoint', NO_IPS, { kind: 'serviceEndpoint', service: se.service });
  }

  // Rule 11.3: private endpoint /32s in their own VNet and in directly peered VNets.
  addPrivateEndpointRoutes(b, ctx.privateEndpointsByVnet.get(subnet.vnetId));
  for (const p of vnet?.peers ?? []) if (p.connected) addPrivateEndpointRoutes(b, ctx.privateEndpointsByVnet.get(p.remoteVnetId));

  for (const r of gatewayRoutes) b.routes.push(r);
  for (const r of userRoutes) b.routes.push(r);
  const entries = buildEntries(b.routes);
  assignStates(entries);
  applyPrivateEndpointOverride(ctx, entries, vnetSet, vnet, b.caveats);
  return {
    subnetId: subnet.id,
    routes: b.routes,
    entries,
    caveats: b.caveats,
    lookup: makeLookup(entries.filter((e) => e.route.state === 'Active')),
  };
}

/**
 * The ranges that replace a reserved None route they equal or contain (rule 5.4): the VNet's own
 * address space and, by rule 8.4 (the peering adds a route per range of the peered VNet), the
 * ranges of connected peers [inferred: S1 states 5.4 for the VNet's own space only; a None route
 * that outranked the peering route would make a 192.168.0.0/16 peer unreachable].
 */
function reservedReplacingRanges(vnet: VnetInfo | undefined): Cidr[] {
  const out: Cidr[] = [];
  const ranges = [...(vnet?.addressSpace ?? [])];
  for (const peer of vnet?.peers ?? []) if (peer.connected) ranges.push(...peer.remoteAddressSpace);
  for (const s of ranges) {
    const v = parseCidr(s);
    if (v.ok) out.push(v.cidr);
  }
  return out;
}

/**
 * A service endpoint's locations as Azure holds them. Rule 10.6: Microsoft.Storage endpoints are
 * regional; when a template omits `locations` Azure fills in the VNet's region and its pair. No
 * region-pair table here: the region only (`defaulted`, which the answers say).
 */
export function serviceEndpointLocations(snapshot: Snapshot, subnet: Subnet, se: { service: string; locations: string[] }): { locations: string[]; defaulted: boolean } {
  const vnetRegion = snapshot.virtualNetworks.get(subnet.vnetId)?.location;
  if (se.locations.length === 0 && se.service.toLowerCase() === 'microsoft.storage' && vnetRegion) return { locations: [vnetRegion], defaulted: true };
  return { locations: se.locations, defaulted: false };
}

function hasDefaultPrefix(r: EffectiveRoute): boolean {
  return r.addressPrefix.includes(DEFAULT_ROUTE_PREFIX);
}

function addPrivateEndpointRoutes(b: Builder, list: PrivateEndpointAddress[] | undefined): void {
  if (list === undefined) return;
  for (const pe of list) {
    add(b, 'Default', [pe.prefix ?? `${pe.ip}/32`], 'InterfaceEndpoint', NO_IPS, { kind: 'privateEndpoint', privateEndpointId: pe.privateEndpointId, nicId: pe.nicId });
  }
}

function buildEntries(routes: EffectiveRoute[]): RouteEntry[] {
  const out: RouteEntry[] = [];
  for (const route of routes) {
    for (const prefix of route.addressPrefix) {
      const p = parseCidr(prefix);
      if (p.ok) out.push({ cidr: p.cidr, route });
    }
  }
  return out;
}

/**
 * Rule 7.2/7.4: among routes with the same prefix, User > BGP (gateway) > System; the losers are
 * Invalid. Rule 7.3 (newer text): service-endpoint routes cannot be overridden, so they win their
 * prefix. Rule 6.8: an explicit prefix beats a service-tag expansion, a regional tag its top-level tag.
 */
/**
 * Rule 6.8: on an exact prefix match, a route with the explicit prefix beats one from a service
 * tag, then "regional tag > top-level tag > AzureCloud regional tag > AzureCloud tag". Below 1,
 * so a user route still beats a gateway route of the same prefix (rule 7.2).
 */
function serviceTagRoutePenalty(tag: string): number {
  const regional = tag.includes('.');
  if (/^azurecloud(\.|$)/i.test(tag)) return regional ? 0.6 : 0.8;
  return regional ? 0.2 : 0.4;
}

/**
 * Rule 7.3 (S1, virtual-networks-udr-overview): "System routes for traffic related to virtual
 * network, virtual network peerings ... are preferred routes, even if BGP routes are more
 * specific", so on an equal prefix too (rule 8.8, S6: VNets both peered and connected by a gateway
 * use the peering). Between a user route (at most 0.8 with a tag penalty) and a gateway route (1):
 * a user route of the same prefix still wins (7.2).
 */
const VNET_SYSTEM_RANK = 0.9;

function isVnetOrPeeringSystemRoute(r: EffectiveRoute): boolean {
  return r.source === 'Default' && (r.nextHopType === 'VnetLocal' || r.nextHopType === 'VNetPeering');
}

/** Among entries of one prefix, the lower wins: User > BGP > System (7.2), service endpoints first and VNet/peering system routes before BGP (7.3), tags after explicit prefixes (6.8). */
function entryRank(e: RouteEntry): number {
  if (e.route.nextHopType === 'VirtualNetworkServiceEndpoint') return -1;
  if (isVnetOrPeeringSystemRoute(e.route)) return VNET_SYSTEM_RANK;
  const tag = e.route.origin.kind === 'user' ? e.route.origin.fromServiceTag : undefined;
  return SOURCE_RANK[e.route.source] + (tag ? serviceTagRoutePenalty(tag) : 0);
}

function assignStates(entries: RouteEntry[]): void {
  // Entries by prefix (a number: start and length), in entry order.
  const byPrefix = new Map<number, RouteEntry[]>();
  for (const e of entries) {
    const k = prefixKey(e);
    const list = byPrefix.get(k);
    if (list) list.push(e);
    else byPrefix.set(k, [e]);
  }
  const rank = entryRank;
  const invalid = new Set<EffectiveRoute>();
  for (const list of byPrefix.values()) {
    if (list.length < 2) continue;
    let best = Infinity;
    for (const e of list) best = Math.min(best, rank(e));
    const winner = list.find((e) => rank(e) === best)!;
    for (const e of list) if (e !== winner && e.route !== winner.route) invalid.add(e.route);
  }
  if (invalid.size === 0) return;
  // A route is Invalid when every one of its prefixes lost (routes with several prefixes stay
  // Active while any prefix wins).
  const own = new Map<EffectiveRoute, RouteEntry[]>();
  for (const e of entries) {
    if (!invalid.has(e.route)) continue;
    const list = own.get(e.route);
    if (list) list.push(e);
    else own.set(e.route, [e]);
  }
  for (const r of invalid) {
    const anyWins = (own.get(r) ?? []).some((e) => {
      return (byPrefix.get(prefixKey(e)) ?? []).every((o) => o === e || o.route === r || rank(o) > rank(e));
    });
    if (!anyWins) r.state = 'Invalid';
  }
}

/** One number per prefix (start < 2^32, length <= 32: exact in a double). */
function prefixKey(e: RouteEntry): number {
  return e.cidr.start * 64 + e.cidr.prefixLength;
}

/**
 * Rule 11.4/11.5: a private endpoint's /32 is overridden by a user route that covers its IP only
 * when the endpoint's subnet enables route-table network policies (A15).
 */
function applyPrivateEndpointOverride(ctx: RouteContext, entries: RouteEntry[], vnetSet: IntervalSet, vnet: VnetInfo | undefined, caveats: Caveat[]): void {
  const userEntries = entries.filter((e) => e.route.source === 'User' && e.route.state === 'Active');
  if (userEntries.length === 0) return;
  const minVnetLen = Math.min(...(vnet?.addressSpace ?? []).map((s) => { const p = parseCidr(s); return p.ok ? p.cidr.prefixLength : 32; }), 32);
  for (const e of entries) {
    if (e.route.origin.kind !== 'privateEndpoint') continue;
    const peId = e.route.origin.privateEndpointId;
    const pe = ctx.snapshot.privateEndpoints.get(peId);
    const peSubnet = pe?.subnetId ? ctx.snapshot.subnets.get(pe.subnetId) : undefined;
    const policy = peSubnet?.privateEndpointNetworkPolicies ?? 'Disabled';
    if (policy !== 'Enabled' && policy !== 'RouteTableEnabled') {
      // A user route of the very same /32 won by rule 7.2 (User > System) in assignStates. The
      // rule book's 11.4 says a user route overrides the endpoint's route only with route-table
      // policies, while Azure's older guidance used exactly such /32 routes to send endpoint traffic
      // through a firewall (A15): kept as 7.2 decides, and said.
      if (e.route.state === 'Invalid' && !caveats.includes(CAVEATS.peEqualUserRoute)) caveats.push(CAVEATS.peEqualUserRoute);
      continue;
    }
    const covering = userEntries.find((u) => u.cidr.start <= e.cidr.start && u.cidr.end >= e.cidr.end && u.cidr.prefixLength >= minVnetLen);
    if (covering) {
      e.route.state = 'Invalid';
      caveats.push(CAVEATS.peCustomRoute);
    }
  }
  void vnetSet;
}

/** 2 ** n for n = 0..32 (a prefix of length len holds PREFIX_SIZES[32 - len] addresses): `**` with a variable exponent is a call to pow per lookup. */
const PREFIX_SIZES: readonly number[] = Array.from({ length: 33 }, (_, n) => 2 ** n);

/**
 * The entry with the longest prefix that holds `dst`, the first of those in list order when several
 * tie (what a stable sort by decreasing length, first element, gives), without a filtered copy.
 */
function longestCovering(entries: readonly RouteEntry[], dst: number): RouteEntry | undefined {
  let best: RouteEntry | undefined;
  for (const e of entries) if (dst >= e.cidr.start && dst <= e.cidr.end && (!best || e.cidr.prefixLength > best.cidr.prefixLength)) best = e;
  return best;
}

/**
 * Route selection for one destination (rules 7.1-7.3): longest prefix among Active routes, except
 * that service-endpoint routes always win (7.3 newer text) and VNet/peering system routes win over
 * more specific gateway (BGP) routes (7.3).
 */
function makeLookup(active: RouteEntry[]): (dst: number) => RouteMatch | undefined {
  // One map per table keyed by prefix (start and length as one number, see prefixKey), and the
  // lengths present, longest first.
  const byPrefix = new Map<number, RouteEntry>();
  const present = new Set<number>();
  for (const e of active) {
    const k = prefixKey(e);
    // Several active entries with one prefix: a route of several prefixes (a service tag's, a
    // gateway's) stays Active while it wins any, so the entry that wins this prefix is kept (the
    // first of equals).
    const cur = byPrefix.get(k);
    if (!cur || entryRank(e) < entryRank(cur)) byPrefix.set(k, e);
    present.add(e.cidr.prefixLength);
  }
  const lengths = [...present].sort((a, b) => b - a);
  const seEntries = active.filter((e) => e.route.nextHopType === 'VirtualNetworkServiceEndpoint');
  return (dst: number) => {
    if (seEntries.length > 0) {
      const se = longestCovering(seEntries, dst);
      if (se) return { entry: se, route: se.route, reason: 'service-endpoint' };
    }
    let best: RouteEntry | undefined;
    for (const len of lengths) {
      const size = PREFIX_SIZES[32 - len];
      const start = len === 0 ? 0 : Math.floor(dst / size) * size;
      const e = byPrefix.get(start * 64 + len);
      if (!e) continue;
      if (!best) {
        best = e;
        if (e.route.source !== 'VirtualNetworkGateway') return { entry: e, route: e.route, reason: 'longest-prefix' };
        continue;
      }
      // best is a gateway route: a covering VNet or peering system route wins over it (7.3).
      if (isVnetOrPeeringSystemRoute(e.route)) {
        return { entry: e, route: e.route, reason: 'system-over-bgp' };
      }
    }
    return best ? { entry: best, route: best.route, reason: 'longest-prefix' } : undefined;
  };
}

export function isUncertainReserved(route: EffectiveRoute): boolean {
  return route.origin.kind === 'reserved' && route.addressPrefix[0] === UNCERTAIN_RESERVED_PREFIX;
}
