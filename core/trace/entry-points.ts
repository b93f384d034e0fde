// How traffic from outside enters the estate (issue 3 "Internet ingress"): an instance public IP, a
// public load balancer (load-balancing and inbound NAT rules, with their port translation), an
// Application Gateway (which opens a new connection to its backend), Azure Firewall DNAT, and from
// on-premises a virtual network gateway.

import type { DataPlane } from '../dataplane/compile.ts';
import type { Topology, VnetInfo } from '../dataplane/topology.ts';
import type { Endpoint } from '../dataplane/address-index.ts';
import { IntervalSet } from '../sets/interval-set.ts';
import { PacketSpace } from '../sets/packet-space.ts';
import { formatIPv4, parseIPv4 } from '../sets/ipv4.ts';
import { parseCidr } from '../sets/cidr.ts';
import { firewallNatRules } from '../firewall/evaluate-firewall.ts';
import { applicationGatewaysFor, loadBalancersFor } from './pool-lookup.ts';
import { nameFromId } from '../model/ids.ts';
import { CAVEATS } from '../dataplane/caveats.ts';
import type { InboundNatRule, ResourceId } from '../model/types.ts';
import {
  applyNsg,
  branch,
  deliver,
  end,
  endpointHop,
  filterPointOfEndpoint,
  gatewayEntry,
  hop,
  isOutcome,
  rewrite,
  routeFrom,
  routeFromGatewaySubnet,
  withStep,
  type Outcome,
  type WalkContext,
  type WalkState,
} from './walk.ts';

const ALL_IPS = IntervalSet.range(0, 0xffffffff);
const ALL_PORTS = IntervalSet.range(0, 65535);
const TCP_UDP = IntervalSet.fromRanges([[6, 6], [17, 17]]);

function protoSet(p: 'Tcp' | 'Udp' | 'All'): IntervalSet {
  return p === 'All' ? TCP_UDP : IntervalSet.point(p === 'Tcp' ? 6 : 17);
}

function select(space: PacketSpace, protocols: IntervalSet, dstPorts: IntervalSet): PacketSpace {
  return space.intersectBox({ protocols, src: ALL_IPS, srcPorts: ALL_PORTS, dst: ALL_IPS, dstPorts });
}

/**
 * Rule 14.5: a Standard public IP (or Standard load balancer) is closed to inbound traffic unless
 * an NSG on the path allows it; with no NSG at all the traffic stops.
 */
function standardClosed(ctx: WalkContext, st: WalkState, e: Endpoint, sku: string | undefined): Outcome | undefined {
  if ((sku ?? 'Standard').toLowerCase() !== 'standard') {
    ctx.caveats.add({ code: 'pip.basic', message: 'A Basic SKU public IP is open by default and was retired on 2025-09-30 (rule 14.5).' });
    return undefined;
  }
  const point = filterPointOfEndpoint(ctx.dp, e);
  if (point.subnetNsgId || point.nicNsgId) return undefined;
  withStep(st, { kind: 'note', detail: 'a Standard SKU frontend is closed to inbound traffic unless an NSG allows it, and no NSG applies here' });
  return end(st, 'DENIED_IN', { stage: 'nsg-inbound', detail: 'Standard SKU public IPs and load balancers are secure by default: no NSG allows the traffic (rule 14.5)', fix: 'associate an NSG that allows the traffic' });
}

/** Rule 7.6: with a 0.0.0.0/0 route to anything but Internet, replies miss the public path. */
function asymmetric(ctx: WalkContext, st: WalkState, e: Endpoint): Outcome | undefined {
  const table = ctx.dp.routesForSubnet(e.subnetId);
  const def = table?.routes.find((r) => r.state === 'Active' && r.addressPrefix.includes('0.0.0.0/0'));
  if (!def || def.nextHopType === 'Internet') return undefined;
  withStep(st, { kind: 'note', detail: `replies follow 0.0.0.0/0 to ${def.nextHopType}${def.nextHopIpAddress[0] ? ' ' + def.nextHopIpAddress[0] : ''}, not back through the public IP` });
  return end(st, 'NO_ROUTE', {
    stage: 'route',
    nextHopType: def.nextHopType,
    route: def.name ?? '0.0.0.0/0',
    detail: 'a 0.0.0.0/0 route to an appliance or gateway makes resources in the subnet unreachable directly from the internet (asymmetric return, rule 7.6)',
    fix: 'publish the workload through the firewall (DNAT) or remove the default route',
  });
}

function nicIpConfigOf(dp: DataPlane, e: Endpoint) {
  if (e.kind !== 'nic') return undefined;
  return dp.snapshot.networkInterfaces.get(e.nicId)?.ipConfigurations.find((c) => c.id === e.ipConfigurationId);
}

/** The frontend port range of a pool-based (V2) inbound NAT rule, when the rule is one. */
function poolNatRange(r: InboundNatRule): [number, number] | undefined {
  if (r.frontendPortRangeStart === undefined || r.frontendPortRangeEnd === undefined || !r.backendPoolId) return undefined;
  return r.frontendPortRangeEnd >= r.frontendPortRangeStart ? [r.frontendPortRangeStart, r.frontendPortRangeEnd] : undefined;
}

/** The packets of `sent` whose translation (destination and port rewritten) is in `arrived`. */
function untranslate(sent: PacketSpace, arrived: PacketSpace): PacketSpace {
  const boxes = arrived.boxes.flatMap((a) => sent.intersectBox({ protocols: a.protocols, src: a.src, srcPorts: a.srcPorts, dst: ALL_IPS, dstPorts: ALL_PORTS }).boxes);
  return new PacketSpace(boxes);
}

export interface EntryDescription {
  via: 'publicIp' | 'loadBalancerRule' | 'inboundNatRule' | 'applicationGateway' | 'firewallDnat';
  resource: ResourceId;
  name: string;
  publicIp?: string;
  frontendPort?: number;
  /** Pool-based inbound NAT rules: the frontend port range (`50000-50009`). */
  frontendPortRange?: string;
  backendPort?: number;
  protocol?: string;
}

/** Every way in from the internet towards `e`, each followed to its end. */
export function enterFromInternet(ctx: WalkContext, st: WalkState, e: Endpoint): { outcomes: Outcome[]; entries: EntryDescription[] } {
  const { dp } = ctx;
  const s = dp.snapshot;
  const outcomes: Outcome[] = [];
  const entries: EntryDescription[] = [];
  const ipc = nicIpConfigOf(dp, e);

  // 1. An instance public IP (rule 1.8: NSGs see the private address).
  const pip = ipc?.publicIpId ? s.publicIpAddresses.get(ipc.publicIpId) : undefined;
  if (pip?.ipAddress) {
    entries.push({ via: 'publicIp', resource: pip.displayId, name: pip.name, publicIp: pip.ipAddress });
    const b = branch(st, st.space);
    // The hop is the public IP resource itself; the NIC behind it is the next hop (deliver).
    b.hops.push(hop(pip.ipAddress, pip.displayId, pip.name, 'publicIp'));
    withStep(b, { kind: 'entry', via: 'publicIp', resource: pip.displayId, detail: `public IP ${pip.ipAddress} of ${endpointHop(dp, e).name}` });
    withStep(b, { kind: 'nat', type: 'DNAT', from: pip.ipAddress, to: e.ipText, by: pip.name });
    const closed = standardClosed(ctx, b, e, pip.sku) ?? asymmetric(ctx, b, e);
    if (closed) outcomes.push(closed);
    else outcomes.push(...deliver(ctx, { ...b, space: rewrite(b.space, { dst: IntervalSet.point(e.ip) }), dstIp: e.ip, label: { entry: pip.name } }, e));
  }

  // 2. Public load balancers: load-balancing rules and inbound NAT rules.
  if (ipc) {
    // Only the load balancers that name the IP configuration somewhere (pool-lookup.ts), in snapshot order.
    for (const lb of loadBalancersFor(dp, ipc)) {
      const publicFrontends = new Map(lb.frontends.filter((f) => f.publicIpId).map((f) => [f.id, s.publicIpAddresses.get(f.publicIpId!)]));
      const paths: { name: string; via: 'loadBalancerRule' | 'inboundNatRule'; frontendId?: ResourceId; protocol: 'Tcp' | 'Udp' | 'All'; fp: number; bp: number; range?: [number, number] }[] = [];
      for (const r of lb.loadBalancingRules) {
        if (r.backendPoolIds.some((p) => ipc.loadBalancerBackendPoolIds.includes(p))) paths.push({ name: r.name, via: 'loadBalancerRule', frontendId: r.frontendIpConfigurationId, protocol: r.protocol, fp: r.frontendPort, bp: r.backendPort });
      }
      for (const r of lb.inboundNatRules) {
        const range = poolNatRange(r);
        if (range && r.backendPoolId) {
          // Inbound NAT rule V2 (https://learn.microsoft.com/azure/load-balancer/inbound-nat-rules):
          // "individual inbound NAT rule port mappings will be created for each backend address"
          // of the pool, one port of the range each.
          if (ipc.loadBalancerBackendPoolIds.includes(r.backendPoolId) || ipc.loadBalancerInboundNatRuleIds.includes(r.id)) paths.push({ name: r.name, via: 'inboundNatRule', frontendId: r.frontendIpConfigurationId, protocol: r.protocol, fp: range[0], bp: r.backendPort, range });
          continue;
        }
        if (r.backendIpConfigurationId === ipc.id || ipc.loadBalancerInboundNatRuleIds.includes(r.id)) paths.push({ name: r.name, via: 'inboundNatRule', frontendId: r.frontendIpConfigurationId, protocol: r.protocol, fp: r.frontendPort, bp: r.backendPort });
      }
      for (const p of paths) {
        const fpip = p.frontendId ? publicFrontends.get(p.frontendId) : undefined;
        if (!fpip?.ipAddress) continue;
        entries.push({ via: p.via, resource: lb.displayId, name: `${lb.name}/${p.name}`, publicIp: fpip.ipAddress, frontendPort: p.fp, ...(p.range ? { frontendPortRange: `${p.range[0]}-${p.range[1]}` } : {}), backendPort: p.bp, protocol: p.protocol });
        const haPorts = !p.range && p.fp === 0 && p.protocol === 'All';
        const matched = select(st.space, protoSet(p.protocol), haPorts ? ALL_PORTS : p.range ? IntervalSet.range(p.range[0], p.range[1]) : IntervalSet.point(p.fp));
        if (matched.isEmpty()) continue;
        const b = branch(st, matched);
        b.hops.push(hop(fpip.ipAddress, lb.displayId, lb.name, 'loadBalancer'));
        // With a range, the port the client used (one port in a trace) is what the steps show.
        const usedPorts = matched.project('dstPorts');
        const fpShown = p.range ? (usedPorts.size() === 1 ? usedPorts.min()! : p.fp) : p.fp;
        const fpText = p.range && usedPorts.size() !== 1 ? `${p.range[0]}-${p.range[1]}` : `${fpShown}`;
        withStep(b, { kind: 'entry', via: p.via, resource: lb.displayId, frontendPort: fpShown, backendPort: p.bp, detail: `${p.via === 'loadBalancerRule' ? 'load-balancing rule' : p.range ? `pool-based inbound NAT rule (frontend ports ${p.range[0]}-${p.range[1]})` : 'inbound NAT rule'} ${p.name}` });
        withStep(b, { kind: 'nat', type: haPorts || (!p.range && p.fp === p.bp) ? 'DNAT' : 'PAT', from: `${fpip.ipAddress}:${fpText}`, to: `${e.ipText}:${p.bp}`, by: `${lb.name}/${p.name}` });
        if (p.range) {
          ctx.caveats.add({ code: 'lb.nat-pool-mapping', message: `Pool-based inbound NAT rule ${lb.name}/${p.name}: Azure maps one port of ${p.range[0]}-${p.range[1]} to each backend instance, and the snapshot does not record which; every port of the range is taken to reach each member on port ${p.bp}.` });
        }
        const label = { frontendPort: haPorts || p.range ? undefined : p.fp, entry: `${lb.name}/${p.name}` };
        const closed = standardClosed(ctx, b, e, lb.sku) ?? asymmetric(ctx, b, e);
        if (closed) {
          outcomes.push({ ...closed, label });
          continue;
        }
        const translated = rewrite(matched, haPorts ? { dst: IntervalSet.point(e.ip) } : { dst: IntervalSet.point(e.ip), dstPorts: IntervalSet.point(p.bp) });
        const walked = deliver(ctx, { ...b, space: translated, dstIp: e.ip, label }, e);
        // A range has no single frontend port to label with: report what the client can send
        // instead, the frontend ports of the packets that got through (the translation only
        // changed the destination; the walk narrowed protocols, sources and source ports).
        outcomes.push(...(p.range ? walked.map((o) => (o.disposition === 'ACCEPTED' ? { ...o, space: untranslate(matched, o.space) } : o)) : walked));
      }
    }
  }

  // 3. Application Gateways whose backend pools hold the endpoint.
  for (const agw of applicationGatewaysFor(dp, ipc, e.ipText)) {
    const pools = agw.backendPools.filter((p) => (ipc && p.ipConfigurationIds.includes(ipc.id)) || p.addresses.some((a) => a.ipAddress === e.ipText));
    if (pools.length === 0) continue;
    for (const rule of agw.requestRoutingRules) {
      if (!rule.backendPoolId || !pools.some((p) => p.id === rule.backendPoolId)) continue;
      const listener = agw.listeners.find((l) => l.id === rule.listenerId);
      const fe = agw.frontends.find((f) => f.id === listener?.frontendIpConfigurationId);
      const port = agw.frontendPorts.find((p) => p.id === listener?.frontendPortId)?.port;
      const feIp = fe?.publicIpId ? s.publicIpAddresses.get(fe.publicIpId)?.ipAddress : undefined;
      const settings = agw.backendHttpSettings.find((h) => h.id === rule.backendHttpSettingsId);
      if (!feIp || port === undefined || !settings) continue;
      entries.push({ via: 'applicationGateway', resource: agw.displayId, name: `${agw.name}/${rule.name}`, publicIp: feIp, frontendPort: port, backendPort: settings.port, protocol: 'Tcp' });
      outcomes.push(...throughApplicationGateway(ctx, st, e, agw.id, feIp, port, settings.port, rule.name));
    }
  }

  // 4. Azure Firewall DNAT rules that translate to the endpoint (rule 12.6).
  for (const fw of s.azureFirewalls.values()) {
    const pipIds = fw.ipConfigurations.map((c) => c.publicIpId).filter((x): x is string => !!x);
    const pips = pipIds.map((id) => s.publicIpAddresses.get(id)).filter((p) => p?.ipAddress);
    const fwIpc = fw.ipConfigurations.find((c) => c.privateIp && c.subnetId);
    if (!fwIpc || pips.length === 0) continue;
    const fwPrivate = parseIPv4(fwIpc.privateIp!)!;
    let rest = st.space;
    for (const { rule, oc } of firewallNatRules(dp, fw)) {
      // The rule matches packets to one of the firewall's public IPs.
      const pipSet = IntervalSet.fromRanges(pips.map((p) => parseIPv4(p!.ipAddress!)!).map((x) => [x, x] as [number, number]));
      const box = { ...rule.box, dst: rule.box.dst.intersect(pipSet) };
      if (box.dst.isEmpty()) continue;
      // The client addresses the public IP: look at the query with its destination moved there.
      const atPip = rewrite(rest, { dst: box.dst });
      const hit = atPip.intersectBox(box);
      if (hit.isEmpty()) continue;
      rest = rest.subtract(rewrite(hit, { dst: IntervalSet.point(st.dstIp) }));
      if (rule.translatedIp !== e.ip) continue;
      const publicIp = formatIPv4(box.dst.min()!);
      const fp = box.dstPorts.rangeCount === 1 && box.dstPorts.size() === 1 ? box.dstPorts.min() : undefined;
      entries.push({ via: 'firewallDnat', resource: fw.displayId, name: `${fw.name}/${rule.rule.name}`, publicIp, frontendPort: fp, backendPort: rule.translatedPort, protocol: rule.rule.protocols.join(',') });
      const b = branch(st, hit);
      b.hops.push(hop(publicIp, fw.displayId, fw.name, 'firewall'));
      withStep(b, { kind: 'entry', via: 'firewallDnat', resource: fw.displayId, frontendPort: fp, backendPort: rule.translatedPort, detail: `DNAT rule ${rule.rule.name}` });
      withStep(b, { kind: 'firewall', firewall: fw.displayId, action: 'Allow', ruleType: 'DNAT', rule: rule.rule.name, ruleCollection: oc.collection.name, ruleCollectionGroup: oc.groupName });
      // DNAT traffic is also SNATed to the firewall, so the NSGs behind it see the firewall's address.
      withStep(b, { kind: 'nat', type: 'DNAT', from: `${publicIp}:${fp ?? '*'}`, to: `${e.ipText}:${rule.translatedPort ?? '*'}`, by: `${fw.name}/${rule.rule.name}` });
      withStep(b, { kind: 'nat', type: 'SNAT', from: 'client', to: fwIpc.privateIp!, by: fw.name });
      ctx.caveats.add({ code: 'firewall.dnat-snat', message: 'Azure Firewall SNATs DNAT traffic: the destination sees a firewall instance address (shown as the firewall private IP).' });
      const translated = rewrite(hit, { src: IntervalSet.point(fwPrivate), dst: IntervalSet.point(e.ip), ...(rule.translatedPort !== undefined ? { dstPorts: IntervalSet.point(rule.translatedPort) } : {}) });
      const fwSubnet = s.subnets.get(fwIpc.subnetId!);
      if (!fwSubnet) continue;
      const walked = routeFrom(ctx, { ...b, space: translated, dstIp: e.ip, label: { frontendPort: fp, entry: `${fw.name}/${rule.rule.name}` } }, { subnetId: fwSubnet.id, vnetId: fwSubnet.vnetId, firewallId: fw.id });
      // Report the packets as the client sent them (source and port before translation).
      for (const o of walked) outcomes.push(o.disposition === 'ACCEPTED' ? { ...o, space: hit } : o);
    }
  }
  return { outcomes, entries };
}

function throughApplicationGateway(ctx: WalkContext, st: WalkState, e: Endpoint, agwId: ResourceId, feIp: string, listenerPort: number, backendPort: number, ruleName: string): Outcome[] {
  const { dp } = ctx;
  const agw = dp.snapshot.applicationGateways.get(agwId)!;
  const subnet = agw.subnetId ? dp.snapshot.subnets.get(agw.subnetId) : undefined;
  if (!subnet) return [];
  const leg1Space = select(st.space, IntervalSet.point(6), IntervalSet.point(listenerPort));
  if (leg1Space.isEmpty()) return [];
  const b = branch(st, leg1Space);
  // The NSG on the gateway subnet sees the client connect to a gateway instance; instance
  // addresses are not exported, so the subnet's first usable address stands in for them.
  const p = parseCidr(subnet.addressPrefixes[0] ?? '');
  const instance = p.ok ? p.cidr.start + 4 : 0;
  b.hops.push(hop(feIp, agw.displayId, agw.name, 'applicationGateway'));
  withStep(b, { kind: 'entry', via: 'applicationGateway', resource: agw.displayId, frontendPort: listenerPort, backendPort, detail: `listener on ${listenerPort}, rule ${ruleName}` });
  ctx.caveats.add({ code: 'appgw.instance', message: 'Application Gateway instance addresses are not in the export: the first usable address of its subnet stands in for them.' });
  const point = { subnetId: subnet.id, subnetNsgId: subnet.nsgId };
  const leg1 = applyNsg(ctx, { ...b, space: rewrite(leg1Space, { dst: IntervalSet.point(instance) }) }, point, 'Inbound');
  if (isOutcome(leg1)) return [{ ...leg1, label: { frontendPort: listenerPort, entry: `${agw.name}/${ruleName}` } }];
  // A new connection from the gateway to the backend (issue 3: "a new connection from its subnet").
  withStep(leg1, { kind: 'nat', type: 'PAT', from: `${feIp}:${listenerPort}`, to: `${e.ipText}:${backendPort}`, by: `${agw.name} (new connection from ${formatIPv4(instance)})` });
  const leg2Space = PacketSpace.of({ protocols: IntervalSet.point(6), src: IntervalSet.point(instance), srcPorts: ALL_PORTS, dst: IntervalSet.point(e.ip), dstPorts: IntervalSet.point(backendPort) });
  const leg2Start: WalkState = { ...leg1, space: leg2Space, dstIp: e.ip, label: { frontendPort: listenerPort, entry: `${agw.name}/${ruleName}` } };
  const out = applyNsg(ctx, leg2Start, point, 'Outbound');
  if (isOutcome(out)) return [out];
  const walked = routeFrom(ctx, out, { subnetId: subnet.id, vnetId: subnet.vnetId });
  // Report what the client can send: leg 1's packets, when the backend connection gets through.
  return walked.map((o) => (o.disposition === 'ACCEPTED' ? { ...o, space: leg1Space } : o));
}

/**
 * Gateway sources per topology (walks from on-premises ask for them on every walk). They depend on
 * the topology's learned prefixes and the gateways' VNets only: a data plane that shares both (a
 * what-if snapshot after a rule change) shares the cache.
 */
const gatewaySourceCache = new WeakMap<Topology, { gateways: DataPlane['snapshot']['virtualNetworkGateways']; byId: Map<ResourceId, IntervalSet> }>();

const gatewayListCache = new WeakMap<Topology, { info: VnetInfo; gwId: ResourceId }[]>();

/** Every VNet gateway with its VNet, in topology order (a walk from on-premises tries each). */
function gatewaysOf(topology: Topology): { info: VnetInfo; gwId: ResourceId }[] {
  let list = gatewayListCache.get(topology);
  if (!list) {
    list = [];
    for (const info of topology.vnets.values()) for (const gwId of info.gatewayIds) list.push({ info, gwId });
    gatewayListCache.set(topology, list);
  }
  return list;
}

/** The on-premises prefixes a gateway's own connections cover (local network gateways, rule 9.1). */
export function gatewaySources(dp: DataPlane, gatewayId: ResourceId): IntervalSet {
  let c = gatewaySourceCache.get(dp.topology);
  if (!c || c.gateways !== dp.snapshot.virtualNetworkGateways) gatewaySourceCache.set(dp.topology, (c = { gateways: dp.snapshot.virtualNetworkGateways, byId: new Map() }));
  let set = c.byId.get(gatewayId);
  if (!set) c.byId.set(gatewayId, (set = computeGatewaySources(dp, gatewayId)));
  return set;
}

function computeGatewaySources(dp: DataPlane, gatewayId: ResourceId): IntervalSet {
  const vnetId = dp.snapshot.virtualNetworkGateways.get(gatewayId)?.vnetId;
  const info = vnetId ? dp.topology.vnets.get(vnetId) : undefined;
  let set = IntervalSet.EMPTY;
  for (const l of info?.learned ?? []) {
    // VNet-to-VNet prefixes are VNets of the input, not on-premises: their traffic starts at their
    // own NICs and crosses the connection in the walk (overVnetToVnet).
    if (l.viaTransit || l.gatewayId !== gatewayId || l.remoteGatewayId !== undefined) continue;
    const p = parseCidr(l.prefix);
    if (p.ok) set = set.union(IntervalSet.range(p.cidr.start, p.cidr.end));
  }
  return set;
}

/**
 * From on-premises through a virtual network gateway (rule 9.1, 8.7). Every gateway whose
 * connections cover (part of) the source is an entry: an estate may have several hubs, each with
 * its own VPN/ExpressRoute gateways and local network gateways, and the same on-premises prefix may
 * be connected to more than one; each gateway gives its own outcome. `gatewayId` restricts the
 * entry to the gateway the question names.
 */
export function enterFromOnPremises(ctx: WalkContext, st: WalkState, dstVnetId: ResourceId, gatewayId?: ResourceId): Outcome[] {
  const { dp } = ctx;
  const outcomes: Outcome[] = [];
  const dstInfo = dp.topology.vnets.get(dstVnetId);
  for (const { info, gwId } of gatewaysOf(dp.topology)) {
    if (gatewayId !== undefined && gwId !== gatewayId) continue;
    const srcSet = gatewaySources(dp, gwId);
    const inside = st.space.intersectBox({ protocols: IntervalSet.range(0, 255), src: srcSet, srcPorts: ALL_PORTS, dst: ALL_IPS, dstPorts: ALL_PORTS });
    if (inside.isEmpty()) continue;
    const gw = dp.snapshot.virtualNetworkGateways.get(gwId)!;
    const b = gatewayEntry(st, inside, gw, 'from on-premises through the VPN/ExpressRoute gateway');
    // On-premises learns the hub and the spokes that use the hub's gateway (gateway transit).
    const advertised = dstVnetId === info.id || dstInfo?.transitPeering?.remoteVnetId === info.id;
    if (!advertised) {
      outcomes.push(end(b, 'NO_ROUTE', { stage: 'route', resource: gw.displayId, detail: `on-premises does not learn ${nameFromId(dstVnetId)} through ${gw.name}: it is neither the gateway's VNet nor a spoke using it through gateway transit`, fix: 'enable allowGatewayTransit/useRemoteGateways on the hub-spoke peering' }));
      continue;
    }
    outcomes.push(...routeFromGatewaySubnet(ctx, b, gw));
  }
  if (outcomes.length > 0) return outcomes;
  // ExpressRoute and BGP-learned prefixes are not in exports: a source they would cover is unseen.
  for (const info of dp.topology.vnets.values()) {
    if (info.gatewayIds.length === 0) continue;
    for (const c of info.caveats) if (c.code === CAVEATS.expressRoutePrefixes.code || c.code === CAVEATS.bgpLearned.code) ctx.caveats.add(c);
  }
  return [end(st, 'NO_ENTRY_POINT', { stage: 'no-entry-point', detail: 'the source is not behind any gateway connection (local network gateway prefixes)', fix: 'add the on-premises prefix to the local network gateway' })];
}
