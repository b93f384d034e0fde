// reach: everything that gets from A to B (CONTRACT.md "Paths"), computed on packet sets: per
// protocol the exact destination ports and, for outside sources, the source prefixes, each part
// with an example flow. Never enumerates ports.

import type { DataPlane } from '../dataplane/compile.ts';
import { CAVEATS, type Caveat } from '../dataplane/caveats.ts';
import { AZURE_HOST_VIP_SET, INTERNET_SET } from '../dataplane/well-known-addresses.ts';
import { IntervalSet } from '../sets/interval-set.ts';
import { PacketSpace } from '../sets/packet-space.ts';
import { setToCidrStrings } from '../sets/cidr.ts';
import { formatIPv4, parseIPv4 } from '../sets/ipv4.ts';
import { ALL_PORTS, formatPorts, splitBySourcePorts, type PortPair } from '../sets/ports.ts';
import { PROTOCOL_NUMBERS } from '../sets/protocols.ts';
import { reachFilters } from '../trace/filters.ts';
import { INTERNET_EXAMPLE, runPath, type PathQuery } from '../trace/run-path.ts';
import { exampleSourcePort, isReachable } from '../trace/trace-flow.ts';
import type { EntryDescription } from '../trace/entry-points.ts';

export interface ReachPart {
  protocol: string;
  ports: string[];
  sources: string[];
  /**
   * Source ports, only when not every source port gets through (rule 1.7, NSG rules match the five-tuple,
   * learn.microsoft.com/azure/virtual-network/network-security-groups-overview: a rule may restrict
   * them); as what-if's FlowChange.sourcePorts. The example's srcPort is then one of them.
   */
  sourcePorts?: string[];
  example: { src: string; dst: string; protocol: string; dstPort?: number; srcPort?: number };
  /** The entry point used, for traffic from outside (public IP, LB rule, DNAT...). */
  via?: string;
}

export interface ReachAnswer {
  allowed: ReachPart[];
  entries: EntryDescription[];
  caveats: Caveat[];
  error?: string;
}

const NAMED: [string, number][] = [['Tcp', PROTOCOL_NUMBERS.Tcp], ['Udp', PROTOCOL_NUMBERS.Udp], ['Icmp', PROTOCOL_NUMBERS.Icmp], ['Esp', PROTOCOL_NUMBERS.Esp], ['Ah', PROTOCOL_NUMBERS.Ah]];

export function computeReach(dp: DataPlane, q: PathQuery): ReachAnswer {
  const run = runPath(dp, q, reachFilters(dp), (src, dst) =>
    PacketSpace.of({
      protocols: IntervalSet.range(0, 255),
      // Internet clients: public space, without Azure's own host address (rule 4.2).
      src: q.sources ?? (q.from.kind === 'internet' ? INTERNET_SET.subtract(AZURE_HOST_VIP_SET) : src),
      srcPorts: IntervalSet.range(0, 65535),
      dst: IntervalSet.point(dst),
      dstPorts: IntervalSet.range(0, 65535),
    }),
  );
  if (run.error) return { allowed: [], entries: [], caveats: run.caveats.list(), error: run.error };
  const dstExternal = q.to.kind === 'external' || q.to.kind === 'internet';
  const caveats = run.caveats;
  // Group what got through by (protocol, source set, entry), keeping each box's source and
  // destination ports: they are split by source ports below (rule 1.7).
  const groups = new Map<string, { protocol: string; src: IntervalSet; ports: PortPair[]; icmpLike: boolean; via?: string }>();
  let otherProtocols = false;
  for (const o of run.outcomes) {
    if (!isReachable(o, dstExternal)) continue;
    for (const b of o.space.boxes) {
      for (const [name, num] of NAMED) {
        if (!b.protocols.has(num)) continue;
        const icmpLike = num !== 6 && num !== 17;
        const ports: PortPair = icmpLike
          ? { srcPorts: ALL_PORTS, dstPorts: IntervalSet.EMPTY }
          : { srcPorts: b.srcPorts, dstPorts: o.label?.frontendPort !== undefined ? IntervalSet.point(o.label.frontendPort) : b.dstPorts };
        const key = `${name}|${b.src.key()}|${o.label?.entry ?? ''}`;
        const g = groups.get(key);
        if (g) g.ports.push(ports);
        else groups.set(key, { protocol: name, src: b.src, ports: [ports], icmpLike, via: o.label?.entry });
      }
      if (!b.protocols.subtract(IntervalSet.fromRanges(NAMED.map(([, n]) => [n, n] as [number, number]))).isEmpty()) otherProtocols = true;
    }
  }
  if (otherProtocols) caveats.add(CAVEATS.otherProtocols);
  const allowed: ReachPart[] = [];
  const order = new Map(NAMED.map(([n], i) => [n, i]));
  for (const g of [...groups.values()].sort((a, b) => (order.get(a.protocol)! - order.get(b.protocol)!) || (a.src.min()! - b.src.min()!))) {
    // A readable example source: the documentation address when it is in the set, else the first.
    const doc = parseIPv4(INTERNET_EXAMPLE)!;
    const exampleSrc = g.src.has(doc) ? doc : g.src.min()!;
    const sources = setToCidrStrings(g.src);
    const via = g.via ? { via: g.via } : {};
    if (g.icmpLike) {
      allowed.push({ protocol: g.protocol, ports: [], sources, example: { src: formatIPv4(exampleSrc), dst: run.dstLabel, protocol: g.protocol }, ...via });
      continue;
    }
    // One part per set of source ports: "Tcp 22" must not read as open to every client when the
    // rule admits only some source ports (rule 1.7); the example flow uses one that gets through.
    for (const pp of splitBySourcePorts(g.ports)) {
      const restricted = !pp.srcPorts.equals(ALL_PORTS);
      const srcPort = exampleSourcePort(pp.srcPorts);
      allowed.push({
        protocol: g.protocol,
        ports: formatPorts(pp.dstPorts),
        sources,
        ...(restricted ? { sourcePorts: formatPorts(pp.srcPorts) } : {}),
        example: { src: formatIPv4(exampleSrc), dst: run.dstLabel, protocol: g.protocol, dstPort: pp.dstPorts.min(), ...(srcPort !== undefined ? { srcPort } : {}) },
        ...via,
      });
    }
  }
  return { allowed, entries: run.entries, caveats: caveats.list() };
}
