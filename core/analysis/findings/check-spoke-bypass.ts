// ZT-SPOKE-BYPASSES-HUB: a direct, connected peering between two VNets that are not hubs, at least
// one of them a spoke of an inspection hub. Flows between their subnets are followed end to end;
// the ones that arrive without passing a firewall or appliance are the finding's evidence.

import type { Endpoint } from '../../dataplane/address-index.ts';
import type { ResourceId, VirtualNetworkPeering } from '../../model/types.ts';
import { PacketSpace } from '../../sets/packet-space.ts';
import { type FindingsContext, cmp, loc } from './context.ts';
import { describeTraffic, endpointRef, passesInspection, pickPacket, traceEvidence, walkFlows } from './flows.ts';
import type { Finding, FindingEvidence } from './types.ts';

const WALKS_PER_DIRECTION = 48;

interface Found {
  src: Endpoint;
  dst: Endpoint;
  space: PacketSpace;
}

export function checkSpokeBypass(ctx: FindingsContext): Finding[] {
  const dp = ctx.dp;
  if (ctx.hubVnets.size === 0) {
    ctx.notes.push('ZT-SPOKE-BYPASSES-HUB: no VNet holds a firewall or a routed appliance, so there is no hub to bypass.');
    return [];
  }
  const isSpoke = (v: ResourceId) => (dp.topology.vnets.get(v)?.peers ?? []).some((p) => p.connected && ctx.hubVnets.has(p.remoteVnetId));
  const out: Finding[] = [];
  const done = new Set<string>();
  for (const v of [...dp.topology.vnets.values()].sort((a, b) => cmp(a.id, b.id))) {
    for (const link of v.peers) {
      if (!link.connected) continue;
      const a = v.id;
      const b = link.remoteVnetId;
      const key = [a, b].sort(cmp).join('|');
      if (done.has(key)) continue;
      done.add(key);
      if (ctx.hubVnets.has(a) || ctx.hubVnets.has(b)) continue;
      if (!isSpoke(a) && !isSpoke(b)) continue;
      const ab = search(ctx, a, b);
      const ba = search(ctx, b, a);
      // Rule 7.2: user routes of the same prefixes (to the hub's firewall, say) override the
      // peering's routes; when no flow gets through uninspected and no route sends the spokes'
      // traffic over the peering, the peering carries nothing and bypasses nothing.
      if (ab.length + ba.length === 0 && !routesUsePeering(ctx, a, b) && !routesUsePeering(ctx, b, a)) continue;
      // Name the half in the VNet that is not a spoke (the outsider), else the first by id.
      const local = !isSpoke(a) ? link.local : !isSpoke(b) && link.remote ? link.remote : [link.local, link.remote].filter((x): x is VirtualNetworkPeering => !!x).sort((x, y) => cmp(x.id, y.id))[0];
      const other = local === link.local ? link.remote : link.local;
      out.push(buildFinding(ctx, a, b, local, other, [...ab, ...ba]));
    }
  }
  return out;
}

/** Whether the routes of some subnet of `from` send traffic for an endpoint of `to` over their direct peering. */
function routesUsePeering(ctx: FindingsContext, from: ResourceId, to: ResourceId): boolean {
  const dp = ctx.dp;
  // The endpoints of `to`, and a host address of each of its ranges (all there is of a remote VNet
  // missing from the input).
  const dests = [...(dp.snapshot.virtualNetworks.get(to)?.subnetIds ?? [])].flatMap((s) => (ctx.classesBySubnet.get(s) ?? []).map((c) => c.representative.ip));
  const link = dp.topology.vnets.get(from)?.peers.find((p) => p.remoteVnetId === to);
  for (const [lo, hi] of link?.remoteSet.ranges() ?? []) dests.push(Math.min(lo + 4, hi));
  for (const s of dp.snapshot.virtualNetworks.get(from)?.subnetIds ?? []) {
    const table = dp.routesForSubnet(s);
    for (const ip of dests) {
      const origin = table?.lookup(ip)?.route.origin;
      if (origin?.kind === 'peering' && origin.remoteVnetId === to) return true;
    }
  }
  return false;
}

/** Flows from subnets of `from` into endpoints of `to` that pass no inspection point. */
function search(ctx: FindingsContext, from: ResourceId, to: ResourceId): Found[] {
  const dp = ctx.dp;
  const subnetsOf = (v: ResourceId) => [...(dp.snapshot.virtualNetworks.get(v)?.subnetIds ?? [])].sort(cmp);
  const sources = subnetsOf(from).map((s) => (ctx.classesBySubnet.get(s) ?? []).find((c) => c.representative.kind === 'nic')?.representative).filter((e): e is Endpoint => !!e);
  const dests = subnetsOf(to).flatMap((s) => (ctx.classesBySubnet.get(s) ?? []).filter((c) => c.representative.kind === 'nic' || c.representative.kind === 'privateEndpoint').map((c) => c.representative));
  const found: Found[] = [];
  let walks = 0;
  const reachedDst = new Set<string>();
  for (const src of sources) {
    for (const dst of dests) {
      if (walks >= WALKS_PER_DIRECTION) return found;
      if (reachedDst.has(dst.subnetId)) continue;
      walks++;
      const w = walkFlows(dp, { from: endpointRef(src), to: endpointRef(dst) });
      let space = PacketSpace.EMPTY;
      for (const o of w.reachable) if (!passesInspection(o)) space = space.union(o.space);
      if (space.isEmpty()) continue;
      found.push({ src, dst, space });
      reachedDst.add(dst.subnetId);
    }
  }
  return found;
}

function buildFinding(ctx: FindingsContext, a: ResourceId, b: ResourceId, local: VirtualNetworkPeering, other: VirtualNetworkPeering | undefined, found: Found[]): Finding {
  const dp = ctx.dp;
  // The firewalls of the hubs these VNets are peered with (else every firewall in the estate).
  const near = new Set([a, b].flatMap((v) => (dp.topology.vnets.get(v)?.peers ?? []).filter((p) => p.connected).map((p) => p.remoteVnetId)));
  const all = [...dp.snapshot.azureFirewalls.values()];
  const vnetOf = (f: (typeof all)[number]) => f.ipConfigurations.map((c) => (c.subnetId ? dp.snapshot.subnets.get(c.subnetId)?.vnetId : undefined)).find((x) => x);
  const nearFws = all.filter((f) => near.has(vnetOf(f) ?? ''));
  const fws = (nearFws.length ? nearFws : all).map((f) => f.name).sort(cmp);
  const inspection = fws.length ? (fws.length <= 3 ? fws.join(', ') : `${fws.slice(0, 3).join(', ')} and ${fws.length - 3} more firewalls`) : 'the hub appliance';
  let evidence: FindingEvidence = { allowedBy: [], routes: [] };
  const first = found[0];
  if (first) {
    const pkt = pickPacket(first.space);
    if (pkt) {
      const t = traceEvidence(dp, { from: endpointRef(first.src), to: endpointRef(first.dst), protocol: pkt.protocol, dstPort: pkt.dstPort });
      if (t) {
        evidence = t.evidence;
        t.trace.caveats.forEach((c) => ctx.caveats.add(c));
      }
    }
  }
  const flows = found.map((f) => `${ctx.endpointName(f.src)} -> ${ctx.endpointName(f.dst)} (${describeTraffic(f.space)})`);
  evidence.details = { vnets: [ctx.vnetName(a), ctx.vnetName(b)], flowsWithoutInspection: flows };
  const message = found.length
    ? `${ctx.vnetName(a)} and ${ctx.vnetName(b)} are peered directly, so traffic between them does not pass ${inspection}: ${flows.slice(0, 5).join('; ')}${flows.length > 5 ? `; and ${flows.length - 5} more` : ''}.`
    : `${ctx.vnetName(a)} and ${ctx.vnetName(b)} are peered directly, bypassing ${inspection}; no flow between them was found to get through now (NSGs stop it), but the path exists.`;
  return ctx.finding({
    id: 'ZT-SPOKE-BYPASSES-HUB',
    severity: found.length ? 'high' : 'low',
    resource: local.displayId,
    name: local.name,
    location: loc(local.source),
    message,
    evidence,
    fix: `Delete both halves of the peering (${[local.name, other?.name].filter(Boolean).join(', ')}); peer ${ctx.vnetName(a)} and ${ctx.vnetName(b)} with the hub instead, route their traffic to ${inspection} and allow only the needed flows there.`,
    related: other ? [{ resource: other.displayId, name: other.name, role: 'other half of the peering', location: loc(other.source) }, ...ctx.relatedFromEvidence(evidence)] : ctx.relatedFromEvidence(evidence),
  });
}
