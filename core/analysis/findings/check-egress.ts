// ZT-EGRESS-BYPASSES-FIREWALL and ZT-DEFAULT-OUTBOUND: internet egress per subnet. Routing decides
// on the destination only, so the public addresses a subnet sends to next hop Internet follow from
// its route table alone (longest prefix match over the active routes); each endpoint class then
// needs an outbound method and NSGs that let some of that traffic out.

import type { EffectiveRouteTable } from '../../dataplane/effective-routes.ts';
import { INTERNET_SET } from '../../dataplane/well-known-addresses.ts';
import { computeEndpointPermits, filterPointFor } from '../../policy/evaluate-endpoint.ts';
import { egressForNic, type EgressMethod } from '../../trace/egress.ts';
import { IntervalSet } from '../../sets/interval-set.ts';
import { PacketSpace } from '../../sets/packet-space.ts';
import { formatIPv4, parseIPv4 } from '../../sets/ipv4.ts';
import type { Endpoint } from '../../dataplane/address-index.ts';
import type { ResourceId } from '../../model/types.ts';
import { type FindingsContext, cmp, loc } from './context.ts';
import { ALL_PORTS_SET, ALL_PROTOCOLS_SET, TCP, describeAddresses, describeTraffic, endpointRef, externalRef, pickAddress, pickPacket, portsOf, traceEvidence } from './flows.ts';
import type { Finding, FindingEvidence } from './types.ts';

/** The public addresses that a route table sends to next hop Internet. */
export function internetRoutedSet(table: EffectiveRouteTable): IntervalSet {
  const active = table.entries.filter((e) => e.route.state === 'Active').sort((a, b) => b.cidr.prefixLength - a.cidr.prefixLength);
  let covered = IntervalSet.EMPTY;
  let internet = IntervalSet.EMPTY;
  let serviceEndpoints = IntervalSet.EMPTY;
  for (const e of active) {
    const range = IntervalSet.range(e.cidr.start, e.cidr.end);
    if (e.route.nextHopType === 'VirtualNetworkServiceEndpoint') {
      serviceEndpoints = serviceEndpoints.union(range);
      continue;
    }
    if (e.route.nextHopType === 'Internet') internet = internet.union(range.subtract(covered));
    covered = covered.union(range);
  }
  return internet.subtract(serviceEndpoints).intersect(INTERNET_SET);
}

const EXAMPLE_INTERNET = parseIPv4('93.184.216.34')!;

interface Direct {
  e: Endpoint;
  members: Endpoint[];
  egress: EgressMethod;
  allowed: PacketSpace;
}

export function checkEgress(ctx: FindingsContext): Finding[] {
  const dp = ctx.dp;
  const s = dp.snapshot;
  const out: Finding[] = [];
  const inspection = ctx.hasInspection;
  if (!inspection) ctx.notes.push('ZT-EGRESS-BYPASSES-FIREWALL: the estate has no Azure Firewall and no routed appliance, so there is no firewall to bypass.');
  for (const subnetId of [...ctx.classesBySubnet.keys()].sort(cmp)) {
    const sub = s.subnets.get(subnetId);
    const table = dp.routesForSubnet(subnetId);
    if (!sub || !table) continue;
    const routed = internetRoutedSet(table);
    if (routed.isEmpty()) continue;
    const direct: Direct[] = [];
    for (const c of ctx.classesBySubnet.get(subnetId)!) {
      const e = c.representative;
      if (e.kind !== 'nic') continue;
      const nic = s.networkInterfaces.get(e.nicId);
      const egress = egressForNic(s, nic, sub);
      if (egress.method === 'none') continue;
      const point = filterPointFor(dp, subnetId, e.nicId, false);
      const allowed = computeEndpointPermits(dp, point, 'Outbound', PacketSpace.of({ protocols: ALL_PROTOCOLS_SET, src: IntervalSet.point(e.ip), srcPorts: ALL_PORTS_SET, dst: routed, dstPorts: ALL_PORTS_SET })).allowed;
      if (allowed.isEmpty()) continue;
      // Members of a class share NSGs and subnet, but the egress method can differ (own public IP).
      for (const m of c.members) {
        const mn = m.kind === 'nic' ? s.networkInterfaces.get(m.nicId) : undefined;
        const eg = m === e ? egress : egressForNic(s, mn, sub);
        if (eg.method === 'none') continue;
        const d = direct.find((x) => x.e === e && x.egress.method === eg.method);
        if (d) d.members.push(m);
        else direct.push({ e, members: [m], egress: eg, allowed });
      }
    }
    if (direct.length === 0) continue;
    // The appliances the estate routes through are its inspection point: their own egress is the
    // inspected egress, not a workload skipping it (rule 6.3). They are still judged for default
    // outbound access below.
    const workloads = direct.map((d) => ({ ...d, members: d.members.filter((m) => m.kind !== 'nic' || !ctx.applianceNics.has(m.nicId)) })).filter((d) => d.members.length > 0);
    if (inspection && workloads.length > 0) out.push(bypassFinding(ctx, subnetId, table, routed, workloads));
    const dflt = direct.filter((d) => d.egress.method === 'defaultOutboundAccess');
    if (dflt.length) out.push(defaultOutboundFinding(ctx, subnetId, dflt, table, routed));
  }
  return out;
}

function routeText(table: EffectiveRouteTable, dst: number): string {
  const m = table.lookup(dst);
  if (!m) return 'no route';
  const prefix = `${formatIPv4(m.entry.cidr.start)}/${m.entry.cidr.prefixLength}`;
  return `${m.route.source === 'User' ? `user route ${m.route.name ?? ''} ` : `${m.route.source} `}${prefix} -> ${m.route.nextHopType}`.replace(/\s+/g, ' ');
}

function example(ctx: FindingsContext, d: Direct, routed: IntervalSet): FindingEvidence | undefined {
  const dsts = d.allowed.project('dst');
  const dst = pickAddress(dsts.intersect(routed), [EXAMPLE_INTERNET])!;
  const at = d.allowed.intersectBox({ protocols: ALL_PROTOCOLS_SET, src: IntervalSet.range(0, 0xffffffff), srcPorts: ALL_PORTS_SET, dst: IntervalSet.point(dst), dstPorts: ALL_PORTS_SET });
  const tcp = portsOf(at, TCP);
  const pkt = tcp.has(443) ? { protocol: TCP, dstPort: 443 } : pickPacket(at);
  if (!pkt) return undefined;
  const from = d.members[0];
  const t = traceEvidence(ctx.dp, { from: endpointRef(from), to: externalRef(dst, 'internet'), protocol: pkt.protocol, dstPort: pkt.dstPort });
  if (!t) return undefined;
  t.trace.caveats.forEach((c) => ctx.caveats.add(c));
  return t.evidence;
}

function memberList(ctx: FindingsContext, direct: Direct[], max = 6): string {
  const parts = direct.flatMap((d) => d.members.map((m) => `${ctx.endpointName(m)} (${egressWords(d.egress)})`));
  return parts.length <= max ? parts.join(', ') : `${parts.slice(0, max).join(', ')} and ${parts.length - max} more`;
}

function egressWords(e: EgressMethod): string {
  switch (e.method) {
    case 'natGateway':
      return `NAT gateway ${e.resource?.split('/').pop() ?? ''}`.trim();
    case 'publicIp':
      return `public IP ${e.resource?.split('/').pop() ?? ''}`.trim();
    case 'loadBalancerOutbound':
      return 'load balancer outbound rule';
    case 'defaultOutboundAccess':
      return 'default outbound access';
    case 'none':
      return 'no egress';
  }
}

function firewallNames(ctx: FindingsContext, vnetId: ResourceId): string {
  const s = ctx.dp.snapshot;
  const peers = new Set([vnetId, ...(ctx.dp.topology.vnets.get(vnetId)?.peers ?? []).filter((p) => p.connected).map((p) => p.remoteVnetId)]);
  const near: string[] = [];
  const all: string[] = [];
  for (const fw of s.azureFirewalls.values()) {
    all.push(fw.name);
    const v = fw.ipConfigurations.map((c) => (c.subnetId ? s.subnets.get(c.subnetId)?.vnetId : undefined)).find((x) => x);
    if (v && peers.has(v)) near.push(fw.name);
  }
  for (const id of ctx.applianceNics) {
    const nic = s.networkInterfaces.get(id);
    if (!nic?.enableIpForwarding) continue;
    all.push(nic.name);
    const sub = nic.ipConfigurations[0]?.subnetId;
    const v = sub ? s.subnets.get(sub)?.vnetId : undefined;
    if (v && peers.has(v)) near.push(nic.name);
  }
  const list = (near.length ? near : all).sort(cmp);
  return list.length <= 3 ? list.join(', ') : `${list.slice(0, 3).join(', ')} and ${list.length - 3} more`;
}

function bypassFinding(ctx: FindingsContext, subnetId: ResourceId, table: EffectiveRouteTable, routed: IntervalSet, direct: Direct[]): Finding {
  const s = ctx.dp.snapshot;
  const sub = s.subnets.get(subnetId)!;
  const label = ctx.subnetLabel(subnetId);
  const connected = ctx.canReachInspection(sub.vnetId);
  const evidence = example(ctx, direct[0], routed) ?? { allowedBy: [], routes: [] };
  let allowed = PacketSpace.EMPTY;
  for (const d of direct) allowed = allowed.union(new PacketSpace(d.allowed.boxes.map((b) => ({ ...b, src: IntervalSet.range(0, 0xffffffff) }))));
  const dst = pickAddress(routed, [EXAMPLE_INTERNET])!;
  const fw = firewallNames(ctx, sub.vnetId);
  evidence.details = { route: routeText(table, dst), internetDestinations: describeAddresses(routed, 4), traffic: describeTraffic(allowed), endpoints: direct.flatMap((d) => d.members.map((m) => `${ctx.endpointLabel(m)}: ${egressWords(d.egress)}`)) };
  const why = connected ? '' : ` ${ctx.vnetName(sub.vnetId)} is not connected to any firewall or appliance VNet, so it cannot use ${fw} as it stands.`;
  return ctx.finding({
    id: 'ZT-EGRESS-BYPASSES-FIREWALL',
    severity: connected ? 'medium' : 'low',
    resource: sub.displayId,
    name: label,
    location: loc(sub.source),
    message: `${label} sends internet traffic straight out (${routeText(table, dst)}) instead of through ${fw}: ${memberList(ctx, direct)} can send ${describeTraffic(allowed)} to ${describeAddresses(routed, 3)}.${why}`,
    evidence,
    fix: connected
      ? `Associate a route table with ${label} that sends 0.0.0.0/0 to the firewall's private IP (disableBgpRoutePropagation true), and allow the needed egress on ${fw}.`
      : `Connect ${ctx.vnetName(sub.vnetId)} to the hub (peering) and route 0.0.0.0/0 to the firewall, or accept and document its separate egress.`,
  });
}

function defaultOutboundFinding(ctx: FindingsContext, subnetId: ResourceId, dflt: Direct[], table: EffectiveRouteTable, routed: IntervalSet): Finding {
  const sub = ctx.dp.snapshot.subnets.get(subnetId)!;
  const label = ctx.subnetLabel(subnetId);
  const evidence = example(ctx, dflt[0], routed) ?? { allowedBy: [], routes: [] };
  const names = dflt.flatMap((d) => d.members.map((m) => ctx.endpointName(m)));
  evidence.details = { endpoints: dflt.flatMap((d) => d.members.map((m) => ctx.endpointLabel(m))), defaultOutboundAccess: sub.defaultOutboundAccess === undefined ? 'not set (platform default: enabled)' : String(sub.defaultOutboundAccess) };
  const dst = pickAddress(routed, [EXAMPLE_INTERNET])!;
  return ctx.finding({
    id: 'ZT-DEFAULT-OUTBOUND',
    resource: sub.displayId,
    name: label,
    location: loc(sub.source),
    message: `${names.length <= 6 ? names.join(', ') : `${names.slice(0, 6).join(', ')} and ${names.length - 6} more`} in ${label} reach the internet through default outbound access (${routeText(table, dst)}; no NAT gateway, public IP or outbound rule), an implicit public IP that Azure is retiring.`,
    evidence,
  });
}
