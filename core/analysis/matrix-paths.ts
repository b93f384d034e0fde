// Paths shared by every source of the matrix: what happens to packets after they leave a source
// NIC's outbound NSGs depends on the source only through the first routing decision (its route
// table's next hop for the destination's atom) and the first peering crossing; every later filter
// (firewall, peerings, the destination's NSGs) is pointwise. So the engine's walk is run once per
// (first decision, destination look-alikes) with every source address at once and no source NSG,
// and each source batch's answer is that path's packets intersected with what its own outbound
// NSGs let out (the walk would have applied them first; intersection commutes with pointwise
// filters). Walks of ReachKit.reachFromBatch are keyed by the batch (or its route table and NSGs),
// about one per (batch, destination VNet): about 1.5 million at tier L; these are keyed by the
// first decision, a few per destination VNet.

import type { Endpoint } from '../dataplane/address-index.ts';
import type { AzureFirewall, ResourceId } from '../model/types.ts';
import type { FilterPoint } from '../policy/evaluate-endpoint.ts';
import type { Caveat } from '../dataplane/caveats.ts';
import type { EffectiveRouteTable } from '../dataplane/effective-routes.ts';
import { IntervalSet } from '../sets/interval-set.ts';
import { PacketSpace, type Box } from '../sets/packet-space.ts';
import { parseIPv4 } from '../sets/ipv4.ts';
import { runPath } from '../trace/run-path.ts';
import { isReachable } from '../trace/trace-flow.ts';
import type { Filters } from '../trace/filters.ts';
import type { Outcome } from '../trace/walk.ts';
import { atomIndex, endpointRef, hashBounds, objectId, sameAtom, samePoint, type BatchReach, type NsgUse, type ReachKit, type RoutePartition, type SourceBatch } from './blast-walk.ts';

const ALL_IPS = IntervalSet.range(0, 0xffffffff);
type Nic = Extract<Endpoint, { kind: 'nic' }>;

interface Check {
  cuts: number[];
  atom: number;
  decisions?: string[];
}

/** A walk after the first decision and what it says about look-alike destinations. */
interface PathTemplate {
  id: number;
  checks: Check[];
  /** Packets (every source) arriving at the destination's own NSGs; undefined: stopped before. */
  arrival?: PacketSpace;
  /** NSGs after the source's own, before the destination's. */
  calls: NsgUse[];
  caveats: Caveat[];
}

/** A path to one destination, from every source, through its own inbound NSGs. */
interface PathAnswer {
  space: PacketSpace;
  /** NSGs after the source's own (the destination's included). */
  nsgs: NsgUse[];
  caveats: Caveat[];
  /** Same key: the same packets up to the destination address. */
  shape?: number;
  /**
   * Same value: the same packets up to the destination address, the same default-rule-only parts
   * at the path's NSGs, whether an NSG is on it, the same caveats (set when `shape` is).
   */
  value?: number;
}

/** A batch's own part: its route table and outbound NSGs. */
interface BatchContext {
  /** Names the batch in shapes. */
  id: number;
  table?: EffectiveRouteTable;
  partition: RoutePartition;
  tableCaveats: readonly Caveat[];
  point: FilterPoint;
  outNsg: boolean;
  outCuts: number[];
  /**
   * What the outbound NSGs let out, per atom of their destination boundaries (computed for the
   * destination `dst` in it); that, per path value, filtered by the path; and (`defaults`) what
   * their default rules alone let out.
   */
  outbound: Map<number, OutboundPart>;
  /** The first hop per atom of the route table. */
  firsts: Map<number, FirstHop>;
  /** Shape strings by outbound atom and path value, made once (a string's hash is kept with it). */
  shapes: Map<number, string>;
  /** The batch's own outbound NSG call, first on every path from it (when it has outbound NSGs). */
  outUse: NsgUse;
  /** Per shared path: the NSGs on the way, the batch's outbound ones first (one list per path, made when asked for). */
  nsgsOf: Map<PathAnswer, NsgUse[]>;
}

interface OutboundPart {
  space: PacketSpace;
  /** The batch's sources, its filter point and a destination in the atom (to ask the NSGs about defaults). */
  src: IntervalSet;
  point: FilterPoint;
  dst: IntervalSet;
  shapes: Map<number, PacketSpace>;
  defaults?: PacketSpace;
}

/** A batch's answer (as kit.reachFromBatch's), and where it came from when it has a shape. */
export interface PathReach extends BatchReach {
  out?: OutboundPart;
  outNsg?: boolean;
  value?: number;
}

/** The default-rule-only parts of a path value (see kit.defaultOnly), their destination widened to every address. */
interface ValueDefaults {
  inbound: PacketSpace;
  all: PacketSpace;
}

/** A first-hop key and the paths after it, per destination address. */
interface FirstHop {
  id: number;
  key: string;
  byEndpoint: Map<Endpoint, PathAnswer>;
}

export class MatrixPaths {
  private readonly templates = new Map<string, PathTemplate[]>();
  private readonly untemplated = new Map<string, PathAnswer>();
  private readonly inbound = new Map<string, { space: PacketSpace; shape: number }>();
  private readonly contexts = new Map<SourceBatch, BatchContext>();
  private contextCount = 0;
  private readonly firstIds = new Map<string, FirstHop>();
  private readonly valueOfShape = new Map<number, number>();
  /** Path values by valueHash, each bucket's entries compared exactly. */
  private readonly values = new Map<number, PathValue[]>();
  private valueCount = 0;
  private readonly valueDefaults = new Map<number, ValueDefaults>();
  /** The last prepare (shapeOf and reach ask about the same destination in turn). */
  private lastBatch?: SourceBatch;
  private lastEndpoint?: Endpoint;
  private lastPath?: PathAnswer;
  /** The context of lastBatch. */
  private lastContext?: BatchContext;
  private nextId = 1;

  constructor(private readonly kit: ReachKit) {}

  /**
   * What gets from the batch's NICs to `b` (a NIC or private endpoint): the same packets, NSG list
   * and caveats as kit.reachFromBatch(batch, b), with a shape that names the batch, the source
   * NSGs' atom of `b` and the shared path's shape.
   */
  reach(batch: SourceBatch, b: Endpoint): PathReach {
    const kit = this.kit;
    const path = this.prepare(batch, b);
    if (!path) return kit.reachFromBatch(batch, b);
    const ctx = this.lastContext!;
    kit.caveats.addAll(ctx.tableCaveats);
    kit.caveats.addAll(path.caveats);
    const nsgOnPath = ctx.outNsg || path.nsgs.length > 0;
    if (path.space.isEmpty()) return new PathReachOf(PacketSpace.EMPTY, nsgOnPath, ctx, path);
    const dst = IntervalSet.point(b.ip);
    const outAtom = ctx.outNsg ? atomIndex(ctx.outCuts, b.ip) : -1;
    let out = ctx.outbound.get(outAtom);
    if (!out) {
      const start: Box = { ...kit.scopeBox, src: batch.src, dst };
      const space = ctx.outNsg ? PacketSpace.of(start).intersect(kit.nsgPermits(ctx.point, 'Outbound', batch.src, dst)) : PacketSpace.of(start);
      ctx.outbound.set(outAtom, (out = { space, src: batch.src, point: ctx.point, dst, shapes: new Map() }));
    }
    if (path.value === undefined) return new PathReachOf(out.space.isEmpty() ? out.space : aimedAt(out.space, dst).intersect(path.space), nsgOnPath, ctx, path);
    let space = out.shapes.get(path.value);
    if (space === undefined) {
      space = out.space.isEmpty() ? out.space : aimedAt(out.space, dst).intersect(path.space);
      out.shapes.set(path.value, space);
    } else space = aimedAt(space, dst);
    return new PathReachOf(space, nsgOnPath, ctx, path, this.shapeName(ctx, outAtom, path.value), out, path.value);
  }

  /**
   * kit.defaultOnly(r, mode) for an answer of reach: with a shape, the same packets from the path
   * value's default-only parts (computed once per value) and the batch's outbound NSGs' default
   * rules (once per atom) instead of every NSG of the path asked again. NSG filters are pointwise,
   * so filtering the answer by each part is filtering it by their intersection.
   */
  defaultOnly(r: PathReach, mode: 'default' | 'default-inbound'): PacketSpace {
    const d = r.value !== undefined ? this.valueDefaults.get(r.value) : undefined;
    if (!d || !r.out) return this.kit.defaultOnly(r, mode);
    if (r.space.isEmpty()) return r.space;
    let space = r.space.intersect(mode === 'default-inbound' ? d.inbound : d.all);
    if (mode === 'default' && r.outNsg && !space.isEmpty()) {
      const out = r.out;
      out.defaults ??= PacketSpace.of({ ...this.kit.scopeBox, src: ALL_IPS, dst: ALL_IPS }).intersect(this.kit.nsgPermits(out.point, 'Outbound', out.src, out.dst, 'default'));
      space = space.intersect(out.defaults);
    }
    return space;
  }

  /**
   * The shape reach(batch, b) answers with, without its packets: cheap (memoised per first hop
   * and destination), so that a caller can skip destinations whose shape it has already used.
   * undefined when the answer has no shape (or is empty: then reach says so).
   */
  shapeOf(batch: SourceBatch, b: Endpoint): string | undefined {
    const path = this.prepare(batch, b);
    if (!path || path.value === undefined) return undefined;
    const ctx = this.lastContext!;
    return this.shapeName(ctx, ctx.outNsg ? atomIndex(ctx.outCuts, b.ip) : -1, path.value);
  }

  private shapeName(ctx: BatchContext, outAtom: number, value: number): string {
    // Exact while atoms stay under 2^26 and values under 2^27.
    const k = value * 0x4000000 + outAtom + 1;
    let name = ctx.shapes.get(k);
    if (name === undefined) ctx.shapes.set(k, (name = `p|${ctx.id}|${outAtom}|${value}`));
    return name;
  }

  /**
   * The shared path to `b`, with the batch's context left in lastContext; undefined where ReachKit
   * answers (no route table, NIC to NIC in the VNet). No pair object per call: it is asked about
   * every (batch, destination), ~3.6 million times at tier L.
   */
  private prepare(batch: SourceBatch, b: Endpoint): PathAnswer | undefined {
    if (batch === this.lastBatch && b === this.lastEndpoint) return this.lastPath;
    if (batch !== this.lastBatch) this.lastContext = this.context(batch);
    const path = this.prepareAnew(this.lastContext!, batch, b);
    this.lastBatch = batch;
    this.lastEndpoint = b;
    this.lastPath = path;
    return path;
  }

  private prepareAnew(ctx: BatchContext, batch: SourceBatch, b: Endpoint): PathAnswer | undefined {
    if (!ctx.table) return undefined;
    const a = batch.rep;
    const p = ctx.partition;
    const atom = atomIndex(p.cuts, b.ip);
    // NIC to NIC inside the VNet: ReachKit's fast path (no walk).
    if (b.kind === 'nic' && b.vnetId === a.vnetId && p.hops[atom - 1].nextHopType === 'VnetLocal' && this.kit.dp.addresses.byVnet.get(a.vnetId)?.get(b.ip) === b) return undefined;
    let first = ctx.firsts.get(atom);
    if (first === undefined) {
      const key = this.firstHop(a, p.decisions[atom - 1]);
      first = this.firstIds.get(key);
      if (first === undefined) this.firstIds.set(key, (first = { id: this.firstIds.size + 1, key, byEndpoint: new Map() }));
      ctx.firsts.set(atom, first);
    }
    let path = first.byEndpoint.get(b);
    if (!path) {
      path = this.path(first.key, a, b);
      if (path.shape !== undefined && !path.space.isEmpty()) path = { ...path, value: this.valueOf(path, path.shape) };
      first.byEndpoint.set(b, path);
    }
    return path;
  }

  /** Forget a batch's own memo tables when it is done (its shapes are never asked about again). */
  forget(batch: SourceBatch): void {
    this.contexts.delete(batch);
    if (this.lastBatch === batch) {
      this.lastBatch = undefined;
      this.lastEndpoint = undefined;
      this.lastPath = undefined;
      this.lastContext = undefined;
    }
  }

  private context(batch: SourceBatch): BatchContext {
    let ctx = this.contexts.get(batch);
    if (ctx) return ctx;
    const kit = this.kit;
    const table = kit.dp.routesForSubnet(batch.rep.subnetId);
    const point = kit.pointOf(batch.rep);
    const outNsg = kit.hasNsg(point, 'Outbound');
    ctx = {
      id: ++this.contextCount,
      table,
      partition: table ? kit.partition(table) : { cuts: [], decisions: [], hops: [] },
      tableCaveats: table?.caveats ?? [],
      point,
      outNsg,
      outCuts: outNsg ? kit.nsgCutsOf(point, 'Outbound', 'dst') : [],
      outUse: { point, direction: 'Outbound' },
      outbound: new Map(),
      firsts: new Map(),
      shapes: new Map(),
      nsgsOf: new Map(),
    };
    this.contexts.set(batch, ctx);
    return ctx;
  }

  /**
   * What the walk does after the source's route lookup, as a key: the decision, and for an
   * appliance the appliance and the first peering crossing (only its flags matter, except that a
   * crossing without allowForwardedTraffic keeps sources of the sending VNet: then the VNet is
   * named). Anything else happens inside or from the source's VNet, which is named.
   */
  private firstHop(a: Nic, decision: string): string {
    const [type, nh] = decision.split('|');
    if (type !== 'VirtualAppliance' || !nh) return `${decision}|v:${a.vnetId}`;
    const e = this.kit.applianceAt(a.vnetId, parseIPv4(nh)!);
    if (!e || e.vnetId === a.vnetId) return `${decision}|v:${a.vnetId}`;
    const link = this.kit.dp.topology.vnets.get(a.vnetId)?.peers.find((x) => x.remoteVnetId === e.vnetId && x.connected);
    if (!link || !link.local.allowVirtualNetworkAccess || !(link.remote?.allowForwardedTraffic ?? false)) return `${decision}|v:${a.vnetId}`;
    return `${decision}|a:${e.vnetId}|${e.ip}`;
  }

  private path(first: string, a: Nic, b: Endpoint): PathAnswer {
    const where = `${first}|${b.vnetId}|${b.kind}`;
    const bPoint = this.kit.pointOf(b);
    for (const t of this.templates.get(where) ?? []) {
      if (!t.checks.every((c) => sameAtom(c, b.ip))) continue;
      this.kit.stats.templated++;
      if (!t.arrival) return { space: PacketSpace.EMPTY, nsgs: t.calls, caveats: t.caveats };
      return this.finish(t, b, bPoint);
    }
    const key = `${where}|${b.ip}`;
    const hit = this.untemplated.get(key);
    if (hit) return hit;
    return this.walk(where, key, a, b, bPoint);
  }

  private walk(where: string, key: string, a: Nic, b: Endpoint, bPoint: FilterPoint): PathAnswer {
    const kit = this.kit;
    kit.stats.walks++;
    const log = { nsg: [] as { point: FilterPoint; direction: 'Inbound' | 'Outbound'; input: PacketSpace; hasNsg: boolean }[], firewalls: [] as AzureFirewall[] };
    const inner = kit.filters('all', log);
    let sourceNsg = true;
    // The source's own outbound NSGs are left out (each batch applies its own); they are the first call.
    const filters: Filters = {
      mode: 'reach',
      nsg: (point, direction, space) => {
        if (sourceNsg) {
          sourceNsg = false;
          return { space, steps: [] };
        }
        return inner.nsg(point, direction, space);
      },
      firewall: inner.firewall,
    };
    const run = runPath(kit.dp, { from: endpointRef(a), to: endpointRef(b) }, filters, (_src, dst) =>
      PacketSpace.of({ ...kit.scopeBox, src: ALL_IPS, dst: IntervalSet.point(dst) }),
    );
    const caveats = run.caveats.list();
    kit.caveats.addAll(caveats);
    const calls = log.nsg.filter((c) => c.hasNsg).map((c) => ({ point: c.point, direction: c.direction }));
    if (!run.error && run.outcomes.length === 1) {
      const t = this.template(run.outcomes[0], log, b, bPoint, caveats);
      if (t) {
        const list = this.templates.get(where);
        if (list) list.push(t);
        else this.templates.set(where, [t]);
        if (!t.arrival) return { space: PacketSpace.EMPTY, nsgs: t.calls, caveats };
        return this.finish(t, b, bPoint);
      }
    }
    const reached = run.error ? [] : run.outcomes.filter((o) => isReachable(o, false));
    const answer: PathAnswer = { space: new PacketSpace(reached.flatMap((o) => o.space.boxes)), nsgs: calls, caveats };
    this.untemplated.set(key, answer);
    return answer;
  }

  /** As ReachKit's template, without the source's NSG and route table (the first hop's key stands for them). */
  private template(o: Outcome, log: { nsg: { point: FilterPoint; direction: 'Inbound' | 'Outbound'; input: PacketSpace; hasNsg: boolean }[]; firewalls: AzureFirewall[] }, b: Endpoint, bPoint: FilterPoint, caveats: Caveat[]): PathTemplate | undefined {
    // The source's own NSG call is not in the log (see walk).
    const nsg = log.nsg;
    const last = nsg[nsg.length - 1];
    const atB = o.hops.some((h) => h.ip === b.ipText);
    const final = last && last.direction === 'Inbound' && samePoint(last.point, bPoint) && atB ? nsg.length - 1 : -1;
    if (final >= 0 && !(o.disposition === 'ACCEPTED' || o.disposition === 'DENIED_IN' || o.disposition === 'DENIED_BY_SERVICE')) return undefined;
    if (final < 0 && (o.disposition === 'ACCEPTED' || o.disposition === 'EXITS_NETWORK' || o.disposition === 'UNKNOWN')) return undefined;
    const checks: Check[] = [];
    const add = (cuts: number[]) => checks.push({ cuts, atom: atomIndex(cuts, b.ip) });
    nsg.forEach((c, i) => {
      if (i !== final && c.hasNsg) add(this.kit.nsgCutsOf(c.point, c.direction, 'dst'));
    });
    for (const fw of new Set(log.firewalls)) add(this.kit.firewallCutsOf(fw, 'dst'));
    let firstRoute = true;
    for (const h of o.hops) {
      for (const s of h.steps) {
        if (s.kind !== 'route') continue;
        // The source's route lookup: the first hop's key stands for it.
        if (firstRoute) {
          firstRoute = false;
          continue;
        }
        const subnetId = this.kit.subnetIdOf(s.subnet);
        const table = subnetId ? this.kit.dp.routesForSubnet(subnetId) : undefined;
        if (!table) return undefined;
        const p = this.kit.partition(table);
        checks.push({ cuts: p.cuts, atom: atomIndex(p.cuts, b.ip), decisions: p.decisions });
      }
    }
    const calls = nsg.filter((c, i) => i !== final && c.hasNsg).map((c) => ({ point: c.point, direction: c.direction }));
    return { id: this.nextId++, checks, arrival: final >= 0 ? nsg[final].input : undefined, calls, caveats };
  }

  /** The destination's own part: its inbound NSGs (memoised per atom of their destination boundaries), and a private endpoint's service. */
  private finish(t: PathTemplate, b: Endpoint, point: FilterPoint): PathAnswer {
    const kit = this.kit;
    const dst = IntervalSet.point(b.ip);
    const inbound = kit.hasNsg(point, 'Inbound');
    const nsgs = inbound ? [...t.calls, { point, direction: 'Inbound' as const }] : t.calls;
    let space: PacketSpace;
    let shape: number | undefined;
    if (inbound) {
      const key = `${t.id}|${point.subnetNsgId ?? ''}|${point.nicNsgId ?? ''}|${objectId(kit.dp.virtualNetworkTag(point.subnetId))}|${atomIndex(kit.nsgCutsOf(point, 'Inbound', 'dst'), b.ip)}`;
      let hit = this.inbound.get(key);
      if (!hit) {
        hit = { space: kit.applyNsgs(point, 'Inbound', aimedAt(t.arrival!, dst), 'all'), shape: this.nextId++ };
        this.inbound.set(key, hit);
        space = hit.space;
      } else space = aimedAt(hit.space, dst);
      shape = hit.shape;
    } else {
      space = aimedAt(t.arrival!, dst);
      shape = -t.id;
    }
    if (b.kind !== 'nic') shape = undefined;
    if (b.kind === 'privateEndpoint' && !space.isEmpty()) {
      // As ReachKit.finish (walk.ts privateEndpointService): an approved connection to a storage account serves TCP 443.
      const pe = kit.dp.snapshot.privateEndpoints.get(b.privateEndpointId);
      const conn = pe?.connections[0];
      if (conn && conn.status && conn.status.toLowerCase() !== 'approved') space = PacketSpace.EMPTY;
      else if (conn && kit.dp.snapshot.storageAccounts.has(conn.targetId)) space = space.intersectBox({ protocols: IntervalSet.point(6), src: ALL_IPS, srcPorts: IntervalSet.range(0, 65535), dst: ALL_IPS, dstPorts: IntervalSet.point(443) });
    }
    return { space, nsgs, caveats: t.caveats, shape };
  }

  /**
   * The value of a path (see PathAnswer.value), once per path shape: paths through different NSGs
   * that admit the same packets the same way (by default rules or not) share it, so what a source
   * gets from them is worked out once.
   */
  private valueOf(path: PathAnswer, shape: number): number {
    let id = this.valueOfShape.get(shape);
    if (id !== undefined) return id;
    const r: BatchReach = { space: path.space, nsgOnPath: path.nsgs.length > 0, nsgs: path.nsgs };
    const inbound = this.kit.defaultOnly(r, 'default-inbound');
    const all = this.kit.defaultOnly(r, 'default');
    const caveats = path.caveats.map((c) => c.code).join(',');
    // Looked up by a hash of the parts and compared exactly. A text key of every bound made ~480 MB
    // of strings for the ~28,000 path shapes of tier L (sampling heap profile of the L matrix).
    const hash = valueHash(path.space, inbound, all, r.nsgOnPath);
    let bucket = this.values.get(hash);
    if (bucket === undefined) this.values.set(hash, (bucket = []));
    for (const v of bucket) {
      if (v.nsgOnPath === r.nsgOnPath && v.caveats === caveats && sameBoxesButDst(v.space, path.space) && sameBoxesButDst(v.inbound, inbound) && sameBoxesButDst(v.all, all)) {
        id = v.id;
        break;
      }
    }
    if (id === undefined) {
      bucket.push({ space: path.space, inbound, all, nsgOnPath: r.nsgOnPath, caveats, id: (id = ++this.valueCount) });
      this.valueDefaults.set(id, { inbound: anyDestination(inbound), all: anyDestination(all) });
    }
    this.valueOfShape.set(shape, id);
    return id;
  }
}

/**
 * An answer of MatrixPaths.reach. Its NSG list (the batch's outbound NSGs, then the path's) is
 * made only when read: the matrix reads it only for answers without a path value (through
 * kit.defaultOnly), and making it for each of the ~1.2 million (batch, path) pairs of tier L
 * kept as many short lists alive for the length of a batch.
 */
class PathReachOf implements PathReach {
  constructor(
    readonly space: PacketSpace,
    readonly nsgOnPath: boolean,
    private readonly ctx: BatchContext,
    private readonly path: PathAnswer,
    readonly shape: string | undefined = undefined,
    readonly out: OutboundPart | undefined = undefined,
    readonly value: number | undefined = undefined,
  ) {}

  get outNsg(): boolean {
    return this.ctx.outNsg;
  }

  get nsgs(): NsgUse[] {
    const { ctx, path } = this;
    if (!ctx.outNsg) return path.nsgs;
    let nsgs = ctx.nsgsOf.get(path);
    if (!nsgs) ctx.nsgsOf.set(path, (nsgs = [ctx.outUse, ...path.nsgs]));
    return nsgs;
  }
}

/**
 * The packets of `s` sent to `dst` instead (`s` itself when it already is). A module function, not
 * a closure per call: tsx compiles with keepNames, so a named closure costs a defineProperty each
 * time it is made, and these are made per destination.
 */
function aimedAt(s: PacketSpace, dst: IntervalSet): PacketSpace {
  if (s.isEmpty() || s.boxes.every((x) => x.dst.equals(dst))) return s;
  return new PacketSpace(s.boxes.map((x) => ({ ...x, dst })));
}

/** The space with every destination address (for a space whose destination is one address: the same packets to any). */
function anyDestination(s: PacketSpace): PacketSpace {
  return s.isEmpty() ? s : new PacketSpace(s.boxes.map((x) => ({ ...x, dst: ALL_IPS })));
}

/** A path value's parts (see MatrixPaths.valueOf). */
interface PathValue {
  space: PacketSpace;
  inbound: PacketSpace;
  all: PacketSpace;
  nsgOnPath: boolean;
  /** Caveat codes, comma-joined. */
  caveats: string;
  id: number;
}

/** A hash of the boxes of three spaces (each box's destination left out) and a flag. */
function valueHash(a: PacketSpace, b: PacketSpace, c: PacketSpace, flag: boolean): number {
  let h = flag ? 0x9e3779b9 : 0x85ebca6b;
  h = hashBoxes(hashBoxes(hashBoxes(h, a), b), c);
  return h >>> 0;
}

function hashBoxes(h: number, s: PacketSpace): number {
  h = Math.imul(h ^ s.boxes.length, 0x01000193);
  for (const x of s.boxes) {
    h = hashBounds(h, x.protocols.bounds);
    h = hashBounds(h, x.src.bounds);
    h = hashBounds(h, x.srcPorts.bounds);
    h = hashBounds(h, x.dstPorts.bounds);
  }
  return h;
}

/** The same boxes in the same order, destinations aside (what a text key of each box's other sets compared). */
function sameBoxesButDst(a: PacketSpace, b: PacketSpace): boolean {
  if (a.boxes.length !== b.boxes.length) return false;
  for (let i = 0; i < a.boxes.length; i++) {
    const x = a.boxes[i];
    const y = b.boxes[i];
    if (!x.protocols.equals(y.protocols) || !x.src.equals(y.src) || !x.srcPorts.equals(y.srcPorts) || !x.dstPorts.equals(y.dstPorts)) return false;
  }
  return true;
}
