// ZT-SUBNET-NO-NSG and ZT-FORWARDER-NO-NSG: filtering that is missing altogether. Subnets that
// cannot take an NSG are never reported; the severity follows what the subnet holds (unfiltered
// NICs, NICs with their own NSG, private endpoints, managed services, nothing), and the evidence is
// a flow that reaches an unfiltered NIC when one exists.

import type { Endpoint } from '../../dataplane/address-index.ts';
import { cidrsToSet } from '../../sets/cidr.ts';
import type { ResourceId, Subnet } from '../../model/types.ts';
import { type FindingsContext, cmp, loc, plural } from './context.ts';
import { describeTraffic, endpointRef, externalRef, pickPacket, reachableSpace, traceEvidence, walkFlows } from './flows.ts';
import type { Finding, FindingEvidence, Severity } from './types.ts';

/** Subnets Azure does not let you associate an NSG with (or where one breaks the service). */
export const SUBNETS_WITHOUT_NSG_SUPPORT = ['gatewaysubnet', 'azurefirewallsubnet', 'azurefirewallmanagementsubnet', 'routeserversubnet'];

const WALKS_PER_SUBNET = 12;

export function checkSubnetNsgs(ctx: FindingsContext): Finding[] {
  const s = ctx.dp.snapshot;
  const out: Finding[] = [];
  const subnets = [...s.subnets.values()].sort((a, b) => cmp(a.id, b.id));
  for (const sub of subnets) {
    if (sub.nsgId || SUBNETS_WITHOUT_NSG_SUPPORT.includes(sub.name.toLowerCase())) continue;
    out.push(subnetFinding(ctx, sub));
  }
  for (const nic of [...s.networkInterfaces.values()].sort((a, b) => cmp(a.id, b.id))) {
    if (!nic.enableIpForwarding || nic.nsgId) continue;
    const subnetId = nic.ipConfigurations.find((c) => c.primary)?.subnetId ?? nic.ipConfigurations[0]?.subnetId;
    const sub = subnetId ? s.subnets.get(subnetId) : undefined;
    if (sub?.nsgId) continue;
    const ips = nic.ipConfigurations.map((c) => c.privateIp).filter((x): x is string => !!x);
    const routes: string[] = [];
    for (const rt of s.routeTables.values()) for (const r of rt.routes) if (r.nextHopType === 'VirtualAppliance' && r.nextHopIpAddress && ips.includes(r.nextHopIpAddress)) routes.push(`${rt.name}/${r.name} (${r.addressPrefix})`);
    routes.sort(cmp);
    out.push(
      ctx.finding({
        id: 'ZT-FORWARDER-NO-NSG',
        resource: nic.displayId,
        name: nic.name,
        location: loc(nic.source),
        message: `${nic.name} (${ips.join(', ')}) has IP forwarding enabled and no NSG on the NIC or on ${sub ? ctx.subnetLabel(sub.id) : 'its subnet'}: ${routes.length ? `traffic that ${routes.slice(0, 5).join(', ')}${routes.length > 5 ? ` and ${routes.length - 5} more routes` : ''} send${routes.length === 1 ? 's' : ''} to it` : 'anything routed to it'} is forwarded unfiltered.`,
        evidence: { allowedBy: [], routes: [], details: { routesToIt: routes } },
        fix: `Associate an NSG with ${sub ? sub.name : 'the appliance subnet'} (or ${nic.name}) that admits only the traffic the appliance should forward.`,
      }),
    );
  }
  return out;
}

function subnetFinding(ctx: FindingsContext, sub: Subnet): Finding {
  const s = ctx.dp.snapshot;
  const classes = ctx.classesBySubnet.get(sub.id) ?? [];
  const endpoints = classes.flatMap((c) => c.members);
  const nics = endpoints.filter((e): e is Extract<Endpoint, { kind: 'nic' }> => e.kind === 'nic');
  const bare = nics.filter((e) => !s.networkInterfaces.get(e.nicId)?.nsgId);
  const pes = endpoints.filter((e) => e.kind === 'privateEndpoint');
  const managed = endpoints.filter((e) => e.kind === 'applicationGateway' || e.kind === 'firewall' || e.kind === 'loadBalancerFrontend');
  const label = ctx.subnetLabel(sub.id);
  let severity: Severity;
  let what: string;
  if (bare.length > 0 && bare.length === nics.length) {
    severity = 'high';
    what = `its ${plural(nics.length, 'NIC')} (${names(ctx, bare)}) have no NSG either, so nothing filters their traffic`;
  } else if (bare.length > 0) {
    severity = 'medium';
    what = `${plural(bare.length, 'NIC')} of ${nics.length} (${names(ctx, bare)}) have no NIC NSG, so nothing filters their traffic`;
  } else if (nics.length > 0) {
    severity = 'low';
    what = `every NIC in it has its own NSG (${names(ctx, nics)}), so filtering depends on each NIC being configured`;
  } else if (pes.length > 0) {
    severity = 'low';
    what = `it holds ${plural(pes.length, 'private endpoint')}${sub.privateEndpointNetworkPolicies === 'Disabled' ? ' (network policies are disabled, so an NSG would not filter them until they are enabled)' : ''}`;
  } else if (managed.length > 0) {
    severity = 'low';
    what = `it holds ${managed.map((e) => ctx.endpointName(e)).filter((v, i, a) => a.indexOf(v) === i).join(', ')}`;
  } else {
    severity = 'low';
    what = 'it is empty now; anything deployed into it will be unfiltered';
  }
  let evidence: FindingEvidence = { allowedBy: [], routes: [] };
  if (bare.length > 0) {
    const ev = exampleInto(ctx, sub, bare[0]);
    if (ev) evidence = ev;
  }
  evidence.details = { ...(evidence.details ?? {}), endpoints: endpoints.length, unfilteredNics: bare.map((e) => ctx.endpointLabel(e)) };
  const reached = evidence.flow ? ` For example ${evidence.flow.src} reaches ${evidence.flow.dst} ${evidence.flow.protocol}${evidence.flow.dstPort !== undefined ? `/${evidence.flow.dstPort}` : ''} (${evidence.disposition}).` : '';
  return ctx.finding({
    id: 'ZT-SUBNET-NO-NSG',
    severity,
    resource: sub.displayId,
    name: label,
    location: loc(sub.source),
    message: `Subnet ${label} (${sub.addressPrefixes.join(', ')}) has no network security group; ${what}.${reached}`,
    evidence,
    fix: `Create an NSG for ${label} with explicit allows for the flows it needs and a Deny-All-Inbound rule at priority 4096, and associate it with the subnet.`,
  });
}

function names(ctx: FindingsContext, list: Endpoint[], max = 4): string {
  const n = list.map((e) => ctx.endpointName(e));
  return n.length <= max ? n.join(', ') : `${n.slice(0, max).join(', ')} and ${n.length - max} more`;
}

/** A flow from elsewhere in the estate (same VNet, peered VNets, on-premises) that reaches the NIC. */
function exampleInto(ctx: FindingsContext, sub: Subnet, dest: Endpoint): FindingEvidence | undefined {
  const dp = ctx.dp;
  const peers = (dp.topology.vnets.get(sub.vnetId)?.peers ?? []).filter((p) => p.connected).map((p) => p.remoteVnetId);
  const vnets = [sub.vnetId, ...peers.sort(cmp)];
  const candidates: ResourceId[] = [];
  for (const v of vnets) {
    for (const sid of dp.snapshot.virtualNetworks.get(v)?.subnetIds ?? []) {
      if (sid !== sub.id && (ctx.classesBySubnet.get(sid) ?? []).some((c) => c.representative.kind === 'nic')) candidates.push(sid);
    }
  }
  let walks = 0;
  for (const sid of candidates) {
    if (walks++ >= WALKS_PER_SUBNET) break;
    const src = ctx.classesBySubnet.get(sid)!.find((c) => c.representative.kind === 'nic')!.representative;
    const w = walkFlows(dp, { from: endpointRef(src), to: endpointRef(dest) });
    const space = reachableSpace(w);
    const pkt = pickPacket(space);
    if (!pkt) continue;
    const t = traceEvidence(dp, { from: endpointRef(src), to: endpointRef(dest), protocol: pkt.protocol, dstPort: pkt.dstPort });
    if (!t) continue;
    t.trace.caveats.forEach((c) => ctx.caveats.add(c));
    return { ...t.evidence, details: { reachable: describeTraffic(space) } };
  }
  // On-premises, through the gateway.
  const onPrem: string[] = [];
  for (const v of dp.topology.vnets.values()) for (const l of v.learned) if (!l.viaTransit) onPrem.push(l.prefix);
  const set = cidrsToSet(onPrem).set;
  if (!set.isEmpty()) {
    const w = walkFlows(dp, { from: externalRef(set.min()!, 'onPremises'), to: endpointRef(dest), sources: set });
    const space = reachableSpace(w);
    const pkt = pickPacket(space);
    if (pkt) {
      const t = traceEvidence(dp, { from: externalRef(pkt.src, 'onPremises'), to: endpointRef(dest), protocol: pkt.protocol, dstPort: pkt.dstPort });
      if (t) return { ...t.evidence, details: { reachable: describeTraffic(space) } };
    }
  }
  return undefined;
}
