// The fixed shape of every synthetic hub and spoke: address sizes, subnet offsets and how many of
// each resource one hub or one spoke contains. Tier definitions only scale these.

import { HUB_VM_ROLES, WORKLOAD_ROLES } from './catalog.ts';

/** All VNets live in 10.0.0.0/8; each region (hub) owns one /14 of it. */
export const ESTATE_SUPERNET = '10.0.0.0/8';
export const REGION_PREFIX_LENGTH = 14;
/** Hub and spoke VNets are /22 (1,024 addresses); the hub takes the region's first /22. */
export const VNET_PREFIX_LENGTH = 22;
/** Spokes per hub: the /22s of a /14 after the hub's. */
export const MAX_SPOKES_PER_HUB = 2 ** (VNET_PREFIX_LENGTH - REGION_PREFIX_LENGTH) - 1;
/** Workload and private-endpoint subnets are /26 (59 usable addresses). */
export const SUBNET_PREFIX_LENGTH = 26;
export const MAX_SUBNETS_PER_VNET = 2 ** (SUBNET_PREFIX_LENGTH - VNET_PREFIX_LENGTH);
export const MAX_HOSTS_PER_SUBNET = 2 ** (32 - SUBNET_PREFIX_LENGTH) - 5;

/** Hub subnets: the two platform subnets, then one /26 per hub VM role. */
export const HUB_PLATFORM_SUBNETS: readonly { name: string; offset: number; length: number }[] = [
  { name: 'GatewaySubnet', offset: 0, length: 27 },
  { name: 'AzureFirewallSubnet', offset: 64, length: 26 },
];
export const HUB_VM_SUBNET_FIRST_OFFSET = 128;
export const HUB_SUBNETS = HUB_PLATFORM_SUBNETS.length + HUB_VM_ROLES.length;

/** Per hub: shared subnet NSG + jumpbox NIC NSG. */
export const HUB_NSGS = 2;
/** Per hub: GatewaySubnet route table (spokes -> firewall) + VM subnet route table (0/0 -> firewall). */
export const HUB_ROUTE_TABLES = 2;
/** Routes in the hub VM subnets' route table. */
export const HUB_EGRESS_ROUTES = 1;
/** Per hub: firewall, VPN gateway, jumpbox. */
export const HUB_PUBLIC_IPS = 3;
/** Per hub policy: DNAT, network and application rule collection groups. */
export const HUB_RULE_COLLECTION_GROUPS = 3;
/** The global base firewall policy has one rule collection group. */
export const BASE_POLICY_RULE_COLLECTION_GROUPS = 1;
/** Rules in the hub jumpbox's NIC NSG (the rest of the hub's rule budget goes to the shared NSG). */
export const JUMPBOX_NSG_RULES = { min: 6, max: 10 } as const;

/** Per spoke: front-end NSG + back-end NSG. */
export const SPOKE_NSGS = 2;
/** Routes in a spoke route table: 0/0, the region supernet and the two on-premises prefixes. */
export const SPOKE_ROUTES = 4;
/** Per site: two on-premises prefixes. */
export const ON_PREM_PREFIXES = 2;

/** The six default rules every NSG carries. */
export const DEFAULT_SECURITY_RULES = 6;
export const MAX_WORKLOAD_SUBNETS = Math.min(WORKLOAD_ROLES.length, MAX_SUBNETS_PER_VNET - 1);
