// Which endpoints the internet can address at all (trace/entry-points.ts enterFromInternet): an
// instance public IP, a load balancer pool or NAT rule, an Application Gateway pool, an Azure
// Firewall DNAT rule. An endpoint with none of them, before and after a change, gets nothing from
// the internet on either side, so what-if does not walk that pair.

import type { DataPlane } from '../../dataplane/compile.ts';
import type { Endpoint } from '../../dataplane/address-index.ts';
import type { NetworkInterface, ResourceId } from '../../model/types.ts';
import { parseIPv4 } from '../../sets/ipv4.ts';
import { sameEntries } from './universe.ts';

export interface EntryIndex {
  /** NIC ip configurations with a public IP, in a load balancer pool or behind a NAT rule, or in an Application Gateway pool. */
  ipConfigurations: Set<ResourceId>;
  /** Addresses in Application Gateway pools and firewall DNAT translations. */
  ips: Set<string>;
  dnatIps: Set<number>;
  /** The snapshot's NICs (their own public IPs and pools are read from them). */
  nics: Map<ResourceId, NetworkInterface>;
}

const cache = new WeakMap<DataPlane, EntryIndex>();

export function internetEntryIndex(dp: DataPlane, reuse?: DataPlane): EntryIndex {
  const hit = cache.get(dp);
  if (hit) return hit;
  if (reuse) {
    const a = reuse.snapshot;
    const b = dp.snapshot;
    if (
      a.networkInterfaces === b.networkInterfaces &&
      sameEntries(a.loadBalancers, b.loadBalancers) &&
      sameEntries(a.applicationGateways, b.applicationGateways) &&
      sameEntries(a.azureFirewalls, b.azureFirewalls) &&
      sameEntries(a.firewallPolicies, b.firewallPolicies) &&
      sameEntries(a.firewallPolicyRuleCollectionGroups, b.firewallPolicyRuleCollectionGroups) &&
      sameEntries(a.ipGroups, b.ipGroups)
    ) {
      const idx = internetEntryIndex(reuse);
      cache.set(dp, idx);
      return idx;
    }
  }
  const s = dp.snapshot;
  // NIC-side entries are read from the NIC itself (mayEnterFromInternet); here only what other
  // resources say: NAT rules naming an ip configuration, Application Gateway pools, DNAT targets.
  const ipConfigurations = new Set<ResourceId>();
  const ips = new Set<string>();
  const dnatIps = new Set<number>();
  for (const lb of s.loadBalancers.values()) for (const r of lb.inboundNatRules) if (r.backendIpConfigurationId) ipConfigurations.add(r.backendIpConfigurationId);
  for (const agw of s.applicationGateways.values()) {
    for (const p of agw.backendPools) {
      p.ipConfigurationIds.forEach((id) => ipConfigurations.add(id));
      for (const a of p.addresses) if (a.ipAddress) ips.add(a.ipAddress.trim());
    }
  }
  // DNAT targets as written (no firewall compile): translated addresses of NAT rules.
  const natWords: string[] = [];
  for (const fw of s.azureFirewalls.values()) for (const c of fw.classicCollections) for (const r of c.rules) if (r.kind === 'nat' && r.translatedAddress) natWords.push(r.translatedAddress);
  for (const g of s.firewallPolicyRuleCollectionGroups.values()) for (const c of g.ruleCollections) for (const r of c.rules) if (r.kind === 'nat' && r.translatedAddress) natWords.push(r.translatedAddress);
  for (const w of natWords) {
    const ip = parseIPv4(w.trim().split('/')[0]);
    if (ip !== undefined) dnatIps.add(ip);
  }
  const idx = { ipConfigurations, ips, dnatIps, nics: s.networkInterfaces };
  cache.set(dp, idx);
  return idx;
}

export function mayEnterFromInternet(idx: EntryIndex, e: Endpoint): boolean {
  if (e.kind === 'nic') {
    if (idx.ipConfigurations.has(e.ipConfigurationId)) return true;
    const c = idx.nics.get(e.nicId)?.ipConfigurations.find((x) => x.id === e.ipConfigurationId);
    if (c && (c.publicIpId || c.loadBalancerBackendPoolIds.length || c.loadBalancerInboundNatRuleIds.length || c.applicationGatewayBackendPoolIds.length)) return true;
  }
  return idx.ips.has(e.ipText) || idx.dnatIps.has(e.ip);
}
