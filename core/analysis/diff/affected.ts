// Which (source, destination) pairs a change can affect. A pair's answer is a function of the
// elements its walk consults (trace/walk.ts): the source's outbound NSGs, the route tables it routes
// out of, peerings it crosses, appliances and firewalls and their filters, entry points, egress,
// the destination's inbound NSGs and the PaaS firewall. A pair none of whose consulted elements
// changed keeps its answer. For each kind of change this file names, from the change alone, a set
// of pairs that contains every pair that can consult the changed element in a way that matters:
//
// - Filters (NSG rules, associations, ASG members, the VirtualNetwork tag): the permits of each
//   affected filter point are computed before and after; where they differ (the symmetric
//   difference, a packet set) only packets in it can be treated differently. A packet keeps its
//   source address up to the point, except behind Azure Firewall DNAT/application rules and
//   Application Gateway (their addresses make every source a candidate), so the candidates are the
//   sources whose address is in the difference's source projection, and the destinations whose
//   address is in its destination projection; at an endpoint (not an appliance) only the pairs
//   that start or end there. Inbound at an endpoint, a source outside the endpoint's VNet and its
//   peers arrives only through a firewall or appliance next to it (transit.ts): one symbolic walk
//   from each, with every source address, says which remote sources can; on-premises sites count
//   only when a gateway next to it learns them. The difference is also the region the pairs' walks
//   are restricted to, and when only the door differs the pair is answered from what arrives there.
// - Routes: the effective routes of each affected subnet are compared; walks route out of a subnet
//   only from a source in it or from an appliance, firewall, gateway or Application Gateway in it,
//   and only destinations whose route differs can go elsewhere.
// - Firewall rules: the boxes of the rule collections that differ bound the packets treated
//   differently (same projections as filters).
// - Peerings: a walk crosses a peering only from a source (or a transit element) on one side to a
//   destination (or a transit element) on the other.
// - Entry points, egress, storage firewalls, private endpoints: the endpoints they serve.
// - Anything else (address spaces, gateways, subnets added or removed, appliances' addresses,
//   service tags): every pair.

import type { DataPlane } from '../../dataplane/compile.ts';
import type { Endpoint } from '../../dataplane/address-index.ts';
import { compiledFirewall } from '../../firewall/evaluate-firewall.ts';
import { firewallSnat } from '../../firewall/snat.ts';
import type { AzureFirewall, Direction, IpConfiguration, ResourceId, Snapshot } from '../../model/types.ts';
import { computeEndpointPermits, nsgAt, type FilterPoint } from '../../policy/evaluate-endpoint.ts';
import { ruleBox } from '../../policy/compile-nsg.ts';
import { parseCidr } from '../../sets/cidr.ts';
import { IntervalSet } from '../../sets/interval-set.ts';
import { parseIPv4 } from '../../sets/ipv4.ts';
import { PacketSpace, ALL_ADDRESSES, ALL_PROTOCOLS, type Box } from '../../sets/packet-space.ts';
import { ALL_PORTS } from '../../sets/ports.ts';
import { filterPointOfEndpoint } from '../../trace/walk.ts';
import { computeRouteDelta } from './route-delta.ts';
import { neighbourhood, remoteSourcesThroughTransit } from './transit.ts';
import { modelEqual, type SnapshotDiff } from './snapshot-diff.ts';
import { INTERNET_EXAMPLE_IP, INTERNET_SOURCES, endpointItemKey, universeOf, type DestItem, type SourceItem, type Universe } from './universe.ts';

export type KeySet = Set<string> | 'all';

export interface Rect {
  srcs: KeySet;
  dsts: KeySet;
  reason: string;
  /**
   * The packets (as the source sends them) where these pairs' answers can differ, when the change
   * bounds them (NSG rule changes at an endpoint); absent: anywhere.
   */
  region?: PacketSpace;
  /**
   * Only the destinations' own inbound NSGs differ, by these packets: what the destination's
   * inbound filters admit after and not before (`plus`), and before and not after (`minus`). A
   * pair's answer then changes by what arrives at the door within them.
   */
  door?: { plus: PacketSpace; minus: PacketSpace };
}

/** Endpoints sharing the filter points before and after (one permit computation for all). */
export interface FilterSite {
  key: string;
  endpoints: { before?: Endpoint; after?: Endpoint }[];
}

export interface Candidates {
  everything: boolean;
  rects: Rect[];
  reasons: string[];
  /** Filter sites whose NSGs changed (their effective security rules are compared). */
  ruleSites: FilterSite[];
  /** Subnets whose effective routes differ. */
  routeSubnets: ResourceId[];
}

const FULL_SPACE = PacketSpace.of({ protocols: ALL_PROTOCOLS, src: ALL_ADDRESSES, srcPorts: ALL_PORTS, dst: ALL_ADDRESSES, dstPorts: ALL_PORTS });

class Collector {
  everything = false;
  readonly rects: Rect[] = [];
  readonly reasons = new Set<string>();
  constructor(readonly uB: Universe, readonly uA: Universe) {}

  all(reason: string): void {
    this.everything = true;
    this.reasons.add(reason);
  }

  rect(srcs: KeySet, dsts: KeySet, reason: string, region?: PacketSpace, door?: Rect['door']): void {
    if (srcs !== 'all' && srcs.size === 0) return;
    if (dsts !== 'all' && dsts.size === 0) return;
    this.rects.push({ srcs, dsts, reason, ...(region ? { region } : {}), ...(door ? { door } : {}) });
    this.reasons.add(reason);
  }

  /** Every pair that starts or ends at one of these endpoints. */
  touching(keys: Iterable<string>, reason: string): void {
    const set = new Set(keys);
    this.rect(set, 'all', reason);
    this.rect('all', set, reason);
  }

  storageKeys(): Set<string> {
    const out = new Set<string>();
    for (const u of this.both()) for (const d of u.otherDests) if (d.kind === 'storage') out.add(d.key);
    return out;
  }

  both(): Universe[] {
    return this.uB === this.uA ? [this.uB] : [this.uB, this.uA];
  }
}

function keysOf(list: Iterable<Endpoint>): Set<string> {
  const out = new Set<string>();
  for (const e of list) out.add(endpointItemKey(e));
  return out;
}

function union<T>(...sets: Iterable<T>[]): Set<T> {
  const out = new Set<T>();
  for (const s of sets) for (const x of s) out.add(x);
  return out;
}

export function computeCandidates(before: DataPlane, after: DataPlane, diff: SnapshotDiff): Candidates {
  const uB = universeOf(before);
  const uA = universeOf(after, before);
  const col = new Collector(uB, uA);
  const sB = before.snapshot;
  const sA = after.snapshot;
  const both = <T>(f: (dp: DataPlane, u: Universe, s: Snapshot) => Iterable<T>): Set<T> => union(f(before, uB, sB), f(after, uA, sA));

  // ---- addresses that rewrite sources (DNAT/application rules, Application Gateway legs) ----
  const rewriterRanges: [number, number][] = [];
  for (const s of [sB, sA]) {
    for (const fw of s.azureFirewalls.values()) for (const c of fw.ipConfigurations) {
      const ip = c.privateIp ? parseIPv4(c.privateIp) : undefined;
      if (ip !== undefined) rewriterRanges.push([ip, ip]);
    }
    for (const agw of s.applicationGateways.values()) {
      const sub = agw.subnetId ? s.subnets.get(agw.subnetId) : undefined;
      for (const p of sub?.addressPrefixes ?? []) {
        const c = parseCidr(p);
        if (c.ok) rewriterRanges.push([c.cidr.start, c.cidr.end]);
      }
    }
  }
  const rewriters = IntervalSet.fromRanges(rewriterRanges);

  const srcCandidates = (srcSet: IntervalSet): KeySet => {
    if (srcSet.isEmpty()) return new Set();
    if (srcSet.intersects(rewriters)) return 'all';
    const out = new Set<string>();
    for (const u of col.both()) {
      for (const s of u.nicSourcesIn(srcSet)) out.add(s.key);
      for (const s of u.otherSources) if (s.kind === 'onPremises' && s.sources.intersects(srcSet)) out.add(s.key);
    }
    if (srcSet.intersects(INTERNET_SOURCES)) out.add('internet');
    return out;
  };
  const dstCandidates = (dstSet: IntervalSet): KeySet => {
    const out = new Set<string>();
    if (dstSet.isEmpty()) return out;
    for (const u of col.both()) {
      for (const d of u.endpointDestsIn(dstSet)) out.add(d.key);
      for (const d of u.otherDests) {
        if (d.kind === 'storage' && d.ips.intersects(dstSet)) out.add(d.key);
        else if (d.kind === 'onPremises' && dstSet.has(d.ip)) out.add(d.key);
      }
    }
    if (dstSet.has(INTERNET_EXAMPLE_IP)) out.add('internet');
    return out;
  };

  // ---- transit elements: where walks route from although no source is there ----
  const transitSubnets = new Set<ResourceId>();
  const nextHopIps = new Set<string>();
  for (const s of [sB, sA]) {
    for (const nic of s.networkInterfaces.values()) if (nic.enableIpForwarding) for (const c of nic.ipConfigurations) if (c.subnetId) transitSubnets.add(c.subnetId);
    for (const fw of s.azureFirewalls.values()) for (const c of fw.ipConfigurations) if (c.subnetId) transitSubnets.add(c.subnetId);
    for (const gw of s.virtualNetworkGateways.values()) if (gw.subnetId) transitSubnets.add(gw.subnetId);
    for (const agw of s.applicationGateways.values()) if (agw.subnetId) transitSubnets.add(agw.subnetId);
    for (const rt of s.routeTables.values()) for (const r of rt.routes) if (r.nextHopIpAddress) nextHopIps.add(r.nextHopIpAddress.trim());
  }
  const vnetHasTransit = (vnetId: ResourceId): boolean => {
    for (const s of [sB, sA]) for (const id of s.virtualNetworks.get(vnetId)?.subnetIds ?? []) if (transitSubnets.has(id)) return true;
    return false;
  };
  /** NICs whose address is a route's next hop, or that back a load balancer frontend that is one. */
  const isNextHopNic = (nicId: ResourceId): boolean => {
    for (const s of [sB, sA]) {
      const nic = s.networkInterfaces.get(nicId);
      for (const c of nic?.ipConfigurations ?? []) {
        if (c.privateIp && nextHopIps.has(c.privateIp.split('/')[0])) return true;
        for (const lb of s.loadBalancers.values()) {
          if (!lb.backendPools.some((p) => c.loadBalancerBackendPoolIds.includes(p.id))) continue;
          if (lb.frontends.some((f) => f.privateIp && nextHopIps.has(f.privateIp))) return true;
        }
      }
    }
    return false;
  };

  const subnetEndpoints = (subnetId: ResourceId): Endpoint[] => col.both().flatMap((u) => u.endpointsInSubnet(subnetId));
  const nicEndpoints = (nicId: ResourceId): Endpoint[] => col.both().flatMap((u) => u.endpointsOfNic(nicId));
  const nicKeysIn = (list: Endpoint[]) => keysOf(list.filter((e) => e.kind === 'nic'));
  const egressDests = () => union(['internet'], col.storageKeys());

  // ---- filter sites: endpoints whose NSG permits may differ ----
  const filterEndpoints = new Map<string, { before?: Endpoint; after?: Endpoint }>();
  const addFilterEndpoints = (list: Iterable<Endpoint>) => {
    for (const e of list) {
      if (e.kind !== 'nic' && e.kind !== 'privateEndpoint') continue;
      const k = endpointItemKey(e);
      if (filterEndpoints.has(k)) continue;
      const b = uB.dest(k);
      const a = uA.dest(k);
      filterEndpoints.set(k, { before: b?.kind === 'endpoint' ? b.endpoint : undefined, after: a?.kind === 'endpoint' ? a.endpoint : undefined });
    }
  };
  const changedNsgs = new Set<ResourceId>();
  /** ASGs whose members changed (a NIC's ASGs or the address of a member). */
  const membershipChanged = new Set<ResourceId>();
  const routeSuspects = new Set<ResourceId>();
  /** The subnets of a VNet and of the VNets directly peered with it, before and after (the tables its private endpoint /32s are in, rule 11.3). */
  const vnetAndPeerSubnets = (vnetId: ResourceId): Set<ResourceId> => {
    const out = new Set<ResourceId>();
    for (const dp of [before, after]) {
      const info = dp.topology.vnets.get(vnetId);
      for (const v of [vnetId, ...(info?.peers.map((p) => p.remoteVnetId) ?? [])]) for (const id of dp.snapshot.virtualNetworks.get(v)?.subnetIds ?? []) out.add(id);
    }
    return out;
  };
  const agwSubnets = both((_dp, _u, s) => [...s.applicationGateways.values()].map((a) => a.subnetId).filter((x): x is string => !!x));
  const egressFrom = (subnetIds: Iterable<ResourceId>, reason: string) => {
    for (const id of subnetIds) col.rect(transitSubnets.has(id) ? 'all' : nicKeysIn(subnetEndpoints(id)), egressDests(), reason);
  };
  const internetTo = (keys: Set<string>, reason: string) => col.rect(new Set(['internet']), keys, reason);

  if (diff.serviceTagsChanged) col.all('the service tags changed');

  // Endpoints that exist on one side only (added, removed, moved to another address).
  if (uB !== uA) {
    const keys = (list: { key: string }[]) => new Set(list.map((x) => x.key));
    const db = keys(uB.allDests());
    const da = keys(uA.allDests());
    const sb = keys(uB.allSources());
    const sa = keys(uA.allSources());
    for (const d of uB.allDests()) if (!da.has(d.key)) d.kind === 'endpoint' ? col.touching([d.key], 'endpoints removed or readdressed') : col.rect('all', new Set([d.key]), 'destinations removed');
    for (const d of uA.allDests()) if (!db.has(d.key)) d.kind === 'endpoint' ? col.touching([d.key], 'endpoints added or readdressed') : col.rect('all', new Set([d.key]), 'destinations added');
    for (const x of uB.allSources()) if (!sa.has(x.key)) col.rect(new Set([x.key]), 'all', 'sources removed');
    for (const x of uA.allSources()) if (!sb.has(x.key)) col.rect(new Set([x.key]), 'all', 'sources added');
  }

  for (const c of diff.changes) {
    const b = c.before;
    const a = c.after;
    switch (c.collection) {
      case 'virtualNetworks':
        // A VNet added or removed whole, or whose list of subnets or peerings changed, is its
        // subnets and peerings added or removed: their own cases bound the pairs (a subnet that
        // holds appliances, firewalls or gateways makes it every pair). An address space changed
        // moves every route and VirtualNetwork tag that names it.
        if (c.change === 'modified' && !c.fields.every((f) => f === 'subnetIds' || f === 'peeringIds' || f === 'tags')) {
          col.all('a virtual network was readdressed');
          // Its VnetLocal routes and its peers' VNetPeering routes (rules 5.3, 8.4), and the
          // VirtualNetwork tag of all of them (rule 4.1): their views are compared.
          for (const id of vnetAndPeerSubnets(c.id)) {
            routeSuspects.add(id);
            addFilterEndpoints(subnetEndpoints(id));
          }
        }
        break;
      case 'virtualNetworkGateways':
      case 'connections':
      case 'localNetworkGateways':
        col.all('gateways, connections or on-premises prefixes changed');
        break;
      case 'subnets': {
        if (c.change !== 'modified' || b?.kind !== 'subnet' || a?.kind !== 'subnet') {
          subnetAddedOrRemoved(c.id);
          break;
        }
        const heavy = c.fields.filter((f) => !['nsgId', 'routeTableId', 'serviceEndpoints', 'natGatewayId', 'defaultOutboundAccess', 'privateEndpointNetworkPolicies', 'delegations', 'tags'].includes(f));
        if (heavy.length) {
          col.all(`subnet ${a.name}: ${heavy.join(', ')} changed`);
          break;
        }
        if (c.fields.includes('nsgId') || c.fields.includes('privateEndpointNetworkPolicies')) addFilterEndpoints(subnetEndpoints(c.id));
        if (c.fields.includes('nsgId') && agwSubnets.has(c.id)) col.rect(new Set(['internet']), 'all', 'the NSG of an Application Gateway subnet changed');
        if (c.fields.includes('routeTableId') || c.fields.includes('serviceEndpoints')) {
          routeSuspects.add(c.id);
          addFilterEndpoints(subnetEndpoints(c.id));
        }
        if (c.fields.includes('natGatewayId') || c.fields.includes('defaultOutboundAccess')) egressFrom([c.id], 'internet egress of a subnet changed');
        if (c.fields.includes('privateEndpointNetworkPolicies')) {
          // Private endpoint /32 routes depend on the policies (rule 11.5): the VNet and its peers.
          for (const id of vnetAndPeerSubnets(a.vnetId)) routeSuspects.add(id);
          col.rect('all', keysOf(subnetEndpoints(c.id).filter((e) => e.kind === 'privateEndpoint')), 'private endpoint network policies changed');
        }
        break;
      }
      case 'peerings': {
        const ends = new Set<ResourceId>();
        for (const p of [b, a]) if (p?.kind === 'peering') {
          ends.add(p.vnetId);
          ends.add(p.remoteVnetId);
        }
        const transit = [...ends].filter(vnetHasTransit);
        if (transit.length > 1) {
          col.all('a peering between VNets that both hold appliances, firewalls or gateways changed');
          break;
        }
        const eps: Endpoint[] = [];
        const epsOf = new Map<ResourceId, Endpoint[]>();
        for (const v of ends) for (const s of [sB, sA]) for (const id of s.virtualNetworks.get(v)?.subnetIds ?? []) {
          const here = subnetEndpoints(id);
          eps.push(...here);
          let mine = epsOf.get(v);
          if (!mine) epsOf.set(v, (mine = []));
          mine.push(...here);
          routeSuspects.add(id);
        }
        addFilterEndpoints(eps);
        // The smaller end that forwards nothing (a spoke, not a hub), of those the input holds (a
        // remote VNet missing from it has no known space and nothing known to forward).
        const plain = [...ends].filter((v) => !vnetHasTransit(v) && (sB.virtualNetworks.has(v) || sA.virtualNetworks.has(v))).sort((x, y) => (epsOf.get(x)?.length ?? 0) - (epsOf.get(y)?.length ?? 0));
        if (plain.length) {
          // A walk crosses the peering only from or to an address of the spoke's space, since
          // nothing in the spoke forwards: the peering routes are for that space (rule 5.3) and
          // the VirtualNetwork tags gain or lose it (rule 4.1). Its sources and destinations by
          // address (an overlapping space too) and its endpoints are the pairs; the other end's
          // sources (a hub's) reach the rest as before.
          const space = IntervalSet.fromRanges(
            [sB, sA].flatMap((s) => (s.virtualNetworks.get(plain[0])?.addressSpace ?? []).flatMap((p) => {
              const c = parseCidr(p);
              return c.ok ? [[c.cidr.start, c.cidr.end] as [number, number]] : [];
            })),
          );
          const srcs = srcCandidates(space);
          const dsts = dstCandidates(space);
          if (srcs !== 'all' && dsts !== 'all') {
            const own = keysOf(epsOf.get(plain[0]) ?? []);
            col.rect(union(srcs, own), 'all', 'a peering changed');
            col.rect('all', union(dsts, own), 'a peering changed');
            break;
          }
        }
        col.touching(keysOf(eps), 'a peering changed');
        break;
      }
      case 'networkSecurityGroups':
        changedNsgs.add(c.id);
        break;
      case 'routeTables':
        for (const s of [sB, sA]) for (const sub of s.subnets.values()) if (sub.routeTableId === c.id) {
          routeSuspects.add(sub.id);
          addFilterEndpoints(subnetEndpoints(sub.id));
        }
        break;
      case 'networkInterfaces': {
        const nb = b?.kind === 'networkInterface' ? b : undefined;
        const na = a?.kind === 'networkInterface' ? a : undefined;
        const eps = nicEndpoints(c.id);
        const keys = keysOf(eps);
        if (isNextHopNic(c.id) && (c.change !== 'modified' || c.fields.some((f) => f === 'enableIpForwarding' || f === 'ipConfigurations'))) {
          col.all('a network virtual appliance NIC changed');
          break;
        }
        if (c.change !== 'modified') {
          col.touching(keys, 'NICs added or removed');
          if (nb?.nsgId || na?.nsgId) addFilterEndpoints(eps);
        }
        if (c.fields.includes('nsgId')) addFilterEndpoints(eps);
        // ASG membership: every NSG that names one of the ASGs changes (collected for all NICs,
        // the NSGs that name them found once after the loop: per NIC, that scan of every rule
        // took 31 s when a diff removed 2,500 NICs at tier L).
        const ipcs = (n: typeof nb) => n?.ipConfigurations ?? [];
        const sig = (ipc: { privateIp?: string; asgIds: ResourceId[] }) => `${ipc.privateIp ?? ''}:${[...ipc.asgIds].sort().join(',')}`;
        const bSig = new Map(ipcs(nb).map((x) => [x.id, sig(x)]));
        const aSig = new Map(ipcs(na).map((x) => [x.id, sig(x)]));
        for (const x of [...ipcs(nb), ...ipcs(na)]) if (bSig.get(x.id) !== aSig.get(x.id)) x.asgIds.forEach((g) => membershipChanged.add(g));
        const entryKey = (ipc: IpConfiguration) =>
          JSON.stringify([ipc.primary, ipc.publicIpId ?? '', [...ipc.loadBalancerBackendPoolIds].sort(), [...ipc.loadBalancerInboundNatRuleIds].sort(), [...ipc.applicationGatewayBackendPoolIds].sort()]);
        const bEntry = ipcs(nb).map(entryKey).join(';');
        const aEntry = ipcs(na).map(entryKey).join(';');
        if (c.change === 'modified' && bEntry !== aEntry) {
          internetTo(keys, 'public IPs, load balancer pools or Application Gateway pools of NICs changed');
          col.rect(nicKeysIn(eps), egressDests(), 'internet egress of NICs changed');
          const pools = new Set<ResourceId>();
          for (const x of [...ipcs(nb), ...ipcs(na)]) x.loadBalancerBackendPoolIds.forEach((p) => pools.add(p));
          lbFrontendsOfPools(pools);
        }
        break;
      }
      case 'publicIpAddresses': {
        const pip = c.id;
        for (const s of [sB, sA]) {
          for (const nic of s.networkInterfaces.values()) if (nic.ipConfigurations.some((x) => x.publicIpId === pip)) {
            const eps = nicEndpoints(nic.id);
            internetTo(keysOf(eps), 'a public IP of a NIC changed');
            col.rect(nicKeysIn(eps), egressDests(), 'a public IP of a NIC changed');
          }
          for (const ng of s.natGateways.values()) if (ng.publicIpIds.includes(pip)) egressFrom(natSubnets(ng.id), 'a NAT gateway public IP changed');
          for (const lb of s.loadBalancers.values()) if (lb.frontends.some((f) => f.publicIpId === pip)) loadBalancerChanged(lb.id);
          for (const fw of s.azureFirewalls.values()) if (fw.ipConfigurations.some((x) => x.publicIpId === pip)) {
            col.rect('all', egressDests(), 'a public IP of a firewall changed');
            col.rect(new Set(['internet']), 'all', 'a public IP of a firewall changed');
          }
          for (const agw of s.applicationGateways.values()) if (agw.frontends.some((f) => f.publicIpId === pip)) col.rect(new Set(['internet']), 'all', 'a public IP of an Application Gateway changed');
          for (const gw of s.virtualNetworkGateways.values()) if (gw.publicIpIds.includes(pip)) col.all('a public IP of a gateway changed');
        }
        break;
      }
      case 'natGateways':
        egressFrom(natSubnets(c.id), 'a NAT gateway changed');
        break;
      case 'loadBalancers':
        loadBalancerChanged(c.id);
        break;
      case 'applicationGateways':
        col.rect(new Set(['internet']), 'all', 'an Application Gateway changed');
        break;
      case 'azureFirewalls': {
        if (c.change !== 'modified' || b?.kind !== 'azureFirewall' || a?.kind !== 'azureFirewall' || !modelEqual(b.ipConfigurations, a.ipConfigurations)) {
          col.all('an Azure Firewall was added, removed or readdressed');
          break;
        }
        firewallRulesChanged(b, a);
        break;
      }
      case 'firewallPolicies':
      case 'firewallPolicyRuleCollectionGroups':
      case 'ipGroups':
        for (const fw of sA.azureFirewalls.values()) {
          const old = sB.azureFirewalls.get(fw.id);
          if (old) firewallRulesChanged(old, fw);
        }
        break;
      case 'privateEndpoints': {
        const peIds = new Set([c.id]);
        const eps: Endpoint[] = [];
        for (const p of [b, a]) if (p?.kind === 'privateEndpoint' && p.subnetId) for (const e of subnetEndpoints(p.subnetId)) if (e.kind === 'privateEndpoint' && peIds.has(e.privateEndpointId)) eps.push(e);
        col.rect('all', keysOf(eps), 'a private endpoint changed');
        const accounts = new Set<string>();
        for (const p of [b, a]) if (p?.kind === 'privateEndpoint') for (const x of p.connections) accounts.add(`storage|${x.targetId}`);
        col.rect('all', accounts, 'a private endpoint changed');
        for (const vnetId of new Set(eps.map((e) => e.vnetId))) for (const id of vnetAndPeerSubnets(vnetId)) routeSuspects.add(id);
        break;
      }
      case 'storageAccounts':
        col.rect('all', new Set([`storage|${c.id}`]), 'a storage account changed');
        break;
      case 'applicationSecurityGroups':
      case 'virtualMachines':
        break;
    }
  }

  /**
   * A subnet added or removed changes the pairs of its own endpoints (added or removed: every pair
   * that starts or ends there). Its route table, NSG, NAT gateway and service endpoints apply to
   * them only, and nothing else a walk consults depends on it: a VNet's system routes are one per
   * address range, none per subnet (rule 5.3), and its VirtualNetwork tag is its address space,
   * its peers' and its own route table's prefixes (rule 4.1, A3). Private endpoints in it take
   * their /32 routes out of (or into) the tables of its VNet and the directly peered ones (rule
   * 11.3): those tables are compared. What other traffic passes through (appliances, firewalls,
   * gateways, Application Gateways, a route's next hop) makes every pair a candidate.
   */
  function subnetAddedOrRemoved(subnetId: ResourceId): void {
    const eps = subnetEndpoints(subnetId);
    if (transitSubnets.has(subnetId) || eps.some((e) => nextHopIps.has(e.ipText))) {
      col.all('a subnet holding appliances, firewalls, gateways or a route next hop was added or removed');
      return;
    }
    col.touching(keysOf(eps), 'a subnet was added or removed');
    addFilterEndpoints(eps);
    const vnetId = (sB.subnets.get(subnetId) ?? sA.subnets.get(subnetId))?.vnetId;
    if (vnetId && eps.some((e) => e.kind === 'privateEndpoint')) for (const id of vnetAndPeerSubnets(vnetId)) routeSuspects.add(id);
  }

  function natSubnets(natId: ResourceId): Set<ResourceId> {
    const out = new Set<ResourceId>();
    for (const s of [sB, sA]) for (const sub of s.subnets.values()) if (sub.natGatewayId === natId) out.add(sub.id);
    return out;
  }

  function lbFrontendsOfPools(pools: Set<ResourceId>): void {
    if (!pools.size) return;
    for (const s of [sB, sA]) for (const lb of s.loadBalancers.values()) if (lb.backendPools.some((p) => pools.has(p.id))) loadBalancerChanged(lb.id);
  }

  function loadBalancerChanged(lbId: ResourceId): void {
    const members = new Set<string>();
    const frontends = new Set<string>();
    const srcs = new Set<string>();
    for (const [s, u] of [[sB, uB], [sA, uA]] as const) {
      const lb = s.loadBalancers.get(lbId);
      if (!lb) continue;
      if (lb.frontends.some((f) => f.privateIp && nextHopIps.has(f.privateIp))) {
        col.all('a load balancer that is a route next hop changed');
        return;
      }
      const pools = new Set(lb.backendPools.map((p) => p.id));
      const natRules = new Set(lb.inboundNatRules.map((r) => r.id));
      for (const nic of s.networkInterfaces.values()) for (const ipc of nic.ipConfigurations) {
        if (!ipc.loadBalancerBackendPoolIds.some((p) => pools.has(p)) && !ipc.loadBalancerInboundNatRuleIds.some((r) => natRules.has(r)) && !lb.inboundNatRules.some((r) => r.backendIpConfigurationId === ipc.id)) continue;
        for (const e of u.endpointsOfNic(nic.id)) {
          members.add(endpointItemKey(e));
          if (e.kind === 'nic') srcs.add(endpointItemKey(e));
        }
      }
      for (const f of lb.frontends) if (f.subnetId) for (const e of u.endpointsInSubnet(f.subnetId)) if (e.kind === 'loadBalancerFrontend' && e.loadBalancerId === lbId) frontends.add(endpointItemKey(e));
    }
    internetTo(members, 'a load balancer changed');
    col.rect('all', frontends, 'a load balancer changed');
    col.rect(srcs, egressDests(), 'a load balancer changed (outbound rules)');
  }

  function firewallRulesChanged(fb: AzureFirewall, fa: AzureFirewall): void {
    const cb = compiledFirewall(before, fb);
    const ca = compiledFirewall(after, fa);
    const region = (xs: { oc: { collection: unknown; groupName: string }; rules: { box: Box }[] }[], ys: typeof xs): Box[] => {
      let i = 0;
      while (i < xs.length && i < ys.length && xs[i].oc.groupName === ys[i].oc.groupName && modelEqual(xs[i].oc.collection, ys[i].oc.collection)) i++;
      return [...xs.slice(i), ...ys.slice(i)].flatMap((x) => x.rules.map((r) => r.box));
    };
    const net = region(cb.network, ca.network);
    if (net.length) {
      let src = IntervalSet.EMPTY;
      let dst = IntervalSet.EMPTY;
      for (const box of net) {
        src = src.union(box.src);
        dst = dst.union(box.dst);
      }
      col.rect(srcCandidates(src), dstCandidates(dst), `network rules of ${fa.name} changed`);
    }
    if (region(cb.application, ca.application).length) col.rect('all', col.storageKeys(), `application rules of ${fa.name} changed`);
    if (region(cb.nat, ca.nat).length) col.rect(new Set(['internet']), 'all', `DNAT rules of ${fa.name} changed`);
    // Its SNAT private ranges: a destination that moves in or out of them sees another source
    // (the client or the firewall, core/firewall/snat.ts), whoever sends through the firewall.
    const snatBefore = firewallSnat(before.snapshot, fb).noSnat;
    const snatAfter = firewallSnat(after.snapshot, fa).noSnat;
    if (!snatBefore.equals(snatAfter)) col.rect('all', dstCandidates(snatBefore.subtract(snatAfter).union(snatAfter.subtract(snatBefore))), `SNAT private ranges of ${fa.name} changed`);
  }

  if (membershipChanged.size) {
    for (const s of [sB, sA]) for (const nsg of s.networkSecurityGroups.values()) {
      if ([...nsg.securityRules, ...nsg.defaultSecurityRules].some((r) => r.sourceAsgIds.some((g) => membershipChanged.has(g)) || r.destinationAsgIds.some((g) => membershipChanged.has(g)))) changedNsgs.add(nsg.id);
    }
  }

  // ---- NSG changes: every endpoint where the NSG applies, before or after ----
  for (const nsgId of changedNsgs) {
    for (const dp of [before, after]) {
      for (const subnetId of dp.subnetsByNsg.get(nsgId) ?? []) {
        addFilterEndpoints(subnetEndpoints(subnetId));
        if (agwSubnets.has(subnetId)) col.rect(new Set(['internet']), 'all', 'the NSG of an Application Gateway subnet changed');
      }
      for (const nicId of dp.nicsByNsg.get(nsgId) ?? []) addFilterEndpoints(nicEndpoints(nicId));
    }
  }

  // ---- routes ----
  const routeSubnets: ResourceId[] = [];
  for (const subnetId of routeSuspects) {
    if (!sB.subnets.has(subnetId) || !sA.subnets.has(subnetId)) continue;
    const d = computeRouteDelta(before.routesForSubnet(subnetId), after.routesForSubnet(subnetId));
    if (d.addresses.isEmpty() && !d.serviceEndpoints) continue;
    routeSubnets.push(subnetId);
    const srcs: KeySet = transitSubnets.has(subnetId) ? 'all' : nicKeysIn(subnetEndpoints(subnetId));
    const dsts = dstCandidates(d.addresses);
    const withStorage = d.serviceEndpoints ? (dsts === 'all' ? 'all' : union(dsts, col.storageKeys())) : dsts;
    col.rect(srcs, withStorage, 'effective routes changed');
    // Rule 7.6: a default route away from the internet changes what enters through public IPs.
    if (!d.addresses.isEmpty()) internetTo(keysOf(subnetEndpoints(subnetId)), 'effective routes changed');
  }

  /** NIC sources in the given VNets with an address in `srcSet` (read from the VNets, not the estate). */
  function nicSourcesInVnets(vnets: Set<ResourceId>, srcSet: IntervalSet, out: Set<string>): void {
    for (const u of col.both()) {
      for (const v of vnets) {
        for (const e of u.dp.addresses.byVnet.get(v)?.values() ?? []) if (e.kind === 'nic' && srcSet.has(e.ip)) out.add(endpointItemKey(e));
      }
    }
  }

  /** NIC sources with an address in `srcSet` in the VNets of `g`'s endpoints or peered with them. */
  function localSources(g: FilterSite, srcSet: IntervalSet): Set<string> {
    const dps = before === after ? [before] : [before, after];
    const local = new Set<ResourceId>();
    for (const x of g.endpoints) for (const e of [x.before, x.after]) if (e) for (const v of neighbourhood(dps, e.vnetId)) local.add(v);
    const out = new Set<string>();
    nicSourcesInVnets(local, srcSet, out);
    return out;
  }

  /**
   * Sources whose answer to the endpoints of `g` can change with inbound permits that differ by
   * `arriving`: the internet and on-premises sites whose addresses are in it; NICs in it that sit in
   * the endpoints' VNets or a peered VNet; and NICs elsewhere only as far as a firewall or appliance
   * next to the endpoints lets such packets through to them (transit.ts).
   */
  function inboundSources(targets: { dst: Endpoint; door: Endpoint }[], arriving: PacketSpace, srcSet: IntervalSet): Set<string> {
    const out = new Set<string>();
    if (srcSet.isEmpty() || !targets.length) return out;
    if (srcSet.intersects(INTERNET_SOURCES) || srcSet.intersects(rewriters)) out.add('internet');
    const dps = before === after ? [before] : [before, after];
    const local = new Set<ResourceId>();
    for (const t of targets) for (const e of [t.dst, t.door]) for (const v of neighbourhood(dps, e.vnetId)) local.add(v);
    // On-premises traffic enters through a gateway in the destination's VNet or the hub it uses
    // through gateway transit (trace/entry-points.ts): only sites those gateways learn count.
    let learned = IntervalSet.EMPTY;
    for (const dp of dps) for (const v of local) for (const l of dp.topology.vnets.get(v)?.learned ?? []) {
      const c = parseCidr(l.prefix);
      if (c.ok) learned = learned.union(IntervalSet.range(c.cidr.start, c.cidr.end));
    }
    for (const u of col.both()) for (const s of u.otherSources) if (s.kind === 'onPremises' && s.sources.intersects(srcSet) && s.sources.intersects(learned)) out.add(s.key);
    // Packets of the difference that arrive at the door from a transit element next to it. Only
    // the door's inbound filters differ for these pairs (any other change on their path is another
    // element's candidates), so the snapshot before tells what arrives.
    let remote = PacketSpace.EMPTY;
    const asked: { dst: Endpoint; sent: PacketSpace; door: Endpoint; atDoor: PacketSpace }[] = [];
    for (const t of targets) {
      const atDoor = arriving.intersectBox({ protocols: ALL_PROTOCOLS, src: ALL_ADDRESSES, srcPorts: ALL_PORTS, dst: IntervalSet.point(t.door.ip), dstPorts: ALL_PORTS });
      if (atDoor.isEmpty()) continue;
      // What the sources send: to the door itself, or to a load balancer frontend in front of it.
      const sent = t.dst === t.door ? atDoor : PacketSpace.of({ protocols: atDoor.project('protocols'), src: atDoor.project('src'), srcPorts: ALL_PORTS, dst: IntervalSet.point(t.dst.ip), dstPorts: ALL_PORTS });
      asked.push({ dst: t.dst, sent, door: t.door, atDoor });
    }
    // The same packets as all of `asked`'s, in as many boxes as `arriving` (not once per target).
    const direct = asked.filter((x) => x.dst === x.door);
    const allSent = new PacketSpace([
      ...arriving.intersectBox({ protocols: ALL_PROTOCOLS, src: ALL_ADDRESSES, srcPorts: ALL_PORTS, dst: IntervalSet.fromRanges(direct.map((x) => [x.door.ip, x.door.ip] as [number, number])), dstPorts: ALL_PORTS }).boxes,
      ...asked.filter((x) => x.dst !== x.door).flatMap((x) => x.sent.boxes),
    ]);
    remoteSourcesThroughTransit(before, local, asked, allSent).forEach((got, i) => {
      const mine = got.intersect(asked[i].atDoor);
      if (!mine.isEmpty()) remote = new PacketSpace([...remote.boxes, ...mine.boxes]);
    });
    nicSourcesInVnets(local, srcSet, out);
    const remoteSrc = remote.project('src').intersect(srcSet);
    if (!remoteSrc.isEmpty()) for (const u of col.both()) for (const s of u.nicSourcesIn(remoteSrc)) out.add(s.key);
    return out;
  }

  // ---- filter sites: permits before and after, per group of endpoints sharing them ----
  const ruleSites: FilterSite[] = [];
  const groups = new Map<string, FilterSite>();
  const pointKey = (dp: DataPlane, e: Endpoint) => {
    const p = filterPointOfEndpoint(dp, e);
    return `${p.subnetId}|${p.subnetNsgId ?? ''}|${p.nicNsgId ?? ''}`;
  };
  for (const [k, pair] of filterEndpoints) {
    if (!pair.before || !pair.after) continue; // added or removed: every pair is already a candidate
    const key = `${pointKey(before, pair.before)}#${pointKey(after, pair.after)}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, endpoints: [] }));
    g.endpoints.push(pair);
    void k;
  }
  /** Packets the point permits after but not before (`plus`) and before but not after (`minus`). */
  const permitDelta = (pb: FilterPoint, pa: FilterPoint, direction: Direction): { plus: PacketSpace; minus: PacketSpace; both: PacketSpace } => {
    const region = changedRegion(before, pb, after, pa, direction);
    if (region.isEmpty()) return { plus: region, minus: region, both: region };
    const b = computeEndpointPermits(before, pb, direction, region).allowed;
    const a = computeEndpointPermits(after, pa, direction, region).allowed;
    const plus = a.subtract(b);
    const minus = b.subtract(a);
    return { plus, minus, both: new PacketSpace([...plus.boxes, ...minus.boxes]) };
  };
  for (const g of groups.values()) {
    const rb = g.endpoints[0].before!;
    const ra = g.endpoints[0].after!;
    const pb = filterPointOfEndpoint(before, rb);
    const pa = filterPointOfEndpoint(after, ra);
    const inbound = permitDelta(pb, pa, 'Inbound');
    const din = inbound.both;
    const dout = permitDelta(pb, pa, 'Outbound').both;
    const hasNsgB = !!(pb.subnetNsgId || pb.nicNsgId);
    const hasNsgA = !!(pa.subnetNsgId || pa.nicNsgId);
    const eps = g.endpoints.flatMap((x) => [x.before!, x.after!]);
    const keys = keysOf(eps);
    ruleSites.push(g);
    if (din.isEmpty() && dout.isEmpty() && hasNsgB === hasNsgA) continue;
    if (hasNsgB !== hasNsgA) internetTo(keys, 'an NSG was associated or dissociated');
    const transit = eps.some((e) => e.kind === 'nic' && (sB.networkInterfaces.get(e.nicId)?.enableIpForwarding || sA.networkInterfaces.get(e.nicId)?.enableIpForwarding));
    if (transit) {
      for (const d of [din, dout]) if (!d.isEmpty()) col.rect(srcCandidates(d.project('src')), dstCandidates(d.project('dst')), 'NSG rules of a network virtual appliance changed');
      continue;
    }
    const ips = IntervalSet.fromRanges(eps.map((e) => [e.ip, e.ip] as [number, number]));
    if (!din.isEmpty()) {
      const arriving = din.intersectBox({ protocols: ALL_PROTOCOLS, src: ALL_ADDRESSES, srcPorts: ALL_PORTS, dst: ips, dstPorts: ALL_PORTS });
      const srcSet = arriving.project('src');
      // Load balancer frontends delivered here: every candidate source counts (the frontend, not
      // the member, is what the source addresses).
      const others = new Set<string>();
      const lbTargets: { dst: Endpoint; door: Endpoint }[] = [];
      let lbUnknown = false;
      const storage = new Set<string>();
      for (const [dp, u] of [[before, uB], [after, uA]] as const) {
        for (const lb of dp.snapshot.loadBalancers.values()) {
          for (const f of lb.frontends) {
            if (!f.subnetId) continue;
            for (const e of u.endpointsInSubnet(f.subnetId)) {
              if (e.kind !== 'loadBalancerFrontend' || e.frontendId !== f.id) continue;
              const m = lbBackend(dp, e);
              if (!m || !keys.has(endpointItemKey(m))) continue;
              others.add(endpointItemKey(e));
              if (dp !== before) {
                // A frontend whose member is here only after the change: no "before" door to test.
                const k = endpointItemKey(e);
                if (!lbTargets.some((t) => endpointItemKey(t.dst) === k)) lbUnknown = true;
              } else lbTargets.push({ dst: e, door: m });
            }
          }
        }
        for (const e of eps) {
          if (e.kind !== 'privateEndpoint') continue;
          const pe = dp.snapshot.privateEndpoints.get(e.privateEndpointId);
          for (const x of pe?.connections ?? []) storage.add(`storage|${x.targetId}`);
        }
      }
      // Load balancer frontends in front of these endpoints: the sources address the frontend.
      col.rect(lbUnknown ? srcCandidates(srcSet) : inboundSources(lbTargets, arriving, srcSet), others, 'inbound NSG rules changed');
      // Storage accounts served by private endpoints here: a source uses the private endpoint only
      // when its subnet has the endpoint's /32 route (the private endpoint's VNet and its peers,
      // trace/run-path.ts); the firewall may proxy (and re-source) it on the way.
      if (storage.size) col.rect(localSources(g, srcSet.intersects(rewriters) ? ALL_ADDRESSES : srcSet), storage, 'inbound NSG rules of private endpoints changed');
      const own = g.endpoints.flatMap((x) => (x.before ? [{ dst: x.before, door: x.before }] : []));
      // Packets from inside the estate and from on-premises reach these endpoints untranslated, so
      // only the difference itself can change; the internet's may be translated on the way (DNAT,
      // load balancer ports), so its pairs are compared on every packet.
      const srcs = inboundSources(own, arriving, srcSet);
      if (srcs.delete('internet')) col.rect(new Set(['internet']), keys, 'inbound NSG rules changed');
      const atIps = (sp: PacketSpace) => sp.intersectBox({ protocols: ALL_PROTOCOLS, src: ALL_ADDRESSES, srcPorts: ALL_PORTS, dst: ips, dstPorts: ALL_PORTS });
      const door = dout.isEmpty() && !transit ? { plus: atIps(inbound.plus), minus: atIps(inbound.minus) } : undefined;
      col.rect(srcs, keys, 'inbound NSG rules changed', arriving, door);
    }
    if (!dout.isEmpty()) {
      const leaving = dout.intersectBox({ protocols: ALL_PROTOCOLS, src: ips, srcPorts: ALL_PORTS, dst: ALL_ADDRESSES, dstPorts: ALL_PORTS });
      // Outbound the difference is about packets as they leave the source, before any translation.
      col.rect(nicKeysIn(eps), dstCandidates(leaving.project('dst')), 'outbound NSG rules changed', leaving);
    }
  }

  return { everything: col.everything, rects: col.rects, reasons: [...col.reasons], ruleSites, routeSubnets };
}

function boxEqual(a: Box, b: Box): boolean {
  return a.protocols.equals(b.protocols) && a.src.equals(b.src) && a.srcPorts.equals(b.srcPorts) && a.dst.equals(b.dst) && a.dstPorts.equals(b.dstPorts);
}

/**
 * Where the permits of a filter point can differ: NSG evaluation is first match by priority, so a
 * packet that no changed rule matches (a rule added, removed, re-prioritised, re-actioned, or whose
 * addresses changed, e.g. through ASG members or the VirtualNetwork tag) meets the same rules in
 * the same order before and after. The union of the changed rules' boxes, old and new, bounds the
 * difference; when the NSGs themselves differ (an association changed), every packet may.
 */
function changedRegion(before: DataPlane, pb: FilterPoint, after: DataPlane, pa: FilterPoint, direction: Direction): PacketSpace {
  if (pb.subnetNsgId !== pa.subnetNsgId || pb.nicNsgId !== pa.nicNsgId || pb.anySourcePort !== pa.anySourcePort) return FULL_SPACE;
  const tagB = before.virtualNetworkTag(pb.subnetId).set;
  const tagA = after.virtualNetworkTag(pa.subnetId).set;
  const boxes: Box[] = [];
  for (const nsgId of [pb.subnetNsgId, pb.nicNsgId]) {
    if (!nsgId) continue;
    // As the point judges (a private endpoint's ignores source ports, rule 3.14).
    const cb = nsgAt(before, pb, nsgId, direction);
    const ca = nsgAt(after, pa, nsgId, direction);
    if (cb === ca && tagB.equals(tagA)) continue;
    const lb = cb ? (direction === 'Inbound' ? cb.inbound : cb.outbound) : [];
    const la = ca ? (direction === 'Inbound' ? ca.inbound : ca.outbound) : [];
    const byId = new Map(lb.map((c) => [c.rule.id, c]));
    const seen = new Set<string>();
    for (const c of la) {
      seen.add(c.rule.id);
      const old = byId.get(c.rule.id);
      const box = ruleBox(c, tagA);
      if (!old) {
        boxes.push(box);
        continue;
      }
      const oldBox = ruleBox(old, tagB);
      if (old.rule.priority !== c.rule.priority || old.rule.access !== c.rule.access || !boxEqual(oldBox, box)) boxes.push(box, oldBox);
    }
    for (const c of lb) if (!seen.has(c.rule.id)) boxes.push(ruleBox(c, tagB));
  }
  return new PacketSpace(boxes.filter((b) => !b.protocols.isEmpty() && !b.src.isEmpty() && !b.srcPorts.isEmpty() && !b.dst.isEmpty() && !b.dstPorts.isEmpty()));
}

/** The backend member a load balancer frontend forwards to (trace/walk.ts backendMember). */
function lbBackend(dp: DataPlane, e: Extract<Endpoint, { kind: 'loadBalancerFrontend' }>): Endpoint | undefined {
  const lb = dp.snapshot.loadBalancers.get(e.loadBalancerId);
  const pools = new Set((lb?.loadBalancingRules ?? []).filter((r) => r.frontendIpConfigurationId === e.frontendId).flatMap((r) => r.backendPoolIds));
  let best: Endpoint | undefined;
  for (const p of pools) {
    const first = dp.backendPoolMembers(p)[0];
    if (first && (!best || first.ip < best.ip)) best = first;
  }
  return best;
}
