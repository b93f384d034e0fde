// Everything that gets from one source to one destination, as a packet set (the engine's reach walk,
// trace/run-path.ts, with the symbolic filters), normalised for comparison: the destination
// dimension is dropped (it is the pair's) and translated ports are shown as the client addressed
// them. The same walk as `ztpath reach`, so what-if and reach never disagree.

import type { DataPlane } from '../../dataplane/compile.ts';
import { CAVEATS, type Caveat } from '../../dataplane/caveats.ts';
import { IntervalSet } from '../../sets/interval-set.ts';
import { ALL_ADDRESSES, ALL_PROTOCOLS, PacketSpace, type Box } from '../../sets/packet-space.ts';
import { ALL_PORTS } from '../../sets/ports.ts';
import { formatIPv4 } from '../../sets/ipv4.ts';
import { reachFilters, type Filters } from '../../trace/filters.ts';
import { computeEndpointPermits } from '../../policy/evaluate-endpoint.ts';
import { filterPointOfEndpoint } from '../../trace/walk.ts';
import { runPath, type PathQuery } from '../../trace/run-path.ts';
import { isReachable } from '../../trace/trace-flow.ts';
import type { ResolvedRef } from '../resolve-ref.ts';
import { INTERNET_SOURCES, type DestItem, type SourceItem } from './universe.ts';

export interface ReachPiece {
  space: PacketSpace;
  /** The entry point the outside client used. */
  via?: string;
}

export interface PairReach {
  /** Union of the pieces. */
  space: PacketSpace;
  pieces: ReachPiece[];
  caveats: Caveat[];
}

export const NO_REACH: PairReach = { space: PacketSpace.EMPTY, pieces: [], caveats: [] };

export function sourceRef(s: SourceItem): ResolvedRef {
  if (s.kind === 'endpoint') return { kind: 'endpoint', endpoint: s.endpoint, label: s.endpoint.ipText };
  if (s.kind === 'internet') return { kind: 'internet', label: 'internet' };
  const ip = s.sources.min()!;
  return { kind: 'external', ip, ipText: formatIPv4(ip), where: 'onPremises', label: s.name };
}

export function destRef(d: DestItem): ResolvedRef {
  if (d.kind === 'endpoint') return { kind: 'endpoint', endpoint: d.endpoint, label: d.endpoint.ipText };
  if (d.kind === 'storage') return { kind: 'storageAccount', storageAccountId: d.accountId, label: d.name };
  if (d.kind === 'internet') return { kind: 'internet', label: 'internet' };
  return { kind: 'external', ip: d.ip, ipText: formatIPv4(d.ip), where: 'onPremises', label: d.name };
}

/** Pairs that are not a question (both ends outside, or one endpoint to itself). */
function outside(x: SourceItem | DestItem): boolean {
  return x.kind === 'internet' || x.kind === 'onPremises';
}

export function isPair(s: SourceItem, d: DestItem): boolean {
  if (outside(s) && outside(d)) return false;
  if (s.kind === 'endpoint' && d.kind === 'endpoint' && s.endpoint.vnetId === d.endpoint.vnetId && s.endpoint.ip === d.endpoint.ip) return false;
  return true;
}

export function pathQuery(s: SourceItem, d: DestItem): PathQuery {
  return {
    from: sourceRef(s),
    to: destRef(d),
    viaPublicIp: s.kind === 'internet',
    ...(s.kind === 'internet' ? { sources: INTERNET_SOURCES } : s.kind === 'onPremises' ? { sources: s.sources } : {}),
  };
}

/** The walk's first packet set: every packet from the source(s) to the destination, within `region`. */
function initialSpace(src: IntervalSet, dst: number, region?: PacketSpace): PacketSpace {
  const box = { protocols: ALL_PROTOCOLS, src, srcPorts: ALL_PORTS, dst: IntervalSet.point(dst), dstPorts: ALL_PORTS };
  return region ? region.intersectBox(box) : PacketSpace.of(box);
}

/**
 * `region`: only these packets (as the source sends them) are asked about, when the caller knows
 * the answers can differ nowhere else; the answer is then the reach within the region.
 */
export function computePairReach(dp: DataPlane, s: SourceItem, d: DestItem, region?: PacketSpace): PairReach {
  if (!isPair(s, d)) return NO_REACH;
  const q = pathQuery(s, d);
  const run = runPath(dp, q, reachFilters(dp), (src, dst) => initialSpace(q.sources ?? src, dst, region));
  if (run.error) return NO_REACH;
  const dstExternal = d.kind === 'internet' || d.kind === 'onPremises';
  const pieces: ReachPiece[] = [];
  let all: Box[] = [];
  for (const o of run.outcomes) {
    if (!isReachable(o, dstExternal)) continue;
    const fp = o.label?.frontendPort;
    const boxes = o.space.boxes.map((b) => ({ protocols: b.protocols, src: b.src, srcPorts: b.srcPorts, dst: ALL_ADDRESSES, dstPorts: fp !== undefined ? IntervalSet.point(fp) : b.dstPorts }));
    if (!boxes.length) continue;
    pieces.push({ space: new PacketSpace(boxes), via: o.label?.entry });
    all = all.concat(boxes);
  }
  return { space: new PacketSpace(all), pieces, caveats: run.caveats.list() };
}

/**
 * Sources that share a subnet and a NIC NSG walked together to one endpoint (or storage account):
 * the walk starts where they all start (their outbound NSGs, their subnet's routes, its DNS view of
 * private endpoints) with every one of their addresses as the source set; routing reads only the
 * destination and filters are set operations, so each member's answer is the part of the outcome
 * with its own address. Undefined when a proxy re-sourced packets on the way.
 */
export function computeGroupReach(dp: DataPlane, members: Extract<SourceItem, { kind: 'endpoint' }>[], d: DestItem, region?: PacketSpace, filters?: Filters): Map<string, PairReach> | undefined {
  const out = new Map<string, PairReach>();
  const live = members.filter((m) => isPair(m, d));
  if (!live.length || (d.kind !== 'endpoint' && d.kind !== 'storage')) return out;
  const rep = live[0];
  const srcSet = IntervalSet.fromRanges(live.map((m) => [m.endpoint.ip, m.endpoint.ip] as [number, number]));
  const q = pathQuery(rep, d);
  const run = runPath(dp, q, filters ?? reachFilters(dp), (_src, dst) => initialSpace(srcSet, dst, region));
  if (run.error) return out;
  const pieces: ReachPiece[] = [];
  for (const o of run.outcomes) {
    if (!isReachable(o, false)) continue;
    // A proxy re-sourced the packets (Azure Firewall application rules, on the way to a storage
    // account): they can no longer be told apart by source; the caller walks the members one by one.
    if (o.space.boxes.some((b) => !srcSet.contains(b.src))) return undefined;
    const fp = o.label?.frontendPort;
    const boxes = o.space.boxes.map((b) => ({ protocols: b.protocols, src: b.src, srcPorts: b.srcPorts, dst: ALL_ADDRESSES, dstPorts: fp !== undefined ? IntervalSet.point(fp) : b.dstPorts }));
    if (boxes.length) pieces.push({ space: new PacketSpace(boxes), via: o.label?.entry });
  }
  const caveats = run.caveats.list();
  for (const m of live) {
    const mine = { protocols: ALL_PROTOCOLS, src: IntervalSet.point(m.endpoint.ip), srcPorts: ALL_PORTS, dst: ALL_ADDRESSES, dstPorts: ALL_PORTS };
    const ps = pieces.map((p) => ({ ...p, space: p.space.intersectBox(mine) })).filter((p) => !p.space.isEmpty());
    out.set(m.key, { space: new PacketSpace(ps.flatMap((p) => p.space.boxes)), pieces: ps, caveats });
  }
  return out;
}

/**
 * What arrives at the doors of NIC destinations (their own inbound NSGs not applied) from sources
 * that share a subnet and a NIC NSG, for the two common one-step paths, without a walk and for many
 * destinations at once: a destination in the sources' VNet (a VnetLocal route), or in a directly
 * peered VNet (a VNetPeering route). The same decisions as trace/walk.ts: the sources' outbound
 * NSGs, the route, the peering's access and forwarded-traffic rules (8.5, 8.6), delivery.
 * Destinations on any other path are left out of the result (the caller walks them). The result
 * holds, per destination, the packets of all the members (their addresses as sources).
 */
export function fastDoorArrivals(dp: DataPlane, members: Extract<SourceItem, { kind: 'endpoint' }>[], dests: { d: DestItem; region?: PacketSpace }[]): { arrived: Map<string, PacketSpace>; caveats: Caveat[] } {
  const arrived = new Map<string, PacketSpace>();
  const caveats: Caveat[] = [];
  if (!members.length) return { arrived, caveats };
  const rep = members[0].endpoint;
  const table = dp.routesForSubnet(rep.subnetId);
  if (!table) return { arrived, caveats };
  // Destinations by path: `local`, or `peer:<remote VNet>`.
  const buckets = new Map<string, { d: Extract<DestItem, { kind: 'endpoint' }>; region?: PacketSpace }[]>();
  for (const x of dests) {
    const d = x.d;
    if (d.kind !== 'endpoint' || d.endpoint.kind !== 'nic') continue;
    const m = table.lookup(d.endpoint.ip);
    if (!m) continue;
    const r = m.route;
    const local = r.nextHopType === 'VnetLocal' && d.endpoint.vnetId === rep.vnetId;
    const peered = r.nextHopType === 'VNetPeering' && r.origin.kind === 'peering' && r.origin.remoteVnetId === d.endpoint.vnetId;
    if (!local && !peered) continue;
    if (dp.addresses.byVnet.get(d.endpoint.vnetId)?.get(d.endpoint.ip) !== d.endpoint) continue;
    const k = local ? 'local' : `peer:${d.endpoint.vnetId}`;
    const l = buckets.get(k);
    if (l) l.push({ d, region: x.region });
    else buckets.set(k, [{ d, region: x.region }]);
  }
  if (!buckets.size) return { arrived, caveats };
  caveats.push(...table.caveats);
  const srcSet = IntervalSet.fromRanges(members.map((x) => [x.endpoint.ip, x.endpoint.ip] as [number, number]));
  const point = filterPointOfEndpoint(dp, rep);
  for (const [k, list] of buckets) {
    // One permit computation per region for all the bucket's destinations at once (their
    // addresses as one destination set): filters are set intersections, so each destination's
    // part of the result is what a walk to it alone would give.
    const byRegion = new Map<PacketSpace | undefined, number[]>();
    for (const x of list) {
      const l = byRegion.get(x.region);
      if (l) l.push(x.d.endpoint.ip);
      else byRegion.set(x.region, [x.d.endpoint.ip]);
    }
    const parts: Box[] = [];
    for (const [region, ips] of byRegion) {
      const dstSet = IntervalSet.fromRanges(ips.map((ip) => [ip, ip] as [number, number]));
      const box = { protocols: ALL_PROTOCOLS, src: srcSet, srcPorts: ALL_PORTS, dst: dstSet, dstPorts: ALL_PORTS };
      const initial = region ? region.intersectBox(box) : PacketSpace.of(box);
      for (const b of computeEndpointPermits(dp, point, 'Outbound', initial).allowed.boxes) parts.push(b);
    }
    let space = new PacketSpace(parts);
    if (k !== 'local' && !space.isEmpty()) {
      const remoteVnetId = k.slice(5);
      const info = dp.topology.vnets.get(rep.vnetId);
      const link = info?.peers.find((p) => p.remoteVnetId === remoteVnetId && p.connected);
      if (link?.remote && !link.remote.allowVirtualNetworkAccess) caveats.push(CAVEATS.repliesAccessDisabled);
      if (!link) space = PacketSpace.EMPTY;
      else if (!link.local.allowVirtualNetworkAccess) {
        space = PacketSpace.EMPTY;
        caveats.push({ code: 'peering.access-disabled', message: 'A peering with allowVirtualNetworkAccess false is treated as blocking all traffic (A11).' });
      } else if (!(link.remote?.allowForwardedTraffic ?? false) && info) {
        space = space.intersectBox({ protocols: ALL_PROTOCOLS, src: info.addressSet, srcPorts: ALL_PORTS, dst: ALL_ADDRESSES, dstPorts: ALL_PORTS });
        if (space.isEmpty()) caveats.push({ code: 'peering.forwarded', message: "allowForwardedTraffic is read on the receiving VNet's peering (rule 8.6; the REST text says the opposite, A12)." });
      }
    }
    for (const { d } of list) {
      // The packets to this destination, from every member but itself (a bucket's destinations
      // have distinct addresses, so this is exactly the part computed within its own region).
      const others = srcSet.subtract(IntervalSet.point(d.endpoint.ip));
      arrived.set(d.key, space.intersectBox({ protocols: ALL_PROTOCOLS, src: others, srcPorts: ALL_PORTS, dst: IntervalSet.point(d.endpoint.ip), dstPorts: ALL_PORTS }));
    }
  }
  return { arrived, caveats };
}

/** The entry point of the pieces that overlap `space` (for examples). */
export function viaOf(r: PairReach, space: PacketSpace): string | undefined {
  for (const p of r.pieces) if (p.via && !p.space.intersect(space).isEmpty()) return p.via;
  return undefined;
}

/** Replace the source dimension (an endpoint's result stands for its whole equivalence class). */
export function withSource(space: PacketSpace, src: IntervalSet): PacketSpace {
  return new PacketSpace(space.boxes.map((b) => ({ ...b, src })));
}

