// Flow helpers shared by findings and policy checks: follow a set of packets between two ends with
// the reach filters (symbolic, every routing decision shared with trace), keep the outcomes that
// get through with their hops, and turn one example flow into evidence with a trace.

import type { DataPlane } from '../../dataplane/compile.ts';
import type { Endpoint } from '../../dataplane/address-index.ts';
import { AZURE_HOST_VIP_SET, INTERNET_SET } from '../../dataplane/well-known-addresses.ts';
import { IntervalSet } from '../../sets/interval-set.ts';
import { PacketSpace, intersectBox, subtractBox, type Box } from '../../sets/packet-space.ts';
import { setToCidrStrings } from '../../sets/cidr.ts';
import { formatIPv4 } from '../../sets/ipv4.ts';
import { formatPorts } from '../../sets/ports.ts';
import { protocolName } from '../../sets/protocols.ts';
import { reachFilters } from '../../trace/filters.ts';
import { runPath, type PathQuery, type PathRun } from '../../trace/run-path.ts';
import { isReachable, traceFlow } from '../../trace/trace-flow.ts';
import type { Outcome } from '../../trace/walk.ts';
import type { Trace } from '../../trace/types.ts';
import type { ResolvedRef } from '../resolve-ref.ts';
import type { EvidenceRoute, FindingEvidence } from './types.ts';

export const ALL_PROTOCOLS_SET = IntervalSet.range(0, 255);
export const ALL_PORTS_SET = IntervalSet.range(0, 65535);
export const ALL_ADDRESSES_SET = IntervalSet.range(0, 0xffffffff);
export const TCP = 6;
export const UDP = 17;
export const ICMP = 1;

/** Internet clients: public space without Azure's host address (rule 4.2). */
export const INTERNET_CLIENTS = INTERNET_SET.subtract(AZURE_HOST_VIP_SET);

export interface FlowRestriction {
  protocols?: IntervalSet;
  dstPorts?: IntervalSet;
}

export interface WalkResult {
  run: PathRun;
  /** Outcomes that got through (ACCEPTED, or EXITS_NETWORK towards an outside destination). */
  reachable: Outcome[];
  /** Every outcome, for the ones that were stopped. */
  outcomes: Outcome[];
  error?: string;
}

export function endpointRef(e: Endpoint, label = e.ipText): ResolvedRef {
  return { kind: 'endpoint', endpoint: e, label };
}

/** Follow every packet of the query (restricted to protocols/ports) from `from` to `to`. */
export function walkFlows(dp: DataPlane, q: PathQuery, r: FlowRestriction = {}): WalkResult {
  const run = runPath(dp, q, reachFilters(dp), (src, dst) =>
    PacketSpace.of({
      protocols: r.protocols ?? ALL_PROTOCOLS_SET,
      src: q.sources ?? (q.from.kind === 'internet' ? INTERNET_CLIENTS : src),
      srcPorts: ALL_PORTS_SET,
      dst: IntervalSet.point(dst),
      dstPorts: r.dstPorts ?? ALL_PORTS_SET,
    }),
  );
  if (run.error) return { run, reachable: [], outcomes: [], error: run.error };
  const dstExternal = q.to.kind === 'external' || q.to.kind === 'internet';
  return { run, outcomes: run.outcomes, reachable: run.outcomes.filter((o) => isReachable(o, dstExternal) && !o.space.isEmpty()) };
}

/** The union of what got through. */
export function reachableSpace(w: WalkResult): PacketSpace {
  let s = PacketSpace.EMPTY;
  for (const o of w.reachable) s = s.union(o.space);
  return s;
}

/** Do two boxes overlap? (no allocation) */
export function boxesOverlap(a: Box, b: Box): boolean {
  return a.protocols.intersects(b.protocols) && a.dstPorts.intersects(b.dstPorts) && a.src.intersects(b.src) && a.dst.intersects(b.dst) && a.srcPorts.intersects(b.srcPorts);
}

/**
 * `space.subtractBox(box)`: the same boxes in the same order, without building the intersection of
 * each box that does not overlap `box` (most of them, for rule boxes; the checks run this in their
 * innermost loops).
 */
export function subtractBoxFrom(space: PacketSpace, box: Box): PacketSpace {
  const out: Box[] = [];
  let changed = false;
  for (const b of space.boxes) {
    if (!boxesOverlap(b, box)) out.push(b);
    else {
      changed = true;
      for (const piece of subtractBox(b, box)) out.push(piece);
    }
  }
  return changed ? new PacketSpace(out) : space;
}

/** `space.intersectBox(box)`: the same boxes in the same order, skipping boxes that do not overlap it. */
export function intersectBoxOf(space: PacketSpace, box: Box): PacketSpace {
  const out: Box[] = [];
  for (const b of space.boxes) {
    if (!boxesOverlap(b, box)) continue;
    const i = intersectBox(b, box);
    if (i) out.push(i);
  }
  return new PacketSpace(out);
}

/** `a.subtract(b)`, box by box as PacketSpace.subtract does, with subtractBoxFrom. */
export function subtractSpace(a: PacketSpace, b: PacketSpace): PacketSpace {
  let cur = a;
  for (const x of b.boxes) {
    if (cur.isEmpty()) break;
    cur = subtractBoxFrom(cur, x);
  }
  return cur;
}

/** Do two packet spaces share a packet? (no allocation) */
export function spacesOverlap(a: PacketSpace, b: PacketSpace): boolean {
  for (const x of a.boxes) for (const y of b.boxes) if (boxesOverlap(x, y)) return true;
  return false;
}

/** True when a hop of the outcome is a firewall or a virtual appliance (an inspection point). */
export function passesInspection(o: Outcome): boolean {
  return o.hops.some((h) => h.kind === 'firewall' || h.kind === 'virtualAppliance');
}

// ---- choosing examples -------------------------------------------------------------------------

/** Ports worth showing first in an example, most telling first. */
const PREFERRED_PORTS = [22, 3389, 443, 1433, 445, 5985, 5986, 80, 8443, 8080, 3306, 5432, 53, 123];

export function pickPort(ports: IntervalSet, prefer: number[] = []): number | undefined {
  for (const p of [...prefer, ...PREFERRED_PORTS]) if (ports.has(p)) return p;
  return ports.min();
}

/** A readable example address from a set: avoid the network address when the next one is in it. */
export function pickAddress(set: IntervalSet, prefer: number[] = []): number | undefined {
  for (const p of prefer) if (set.has(p)) return p;
  const m = set.min();
  if (m === undefined) return undefined;
  return set.has(m + 1) ? m + 1 : m;
}

/** One concrete packet of a space: (protocol, source, destination port), preferring TCP and telling ports. */
export function pickPacket(space: PacketSpace, preferSources: number[] = [], preferPorts: number[] = []): { protocol: number; src: number; dstPort?: number } | undefined {
  if (space.isEmpty()) return undefined;
  const protocols = space.project('protocols');
  const protocol = protocols.has(TCP) ? TCP : protocols.has(UDP) ? UDP : protocols.has(ICMP) ? ICMP : protocols.min()!;
  const sub = space.intersectBox({ protocols: IntervalSet.point(protocol), src: ALL_ADDRESSES_SET, srcPorts: ALL_PORTS_SET, dst: ALL_ADDRESSES_SET, dstPorts: ALL_PORTS_SET });
  const usesPorts = protocol === TCP || protocol === UDP;
  const dstPort = usesPorts ? pickPort(sub.project('dstPorts'), preferPorts) : undefined;
  const withPort = dstPort === undefined ? sub : sub.intersectBox({ protocols: ALL_PROTOCOLS_SET, src: ALL_ADDRESSES_SET, srcPorts: ALL_PORTS_SET, dst: ALL_ADDRESSES_SET, dstPorts: IntervalSet.point(dstPort) });
  const src = pickAddress(withPort.project('src'), preferSources)!;
  return { protocol, src, dstPort };
}

// ---- describing sets ---------------------------------------------------------------------------

/**
 * Address sets in words: `any address`, `any internet address`, `any address except ...` when only
 * a few prefixes are missing, or the CIDRs (cut after `max`).
 */
export function describeAddresses(set: IntervalSet, max = 6): string {
  if (set.isEmpty()) return 'no address';
  const universe = ALL_ADDRESSES_SET.subtract(AZURE_HOST_VIP_SET);
  if (set.contains(universe)) return 'any address (0.0.0.0/0)';
  // Each range is at least one CIDR: count ranges before spelling the complement out.
  const few = (s: IntervalSet) => s.rangeCount <= Math.max(6, max);
  const rest = universe.subtract(set);
  if (few(rest)) {
    const missing = setToCidrStrings(rest);
    if (missing.length <= Math.max(6, max)) return `any address except ${missing.join(', ')}`;
  }
  const nonPublic = universe.subtract(INTERNET_SET);
  if (set.subtract(nonPublic).isEmpty() && few(nonPublic.subtract(set))) {
    const gaps = setToCidrStrings(nonPublic.subtract(set));
    if (gaps.length <= Math.max(6, max)) return `any non-internet address except ${gaps.join(', ')}`;
  }
  if (set.contains(INTERNET_CLIENTS)) {
    const extra = set.subtract(INTERNET_SET);
    return extra.isEmpty() ? 'any internet address' : `any internet address and ${describeAddresses(extra, max)}`;
  }
  if (set.subtract(INTERNET_SET).isEmpty() && few(INTERNET_CLIENTS.subtract(set))) {
    const gaps = setToCidrStrings(INTERNET_CLIENTS.subtract(set));
    if (gaps.length <= Math.max(6, max)) return `any internet address except ${gaps.join(', ')}`;
  }
  const cidrs = set.rangeCount > 4 * max ? setToCidrStrings(IntervalSet.fromRanges(set.ranges().slice(0, max))) : setToCidrStrings(set);
  if (set.rangeCount > 4 * max) return `${cidrs.slice(0, max).join(', ')} and more (${set.rangeCount} ranges)`;
  return cidrs.length <= max ? cidrs.join(', ') : `${cidrs.slice(0, max).join(', ')} and ${cidrs.length - max} more prefixes`;
}

/** What a set of packets carries, by projection: protocols, TCP and UDP ports, sources, destinations. */
export class TrafficSummary {
  protocols = IntervalSet.EMPTY;
  tcp = IntervalSet.EMPTY;
  udp = IntervalSet.EMPTY;
  src = IntervalSet.EMPTY;
  dst = IntervalSet.EMPTY;

  static of(space: PacketSpace): TrafficSummary {
    return new TrafficSummary().add(space);
  }

  add(space: PacketSpace): this {
    for (const b of space.boxes) {
      this.protocols = this.protocols.union(b.protocols);
      if (b.protocols.has(TCP)) this.tcp = this.tcp.union(b.dstPorts);
      if (b.protocols.has(UDP)) this.udp = this.udp.union(b.dstPorts);
      this.src = this.src.union(b.src);
      this.dst = this.dst.union(b.dst);
    }
    return this;
  }

  get empty(): boolean {
    return this.protocols.isEmpty();
  }

  /** `Tcp 22, 3389; Udp 3389`, or `all protocols and ports`. */
  describe(): string {
    if (this.empty) return 'nothing';
    if (this.protocols.contains(ALL_PROTOCOLS_SET) && this.tcp.contains(ALL_PORTS_SET) && this.udp.contains(ALL_PORTS_SET)) return 'all protocols and ports';
    const parts: string[] = [];
    for (const [p, ports] of [[TCP, this.tcp], [UDP, this.udp]] as const) {
      if (!this.protocols.has(p)) continue;
      parts.push(`${protocolName(p)} ${ports.contains(ALL_PORTS_SET) ? 'all ports' : formatPorts(ports).join(', ')}`);
    }
    const others = this.protocols.subtract(IntervalSet.fromRanges([[TCP, TCP], [UDP, UDP]]));
    if (others.has(ICMP)) parts.push('Icmp');
    if (!others.subtract(IntervalSet.point(ICMP)).isEmpty()) parts.push('other IP protocols');
    return parts.join('; ');
  }
}

/** Like describeAddresses, but relative to a named universe: `any address in the estate except ...`. */
export function describeWithin(set: IntervalSet, universe: IntervalSet, name: string, max = 6): string {
  const u = universe.subtract(AZURE_HOST_VIP_SET);
  if (!u.isEmpty() && set.subtract(u).isEmpty()) {
    const rest = u.subtract(set);
    if (rest.isEmpty()) return `any ${name}`;
    const missing = rest.rangeCount <= max ? setToCidrStrings(rest) : [];
    if (missing.length && missing.length <= max) return `any ${name} except ${missing.join(', ')}`;
  }
  return describeAddresses(set, max);
}

/** `Tcp 22, 3389; Udp 3389` or `all protocols and ports` for a packet space. */
export function describeTraffic(space: PacketSpace): string {
  return TrafficSummary.of(space).describe();
}

export function portsOf(space: PacketSpace, protocol: number): IntervalSet {
  let s = IntervalSet.EMPTY;
  for (const b of space.boxes) if (b.protocols.has(protocol)) s = s.union(b.dstPorts);
  return s;
}

export function sourcesOf(space: PacketSpace): IntervalSet {
  return space.project('src');
}

// ---- evidence ------------------------------------------------------------------------------------

export function evidenceFromTrace(t: Trace): FindingEvidence {
  const routes: EvidenceRoute[] = [];
  for (const h of [t.source, ...t.hops]) {
    for (const s of h.steps) {
      if (s.kind !== 'route') continue;
      routes.push({ subnet: s.subnet, addressPrefix: s.addressPrefix, nextHopType: s.nextHopType, ...(s.nextHopIpAddress ? { nextHopIpAddress: s.nextHopIpAddress } : {}), source: s.source, ...(s.route ? { route: s.route } : {}) });
    }
  }
  let entry: FindingEvidence['entry'];
  for (const h of t.hops) {
    for (const s of h.steps) {
      if (s.kind === 'entry' && !entry) {
        entry = { via: s.via, resource: s.resource, name: h.name, ...(s.frontendPort !== undefined ? { frontendPort: s.frontendPort } : {}), ...(s.backendPort !== undefined ? { backendPort: s.backendPort } : {}), ...(h.ip ? { publicIp: h.ip } : {}) };
      }
    }
  }
  return {
    flow: t.flow,
    disposition: t.disposition,
    reachable: t.reachable,
    path: t.hops.map((h) => `${h.kind}:${h.name}`),
    allowedBy: t.allowedBy,
    routes,
    ...(t.stoppedBy ? { stoppedBy: t.stoppedBy } : {}),
    ...(entry ? { entry } : {}),
  };
}

/** Trace one example flow and return its evidence (undefined when the question cannot be asked). */
export function traceEvidence(dp: DataPlane, q: PathQuery & { protocol: number; dstPort?: number }): { evidence: FindingEvidence; trace: Trace } | undefined {
  const r = traceFlow(dp, q);
  if (!r.ok) return undefined;
  return { evidence: evidenceFromTrace(r.trace), trace: r.trace };
}

/** An outside client at `ip`, for traces that start on the internet or on-premises. */
export function externalRef(ip: number, where: 'internet' | 'onPremises'): ResolvedRef {
  const ipText = formatIPv4(ip);
  return { kind: 'external', ip, ipText, where, label: ipText };
}

/** A one-line flow: `10.1.1.4 -> 10.2.1.4 Tcp/8443`. */
export function describeFlow(f: { src: string; dst: string; protocol: string; dstPort?: number }): string {
  return `${f.src} -> ${f.dst} ${f.protocol}${f.dstPort !== undefined ? `/${f.dstPort}` : ''}`;
}
