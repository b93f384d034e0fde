// ZT-IMPLIED-TRUST: traffic between tiers that no NSG admitted with a rule anyone wrote, only with
// defaultSecurityRules/AllowVnetInBound. Per destination class, the inbound NSGs are evaluated on
// sets (sources outside the destination subnet); the packets that every applying NSG admitted by
// AllowVnetInBound are the implied trust. Then flows from other subnets (and on-premises) are
// followed end to end, within a budget per NSG, to show which tiers actually get through.

import type { Endpoint } from '../../dataplane/address-index.ts';
import { AZURE_HOST_VIP_SET } from '../../dataplane/well-known-addresses.ts';
import { filterPointFor } from '../../policy/evaluate-endpoint.ts';
import { ruleBox, type CompiledNsg } from '../../policy/compile-nsg.ts';
import { computeFirewallPermits } from '../../firewall/evaluate-firewall.ts';
import { IntervalSet } from '../../sets/interval-set.ts';
import { PacketSpace } from '../../sets/packet-space.ts';
import { cidrsToSet } from '../../sets/cidr.ts';
import { nameFromId } from '../../model/ids.ts';
import type { ResourceId } from '../../model/types.ts';
import { type FindingsContext, cmp, inNsgScope, plural } from './context.ts';
import {
  ALL_ADDRESSES_SET,
  ALL_PORTS_SET,
  ALL_PROTOCOLS_SET,
  describeAddresses,
  describeTraffic,
  describeWithin,
  TrafficSummary,
  endpointRef,
  externalRef,
  pickPacket,
  boxesOverlap,
  spacesOverlap,
  intersectBoxOf,
  subtractBoxFrom,
  traceEvidence,
  walkFlows,
} from './flows.ts';
import type { Finding, FindingEvidence } from './types.ts';

const WALKS_PER_NSG = 12;
const GROUPS_PER_NSG = 3;

interface Dest {
  e: Endpoint;
  members: number;
  implied: PacketSpace;
  nsgIds: ResourceId[];
}

interface FoundGroup {
  label: string;
  traffic: PacketSpace;
  example: { from: 'endpoint' | 'onPremises'; src: Endpoint | number; dest: Endpoint; space: PacketSpace };
}

/**
 * The part of `query` that reaches defaultSecurityRules/AllowVnetInBound and matches it: the same
 * first-match walk as computeNsgPermits, keeping only that part (fewer packet sets built).
 */
function admittedByDefault(nsg: CompiledNsg, query: PacketSpace, tag: IntervalSet): PacketSpace {
  let rest = query;
  for (const c of nsg.inbound) {
    if (rest.isEmpty()) return rest;
    const box = ruleBox(c, tag);
    if (c.rule.collection === 'defaultSecurityRules' && c.rule.name === 'AllowVnetInBound') return intersectBoxOf(rest, box);
    if (!rest.boxes.some((b) => boxesOverlap(b, box))) continue;
    rest = subtractBoxFrom(rest, box);
  }
  return PacketSpace.EMPTY;
}

function nicIdOf(e: Endpoint): ResourceId | undefined {
  return e.kind === 'nic' || e.kind === 'privateEndpoint' ? e.nicId : undefined;
}

export function checkImpliedTrust(ctx: FindingsContext): Finding[] {
  const dp = ctx.dp;
  // Destinations behind the same NSGs with the same VirtualNetwork tag are evaluated together: one
  // symbolic pass over all their addresses, split per destination afterwards. Groups are collected
  // per reported NSG (the subnet's, else the NIC's) and each NSG is finished before the next, so
  // that only one NSG's packet sets are held at a time.
  type Group = { point: ReturnType<typeof filterPointFor>; members: { e: Endpoint; count: number }[] };
  const byNsg = new Map<ResourceId, Map<string, Group>>();
  // Whether a reported NSG is judged: its finding reads its own rules and those of the NSGs paired
  // with it (a NIC's NSG behind a subnet's), nothing of other NSGs.
  const judged = new Set<ResourceId>();
  for (const c of ctx.classes) {
    const e = c.representative;
    if (e.kind !== 'nic' && e.kind !== 'privateEndpoint') continue;
    const point = filterPointFor(dp, e.subnetId, nicIdOf(e), e.kind === 'privateEndpoint');
    const owner = point.subnetNsgId ?? point.nicNsgId;
    if (!owner) continue;
    if (inNsgScope(ctx, point.subnetNsgId, point.nicNsgId)) judged.add(owner);
    const key = `${point.subnetNsgId ?? ''}|${point.nicNsgId ?? ''}|${dp.virtualNetworkTag(e.subnetId).set.key()}`;
    let groups = byNsg.get(owner);
    if (!groups) byNsg.set(owner, (groups = new Map()));
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { point, members: [] }));
    g.members.push({ e, count: c.members.length });
  }
  // Tiers are inside the estate (VNets, on-premises): the internet reaches private addresses only
  // through entry points, which the exposure checks judge.
  const notVip = ctx.internalSources().subtract(AZURE_HOST_VIP_SET);
  const onPrem = onPremisesSet(ctx);
  const out: Finding[] = [];
  for (const owner of [...byNsg.keys()].sort(cmp)) {
    if (!judged.has(owner)) continue;
    const dests: Dest[] = [];
    for (const g of byNsg.get(owner)!.values()) {
      const dsts = IntervalSet.fromRanges(g.members.map((m) => [m.e.ip, m.e.ip] as [number, number]));
      // Feed each NSG (subnet, then NIC) only what the previous one admitted by AllowVnetInBound:
      // what is left at the end was admitted by the default rule everywhere (implied trust).
      let implied = PacketSpace.of({ protocols: ALL_PROTOCOLS_SET, src: notVip, srcPorts: ALL_PORTS_SET, dst: dsts, dstPorts: ALL_PORTS_SET });
      const nsgIds: ResourceId[] = [];
      const tag = dp.virtualNetworkTag(g.point.subnetId).set;
      for (const nsgId of [g.point.subnetNsgId, g.point.nicNsgId]) {
        if (!nsgId) continue;
        const nsg = dp.compiledNsg(nsgId);
        if (!nsg) continue;
        implied = admittedByDefault(nsg, implied, tag);
        nsgIds.push(nsgId);
        if (implied.isEmpty()) break;
      }
      if (implied.isEmpty() || nsgIds[0] !== owner) continue;
      for (const m of g.members) {
        // Between tiers: sources outside the destination's own subnet.
        const mine = implied.intersectBox({ protocols: ALL_PROTOCOLS_SET, src: notVip.subtract(ctx.subnetSet(m.e.subnetId)), srcPorts: ALL_PORTS_SET, dst: IntervalSet.point(m.e.ip), dstPorts: ALL_PORTS_SET });
        if (!mine.isEmpty()) dests.push({ e: m.e, members: m.count, implied: mine, nsgIds });
      }
    }
    if (dests.length === 0) continue;
    dests.sort((a, b) => cmp(a.e.subnetId, b.e.subnetId) || a.e.ip - b.e.ip);
    out.push(buildFinding(ctx, owner, dests, findFlows(ctx, dests, onPrem)));
  }
  return out;
}

function onPremisesSet(ctx: FindingsContext): IntervalSet {
  const prefixes: string[] = [];
  for (const v of ctx.dp.topology.vnets.values()) for (const l of v.learned) if (!l.viaTransit) prefixes.push(l.prefix);
  return cidrsToSet(prefixes).set;
}

/** Source subnets to try for a destination: its VNet first, then peered VNets, then what a firewall would pass. */
function* candidateSubnets(ctx: FindingsContext, d: Dest, srcSet: IntervalSet): Generator<ResourceId> {
  const dp = ctx.dp;
  const destVnet = d.e.vnetId;
  const usable = (s: ResourceId) => s !== d.e.subnetId && ctx.sourceOf(s) !== undefined && ctx.subnetSet(s).intersects(srcSet);
  const near = [destVnet, ...(dp.topology.vnets.get(destVnet)?.peers ?? []).filter((p) => p.connected).map((p) => p.remoteVnetId).sort(cmp)];
  const seen = new Set<ResourceId>();
  for (const v of near) {
    for (const s of [...(dp.snapshot.virtualNetworks.get(v)?.subnetIds ?? [])].sort(cmp)) {
      seen.add(s);
      if (usable(s)) yield s;
    }
  }
  // Beyond the VNet and its peers, traffic needs a forwarder: try the sources a firewall would let
  // through to the destination (routes decide the rest when the flow is followed).
  const hasNva = [...ctx.applianceNics].some((id) => dp.snapshot.networkInterfaces.get(id)?.enableIpForwarding);
  let passing = hasNva ? srcSet : IntervalSet.EMPTY;
  if (!hasNva) {
    for (const fw of dp.snapshot.azureFirewalls.values()) {
      const p = computeFirewallPermits(dp, fw, PacketSpace.of({ protocols: ALL_PROTOCOLS_SET, src: srcSet, srcPorts: ALL_PORTS_SET, dst: IntervalSet.point(d.e.ip), dstPorts: ALL_PORTS_SET }));
      passing = passing.union(p.network.project('src'));
    }
  }
  for (const s of ctx.subnetsIntersecting(passing.intersect(srcSet))) if (!seen.has(s) && usable(s)) yield s;
}

/** A cheap necessary condition before a walk: the source subnet routes the destination somewhere that does not drop it. */
function mayLeave(ctx: FindingsContext, src: Endpoint, d: Dest): boolean {
  const m = ctx.dp.routesForSubnet(src.subnetId)?.lookup(d.e.ip);
  return !!m && m.route.nextHopType !== 'None' && m.route.nextHopType !== 'Internet';
}

function findFlows(ctx: FindingsContext, dests: Dest[], onPrem: IntervalSet): FoundGroup[] {
  const found = new Map<string, FoundGroup>();
  let walks = 0;
  const tried = new Set<string>();
  for (const d of dests) {
    if (walks >= WALKS_PER_NSG || found.size >= GROUPS_PER_NSG) break;
    const srcSet = d.implied.project('src');
    for (const subnetId of candidateSubnets(ctx, d, srcSet)) {
      if (walks >= WALKS_PER_NSG || found.size >= GROUPS_PER_NSG) break;
      const label = ctx.subnetLabel(subnetId);
      if (found.has(label) || tried.has(`${subnetId}|${d.e.subnetId}`)) continue;
      tried.add(`${subnetId}|${d.e.subnetId}`);
      const src = ctx.sourceOf(subnetId);
      if (!src || !mayLeave(ctx, src, d)) continue;
      walks++;
      const w = walkFlows(ctx.dp, { from: endpointRef(src), to: endpointRef(d.e) });
      let hit = PacketSpace.EMPTY;
      for (const o of w.reachable) if (spacesOverlap(o.space, d.implied)) hit = hit.union(o.space.intersect(d.implied));
      if (!hit.isEmpty()) found.set(label, { label, traffic: hit, example: { from: 'endpoint', src, dest: d.e, space: hit } });
    }
    const fromOnPrem = srcSet.intersect(onPrem);
    if (!fromOnPrem.isEmpty() && walks < WALKS_PER_NSG && ![...found.keys()].some((k) => k.startsWith('on-premises'))) {
      walks++;
      const first = fromOnPrem.min()!;
      const w = walkFlows(ctx.dp, { from: externalRef(first, 'onPremises'), to: endpointRef(d.e), sources: fromOnPrem });
      let hit = PacketSpace.EMPTY;
      for (const o of w.reachable) hit = hit.union(o.space.intersect(d.implied));
      if (!hit.isEmpty()) {
        const label = `on-premises ${describeAddresses(hit.project('src'), 3)}`;
        found.set(label, { label, traffic: hit, example: { from: 'onPremises', src: first, dest: d.e, space: hit } });
      }
    }
  }
  return [...found.values()];
}

function buildFinding(ctx: FindingsContext, nsgId: ResourceId, dests: Dest[], found: FoundGroup[]): Finding {
  const dp = ctx.dp;
  const nsg = ctx.resourceInfo(nsgId);
  const otherNsgs = [...new Set(dests.flatMap((d) => d.nsgIds))].filter((id) => id !== nsgId).map((id) => nameFromId(id));
  const subnets = [...new Set(dests.map((d) => ctx.subnetLabel(d.e.subnetId)))].sort(cmp);
  const names = dests.map((d) => ctx.endpointName(d.e) + (d.members > 1 ? ` (+${d.members - 1} like it)` : ''));
  const breadth = new TrafficSummary();
  for (const d of dests) breadth.add(d.implied);
  const widened = [...new Set(dests.map((d) => d.e.subnetId))].some((s) => !dp.virtualNetworkTag(s).fromUserRoutes.isEmpty());
  const breadthText = `${breadth.describe()} from ${describeWithin(breadth.src, ctx.internalSources(), 'address of the estate (VNets and on-premises)', 4)}${widened ? ' (the VirtualNetwork tag includes user-route prefixes here)' : ''}`;

  let evidence: FindingEvidence = { allowedBy: [], routes: [] };
  const ex = found[0]?.example;
  if (ex) {
    const pkt = pickPacket(ex.space, typeof ex.src === 'number' ? [ex.src] : []);
    if (pkt) {
      const from = ex.from === 'endpoint' && typeof ex.src !== 'number' ? endpointRef(ex.src) : externalRef(pkt.src, 'onPremises');
      const t = traceEvidence(dp, { from, to: endpointRef(ex.dest), protocol: pkt.protocol, dstPort: pkt.dstPort });
      if (t) {
        evidence = t.evidence;
        t.trace.caveats.forEach((c) => ctx.caveats.add(c));
      }
    }
  }
  evidence.details = {
    destinations: names,
    subnets,
    breadth: breadthText,
    ...(found.length ? { reachedFrom: found.map((g) => `${g.label}: ${describeTraffic(g.traffic)}`) } : {}),
  };
  const into = `${subnets.join(', ')} (${names.slice(0, 4).join(', ')}${names.length > 4 ? `, ${names.length - 4} more` : ''})`;
  const also = otherNsgs.length ? ` (and ${otherNsgs.join(', ')} on the NICs)` : '';
  const message = found.length
    ? `${nsg.name}${also} admits traffic into ${into} only by defaultSecurityRules/AllowVnetInBound: ${found.map((g) => `from ${g.label} (${describeTraffic(g.traffic)})`).join('; ')}. The default rule admits ${breadthText}.`
    : `${nsg.name}${also} would admit ${breadthText} into ${into} only by defaultSecurityRules/AllowVnetInBound; no flow from another subnet or on-premises was found to get there now (${plural(dests.length, 'destination')} checked).`;
  return ctx.finding({
    id: 'ZT-IMPLIED-TRUST',
    severity: found.length ? 'medium' : 'low',
    resource: nsg.resource,
    name: nsg.name,
    location: nsg.location,
    message,
    evidence,
    fix: `Add explicit inbound allows to ${nsg.name} for the flows each tier needs (${found.length ? `e.g. ${found.slice(0, 2).map((g) => `${g.label} ${describeTraffic(g.traffic)}`).join(', ')}` : 'by ASG or prefix and port'}), then a Deny-All-Inbound rule at priority 4096 so that AllowVnetInBound no longer decides.`,
    related: ctx.relatedFromEvidence(evidence),
  });
}
