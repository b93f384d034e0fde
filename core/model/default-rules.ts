// The six default security rules every NSG carries (rule book 2.1), named exactly as the ARM API
// lists them in `properties.defaultSecurityRules` (rule 2.2: use the ARM spelling).
// Source: learn.microsoft.com/azure/virtual-network/network-security-groups-overview#default-security-rules
// and NetworkSecurityGroupGet.json (azure-rest-api-specs).

import type { Access, Direction, SecurityRule } from './types.ts';

interface DefaultRuleSpec {
  name: string;
  direction: Direction;
  priority: number;
  source: string;
  destination: string;
  access: Access;
  description: string;
}

export const DEFAULT_SECURITY_RULES: readonly DefaultRuleSpec[] = [
  { name: 'AllowVnetInBound', direction: 'Inbound', priority: 65000, source: 'VirtualNetwork', destination: 'VirtualNetwork', access: 'Allow', description: 'Allow inbound traffic from all VMs in VNET' },
  { name: 'AllowAzureLoadBalancerInBound', direction: 'Inbound', priority: 65001, source: 'AzureLoadBalancer', destination: '*', access: 'Allow', description: 'Allow inbound traffic from azure load balancer' },
  { name: 'DenyAllInBound', direction: 'Inbound', priority: 65500, source: '*', destination: '*', access: 'Deny', description: 'Deny all inbound traffic' },
  { name: 'AllowVnetOutBound', direction: 'Outbound', priority: 65000, source: 'VirtualNetwork', destination: 'VirtualNetwork', access: 'Allow', description: 'Allow outbound traffic from all VMs to all VMs in VNET' },
  { name: 'AllowInternetOutBound', direction: 'Outbound', priority: 65001, source: '*', destination: 'Internet', access: 'Allow', description: 'Allow outbound traffic from all VMs to Internet' },
  { name: 'DenyAllOutBound', direction: 'Outbound', priority: 65500, source: '*', destination: '*', access: 'Deny', description: 'Deny all outbound traffic' },
];

/**
 * The lists the default rules hold, one frozen copy each: every NSG without exported defaults gets
 * the same six rules, so their address, port and ASG lists are shared rather than built per NSG.
 */
const frozen = (values: string[]): string[] => Object.freeze(values) as string[];
const NO_IDS = frozen([]);
const ANY = frozen(['*']);
const SHARED_LISTS = new Map<string, string[]>([['*', ANY]]);
function sharedList(value: string): string[] {
  let l = SHARED_LISTS.get(value);
  if (l === undefined) SHARED_LISTS.set(value, (l = frozen([value])));
  return l;
}
const LOWER_NAMES = DEFAULT_SECURITY_RULES.map((spec) => spec.name.toLowerCase());

/** The default rules of one NSG, with ids `<nsg>/defaultSecurityRules/<Name>` as Azure gives them. */
export function buildDefaultSecurityRules(nsgId: string, nsgDisplayId: string): SecurityRule[] {
  return DEFAULT_SECURITY_RULES.map((spec, i) => ({
    id: `${nsgId}/defaultsecurityrules/${LOWER_NAMES[i]}`,
    displayId: `${nsgDisplayId}/defaultSecurityRules/${spec.name}`,
    name: spec.name,
    nsgId,
    collection: 'defaultSecurityRules' as const,
    priority: spec.priority,
    direction: spec.direction,
    access: spec.access,
    protocol: '*' as const,
    sourceAddressPrefixes: sharedList(spec.source),
    destinationAddressPrefixes: sharedList(spec.destination),
    sourceAsgIds: NO_IDS,
    destinationAsgIds: NO_IDS,
    sourcePortRanges: ANY,
    destinationPortRanges: ANY,
    description: spec.description,
  }));
}
