// Counting what was generated, per resource type, children included.

import type { ArmResource, Json } from './build/resource.ts';
import type { EstateCounts } from './tiers.ts';

export type Counts = Record<string, number>;

const CHILDREN: readonly [string, string, string][] = [
  ['Microsoft.Network/virtualNetworks', 'subnets', 'Microsoft.Network/virtualNetworks/subnets'],
  ['Microsoft.Network/virtualNetworks', 'virtualNetworkPeerings', 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings'],
  ['Microsoft.Network/networkSecurityGroups', 'securityRules', 'Microsoft.Network/networkSecurityGroups/securityRules'],
  ['Microsoft.Network/networkSecurityGroups', 'defaultSecurityRules', 'Microsoft.Network/networkSecurityGroups/defaultSecurityRules'],
  ['Microsoft.Network/routeTables', 'routes', 'Microsoft.Network/routeTables/routes'],
];

export function countResource(counts: Counts, r: ArmResource): void {
  counts[r.type] = (counts[r.type] ?? 0) + 1;
  const props = r.properties as { [key: string]: Json | undefined } | undefined;
  for (const [parent, key, child] of CHILDREN) {
    if (r.type !== parent) continue;
    const list = props?.[key];
    counts[child] = (counts[child] ?? 0) + (Array.isArray(list) ? list.length : 0);
  }
}

/** Counts in the order and with the keys of EstateCounts (zero for absent types). */
export function normaliseCounts(counts: Counts, template: EstateCounts): EstateCounts {
  const out = { ...template };
  for (const key of Object.keys(out) as (keyof EstateCounts)[]) out[key] = counts[key] ?? 0;
  return out;
}
