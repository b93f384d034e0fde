// What was imported: counts per resource type, diagnostics, unsupported resources.

import type { Snapshot } from '../model/types.ts';
import type { Diagnostic } from '../model/diagnostics.ts';
import { compareText } from './collation.ts';

export interface SnapshotSummary {
  files: number;
  counts: Record<string, number>;
  securityRules: number;
  routes: number;
  unsupported: { type: string; count: number; ids: string[] }[];
  diagnostics: { errors: number; warnings: number; infos: number; list: Diagnostic[] };
  serviceTags?: { origin: string; tags: number; changeNumber?: number };
}

export function summarizeSnapshot(s: Snapshot): SnapshotSummary {
  const counts: Record<string, number> = {
    virtualNetworks: s.virtualNetworks.size,
    subnets: s.subnets.size,
    virtualNetworkPeerings: s.peerings.size,
    networkInterfaces: s.networkInterfaces.size,
    networkSecurityGroups: s.networkSecurityGroups.size,
    applicationSecurityGroups: s.applicationSecurityGroups.size,
    routeTables: s.routeTables.size,
    publicIPAddresses: s.publicIpAddresses.size,
    natGateways: s.natGateways.size,
    loadBalancers: s.loadBalancers.size,
    applicationGateways: s.applicationGateways.size,
    virtualNetworkGateways: s.virtualNetworkGateways.size,
    localNetworkGateways: s.localNetworkGateways.size,
    connections: s.connections.size,
    azureFirewalls: s.azureFirewalls.size,
    firewallPolicies: s.firewallPolicies.size,
    firewallPolicyRuleCollectionGroups: s.firewallPolicyRuleCollectionGroups.size,
    ipGroups: s.ipGroups.size,
    privateEndpoints: s.privateEndpoints.size,
    storageAccounts: s.storageAccounts.size,
    virtualMachines: s.virtualMachines.size,
  };
  let securityRules = 0;
  for (const n of s.networkSecurityGroups.values()) securityRules += n.securityRules.length;
  let routes = 0;
  for (const t of s.routeTables.values()) routes += t.routes.length;
  const byType = new Map<string, string[]>();
  for (const u of s.unsupported) {
    const list = byType.get(u.type) ?? [];
    list.push(u.displayId);
    byType.set(u.type, list);
  }
  const unsupported = [...byType].map(([type, ids]) => ({ type, count: ids.length, ids })).sort((a, b) => b.count - a.count || compareText(a.type, b.type));
  const sev = (x: string) => s.diagnostics.filter((d) => d.severity === x).length;
  return {
    files: s.files.length,
    counts,
    securityRules,
    routes,
    unsupported,
    diagnostics: { errors: sev('error'), warnings: sev('warning'), infos: sev('info'), list: s.diagnostics },
    serviceTags: s.serviceTags ? { origin: s.serviceTags.origin, tags: s.serviceTags.tags.size, changeNumber: s.serviceTags.changeNumber } : undefined,
  };
}
