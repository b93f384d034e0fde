// Packet-set differences to the answer's items: per protocol the exact ports and source prefixes
// (like reach parts), grouped by source and destination, where a whole subnet that changed alike
// is named once instead of endpoint by endpoint.

import type { DataPlane } from '../../dataplane/compile.ts';
import type { Endpoint } from '../../dataplane/address-index.ts';
import { setToCidrStrings } from '../../sets/cidr.ts';
import { IntervalSet } from '../../sets/interval-set.ts';
import { formatIPv4, parseIPv4 } from '../../sets/ipv4.ts';
import type { PacketSpace } from '../../sets/packet-space.ts';
import { ALL_PORTS, formatPorts } from '../../sets/ports.ts';
import { PROTOCOL_NUMBERS } from '../../sets/protocols.ts';
import { exampleSourcePort, traceFlow } from '../../trace/trace-flow.ts';
import { INTERNET_EXAMPLE } from '../../trace/run-path.ts';
import type { ResolvedRef } from '../resolve-ref.ts';
import { destRef, viaOf, type PairReach } from './pair-reach.ts';
import type { ExposureChange, FlowChange, WhatIfParty } from './types.ts';
import { destParty, endpointParty, sourceParty, type DestItem, type SourceItem } from './universe.ts';

const NAMED: [string, number][] = [['Tcp', PROTOCOL_NUMBERS.Tcp], ['Udp', PROTOCOL_NUMBERS.Udp], ['Icmp', PROTOCOL_NUMBERS.Icmp], ['Esp', PROTOCOL_NUMBERS.Esp], ['Ah', PROTOCOL_NUMBERS.Ah]];
const NAMED_SET = IntervalSet.fromRanges(NAMED.map(([, n]) => [n, n] as [number, number]));
const ORDER = new Map([['Any', -1], ...NAMED.map(([n], i) => [n, i] as [string, number])]);
const ALL_PROTOCOL_NUMBERS = IntervalSet.range(0, 255);
const ALL_ADDRESS_SPACE = IntervalSet.range(0, 0xffffffff);

export interface Part {
  protocol: string;
  ports: IntervalSet;
  src: IntervalSet;
  srcPorts: IntervalSet;
  icmpLike: boolean;
}

/** A packet set as reach-style parts: per protocol, per source set, the destination ports. */
export function partsOf(space: PacketSpace): { parts: Part[]; otherProtocols: boolean } {
  const byKey = new Map<string, Part>();
  let otherProtocols = false;
  // Sources for which every protocol and port changed read better as one `Any` part.
  const whole = new Map<string, { src: IntervalSet; protocols: IntervalSet }>();
  for (const b of space.boxes) {
    if (!b.dstPorts.equals(ALL_PORTS) || !b.srcPorts.equals(ALL_PORTS)) continue;
    const w = whole.get(b.src.key());
    if (w) w.protocols = w.protocols.union(b.protocols);
    else whole.set(b.src.key(), { src: b.src, protocols: b.protocols });
  }
  const anySources = new Set([...whole.entries()].filter(([, w]) => w.protocols.equals(ALL_PROTOCOL_NUMBERS)).map(([k]) => k));
  for (const k of anySources) {
    const w = whole.get(k)!;
    byKey.set(`Any|${k}`, { protocol: 'Any', ports: ALL_PORTS, src: w.src, srcPorts: ALL_PORTS, icmpLike: true });
  }
  for (const b of space.boxes) {
    if (anySources.has(b.src.key())) continue;
    for (const [name, num] of NAMED) {
      if (!b.protocols.has(num)) continue;
      const icmpLike = num !== 6 && num !== 17;
      const srcPorts = icmpLike ? ALL_PORTS : b.srcPorts;
      const k = `${name}|${b.src.key()}|${srcPorts.key()}`;
      const p = byKey.get(k);
      const ports = icmpLike ? ALL_PORTS : b.dstPorts;
      if (p) p.ports = p.ports.union(ports);
      else byKey.set(k, { protocol: name, ports, src: b.src, srcPorts, icmpLike });
    }
    if (!b.protocols.subtract(NAMED_SET).isEmpty()) otherProtocols = true;
  }
  // Sources that get the same ports merge into one part.
  const merged = new Map<string, Part>();
  for (const p of byKey.values()) {
    const k = `${p.protocol}|${p.ports.key()}|${p.srcPorts.key()}`;
    const m = merged.get(k);
    if (m) m.src = m.src.union(p.src);
    else merged.set(k, { ...p });
  }
  const parts = [...merged.values()].sort((a, b) => ORDER.get(a.protocol)! - ORDER.get(b.protocol)! || (a.ports.min() ?? 0) - (b.ports.min() ?? 0) || (a.src.min() ?? 0) - (b.src.min() ?? 0));
  return { parts, otherProtocols };
}

/** A signature of a difference that ignores which endpoint it came from (for grouping). */
export function signatureOf(parts: Part[], external: boolean): string {
  return parts.map((p) => `${p.protocol}:${p.icmpLike ? '' : p.ports.key()}:${p.srcPorts.key()}${external ? `:${p.src.key()}` : ''}`).join(';');
}

export interface PairDelta {
  src: SourceItem;
  dst: DestItem;
  /** The data planes' items (endpoints differ in object identity between the two). */
  srcBefore?: SourceItem;
  srcAfter?: SourceItem;
  dstBefore?: DestItem;
  dstAfter?: DestItem;
  delta: PacketSpace;
  before: PairReach;
  after: PairReach;
  /**
   * Precomputed for sources whose differences have the same shape (they share the parts, which then
   * carry all their addresses as the source set; `delta` likewise).
   */
  shared?: { parts: Part[]; sig: string; otherProtocols: boolean };
}

interface Group {
  from: WhatIfParty;
  to: WhatIfParty;
  fromKey: string;
  toKey: string;
  sig: string;
  pairs: PairDelta[];
  parts: Part[];
  sourceIps: IntervalSet;
}

/**
 * A whole VNet as one side: every subnet of it that has sources (or destinations). Its addresses in
 * address order, as a subnet's: the subnets' groups arrive in whatever order the pairs were found.
 */
function vnetParty(dp: DataPlane, vnetId: string, ips: string[]): WhatIfParty {
  const v = dp.snapshot.virtualNetworks.get(vnetId);
  const ordered = [...new Set(ips)].map((ip) => ({ ip, n: parseIPv4(ip) ?? -1 })).sort((a, b) => a.n - b.n).map((x) => x.ip);
  return { kind: 'vnet', name: v?.name ?? vnetId, id: v?.displayId ?? vnetId, ips: ordered };
}

/**
 * Subnet-level groups that together cover every subnet of a VNet (that has members) merge into a
 * VNet-level group: a change that hits a whole spoke reads as one line.
 */
function mergeVnets<T extends { key: string; vnetId?: string; subnetId?: string; party: WhatIfParty }>(list: T[], keyOf: (x: T) => string, subnetsWithMembers: (vnetId: string) => Set<string>, merge: (xs: T[], vnetId: string) => T): T[] {
  const buckets = new Map<string, T[]>();
  const out: T[] = [];
  for (const x of list) {
    if (!x.vnetId || !x.subnetId) {
      out.push(x);
      continue;
    }
    const k = `${keyOf(x)}|${x.vnetId}`;
    const l = buckets.get(k);
    if (l) l.push(x);
    else buckets.set(k, [x]);
  }
  for (const xs of buckets.values()) {
    const vnetId = xs[0].vnetId!;
    const want = subnetsWithMembers(vnetId);
    const have = new Set(xs.map((x) => x.subnetId!));
    if (xs.length > 1 && have.size === want.size && [...want].every((id) => have.has(id))) out.push(merge(xs, vnetId));
    else out.push(...xs);
  }
  return out;
}

/** Subnet parties by their key set (the context's sets are built once per subnet), per data plane. */
const subnetParties = new WeakMap<Set<string>, Map<DataPlane, Map<string, WhatIfParty>>>();

/** subnetParty, once per subnet, key set and data plane (groups of one subnet share the party). */
function subnetPartyOnce(dp: DataPlane, subnetId: string, keys: Set<string>): WhatIfParty {
  let byDp = subnetParties.get(keys);
  if (!byDp) subnetParties.set(keys, (byDp = new Map()));
  let bySubnet = byDp.get(dp);
  if (!bySubnet) byDp.set(dp, (bySubnet = new Map()));
  let party = bySubnet.get(subnetId);
  if (!party) bySubnet.set(subnetId, (party = subnetParty(dp, subnetId, keys)));
  return party;
}

/** A whole subnet as one side; `ips` are the addresses of all its sources (or destinations). */
function subnetParty(dp: DataPlane, subnetId: string, keys: Set<string>): WhatIfParty {
  const s = dp.snapshot.subnets.get(subnetId);
  const vnet = s ? dp.snapshot.virtualNetworks.get(s.vnetId) : undefined;
  const ips = [...keys].map((k) => Number(k.split('|')[1])).filter((n) => Number.isFinite(n)).sort((a, b) => a - b).map(formatIPv4);
  return { kind: 'subnet', name: `${vnet?.name ?? '?'}/${s?.name ?? subnetId}`, id: s?.displayId ?? subnetId, ips: [...new Set(ips)] };
}

export interface GroupingContext {
  before: DataPlane;
  after: DataPlane;
  /** Endpoint keys of a subnet (NIC sources, and all endpoint destinations), over both snapshots. */
  subnetSources: (subnetId: string) => Set<string>;
  subnetDests: (subnetId: string) => Set<string>;
  /** Subnets of a VNet that have sources (or destinations), over both snapshots. */
  vnetSubnets: (vnetId: string, sources: boolean) => Set<string>;
  traces: boolean;
  /** How many more items get their example traced (the rest keep the example flow only). */
  traceBudget: { left: number; skipped: number };
  /**
   * The NSGs that stop the examples of newly blocked flows after the change (rule 3.9: they leave
   * existing connections up), from their after-traces; `left` bounds the extra traces made when
   * examples are not traced.
   */
  blockingNsgs: { ids: Set<string>; left: number };
}

/** Extra after-traces of newly blocked examples, to find the NSGs that block them (rule 3.9). */
export const BLOCKING_NSG_TRACES = 200;

function dpFor(ctx: GroupingContext, p: PairDelta): DataPlane {
  return p.srcAfter && p.dstAfter ? ctx.after : ctx.before;
}

/**
 * Items of one direction (newly allowed or newly blocked). `deltas` are per pair; pairs whose
 * differences are the same apart from the source address are merged per source subnet, then
 * destinations per destination subnet; a subnet is named when every endpoint in it is in the group.
 */
export function renderDeltas(ctx: GroupingContext, deltas: PairDelta[], direction: 'allowed' | 'blocked'): { items: FlowChange[]; otherProtocols: boolean } {
  let otherProtocols = false;
  const withParts = deltas.map((p) => {
    if (p.shared) {
      if (p.shared.otherProtocols) otherProtocols = true;
      return { p, parts: p.shared.parts, sig: p.shared.sig };
    }
    const r = partsOf(p.delta);
    if (r.otherProtocols) otherProtocols = true;
    return { p, parts: r.parts, sig: signatureOf(r.parts, p.src.kind !== 'endpoint') };
  }).filter((x) => x.parts.length > 0);

  // 1. Sources: per (destination, signature, source subnet), in the order first met. Looked up
  // through nested maps: a key text joined per pair (a destination's key, the signature and a
  // subnet id, hundreds of characters) cost more than the grouping at 400,000 pairs.
  type SourceGroup = { sig: string; dstKey: string; pairs: PairDelta[]; parts: Part[] };
  const bySource: SourceGroup[] = [];
  const sourceIndex = new Map<string, Map<string, Map<string, SourceGroup>>>();
  for (const x of withParts) {
    const s = x.p.src;
    const dstKey = x.p.dst.key;
    // A subnet id and an item key that is not an endpoint's (internet, onprem|..., storage|...) never meet.
    const from = s.kind === 'endpoint' ? s.endpoint.subnetId : s.key;
    let bySig = sourceIndex.get(dstKey);
    if (bySig === undefined) sourceIndex.set(dstKey, (bySig = new Map()));
    let byFrom = bySig.get(x.sig);
    if (byFrom === undefined) bySig.set(x.sig, (byFrom = new Map()));
    const g = byFrom.get(from);
    if (g) g.pairs.push(x.p);
    else {
      const created = { sig: x.sig, dstKey, pairs: [x.p], parts: x.parts };
      byFrom.set(from, created);
      bySource.push(created);
    }
  }
  // Split partial subnets back into endpoints.
  const srcGroups: { fromKey: string; from: WhatIfParty; sig: string; pairs: PairDelta[]; parts: Part[] }[] = [];
  for (const g of bySource) {
    const first = g.pairs[0].src;
    if (first.kind === 'endpoint') {
      const subnetId = first.endpoint.subnetId;
      const all = ctx.subnetSources(subnetId);
      // An endpoint is not its own source; the group's sources are among the others.
      const others = all.size - (all.has(g.dstKey) ? 1 : 0);
      const have = new Set(g.pairs.map((p) => p.src.key));
      if (have.size > 1 && have.size === others) {
        const dp = dpFor(ctx, g.pairs[0]);
        srcGroups.push({ fromKey: `subnet:${subnetId}`, from: subnetPartyOnce(dp, subnetId, ctx.subnetSources(subnetId)), sig: g.sig, pairs: g.pairs, parts: g.parts });
        continue;
      }
      for (const p of g.pairs) srcGroups.push({ fromKey: p.src.key, from: sourceParty(dpFor(ctx, p), p.src), sig: g.sig, pairs: [p], parts: g.parts });
    } else {
      srcGroups.push({ fromKey: first.key, from: sourceParty(dpFor(ctx, g.pairs[0]), first), sig: g.sig, pairs: g.pairs, parts: g.parts });
    }
  }

  // 1b. Whole VNets of sources.
  {
    type SG = (typeof srcGroups)[number] & { key: string; vnetId?: string; subnetId?: string; party: WhatIfParty; dstKey: string };
    const tagged: SG[] = srcGroups.map((g) => {
      const subnetId = g.fromKey.startsWith('subnet:') ? g.fromKey.slice(7) : undefined;
      const dp = dpFor(ctx, g.pairs[0]);
      return { ...g, key: g.fromKey, subnetId, vnetId: subnetId ? dp.snapshot.subnets.get(subnetId)?.vnetId : undefined, party: g.from, dstKey: g.pairs[0].dst.key };
    });
    const merged = mergeVnets(tagged, (x) => `${x.dstKey}|${x.sig}`, (vnetId) => ctx.vnetSubnets(vnetId, true), (xs, vnetId) => {
      const dp = dpFor(ctx, xs[0].pairs[0]);
      const ips = xs.flatMap((x) => x.from.ips ?? []);
      const from = vnetParty(dp, vnetId, ips);
      return { ...xs[0], fromKey: `vnet:${vnetId}`, key: `vnet:${vnetId}`, from, party: from, pairs: xs.flatMap((x) => x.pairs), subnetId: undefined, vnetId: undefined };
    });
    srcGroups.length = 0;
    for (const m of merged) srcGroups.push({ fromKey: m.fromKey, from: m.from, sig: m.sig, pairs: m.pairs, parts: m.parts });
  }

  // 2. Destinations: per (source group, signature, destination subnet).
  const byDest = new Map<string, { fromKey: string; from: WhatIfParty; sig: string; pairs: PairDelta[]; parts: Part[]; dsts: Map<string, DestItem> }>();
  for (const g of srcGroups) {
    const d = g.pairs[0].dst;
    const k = d.kind === 'endpoint' ? `${g.fromKey}|${g.sig}|subnet:${d.endpoint.subnetId}` : `${g.fromKey}|${g.sig}|${d.key}`;
    const x = byDest.get(k);
    if (x) {
      x.pairs.push(...g.pairs);
      x.dsts.set(d.key, d);
    } else byDest.set(k, { fromKey: g.fromKey, from: g.from, sig: g.sig, pairs: [...g.pairs], parts: g.parts, dsts: new Map([[d.key, d]]) });
  }
  const groups: Group[] = [];
  for (const x of byDest.values()) {
    const firstDst = [...x.dsts.values()][0];
    const sourceIps = (pairs: PairDelta[]) => IntervalSet.fromRanges(pairs.flatMap((p) => (p.src.kind === 'endpoint' ? [[p.src.endpoint.ip, p.src.endpoint.ip] as [number, number]] : [])));
    if (firstDst.kind === 'endpoint') {
      const subnetId = firstDst.endpoint.subnetId;
      const all = ctx.subnetDests(subnetId);
      if (x.dsts.size > 1 && x.dsts.size === all.size) {
        const dp = dpFor(ctx, x.pairs[0]);
        groups.push({ from: x.from, to: subnetPartyOnce(dp, subnetId, all), fromKey: x.fromKey, toKey: `subnet:${subnetId}`, sig: x.sig, pairs: x.pairs, parts: x.parts, sourceIps: sourceIps(x.pairs) });
        continue;
      }
      // The group's pairs per destination, in order (one pass, not one filter per destination).
      const byDst = new Map<string, PairDelta[]>();
      for (const p of x.pairs) {
        const l = byDst.get(p.dst.key);
        if (l) l.push(p);
        else byDst.set(p.dst.key, [p]);
      }
      for (const d of x.dsts.values()) {
        const pairs = byDst.get(d.key) ?? [];
        groups.push({ from: x.from, to: destParty(dpFor(ctx, pairs[0]), d), fromKey: x.fromKey, toKey: d.key, sig: x.sig, pairs, parts: x.parts, sourceIps: sourceIps(pairs) });
      }
    } else {
      groups.push({ from: x.from, to: destParty(dpFor(ctx, x.pairs[0]), firstDst), fromKey: x.fromKey, toKey: firstDst.key, sig: x.sig, pairs: x.pairs, parts: x.parts, sourceIps: sourceIps(x.pairs) });
    }
  }

  // 2b. Whole VNets of destinations.
  {
    type DG = Group & { key: string; vnetId?: string; subnetId?: string; party: WhatIfParty };
    const tagged: DG[] = groups.map((g) => {
      const subnetId = g.toKey.startsWith('subnet:') ? g.toKey.slice(7) : undefined;
      const dp = dpFor(ctx, g.pairs[0]);
      return { ...g, key: g.toKey, subnetId, vnetId: subnetId ? dp.snapshot.subnets.get(subnetId)?.vnetId : undefined, party: g.to };
    });
    const merged = mergeVnets(tagged, (x) => `${x.fromKey}|${x.sig}`, (vnetId) => ctx.vnetSubnets(vnetId, false), (xs, vnetId) => {
      const dp = dpFor(ctx, xs[0].pairs[0]);
      const to = vnetParty(dp, vnetId, xs.flatMap((x) => x.to.ips ?? []));
      const pairs = xs.flatMap((x) => x.pairs);
      return { ...xs[0], to, party: to, toKey: `vnet:${vnetId}`, key: `vnet:${vnetId}`, pairs, sourceIps: xs.reduce((acc, x) => acc.union(x.sourceIps), IntervalSet.EMPTY), subnetId: undefined, vnetId: undefined };
    });
    groups.length = 0;
    for (const m of merged) groups.push({ from: m.from, to: m.to, fromKey: m.fromKey, toKey: m.toKey, sig: m.sig, pairs: m.pairs, parts: m.parts, sourceIps: m.sourceIps });
  }

  const items: FlowChange[] = [];
  for (const g of groups) {
    // The first pair with the lowest source, then destination, address (what a stable sort puts first).
    let rep = g.pairs[0];
    for (const p of g.pairs) if (ipOf(p.src) - ipOf(rep.src) < 0 || (ipOf(p.src) === ipOf(rep.src) && ipOf(p.dst) < ipOf(rep.dst))) rep = p;
    for (const part of g.parts) {
      const external = rep.src.kind !== 'endpoint';
      const sources = external ? part.src : g.sourceIps;
      const example = exampleFor(ctx, rep, part, direction);
      const via = viaOf(direction === 'allowed' ? rep.after : rep.before, partSpace(rep.delta, part, !external));
      items.push({
        from: g.from.name,
        to: g.to.name,
        fromRef: g.from,
        toRef: g.to,
        protocol: part.protocol,
        ports: part.icmpLike ? [] : formatPorts(part.ports),
        sources: setToCidrStrings(sources),
        ...(part.icmpLike || part.srcPorts.equals(ALL_PORTS) ? {} : { sourcePorts: formatPorts(part.srcPorts) }),
        ...(via ? { via } : {}),
        example,
      });
    }
  }
  items.sort(compareItems);
  return { items, otherProtocols };
}

function ipOf(x: SourceItem | DestItem): number {
  return x.kind === 'endpoint' ? x.endpoint.ip : 0;
}

function protocolsOf(part: Part): IntervalSet {
  return part.protocol === 'Any' ? ALL_PROTOCOL_NUMBERS : IntervalSet.point(PROTOCOL_NUMBERS[part.protocol as keyof typeof PROTOCOL_NUMBERS]);
}

/**
 * The packets of `delta` that `part` describes. `anySource`: the part may come from another pair of
 * its group, whose source endpoint has another address (the pair's own is in its delta).
 */
function partSpace(delta: PacketSpace, part: Part, anySource = false): PacketSpace {
  return delta.intersectBox({ protocols: protocolsOf(part), src: anySource ? ALL_ADDRESS_SPACE : part.src, srcPorts: part.srcPorts, dst: ALL_ADDRESS_SPACE, dstPorts: part.icmpLike ? ALL_PORTS : part.ports });
}

export function compareItems(a: FlowChange, b: FlowChange): number {
  return cmp(a.from, b.from) || cmp(a.to, b.to) || (ORDER.get(a.protocol) ?? 9) - (ORDER.get(b.protocol) ?? 9) || cmp(a.ports.join(','), b.ports.join(',')) || cmp(a.sources.join(','), b.sources.join(','));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function exampleFor(ctx: GroupingContext, p: PairDelta, part: Part, direction: 'allowed' | 'blocked'): FlowChange['example'] {
  const doc = parseIPv4(INTERNET_EXAMPLE)!;
  // A readable outside address: the documentation address when the part has it, else a host
  // address (not the network address) of the first prefix.
  const first = part.src.min()!;
  const srcIp = p.src.kind === 'endpoint' ? p.src.endpoint.ip : part.src.has(doc) ? doc : part.src.has(first + 4) ? first + 4 : first;
  // An `Any` part is shown with a TCP flow (every protocol and port changed alike).
  const protocol = part.protocol === 'Any' ? PROTOCOL_NUMBERS.Tcp : PROTOCOL_NUMBERS[part.protocol as keyof typeof PROTOCOL_NUMBERS];
  const dstPort = part.protocol === 'Any' ? 443 : part.icmpLike ? undefined : part.ports.min();
  const srcPort = part.icmpLike ? undefined : exampleSourcePort(part.srcPorts);
  const dstLabel = destLabel(ctx, p);
  const example: FlowChange['example'] = { src: formatIPv4(srcIp), dst: dstLabel, protocol: part.protocol === 'Any' ? 'Tcp' : part.protocol, ...(dstPort !== undefined ? { dstPort } : {}), ...(srcPort !== undefined ? { srcPort } : {}) };
  const traceSide = (side: 'before' | 'after') => {
    const dp = side === 'before' ? ctx.before : ctx.after;
    const s = side === 'before' ? p.srcBefore : p.srcAfter;
    const d = side === 'before' ? p.dstBefore : p.dstAfter;
    if (!s || !d) return undefined;
    let from: ResolvedRef;
    if (s.kind === 'endpoint') from = { kind: 'endpoint', endpoint: s.endpoint, label: s.endpoint.ipText };
    else from = { kind: 'external', ip: srcIp, ipText: formatIPv4(srcIp), where: s.kind === 'internet' ? 'internet' : 'onPremises', label: formatIPv4(srcIp) };
    const r = traceFlow(dp, { from, to: destRef(d), protocol, dstPort, srcPort, viaPublicIp: s.kind === 'internet' });
    return r.ok ? r.trace : undefined;
  };
  const traced = ctx.traces && ctx.traceBudget.left > 0;
  if (ctx.traces && !traced) ctx.traceBudget.skipped++;
  if (traced) {
    ctx.traceBudget.left--;
    for (const side of ['before', 'after'] as const) {
      const t = traceSide(side);
      if (t) example[side] = t;
    }
  }
  if (direction === 'blocked') {
    const after = traced ? example.after : ctx.blockingNsgs.left-- > 0 ? traceSide('after') : undefined;
    const stop = after?.stoppedBy;
    if (stop?.nsg && (stop.stage === 'nsg-inbound' || stop.stage === 'nsg-outbound')) ctx.blockingNsgs.ids.add(stop.nsg.toLowerCase());
  }
  return example;
}

function destLabel(ctx: GroupingContext, p: PairDelta): string {
  const d = p.dst;
  if (d.kind === 'endpoint') return d.endpoint.ipText;
  if (d.kind === 'internet') return `${INTERNET_EXAMPLE} (internet)`;
  if (d.kind === 'onPremises') return formatIPv4(d.ip);
  const dp = dpFor(ctx, p);
  return dp.snapshot.storageAccounts.get(d.accountId)?.name ?? d.name;
}

/** Exposure items: the internet's pairs, one item per destination and part. */
export function renderExposure(ctx: GroupingContext, deltas: PairDelta[], direction: 'allowed' | 'blocked'): ExposureChange[] {
  const out: ExposureChange[] = [];
  for (const p of deltas) {
    if (p.src.kind !== 'internet') continue;
    const dp = dpFor(ctx, p);
    const party = p.dst.kind === 'endpoint' ? endpointParty(dp, p.dst.endpoint) : destParty(dp, p.dst);
    for (const part of partsOf(p.delta).parts) {
      const via = viaOf(direction === 'allowed' ? p.after : p.before, partSpace(p.delta, part));
      out.push({
        resource: party.id ?? party.name,
        name: party.name,
        kind: p.dst.kind === 'endpoint' ? p.dst.endpoint.kind : p.dst.kind === 'storage' ? 'storageAccount' : p.dst.kind,
        ...(party.ips?.[0] ? { ip: party.ips[0] } : {}),
        ...(party.subnet ? { subnet: party.subnet } : {}),
        protocol: part.protocol,
        ports: part.icmpLike ? [] : formatPorts(part.ports),
        sources: setToCidrStrings(part.src),
        ...(via ? { via } : {}),
      });
    }
  }
  return out.sort((a, b) => cmp(a.name, b.name) || (ORDER.get(a.protocol) ?? 9) - (ORDER.get(b.protocol) ?? 9) || cmp(a.ports.join(','), b.ports.join(',')));
}
