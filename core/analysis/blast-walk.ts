// The reach toolkit shared by blast radius, the matrix and on-premises exposure: the engine's own
// forwarding walk (trace/run-path.ts, the code `reach` and `trace` run) with filters that memoise
// what many questions share, plus cheap necessary conditions that rule most pairs out before any
// walk. Nothing here decides differently from computeReach: NSG and firewall filters are pointwise
// (each packet's fate depends on that packet only), so the permits of a larger query restricted to
// a smaller one are the permits of the smaller one; the memo tables only exploit that.

import type { DataPlane } from '../dataplane/compile.ts';
import type { Endpoint } from '../dataplane/address-index.ts';
import type { EffectiveRouteTable, RouteMatch } from '../dataplane/effective-routes.ts';
import { CaveatSet } from '../dataplane/caveats.ts';
import type { AzureFirewall, Direction, ResourceId } from '../model/types.ts';
import type { FilterPoint } from '../policy/evaluate-endpoint.ts';
import { filterPointFor } from '../policy/evaluate-endpoint.ts';
import { computeNsgPermits } from '../policy/symbolic-nsg.ts';
import { ruleBox, type CompiledNsg, type CompiledRule } from '../policy/compile-nsg.ts';
import { compiledFirewall, computeFirewallPermits } from '../firewall/evaluate-firewall.ts';
import { IntervalSet } from '../sets/interval-set.ts';
import { PacketSpace, type Box } from '../sets/packet-space.ts';
import { formatIPv4 } from '../sets/ipv4.ts';
import { formatPorts } from '../sets/ports.ts';
import { PROTOCOL_NUMBERS } from '../sets/protocols.ts';
import type { Filters } from '../trace/filters.ts';
import { runPath, type PathQuery } from '../trace/run-path.ts';
import { isReachable } from '../trace/trace-flow.ts';
import type { Outcome } from '../trace/walk.ts';
import type { EntryDescription } from '../trace/entry-points.ts';
import type { ResolvedRef } from './resolve-ref.ts';

const ALL_IPS = IntervalSet.range(0, 0xffffffff);
const ALL_PORTS = IntervalSet.range(0, 65535);
const ALL_PROTOCOLS = IntervalSet.range(0, 255);
const TCP_UDP = IntervalSet.fromRanges([[6, 6], [17, 17]]);

/** Which traffic the question is about: every protocol and port, or some TCP/UDP ports. */
export interface PortScope {
  any: boolean;
  protocols: IntervalSet;
  dstPorts: IntervalSet;
}

export function portScope(ports?: IntervalSet): PortScope {
  if (!ports) return { any: true, protocols: ALL_PROTOCOLS, dstPorts: ALL_PORTS };
  return { any: false, protocols: TCP_UDP, dstPorts: ports };
}

/** `22,3389,8000-8100` or `any`; undefined for `any`, an error string when it does not parse. */
export function parsePortList(text: string): IntervalSet | undefined | string {
  const t = text.trim().toLowerCase();
  if (t === '' || t === 'any' || t === '*') return undefined;
  const ranges: [number, number][] = [];
  for (const raw of t.split(',')) {
    const m = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(raw.trim());
    if (!m) return `'${raw.trim()}' is not a port or a port range`;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo > 65535 || hi > 65535 || hi < lo) return `'${raw.trim()}' is not a port range within 0-65535`;
    ranges.push([lo, hi]);
  }
  return IntervalSet.fromRanges(ranges);
}

/** One protocol of an answer with its destination ports (empty for ICMP-like protocols). */
export interface AllowedPorts {
  protocol: string;
  ports: string[];
}

export interface FlowExample {
  src: string;
  dst: string;
  protocol: string;
  dstPort?: number;
}

export interface PairReach {
  /** What gets through, as the source sends it. */
  space: PacketSpace;
  allowed: AllowedPorts[];
  /** Per protocol number, the ports (for unions across pairs). */
  ports: Map<number, IntervalSet>;
  example?: FlowExample;
  /** An NSG applied somewhere on the path. */
  nsgOnPath: boolean;
}

export interface WalkRun {
  outcomes: Outcome[];
  entries: EntryDescription[];
  dstLabel: string;
  nsgOnPath: boolean;
  error?: string;
}

/** One group of what got through: a protocol, its ports, the sources and the entry point used. */
export interface SourcedPart {
  protocol: string;
  protocolNumber: number;
  portSet: IntervalSet;
  sources: IntervalSet;
  via?: string;
  dstLabel: string;
}

export const NO_REACH: PairReach = { space: PacketSpace.EMPTY, allowed: [], ports: new Map(), nsgOnPath: false };

const NAMED: [string, number][] = [['Tcp', PROTOCOL_NUMBERS.Tcp], ['Udp', PROTOCOL_NUMBERS.Udp], ['Icmp', PROTOCOL_NUMBERS.Icmp], ['Esp', PROTOCOL_NUMBERS.Esp], ['Ah', PROTOCOL_NUMBERS.Ah]];
const NAMED_SET = IntervalSet.fromRanges(NAMED.map(([, n]) => [n, n] as [number, number]));
const NAME_OF = new Map(NAMED.map(([name, n]) => [n, name]));

export function isPortProtocol(n: number): boolean {
  return n === 6 || n === 17;
}

/** Ports per protocol as the answers print them: Tcp, Udp, Icmp, Esp, Ah. */
export function allowedOf(ports: Map<number, IntervalSet>): AllowedPorts[] {
  const out: AllowedPorts[] = [];
  for (const [name, n] of NAMED) {
    const p = ports.get(n);
    if (!p) continue;
    if (isPortProtocol(n)) {
      if (!p.isEmpty()) out.push({ protocol: name, ports: formatPorts(p) });
    } else out.push({ protocol: name, ports: [] });
  }
  return out;
}

export function mergePorts(into: Map<number, IntervalSet>, from: Map<number, IntervalSet>): void {
  for (const [n, p] of from) into.set(n, (into.get(n) ?? IntervalSet.EMPTY).union(p));
}

/** One elementary interval of a route table's longest-prefix-match partition. */
interface RouteInterval {
  lo: number;
  hi: number;
  match: RouteMatch | undefined;
}

/**
 * Which NSG allows count: all rules; only default rules (`default`: every NSG); only default rules
 * at inbound NSGs (`default-inbound`: the destination side admits the traffic by default rules).
 */
export type FilterMode = 'all' | 'default' | 'default-inbound';

export interface KitStats {
  walks: number;
  fastPaths: number;
  pruned: number;
  nsgComputations: number;
  firewallComputations: number;
}

/**
 * Memo tables and walks for one question (one data plane, one port scope). Every walk's caveats
 * are collected in `caveats`.
 */
export class ReachKit {
  readonly caveats = new CaveatSet();
  readonly stats: KitStats = { walks: 0, fastPaths: 0, pruned: 0, nsgComputations: 0, firewallComputations: 0 };
  private readonly nsgCache = new Map<string, PacketSpace>();
  private readonly nsgCuts = new Map<string, number[]>();
  private readonly fwCache = new Map<string, { network: PacketSpace; notes: string[] }>();
  private readonly fwCuts = new Map<ResourceId, number[]>();
  private readonly partitions = new WeakMap<EffectiveRouteTable, RouteInterval[]>();
  private readonly outDstCache = new Map<string, IntervalSet>();
  private readonly inSrcCache = new Map<string, IntervalSet>();
  private readonly reachableCache = new Map<string, IntervalSet>();
  private readonly firewallByIp = new Map<string, AzureFirewall | null>();
  readonly scopeBox: Box;

  constructor(readonly dp: DataPlane, readonly scope: PortScope) {
    this.scopeBox = { protocols: scope.protocols, src: ALL_IPS, srcPorts: ALL_PORTS, dst: ALL_IPS, dstPorts: scope.dstPorts };
  }

  // ---- NSGs ------------------------------------------------------------------------------------

  pointOf(e: Endpoint): FilterPoint {
    const nicId = e.kind === 'nic' ? e.nicId : e.kind === 'privateEndpoint' ? e.nicId : undefined;
    return filterPointFor(this.dp, e.subnetId, nicId, e.kind === 'privateEndpoint');
  }

  private nsgOrder(point: FilterPoint, direction: Direction): ResourceId[] {
    const list = direction === 'Inbound' ? [point.subnetNsgId, point.nicNsgId] : [point.nicNsgId, point.subnetNsgId];
    return list.filter((x): x is ResourceId => x !== undefined && this.dp.compiledNsg(x) !== undefined);
  }

  /** Address boundaries the NSGs at `point` draw on the pinned dimension. */
  private cutsOf(point: FilterPoint, direction: Direction, vnetTag: IntervalSet): number[] {
    const key = `${direction}|${point.subnetId}|${point.subnetNsgId ?? ''}|${point.nicNsgId ?? ''}`;
    let cuts = this.nsgCuts.get(key);
    if (cuts) return cuts;
    const set = new Set<number>();
    for (const id of this.nsgOrder(point, direction)) {
      const nsg = this.dp.compiledNsg(id)!;
      for (const c of direction === 'Inbound' ? nsg.inbound : nsg.outbound) {
        const b = ruleBox(c, vnetTag);
        for (const [lo, hi] of (direction === 'Inbound' ? b.dst : b.src).ranges()) {
          set.add(lo);
          if (hi < 0xffffffff) set.add(hi + 1);
        }
      }
    }
    cuts = [...set].sort((a, b) => a - b);
    this.nsgCuts.set(key, cuts);
    return cuts;
  }

  /**
   * The packets the NSGs at `point` let through in `direction`, for every packet whose pinned
   * address (the source outbound, the destination inbound) is in `pin`. `mode: 'default'` keeps
   * only what default rules allow at every NSG (rules that a user wrote are treated as absent
   * allows, their denies still apply).
   */
  nsgPermits(point: FilterPoint, direction: Direction, pin: IntervalSet, requested: FilterMode = 'all'): PacketSpace {
    const mode = requested === 'default-inbound' ? (direction === 'Inbound' ? 'default' : 'all') : requested;
    const vnetTag = this.dp.virtualNetworkTag(point.subnetId).set;
    const cuts = this.cutsOf(point, direction, vnetTag);
    const atom = atomRange(cuts, pin);
    const pinned = atom ?? pin;
    const key = `${mode}|${direction}|${point.subnetId}|${point.subnetNsgId ?? ''}|${point.nicNsgId ?? ''}|${pinned.key()}`;
    const hit = this.nsgCache.get(key);
    if (hit) return hit;
    this.stats.nsgComputations++;
    const dim = direction === 'Inbound' ? 'dst' : 'src';
    let cur = PacketSpace.of({ protocols: ALL_PROTOCOLS, src: ALL_IPS, srcPorts: ALL_PORTS, dst: ALL_IPS, dstPorts: ALL_PORTS, [dim]: pinned });
    for (const id of this.nsgOrder(point, direction)) {
      const nsg = this.dp.compiledNsg(id)!;
      // Only rules that can match the pinned addresses matter (the others never intersect the query).
      const relevant = (direction === 'Inbound' ? nsg.inbound : nsg.outbound).filter((c) => ruleBox(c, vnetTag)[dim].intersects(pinned));
      const reduced: CompiledNsg = { nsg: nsg.nsg, inbound: direction === 'Inbound' ? relevant : [], outbound: direction === 'Outbound' ? relevant : [] };
      const r = computeNsgPermits(reduced, direction, cur, vnetTag);
      cur = mode === 'all' ? r.allowed : new PacketSpace(r.allowedBy.filter((p) => isDefaultRule(p.rule)).flatMap((p) => p.space.boxes));
      if (cur.isEmpty()) break;
    }
    this.nsgCache.set(key, cur);
    return cur;
  }

  outPermits(e: Endpoint, mode: FilterMode = 'all'): PacketSpace {
    return this.nsgPermits(this.pointOf(e), 'Outbound', IntervalSet.point(e.ip), mode);
  }

  inPermits(e: Endpoint, mode: FilterMode = 'all'): PacketSpace {
    return this.nsgPermits(this.pointOf(e), 'Inbound', IntervalSet.point(e.ip), mode);
  }

  /** Destinations the source's own NSGs let it send to (within the port scope). */
  outDestinations(e: Endpoint): IntervalSet {
    const key = `${e.vnetId}|${e.ip}`;
    let s = this.outDstCache.get(key);
    if (!s) {
      s = this.outPermits(e).intersectBox({ ...this.scopeBox, src: IntervalSet.point(e.ip) }).project('dst');
      this.outDstCache.set(key, s);
    }
    return s;
  }

  /** Sources the destination's NSGs admit (within the port scope). */
  inSources(e: Endpoint): IntervalSet {
    const key = `${e.vnetId}|${e.ip}`;
    let s = this.inSrcCache.get(key);
    if (!s) {
      s = this.inPermits(e).intersectBox({ ...this.scopeBox, dst: IntervalSet.point(e.ip) }).project('src');
      this.inSrcCache.set(key, s);
    }
    return s;
  }

  // ---- Azure Firewall ------------------------------------------------------------------------------

  private firewallCuts(fw: AzureFirewall): number[] {
    let cuts = this.fwCuts.get(fw.id);
    if (cuts) return cuts;
    const set = new Set<number>();
    const c = compiledFirewall(this.dp, fw);
    for (const { rules } of [...c.network, ...c.application]) {
      for (const r of rules) {
        for (const [lo, hi] of r.box.src.ranges()) {
          set.add(lo);
          if (hi < 0xffffffff) set.add(hi + 1);
        }
      }
    }
    cuts = [...set].sort((a, b) => a - b);
    this.fwCuts.set(fw.id, cuts);
    return cuts;
  }

  /** What the firewall's network rules allow from sources in `pin` (no FQDN: application rules do not apply). */
  firewallPermits(fw: AzureFirewall, pin: IntervalSet): { network: PacketSpace; notes: string[] } {
    const atom = atomRange(this.firewallCuts(fw), pin);
    const pinned = atom ?? pin;
    const key = `${fw.id}|${pinned.key()}`;
    let hit = this.fwCache.get(key);
    if (!hit) {
      this.stats.firewallComputations++;
      const r = computeFirewallPermits(this.dp, fw, PacketSpace.of({ protocols: ALL_PROTOCOLS, src: pinned, srcPorts: ALL_PORTS, dst: ALL_IPS, dstPorts: ALL_PORTS }), {});
      hit = { network: r.network, notes: r.notes };
      this.fwCache.set(key, hit);
    }
    return hit;
  }

  /** The Azure Firewall that owns `ip` as seen from `vnetId` (its VNet or a directly peered one). */
  firewallAt(vnetId: ResourceId, ip: number): AzureFirewall | undefined {
    const key = `${vnetId}|${ip}`;
    const cached = this.firewallByIp.get(key);
    if (cached !== undefined) return cached ?? undefined;
    let found: AzureFirewall | undefined;
    const look = (v: ResourceId) => {
      const e = this.dp.addresses.byVnet.get(v)?.get(ip);
      return e?.kind === 'firewall' ? this.dp.snapshot.azureFirewalls.get(e.firewallId) : undefined;
    };
    found = look(vnetId);
    if (!found && !this.dp.addresses.byVnet.get(vnetId)?.has(ip)) {
      for (const p of this.dp.topology.vnets.get(vnetId)?.peers ?? []) {
        if (!p.connected) continue;
        if (this.dp.addresses.byVnet.get(p.remoteVnetId)?.has(ip)) {
          found = look(p.remoteVnetId);
          break;
        }
      }
    }
    this.firewallByIp.set(key, found ?? null);
    return found;
  }

  // ---- filters for the walk --------------------------------------------------------------------------

  /** Filters with the engine's reach semantics, memoised; `seen.nsg` tells whether an NSG applied. */
  filters(mode: FilterMode, seen: { nsg: boolean }): Filters {
    return {
      mode: 'reach',
      nsg: (point, direction, space) => {
        if (space.isEmpty() || (!point.subnetNsgId && !point.nicNsgId)) return { space, steps: [] };
        if (this.nsgOrder(point, direction).length === 0) return { space, steps: [] };
        seen.nsg = true;
        const pin = space.project(direction === 'Inbound' ? 'dst' : 'src');
        return { space: space.intersect(this.nsgPermits(point, direction, pin, mode)), steps: [] };
      },
      firewall: (fw, space, q) => {
        if (q.fqdn || q.toPublicIp) {
          const r = computeFirewallPermits(this.dp, fw, space, q);
          return { network: r.network, application: r.application, steps: [], notes: r.notes };
        }
        const p = this.firewallPermits(fw, space.project('src'));
        return { network: space.intersect(p.network), application: PacketSpace.EMPTY, steps: [], notes: p.notes };
      },
    };
  }

  /** The engine's runPath with the memoised filters: the outcomes that get through. */
  run(q: PathQuery, mode: FilterMode = 'all'): WalkRun {
    this.stats.walks++;
    const seen = { nsg: false };
    const run = runPath(this.dp, q, this.filters(mode, seen), (src, dst) =>
      PacketSpace.of({ protocols: this.scope.protocols, src: q.sources ?? src, srcPorts: ALL_PORTS, dst: IntervalSet.point(dst), dstPorts: this.scope.dstPorts }),
    );
    this.caveats.addAll(run.caveats.list());
    if (run.error) return { outcomes: [], entries: [], dstLabel: run.dstLabel, nsgOnPath: seen.nsg, error: run.error };
    const dstExternal = q.to.kind === 'external' || q.to.kind === 'internet';
    return { outcomes: run.outcomes.filter((o) => isReachable(o, dstExternal)), entries: run.entries, dstLabel: run.dstLabel, nsgOnPath: seen.nsg };
  }

  /** A walk: what gets from q.from to q.to within the port scope. */
  walk(q: PathQuery, mode: FilterMode = 'all'): PairReach {
    const r = this.run(q, mode);
    if (r.error) return NO_REACH;
    return this.summarize(r.outcomes, r.dstLabel, r.nsgOnPath);
  }

  /**
   * What got through grouped as computeReach groups it: per protocol, source set and entry point,
   * with the destination ports (the frontend port where a translation happened).
   */
  parts(outcomes: Outcome[], dstLabel: string): SourcedPart[] {
    const groups = new Map<string, SourcedPart>();
    let other = false;
    for (const o of outcomes) {
      for (const b of o.space.boxes) {
        for (const [name, n] of NAMED) {
          if (!b.protocols.has(n)) continue;
          const ports = !isPortProtocol(n) ? IntervalSet.EMPTY : o.label?.frontendPort !== undefined ? IntervalSet.point(o.label.frontendPort) : b.dstPorts;
          const key = `${name}|${b.src.key()}|${o.label?.entry ?? ''}`;
          const g = groups.get(key);
          if (g) g.portSet = g.portSet.union(ports);
          else groups.set(key, { protocol: name, protocolNumber: n, sources: b.src, portSet: ports, via: o.label?.entry, dstLabel });
        }
        if (!b.protocols.subtract(NAMED_SET).isEmpty()) other = true;
      }
    }
    if (other) this.caveats.add({ code: 'reach.other-protocols', message: 'Other IP protocols also get through (rules with protocol *); only Tcp, Udp, Icmp, Esp and Ah are listed.' });
    return [...groups.values()].filter((g) => !isPortProtocol(g.protocolNumber) || !g.portSet.isEmpty());
  }

  /** Ports per protocol of what got through (frontend ports where a translation happened). */
  summarize(outcomes: Outcome[], dstLabel: string, nsgOnPath: boolean): PairReach {
    const ports = new Map<number, IntervalSet>();
    let space = PacketSpace.EMPTY;
    let other = false;
    for (const o of outcomes) {
      space = new PacketSpace([...space.boxes, ...o.space.boxes]);
      for (const b of o.space.boxes) {
        for (const [, n] of NAMED) {
          if (!b.protocols.has(n)) continue;
          const p = !isPortProtocol(n) ? IntervalSet.EMPTY : o.label?.frontendPort !== undefined ? IntervalSet.point(o.label.frontendPort) : b.dstPorts;
          ports.set(n, (ports.get(n) ?? IntervalSet.EMPTY).union(p));
        }
        if (!b.protocols.subtract(NAMED_SET).isEmpty()) other = true;
      }
    }
    if (other) this.caveats.add({ code: 'reach.other-protocols', message: 'Other IP protocols also get through (rules with protocol *); only Tcp, Udp, Icmp, Esp and Ah are listed.' });
    for (const [n, p] of [...ports]) if (isPortProtocol(n) && p.isEmpty()) ports.delete(n);
    const allowed = allowedOf(ports);
    if (allowed.length === 0) return { ...NO_REACH, nsgOnPath };
    const first = allowed[0];
    const n = PROTOCOL_NUMBERS[first.protocol as keyof typeof PROTOCOL_NUMBERS];
    const box = space.boxes.find((b) => b.protocols.has(n));
    const example: FlowExample = {
      src: formatIPv4(box?.src.min() ?? 0),
      dst: dstLabel,
      protocol: first.protocol,
      ...(isPortProtocol(n) ? { dstPort: ports.get(n)!.min() } : {}),
    };
    return { space, allowed, ports, example, nsgOnPath };
  }

  // ---- routing -------------------------------------------------------------------------------------

  /** The longest-prefix-match partition of a route table: the next hop is constant on each interval. */
  partition(table: EffectiveRouteTable): RouteInterval[] {
    let p = this.partitions.get(table);
    if (p) return p;
    const cuts = new Set<number>([0]);
    for (const e of table.entries) {
      cuts.add(e.cidr.start);
      if (e.cidr.end < 0xffffffff) cuts.add(e.cidr.end + 1);
    }
    const sorted = [...cuts].sort((a, b) => a - b);
    p = sorted.map((lo, i) => ({ lo, hi: i + 1 < sorted.length ? sorted[i + 1] - 1 : 0xffffffff, match: table.lookup(lo) }));
    this.partitions.set(table, p);
    return p;
  }

  /**
   * A superset of the addresses inside the estate that packets from `e` can reach within the port
   * scope: its outbound NSGs' destinations, the routes of its subnet that deliver (VnetLocal in its
   * VNet, peerings, private endpoints, appliances) and, for routes to an Azure Firewall, what the
   * firewall's network rules allow from it. A necessary condition, checked before any walk.
   * With `outside`, routes that leave the estate (gateway, internet) count too: for exits.
   */
  reachableDestinations(e: Endpoint, outside = false): IntervalSet {
    const key = `${outside ? 'x' : 'i'}|${e.vnetId}|${e.ip}`;
    const cached = this.reachableCache.get(key);
    if (cached) return cached;
    const out = this.outDestinations(e);
    const table = this.dp.routesForSubnet(e.subnetId);
    const vnetSet = this.dp.topology.vnets.get(e.vnetId)?.addressSet ?? IntervalSet.EMPTY;
    const ranges: [number, number][] = [];
    if (table && !out.isEmpty()) {
      for (const iv of this.partition(table)) {
        if (!iv.match || !out.intersects(IntervalSet.range(iv.lo, iv.hi))) continue;
        const r = iv.match.route;
        let part: IntervalSet;
        switch (r.nextHopType) {
          case 'VnetLocal':
            part = IntervalSet.range(iv.lo, iv.hi).intersect(vnetSet);
            break;
          case 'VNetPeering':
          case 'InterfaceEndpoint':
            part = IntervalSet.range(iv.lo, iv.hi);
            break;
          case 'VirtualAppliance': {
            part = IntervalSet.range(iv.lo, iv.hi);
            const nh = r.nextHopIpAddress[0];
            const nhIp = nh ? parseDotted(nh) : undefined;
            const fw = nhIp !== undefined ? this.firewallAt(e.vnetId, nhIp) : undefined;
            if (fw) part = part.intersect(this.firewallPermits(fw, IntervalSet.point(e.ip)).network.intersectBox({ ...this.scopeBox, src: IntervalSet.point(e.ip) }).project('dst'));
            break;
          }
          case 'VirtualNetworkGateway':
          case 'Internet':
            // Leaves the estate: on-premises, the internet (a private address is dropped there).
            part = outside ? IntervalSet.range(iv.lo, iv.hi) : IntervalSet.EMPTY;
            break;
          default:
            part = IntervalSet.EMPTY;
        }
        for (const rr of part.ranges()) ranges.push(rr);
      }
    }
    const result = IntervalSet.fromRanges(ranges).intersect(out);
    this.reachableCache.set(key, result);
    return result;
  }

  /**
   * What gets from NIC `a` to endpoint `b` (an endpoint inside the estate). Rules pairs out with
   * necessary conditions, answers NIC-to-NIC traffic inside one VNet directly (outbound NSGs, the
   * VnetLocal route, inbound NSGs: exactly the walk's steps) and walks the rest.
   */
  pair(a: Endpoint, b: Endpoint, mode: FilterMode = 'all'): PairReach {
    // Load balancer frontends, firewalls and gateways are filtered elsewhere than at their own address.
    if (b.kind !== 'nic' && b.kind !== 'privateEndpoint') return this.walk({ from: endpointRef(a), to: endpointRef(b) }, mode);
    const aIp = IntervalSet.point(a.ip);
    const bIp = IntervalSet.point(b.ip);
    if (!this.inSources(b).has(a.ip)) {
      this.stats.pruned++;
      return NO_REACH;
    }
    const start: Box = { ...this.scopeBox, src: aIp, dst: bIp };
    const joint = this.outPermits(a, mode).intersectBox(start).intersect(this.inPermits(b, mode));
    if (joint.isEmpty()) {
      this.stats.pruned++;
      return NO_REACH;
    }
    const table = this.dp.routesForSubnet(a.subnetId);
    const m = table?.lookup(b.ip);
    if (b.kind === 'nic' && b.vnetId === a.vnetId && m?.route.nextHopType === 'VnetLocal' && this.dp.addresses.byVnet.get(a.vnetId)?.get(b.ip) === b) {
      this.stats.fastPaths++;
      this.caveats.addAll(table!.caveats);
      const nsgOnPath = this.nsgOrder(this.pointOf(a), 'Outbound').length + this.nsgOrder(this.pointOf(b), 'Inbound').length > 0;
      const dummy: Outcome = { space: joint, disposition: 'ACCEPTED', hops: [], stoppedBy: null };
      return this.summarize([dummy], b.ipText, nsgOnPath);
    }
    return this.walk({ from: endpointRef(a), to: endpointRef(b) }, mode);
  }
}

export function endpointRef(e: Endpoint): ResolvedRef {
  return { kind: 'endpoint', endpoint: e, label: e.ipText };
}

function isDefaultRule(c: CompiledRule): boolean {
  return c.rule.collection === 'defaultSecurityRules';
}

function parseDotted(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text.trim());
  if (!m) return undefined;
  const p = m.slice(1).map(Number);
  if (p.some((x) => x > 255)) return undefined;
  return ((p[0] * 256 + p[1]) * 256 + p[2]) * 256 + p[3];
}

/** The elementary interval between two cuts that holds every member of `pin`, if one does. */
function atomRange(cuts: number[], pin: IntervalSet): IntervalSet | undefined {
  const lo = pin.min();
  if (lo === undefined) return undefined;
  const b = pin.bounds;
  const hi = b[b.length - 1];
  // Index of the first cut > lo.
  let l = 0;
  let h = cuts.length;
  while (l < h) {
    const mid = (l + h) >> 1;
    if (cuts[mid] <= lo) l = mid + 1;
    else h = mid;
  }
  const start = l === 0 ? 0 : cuts[l - 1];
  const end = l < cuts.length ? cuts[l] - 1 : 0xffffffff;
  if (hi > end) return undefined;
  return IntervalSet.range(start, end);
}

export { NAME_OF as PROTOCOL_NAME_OF };
