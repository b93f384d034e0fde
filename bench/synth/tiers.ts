// Tier definitions (S, M, L, XL) and the resource counts each one produces, computed from the
// numbers alone: the generator must write exactly these counts for any seed.

import { HUB_VM_ROLES, REGIONS, STORAGE_GROUP_IDS } from './catalog.ts';
import {
  BASE_POLICY_RULE_COLLECTION_GROUPS, DEFAULT_SECURITY_RULES, HUB_EGRESS_ROUTES, HUB_NSGS, HUB_PUBLIC_IPS,
  HUB_ROUTE_TABLES, HUB_RULE_COLLECTION_GROUPS, HUB_SUBNETS, HUB_VM_SUBNET_FIRST_OFFSET, JUMPBOX_NSG_RULES,
  MAX_HOSTS_PER_SUBNET, MAX_SPOKES_PER_HUB, MAX_WORKLOAD_SUBNETS, SPOKE_NSGS, SPOKE_ROUTES,
} from './shape.ts';

export type TierName = 'S' | 'M' | 'L' | 'XL';
export const TIER_NAMES: readonly TierName[] = ['S', 'M', 'L', 'XL'];

export interface TierDefinition {
  tier: TierName;
  /** Hubs; one per region. */
  hubs: number;
  spokesPerHub: number;
  /** Workload subnets per spoke; each spoke also has one private-endpoint subnet. */
  workloadSubnetsPerSpoke: number;
  /** VM NICs in each workload subnet. */
  vmNicsPerWorkloadSubnet: number;
  /** Private endpoints (each with its NIC) in each spoke's private-endpoint subnet. */
  privateEndpointsPerSpoke: number;
  storageAccountsPerSpoke: number;
  /** VM NICs in each hub, spread over the hub's VM subnets. */
  vmNicsPerHub: number;
  /** Custom security rules per NSG, on average (the total is exactly NSGs x this). */
  rulesPerNsg: number;
  /** Every k-th spoke has a public load balancer in front of its web tier; 0 = none. */
  loadBalancerEverySpokes: number;
  /** Landing-zone subscriptions the spokes are spread over. */
  landingZoneSubscriptions: number;
  /** Spokes written per output file. */
  spokesPerFile: number;
  /** Planted mistakes of each kind. */
  mistakesPerKind: number;
}

export const TIERS: Readonly<Record<TierName, TierDefinition>> = {
  S: {
    tier: 'S', hubs: 2, spokesPerHub: 9, workloadSubnetsPerSpoke: 4, vmNicsPerWorkloadSubnet: 5,
    privateEndpointsPerSpoke: 2, storageAccountsPerSpoke: 1, vmNicsPerHub: 52, rulesPerNsg: 20,
    loadBalancerEverySpokes: 0, landingZoneSubscriptions: 2, spokesPerFile: 50, mistakesPerKind: 1,
  },
  M: {
    tier: 'M', hubs: 4, spokesPerHub: 49, workloadSubnetsPerSpoke: 5, vmNicsPerWorkloadSubnet: 4,
    privateEndpointsPerSpoke: 5, storageAccountsPerSpoke: 1, vmNicsPerHub: 25, rulesPerNsg: 30,
    loadBalancerEverySpokes: 4, landingZoneSubscriptions: 6, spokesPerFile: 50, mistakesPerKind: 1,
  },
  L: {
    tier: 'L', hubs: 10, spokesPerHub: 99, workloadSubnetsPerSpoke: 9, vmNicsPerWorkloadSubnet: 5,
    privateEndpointsPerSpoke: 5, storageAccountsPerSpoke: 2, vmNicsPerHub: 50, rulesPerNsg: 50,
    loadBalancerEverySpokes: 5, landingZoneSubscriptions: 20, spokesPerFile: 50, mistakesPerKind: 2,
  },
  XL: {
    tier: 'XL', hubs: 40, spokesPerHub: 99, workloadSubnetsPerSpoke: 9, vmNicsPerWorkloadSubnet: 5,
    privateEndpointsPerSpoke: 5, storageAccountsPerSpoke: 2, vmNicsPerHub: 50, rulesPerNsg: 50,
    loadBalancerEverySpokes: 5, landingZoneSubscriptions: 80, spokesPerFile: 50, mistakesPerKind: 4,
  },
};

/** Resource counts per type (top-level resources and embedded children). */
export interface EstateCounts {
  'Microsoft.Network/virtualNetworks': number;
  'Microsoft.Network/virtualNetworks/subnets': number;
  'Microsoft.Network/virtualNetworks/virtualNetworkPeerings': number;
  'Microsoft.Network/networkInterfaces': number;
  'Microsoft.Network/networkSecurityGroups': number;
  'Microsoft.Network/networkSecurityGroups/securityRules': number;
  'Microsoft.Network/networkSecurityGroups/defaultSecurityRules': number;
  'Microsoft.Network/applicationSecurityGroups': number;
  'Microsoft.Network/routeTables': number;
  'Microsoft.Network/routeTables/routes': number;
  'Microsoft.Network/publicIPAddresses': number;
  'Microsoft.Network/loadBalancers': number;
  'Microsoft.Network/azureFirewalls': number;
  'Microsoft.Network/firewallPolicies': number;
  'Microsoft.Network/firewallPolicies/ruleCollectionGroups': number;
  'Microsoft.Network/virtualNetworkGateways': number;
  'Microsoft.Network/localNetworkGateways': number;
  'Microsoft.Network/connections': number;
  'Microsoft.Network/privateEndpoints': number;
  'Microsoft.Storage/storageAccounts': number;
  'Microsoft.Compute/virtualMachines': number;
}

/** Counts that are children embedded in a parent, not resources written on their own. */
export const CHILD_TYPES: ReadonlySet<keyof EstateCounts> = new Set([
  'Microsoft.Network/virtualNetworks/subnets',
  'Microsoft.Network/virtualNetworks/virtualNetworkPeerings',
  'Microsoft.Network/networkSecurityGroups/securityRules',
  'Microsoft.Network/networkSecurityGroups/defaultSecurityRules',
  'Microsoft.Network/routeTables/routes',
] as const);

export function spokeCount(def: TierDefinition): number {
  return def.hubs * def.spokesPerHub;
}

export function loadBalancerCount(def: TierDefinition): number {
  return def.loadBalancerEverySpokes > 0 ? Math.floor(spokeCount(def) / def.loadBalancerEverySpokes) : 0;
}

/** Whether spoke number `spokeIndex` (estate-wide, from 0) has a public load balancer. */
export function spokeHasLoadBalancer(def: TierDefinition, spokeIndex: number): boolean {
  const k = def.loadBalancerEverySpokes;
  return k > 0 && spokeIndex % k === k - 1;
}

/** The counts a tier produces, computed without generating anything. */
export function expectedCounts(def: TierDefinition): EstateCounts {
  const spokes = spokeCount(def);
  const m = def.mistakesPerKind;
  const nsgs = def.hubs * HUB_NSGS + spokes * SPOKE_NSGS;
  const lbs = loadBalancerCount(def);
  const spokeRouteTables = spokes - m; // `spoke-without-route-table` removes one per mistake
  return {
    'Microsoft.Network/virtualNetworks': def.hubs + spokes,
    'Microsoft.Network/virtualNetworks/subnets': def.hubs * HUB_SUBNETS + spokes * (def.workloadSubnetsPerSpoke + 1),
    // hub<->spoke (both halves), hub mesh (both halves), planted spoke<->spoke pairs (both halves)
    'Microsoft.Network/virtualNetworks/virtualNetworkPeerings': 2 * spokes + def.hubs * (def.hubs - 1) + 2 * m,
    'Microsoft.Network/networkInterfaces':
      def.hubs * def.vmNicsPerHub + spokes * (def.workloadSubnetsPerSpoke * def.vmNicsPerWorkloadSubnet + def.privateEndpointsPerSpoke),
    'Microsoft.Network/networkSecurityGroups': nsgs,
    'Microsoft.Network/networkSecurityGroups/securityRules': nsgs * def.rulesPerNsg,
    'Microsoft.Network/networkSecurityGroups/defaultSecurityRules': nsgs * DEFAULT_SECURITY_RULES,
    'Microsoft.Network/applicationSecurityGroups': def.hubs * HUB_VM_ROLES.length + spokes * def.workloadSubnetsPerSpoke,
    'Microsoft.Network/routeTables': def.hubs * HUB_ROUTE_TABLES + spokeRouteTables,
    'Microsoft.Network/routeTables/routes': def.hubs * (def.spokesPerHub + HUB_EGRESS_ROUTES) + spokeRouteTables * SPOKE_ROUTES,
    'Microsoft.Network/publicIPAddresses': def.hubs * HUB_PUBLIC_IPS + lbs,
    'Microsoft.Network/loadBalancers': lbs,
    'Microsoft.Network/azureFirewalls': def.hubs,
    'Microsoft.Network/firewallPolicies': def.hubs + 1,
    'Microsoft.Network/firewallPolicies/ruleCollectionGroups': def.hubs * HUB_RULE_COLLECTION_GROUPS + BASE_POLICY_RULE_COLLECTION_GROUPS,
    'Microsoft.Network/virtualNetworkGateways': def.hubs,
    'Microsoft.Network/localNetworkGateways': def.hubs,
    'Microsoft.Network/connections': def.hubs,
    'Microsoft.Network/privateEndpoints': spokes * def.privateEndpointsPerSpoke,
    'Microsoft.Storage/storageAccounts': spokes * def.storageAccountsPerSpoke,
    'Microsoft.Compute/virtualMachines': def.hubs * def.vmNicsPerHub + spokes * def.workloadSubnetsPerSpoke * def.vmNicsPerWorkloadSubnet,
  };
}

/** Sum of the top-level resources (what an importer sees as separate resources). */
export function totalResources(counts: EstateCounts): number {
  let n = 0;
  for (const [type, count] of Object.entries(counts)) {
    if (!CHILD_TYPES.has(type as keyof EstateCounts)) n += count;
  }
  return n;
}

/** Problems that make a definition impossible to lay out; empty when it is valid. */
export function validateTier(def: TierDefinition): string[] {
  const problems: string[] = [];
  const spokes = spokeCount(def);
  const hubVmSubnets = HUB_VM_ROLES.length;
  if (def.hubs < 1 || def.hubs > REGIONS.length) problems.push(`hubs must be 1..${REGIONS.length}`);
  if (def.spokesPerHub < 1 || def.spokesPerHub > MAX_SPOKES_PER_HUB) problems.push(`spokesPerHub must be 1..${MAX_SPOKES_PER_HUB}`);
  if (def.workloadSubnetsPerSpoke < 2 || def.workloadSubnetsPerSpoke > MAX_WORKLOAD_SUBNETS) {
    problems.push(`workloadSubnetsPerSpoke must be 2..${MAX_WORKLOAD_SUBNETS}`);
  }
  if (def.vmNicsPerWorkloadSubnet < 1 || def.vmNicsPerWorkloadSubnet > MAX_HOSTS_PER_SUBNET) {
    problems.push(`vmNicsPerWorkloadSubnet must be 1..${MAX_HOSTS_PER_SUBNET}`);
  }
  if (def.privateEndpointsPerSpoke < 1 || def.privateEndpointsPerSpoke > MAX_HOSTS_PER_SUBNET) {
    problems.push(`privateEndpointsPerSpoke must be 1..${MAX_HOSTS_PER_SUBNET}`);
  }
  if (def.storageAccountsPerSpoke < 1 || def.storageAccountsPerSpoke > def.privateEndpointsPerSpoke) {
    problems.push('storageAccountsPerSpoke must be 1..privateEndpointsPerSpoke');
  }
  if (Math.ceil(def.privateEndpointsPerSpoke / def.storageAccountsPerSpoke) > STORAGE_GROUP_IDS.length) {
    problems.push('too many private endpoints per storage account');
  }
  if (def.vmNicsPerHub < hubVmSubnets || def.vmNicsPerHub > hubVmSubnets * MAX_HOSTS_PER_SUBNET) {
    problems.push(`vmNicsPerHub must be ${hubVmSubnets}..${hubVmSubnets * MAX_HOSTS_PER_SUBNET}`);
  }
  if (HUB_VM_SUBNET_FIRST_OFFSET + hubVmSubnets * 64 > 1024) problems.push('hub subnets do not fit in a /22');
  if (def.rulesPerNsg < 2 * JUMPBOX_NSG_RULES.max || def.rulesPerNsg > 500) problems.push(`rulesPerNsg must be ${2 * JUMPBOX_NSG_RULES.max}..500`);
  if (def.mistakesPerKind < 0 || def.mistakesPerKind > def.hubs) problems.push('mistakesPerKind must be 0..hubs');
  // Each planted spoke mistake uses its own spokes: 4 kinds x 1 spoke + the bypass pairs.
  if (def.mistakesPerKind * 6 > spokes) problems.push('not enough spokes for the planted mistakes');
  if (def.mistakesPerKind * 2 > def.spokesPerHub) problems.push('not enough spokes per hub for the planted bypass peerings');
  if (def.spokesPerFile < 1) problems.push('spokesPerFile must be >= 1');
  if (def.landingZoneSubscriptions < 1) problems.push('landingZoneSubscriptions must be >= 1');
  return problems;
}
