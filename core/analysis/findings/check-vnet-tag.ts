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
import { type FindingsContext, cmp, loc } from './context.ts';
import { ALL_ADDRESSES_SET, ALL_PORTS_SET, ALL_PROTOCOLS_SET, describeAddresses, describeTraffic } from './flows.ts';
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

function flatten(s: PacketSpace, keep: 'src' | 'dst'): PacketSpace {
  return new PacketSpace(s.boxes.map((b) => ({ ...b, [keep === 'src' ? 'dst' : 'src']: ALL_ADDRESSES_SET })));
}

export function checkVnetTag(ctx: FindingsContext): Finding[] {
  const dp = ctx.dp;
  const s = dp.snapshot;
  const out: Finding[] = [];
  for (const subnetId of [...ctx.classesBySubnet.keys()].sort(cmp)) {
    const sub = s.subnets.get(subnetId);
    if (!sub) continue;
    const tag = dp.virtualNetworkTag(subnetId);
    const widened = tag.fromUserRoutes;
    if (widened.isEmpty()) continue;
    const real = tag.set.subtract(widened);
    let inbound = PacketSpace.EMPTY;
    let outbound = PacketSpace.EMPTY;
    const rules = new Set<string>();
    const nsgs = new Set<ResourceId>();
    let endpoints = 0;
    for (const c of ctx.classesBySubnet.get(subnetId)!) {
      const e = c.representative;
      if (e.kind !== 'nic' && e.kind !== 'privateEndpoint') continue;
      const point = filterPointFor(dp, subnetId, e.nicId, e.kind === 'privateEndpoint');
      if (!point.subnetNsgId && !point.nicNsgId) continue;
      const me = IntervalSet.point(e.ip);
      const qIn = PacketSpace.of({ protocols: ALL_PROTOCOLS_SET, src: widened.subtract(AZURE_HOST_VIP_SET), srcPorts: ALL_PORTS_SET, dst: me, dstPorts: ALL_PORTS_SET });
      const qOut = PacketSpace.of({ protocols: ALL_PROTOCOLS_SET, src: me, srcPorts: ALL_PORTS_SET, dst: widened, dstPorts: ALL_PORTS_SET });
      let hit = false;
      for (const [dir, q] of [['Inbound', qIn], ['Outbound', qOut]] as const) {
        const wide = permitsWithTag(dp, point, dir, q, tag.set);
        const narrow = permitsWithTag(dp, point, dir, q, real);
        const effect = wide.allowed.subtract(narrow.allowed);
        if (effect.isEmpty()) continue;
        hit = true;
        for (const p of wide.parts) if (!p.space.intersect(effect).isEmpty()) rules.add(p.rule);
        if (dir === 'Inbound') inbound = inbound.union(flatten(effect, 'src'));
        else outbound = outbound.union(flatten(effect, 'dst'));
      }
      if (hit) {
        endpoints += c.members.length;
        orderOf(point, 'Inbound').forEach((n) => nsgs.add(n));
      }
    }
    if (inbound.isEmpty() && outbound.isEmpty()) continue;
    const rt = sub.routeTableId ? s.routeTables.get(sub.routeTableId) : undefined;
    const routes = (rt?.routes ?? []).filter((r) => {
      const p = parseCidr(r.addressPrefix);
      return p.ok && !real.contains(IntervalSet.range(p.cidr.start, p.cidr.end));
    });
    const label = ctx.subnetLabel(subnetId);
    const routeText = routes.map((r) => `${r.addressPrefix} (${r.name})`).join(', ');
    const effects: string[] = [];
    if (!inbound.isEmpty()) effects.push(`admits inbound ${describeTraffic(inbound)} from ${describeAddresses(inbound.project('src'), 4)}`);
    if (!outbound.isEmpty()) effects.push(`lets out ${describeTraffic(outbound)} to ${describeAddresses(outbound.project('dst'), 4)}`);
    const nsgNames = [...nsgs].map((n) => nameFromId(n)).sort(cmp);
    const related: RelatedResource[] = [];
    if (rt) related.push({ resource: rt.displayId, name: rt.name, role: 'route table that widens the tag', location: loc(rt.source) });
    for (const n of [...nsgs].sort(cmp)) {
      const info = ctx.resourceInfo(n);
      related.push({ resource: info.resource, name: info.name, role: 'NSG whose VirtualNetwork rules widen', location: info.location });
    }
    out.push(
      ctx.finding({
        id: 'ZT-VNET-TAG-WIDENED',
        resource: sub.displayId,
        name: label,
        location: loc(sub.source),
        message: `The user routes of ${label} (${rt?.name ?? 'its route table'}: ${routeText}) put ${describeAddresses(widened, 3)} into its VirtualNetwork tag, so ${nsgNames.join(' and ')} ${effects.join(', and ')} by ${[...rules].sort(cmp).join(', ')}, which would otherwise be denied (${endpoints} endpoint${endpoints === 1 ? '' : 's'}). This is how Azure builds the tag (issues #22178, #124192).`,
        evidence: {
          allowedBy: [],
          routes: [],
          details: {
            widenedBy: routes.map((r) => `${r.addressPrefix} ${r.nextHopType}${r.nextHopIpAddress ? ` ${r.nextHopIpAddress}` : ''} (${r.name})`),
            rules: [...rules].sort(cmp),
            ...(inbound.isEmpty() ? {} : { inbound: `${describeTraffic(inbound)} from ${describeAddresses(inbound.project('src'), 8)}` }),
            ...(outbound.isEmpty() ? {} : { outbound: `${describeTraffic(outbound)} to ${describeAddresses(outbound.project('dst'), 8)}` }),
          },
        },
        fix: `Add explicit Deny-All-Inbound and Deny-All-Outbound rules (priority 4096) to ${nsgNames.join(' and ')} after explicit allows, so that rules naming VirtualNetwork no longer decide for ${label}.`,
        related,
      }),
    );
  }
  return out;
}
