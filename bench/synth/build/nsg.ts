// Network security groups: custom securityRules, the six defaultSecurityRules exactly as
// NetworkSecurityGroupGet.json lists them, and the back-references Azure returns.

import { childId, ref, TYPES } from '../ids.ts';
import type { RuleEndpoint, RuleSpec } from '../nsg-rules.ts';
import { type ArmResource, armResource, type Json, SUCCEEDED } from './resource.ts';

interface DefaultRule {
  name: string;
  description: string;
  access: 'Allow' | 'Deny';
  destinationAddressPrefix: string;
  direction: 'Inbound' | 'Outbound';
  priority: number;
  sourceAddressPrefix: string;
}

export const DEFAULT_RULES: readonly DefaultRule[] = [
  { name: 'AllowVnetInBound', description: 'Allow inbound traffic from all VMs in VNET', access: 'Allow', destinationAddressPrefix: 'VirtualNetwork', direction: 'Inbound', priority: 65000, sourceAddressPrefix: 'VirtualNetwork' },
  { name: 'AllowAzureLoadBalancerInBound', description: 'Allow inbound traffic from azure load balancer', access: 'Allow', destinationAddressPrefix: '*', direction: 'Inbound', priority: 65001, sourceAddressPrefix: 'AzureLoadBalancer' },
  { name: 'DenyAllInBound', description: 'Deny all inbound traffic', access: 'Deny', destinationAddressPrefix: '*', direction: 'Inbound', priority: 65500, sourceAddressPrefix: '*' },
  { name: 'AllowVnetOutBound', description: 'Allow outbound traffic from all VMs to all VMs in VNET', access: 'Allow', destinationAddressPrefix: 'VirtualNetwork', direction: 'Outbound', priority: 65000, sourceAddressPrefix: 'VirtualNetwork' },
  { name: 'AllowInternetOutBound', description: 'Allow outbound traffic from all VMs to Internet', access: 'Allow', destinationAddressPrefix: 'Internet', direction: 'Outbound', priority: 65001, sourceAddressPrefix: '*' },
  { name: 'DenyAllOutBound', description: 'Deny all outbound traffic', access: 'Deny', destinationAddressPrefix: '*', direction: 'Outbound', priority: 65500, sourceAddressPrefix: '*' },
];

function defaultRule(nsgId: string, r: DefaultRule): Json {
  return {
    name: r.name,
    id: childId(nsgId, 'defaultSecurityRules', r.name),
    properties: {
      description: r.description,
      access: r.access,
      destinationAddressPrefix: r.destinationAddressPrefix,
      destinationPortRange: '*',
      direction: r.direction,
      priority: r.priority,
      provisioningState: SUCCEEDED,
      sourceAddressPrefix: r.sourceAddressPrefix,
      sourcePortRange: '*',
      protocol: '*',
    },
  };
}

function side(e: RuleEndpoint, which: 'source' | 'destination'): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  if ('prefix' in e) out[`${which}AddressPrefix`] = e.prefix;
  out[`${which}AddressPrefixes`] = 'prefixes' in e ? e.prefixes : [];
  if ('asgIds' in e) out[`${which}ApplicationSecurityGroups`] = e.asgIds.map(ref);
  return out;
}

/** A custom rule in the REST shape (plural fields present and empty when unused, as Azure returns them). */
export function buildSecurityRule(nsgId: string, r: RuleSpec): Json {
  const ports = r.destinationPorts;
  const properties: { [key: string]: Json } = {
    description: r.description,
    protocol: r.protocol,
    sourcePortRange: '*',
  };
  if (!Array.isArray(ports)) properties.destinationPortRange = ports;
  Object.assign(properties, side(r.source, 'source'), side(r.destination, 'destination'));
  properties.access = r.access;
  properties.priority = r.priority;
  properties.direction = r.direction;
  properties.sourcePortRanges = [];
  properties.destinationPortRanges = Array.isArray(ports) ? ports : [];
  properties.provisioningState = SUCCEEDED;
  return { name: r.name, id: childId(nsgId, 'securityRules', r.name), properties };
}

export interface NsgInput {
  id: string;
  name: string;
  location: string;
  rules: readonly RuleSpec[];
  /** Subnets associated with it. */
  subnetIds: readonly string[];
  /** NICs associated with it directly. */
  nicIds: readonly string[];
  resourceGuid: string;
}

export function buildNsg(n: NsgInput): ArmResource {
  const properties: { [key: string]: Json } = {
    provisioningState: SUCCEEDED,
    resourceGuid: n.resourceGuid,
    securityRules: n.rules.map((r) => buildSecurityRule(n.id, r)),
    defaultSecurityRules: DEFAULT_RULES.map((r) => defaultRule(n.id, r)),
  };
  if (n.subnetIds.length > 0) properties.subnets = n.subnetIds.map(ref);
  if (n.nicIds.length > 0) properties.networkInterfaces = n.nicIds.map(ref);
  return armResource(n.id, n.name, TYPES.networkSecurityGroup, n.location, properties);
}
