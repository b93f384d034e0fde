// Which endpoints the internet can address at all (trace/entry-points.ts enterFromInternet): an
// instance public IP, a load balancer pool or NAT rule, an Application Gateway pool, an Azure
// Firewall DNAT rule. An endpoint with none of them, before and after a change, gets nothing from
// the internet on either side, so what-if does not walk that pair.

import type { DataPlane } from '../../dataplane/compile.ts';
import type { Endpoint } from '../../dataplane/address-index.ts';
import { firewallNatRules } from '../../firewall/evaluate-firewall.ts';
import type { ResourceId } from '../../model/types.ts';
import { sameEntries } from './universe.ts';

export interface EntryIndex {
  /** NIC ip configurations with a public IP, in a load balancer pool or behind a NAT rule, or in an Application Gateway pool. */
  ipConfigurations: Set<ResourceId>;
  /** Addresses in Application Gateway pools and firewall DNAT translations. */
  ips: Set<string>;
  dnatIps: Set<number>;
}

const cache = new WeakMap<DataPlane, EntryIndex>();

export function internetEntryIndex(dp: DataPlane, reuse?: DataPlane): EntryIndex {
  const hit = cache.get(dp);
  if (hit) return hit;
  if (reuse) {
    const a = reuse.snapshot;
    const b = dp.snapshot;
    if (
      sameEntries(a.networkInterfaces, b.networkInterfaces) &&
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
  const ipConfigurations = new Set<ResourceId>();
  const ips = new Set<string>();
  const dnatIps = new Set<number>();
  for (const nic of s.networkInterfaces.values()) {
    for (const c of nic.ipConfigurations) {
      if (c.publicIpId || c.loadBalancerBackendPoolIds.length || c.loadBalancerInboundNatRuleIds.length || c.applicationGatewayBackendPoolIds.length) ipConfigurations.add(c.id);
    }
  }
  for (const lb of s.loadBalancers.values()) for (const r of lb.inboundNatRules) if (r.backendIpConfigurationId) ipConfigurations.add(r.backendIpConfigurationId);
  for (const agw of s.applicationGateways.values()) {
    for (const p of agw.backendPools) {
      p.ipConfigurationIds.forEach((id) => ipConfigurations.add(id));
      for (const a of p.addresses) if (a.ipAddress) ips.add(a.ipAddress.trim());
    }
  }
  for (const fw of s.azureFirewalls.values()) for (const { rule } of firewallNatRules(dp, fw)) if (rule.translatedIp !== undefined) dnatIps.add(rule.translatedIp);
  const idx = { ipConfigurations, ips, dnatIps };
  cache.set(dp, idx);
  return idx;
}

export function mayEnterFromInternet(idx: EntryIndex, e: Endpoint): boolean {
  if (e.kind === 'nic' && idx.ipConfigurations.has(e.ipConfigurationId)) return true;
  return idx.ips.has(e.ipText) || idx.dnatIps.has(e.ip);
}
