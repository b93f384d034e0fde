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

/** The default rules of one NSG, with ids `<nsg>/defaultSecurityRules/<Name>` as Azure gives them. */
export function buildDefaultSecurityRules(nsgId: string, nsgDisplayId: string): SecurityRule[] {
  return DEFAULT_SECURITY_RULES.map((spec) => ({
    id: `${nsgId}/defaultsecurityrules/${spec.name.toLowerCase()}`,
    displayId: `${nsgDisplayId}/defaultSecurityRules/${spec.name}`,
    name: spec.name,
    nsgId,
    collection: 'defaultSecurityRules' as const,
    priority: spec.priority,
    direction: spec.direction,
    access: spec.access,
    protocol: '*' as const,
    sourceAddressPrefixes: [spec.source],
    destinationAddressPrefixes: [spec.destination],
    sourceAsgIds: [],
    destinationAsgIds: [],
    sourcePortRanges: ['*'],
    destinationPortRanges: ['*'],
    description: spec.description,
  }));
}
