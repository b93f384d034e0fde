// The Network Watcher questions, in Network Watcher's own shapes (rule book 13, CONTRACT.md):
// effective routes, effective security rules, IP flow verify and next hop.

import type { Direction, ResourceId, SecurityRule } from '../model/types.ts';
import type { DataPlane } from '../dataplane/compile.ts';
import type { EffectiveRoute } from '../dataplane/effective-routes.ts';
import { isUncertainReserved } from '../dataplane/effective-routes.ts';
import type { Endpoint } from '../dataplane/address-index.ts';
import { CAVEATS, CaveatSet, type Caveat } from '../dataplane/caveats.ts';
import { securityAdminCaveat } from '../dataplane/topology.ts';
import { evaluateEndpointFilter, filterPointFor, type NsgStep } from '../policy/evaluate-endpoint.ts';
import { setToCidrStrings } from '../sets/cidr.ts';
import { formatIPv4 } from '../sets/ipv4.ts';
import { parsePortRanges } from '../sets/ports.ts';
import { isPlatformAddress, VERIFY_PLATFORM_CAVEAT } from '../trace/platform.ts';

// ---- effective routes (13.3) -------------------------------------------------------------------

export interface EffectiveRouteView {
  source: EffectiveRoute['source'];
  state: EffectiveRoute['state'];
  addressPrefix: string[];
  nextHopType: EffectiveRoute['nextHopType'];
  nextHopIpAddress: string[];
  name?: string;
  disableBgpRoutePropagation?: boolean;
}

export function computeEffectiveRoutesView(dp: DataPlane, subnetId: ResourceId): { value: EffectiveRouteView[]; caveats: Caveat[] } {
  const table = dp.routesForSubnet(subnetId);
  if (!table) return { value: [], caveats: [] };
  const rt = dp.snapshot.subnets.get(subnetId)?.routeTableId;
  const disable = rt ? dp.snapshot.routeTables.get(rt)?.disableBgpRoutePropagation ?? false : false;
  const caveats = new CaveatSet();
  caveats.addAll(table.caveats);
  const value = table.routes.map((r) => {
    if (isUncertainReserved(r)) caveats.add(CAVEATS.reserved172);
    const v: EffectiveRouteView = {
      source: r.source,
      state: r.state,
      addressPrefix: r.addressPrefix,
      nextHopType: r.nextHopType,
      nextHopIpAddress: r.nextHopIpAddress,
      disableBgpRoutePropagation: disable,
    };
    if (r.name) v.name = r.name;
    return v;
  });
  return { value, caveats: caveats.list() };
}

// ---- effective security rules (13.4) -----------------------------------------------------------

export interface EffectiveSecurityRuleView {
  name: string;
  protocol: string;
  sourcePortRange?: string;
  sourcePortRanges?: string[];
  destinationPortRange?: string;
  destinationPortRanges?: string[];
  sourceAddressPrefix?: string;
  sourceAddressPrefixes?: string[];
  destinationAddressPrefix?: string;
  destinationAddressPrefixes?: string[];
  expandedSourceAddressPrefix?: string[];
  expandedDestinationAddressPrefix?: string[];
  access: 'Allow' | 'Deny';
  priority: number;
  direction: Direction;
}

export interface EffectiveNsgView {
  networkSecurityGroup: { id: string };
  association: { subnet?: { id: string }; networkInterface?: { id: string } };
  effectiveSecurityRules: EffectiveSecurityRuleView[];
}

const EFFECTIVE_PROTOCOL: Record<SecurityRule['protocol'], string> = { Tcp: 'Tcp', Udp: 'Udp', Icmp: 'Icmp', Esp: 'Esp', Ah: 'Ah', '*': 'All' };

function effectivePorts(list: string[]): string[] {
  const p = parsePortRanges(list.length ? list : ['*']);
  if (!p.ok) return list;
  // Rule 1.5: effective rules render `*` as 0-65535 and single ports as 3389-3389.
  return p.set.ranges().map(([lo, hi]) => `${lo}-${hi}`);
}

function effectiveAddresses(dp: DataPlane, subnetId: ResourceId, words: string[], asgIds: ResourceId[]): { shown: string[]; expanded?: string[] } {
  const shown: string[] = [];
  let expanded: string[] | undefined;
  for (const w of words) {
    const r = dp.tags.resolve(w);
    if (w === '*' || w.toLowerCase() === 'any') shown.push('0.0.0.0/0');
    else shown.push(w);
    if (r.kind === 'virtualNetwork') expanded = [...(expanded ?? []), ...setToCidrStrings(dp.virtualNetworkTag(subnetId).set)];
    else if (r.kind === 'set' && !/^[0-9./*]+$/.test(w) && w.toLowerCase() !== 'any') expanded = [...(expanded ?? []), ...setToCidrStrings(r.set)];
  }
  for (const id of asgIds) {
    shown.push(dp.snapshot.applicationSecurityGroups.get(id)?.name ?? id);
    const members = dp.asgMembers.get(id);
    expanded = [...(expanded ?? []), ...(members ? setToCidrStrings(members) : [])];
  }
  return { shown, expanded };
}

function ruleView(dp: DataPlane, subnetId: ResourceId, r: SecurityRule): EffectiveSecurityRuleView {
  const v: EffectiveSecurityRuleView = {
    name: `${r.collection}/${r.name}`,
    protocol: EFFECTIVE_PROTOCOL[r.protocol],
    access: r.access,
    priority: r.priority,
    direction: r.direction,
  };
  const sp = effectivePorts(r.sourcePortRanges);
  const dpr = effectivePorts(r.destinationPortRanges);
  if (sp.length === 1) v.sourcePortRange = sp[0];
  else v.sourcePortRanges = sp;
  if (dpr.length === 1) v.destinationPortRange = dpr[0];
  else v.destinationPortRanges = dpr;
  const src = effectiveAddresses(dp, subnetId, r.sourceAddressPrefixes, r.sourceAsgIds);
  const dst = effectiveAddresses(dp, subnetId, r.destinationAddressPrefixes, r.destinationAsgIds);
  if (src.shown.length === 1) v.sourceAddressPrefix = src.shown[0];
  else v.sourceAddressPrefixes = src.shown;
  if (dst.shown.length === 1) v.destinationAddressPrefix = dst.shown[0];
  else v.destinationAddressPrefixes = dst.shown;
  if (src.expanded) v.expandedSourceAddressPrefix = src.expanded;
  if (dst.expanded) v.expandedDestinationAddressPrefix = dst.expanded;
  return v;
}

export function computeEffectiveSecurityRulesView(dp: DataPlane, endpoint: Endpoint): { value: EffectiveNsgView[]; caveats: Caveat[] } {
  const nicId = endpoint.kind === 'nic' ? endpoint.nicId : endpoint.kind === 'privateEndpoint' ? endpoint.nicId : undefined;
  const point = filterPointFor(dp, endpoint.subnetId, nicId, endpoint.kind === 'privateEndpoint');
  const caveats = new CaveatSet();
  // Rule 3.13: Azure lists AVNM security admin rules among the effective rules (rule 3.11); not modelled.
  const admin = securityAdminCaveat(dp.snapshot, dp.topology, endpoint.subnetId);
  if (admin) caveats.add(admin);
  const value: EffectiveNsgView[] = [];
  if (endpoint.kind === 'privateEndpoint' && !point.subnetNsgId && dp.snapshot.subnets.get(endpoint.subnetId)?.nsgId) {
    caveats.add({ code: 'nsg.private-endpoint-policies', message: "The subnet's NSG does not apply to this private endpoint: its subnet's privateEndpointNetworkPolicies is not Enabled/NetworkSecurityGroupEnabled (rules 3.14, 11.4)." });
  }
  // One entry per associated NSG, NIC first as Network Watcher lists them (rule 3.13).
  const entries: { nsgId?: ResourceId; association: EffectiveNsgView['association'] }[] = [
    { nsgId: point.nicNsgId, association: { networkInterface: { id: dp.snapshot.networkInterfaces.get(nicId ?? '')?.displayId ?? nicId ?? '' } } },
    { nsgId: point.subnetNsgId, association: { subnet: { id: dp.snapshot.subnets.get(endpoint.subnetId)?.displayId ?? endpoint.subnetId } } },
  ];
  for (const e of entries) {
    if (!e.nsgId) continue;
    const nsg = dp.snapshot.networkSecurityGroups.get(e.nsgId);
    if (!nsg) continue;
    // The rules the NSG lists, as listed (the importer completes the six defaults, rule 2.1): what-if
    // (views-delta.ts) shows only the changed rules through NSGs that list just those.
    const rules = [...nsg.securityRules, ...nsg.defaultSecurityRules].sort((a, b) => (a.direction === b.direction ? a.priority - b.priority : a.direction === 'Inbound' ? -1 : 1));
    for (const r of rules) {
      const words = [...r.sourceAddressPrefixes, ...r.destinationAddressPrefixes].map((w) => w.toLowerCase());
      if (words.includes('internet')) caveats.add(CAVEATS.internetTag);
      if (words.includes('virtualnetwork') && !dp.virtualNetworkTag(endpoint.subnetId).fromUserRoutes.isEmpty()) caveats.add(CAVEATS.vnetTagUdr);
      if (words.some((w) => dp.tags.resolve(w).kind === 'unknownTag')) caveats.add(CAVEATS.serviceTagsMissing);
    }
    value.push({ networkSecurityGroup: { id: nsg.displayId }, association: e.association, effectiveSecurityRules: rules.map((r) => ruleView(dp, endpoint.subnetId, r)) });
  }
  return { value, caveats: caveats.list() };
}

// ---- IP flow verify (13.1) ---------------------------------------------------------------------

export interface VerifyRequest {
  direction: Direction;
  protocol: number;
  localIp: number;
  localPort: number;
  remoteIp: number;
  remotePort: number;
}

export interface VerifyResult {
  access: 'Allow' | 'Deny';
  ruleName?: string;
  nsg?: string;
  /** Every NSG evaluated, in order (subnet then NIC inbound, NIC then subnet outbound). */
  evaluated: { nsg: string; side: NsgStep['side']; ruleName: string; access: 'Allow' | 'Deny' }[];
  caveats: Caveat[];
}

export function verifyIpFlow(dp: DataPlane, endpoint: Endpoint, req: VerifyRequest): VerifyResult {
  const nicId = endpoint.kind === 'nic' ? endpoint.nicId : endpoint.kind === 'privateEndpoint' ? endpoint.nicId : undefined;
  const point = filterPointFor(dp, endpoint.subnetId, nicId, endpoint.kind === 'privateEndpoint');
  const flow =
    req.direction === 'Inbound'
      ? { protocol: req.protocol, src: req.remoteIp, srcPort: req.remotePort, dst: req.localIp, dstPort: req.localPort }
      : { protocol: req.protocol, src: req.localIp, srcPort: req.localPort, dst: req.remoteIp, dstPort: req.remotePort };
  const r = evaluateEndpointFilter(dp, point, req.direction, flow);
  const caveats = new CaveatSet();
  // Rule 13.1 with 3.11: IP flow verify in Azure evaluates AVNM security admin rules too; not modelled.
  const admin = securityAdminCaveat(dp.snapshot, dp.topology, endpoint.subnetId);
  if (admin) caveats.add(admin);
  const evaluated = r.steps.map((s) => {
    const rule = s.decision.rule.rule;
    if (s.decision.approximate) {
      if (s.decision.rule.src.unknownTags.length || s.decision.rule.dst.unknownTags.length) caveats.add(CAVEATS.serviceTagsMissing);
      if (s.decision.rule.src.internet || s.decision.rule.dst.internet) caveats.add(CAVEATS.internetTag);
    }
    if ((s.decision.rule.src.virtualNetwork || s.decision.rule.dst.virtualNetwork) && !dp.virtualNetworkTag(endpoint.subnetId).fromUserRoutes.isEmpty()) caveats.add(CAVEATS.vnetTagUdr);
    return { nsg: dp.snapshot.networkSecurityGroups.get(s.nsgId)?.displayId ?? s.nsgId, side: s.side, ruleName: `${rule.collection}/${rule.name}`, access: s.decision.access };
  });
  // Rule 3.12: Network Watcher judges the configured rules; the platform exempts its own services.
  if (req.direction === 'Outbound' && isPlatformAddress(req.remoteIp)) caveats.add(VERIFY_PLATFORM_CAVEAT);
  const last = evaluated[evaluated.length - 1];
  // 13.1: ruleName is "not displayed" when no security rule matched (no NSG at either level).
  return { access: r.access, ruleName: last?.ruleName, nsg: last?.nsg, evaluated, caveats: caveats.list() };
}

// ---- next hop (13.2) ---------------------------------------------------------------------------

export interface NextHopResult {
  nextHopType: string;
  nextHopIpAddress: string | null;
  /** The route table id for a user route, else the string `System Route` (13.2). */
  routeTableId: string;
  /** The route that decided, for explanations. */
  route?: { source: string; addressPrefix: string; name?: string; reason: string };
  caveats: Caveat[];
}

export function computeNextHop(dp: DataPlane, subnetId: ResourceId, dst: number): NextHopResult {
  const table = dp.routesForSubnet(subnetId);
  const m = table?.lookup(dst);
  if (!m) return { nextHopType: 'None', nextHopIpAddress: null, routeTableId: 'System Route', caveats: [] };
  const caveats = new CaveatSet();
  if (isUncertainReserved(m.route)) caveats.add(CAVEATS.reserved172);
  // Service-endpoint routes whose prefixes are unknown (no service tags) cannot be matched by
  // address: the answer for Azure service addresses may be wrong, so say so (rule 10.1).
  if (table!.routes.some((r) => r.nextHopType === 'VirtualNetworkServiceEndpoint' && r.addressPrefix.some((p) => !/^[0-9.]+\/\d+$/.test(p)))) caveats.add(CAVEATS.serviceEndpointPrefixes);
  if (m.route.origin.kind === 'reserved' || m.route.nextHopType === 'Internet') caveats.addAll(table!.caveats.filter((c) => c.code === CAVEATS.forcedTunnelReserved.code));
  const prefix = `${formatIPv4(m.entry.cidr.start)}/${m.entry.cidr.prefixLength}`;
  const rtId = m.route.source === 'User' && m.route.routeTableId ? dp.snapshot.routeTables.get(m.route.routeTableId)?.displayId ?? m.route.routeTableId : 'System Route';
  return {
    nextHopType: m.route.nextHopType,
    nextHopIpAddress: m.route.nextHopIpAddress[0] ?? null,
    routeTableId: rtId,
    route: { source: m.route.source, addressPrefix: prefix, name: m.route.name, reason: m.reason },
    caveats: caveats.list(),
  };
}
