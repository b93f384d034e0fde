// Who can talk to whom, for what-if: every traffic source (NICs, the internet through public entry
// points, each on-premises site through the gateways) and every destination (NICs, private
// endpoints, internal load balancer frontends, storage accounts, the internet, each on-premises
// site). Keys are stable across the two snapshots: an endpoint is keyed by the ip configuration,
// private endpoint or frontend that holds it and its address.

import type { DataPlane } from '../../dataplane/compile.ts';
import { privateEndpointAddresses, type Endpoint } from '../../dataplane/address-index.ts';
import { AZURE_HOST_VIP_SET, INTERNET_SET } from '../../dataplane/well-known-addresses.ts';
import type { ResourceId } from '../../model/types.ts';
import { nameFromId } from '../../model/ids.ts';
import { cidrsToSet, parseCidr } from '../../sets/cidr.ts';
import { IntervalSet } from '../../sets/interval-set.ts';
import { formatIPv4, parseIPv4 } from '../../sets/ipv4.ts';
import { INTERNET_EXAMPLE } from '../../trace/run-path.ts';
import type { WhatIfParty } from './types.ts';

export const INTERNET_SOURCES = INTERNET_SET.subtract(AZURE_HOST_VIP_SET);
export const INTERNET_EXAMPLE_IP = parseIPv4(INTERNET_EXAMPLE)!;

export type SourceItem =
  | { kind: 'endpoint'; key: string; endpoint: Endpoint }
  | { kind: 'internet'; key: string }
  | { kind: 'onPremises'; key: string; lngId: ResourceId; name: string; sources: IntervalSet };

export type DestItem =
  | { kind: 'endpoint'; key: string; endpoint: Endpoint }
  | { kind: 'storage'; key: string; accountId: ResourceId; name: string; ips: IntervalSet }
  | { kind: 'internet'; key: string }
  | { kind: 'onPremises'; key: string; lngId: ResourceId; name: string; ip: number };

export interface Universe {
  dp: DataPlane;
  /** Items by key, created on demand from the address index (no estate-wide tables up front). */
  source(key: string): SourceItem | undefined;
  dest(key: string): DestItem | undefined;
  /** Sources and destinations that are not endpoints (internet, on-premises sites, storage accounts). */
  otherSources: SourceItem[];
  otherDests: DestItem[];
  /** Endpoints (NICs, private endpoints, load balancer frontends) of a subnet, of a NIC. */
  endpointsInSubnet(subnetId: ResourceId): Endpoint[];
  endpointsOfNic(nicId: ResourceId): Endpoint[];
  /** NIC sources / endpoint destinations whose address is in `set`. */
  nicSourcesIn(set: IntervalSet): SourceItem[];
  endpointDestsIn(set: IntervalSet): DestItem[];
  /** Every source and destination (built on first use: full comparisons). */
  allSources(): SourceItem[];
  allDests(): DestItem[];
  /** How many sources and destinations there are (without building them). */
  counts(): { sources: number; dests: number };
}

const KIND_CODE: Record<Endpoint['kind'], string> = { nic: 'n', privateEndpoint: 'p', loadBalancerFrontend: 'l', firewall: 'f', applicationGateway: 'a' };

/** Stable across two snapshots: the kind of endpoint, its VNet and its address. */
export function endpointItemKey(e: Endpoint): string {
  return `${KIND_CODE[e.kind]}|${e.ip}|${e.vnetId}`;
}

/** The keys of a data plane's endpoints (NICs, private endpoints, load balancer frontends). */
export function endpointKeys(dp: DataPlane): Set<string> {
  const out = new Set<string>();
  for (const m of dp.addresses.byVnet.values()) for (const e of m.values()) if (isDestKind(e)) out.add(endpointItemKey(e));
  return out;
}

/** Addresses on-premises: one site per local network gateway. */
function onPremSites(dp: DataPlane): { lngId: ResourceId; name: string; set: IntervalSet; rep: number }[] {
  const out: { lngId: ResourceId; name: string; set: IntervalSet; rep: number }[] = [];
  const connected = new Set<ResourceId>();
  for (const c of dp.snapshot.connections.values()) if (c.localNetworkGateway2Id) connected.add(c.localNetworkGateway2Id);
  for (const l of dp.snapshot.localNetworkGateways.values()) {
    if (!connected.has(l.id)) continue;
    const set = cidrsToSet(l.addressPrefixes).set;
    const first = l.addressPrefixes.map((p) => parseCidr(p)).find((p) => p.ok);
    if (set.isEmpty() || !first || !first.ok) continue;
    const c = first.cidr;
    const rep = c.end - c.start >= 4 ? c.start + 4 : c.start;
    out.push({ lngId: l.id, name: l.name, set, rep });
  }
  return out;
}

/** The address a storage account's name resolves to from outside (same stand-in as trace/reach). */
export function storagePublicStandIn(dp: DataPlane, location: string | undefined): number {
  const region = (location ?? '').replace(/\s/g, '').toLowerCase();
  const prefixes = dp.tags.tagPrefixes(`Storage.${region}`) ?? dp.tags.tagPrefixes('Storage');
  const first = prefixes?.[0];
  const ip = first ? parseIPv4(first.split('/')[0]) : undefined;
  return ip ?? INTERNET_EXAMPLE_IP;
}

const cache = new WeakMap<DataPlane, Universe>();

/** Same entries by identity (snapshots after a change share the objects it did not touch). */
export function sameEntries<K, V>(a: Map<K, V>, b: Map<K, V>): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

const isSourceKind = (e: Endpoint) => e.kind === 'nic';
const isDestKind = (e: Endpoint) => e.kind === 'nic' || e.kind === 'privateEndpoint' || e.kind === 'loadBalancerFrontend';

class LazyUniverse implements Universe {
  readonly otherSources: SourceItem[] = [];
  /** The internet and on-premises sites; storage accounts are added on first use (storageItems). */
  private readonly fixedDests: DestItem[] = [];
  private readonly others = new Map<string, SourceItem | DestItem>();
  private readonly srcItems = new Map<string, SourceItem>();
  private readonly dstItems = new Map<string, DestItem>();
  /**
   * The same items by endpoint object: a large change asks for the sources and destinations in a
   * range again and again (at tier L an outbound rule's rects are 7 × 52,000 destinations), and
   * making each one's key text to look it up cost more than the rest of listing them.
   */
  private readonly srcByEndpoint = new Map<Endpoint, SourceItem>();
  private readonly dstByEndpoint = new Map<Endpoint, DestItem>();
  private sorted?: Endpoint[];
  private subnetIndex?: Map<ResourceId, Endpoint[]>;
  private all?: { sources: SourceItem[]; dests: DestItem[] };
  private storage?: DestItem[];

  constructor(readonly dp: DataPlane) {
    const otherSrc = new Map<string, SourceItem>();
    const otherDst = new Map<string, DestItem>();
    otherSrc.set('internet', { kind: 'internet', key: 'internet' });
    otherDst.set('internet', { kind: 'internet', key: 'internet' });
    for (const site of onPremSites(dp)) {
      const key = `onprem|${site.lngId}`;
      otherSrc.set(key, { kind: 'onPremises', key, lngId: site.lngId, name: site.name, sources: site.set });
      otherDst.set(key, { kind: 'onPremises', key, lngId: site.lngId, name: site.name, ip: site.rep });
    }
    for (const [k, v] of otherSrc) {
      this.otherSources.push(v);
      this.others.set(`s:${k}`, v);
    }
    for (const [k, v] of otherDst) {
      this.fixedDests.push(v);
      this.others.set(`d:${k}`, v);
    }
  }

  /** Internet, on-premises sites, then storage accounts (in snapshot order). */
  get otherDests(): DestItem[] {
    return this.storage?.length === 0 ? this.fixedDests : [...this.fixedDests, ...this.storageItems()];
  }

  /**
   * One destination per storage account: its private endpoints' addresses and its public stand-in.
   * Built on first use: a change to one NSG's inbound rules never asks about storage accounts.
   */
  private storageItems(): DestItem[] {
    if (this.storage) return this.storage;
    const dp = this.dp;
    const s = dp.snapshot;
    const out: DestItem[] = [];
    if (s.storageAccounts.size) {
      const pesByTarget = new Map<ResourceId, ResourceId[]>();
      for (const pe of s.privateEndpoints.values()) {
        for (const c of pe.connections) {
          const l = pesByTarget.get(c.targetId);
          if (l) l.push(pe.id);
          else pesByTarget.set(c.targetId, [pe.id]);
        }
      }
      // Each private endpoint's addresses count in the VNet of its subnet.
      const byPe = privateEndpointAddresses(dp.addresses);
      const peIps = (peId: ResourceId): number[] => {
        const pe = s.privateEndpoints.get(peId);
        const vnetId = pe?.subnetId ? s.subnets.get(pe.subnetId)?.vnetId : undefined;
        return vnetId ? (byPe.get(peId) ?? []).filter((e) => e.vnetId === vnetId).map((e) => e.ip) : [];
      };
      const standIn = new Map<string, number>();
      for (const sa of s.storageAccounts.values()) {
        const ips: [number, number][] = [];
        for (const peId of pesByTarget.get(sa.id) ?? []) for (const ip of peIps(peId)) ips.push([ip, ip]);
        let pub = standIn.get(sa.location ?? '');
        if (pub === undefined) standIn.set(sa.location ?? '', (pub = storagePublicStandIn(dp, sa.location)));
        ips.push([pub, pub]);
        const key = `storage|${sa.id}`;
        const item: DestItem = { kind: 'storage', key, accountId: sa.id, name: sa.name, ips: IntervalSet.fromRanges(ips) };
        out.push(item);
        this.others.set(`d:${key}`, item);
      }
    }
    return (this.storage = out);
  }

  private endpointOf(key: string): Endpoint | undefined {
    const a = key.indexOf('|');
    const b = key.indexOf('|', a + 1);
    if (a !== 1 || b < 0) return undefined;
    const e = this.dp.addresses.byVnet.get(key.slice(b + 1))?.get(Number(key.slice(a + 1, b)));
    return e && KIND_CODE[e.kind] === key[0] ? e : undefined;
  }

  source(key: string): SourceItem | undefined {
    // Endpoint items first (the common case; their keys never name another kind of item).
    let it = this.srcItems.get(key);
    if (it) return it;
    const o = this.others.get(`s:${key}`);
    if (o) return o as SourceItem;
    const e = this.endpointOf(key);
    if (!e || !isSourceKind(e)) return undefined;
    this.srcItems.set(key, (it = { kind: 'endpoint', key, endpoint: e }));
    return it;
  }

  dest(key: string): DestItem | undefined {
    let it = this.dstItems.get(key);
    if (it) return it;
    if (!this.storage && key.startsWith('storage|')) this.storageItems();
    const o = this.others.get(`d:${key}`);
    if (o) return o as DestItem;
    const e = this.endpointOf(key);
    if (!e || !isDestKind(e)) return undefined;
    this.dstItems.set(key, (it = { kind: 'endpoint', key, endpoint: e }));
    return it;
  }

  endpointsInSubnet(subnetId: ResourceId): Endpoint[] {
    if (!this.subnetIndex) {
      // One pass over the VNet that holds the subnet is enough; index lazily per VNet.
      this.subnetIndex = new Map();
    }
    let l = this.subnetIndex.get(subnetId);
    if (l) return l;
    const vnetId = this.dp.snapshot.subnets.get(subnetId)?.vnetId;
    const m = vnetId ? this.dp.addresses.byVnet.get(vnetId) : undefined;
    l = [];
    for (const e of m?.values() ?? []) if (e.subnetId === subnetId && isDestKind(e)) l.push(e);
    this.subnetIndex.set(subnetId, l);
    return l;
  }

  endpointsOfNic(nicId: ResourceId): Endpoint[] {
    const s = this.dp.snapshot;
    const nic = s.networkInterfaces.get(nicId);
    const out: Endpoint[] = [];
    for (const c of nic?.ipConfigurations ?? []) {
      const ip = c.privateIp ? parseIPv4(c.privateIp.split('/')[0]) : undefined;
      const vnetId = c.subnetId ? s.subnets.get(c.subnetId)?.vnetId : undefined;
      const e = ip !== undefined && vnetId ? this.dp.addresses.byVnet.get(vnetId)?.get(ip) : undefined;
      if (e && isDestKind(e) && (e.kind === 'nic' ? e.nicId === nicId : e.kind === 'privateEndpoint' ? e.nicId === nicId : false)) out.push(e);
    }
    return out;
  }

  private sortedEndpoints(): Endpoint[] {
    if (!this.sorted) {
      const all: Endpoint[] = [];
      for (const m of this.dp.addresses.byVnet.values()) for (const e of m.values()) if (isDestKind(e)) all.push(e);
      this.sorted = all.sort((a, b) => a.ip - b.ip);
    }
    return this.sorted;
  }

  private inSet(set: IntervalSet): Endpoint[] {
    const sorted = this.sortedEndpoints();
    const out: Endpoint[] = [];
    if (set.isEmpty()) return out;
    for (const [lo, hi] of set.ranges()) {
      let a = 0;
      let b = sorted.length;
      while (a < b) {
        const m = (a + b) >> 1;
        if (sorted[m].ip < lo) a = m + 1;
        else b = m;
      }
      for (let i = a; i < sorted.length && sorted[i].ip <= hi; i++) out.push(sorted[i]);
    }
    return out;
  }

  nicSourcesIn(set: IntervalSet): SourceItem[] {
    return this.inSet(set).filter(isSourceKind).map((e) => {
      let it = this.srcByEndpoint.get(e);
      if (it === undefined) this.srcByEndpoint.set(e, (it = this.source(endpointItemKey(e))!));
      return it;
    });
  }

  endpointDestsIn(set: IntervalSet): DestItem[] {
    return this.inSet(set).map((e) => {
      let it = this.dstByEndpoint.get(e);
      if (it === undefined) this.dstByEndpoint.set(e, (it = this.dest(endpointItemKey(e))!));
      return it;
    });
  }

  private enumerate(): { sources: SourceItem[]; dests: DestItem[] } {
    if (!this.all) {
      const sources: SourceItem[] = [];
      const dests: DestItem[] = [];
      for (const e of this.sortedEndpoints()) {
        const k = endpointItemKey(e);
        if (isSourceKind(e)) sources.push(this.source(k)!);
        dests.push(this.dest(k)!);
      }
      this.all = { sources: [...sources, ...this.otherSources], dests: [...dests, ...this.otherDests] };
    }
    return this.all;
  }

  allSources(): SourceItem[] {
    return this.enumerate().sources;
  }

  private counted?: { sources: number; dests: number };

  counts(): { sources: number; dests: number } {
    if (this.all) return { sources: this.all.sources.length, dests: this.all.dests.length };
    if (this.counted) return this.counted;
    let sources = this.otherSources.length;
    // Every storage account is a destination (without building them).
    let dests = this.fixedDests.length + (this.storage ? this.storage.length : this.dp.snapshot.storageAccounts.size);
    for (const m of this.dp.addresses.byVnet.values()) {
      for (const e of m.values()) {
        if (isSourceKind(e)) sources++;
        if (isDestKind(e)) dests++;
      }
    }
    return (this.counted = { sources, dests });
  }

  allDests(): DestItem[] {
    return this.enumerate().dests;
  }
}

/**
 * The universe of a data plane. `reuse`: a data plane whose universe can be shared when both have
 * the same address index, service tags, storage accounts, private endpoints and gateways (a change
 * that only touches rules, routes or associations).
 */
export function universeOf(dp: DataPlane, reuse?: DataPlane): Universe {
  const hit = cache.get(dp);
  if (hit) return hit;
  if (reuse && reuse.addresses === dp.addresses && reuse.tags === dp.tags) {
    const a = reuse.snapshot;
    const b = dp.snapshot;
    if (sameEntries(a.storageAccounts, b.storageAccounts) && sameEntries(a.privateEndpoints, b.privateEndpoints) && sameEntries(a.localNetworkGateways, b.localNetworkGateways) && sameEntries(a.connections, b.connections)) {
      const u = universeOf(reuse);
      cache.set(dp, u);
      return u;
    }
  }
  const u = new LazyUniverse(dp);
  cache.set(dp, u);
  return u;
}

/** What the answer shows for an endpoint. */
export function endpointParty(dp: DataPlane, e: Endpoint): WhatIfParty {
  const s = dp.snapshot;
  const sub = s.subnets.get(e.subnetId);
  const vnet = sub ? s.virtualNetworks.get(sub.vnetId) : undefined;
  const subnet = sub ? `${vnet?.name ?? nameFromId(sub.vnetId)}/${sub.name}` : undefined;
  let name: string;
  let id: string;
  switch (e.kind) {
    case 'nic': {
      const nic = s.networkInterfaces.get(e.nicId);
      const vm = nic?.vmId ? s.virtualMachines.get(nic.vmId) : undefined;
      const primary = !nic || nic.ipConfigurations.length <= 1 || nic.ipConfigurations.find((c) => c.primary)?.id === e.ipConfigurationId;
      name = (vm?.name ?? nic?.name ?? nameFromId(e.nicId)) + (primary ? '' : ` (${e.ipText})`);
      id = nic?.displayId ?? e.nicId;
      break;
    }
    case 'privateEndpoint': {
      const pe = s.privateEndpoints.get(e.privateEndpointId);
      name = pe?.name ?? nameFromId(e.privateEndpointId);
      id = pe?.displayId ?? e.privateEndpointId;
      break;
    }
    case 'loadBalancerFrontend': {
      const lb = s.loadBalancers.get(e.loadBalancerId);
      name = `${lb?.name ?? nameFromId(e.loadBalancerId)} (${e.ipText})`;
      id = lb?.displayId ?? e.loadBalancerId;
      break;
    }
    case 'firewall': {
      const fw = s.azureFirewalls.get(e.firewallId);
      name = fw?.name ?? nameFromId(e.firewallId);
      id = fw?.displayId ?? e.firewallId;
      break;
    }
    case 'applicationGateway': {
      const ag = s.applicationGateways.get(e.applicationGatewayId);
      name = ag?.name ?? nameFromId(e.applicationGatewayId);
      id = ag?.displayId ?? e.applicationGatewayId;
      break;
    }
  }
  return { kind: 'endpoint', name, id, endpointKind: e.kind, ips: [e.ipText], ...(subnet ? { subnet } : {}) };
}

export function sourceParty(dp: DataPlane, s: SourceItem): WhatIfParty {
  if (s.kind === 'endpoint') return endpointParty(dp, s.endpoint);
  if (s.kind === 'internet') return { kind: 'internet', name: 'internet' };
  const l = dp.snapshot.localNetworkGateways.get(s.lngId);
  return { kind: 'onPremises', name: `on-premises (${s.name})`, id: l?.displayId ?? s.lngId };
}

export function destParty(dp: DataPlane, d: DestItem): WhatIfParty {
  if (d.kind === 'endpoint') return endpointParty(dp, d.endpoint);
  if (d.kind === 'internet') return { kind: 'internet', name: 'internet', ips: [INTERNET_EXAMPLE] };
  if (d.kind === 'storage') {
    const sa = dp.snapshot.storageAccounts.get(d.accountId);
    return { kind: 'storageAccount', name: d.name, id: sa?.displayId ?? d.accountId };
  }
  const l = dp.snapshot.localNetworkGateways.get(d.lngId);
  return { kind: 'onPremises', name: `on-premises (${d.name})`, id: l?.displayId ?? d.lngId, ips: [formatIPv4(d.ip)] };
}
