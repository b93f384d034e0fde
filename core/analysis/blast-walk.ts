// The reach toolkit shared by blast radius, the matrix and exposure: the engine's own forwarding
// walk (trace/run-path.ts, the code `reach` and `trace` run) with filters that memoise what many
// questions share, plus cheap necessary conditions that rule most pairs out before any walk.
//
// Nothing here decides differently from computeReach. NSG and firewall filters are pointwise (a
// packet's fate depends on that packet only), so the permits of a larger query restricted to a
// smaller one are the permits of the smaller one; and a rule, route or firewall rule treats every
// address between two of its boundaries alike. Three things follow and are used:
// - memo tables keyed by "atoms" (the interval between two boundaries that holds an address);
// - source batches: NICs of one subnet behind the same NSGs leave through the same filter point and
//   route table, so one walk with all their addresses as the source set answers for all of them;
// - walk templates: a walk to one destination also answers for every destination of the same VNet
//   and kind that sits in the same atom of every route table, firewall and NSG the walk consulted
//   (except the destination's own inbound NSGs, applied per destination and memoised per atom of
//   those NSGs' destination boundaries: look-alike destinations get the same packets).

import type { DataPlane } from '../dataplane/compile.ts';
import type { Endpoint } from '../dataplane/address-index.ts';
import type { EffectiveRoute, EffectiveRouteTable } from '../dataplane/effective-routes.ts';
import type { VirtualNetworkTag } from '../dataplane/virtual-network-tag.ts';
import { CAVEATS, CaveatSet } from '../dataplane/caveats.ts';
import { securityAdminCaveat, vnetToVnetSet } from '../dataplane/topology.ts';
import type { AzureFirewall, Direction, ResourceId } from '../model/types.ts';
import { normalizeId } from '../model/ids.ts';
import type { FilterPoint } from '../policy/evaluate-endpoint.ts';
import { computeEndpointPermits, filterPointFor, nsgAt } from '../policy/evaluate-endpoint.ts';
import { computeNsgPermits } from '../policy/symbolic-nsg.ts';
import { ruleBox, type CompiledNsg, type CompiledRule } from '../policy/compile-nsg.ts';
import { compiledFirewall, computeFirewallPermits, type FirewallQuery } from '../firewall/evaluate-firewall.ts';
import { IntervalSet } from '../sets/interval-set.ts';
import { PacketSpace, type Box } from '../sets/packet-space.ts';
import { formatIPv4, parseIPv4 } from '../sets/ipv4.ts';
import { formatPorts, parsePortRanges } from '../sets/ports.ts';
import { parseProtocolName, PROTOCOL_NUMBERS } from '../sets/protocols.ts';
import type { FilterResult, Filters, FirewallResult } from '../trace/filters.ts';
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

/** What an example says beside its ends: the protocol, and the port for Tcp and Udp. */
export type ExampleKind = Pick<FlowExample, 'protocol' | 'dstPort'>;

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

export const NO_REACH: PairReach = { space: PacketSpace.EMPTY, allowed: [], ports: new Map(), nsgOnPath: false };

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

const NAMED: [string, number][] = [['Tcp', PROTOCOL_NUMBERS.Tcp], ['Udp', PROTOCOL_NUMBERS.Udp], ['Icmp', PROTOCOL_NUMBERS.Icmp], ['Esp', PROTOCOL_NUMBERS.Esp], ['Ah', PROTOCOL_NUMBERS.Ah]];
/** The protocols answers name (Tcp, Udp, Icmp, Esp, Ah), by number. */
export const NAMED_PROTOCOL_NUMBERS: readonly number[] = NAMED.map(([, n]) => n);
const NAMED_SET = IntervalSet.fromRanges(NAMED.map(([, n]) => [n, n] as [number, number]));

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

/** The reverse of allowedOf: ports per protocol number from lists as answers print them (`443`, `1000-2000`); equal protocols united. */
export function portsOf(list: readonly { protocol: string; ports: readonly string[] }[]): Map<number, IntervalSet> {
  const out = new Map<number, IntervalSet>();
  for (const a of list) {
    const n = parseProtocolName(a.protocol);
    const p = parsePortRanges(a.ports);
    if (n === undefined || !p.ok) continue;
    out.set(n, (out.get(n) ?? IntervalSet.EMPTY).union(p.set));
  }
  return out;
}

export function mergePorts(into: Map<number, IntervalSet>, from: Map<number, IntervalSet>): void {
  for (const [n, p] of from) into.set(n, (into.get(n) ?? IntervalSet.EMPTY).union(p));
}

/** What a route table does with the packets of one elementary interval of its partition. */
export interface RouteDecision {
  nextHopType?: string;
  nextHopIp?: number;
  /** What the walk does with a packet in this interval (next hop type, appliance, peered VNet). */
  decision: string;
}

/**
 * A route table's longest-prefix-match partition: interval i runs from cuts[i] to the address
 * before cuts[i + 1] (the last to the top address), and hops[i] (decisions[i] its text) is what the
 * table decides there. Columns, not an object per interval: ~53,000 intervals at tier L.
 */
export interface RoutePartition {
  cuts: number[];
  decisions: string[];
  hops: RouteDecision[];
}

/** The last address of interval i of a partition. */
function intervalEnd(p: RoutePartition, i: number): number {
  return i + 1 < p.cuts.length ? p.cuts[i + 1] - 1 : 0xffffffff;
}

/**
 * Route decisions shared by every table (peering decisions name the remote VNet, ~150 characters:
 * one text per route table entry was most of a partition's memory), by next hop type, next hop
 * address and remote VNet: nested maps of those strings themselves, so that a lookup hashes no
 * fresh text (one was joined per route before). Bounded by the estate's distinct next hops;
 * cleared if it ever grows past a bound.
 */
const sharedDecisions = new Map<string, Map<string, Map<string, RouteDecision>>>();
let decisionCount = 0;

/** The shared decision of a route (undefined: no route). */
function sharedDecision(route: EffectiveRoute | undefined): RouteDecision {
  const type = route?.nextHopType ?? '-';
  const nh = route?.nextHopIpAddress[0];
  const origin = route?.origin;
  const remote = origin?.kind === 'peering' ? origin.remoteVnetId : '';
  let byHop = sharedDecisions.get(type);
  if (!byHop) sharedDecisions.set(type, (byHop = new Map()));
  let byRemote = byHop.get(nh ?? '');
  if (!byRemote) byHop.set(nh ?? '', (byRemote = new Map()));
  let d = byRemote.get(remote);
  if (!d) {
    if (decisionCount > 100_000) {
      sharedDecisions.clear();
      decisionCount = 0;
    }
    decisionCount++;
    byRemote.set(remote, (d = { nextHopType: route?.nextHopType, nextHopIp: nh ? parseIPv4(nh) : undefined, decision: `${type}|${nh ?? ''}|${remote}` }));
  }
  return d;
}

/**
 * Which NSG allows count: all rules; only default rules (`default`: at every NSG); only default
 * rules at inbound NSGs (`default-inbound`: the destination side admits the traffic by default
 * rules). Denies always apply.
 */
export type FilterMode = 'all' | 'default' | 'default-inbound';

export interface KitStats {
  walks: number;
  templated: number;
  fastPaths: number;
  nsgComputations: number;
  firewallComputations: number;
  /** Destination inbound NSG evaluations of template arrivals (memo misses). */
  inboundComputations: number;
}

/** NICs that leave through one filter point and one route table: one walk answers for all. */
export interface SourceBatch {
  rep: Extract<Endpoint, { kind: 'nic' }>;
  src: IntervalSet;
  key: string;
}

/** What a walk to one destination says about its look-alikes. */
interface Template {
  /** Names the template in memo keys. */
  id: number;
  vnetId: ResourceId;
  kind: Endpoint['kind'];
  /**
   * Boundary lists and the index of the atom that held the walked destination; for route tables,
   * the decision each atom stands for (the same decision is enough: the routes differ only in name).
   */
  checks: { cuts: number[]; atom: number; decisions?: string[] }[];
  /** The packets arriving at the destination's own NSGs (undefined: stopped before). */
  arrival?: PacketSpace;
  nsgBefore: boolean;
  /** The NSGs applied before the destination's own (where and in which direction). */
  calls: NsgUse[];
}

/** One NSG filter point met on a path. */
export interface NsgUse {
  point: FilterPoint;
  direction: Direction;
}

/** What gets from a batch to a destination, and the NSGs on the way (for default-rule questions). */
export interface BatchReach {
  space: PacketSpace;
  nsgOnPath: boolean;
  nsgs: NsgUse[];
  /**
   * Set when the answer came from a walk template and a memoised destination NSG context: two
   * answers of one batch with the same shape are the same packets up to the destination address
   * (and the same NSGs on the way), so whatever a caller derives from one holds for the other.
   */
  shape?: string;
}

interface NsgCall {
  point: FilterPoint;
  direction: Direction;
  input: PacketSpace;
  hasNsg: boolean;
}

/** A route table's longest-prefix-match partition (a function of the table alone). */
const partitions = new WeakMap<EffectiveRouteTable, RoutePartition>();

/**
 * What every ReachKit of one data plane shares, whatever its question and port scope: filter
 * points and the address boundaries their NSGs and the firewalls draw. Bounded by the estate's
 * size (unlike the per-question memo tables), so it lives as long as the data plane.
 */
interface PlaneMemo {
  points: Map<VirtualNetworkTag, Map<string, Map<string, { id: number; cuts: number[][] }>>>;
  pointCount: number;
  fwCuts: Map<AzureFirewall, { src?: number[]; dst?: number[] }>;
  filterPoints: WeakMap<Endpoint, FilterPoint>;
  routeFirewalls: WeakMap<EffectiveRouteTable, Map<ResourceId, AzureFirewall[]>>;
  /**
   * Destination inbound NSG results keyed by what decides them alone (see inboundAtDestination):
   * the same for every question, so later questions (the next blast) start with them.
   */
  inbound: Map<string, PacketSpace>;
  /** Numbers for arrival shapes (protocols and ports of each box), the inbound memo's keys. */
  arrivalShapes: PortShapes;
  /**
   * The values of `inbound`, shared: a memoised result is only ever read with both addresses
   * substituted, so results with the same protocols and ports box by box are one object
   * (~9,800 results of a cold blast at tier L; each kept its own boxes and sets before).
   */
  inboundResults: PortShapes;
  /** NSG permits per filter point and atoms (every protocol and port: no question's scope in them). */
  nsg: Map<string, PacketSpace>;
  /** Firewall network permits per firewall and atoms (every protocol and port). */
  fw: Map<string, { network: PacketSpace; notes: string[] }>;
  /** Per compiled NSG, its rules' address boundaries (see ReachKit.ruleCutsOf). */
  ruleCuts: WeakMap<CompiledNsg, { fixed: number[]; tagged: IntervalSet[] }[]>;
  /** Boundaries of tagged rule parts with the tag filled in, by tag set and part (see taggedCuts). */
  taggedCuts: WeakMap<IntervalSet, Map<IntervalSet, number[]>>;
  /** Address sets a route table delivers to (keys name the port scope where it matters). */
  sets: Map<string, IntervalSet>;
  /** A short number per VNet id for the keys of `sets` (the ids are ~130 characters, hashed again in every fresh key). */
  vnetNumbers: Map<ResourceId, number>;
}

const planeMemos = new WeakMap<DataPlane, PlaneMemo>();

function planeMemo(dp: DataPlane): PlaneMemo {
  let m = planeMemos.get(dp);
  if (!m) planeMemos.set(dp, (m = { points: new Map(), pointCount: 0, fwCuts: new Map(), filterPoints: new WeakMap(), routeFirewalls: new WeakMap(), inbound: new Map(), arrivalShapes: new PortShapes(), inboundResults: new PortShapes(100_000), nsg: new Map(), fw: new Map(), ruleCuts: new WeakMap(), taggedCuts: new WeakMap(), sets: new Map(), vnetNumbers: new Map() }));
  return m;
}

/**
 * Memo tables and walks for one question (one data plane, one port scope). Every walk's caveats
 * are collected in `caveats`.
 */
export class ReachKit {
  readonly caveats = new CaveatSet();
  readonly stats: KitStats = { walks: 0, templated: 0, fastPaths: 0, nsgComputations: 0, firewallComputations: 0, inboundComputations: 0 };
  private readonly plane: PlaneMemo;
  /**
   * Walk templates by batch (or batch signature), then by the destination's VNet, then its kind: the
   * ids are looked up as they are (their hashes are cached), not joined into a fresh key per call.
   */
  private readonly templates = new Map<string, Map<ResourceId, Map<Endpoint['kind'], Template[]>>>();
  private readonly subnetByDisplay = new Map<string, ResourceId>();
  private readonly sigCache = new Map<string, string>();
  private readonly inboundCache = new Map<string, PacketSpace>();
  private readonly allowedLists = new Map<string, AllowedPorts[]>();
  private readonly batchKeys = new WeakMap<SourceBatch, Map<FilterMode, { own: string; shared?: string }>>();
  private readonly arrivalShapes = new WeakMap<PacketSpace, { id: number; src?: IntervalSet }>();
  private readonly interned = new Map<string, Map<number, number>>();
  private arrivalCount = 0;
  private nextTemplateId = 1;
  readonly scopeBox: Box;
  /** Names the port scope in plane-wide memo keys whose answers depend on it. */
  private readonly scopeKey: string;

  constructor(readonly dp: DataPlane, readonly scope: PortScope) {
    this.plane = planeMemo(dp);
    this.scopeBox = { protocols: scope.protocols, src: ALL_IPS, srcPorts: ALL_PORTS, dst: ALL_IPS, dstPorts: scope.dstPorts };
    this.scopeKey = `${scope.protocols.key()}/${scope.dstPorts.key()}`;
  }

  // ---- NSGs ------------------------------------------------------------------------------------

  pointOf(e: Endpoint): FilterPoint {
    // Rule 3.11: AVNM security admin rules decide before this endpoint's NSGs and are not modelled
    // (outside the memo: the memo tables outlive one question's caveats).
    if (this.dp.topology.securityAdminVnets.size > 0) {
      const admin = securityAdminCaveat(this.dp.snapshot, this.dp.topology, e.subnetId);
      if (admin) this.caveats.add(admin);
    }
    let p = this.plane.filterPoints.get(e);
    if (p) return p;
    const nicId = e.kind === 'nic' ? e.nicId : e.kind === 'privateEndpoint' ? e.nicId : undefined;
    p = filterPointFor(this.dp, e.subnetId, nicId, e.kind === 'privateEndpoint');
    this.plane.filterPoints.set(e, p);
    return p;
  }

  private nsgOrder(point: FilterPoint, direction: Direction): ResourceId[] {
    const list = direction === 'Inbound' ? [point.subnetNsgId, point.nicNsgId] : [point.nicNsgId, point.subnetNsgId];
    return list.filter((x): x is ResourceId => x !== undefined && this.dp.compiledNsg(x) !== undefined);
  }

  /** nsgOrder(point, direction) is not empty (the order does not matter here: no list is built). */
  hasNsg(point: FilterPoint, _direction: Direction): boolean {
    const { subnetNsgId, nicNsgId } = point;
    return (subnetNsgId !== undefined && this.dp.compiledNsg(subnetNsgId) !== undefined) || (nicNsgId !== undefined && this.dp.compiledNsg(nicNsgId) !== undefined);
  }

  /** A number for a filter point and its memo slots, looked up by the ids themselves (their hashes are cached; a joined key's is not). */
  private pointInfo(point: FilterPoint): { id: number; cuts: number[][] } {
    const plane = this.plane;
    // What the NSGs at a point decide depends on the subnet only through its VirtualNetwork tag
    // (shared by look-alike subnets): one number, one set of memo slots, for all of them.
    const tag = this.dp.virtualNetworkTag(point.subnetId);
    let byTag = plane.points.get(tag);
    if (!byTag) plane.points.set(tag, (byTag = new Map()));
    let byNic = byTag.get(point.subnetNsgId ?? '');
    if (!byNic) byTag.set(point.subnetNsgId ?? '', (byNic = new Map()));
    // A private endpoint's point judges inbound traffic with source ports ignored (rule 3.14).
    const nicKey = point.anySourcePort ? '#private-endpoint' : point.nicNsgId ?? '';
    let info = byNic.get(nicKey);
    if (!info) byNic.set(nicKey, (info = { id: ++plane.pointCount, cuts: [] }));
    return info;
  }

  /** Address boundaries the NSGs at `point` draw, in `direction`, on the source or destination. */
  nsgCutsOf(point: FilterPoint, direction: Direction, dim: 'src' | 'dst'): number[] {
    const slots = this.pointInfo(point).cuts;
    const slot = (direction === 'Inbound' ? 0 : 2) + (dim === 'src' ? 0 : 1);
    const hit = slots[slot];
    if (hit) return hit;
    const vnetTag = this.dp.virtualNetworkTag(point.subnetId).set;
    // Built in a loop: the length of map's arrays (empty or not) kept sending this back to the compiler.
    const parts: { fixed: number[]; tagged: IntervalSet[] }[] = [];
    for (const id of this.nsgOrder(point, direction)) parts.push(this.ruleCutsOf(nsgAt(this.dp, point, id, direction)!, slot));
    let cuts: number[];
    if (parts.length === 1 && parts[0].tagged.length === 0) cuts = parts[0].fixed;
    else {
      // The same boundaries as every rule's box at this point: the rules that name the
      // VirtualNetwork tag are the only ones whose box depends on the point. Sorted lists merged
      // (each tagged part once: most are the same set, often the empty one).
      const lists: number[][] = [];
      const seen = new Set<IntervalSet>();
      for (const p of parts) {
        lists.push(p.fixed);
        for (const t of p.tagged) {
          if (seen.has(t)) continue;
          seen.add(t);
          lists.push(this.taggedCuts(t, vnetTag));
        }
      }
      cuts = mergeSortedUnique(lists);
    }
    slots[slot] = cuts;
    return cuts;
  }

  /**
   * The boundaries of a tagged rule part with the VirtualNetwork tag filled in: per part and tag,
   * not per filter point (every NSG's default AllowVnetInBound names the tag alone, so points
   * that share a tag share this list).
   */
  private taggedCuts(part: IntervalSet, vnetTag: IntervalSet): number[] {
    let byPart = this.plane.taggedCuts.get(vnetTag);
    if (!byPart) this.plane.taggedCuts.set(vnetTag, (byPart = new Map()));
    let cuts = byPart.get(part);
    if (!cuts) byPart.set(part, (cuts = cutsOfSet(part.union(vnetTag))));
    return cuts;
  }

  /**
   * One NSG's share of nsgCutsOf (slot: direction and dimension as there): the boundaries of its rules
   * that do not name the VirtualNetwork tag on that dimension, sorted, and the fixed part of those
   * that do (the tag is added per point). Computed once per NSG, not once per subnet it guards.
   */
  private ruleCutsOf(nsg: CompiledNsg, slot: number): { fixed: number[]; tagged: IntervalSet[] } {
    let slots = this.plane.ruleCuts.get(nsg);
    if (!slots) this.plane.ruleCuts.set(nsg, (slots = []));
    let hit = slots[slot];
    if (hit) return hit;
    const dim = slot % 2 === 0 ? 'src' : 'dst';
    // Rules compiled from the same text share their sets: each distinct set's cuts once.
    const lists: number[][] = [];
    const seen = new Set<IntervalSet>();
    const tagged: IntervalSet[] = [];
    for (const c of slot < 2 ? nsg.inbound : nsg.outbound) {
      if (c[dim].virtualNetwork) tagged.push(c[dim].fixed);
      else if (!seen.has(c[dim].fixed)) {
        seen.add(c[dim].fixed);
        lists.push(cutsOfSet(c[dim].fixed));
      }
    }
    slots[slot] = hit = { fixed: mergeSortedUnique(lists), tagged };
    return hit;
  }

  /**
   * The packets the NSGs at `point` let through in `direction`, for every packet whose source is
   * in `srcPin` and destination in `dstPin` (each widened to its atom when it fits in one).
   * `mode: 'default'` keeps only what default rules allow at every NSG (a custom allow counts as
   * a deny); `default-inbound` does so for inbound NSGs only.
   */
  nsgPermits(point: FilterPoint, direction: Direction, srcPin: IntervalSet, dstPin: IntervalSet, requested: FilterMode = 'all'): PacketSpace {
    const mode = requested === 'default-inbound' ? (direction === 'Inbound' ? 'default' : 'all') : requested;
    // A pin that straddles atoms is widened to everything: computed once, shared by every caller.
    // The key names each atom by its index (-1: widened to everything).
    const srcCuts = this.nsgCutsOf(point, direction, 'src');
    const dstCuts = this.nsgCutsOf(point, direction, 'dst');
    const si = atomOf(srcCuts, srcPin);
    const di = atomOf(dstCuts, dstPin);
    const key = `${mode}|${direction}|${this.pointInfo(point).id}|${si}|${di}`;
    const hit = this.plane.nsg.get(key);
    if (hit) return hit;
    const src = si < 0 ? ALL_IPS : atomAt(srcCuts, si);
    const dst = di < 0 ? ALL_IPS : atomAt(dstCuts, di);
    this.stats.nsgComputations++;
    const vnetTag = this.dp.virtualNetworkTag(point.subnetId).set;
    let cur = PacketSpace.of({ protocols: ALL_PROTOCOLS, src, srcPorts: ALL_PORTS, dst, dstPorts: ALL_PORTS });
    for (const id of this.nsgOrder(point, direction)) {
      const nsg = nsgAt(this.dp, point, id, direction)!;
      // Only rules that can match the pinned addresses matter (the others never meet the query).
      const relevant = (direction === 'Inbound' ? nsg.inbound : nsg.outbound).filter((c) => {
        const b = ruleBox(c, vnetTag);
        return b.src.intersects(src) && b.dst.intersects(dst);
      });
      const reduced: CompiledNsg = { nsg: nsg.nsg, inbound: direction === 'Inbound' ? relevant : [], outbound: direction === 'Outbound' ? relevant : [] };
      const r = computeNsgPermits(reduced, direction, cur, vnetTag);
      cur = mode === 'all' ? r.allowed : new PacketSpace(r.allowedBy.filter((p) => isDefaultRule(p.rule)).flatMap((p) => p.space.boxes));
      if (cur.isEmpty()) break;
    }
    if (this.plane.nsg.size > 400_000) this.plane.nsg.clear();
    this.plane.nsg.set(key, cur);
    return cur;
  }

  /**
   * `space` filtered by the NSGs at `point`. Outbound (the source side, shared by every destination
   * of a batch) through the memo table; inbound (the destination side, asked about once or twice per
   * destination) directly on the packets at hand, which is cheaper than a memoised wide query.
   */
  applyNsgs(point: FilterPoint, direction: Direction, space: PacketSpace, mode: FilterMode): PacketSpace {
    if (space.isEmpty() || !this.hasNsg(point, direction)) return space;
    if (direction === 'Inbound' && mode === 'all') return computeEndpointPermits(this.dp, point, direction, space).allowed;
    return space.intersect(this.nsgPermits(point, direction, space.project('src'), space.project('dst'), mode));
  }

  // ---- Azure Firewall ------------------------------------------------------------------------------

  /** The address boundaries a firewall's network and application rules draw on one dimension. */
  firewallCutsOf(fw: AzureFirewall, dim: 'src' | 'dst'): number[] {
    let both = this.plane.fwCuts.get(fw);
    if (!both) this.plane.fwCuts.set(fw, (both = {}));
    let cuts = both[dim];
    if (cuts) return cuts;
    const set = new Set<number>();
    const c = compiledFirewall(this.dp, fw);
    for (const { rules } of [...c.network, ...c.application]) for (const r of rules) addCuts(set, r.box[dim]);
    cuts = [...set].sort((a, b) => a - b);
    both[dim] = cuts;
    return cuts;
  }

  /**
   * What the firewall's network rules allow from sources in `srcPin` to destinations in `dstPin`
   * (each widened to its atom); no FQDN, so application rules do not apply.
   */
  firewallPermits(fw: AzureFirewall, srcPin: IntervalSet, dstPin: IntervalSet): { network: PacketSpace; notes: string[] } {
    // The key names each atom by its number (a pin that straddles atoms by its own text) and the
    // firewall by its object number: no long id and no address text per call.
    const srcCuts = this.firewallCutsOf(fw, 'src');
    const dstCuts = this.firewallCutsOf(fw, 'dst');
    const si = atomOf(srcCuts, srcPin);
    const di = atomOf(dstCuts, dstPin);
    const key = `${objectId(fw)}|${si >= 0 ? si : `p${srcPin.key()}`}|${di >= 0 ? di : `p${dstPin.key()}`}`;
    let hit = this.plane.fw.get(key);
    if (!hit) {
      const src = si >= 0 ? atomAt(srcCuts, si) : srcPin;
      const dst = di >= 0 ? atomAt(dstCuts, di) : dstPin;
      this.stats.firewallComputations++;
      const r = computeFirewallPermits(this.dp, fw, PacketSpace.of({ protocols: ALL_PROTOCOLS, src, srcPorts: ALL_PORTS, dst, dstPorts: ALL_PORTS }), {});
      hit = { network: r.network, notes: r.notes };
      if (this.plane.fw.size > 200_000) this.plane.fw.clear();
      this.plane.fw.set(key, hit);
    }
    return hit;
  }

  /**
   * A superset of the destinations the firewall's network rules may allow from `src` within the
   * port scope: every allow rule that can match (earlier denies ignored). For pruning only.
   */
  private firewallDestinations(fw: AzureFirewall, src: IntervalSet): IntervalSet {
    const key = `fd|${this.scopeKey}|${objectId(fw)}|${(atomRange(this.firewallCutsOf(fw, 'src'), src) ?? src).key()}`;
    let hit = this.plane.sets.get(key);
    if (hit) return hit;
    const ranges: [number, number][] = [];
    for (const { oc, rules } of compiledFirewall(this.dp, fw).network) {
      if (oc.collection.action === 'Deny') continue;
      for (const r of rules) {
        if (!r.box.src.intersects(src) || !r.box.protocols.intersects(this.scope.protocols)) continue;
        if (!r.box.dstPorts.intersects(this.scope.dstPorts) && !r.box.protocols.subtract(TCP_UDP).intersects(this.scope.protocols)) continue;
        for (const x of r.box.dst.ranges()) ranges.push(x);
      }
    }
    hit = IntervalSet.fromRanges(ranges);
    this.rememberSet(key, hit);
    return hit;
  }

  private rememberSet(key: string, set: IntervalSet): void {
    if (this.plane.sets.size > 400_000) this.plane.sets.clear();
    this.plane.sets.set(key, set);
  }

  // ---- filters for the walk --------------------------------------------------------------------------

  /** Filters with the engine's reach semantics, memoised; every NSG and firewall consulted is recorded. */
  filters(mode: FilterMode, log: FilterLog): Filters {
    // Made by module-level functions: a function written here as a property of the object literal
    // is named at run time (tsx compiles with keepNames), two property definitions per walk.
    return { mode: 'reach', nsg: nsgFilter(this, mode, log), firewall: firewallFilter(this, log) };
  }

  /** What the memoised filters do at an NSG filter point (see filters). */
  filterNsg(mode: FilterMode, log: FilterLog, point: FilterPoint, direction: Direction, space: PacketSpace): FilterResult {
    const hasNsg = this.hasNsg(point, direction);
    log.nsg.push({ point, direction, input: space, hasNsg });
    if (space.isEmpty() || !hasNsg) return { space, steps: [] };
    if (direction === 'Inbound' && mode === 'all') return { space: this.inboundMemoised(point, space), steps: [] };
    return { space: this.applyNsgs(point, direction, space, mode), steps: [] };
  }

  /** What the memoised filters do at an Azure Firewall (see filters). */
  filterFirewall(log: FilterLog, fw: AzureFirewall, space: PacketSpace, q: FirewallQuery): FirewallResult {
    log.firewalls.push(fw);
    if (q.fqdn || q.toPublicIp) {
      const r = computeFirewallPermits(this.dp, fw, space, q);
      return { network: r.network, application: r.application, steps: [], notes: r.notes };
    }
    const p = this.firewallPermits(fw, space.project('src'), space.project('dst'));
    return { network: space.intersect(p.network), application: PacketSpace.EMPTY, steps: [], notes: p.notes };
  }

  private runLogged(q: PathQuery, mode: FilterMode, srcOverride?: IntervalSet): { run: ReturnType<typeof runPath>; log: { nsg: NsgCall[]; firewalls: AzureFirewall[] } } {
    this.stats.walks++;
    const log = { nsg: [] as NsgCall[], firewalls: [] as AzureFirewall[] };
    const run = runPath(this.dp, q, this.filters(mode, log), (src, dst) =>
      PacketSpace.of({ protocols: this.scope.protocols, src: srcOverride ?? q.sources ?? src, srcPorts: ALL_PORTS, dst: IntervalSet.point(dst), dstPorts: this.scope.dstPorts }),
    );
    this.caveats.addAll(run.caveats.list());
    return { run, log };
  }

  /** The engine's runPath with the memoised filters: the outcomes that get through. */
  run(q: PathQuery, mode: FilterMode = 'all'): WalkRun {
    const { run, log } = this.runLogged(q, mode);
    const nsgOnPath = log.nsg.some((c) => c.hasNsg);
    if (run.error) return { outcomes: [], entries: [], dstLabel: run.dstLabel, nsgOnPath, error: run.error };
    const dstExternal = q.to.kind === 'external' || q.to.kind === 'internet';
    return { outcomes: run.outcomes.filter((o) => isReachable(o, dstExternal)), entries: run.entries, dstLabel: run.dstLabel, nsgOnPath };
  }

  /** A walk from every NIC of a batch at once (to storage, the internet, on-premises...). */
  runBatch(batch: SourceBatch, to: ResolvedRef): WalkRun {
    const q: PathQuery = { from: endpointRef(batch.rep), to };
    const { run, log } = this.runLogged(q, 'all', batch.src);
    const nsgOnPath = log.nsg.some((c) => c.hasNsg);
    if (run.error) return { outcomes: [], entries: [], dstLabel: run.dstLabel, nsgOnPath, error: run.error };
    const dstExternal = to.kind === 'external' || to.kind === 'internet';
    return { outcomes: run.outcomes.filter((o) => isReachable(o, dstExternal)), entries: run.entries, dstLabel: run.dstLabel, nsgOnPath };
  }

  /** A walk: what gets from q.from to q.to within the port scope. */
  walk(q: PathQuery, mode: FilterMode = 'all'): PairReach {
    const r = this.run(q, mode);
    if (r.error) return NO_REACH;
    return this.summarize(r.outcomes.map((o) => ({ space: o.space, frontendPort: o.label?.frontendPort })), r.dstLabel, r.nsgOnPath);
  }

  /**
   * What got through grouped as computeReach groups it: per protocol, source set and entry point,
   * with the destination ports (the frontend port where a translation happened).
   */
  parts(outcomes: Outcome[], dstLabel: string): SourcedPart[] {
    const groups = new Map<string, SourcedPart>();
    let other = false;
    let restricted = false;
    for (const o of outcomes) {
      for (const b of o.space.boxes) {
        for (const [name, n] of NAMED) {
          if (!b.protocols.has(n)) continue;
          const ports = !isPortProtocol(n) ? IntervalSet.EMPTY : o.label?.frontendPort !== undefined ? IntervalSet.point(o.label.frontendPort) : b.dstPorts;
          if (isPortProtocol(n) && !allSourcePorts(b)) restricted = true;
          const key = `${name}|${b.src.key()}|${o.label?.entry ?? ''}`;
          const g = groups.get(key);
          if (g) g.portSet = g.portSet.union(ports);
          else groups.set(key, { protocol: name, protocolNumber: n, sources: b.src, portSet: ports, via: o.label?.entry, dstLabel });
        }
        if (!b.protocols.subtract(NAMED_SET).isEmpty()) other = true;
      }
    }
    if (other) this.caveats.add(CAVEATS.otherProtocols);
    if (restricted) this.caveats.add(CAVEATS.sourcePortsMerged);
    return [...groups.values()].filter((g) => !isPortProtocol(g.protocolNumber) || !g.portSet.isEmpty());
  }

  /**
   * The destination ports of `space` per named protocol, in NAMED's order (undefined: the protocol
   * is not in it; empty: it is, without ports, as Icmp), of the boxes from `srcIp` only when given.
   * Notes the caveat when other protocols get through too.
   */
  private namedPorts(space: PacketSpace, srcIp?: number): (IntervalSet | undefined)[] {
    const ports: (IntervalSet | undefined)[] = [undefined, undefined, undefined, undefined, undefined];
    let other = false;
    let restricted = false;
    for (const b of space.boxes) {
      if (srcIp !== undefined && !b.src.has(srcIp)) continue;
      for (let i = 0; i < NAMED.length; i++) {
        const n = NAMED[i][1];
        if (!b.protocols.has(n)) continue;
        ports[i] = (ports[i] ?? IntervalSet.EMPTY).union(isPortProtocol(n) ? b.dstPorts : IntervalSet.EMPTY);
        if (isPortProtocol(n) && !allSourcePorts(b)) restricted = true;
      }
      if (!b.protocols.subtract(NAMED_SET).isEmpty()) other = true;
    }
    if (other) this.caveats.add(CAVEATS.otherProtocols);
    if (restricted) this.caveats.add(CAVEATS.sourcePortsMerged);
    return ports;
  }

  /**
   * `summarize([{ space: <space's packets from srcIp> }], ...).allowed`, without building the rest
   * of the answer: the per-protocol ports of the packets from `srcIp`. Equal lists are one shared
   * array (never mutated), so a search that reaches thousands of endpoints keeps few of them.
   */
  allowedFrom(space: PacketSpace, srcIp: number): AllowedPorts[] {
    const ports = this.namedPorts(space, srcIp);
    let key = '';
    for (let i = 0; i < NAMED.length; i++) {
      const p = ports[i];
      if (p && (!isPortProtocol(NAMED[i][1]) || !p.isEmpty())) key += `${i}:${p.key()};`;
    }
    let allowed = this.allowedLists.get(key);
    if (!allowed) {
      const byNumber = new Map<number, IntervalSet>();
      for (let i = 0; i < NAMED.length; i++) if (ports[i]) byNumber.set(NAMED[i][1], ports[i]!);
      this.allowedLists.set(key, (allowed = allowedOf(byNumber)));
    }
    return allowed;
  }

  /**
   * What summarize([{ space }], ...) says of `space` that the matrix keeps: the ports per protocol
   * and the example's protocol and port (undefined where summarize allows nothing), without the
   * answer's strings and lists. Same caveat, in the same place.
   */
  portsOf(space: PacketSpace): { ports: Map<number, IntervalSet>; kind: ExampleKind } | undefined {
    const per = this.namedPorts(space);
    const ports = new Map<number, IntervalSet>();
    let kind: ExampleKind | undefined;
    for (let i = 0; i < NAMED.length; i++) {
      const p = per[i];
      const [name, n] = NAMED[i];
      if (!p || (isPortProtocol(n) && p.isEmpty())) continue;
      ports.set(n, p);
      // summarize's example: the first protocol of allowedOf's order (NAMED), its lowest port.
      kind ??= isPortProtocol(n) ? { protocol: name, dstPort: p.min() } : { protocol: name };
    }
    return kind ? { ports, kind } : undefined;
  }

  /** Ports per protocol of what got through (frontend ports where a translation happened). */
  summarize(pieces: { space: PacketSpace; frontendPort?: number }[], dstLabel: string, nsgOnPath: boolean): PairReach {
    const ports = new Map<number, IntervalSet>();
    const boxes: Box[] = [];
    let other = false;
    let restricted = false;
    for (const o of pieces) {
      for (const b of o.space.boxes) {
        boxes.push(b);
        for (const [, n] of NAMED) {
          if (!b.protocols.has(n)) continue;
          const p = !isPortProtocol(n) ? IntervalSet.EMPTY : o.frontendPort !== undefined ? IntervalSet.point(o.frontendPort) : b.dstPorts;
          ports.set(n, (ports.get(n) ?? IntervalSet.EMPTY).union(p));
          if (isPortProtocol(n) && !allSourcePorts(b)) restricted = true;
        }
        if (!b.protocols.subtract(NAMED_SET).isEmpty()) other = true;
      }
    }
    if (other) this.caveats.add(CAVEATS.otherProtocols);
    if (restricted) this.caveats.add(CAVEATS.sourcePortsMerged);
    for (const [n, p] of [...ports]) if (isPortProtocol(n) && p.isEmpty()) ports.delete(n);
    const allowed = allowedOf(ports);
    if (allowed.length === 0) return { ...NO_REACH, nsgOnPath };
    const space = new PacketSpace(boxes);
    const first = allowed[0];
    const n = PROTOCOL_NUMBERS[first.protocol as keyof typeof PROTOCOL_NUMBERS];
    const box = boxes.find((b) => b.protocols.has(n));
    const example: FlowExample = { src: formatIPv4(box?.src.min() ?? 0), dst: dstLabel, protocol: first.protocol, ...(isPortProtocol(n) ? { dstPort: ports.get(n)!.min() } : {}) };
    return { space, allowed, ports, example, nsgOnPath };
  }

  // ---- routing -------------------------------------------------------------------------------------

  /** The longest-prefix-match partition of a route table: the next hop is constant on each interval. */
  partition(table: EffectiveRouteTable): RoutePartition {
    let p = partitions.get(table);
    if (p) return p;
    const set = new Set<number>([0]);
    for (const e of table.entries) {
      set.add(e.cidr.start);
      if (e.cidr.end < 0xffffffff) set.add(e.cidr.end + 1);
    }
    const cuts = [...set].sort((a, b) => a - b);
    // One route usually covers several intervals: what it decides is worked out once per route.
    const byRoute = new Map<EffectiveRoute | undefined, RouteDecision>();
    const hops: RouteDecision[] = new Array(cuts.length);
    const decisions: string[] = new Array(cuts.length);
    for (let i = 0; i < cuts.length; i++) {
      const route = table.lookup(cuts[i])?.route;
      let d = byRoute.get(route);
      if (!d) {
        d = sharedDecision(route);
        byRoute.set(route, d);
      }
      hops[i] = d;
      decisions[i] = d.decision;
    }
    p = { cuts, decisions, hops };
    partitions.set(table, p);
    return p;
  }

  /** The Azure Firewalls a route table's VirtualAppliance routes lead to (from `vnetId`), in route order, each once. */
  private routeFirewalls(table: EffectiveRouteTable, vnetId: ResourceId): AzureFirewall[] {
    let byVnet = this.plane.routeFirewalls.get(table);
    if (!byVnet) this.plane.routeFirewalls.set(table, (byVnet = new Map()));
    let list = byVnet.get(vnetId);
    if (list) return list;
    const found = new Set<AzureFirewall>();
    for (const d of this.partition(table).hops) {
      if (d.nextHopType !== 'VirtualAppliance' || d.nextHopIp === undefined) continue;
      const hop = this.applianceAt(vnetId, d.nextHopIp);
      const fw = hop?.kind === 'firewall' ? this.dp.snapshot.azureFirewalls.get(hop.firewallId) : undefined;
      if (fw) found.add(fw);
    }
    byVnet.set(vnetId, (list = [...found]));
    return list;
  }

  /** A short number for a VNet id, for memo keys (looked up by the id itself, whose hash is cached). */
  private vnetNumber(vnetId: ResourceId): number {
    const numbers = this.plane.vnetNumbers;
    let n = numbers.get(vnetId);
    if (n === undefined) numbers.set(vnetId, (n = numbers.size + 1));
    return n;
  }

  /** The endpoint a VirtualAppliance next hop names, in the VNet or a directly peered one. */
  applianceAt(vnetId: ResourceId, ip: number): Endpoint | undefined {
    const own = this.dp.addresses.byVnet.get(vnetId)?.get(ip);
    if (own) return own;
    for (const p of this.dp.topology.vnets.get(vnetId)?.peers ?? []) {
      if (!p.connected) continue;
      const e = this.dp.addresses.byVnet.get(p.remoteVnetId)?.get(ip);
      if (e) return e;
    }
    return undefined;
  }

  /**
   * Addresses a packet routed out of `subnetId` can be delivered to inside the estate, whatever
   * the filters (VnetLocal in its VNet, peerings, private endpoints, further appliances); with
   * `outside`, also the routes that leave the estate (gateway, internet).
   */
  deliverableFrom(subnetId: ResourceId, vnetId: ResourceId, outside = false): IntervalSet {
    const table = this.dp.routesForSubnet(subnetId);
    const vnetSet = this.dp.topology.vnets.get(vnetId)?.addressSet ?? IntervalSet.EMPTY;
    const info = this.dp.topology.vnets.get(vnetId);
    const v2v = info ? vnetToVnetSet(info) : IntervalSet.EMPTY;
    // A function of the route table, the VNet's address space and its VNet-to-VNet prefixes
    // (nothing else of the VNet is read): shared by look-alike subnets, keyed by object numbers
    // rather than the VNet's long id.
    const key = `d|${outside ? 'x' : 'i'}|${table ? objectId(table) : 0}|${objectId(vnetSet)}|${v2v.isEmpty() ? 0 : objectId(v2v)}`;
    const cached = this.plane.sets.get(key);
    if (cached) return cached;
    // The partition's intervals are in address order: their parts are joined in that order.
    const parts: IntervalSet[] = [];
    const p = table ? this.partition(table) : undefined;
    for (let i = 0; p && i < p.cuts.length; i++) {
      const t = p.hops[i].nextHopType;
      if (t === 'VnetLocal') parts.push(IntervalSet.range(p.cuts[i], intervalEnd(p, i)).intersect(vnetSet));
      else if (t === 'VNetPeering' || t === 'InterfaceEndpoint' || t === 'VirtualAppliance' || (outside && (t === 'VirtualNetworkGateway' || t === 'Internet'))) parts.push(IntervalSet.range(p.cuts[i], intervalEnd(p, i)));
      else if (t === 'VirtualNetworkGateway') parts.push(this.overVnetToVnet(vnetId, p.cuts[i], intervalEnd(p, i)));
    }
    const result = IntervalSet.joinOrdered(parts);
    this.rememberSet(key, result);
    return result;
  }

  /**
   * The part of [lo, hi] (routed to the gateway from `vnetId`) that VNet-to-VNet connections carry
   * into another VNet of the estate (rule 9.1; the walk follows it through the remote gateway).
   */
  private overVnetToVnet(vnetId: ResourceId, lo: number, hi: number): IntervalSet {
    const info = this.dp.topology.vnets.get(vnetId);
    return info ? IntervalSet.range(lo, hi).intersect(vnetToVnetSet(info)) : IntervalSet.EMPTY;
  }

  /**
   * A superset of the addresses packets from `src` (addresses of NICs in `subnetId`) can reach:
   * the routes of the subnet that deliver (VnetLocal in its VNet, peerings, private endpoints,
   * appliances) and, for routes to an Azure Firewall, what its network rules allow from `src` and
   * what the firewall's subnet delivers. With `outside`, routes that leave the estate count too.
   * A necessary condition, checked before any walk; shared by every source in one firewall atom.
   */
  routeReachable(subnetId: ResourceId, vnetId: ResourceId, src: IntervalSet, outside = false): IntervalSet {
    const table = this.dp.routesForSubnet(subnetId);
    if (!table) return IntervalSet.EMPTY;
    const p = this.partition(table);
    // The firewall atoms of the source decide the firewall part; key the memo by them (by the
    // atom's number; by the whole source set when it straddles atoms).
    let key = `r|${this.scopeKey}|${outside ? 'x' : 'i'}|${objectId(table)}|${this.vnetNumber(vnetId)}|`;
    for (const fw of this.routeFirewalls(table, vnetId)) {
      const atom = atomOf(this.firewallCutsOf(fw, 'src'), src);
      key += `${objectId(fw)}:${atom >= 0 ? atom : src.key()};`;
    }
    const cached = this.plane.sets.get(key);
    if (cached) return cached;
    const vnetSet = this.dp.topology.vnets.get(vnetId)?.addressSet ?? IntervalSet.EMPTY;
    // The partition's intervals are in address order: their parts are joined in that order.
    const parts: IntervalSet[] = [];
    for (let i = 0; i < p.cuts.length; i++) {
      const iv = p.hops[i];
      const lo = p.cuts[i];
      const hi = intervalEnd(p, i);
      let part: IntervalSet;
      switch (iv.nextHopType) {
        case 'VnetLocal':
          part = IntervalSet.range(lo, hi).intersect(vnetSet);
          break;
        case 'VNetPeering':
        case 'InterfaceEndpoint':
          part = IntervalSet.range(lo, hi);
          break;
        case 'VirtualAppliance': {
          part = IntervalSet.range(lo, hi);
          const hop = iv.nextHopIp !== undefined ? this.applianceAt(vnetId, iv.nextHopIp) : undefined;
          if (hop?.kind === 'firewall') {
            const fw = this.dp.snapshot.azureFirewalls.get(hop.firewallId);
            if (fw) part = part.intersect(this.firewallDestinations(fw, src));
          }
          // The appliance routes onwards from its own subnet: only what that subnet delivers.
          if (hop) part = part.intersect(this.deliverableFrom(hop.subnetId, hop.vnetId, outside));
          break;
        }
        case 'VirtualNetworkGateway':
          // Leaves the estate (on-premises), or enters another VNet of it over a VNet-to-VNet connection.
          part = outside ? IntervalSet.range(lo, hi) : this.overVnetToVnet(vnetId, lo, hi);
          break;
        case 'Internet':
          // Leaves the estate: the internet (a private address is dropped there).
          part = outside ? IntervalSet.range(lo, hi) : IntervalSet.EMPTY;
          break;
        default:
          part = IntervalSet.EMPTY;
      }
      parts.push(part);
    }
    const result = IntervalSet.joinOrdered(parts);
    this.rememberSet(key, result);
    return result;
  }

  // ---- NICs to endpoints ---------------------------------------------------------------------------

  /** A batch of NICs that share subnet and NSGs (the caller groups them); `rep` walks for all. */
  batch(members: Extract<Endpoint, { kind: 'nic' }>[]): SourceBatch {
    const rep = members.reduce((a, b) => (b.ip < a.ip ? b : a));
    const src = IntervalSet.fromPoints(members.map((m) => m.ip));
    return { rep, src, key: `${rep.vnetId}|${rep.ip}|${src.key()}` };
  }

  /**
   * NICs with the same key leave through the same route table, VirtualNetwork tag and NSGs (their
   * subnets may differ): one walk to a NIC or private endpoint answers for all of them. (Walks to
   * storage or out of the estate also depend on the subnet and the NIC's egress.)
   */
  walkGroupKey(e: Extract<Endpoint, { kind: 'nic' }>): string {
    const [route, tag, subnetNsg, nicNsg] = this.walkGroupParts(e);
    return `${typeof route === 'string' ? route : objectId(route)}|${objectId(tag)}|${subnetNsg}|${nicNsg}`;
  }

  /**
   * What walkGroupKey joins, as the objects and ids themselves (the route table, or the subnet when
   * it has none; the VirtualNetwork tag; the two NSG ids): for grouping by nested maps, whose
   * lookups hash nothing new, instead of a joined text per NIC.
   */
  walkGroupParts(e: Extract<Endpoint, { kind: 'nic' }>): [EffectiveRouteTable | ResourceId, VirtualNetworkTag, string, string] {
    const table = this.dp.routesForSubnet(e.subnetId);
    const point = this.pointOf(e);
    return [table ?? e.subnetId, this.dp.virtualNetworkTag(e.subnetId), point.subnetNsgId ?? '', point.nicNsgId ?? ''];
  }

  /** Every destination `batch` might reach (a necessary condition), see routeReachable. */
  batchReachable(batch: SourceBatch, outside = false): IntervalSet {
    return this.routeReachable(batch.rep.subnetId, batch.rep.vnetId, batch.src, outside);
  }

  /** Forget the walk templates of a batch (when it is done); templates shared by look-alike batches stay. */
  forget(batch: SourceBatch): void {
    for (const mode of ['all', 'default', 'default-inbound']) this.templates.delete(`${mode}|${batch.key}`);
  }

  /**
   * What decides a batch's walks before the destination's own NSGs: its route table, VirtualNetwork
   * tag, NSGs, and the atoms its addresses fall in for its outbound NSGs and the firewalls its
   * routes lead to. Batches with the same signature get the same answers (their addresses
   * substituted); undefined when the batch straddles an atom.
   */
  private signature(batch: SourceBatch): string | undefined {
    const cached = this.sigCache.get(batch.key);
    if (cached !== undefined) return cached || undefined;
    const a = batch.rep;
    const table = this.dp.routesForSubnet(a.subnetId);
    const point = this.pointOf(a);
    let sig: string | undefined;
    if (table) {
      const parts = [`t${objectId(table)}`, `v${objectId(this.dp.virtualNetworkTag(a.subnetId))}`, point.subnetNsgId ?? '', point.nicNsgId ?? ''];
      const out = atomRange(this.nsgCutsOf(point, 'Outbound', 'src'), batch.src);
      if (out) parts.push(out.key());
      else parts.length = 0;
      for (const fw of parts.length ? this.routeFirewalls(table, a.vnetId) : []) {
        const atom = atomRange(this.firewallCutsOf(fw, 'src'), batch.src);
        if (!atom) {
          parts.length = 0;
          break;
        }
        parts.push(`${fw.id}:${atom.key()}`);
      }
      sig = parts.length ? [...new Set(parts)].join('|') : undefined;
    }
    this.sigCache.set(batch.key, sig ?? '');
    return sig;
  }

  /**
   * The packets from the batch's NICs (sources in `batch.src`) that reach `b`, a NIC or a private
   * endpoint. NIC-to-NIC traffic inside one VNet is the source's outbound NSGs and the
   * destination's inbound NSGs (the VnetLocal route has nothing else on it); anything else is a
   * walk, or a template of an earlier walk of this batch that answers for `b` too.
   */
  reachFromBatch(batch: SourceBatch, b: Endpoint, mode: FilterMode = 'all'): BatchReach {
    const a = batch.rep;
    const table = this.dp.routesForSubnet(a.subnetId);
    const bPoint = this.pointOf(b);
    if (b.kind === 'nic' && b.vnetId === a.vnetId && table?.lookup(b.ip)?.route.nextHopType === 'VnetLocal' && this.dp.addresses.byVnet.get(a.vnetId)?.get(b.ip) === b) {
      this.stats.fastPaths++;
      const start: Box = { ...this.scopeBox, src: batch.src, dst: IntervalSet.point(b.ip) };
      this.caveats.addAll(table.caveats);
      const aPoint = this.pointOf(a);
      let space = this.hasNsg(aPoint, 'Outbound') ? PacketSpace.of(start).intersect(this.nsgPermits(aPoint, 'Outbound', batch.src, start.dst, mode)) : PacketSpace.of(start);
      space = this.applyNsgs(bPoint, 'Inbound', space, mode);
      const nsgs: NsgUse[] = [];
      if (this.hasNsg(aPoint, 'Outbound')) nsgs.push({ point: aPoint, direction: 'Outbound' });
      if (this.hasNsg(bPoint, 'Inbound')) nsgs.push({ point: bPoint, direction: 'Inbound' });
      return { space, nsgOnPath: nsgs.length > 0, nsgs };
    }
    const { own, shared } = this.templateKeys(batch, mode);
    // The batch's own templates, then those it shares with look-alike batches.
    for (let pass = 0; pass < 2; pass++) {
      const key = pass === 0 ? own : shared;
      if (key === undefined) break;
      const list = this.templates.get(key)?.get(b.vnetId)?.get(b.kind);
      if (!list) continue;
      for (const t of list) {
        if (!allSameAtom(t.checks, b.ip)) continue;
        this.stats.templated++;
        if (!t.arrival) return { space: PacketSpace.EMPTY, nsgOnPath: t.nsgBefore, nsgs: t.calls };
        // A shared template's packets come from its own batch: this batch's sources stand in.
        return pass === 0 ? this.finish(t.arrival, b, bPoint, mode, t.calls, this.arrivalId(t.id)) : this.finish(t.arrival, b, bPoint, mode, t.calls, this.arrivalId(t.id, batch.key), { src: batch.src });
      }
    }
    const { run, log } = this.runLogged({ from: endpointRef(a), to: endpointRef(b) }, mode, batch.src);
    const reached = run.error ? [] : run.outcomes.filter((o) => isReachable(o, false));
    let space = PacketSpace.EMPTY;
    for (const o of reached) space = new PacketSpace([...space.boxes, ...o.space.boxes]);
    const nsgOnPath = log.nsg.some((c) => c.hasNsg);
    const nsgs = log.nsg.filter((c) => c.hasNsg).map((c) => ({ point: c.point, direction: c.direction }));
    if (!run.error && run.outcomes.length === 1) {
      const t = this.template(run.outcomes[0], log, b, bPoint);
      if (t) {
        // Shared with look-alike batches when every address of the batch fared alike.
        const generic = shared && (!t.arrival || t.arrival.isEmpty() || t.arrival.boxes.every((x) => x.src.equals(batch.src)));
        const key = generic ? shared : own;
        let byVnet = this.templates.get(key);
        if (!byVnet) this.templates.set(key, (byVnet = new Map()));
        let byKind = byVnet.get(b.vnetId);
        if (!byKind) byVnet.set(b.vnetId, (byKind = new Map()));
        const list = byKind.get(b.kind);
        if (list) list.push(t);
        else byKind.set(b.kind, [t]);
      }
    }
    return { space, nsgOnPath, nsgs };
  }

  /**
   * The keys of a batch's own templates and of those it shares with look-alike batches, joined once
   * per batch and mode: batch keys are long (every member's address), and a key joined per call is
   * copied and hashed again each time.
   */
  private templateKeys(batch: SourceBatch, mode: FilterMode): { own: string; shared?: string } {
    let byMode = this.batchKeys.get(batch);
    if (!byMode) this.batchKeys.set(batch, (byMode = new Map()));
    let k = byMode.get(mode);
    if (!k) {
      const sig = this.signature(batch);
      byMode.set(mode, (k = { own: `${mode}|${batch.key}`, shared: sig ? `${mode}|s|${sig}` : undefined }));
    }
    return k;
  }

  /** The destination's own part of a walk: its inbound NSGs, and the service behind a private endpoint. */
  private finish(arrival: PacketSpace, b: Endpoint, point: FilterPoint, mode: FilterMode, before: NsgUse[], arrivalKey: number, shared?: SharedArrival): BatchReach {
    const inbound = this.hasNsg(point, 'Inbound');
    let shape: string | undefined;
    let space: PacketSpace;
    if (inbound) {
      const r = this.inboundAtDestination(arrival, arrivalKey, b, point, mode, shared);
      space = r.space;
      shape = r.key;
    } else {
      space = this.applyNsgs(point, 'Inbound', substitute(arrival, shared?.src, IntervalSet.point(b.ip)), mode);
      shape = `${mode}|${arrivalKey}|-`;
    }
    // A private endpoint's service decides per endpoint: no shared shape.
    if (b.kind !== 'nic') shape = undefined;
    if (b.kind === 'privateEndpoint' && !space.isEmpty()) {
      // As walk.ts privateEndpointService: an approved connection to a storage account serves TCP 443.
      const pe = this.dp.snapshot.privateEndpoints.get(b.privateEndpointId);
      const conn = pe?.connections[0];
      if (conn && conn.status && conn.status.toLowerCase() !== 'approved') space = PacketSpace.EMPTY;
      else if (conn && this.dp.snapshot.storageAccounts.has(conn.targetId)) space = space.intersectBox({ protocols: IntervalSet.point(6), src: ALL_IPS, srcPorts: ALL_PORTS, dst: ALL_IPS, dstPorts: IntervalSet.point(443) });
    }
    const nsgs = inbound ? [...before, { point, direction: 'Inbound' as const }] : before;
    return { space, nsgOnPath: inbound || before.length > 0, nsgs, shape };
  }

  /**
   * The arrival (one template's packets) filtered by `b`'s inbound NSGs, memoised: destinations
   * behind the same NSGs and VirtualNetwork tag whose addresses fall in one atom of those NSGs'
   * destination boundaries get the same packets (their own address substituted), because no rule
   * tells their addresses apart (NSG filters are pointwise). When every packet of the arrival comes
   * from one source set that sits in one atom of those NSGs' source boundaries, no rule tells the
   * sources apart either: the memo is then keyed by the arrival's protocols and ports alone (its
   * shape) and shared by every template and batch with that shape, sources substituted too (every
   * box of such a result has exactly that source set, so the substitution is the computation).
   */
  private inboundAtDestination(arrival: PacketSpace, arrivalKey: number, b: Endpoint, point: FilterPoint, mode: FilterMode, shared?: SharedArrival): { space: PacketSpace; key: string } {
    const dstPoint = IntervalSet.point(b.ip);
    const cuts = this.nsgCutsOf(point, 'Inbound', 'dst');
    // The filter point's number stands for its NSG pair and VirtualNetwork tag (pointInfo): short
    // keys, hashed on every lookup, instead of two resource ids.
    const where = `${this.pointInfo(point).id}|${atomIndex(cuts, b.ip)}`;
    const key = `${mode}|${arrivalKey}|${where}`;
    const shape = this.arrivalShape(arrival);
    const src = shared ? shared.src : shape.src;
    const srcAtom = src ? atomOf(this.nsgCutsOf(point, 'Inbound', 'src'), src) : -1;
    const memo = srcAtom >= 0 ? this.plane.inbound : this.inboundCache;
    const memoKey = srcAtom >= 0 ? `${mode}|${shape.id}|${srcAtom}|${where}` : key;
    const hit = memo.get(memoKey);
    if (hit) return { space: hit.isEmpty() ? hit : substitute(hit, srcAtom >= 0 ? src : undefined, dstPoint), key };
    this.stats.inboundComputations++;
    const space = this.applyNsgs(point, 'Inbound', substitute(arrival, shared?.src, dstPoint), mode);
    if (memo.size > 400_000) memo.clear();
    memo.set(memoKey, srcAtom >= 0 ? this.sharedResult(space) : space);
    return { space, key };
  }

  /**
   * A walk's packets filtered by the inbound NSGs at `point`, through the memo inboundAtDestination
   * fills (the same keys) when every box has one source set and one destination set, each inside
   * one atom of those NSGs' boundaries: then no rule tells the addresses apart and the memoised
   * result with the two sets substituted is the result.
   */
  private inboundMemoised(point: FilterPoint, space: PacketSpace): PacketSpace {
    const { src, dst } = space.boxes[0];
    const srcAtom = space.boxes.every((b) => b.src.equals(src) && b.dst.equals(dst)) ? atomOf(this.nsgCutsOf(point, 'Inbound', 'src'), src) : -1;
    const dstAtom = srcAtom >= 0 ? atomOf(this.nsgCutsOf(point, 'Inbound', 'dst'), dst) : -1;
    if (dstAtom < 0) return this.applyNsgs(point, 'Inbound', space, 'all');
    const key = `all|${this.arrivalShape(space).id}|${srcAtom}|${this.pointInfo(point).id}|${dstAtom}`;
    const hit = this.plane.inbound.get(key);
    if (hit) return hit.isEmpty() ? hit : substitute(hit, src, dst);
    this.stats.inboundComputations++;
    const result = this.applyNsgs(point, 'Inbound', space, 'all');
    if (this.plane.inbound.size > 400_000) this.plane.inbound.clear();
    this.plane.inbound.set(key, this.sharedResult(result));
    return result;
  }

  /**
   * The one object kept for every plane-wide inbound result with `space`'s protocols and ports,
   * box by box (see PlaneMemo.inboundResults). Its addresses are those of the first result met:
   * every reader substitutes both.
   */
  private sharedResult(space: PacketSpace): PacketSpace {
    return space.isEmpty() ? PacketSpace.EMPTY : this.plane.inboundResults.of(space).space;
  }

  /**
   * A number for an arrival's packets apart from their addresses (each box's protocols and ports, in
   * order), and the source set every box shares (undefined when they differ).
   */
  private arrivalShape(arrival: PacketSpace): { id: number; src?: IntervalSet } {
    let s = this.arrivalShapes.get(arrival);
    if (s) return s;
    const id = this.plane.arrivalShapes.of(arrival).id;
    const first = arrival.boxes[0]?.src;
    s = { id, src: first && arrival.boxes.every((x) => x.src.equals(first)) ? first : undefined };
    this.arrivalShapes.set(arrival, s);
    return s;
  }

  /**
   * A short number for a template's arrival, asked about for its own batch or (`batchKey`) for a
   * look-alike batch: looked up by the batch key string itself (its hash is cached; a key joined
   * per call would be hashed again each time).
   */
  private arrivalId(templateId: number, batchKey = ''): number {
    let byTemplate = this.interned.get(batchKey);
    if (!byTemplate) this.interned.set(batchKey, (byTemplate = new Map()));
    let id = byTemplate.get(templateId);
    if (id === undefined) byTemplate.set(templateId, (id = ++this.arrivalCount));
    return id;
  }

  /**
   * The part of `r`'s traffic that every NSG on its path allows by a default rule (`default`), or
   * every inbound NSG (`default-inbound`). Paths between NICs and private endpoints translate no
   * address, so this is `r.space` filtered again by the default-only permits of the same NSGs.
   */
  defaultOnly(r: BatchReach, mode: 'default' | 'default-inbound'): PacketSpace {
    let space = r.space;
    for (const c of r.nsgs) {
      if (space.isEmpty()) break;
      if (mode === 'default-inbound' && c.direction !== 'Inbound') continue;
      space = space.intersect(this.nsgPermits(c.point, c.direction, space.project('src'), space.project('dst'), 'default'));
    }
    return space;
  }

  /** What a walk to `b` says about every destination in the same atoms (undefined: nothing safe). */
  private template(o: Outcome, log: { nsg: NsgCall[]; firewalls: AzureFirewall[] }, b: Endpoint, bPoint: FilterPoint): Template | undefined {
    // A load balancer frontend's answer also depends on its SKU (a Basic one is unreachable over
    // global peering, rule 8.9), which no atom tells: each is walked.
    if (b.kind === 'loadBalancerFrontend') return undefined;
    const last = log.nsg[log.nsg.length - 1];
    const atB = o.hops.some((h) => h.ip === b.ipText);
    const final = last && last.direction === 'Inbound' && samePoint(last.point, bPoint) && atB ? log.nsg.length - 1 : -1;
    // A private endpoint's walk ends in its service; anything else after the NSGs is not known here.
    if (final >= 0 && !(o.disposition === 'ACCEPTED' || o.disposition === 'DENIED_IN' || o.disposition === 'DENIED_BY_SERVICE')) return undefined;
    if (final < 0 && (o.disposition === 'ACCEPTED' || o.disposition === 'EXITS_NETWORK' || o.disposition === 'UNKNOWN')) return undefined;
    const checks: Template['checks'] = [];
    for (let i = 0; i < log.nsg.length; i++) {
      const c = log.nsg[i];
      if (i !== final && c.hasNsg) checks.push(atomCheck(this.nsgCutsOf(c.point, c.direction, 'dst'), b.ip));
    }
    for (const fw of new Set(log.firewalls)) checks.push(atomCheck(this.firewallCutsOf(fw, 'dst'), b.ip));
    for (const h of o.hops) {
      for (const s of h.steps) {
        if (s.kind !== 'route') continue;
        const subnetId = this.subnetIdOf(s.subnet);
        const table = subnetId ? this.dp.routesForSubnet(subnetId) : undefined;
        if (!table) return undefined;
        const p = this.partition(table);
        checks.push({ cuts: p.cuts, atom: atomIndex(p.cuts, b.ip), decisions: p.decisions });
      }
    }
    // Built in a loop, and whether any NSG came before kept as it is met: a length read of arrays
    // made by filter and map (empty or not) kept sending this function back to the compiler.
    const calls: NsgUse[] = [];
    let nsgBefore = false;
    for (let i = 0; i < log.nsg.length; i++) {
      const c = log.nsg[i];
      if (i === final || !c.hasNsg) continue;
      calls.push({ point: c.point, direction: c.direction });
      nsgBefore = true;
    }
    return { id: this.nextTemplateId++, vnetId: b.vnetId, kind: b.kind, checks, arrival: final >= 0 ? log.nsg[final].input : undefined, nsgBefore, calls };
  }

  /** The subnet a hop names (by its display id), when it is one of the snapshot's. */
  subnetIdOf(display: string): ResourceId | undefined {
    let id = this.subnetByDisplay.get(display);
    if (id === undefined) {
      const n = normalizeId(display);
      id = this.dp.snapshot.subnets.has(n) ? n : '';
      this.subnetByDisplay.set(display, id);
    }
    return id || undefined;
  }

  /**
   * What gets from NIC `a` to endpoint `b` (inside the estate), as computeReach answers it, within
   * the port scope.
   */
  pair(a: Extract<Endpoint, { kind: 'nic' }>, b: Endpoint, mode: FilterMode = 'all'): PairReach {
    if (b.kind !== 'nic' && b.kind !== 'privateEndpoint') return this.walk({ from: endpointRef(a), to: endpointRef(b) }, mode);
    const r = this.reachFromBatch(this.batch([a]), b, mode);
    return this.summarize([{ space: r.space }], b.ipText, r.nsgOnPath);
  }
}

/** The NSGs and firewalls a walk consulted, in order. */
interface FilterLog {
  nsg: NsgCall[];
  firewalls: AzureFirewall[];
}

function nsgFilter(kit: ReachKit, mode: FilterMode, log: FilterLog): Filters['nsg'] {
  return (point, direction, space) => kit.filterNsg(mode, log, point, direction, space);
}

function firewallFilter(kit: ReachKit, log: FilterLog): Filters['firewall'] {
  return (fw, space, q) => kit.filterFirewall(log, fw, space, q);
}


export function endpointRef(e: Endpoint): ResolvedRef {
  return { kind: 'endpoint', endpoint: e, label: e.ipText };
}

const objectIds = new WeakMap<object, number>();
let nextObjectId = 1;
/** A stable number for a shared object (route tables and tags are shared by look-alike subnets). */
export function objectId(o: object): number {
  let id = objectIds.get(o);
  if (id === undefined) objectIds.set(o, (id = nextObjectId++));
  return id;
}

/** A shared template's arrival, asked about for another batch: that batch's sources stand in for the template's. */
interface SharedArrival {
  src: IntervalSet;
}

/**
 * Packet spaces told apart only by their protocols and ports, box by box (addresses aside): each
 * distinct shape gets a number (1, 2, ... in the order met) and keeps the first space met with it.
 * Found by a hash of the numbers, then compared set by set: no text per space.
 */
class PortShapes {
  private readonly byHash = new Map<number, { space: PacketSpace; id: number }[]>();
  private count = 0;

  /** `limit`: past this many hashes the table starts again (numbers are never reused). */
  constructor(private readonly limit = Number.POSITIVE_INFINITY) {}

  of(space: PacketSpace): { space: PacketSpace; id: number } {
    let h = space.boxes.length;
    for (const x of space.boxes) h = hashBounds(hashBounds(hashBounds(h, x.protocols.bounds), x.srcPorts.bounds), x.dstPorts.bounds);
    let list = this.byHash.get(h);
    if (!list) {
      if (this.byHash.size > this.limit) this.byHash.clear();
      this.byHash.set(h, (list = []));
    }
    for (const e of list) if (samePorts(e.space, space)) return e;
    const e = { space, id: ++this.count };
    list.push(e);
    return e;
  }
}

/** A running hash of a set's bounds (their count first, so that lists of sets hash apart). */
export function hashBounds(h: number, bounds: readonly number[]): number {
  h = Math.imul(h ^ bounds.length, 0x9e3779b1);
  for (let i = 0; i < bounds.length; i++) h = Math.imul(h ^ bounds[i], 0x85ebca6b) ^ (h >>> 13);
  return h;
}

/** True when the two spaces have the same protocols and ports, box by box (addresses aside). */
function samePorts(a: PacketSpace, b: PacketSpace): boolean {
  if (a.boxes.length !== b.boxes.length) return false;
  for (let i = 0; i < a.boxes.length; i++) {
    const x = a.boxes[i];
    const y = b.boxes[i];
    if (!x.protocols.equals(y.protocols) || !x.srcPorts.equals(y.srcPorts) || !x.dstPorts.equals(y.dstPorts)) return false;
  }
  return true;
}

/** `space` with every box's destination (and, when given, source) replaced. */
function substitute(space: PacketSpace, src: IntervalSet | undefined, dst: IntervalSet): PacketSpace {
  // Literal boxes, not spreads: memo hits substitute every box of every result.
  const boxes: Box[] = new Array(space.boxes.length);
  for (let i = 0; i < boxes.length; i++) {
    const x = space.boxes[i];
    boxes[i] = { protocols: x.protocols, src: src ?? x.src, srcPorts: x.srcPorts, dst, dstPorts: x.dstPorts };
  }
  return new PacketSpace(boxes);
}

function isDefaultRule(c: CompiledRule): boolean {
  return c.rule.collection === 'defaultSecurityRules';
}

export function samePoint(a: FilterPoint, b: FilterPoint): boolean {
  return a.subnetId === b.subnetId && a.subnetNsgId === b.subnetNsgId && a.nicNsgId === b.nicNsgId;
}

/** The boundaries one set draws, sorted: each interval's start and the address after its end. */
function cutsOfSet(s: IntervalSet): number[] {
  const b = s.bounds;
  const out: number[] = [];
  for (let i = 0; i < b.length; i += 2) {
    out.push(b[i]);
    if (b[i + 1] < 0xffffffff) out.push(b[i + 1] + 1);
  }
  return out;
}

/** The sorted union of sorted lists, each number once (what a Set of them sorted gives). */
function mergeSortedUnique(lists: readonly (readonly number[])[]): number[] {
  if (lists.length === 1) return lists[0].slice();
  if (lists.length === 2) {
    const [a, b] = lists;
    const out: number[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      const x = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
      if (out.length === 0 || out[out.length - 1] !== x) out.push(x);
    }
    return out;
  }
  // Many lists: one array, one numeric sort, duplicates dropped in place.
  let n = 0;
  for (const l of lists) n += l.length;
  const all = new Float64Array(n);
  n = 0;
  for (const l of lists) for (let i = 0; i < l.length; i++) all[n++] = l[i];
  all.sort();
  const out: number[] = [];
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) out.push(all[i]);
  return out;
}

function addCuts(set: Set<number>, s: IntervalSet): void {
  for (const x of cutsOfSet(s)) set.add(x);
}

/** A template check: the boundaries and the atom that holds `ip`. */
function atomCheck(cuts: number[], ip: number): { cuts: number[]; atom: number } {
  return { cuts, atom: atomIndex(cuts, ip) };
}

function allSameAtom(checks: readonly { cuts: number[]; atom: number; decisions?: string[] }[], ip: number): boolean {
  for (const c of checks) if (!sameAtom(c, ip)) return false;
  return true;
}

export function sameAtom(c: { cuts: number[]; atom: number; decisions?: string[] }, ip: number): boolean {
  const i = atomIndex(c.cuts, ip);
  if (i === c.atom) return true;
  // Atom i is the interval starting at cuts[i - 1]; the partition's interval index is i - 1.
  return !!c.decisions && i > 0 && c.atom > 0 && c.decisions[i - 1] === c.decisions[c.atom - 1];
}

/** Index of the first cut greater than `ip` (the atom number of `ip`). */
export function atomIndex(cuts: number[], ip: number): number {
  let l = 0;
  let h = cuts.length;
  while (l < h) {
    const mid = (l + h) >> 1;
    if (cuts[mid] <= ip) l = mid + 1;
    else h = mid;
  }
  return l;
}

/** The index of the first element of the sorted `a` that is not below `x` (a.length when none is). */
export function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The index of the atom that holds every member of `pin`; -1 when none does (or `pin` is empty). */
function atomOf(cuts: number[], pin: IntervalSet): number {
  const lo = pin.min();
  if (lo === undefined) return -1;
  const b = pin.bounds;
  const l = atomIndex(cuts, lo);
  const end = l < cuts.length ? cuts[l] - 1 : 0xffffffff;
  return b[b.length - 1] > end ? -1 : l;
}

/** Atom number `l` as a set (see atomIndex). */
function atomAt(cuts: number[], l: number): IntervalSet {
  return IntervalSet.range(l === 0 ? 0 : cuts[l - 1], l < cuts.length ? cuts[l] - 1 : 0xffffffff);
}

/** The elementary interval between two cuts that holds every member of `pin`, if one does. */
function atomRange(cuts: number[], pin: IntervalSet): IntervalSet | undefined {
  const lo = pin.min();
  if (lo === undefined) return undefined;
  const b = pin.bounds;
  const hi = b[b.length - 1];
  const l = atomIndex(cuts, lo);
  const start = l === 0 ? 0 : cuts[l - 1];
  const end = l < cuts.length ? cuts[l] - 1 : 0xffffffff;
  if (hi > end) return undefined;
  return IntervalSet.range(start, end);
}

/** True when the box admits every source port (rule 1.7: the usual case, one range 0-65535). */
function allSourcePorts(b: Box): boolean {
  return b.srcPorts === ALL_PORTS || (b.srcPorts.min() === 0 && b.srcPorts.equals(ALL_PORTS));
}
