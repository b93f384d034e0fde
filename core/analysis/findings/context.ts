// What every check of one findings run shares: the data plane, the endpoint equivalence classes
// (NICs that no rule tells apart are evaluated once), names and source locations of resources, the
// estate's inspection points (firewalls, routed appliances) and its hubs.

import type { DataPlane } from '../../dataplane/compile.ts';
import type { Endpoint } from '../../dataplane/address-index.ts';
import { computeEndpointClasses, type EndpointClass } from '../../dataplane/equivalence.ts';
import { CaveatSet } from '../../dataplane/caveats.ts';
import { nameFromId, normalizeId } from '../../model/ids.ts';
import { defaultSecurityRulesOf } from '../../model/default-rules.ts';
import type { ResourceId, SecurityRule, SourceLocation } from '../../model/types.ts';
import { IntervalSet } from '../../sets/interval-set.ts';
import { cidrsToSet, parseCidr } from '../../sets/cidr.ts';
import { parseIPv4 } from '../../sets/ipv4.ts';
import type { Finding, FindingEvidence, FindingLocation, RelatedResource, Severity } from './types.ts';
import { catalogEntry } from './catalog.ts';

export interface SubnetRange {
  lo: number;
  hi: number;
  subnetId: ResourceId;
}

export class FindingsContext {
  readonly classes: EndpointClass[];
  /** Classes by VNet and address (built on first use: only the blast-radius footholds and policy checks ask). */
  private classIndex: Map<ResourceId, Map<number, EndpointClass>> | undefined;
  /** Classes by subnet, in address order. */
  readonly classesBySubnet = new Map<ResourceId, EndpointClass[]>();
  readonly caveats = new CaveatSet();
  readonly notes: string[] = [];
  /** Catalog ids whose check was skipped in this run (see FindingsAnswer.judged). */
  readonly notJudged = new Set<string>();
  /** Subnet prefixes sorted by start, for "which subnets intersect this set". */
  private readonly subnetRanges: SubnetRange[] = [];
  private readonly maxSubnetSize: number;
  /** Firewall ids and appliance NIC ids that some route sends traffic to. */
  readonly firewallVnets = new Set<ResourceId>();
  readonly applianceNics = new Set<ResourceId>();
  readonly hubVnets = new Set<ResourceId>();
  /**
   * NSG rules for related locations, per NSG id as evidence spells it: its rules by
   * `collection/name` lower-cased (null: no such NSG). Built per NSG on first use: findings name
   * rules of a few hundred NSGs, and a table of every rule of the estate (~110,000 at tier L) cost
   * more than the lookups it served.
   */
  private readonly rulesOfNsg = new Map<string, Map<string, SecurityRule> | null>();

  /**
   * @param nsgScope FindingsOptions.nsgScope: the NSGs the per-NSG checks judge (all when undefined).
   */
  constructor(
    readonly dp: DataPlane,
    readonly nsgScope?: ReadonlySet<ResourceId>,
  ) {
    const s = dp.snapshot;
    this.classes = computeEndpointClasses(dp, () => true).classes
      .slice()
      .sort((a, b) => cmp(a.representative.subnetId, b.representative.subnetId) || a.representative.ip - b.representative.ip);
    for (const c of this.classes) {
      const list = this.classesBySubnet.get(c.representative.subnetId) ?? [];
      list.push(c);
      this.classesBySubnet.set(c.representative.subnetId, list);
    }
    for (const sub of s.subnets.values()) {
      for (const p of sub.addressPrefixes) {
        const c = parseCidr(p);
        if (c.ok) this.subnetRanges.push({ lo: c.cidr.start, hi: c.cidr.end, subnetId: sub.id });
      }
    }
    this.subnetRanges.sort((a, b) => a.lo - b.lo || a.hi - b.hi);
    this.maxSubnetSize = Math.max(1, ...this.subnetRanges.map((r) => r.hi - r.lo + 1));

    // Inspection points: Azure Firewalls, and NICs that a user route names as VirtualAppliance
    // next hop (directly, or through an internal load balancer frontend).
    for (const fw of s.azureFirewalls.values()) {
      for (const c of fw.ipConfigurations) {
        const v = c.subnetId ? s.subnets.get(c.subnetId)?.vnetId : undefined;
        if (v) this.firewallVnets.add(v);
      }
    }
    const nextHops = new Set<number>();
    for (const rt of s.routeTables.values()) {
      for (const r of rt.routes) {
        if (r.nextHopType !== 'VirtualAppliance' || !r.nextHopIpAddress) continue;
        const ip = parseIPv4(r.nextHopIpAddress);
        if (ip !== undefined) nextHops.add(ip);
      }
    }
    for (const ip of nextHops) {
      for (const e of dp.addresses.byIp.get(ip) ?? []) {
        if (e.kind === 'nic') this.applianceNics.add(e.nicId);
        if (e.kind === 'loadBalancerFrontend') {
          const lb = s.loadBalancers.get(e.loadBalancerId);
          const pools = new Set((lb?.loadBalancingRules ?? []).filter((r) => r.frontendIpConfigurationId === e.frontendId).flatMap((r) => r.backendPoolIds));
          for (const nic of s.networkInterfaces.values()) {
            if (nic.ipConfigurations.some((c) => c.loadBalancerBackendPoolIds.some((p) => pools.has(p)))) this.applianceNics.add(nic.id);
          }
        }
      }
    }
    for (const v of this.firewallVnets) this.hubVnets.add(v);
    for (const nicId of this.applianceNics) {
      const nic = s.networkInterfaces.get(nicId);
      if (!nic?.enableIpForwarding) continue;
      const sub = nic.ipConfigurations[0]?.subnetId;
      const v = sub ? s.subnets.get(sub)?.vnetId : undefined;
      if (v) this.hubVnets.add(v);
    }
  }

  private internal?: IntervalSet;

  /** The class of an endpoint of the estate (by its VNet and address), or undefined. */
  classOf(e: Endpoint): EndpointClass | undefined {
    if (!this.classIndex) {
      // Nested maps by VNet then address: no key joined per endpoint (~50,000 at tier L).
      const index = new Map<ResourceId, Map<number, EndpointClass>>();
      for (const c of this.classes) {
        for (const m of c.members) {
          let byIp = index.get(m.vnetId);
          if (!byIp) index.set(m.vnetId, (byIp = new Map()));
          byIp.set(m.ip, c);
        }
      }
      this.classIndex = index;
    }
    return this.classIndex.get(e.vnetId)?.get(e.ip);
  }

  /**
   * Addresses that can send to a private address directly: the VNets' address spaces and the
   * on-premises prefixes the gateways learn. Internet clients only reach private addresses through
   * entry points (the exposure checks), where they arrive translated or by their own path.
   */
  internalSources(): IntervalSet {
    if (!this.internal) {
      let s = IntervalSet.EMPTY;
      const learned: string[] = [];
      for (const v of this.dp.topology.vnets.values()) {
        s = s.union(v.addressSet);
        for (const l of v.learned) learned.push(l.prefix);
        for (const p of v.peers) s = s.union(p.remoteSet);
      }
      this.internal = s.union(cidrsToSet(learned).set);
    }
    return this.internal;
  }

  /** True when the estate has an inspection point (Azure Firewall or a routed appliance). */
  get hasInspection(): boolean {
    return this.dp.snapshot.azureFirewalls.size > 0 || [...this.applianceNics].some((id) => this.dp.snapshot.networkInterfaces.get(id)?.enableIpForwarding);
  }

  /** VNets connected (peered or the same) to a hub, i.e. that could route through its firewall. */
  canReachInspection(vnetId: ResourceId): boolean {
    if (this.hubVnets.has(vnetId)) return true;
    return (this.dp.topology.vnets.get(vnetId)?.peers ?? []).some((p) => p.connected && this.hubVnets.has(p.remoteVnetId));
  }

  /** Subnets whose prefixes intersect `set`, sorted by id. */
  subnetsIntersecting(set: IntervalSet): ResourceId[] {
    const out = new Set<ResourceId>();
    const list = this.subnetRanges;
    for (const [lo, hi] of set.ranges()) {
      // Sorted by start: a subnet that overlaps [lo, hi] starts between lo - (largest subnet) and hi.
      const from = Math.max(0, lo - this.maxSubnetSize + 1);
      let a = 0;
      let b = list.length;
      while (a < b) {
        const m = (a + b) >> 1;
        if (list[m].lo < from) a = m + 1;
        else b = m;
      }
      for (let i = a; i < list.length && list[i].lo <= hi; i++) if (list[i].hi >= lo) out.add(list[i].subnetId);
    }
    return [...out].sort(cmp);
  }

  private readonly subnetSets = new Map<ResourceId, IntervalSet>();

  subnetSet(subnetId: ResourceId): IntervalSet {
    let set = this.subnetSets.get(subnetId);
    if (!set) this.subnetSets.set(subnetId, (set = cidrsToSet(this.dp.snapshot.subnets.get(subnetId)?.addressPrefixes ?? []).set));
    return set;
  }

  /** The first NIC endpoint class of a subnet (its representative stands for the subnet as a source). */
  sourceOf(subnetId: ResourceId): Endpoint | undefined {
    return (this.classesBySubnet.get(subnetId) ?? []).find((c) => c.representative.kind === 'nic')?.representative;
  }

  // ---- names ----------------------------------------------------------------------------------

  subnetLabel(subnetId: ResourceId): string {
    const s = this.dp.snapshot.subnets.get(subnetId);
    if (!s) return nameFromId(subnetId);
    return `${this.dp.snapshot.virtualNetworks.get(s.vnetId)?.name ?? nameFromId(s.vnetId)}/${s.name}`;
  }

  vnetName(vnetId: ResourceId): string {
    return this.dp.snapshot.virtualNetworks.get(vnetId)?.name ?? nameFromId(vnetId);
  }

  /** `vm-jump01 (10.0.3.4)`: the VM's name when the NIC belongs to one. */
  endpointLabel(e: Endpoint): string {
    return `${this.endpointName(e)} (${e.ipText})`;
  }

  endpointName(e: Endpoint): string {
    const s = this.dp.snapshot;
    switch (e.kind) {
      case 'nic': {
        const nic = s.networkInterfaces.get(e.nicId);
        const vm = nic?.vmId ? s.virtualMachines.get(nic.vmId) : undefined;
        return vm?.name ?? nic?.name ?? nameFromId(e.nicId);
      }
      case 'privateEndpoint':
        return s.privateEndpoints.get(e.privateEndpointId)?.name ?? nameFromId(e.privateEndpointId);
      case 'loadBalancerFrontend':
        return s.loadBalancers.get(e.loadBalancerId)?.name ?? nameFromId(e.loadBalancerId);
      case 'firewall':
        return s.azureFirewalls.get(e.firewallId)?.name ?? nameFromId(e.firewallId);
      case 'applicationGateway':
        return s.applicationGateways.get(e.applicationGatewayId)?.name ?? nameFromId(e.applicationGatewayId);
    }
  }

  /** The resource a finding about an endpoint names: the NIC (or PE, LB...), its display id and source. */
  endpointResource(e: Endpoint): { resource: string; name: string; location?: FindingLocation } {
    const s = this.dp.snapshot;
    const r =
      e.kind === 'nic' ? s.networkInterfaces.get(e.nicId) :
      e.kind === 'privateEndpoint' ? s.privateEndpoints.get(e.privateEndpointId) :
      e.kind === 'loadBalancerFrontend' ? s.loadBalancers.get(e.loadBalancerId) :
      e.kind === 'firewall' ? s.azureFirewalls.get(e.firewallId) : s.applicationGateways.get(e.applicationGatewayId);
    const id = e.kind === 'nic' ? e.nicId : e.kind === 'privateEndpoint' ? e.privateEndpointId : e.kind === 'loadBalancerFrontend' ? e.loadBalancerId : e.kind === 'firewall' ? e.firewallId : e.applicationGatewayId;
    return { resource: r?.displayId ?? id, name: r?.name ?? nameFromId(id), location: loc(r?.source) };
  }

  /** Display id, name and location of any resource id in the snapshot. */
  resourceInfo(id: ResourceId): { resource: string; name: string; location?: FindingLocation } {
    const s = this.dp.snapshot;
    const key = normalizeId(id);
    const maps = [s.subnets, s.networkSecurityGroups, s.networkInterfaces, s.virtualNetworks, s.peerings, s.routeTables, s.storageAccounts, s.publicIpAddresses, s.loadBalancers, s.azureFirewalls, s.applicationGateways, s.privateEndpoints, s.virtualMachines, s.natGateways];
    for (const m of maps) {
      const r = m.get(key);
      if (r) return { resource: r.displayId, name: r.name, location: loc(r.source) };
    }
    return { resource: id, name: nameFromId(id) };
  }

  /** An NSG rule by NSG id and `securityRules/NAME` (as traces name it). */
  rule(nsgId: string, ruleName: string): SecurityRule | undefined {
    let rules = this.rulesOfNsg.get(nsgId);
    if (rules === undefined) {
      const nsg = this.dp.snapshot.networkSecurityGroups.get(normalizeId(nsgId));
      rules = nsg ? new Map([...nsg.securityRules, ...defaultSecurityRulesOf(nsg)].map((r) => [`${r.collection}/${r.name}`.toLowerCase(), r])) : null;
      this.rulesOfNsg.set(nsgId, rules);
    }
    return rules?.get(ruleName.toLowerCase());
  }

  /** Related resources for the NSG rules and firewall rules an evidence names. */
  relatedFromEvidence(ev: FindingEvidence, role = 'allowing rule'): RelatedResource[] {
    const out: RelatedResource[] = [];
    for (const a of ev.allowedBy) {
      if ('nsg' in a) {
        const r = this.rule(a.nsg, a.rule);
        out.push({ resource: r?.displayId ?? `${a.nsg}/${a.rule}`, name: `${nameFromId(a.nsg)}/${a.rule}`, role, location: loc(r?.source) });
      } else if ('firewall' in a) {
        const fw = this.resourceInfo(a.firewall);
        out.push({ resource: fw.resource, name: `${fw.name}: ${a.ruleCollection ? `${a.ruleCollection}/` : ''}${a.rule}`, role: 'allowing firewall rule', location: fw.location });
      } else {
        const sa = this.resourceInfo(a.paasFirewall);
        out.push({ resource: sa.resource, name: `${sa.name}: ${a.rule}`, role: 'allowing service rule', location: sa.location });
      }
    }
    return out;
  }

  finding(f: { id: string; severity?: Severity; resource: string; name: string; message: string; evidence?: Partial<FindingEvidence>; fix?: string; location?: FindingLocation; related?: RelatedResource[]; key?: string }): Finding {
    const entry = catalogEntry(f.id);
    const evidence: FindingEvidence = { allowedBy: [], routes: [], ...(f.evidence ?? {}) };
    return {
      id: f.id,
      severity: f.severity ?? entry.severity,
      title: entry.title,
      resource: f.resource,
      name: f.name,
      message: f.message,
      evidence,
      fix: f.fix ?? entry.fix,
      ...(f.location ? { location: f.location } : {}),
      related: f.related ?? [],
      fingerprint: `${f.id}|${normalizeId(f.resource)}${f.key ? `|${f.key}` : ''}`,
    };
  }
}

/** Whether a per-NSG check judges any of these NSGs (FindingsOptions.nsgScope). */
export function inNsgScope(ctx: FindingsContext, ...nsgIds: (ResourceId | undefined)[]): boolean {
  const scope = ctx.nsgScope;
  return scope === undefined || nsgIds.some((id) => id !== undefined && scope.has(id));
}

export function loc(s: SourceLocation | undefined): FindingLocation | undefined {
  return s ? { file: s.file, jsonPath: s.jsonPath } : undefined;
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${n} ${n === 1 ? word : pluralWord}`;
}

/** Size of an address set, as a prefix-like figure for messages. */
export function addressCount(set: IntervalSet): number {
  return set.size();
}
