// ZT-VNET-TAG-WIDENED: Azure puts the prefixes of a subnet's user routes into its VirtualNetwork tag
// (rule 4.1, issues #22178/#124192), so a 0.0.0.0/0 route to the firewall makes AllowVnetInBound
// and AllowVnetOutBound (and custom VirtualNetwork rules) match everything. Per endpoint class the
// NSG decisions are computed twice, with the tag as Azure builds it and without the route prefixes;
// the difference is what the widening admits.

import type { Direction, ResourceId } from '../../model/types.ts';
import { AZURE_HOST_VIP_SET } from '../../dataplane/well-known-addresses.ts';
import { filterPointFor, type FilterPoint } from '../../policy/evaluate-endpoint.ts';
import { computeNsgPermits } from '../../policy/symbolic-nsg.ts';
import { IntervalSet } from '../../sets/interval-set.ts';
import { PacketSpace } from '../../sets/packet-space.ts';
import { parseCidr } from '../../sets/cidr.ts';
import { nameFromId } from '../../model/ids.ts';
import type { DataPlane } from '../../dataplane/compile.ts';
import { type FindingsContext, cmp, inNsgScope, loc } from './context.ts';
import type { Endpoint } from '../../dataplane/address-index.ts';
import { ALL_PORTS_SET, ALL_PROTOCOLS_SET, TrafficSummary, describeAddresses, spacesOverlap } from './flows.ts';
import type { Finding, RelatedResource } from './types.ts';

function orderOf(point: FilterPoint, direction: Direction): ResourceId[] {
  const list = direction === 'Inbound' ? [point.subnetNsgId, point.nicNsgId] : [point.nicNsgId, point.subnetNsgId];
  return list.filter((x): x is ResourceId => !!x);
}

/** computeEndpointPermits with a chosen VirtualNetwork tag; also the rules that admitted each part. */
function permitsWithTag(dp: DataPlane, point: FilterPoint, direction: Direction, query: PacketSpace, tag: IntervalSet): { allowed: PacketSpace; parts: { rule: string; space: PacketSpace }[] } {
  let allowed = query;
  const parts: { rule: string; space: PacketSpace }[] = [];
  for (const nsgId of orderOf(point, direction)) {
    const nsg = dp.compiledNsg(nsgId);
    if (!nsg) continue;
    const r = computeNsgPermits(nsg, direction, allowed, tag);
    for (const p of r.allowedBy) parts.push({ rule: `${nsg.nsg.name} ${p.rule.rule.collection}/${p.rule.rule.name}`, space: p.space });
    allowed = r.allowed;
    if (allowed.isEmpty()) break;
  }
  return { allowed, parts };
}

/** Whether the NSGs that filter an endpoint's traffic are in FindingsOptions.nsgScope. */
function endpointInScope(ctx: FindingsContext, subnetId: ResourceId, e: Endpoint): boolean {
  if (e.kind !== 'nic' && e.kind !== 'privateEndpoint') return false;
  const point = filterPointFor(ctx.dp, subnetId, e.nicId, e.kind === 'privateEndpoint');
  return inNsgScope(ctx, point.subnetNsgId, point.nicNsgId);
}

export function checkVnetTag(ctx: FindingsContext): Finding[] {
  const dp = ctx.dp;
  const s = dp.snapshot;
  // The tag is the same for every subnet of one VNet with one route table: one finding per such
  // group, and one evaluation per distinct pair of NSGs in it (the first class that shows an effect).
  const groups = new Map<string, ResourceId[]>();
  for (const subnetId of [...ctx.classesBySubnet.keys()].sort(cmp)) {
    const sub = s.subnets.get(subnetId);
    if (!sub?.routeTableId || dp.virtualNetworkTag(subnetId).fromUserRoutes.isEmpty()) continue;
    const k = `${sub.vnetId}|${sub.routeTableId}`;
    groups.set(k, [...(groups.get(k) ?? []), subnetId]);
  }
  const out: Finding[] = [];
  for (const subnets of groups.values()) {
    // A group's finding reads the NSGs of its endpoints (and routes, which a scope never changes).
    if (ctx.nsgScope && !subnets.some((id) => ctx.classesBySubnet.get(id)!.some((c) => endpointInScope(ctx, id, c.representative)))) continue;
    const first = s.subnets.get(subnets[0])!;
    const tag = dp.virtualNetworkTag(first.id);
    const widened = tag.fromUserRoutes;
    const real = tag.set.subtract(widened);
    const inbound = new TrafficSummary();
    const outbound = new TrafficSummary();
    const rules = new Set<string>();
    const nsgs = new Set<ResourceId>();
    const affected = new Set<ResourceId>();
    const donePairs = new Set<string>();
    for (const subnetId of subnets) {
      for (const c of ctx.classesBySubnet.get(subnetId)!) {
        const e = c.representative;
        if (e.kind !== 'nic' && e.kind !== 'privateEndpoint') continue;
        const point = filterPointFor(dp, subnetId, e.nicId, e.kind === 'privateEndpoint');
        if (!point.subnetNsgId && !point.nicNsgId) continue;
        const pair = `${point.subnetNsgId ?? ''}|${point.nicNsgId ?? ''}`;
        if (donePairs.has(pair)) {
          if (nsgs.has(point.subnetNsgId ?? point.nicNsgId ?? '')) affected.add(subnetId);
          continue;
        }
        const me = IntervalSet.point(e.ip);
        // Inbound, the sources that can address the endpoint directly (internet clients come through
        // entry points, judged by the exposure checks); outbound, every widened destination.
        const qIn = PacketSpace.of({ protocols: ALL_PROTOCOLS_SET, src: widened.intersect(ctx.internalSources()).subtract(AZURE_HOST_VIP_SET), srcPorts: ALL_PORTS_SET, dst: me, dstPorts: ALL_PORTS_SET });
        const qOut = PacketSpace.of({ protocols: ALL_PROTOCOLS_SET, src: me, srcPorts: ALL_PORTS_SET, dst: widened, dstPorts: ALL_PORTS_SET });
        let hit = false;
        for (const [dir, q] of [['Inbound', qIn], ['Outbound', qOut]] as const) {
          const wide = permitsWithTag(dp, point, dir, q, tag.set);
          const narrow = permitsWithTag(dp, point, dir, q, real);
          const effect = wide.allowed.subtract(narrow.allowed);
          if (effect.isEmpty()) continue;
          hit = true;
          for (const p of wide.parts) if (!rules.has(p.rule) && spacesOverlap(p.space, effect)) rules.add(p.rule);
          (dir === 'Inbound' ? inbound : outbound).add(effect);
        }
        if (hit) {
          donePairs.add(pair);
          affected.add(subnetId);
          orderOf(point, 'Inbound').forEach((n) => nsgs.add(n));
        }
      }
    }
    if (inbound.empty && outbound.empty) continue;
    const rt = s.routeTables.get(first.routeTableId!)!;
    const routes = rt.routes.filter((r) => {
      const p = parseCidr(r.addressPrefix);
      return p.ok && !real.contains(IntervalSet.range(p.cidr.start, p.cidr.end));
    });
    const labels = [...affected].map((id) => ctx.subnetLabel(id)).sort(cmp);
    const routeText = routes.map((r) => `${r.addressPrefix} (${r.name})`).join(', ');
    const effects: string[] = [];
    if (!inbound.empty) effects.push(`admit${nsgs.size === 1 ? 's' : ''} inbound ${inbound.describe()} from ${describeAddresses(inbound.src, 4)}`);
    if (!outbound.empty) effects.push(`let${nsgs.size === 1 ? 's' : ''} out ${outbound.describe()} to ${describeAddresses(outbound.dst, 4)}`);
    const nsgNames = [...nsgs].map((n) => nameFromId(n)).sort(cmp);
    const related: RelatedResource[] = [];
    for (const id of [...affected].sort(cmp)) {
      const sub = s.subnets.get(id)!;
      related.push({ resource: sub.displayId, name: ctx.subnetLabel(id), role: 'subnet whose tag is widened', location: loc(sub.source) });
    }
    for (const n of [...nsgs].sort(cmp)) {
      const info = ctx.resourceInfo(n);
      related.push({ resource: info.resource, name: info.name, role: 'NSG whose VirtualNetwork rules widen', location: info.location });
    }
    const subnetsText = labels.length <= 4 ? labels.join(', ') : `${labels.slice(0, 4).join(', ')} and ${labels.length - 4} more subnets`;
    out.push(
      ctx.finding({
        id: 'ZT-VNET-TAG-WIDENED',
        resource: rt.displayId,
        name: rt.name,
        location: loc(rt.source),
        message: `The routes of ${rt.name} (${routeText}) put ${describeAddresses(widened, 3)} into the VirtualNetwork tag of ${subnetsText}, so ${nsgNames.join(' and ')} ${effects.join(', and ')} by ${[...rules].sort(cmp).join(', ')}, which would otherwise be denied. This is how Azure builds the tag (issues #22178, #124192).`,
        evidence: {
          allowedBy: [],
          routes: [],
          details: {
            widenedBy: routes.map((r) => `${r.addressPrefix} ${r.nextHopType}${r.nextHopIpAddress ? ` ${r.nextHopIpAddress}` : ''} (${r.name})`),
            subnets: labels,
            rules: [...rules].sort(cmp),
            ...(inbound.empty ? {} : { inbound: `${inbound.describe()} from ${describeAddresses(inbound.src, 8)}` }),
            ...(outbound.empty ? {} : { outbound: `${outbound.describe()} to ${describeAddresses(outbound.dst, 8)}` }),
          },
        },
        fix: `Add explicit Deny-All-Inbound and Deny-All-Outbound rules (priority 4096) to ${nsgNames.join(' and ')} after explicit allows, so that rules naming VirtualNetwork no longer decide for ${subnetsText}.`,
        related,
        key: first.vnetId,
      }),
    );
  }
  return out;
}
