// computeWhatIf(before, after): the flows a change newly allows and newly blocks, exactly (issue
// "What-if before a change"; Batfish's differential reachability).
//
// Incremental (default): change detection (snapshot-diff.ts) names the changed resources;
// affected.ts turns them into the (source, destination) pairs whose answer can differ, and the
// packets it can differ on; only those pairs are walked, before and after, and compared as packet
// sets. Sources that share their NSGs and routes are walked together; when only the destination's
// own inbound NSGs differ, what arrives at its door (one walk on the snapshot before, or none for
// one-step paths) filtered by the permits before and after gives both answers.
// Full: every pair is walked on both sides without change detection (the reference the incremental
// answer must equal, and the benchmark's baseline), once per pair of endpoint classes (endpoints no
// rule, route or tag tells apart, refined so that they are equivalent both before and after).

import type { DataPlane } from '../../dataplane/compile.ts';
import { compile } from '../../dataplane/compile.ts';
import { CaveatSet, type Caveat } from '../../dataplane/caveats.ts';
import { computeEndpointClasses, endpointKey } from '../../dataplane/equivalence.ts';
import type { Endpoint } from '../../dataplane/address-index.ts';
import { IntervalSet } from '../../sets/interval-set.ts';
import { ALL_ADDRESSES, ALL_PROTOCOLS, PacketSpace } from '../../sets/packet-space.ts';
import { ALL_PORTS } from '../../sets/ports.ts';
import { computeCandidates, type Candidates } from './affected.ts';
import { candidateBlocks, candidateGroups, classesOf, crossedClasses, regionOf, type Block, type CandidateBlocks, type ClassOf } from './candidate-blocks.ts';
import { deriveDataPlane } from './derive-dataplane.ts';
import { computeGroupReach, computePairReach, fastDoorArrivals, isPair, NO_REACH, withSource, type PairReach } from './pair-reach.ts';
import { filterPointOfEndpoint } from '../../trace/walk.ts';
import { doorFilters } from './transit.ts';
import { BLOCKING_NSG_TRACES, partsOf, renderDeltas, renderExposure, signatureOf, type GroupingContext, type PairDelta } from './render-delta.ts';
import { diffSnapshots, summarizeChanges, type SnapshotDiff } from './snapshot-diff.ts';
import { applySnapshotEdits } from './snapshot-edits.ts';
import type { FindingLike, WhatIfAnswer, WhatIfOptions, WhatIfTarget } from './types.ts';
import type { ResourceId } from '../../model/types.ts';
import { endpointItemKey, endpointKeys, universeOf, type DestItem, type SourceItem, type Universe } from './universe.ts';
import { internetEntryIndex, mayEnterFromInternet, type EntryIndex } from './entry-index.ts';
import { routeChanges, ruleChanges } from './views-delta.ts';
import { existingConnectionsCaveat } from './existing-connections.ts';

const DEFAULT_FULL_BUDGET_MS = 60_000;
/**
 * Every-pair comparisons above this many pairs are not made (WhatIfOptions.maxPairs). Measured:
 * tier M without one of its four spoke files (a change no rule bounds) compared 20.9 million pairs
 * in 69 s at a peak of 2.6 GB; tier L without one of its 20 spoke files is 2.1 billion pairs, which
 * ran out of memory after four minutes. Each pair that changes is kept until the answer is grouped.
 */
export const MAX_EVERY_PAIR = 25_000_000;
/**
 * Up to this many candidates (an upper bound, before they are listed) are compared one by one:
 * walks restricted to the packets a changed rule matches, and one walk to a destination's door for
 * a group of sources, cost less than the endpoint classes of both snapshots (~1 s at tier L, what
 * a one-rule what-if must not pay). More are compared by class, which costs less then (tier L,
 * cold, the same answers: a VNet of 50 NICs removed, 9.5 million candidates, 306 s and 7.4 GB one
 * by one, 27 s and 2.0 GB by class (4.7 million and 14.6 s since its peering is bounded to it); a
 * subnet of three NICs added, 291,162 candidates, 7.5 s against 3.3-4.1 s; an outbound Deny of 443
 * on a spoke's NSG, 1.8 million candidates with their packets bounded, 15.8 s against 3.6 s, 2.5 s
 * since groups are keyed by class numbers).
 */
const ONE_BY_ONE_MAX = 100_000;
/**
 * A comparison by class stops when more source/destination pairs than this have changed
 * (WhatIfOptions.maxChangedPairs): each changed pair is kept until the answer is grouped. Measured
 * at tier L without one of its spoke files (236 million candidates, with --max-pairs raised): the
 * heap held 1.3 GB for the two data planes and grew ~0.4 KB per changed pair (the walks' memos
 * included), 2.1 GB at 2 million after 50 s; grouping those took 20 s more, at a peak RSS of
 * 3.2 GB, within Node's default heap (~4 GB on this machine). It ran out of that heap before.
 */
export const MAX_CHANGED_PAIRS = 2_000_000;
const DEFAULT_MAX_TRACES = 25;

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

function isDataPlane(t: WhatIfTarget): t is DataPlane {
  return 'snapshot' in t && 'routesForSubnet' in t;
}

interface Side {
  dp: DataPlane;
  u: Universe;
  entries: () => EntryIndex;
}

/** Equivalence class keys per item key, both sides (refined: equivalent before and after). */
function refinedClasses(before: Side, after: Side, over: () => boolean): ((key: string, item: SourceItem | DestItem) => string) | undefined {
  const classKey = (side: Side) => {
    const cls = computeEndpointClasses(side.dp, (e) => e.kind !== 'firewall' && e.kind !== 'applicationGateway');
    return (e: Endpoint) => {
      const i = cls.classOf.get(endpointKey(e));
      return i === undefined ? undefined : cls.classes[i].key;
    };
  };
  const kb = classKey(before);
  if (over()) return undefined;
  const ka = classKey(after);
  return (key, item) => {
    if (item.kind !== 'endpoint') return key;
    const b = before.u.dest(key) ?? before.u.source(key);
    const a = after.u.dest(key) ?? after.u.source(key);
    const cb = b?.kind === 'endpoint' ? kb(b.endpoint) : undefined;
    const ca = a?.kind === 'endpoint' ? ka(a.endpoint) : undefined;
    return `${item.endpoint.kind}#${cb ?? '-'}#${ca ?? '-'}`;
  };
}

/** The packets of `sp` to these destination addresses. */
function toDestination(sp: PacketSpace, dst: IntervalSet): PacketSpace {
  return sp.intersectBox({ protocols: ALL_PROTOCOLS, src: ALL_ADDRESSES, srcPorts: ALL_PORTS, dst, dstPorts: ALL_PORTS });
}

/** `sp` with its destination dimension dropped (a pair's answer is about its own destination). */
function anyDestination(sp: PacketSpace): PacketSpace {
  return new PacketSpace(sp.boxes.map((b) => ({ ...b, dst: ALL_ADDRESSES })));
}

function rebase(r: PairReach, src: SourceItem): PairReach {
  if (src.kind !== 'endpoint' || r.space.isEmpty()) return r;
  const ip = IntervalSet.point(src.endpoint.ip);
  return { space: withSource(r.space, ip), pieces: r.pieces.map((p) => ({ ...p, space: withSource(p.space, ip) })), caveats: r.caveats };
}

function pairReach(side: Side, sKey: string, dKey: string, region?: PacketSpace): PairReach {
  const s = side.u.source(sKey);
  const d = side.u.dest(dKey);
  if (!s || !d) return NO_REACH;
  // The internet reaches only endpoints with an entry point (exactly what the walk would find).
  if (s.kind === 'internet' && d.kind === 'endpoint' && !mayEnterFromInternet(side.entries(), d.endpoint)) return NO_REACH;
  const r = computePairReach(side.dp, s, d, region);
  // Inside the estate the answer is about the source endpoint, whatever proxies rewrote on the way.
  return rebase(r, s);
}

export function computeWhatIf(before: DataPlane, target: WhatIfTarget, opts: WhatIfOptions = {}): WhatIfAnswer {
  const t0 = now();
  const full = opts.mode === 'full' || opts.incremental === false;
  let after: DataPlane;
  let diff: SnapshotDiff;
  if (isDataPlane(target)) {
    after = target;
    diff = diffSnapshots(before.snapshot, after.snapshot);
  } else {
    const s = applySnapshotEdits(before.snapshot, target.changes);
    diff = diffSnapshots(before.snapshot, s);
    after = full ? compile(s) : deriveDataPlane(before, s, diff).dp;
  }
  const B: Side = { dp: before, u: universeOf(before), entries: () => internetEntryIndex(before) };
  const budget = full ? (opts.budgetMs ?? DEFAULT_FULL_BUDGET_MS) : Infinity;
  const A: Side = { dp: after, u: universeOf(after, before), entries: () => internetEntryIndex(after, before) };
  const caveats = new CaveatSet();

  // ---- which pairs ----
  const keysOf = (a: { key: string }[], b: { key: string }[]) => (a === b ? a.map((x) => x.key) : [...new Set([...a.map((x) => x.key), ...b.map((x) => x.key)])]);
  let sk: string[] | undefined;
  let dk: string[] | undefined;
  const sourceKeys = () => (sk ??= keysOf(B.u.allSources(), A.u.allSources()));
  const destKeys = () => (dk ??= keysOf(B.u.allDests(), A.u.allDests()));
  const item = (k: string, kind: 'src' | 'dst'): SourceItem | DestItem | undefined => (kind === 'src' ? (A.u.source(k) ?? B.u.source(k)) : (A.u.dest(k) ?? B.u.dest(k)));
  let cands: Candidates | undefined;
  let everyPair = full;
  /**
   * What a candidate pair needs: the packets its answer can differ on (`region`, null means any), and
   * when only the destination's own inbound NSGs differ, by how much (`door`, null: not only).
   */
  interface Need {
    region?: PacketSpace | null;
    door?: { plus: PacketSpace; minus: PacketSpace } | null;
  }
  interface DestCandidates {
    all?: Need;
    srcs: Map<string, Need>;
  }
  // The same rect's region reaches a destination through several members: keep one copy (the
  // union is the same set; shared objects also let the door walks share one permit computation).
  // Joins are memoised by the pair of operands, so every (destination, source) that two rects
  // reach shares one joined region rather than getting its own copy of the same boxes.
  const joined = new Map<PacketSpace, Map<PacketSpace, PacketSpace>>();
  const join = (x: PacketSpace, y: PacketSpace): PacketSpace => {
    if (x === y) return x;
    let byY = joined.get(x);
    if (!byY) joined.set(x, (byY = new Map()));
    let j = byY.get(y);
    if (!j) byY.set(y, (j = new PacketSpace([...x.boxes, ...y.boxes])));
    return j;
  };
  const merge = (n: Need | undefined, r: { region?: PacketSpace; door?: { plus: PacketSpace; minus: PacketSpace } }): Need => {
    const region = n?.region === null || r.region === undefined ? null : n?.region === undefined ? r.region : join(n.region, r.region);
    const door = n?.door === null || !r.door ? null : n?.door === undefined ? r.door : { plus: join(n.door.plus, r.door.plus), minus: join(n.door.minus, r.door.minus) };
    return { region, door };
  };
  const perDest = new Map<string, DestCandidates>();
  const maxPairs = opts.maxPairs ?? MAX_EVERY_PAIR;
  const maxChanged = opts.maxChangedPairs ?? MAX_CHANGED_PAIRS;
  /** Candidate pairs of a bounded change, compared one by one, or too many to compare at all. */
  let candidatePairs = 0;
  /** The change is bounded, to more pairs than are compared one by one: they are compared by class. */
  let byClass: CandidateBlocks | undefined;
  if (!full) {
    cands = computeCandidates(before, after, diff);
    // Counted, not listed: listing every source and destination of both sides costs more than a
    // one-rule answer at tier L (~150 ms).
    const sources = Math.max(B.u.counts().sources, A.u.counts().sources);
    const dests = Math.max(B.u.counts().dests, A.u.counts().dests);
    // An upper bound of the candidates (rects may overlap), before any is listed: listing them one
    // by one is itself too much when a subnet of thousands of endpoints is removed at tier L.
    let bound = 0;
    if (!cands.everything) for (const r of cands.rects) bound += (r.srcs === 'all' ? sources : r.srcs.size) * (r.dsts === 'all' ? dests : r.dsts.size);
    const blocks = cands.everything ? undefined : bound > ONE_BY_ONE_MAX || opts.candidatesByClass ? candidateBlocks(cands.rects) : undefined;
    if (cands.everything) everyPair = true;
    else if (blocks) {
      // Each pair of the blocks once: the rows with every destination, every other source with
      // the columns, and the rest of the finite rects (at most).
      const count = blocks.rows.size * dests + (sources - blocks.rows.size) * blocks.cols.size + blocks.finiteBound;
      if (count <= maxPairs) byClass = blocks;
      else candidatePairs = count;
    } else if (bound > ONE_BY_ONE_MAX) everyPair = true;
    else {
      for (const r of cands.rects) {
        for (const d of r.dsts === 'all' ? destKeys() : r.dsts) {
          let cur = perDest.get(d);
          if (!cur) perDest.set(d, (cur = { srcs: new Map() }));
          if (r.srcs === 'all') cur.all = merge(cur.all, r);
          else for (const x of r.srcs) cur.srcs.set(x, merge(cur.srcs.get(x), r));
        }
      }
      for (const c of perDest.values()) candidatePairs += c.all ? sourceKeys().length : c.srcs.size;
    }
  }

  const allowed: PairDelta[] = [];
  const blocked: PairDelta[] = [];
  let considered = 0;
  let done = 0;
  let walks = 0;
  let complete = true;
  let totalPairs = 0;
  /** More pairs changed than maxChanged: flows are then not listed (see MAX_CHANGED_PAIRS). */
  let tooManyChanged = false;
  const record = (sk: string, dk: string, b: PairReach, a: PairReach) => {
    if (b.space.isEmpty() && a.space.isEmpty()) return;
    const plus = a.space.subtract(b.space);
    const minus = b.space.subtract(a.space);
    if (plus.isEmpty() && minus.isEmpty()) return;
    const si = item(sk, 'src') as SourceItem;
    const di = item(dk, 'dst') as DestItem;
    const base = { src: si, dst: di, srcBefore: B.u.source(sk), srcAfter: A.u.source(sk), dstBefore: B.u.dest(dk), dstAfter: A.u.dest(dk), before: b, after: a };
    if (!plus.isEmpty()) allowed.push({ ...base, delta: plus });
    if (!minus.isEmpty()) blocked.push({ ...base, delta: minus });
    caveats.addAll(b.caveats);
    caveats.addAll(a.caveats);
  };
  const live = (sk: string, dk: string) => {
    const si = item(sk, 'src');
    const di = item(dk, 'dst');
    return !!si && !!di && isPair(si as SourceItem, di as DestItem);
  };

  // The budget of a full comparison covers its setup too (compiling the snapshot after, the
  // equivalence classes of both): it is checked between the steps and before every walk.
  const over = () => now() - t0 > budget;
  // Every source and destination of either side, as the comparison would pair them (and stats count them).
  const everyPairCount = everyPair ? sourceKeys().length * destKeys().length : 0;
  const tooLarge = everyPair ? everyPairCount > maxPairs : !byClass && candidatePairs > maxPairs;
  if (tooLarge) {
    complete = false;
    totalPairs = everyPair ? everyPairCount : candidatePairs;
    const why = !everyPair
      ? `the change can affect ${fmtCount(candidatePairs)} source/destination pairs, which is more than the ${fmtCount(maxPairs)} this comparison makes`
      : `${cands?.everything ? `the change cannot be bounded to some pairs (${cands.reasons.join('; ')})` : cands ? `the change can affect every pair (${cands.reasons.join('; ')})` : 'a full comparison compares every pair'}, and ${fmtCount(everyPairCount)} source/destination pairs are more than the ${fmtCount(maxPairs)} this comparison makes`;
    caveats.add(tooLargeCaveat(`${why}${oneSidedEndpoints(before, after)}`));
  }
  const classOf = (everyPair || byClass) && !tooLarge && !over() ? refinedClasses(B, A, over) : undefined;
  if (everyPair && !tooLarge && !classOf) {
    // Stopped during setup: nothing compared, so nothing to extrapolate from.
    complete = false;
    totalPairs = Math.max(B.u.counts().sources, A.u.counts().sources) * Math.max(B.u.counts().dests, A.u.counts().dests);
  }
  // Memoised: the candidates' groups ask for the same destinations' classes once per set of sources.
  const classKey = (cls: NonNullable<typeof classOf>, kind: 'src' | 'dst'): ClassOf => {
    const memo = new Map<string, string | undefined>();
    return (k) => {
      const known = memo.get(k);
      if (known !== undefined || memo.has(k)) return known;
      const it = item(k, kind);
      const c = it ? cls(k, it) : undefined;
      memo.set(k, c);
      return c;
    };
  };
  // The same difference recurs for many pairs (a subnet's members behind one rule, the members of
  // one class pair): its parts are computed once (read only from here on).
  const partsMemo = new Map<string, NonNullable<PairDelta['shared']>>();
  const sharedParts = (sp: PacketSpace): NonNullable<PairDelta['shared']> => {
    const mk = sp.boxes.map((b) => `${b.protocols.key()}/${b.src.key()}/${b.srcPorts.key()}/${b.dst.key()}/${b.dstPorts.key()}`).join(';');
    let shared = partsMemo.get(mk);
    if (!shared) {
      const r = partsOf(sp);
      partsMemo.set(mk, (shared = { parts: r.parts, sig: signatureOf(r.parts, false), otherProtocols: r.otherProtocols }));
    }
    return shared;
  };
  /**
   * Pairs of members, once per pair of (refined) equivalence classes: each group's blocks (sources
   * × destinations) share a pair of classes, so a representative pair is walked before and after,
   * and members share its answer (rebased on their own source address). False when the budget
   * stopped it.
   */
  const compareByClass = (groups: Iterable<Block[]>, total: number): boolean => {
    let shown = -1;
    for (const blocks of groups) {
      if (over()) return false;
      done++;
      for (const { srcs, dsts } of blocks) considered += srcs.length * dsts.length;
      if (opts.onProgress && total > 0 && Math.floor((100 * considered) / total) !== shown) {
        shown = Math.floor((100 * considered) / total);
        opts.onProgress(Math.min(considered, total), total);
      }
      // A representative pair that is a question (not an endpoint to itself).
      let rep: [string, string] | undefined;
      find: for (const { srcs, dsts } of blocks) {
        for (const x of srcs) {
          const y = dsts.find((d) => live(x, d));
          if (y) {
            rep = [x, y];
            break find;
          }
        }
      }
      if (!rep) continue;
      // Within the blocks' regions when they all have one (walks restricted to the packets a
      // changed rule matches, as one by one): the differences are the same, the walks cheaper.
      const region = regionOf(blocks);
      const b = pairReach(B, rep[0], rep[1], region);
      const a = pairReach(A, rep[0], rep[1], region);
      walks++;
      if (b.space.isEmpty() && a.space.isEmpty()) continue;
      const plus = a.space.subtract(b.space);
      const minus = b.space.subtract(a.space);
      if (plus.isEmpty() && minus.isEmpty()) continue;
      // Every member pair refers to the representative's answer and difference instead of a copy
      // rebased on its own source address (a changed spoke at tier L differs in millions of
      // pairs). An endpoint source's difference is the representative's but for the source
      // address, which rendering takes from the pair itself (its sources, its example), so the
      // parts are shared too. The internet and on-premises sites keep their own (rebase leaves them).
      const sharedPlus = plus.isEmpty() ? undefined : sharedParts(plus);
      const sharedMinus = minus.isEmpty() ? undefined : sharedParts(minus);
      caveats.addAll(b.caveats);
      caveats.addAll(a.caveats);
      for (const { srcs, dsts } of blocks) {
        // Each destination's items once per block, not once per source (L without a VNet: 410,000
        // changed pairs, each looked up four times).
        let dst: { item: DestItem | undefined; before: DestItem | undefined; after: DestItem | undefined }[] | undefined;
        for (const x of srcs) {
          const si = item(x, 'src') as SourceItem | undefined;
          if (si === undefined) continue;
          if (si.kind !== 'endpoint') {
            for (const y of dsts) if (live(x, y)) record(x, y, rebase(b, si), rebase(a, si));
            continue;
          }
          dst ??= dsts.map((y) => ({ item: item(y, 'dst') as DestItem | undefined, before: B.u.dest(y), after: A.u.dest(y) }));
          const srcBefore = B.u.source(x);
          const srcAfter = A.u.source(x);
          for (const d of dst) {
            if (d.item === undefined || !isPair(si, d.item)) continue;
            const base = { src: si, dst: d.item, srcBefore, srcAfter, dstBefore: d.before, dstAfter: d.after, before: b, after: a };
            if (sharedPlus) allowed.push({ ...base, delta: plus, shared: sharedPlus });
            if (sharedMinus) blocked.push({ ...base, delta: minus, shared: sharedMinus });
          }
        }
      }
      if (allowed.length + blocked.length > maxChanged) {
        tooManyChanged = true;
        return false;
      }
    }
    return true;
  };
  if (everyPair && classOf) {
    // Every pair, once per pair of (refined) equivalence classes; members share the answer.
    const srcClasses = classesOf(sourceKeys(), classKey(classOf, 'src'));
    const dstClasses = classesOf(destKeys(), classKey(classOf, 'dst'));
    for (const ss of srcClasses) for (const ds of dstClasses) totalPairs += ss.length * ds.length;
    if (!compareByClass(crossedClasses(srcClasses, dstClasses), totalPairs)) complete = false;
  } else if (byClass && classOf) {
    // The candidates, each once, by class (too many to compare one by one).
    const { groups, pairs } = candidateGroups(byClass, sourceKeys, destKeys, classKey(classOf, 'src'), classKey(classOf, 'dst'));
    totalPairs = pairs;
    compareByClass(groups, pairs);
  } else if (!tooLarge) {
    // The candidates, per destination; sources that share their filter point and routes are
    // walked together to an endpoint.
    // Per source, not per (source, destination): large changes pair each source with many destinations.
    const groupKeys = new Map<string, string | undefined>();
    const groupKey = (s: string): string | undefined => {
      if (groupKeys.has(s)) return groupKeys.get(s);
      const k = computeGroupKey(s);
      groupKeys.set(s, k);
      return k;
    };
    const computeGroupKey = (s: string): string | undefined => {
      const b = B.u.source(s);
      const a = A.u.source(s);
      if (b?.kind !== 'endpoint' || a?.kind !== 'endpoint') return undefined;
      const pk = (dp: DataPlane, e: Endpoint) => {
        const p = filterPointOfEndpoint(dp, e);
        return `${p.subnetId}|${p.subnetNsgId ?? ''}|${p.nicNsgId ?? ''}`;
      };
      return `${pk(before, b.endpoint)}#${pk(after, a.endpoint)}`;
    };
    const ownEgress = (x: string): boolean => {
      for (const u of [B.u, A.u]) {
        const it = u.source(x);
        if (it?.kind !== 'endpoint' || it.endpoint.kind !== 'nic') continue;
        const nic = u.dp.snapshot.networkInterfaces.get(it.endpoint.nicId);
        if (nic?.ipConfigurations.some((c) => c.publicIpId || c.loadBalancerBackendPoolIds.length)) return true;
      }
      return false;
    };
    // 1. Work units: per destination, its candidate sources in groups that share their filter
    //    point and routes (and whether only the destination's door differs for them).
    interface Unit {
      dk: string;
      members: string[];
      need: Need;
      groupKey?: string;
    }
    const units: Unit[] = [];
    for (const [dk, c] of perDest) {
      const needOf = (x: string): Need => {
        const own = c.srcs.get(x);
        if (!c.all) return own ?? {};
        if (!own) return c.all;
        return merge(c.all, { region: own.region ?? undefined, door: own.door ?? undefined });
      };
      const srcs = (c.all ? sourceKeys() : [...c.srcs.keys()]).filter((x) => live(x, dk));
      considered += srcs.length;
      const destKind = (A.u.dest(dk) ?? B.u.dest(dk))?.kind;
      const groups = new Map<string, string[]>();
      for (const x of srcs) {
        // To a storage account, the source NIC's own egress (public IP, load balancer) matters too.
        const g = destKind === 'endpoint' ? groupKey(x) : destKind === 'storage' && !ownEgress(x) ? groupKey(x) : undefined;
        if (!g) {
          units.push({ dk, members: [x], need: needOf(x) });
          continue;
        }
        const k = `${needOf(x).door ? 'door' : 'reach'}#${g}`;
        const l = groups.get(k);
        if (l) l.push(x);
        else groups.set(k, [x]);
      }
      for (const [k, members] of groups) {
        let need: Need | undefined;
        for (const m of members) {
          const n = needOf(m);
          need = need === undefined ? n : merge(need, { region: n.region ?? undefined, door: n.door ?? undefined });
        }
        units.push({ dk, members, need: need ?? {}, groupKey: k });
      }
    }

    const items = (x: Side, members: string[]) => members.map((k) => x.u.source(k)).filter((i): i is Extract<SourceItem, { kind: 'endpoint' }> => i?.kind === 'endpoint');
    /**
     * Door units: `arrived` holds the packets of all members (their addresses as sources). Members
     * whose addresses fall in the same boxes of a difference share its shape: the parts are
     * computed once for them (large changes have thousands of such pairs).
     */
    const recordDoor = (u: Unit, arrived: PacketSpace, caveatsOf: PairReach['caveats']) => {
      const door = u.need.door!;
      const d = B.u.dest(u.dk);
      const di = item(u.dk, 'dst') as DestItem | undefined;
      if (d?.kind !== 'endpoint' || !di) return;
      // The door's difference for this destination only (rules may name some addresses of a subnet).
      const mine = IntervalSet.point(d.endpoint.ip);
      const plus = anyDestination(arrived.intersect(toDestination(door.plus, mine)));
      const minus = anyDestination(arrived.intersect(toDestination(door.minus, mine)));
      if (plus.isEmpty() && minus.isEmpty()) return;
      caveats.addAll(caveatsOf);
      for (const [delta, list] of [[plus, allowed], [minus, blocked]] as const) {
        if (delta.isEmpty()) continue;
        const atoms = new Map<string, { keys: string[]; ips: [number, number][]; boxes: number[] }>();
        for (const k of u.members) {
          const si = item(k, 'src');
          if (si?.kind !== 'endpoint' || !isPair(si, di)) continue;
          const ip = si.endpoint.ip;
          const boxes: number[] = [];
          delta.boxes.forEach((b, i) => {
            if (b.src.has(ip)) boxes.push(i);
          });
          if (!boxes.length) continue;
          const key = boxes.join(',');
          const a = atoms.get(key);
          if (a) {
            a.keys.push(k);
            a.ips.push([ip, ip]);
          } else atoms.set(key, { keys: [k], ips: [[ip, ip]], boxes });
        }
        for (const a of atoms.values()) {
          const src = IntervalSet.fromRanges(a.ips);
          const atomDelta = new PacketSpace(a.boxes.map((i) => ({ ...delta.boxes[i], src })));
          const shared = sharedParts(atomDelta);
          for (const k of a.keys) {
            const reach: PairReach = { space: atomDelta, pieces: [], caveats: caveatsOf };
            list.push({ src: item(k, 'src') as SourceItem, dst: di, srcBefore: B.u.source(k), srcAfter: A.u.source(k), dstBefore: B.u.dest(u.dk), dstAfter: A.u.dest(u.dk), before: reach, after: reach, delta: atomDelta, shared });
          }
        }
      }
    };

    // 2. Door units to NICs one step away: without walks, all destinations of a group at once.
    const done = new Set<Unit>();
    const byGroup = new Map<string, Unit[]>();
    for (const u of units) {
      if (!u.groupKey?.startsWith('door#') || !u.need.door) continue;
      const l = byGroup.get(u.groupKey);
      if (l) l.push(u);
      else byGroup.set(u.groupKey, [u]);
    }
    for (const list of byGroup.values()) {
      const members = [...new Set(list.flatMap((u) => u.members))];
      const dests = list.flatMap((u) => {
        const d = B.u.dest(u.dk);
        return d ? [{ d, region: u.need.region ?? undefined }] : [];
      });
      const r = fastDoorArrivals(before, items(B, members), dests);
      if (r.arrived.size) walks++;
      for (const u of list) {
        const got = r.arrived.get(u.dk);
        if (!got) continue;
        recordDoor(u, got.intersectBox({ protocols: ALL_PROTOCOLS, src: IntervalSet.fromRanges(items(B, u.members).map((x) => [x.endpoint.ip, x.endpoint.ip] as [number, number])), srcPorts: ALL_PORTS, dst: ALL_ADDRESSES, dstPorts: ALL_PORTS }), r.caveats);
        done.add(u);
      }
    }

    // 3. The rest: walks.
    for (const u of units) {
      if (done.has(u)) continue;
      const { dk, members } = u;
      const region = u.need.region ?? undefined;
      walks++;
      if (!u.groupKey) {
        record(members[0], dk, pairReach(B, members[0], dk, region), pairReach(A, members[0], dk, region));
        continue;
      }
      const door = u.need.door;
      const db = B.u.dest(dk);
      if (door && db?.kind === 'endpoint') {
        // Only the destination's inbound NSGs differ: what arrives at its door on the snapshot
        // before, filtered by the permits before and after, tells both answers.
        const arrived = computeGroupReach(before, items(B, members), db, region, doorFilters(before, db.endpoint));
        if (arrived) {
          const all = new PacketSpace([...arrived.values()].flatMap((r) => r.space.boxes));
          recordDoor(u, all, [...arrived.values()][0]?.caveats ?? []);
          continue;
        }
      }
      const side = (x: Side) => {
        const dd = x.u.dest(dk);
        return dd ? computeGroupReach(x.dp, items(x, members), dd, region) : new Map<string, PairReach>();
      };
      const rb = side(B);
      const ra = rb && side(A);
      if (!rb || !ra) {
        // Re-sourced by a proxy on one side: one walk per member.
        for (const k of members) record(k, dk, pairReach(B, k, dk, region), pairReach(A, k, dk, region));
        walks += members.length;
        continue;
      }
      for (const k of members) record(k, dk, rb.get(k) ?? NO_REACH, ra.get(k) ?? NO_REACH);
    }
  }

  if (tooManyChanged) {
    // Listing some of the changes would read as all of them: none are, as when too many pairs
    // are candidates, and gates on flows are then not judged.
    allowed.length = 0;
    blocked.length = 0;
    complete = false;
    caveats.add(tooLargeCaveat(`more than ${fmtCount(maxChanged)} source/destination pairs change (found among the ${fmtCount(considered)} of ${fmtCount(totalPairs)} pairs compared when the comparison stopped), more than this comparison lists`));
  }

  // ---- the answer ----
  // Rendering asks for the same subnets and VNets once per group: computed once each (read only).
  const subnetMemo = new Map<string, Set<string>>();
  const inSubnet = (subnetId: string, sources: boolean): Set<string> => {
    const mk = `${sources ? 's' : 'd'}|${subnetId}`;
    let out = subnetMemo.get(mk);
    if (out) return out;
    out = new Set<string>();
    for (const u of B.u === A.u ? [B.u] : [B.u, A.u]) {
      for (const e of u.endpointsInSubnet(subnetId)) if (!sources || e.kind === 'nic') out.add(endpointItemKey(e));
    }
    subnetMemo.set(mk, out);
    return out;
  };
  const vnetMemo = new Map<string, Set<string>>();
  const vnetSubnets = (vnetId: string, sources: boolean): Set<string> => {
    const mk = `${sources ? 's' : 'd'}|${vnetId}`;
    let out = vnetMemo.get(mk);
    if (out) return out;
    out = new Set<string>();
    for (const dp of before === after ? [before] : [before, after]) {
      for (const id of dp.snapshot.virtualNetworks.get(vnetId)?.subnetIds ?? []) if (inSubnet(id, sources).size) out.add(id);
    }
    vnetMemo.set(mk, out);
    return out;
  };
  const ctx: GroupingContext = { before, after, subnetSources: (id) => inSubnet(id, true), subnetDests: (id) => inSubnet(id, false), vnetSubnets, traces: opts.traces ?? true, traceBudget: { left: opts.maxTraces ?? DEFAULT_MAX_TRACES, skipped: 0 }, blockingNsgs: { ids: new Set<string>(), left: BLOCKING_NSG_TRACES } };
  const na = renderDeltas(ctx, allowed, 'allowed');
  const nb = renderDeltas(ctx, blocked, 'blocked');
  if (ctx.traceBudget.skipped) caveats.add({ code: 'whatif.traces-limited', message: `The examples of the first ${opts.maxTraces ?? DEFAULT_MAX_TRACES} changed flows are traced before and after; ${ctx.traceBudget.skipped} more carry their example flow only (ztpath trace with it shows the path).` });
  if (na.otherProtocols || nb.otherProtocols) caveats.add({ code: 'reach.other-protocols', message: 'Other IP protocols change too (rules with protocol *); only Tcp, Udp, Icmp, Esp and Ah are listed.' });
  caveats.add({ code: 'whatif.representative-destinations', message: `The internet as a destination is represented by ${'203.0.113.1'} and each on-premises site by one address of its first prefix; storage accounts by their blob endpoint.` });

  const existing = existingConnectionsCaveat(ctx.blockingNsgs.ids, after.snapshot);
  if (existing) caveats.add(existing);

  const c = cands ?? computeCandidates(before, after, diff);
  const findings = { added: [] as FindingLike[], resolved: [] as FindingLike[] };
  let findingsMs: number | undefined;
  if (opts.findings) {
    const tf = now();
    const scope = full ? undefined : nsgOnlyScope(diff);
    const fb = opts.findings(before, scope).findings;
    const fa = opts.findings(after, scope).findings;
    const kb = new Set(fb.map((f) => f.fingerprint));
    const ka = new Set(fa.map((f) => f.fingerprint));
    findings.added = fa.filter((f) => !kb.has(f.fingerprint));
    findings.resolved = fb.filter((f) => !ka.has(f.fingerprint));
    findingsMs = Math.round((now() - tf) * 10) / 10;
  } else {
    caveats.add({ code: 'whatif.partial', message: 'Findings were not compared (no findings engine was given, or --no-findings); the findings section is empty.' });
  }
  if (!complete && !tooLarge && !tooManyChanged) {
    caveats.add({ code: 'whatif.partial', message: `The full comparison stopped after ${Math.round(budget)} ms, having compared ${considered} of ${totalPairs} source/destination pairs; the answer lists what those pairs showed.` });
  }
  const routes = routeChanges(before, after, c.routeSubnets);
  const rules = ruleChanges(before, after, c.ruleSites);
  const exposure = { added: renderExposure(ctx, allowed, 'allowed'), removed: renderExposure(ctx, blocked, 'blocked') };
  const elapsedMs = now() - t0;
  return {
    newlyAllowed: na.items,
    newlyBlocked: nb.items,
    exposure,
    findings,
    routes,
    rules,
    changes: summarizeChanges(diff),
    caveats: caveats.list().sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)),
    stats: {
      mode: full ? 'full' : 'incremental',
      complete,
      sources: sk ? sk.length : A.u.counts().sources,
      destinations: dk ? dk.length : A.u.counts().dests,
      pairsComputed: walks,
      pairsConsidered: considered,
      reasons: cands ? (cands.everything ? ['every pair: ' + cands.reasons.join('; ')] : byClass ? ['candidates by class: ' + cands.reasons.join('; ')] : everyPair ? ['every pair (a rect of every source and every destination): ' + cands.reasons.join('; ')] : cands.reasons) : ['full comparison: every pair'],
      elapsedMs: Math.round(elapsedMs * 10) / 10,
      ...(findingsMs !== undefined ? { findingsMs } : {}),
      ...(complete || considered === 0 || tooManyChanged ? {} : { estimatedFullMs: Math.round((elapsedMs * totalPairs) / considered) }),
      ...(tooLarge || tooManyChanged ? { flowsCompared: false as const } : {}),
    },
  };
}

/**
 * The NSGs a change edits, when it edits nothing else (rules, in the common case): findings that
 * judge NSG by NSG can then differ only for them (FindingsOptions.nsgScope). Undefined when the
 * change touches anything else (associations, routes, ASG members, service tags...): every finding
 * is compared.
 */
function nsgOnlyScope(diff: SnapshotDiff): ReadonlySet<ResourceId> | undefined {
  if (diff.serviceTagsChanged) return undefined;
  const ids = new Set<ResourceId>();
  for (const c of diff.changes) {
    if (c.collection !== 'networkSecurityGroups' || c.change !== 'modified') return undefined;
    ids.add(c.id);
  }
  return ids;
}

/** The caveat of flows not compared (stats.flowsCompared false), saying why. */
function tooLargeCaveat(why: string): Caveat {
  return {
    code: 'whatif.too-large',
    message: `Flows and internet exposure were not compared: ${why}. Findings, effective routes and effective rules were compared. A smaller change (or one subscription at a time) can be compared.`,
  };
}

/**
 * Where a change too large to compare gets its pairs, when endpoints came or went (a subscription
 * missing from one export): ` (N endpoints are only in the snapshot before, M only in the one after)`.
 */
function oneSidedEndpoints(before: DataPlane, after: DataPlane): string {
  if (before === after) return '';
  const b = endpointKeys(before);
  const a = endpointKeys(after);
  let gone = 0;
  let added = 0;
  for (const k of b) if (!a.has(k)) gone++;
  for (const k of a) if (!b.has(k)) added++;
  if (gone + added === 0) return '';
  return ` (${fmtCount(gone)} endpoint${gone === 1 ? ' is' : 's are'} only in the snapshot before, ${fmtCount(added)} only in the one after)`;
}

/** `2,342,766,451`: counts in messages, grouped as in English whatever the locale. */
function fmtCount(n: number): string {
  return n.toLocaleString('en-US');
}
