// The six default security rules every NSG carries (rule book 2.1), named exactly as the ARM API
// lists them in `properties.defaultSecurityRules` (rule 2.2: use the ARM spelling).
// Source: learn.microsoft.com/azure/virtual-network/network-security-groups-overview#default-security-rules
// and NetworkSecurityGroupGet.json (azure-rest-api-specs).

import type { Access, Direction, NetworkSecurityGroup, SecurityRule } from './types.ts';

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
  return DEFAULT_SECURITY_RULES.map((spec, i) => buildDefaultRule(nsgId, nsgDisplayId, i));
}

function buildDefaultRule(nsgId: string, nsgDisplayId: string, i: number): SecurityRule {
  const spec = DEFAULT_SECURITY_RULES[i];
  return {
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
  };
}

/**
 * Rule 2.1: every NSG holds all six default rules ("You can't remove the default rules", S2). The
 * ones `given` lacks, built as Azure documents them; names compare case-insensitively, so the doc
 * headings' spelling (DenyAllInbound, rule 2.2) counts as the ARM rule. Allocates nothing when all
 * six are there (the common case, run per NSG).
 */
export function missingDefaultSecurityRules(nsgId: string, nsgDisplayId: string, given: readonly SecurityRule[]): readonly SecurityRule[] {
  let missing: SecurityRule[] | undefined;
  for (let i = 0; i < LOWER_NAMES.length; i++) {
    if (hasRuleNamed(given, LOWER_NAMES[i])) continue;
    (missing ??= []).push(buildDefaultRule(nsgId, nsgDisplayId, i));
  }
  return missing ?? NO_RULES;
}

const NO_RULES: readonly SecurityRule[] = Object.freeze([]);

function hasRuleNamed(rules: readonly SecurityRule[], lowerName: string): boolean {
  for (const r of rules) if (r.name.length === lowerName.length && r.name.toLowerCase() === lowerName) return true;
  return false;
}

/** Completed default rule lists of NSGs that lack some, by the list they completed (stable rule identities). */
const completed = new WeakMap<readonly SecurityRule[], { givenLength: number; list: SecurityRule[] }>();

/**
 * The NSG's default rules as Azure has them: those it holds, then any of the six it lacks (rule
 * 2.1). The importer completes every NSG it reads; this covers snapshots built by other code, so
 * that no answer depends on who built the snapshot. Returns `nsg.defaultSecurityRules` itself when
 * complete.
 */
export function defaultSecurityRulesOf(nsg: NetworkSecurityGroup): SecurityRule[] {
  const given = nsg.defaultSecurityRules;
  const known = completed.get(given);
  if (known !== undefined && known.givenLength === given.length) return known.list;
  const missing = missingDefaultSecurityRules(nsg.id, nsg.displayId, given);
  if (missing.length === 0) return given;
  const list = [...given, ...missing];
  completed.set(given, { givenLength: given.length, list });
  return list;
}
