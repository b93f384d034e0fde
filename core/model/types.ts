// The snapshot model: an Azure estate in Azure's own words, independent of any file format.
// Ids are canonical ARM resource ids lower-cased (see ids.ts); `displayId` keeps the original.

import type { Diagnostic } from './diagnostics.ts';

export type ResourceId = string;

/** Where a resource came from, for error messages and SARIF locations. */
export interface SourceLocation {
  file: string;
  /** JSON path inside the file, e.g. `$.value[3]`. */
  jsonPath: string;
  /**
   * True when the resource's fields sat at its top level (az CLI / SDK shape) instead of under
   * `properties` (REST shape); lets validation name the exact field path of a reference.
   */
  flattened?: boolean;
}

export interface ResourceBase {
  /** Lower-cased ARM id: the key everything is joined on. */
  id: ResourceId;
  /** The id as the input spelled it, for display. */
  displayId: string;
  name: string;
  location?: string;
  tags: Record<string, string>;
  source?: SourceLocation;
}

export interface VirtualNetwork extends ResourceBase {
  kind: 'virtualNetwork';
  addressSpace: string[];
  subnetIds: ResourceId[];
  peeringIds: ResourceId[];
}

export type PrivateEndpointNetworkPolicies =
  | 'Disabled'
  | 'Enabled'
  | 'NetworkSecurityGroupEnabled'
  | 'RouteTableEnabled';

export interface ServiceEndpoint {
  /** e.g. `Microsoft.Storage`. */
  service: string;
  locations: string[];
}

export interface Subnet extends ResourceBase {
  kind: 'subnet';
  vnetId: ResourceId;
  addressPrefixes: string[];
  nsgId?: ResourceId;
  routeTableId?: ResourceId;
  natGatewayId?: ResourceId;
  serviceEndpoints: ServiceEndpoint[];
  /**
   * `serviceEndpointPolicies`, when the subnet has some: they limit its Microsoft.Storage service
   * endpoint traffic to the storage accounts they list. Not evaluated; answers that rely on that
   * traffic say so (CAVEATS.serviceEndpointPolicy).
   */
  serviceEndpointPolicyIds?: ResourceId[];
  privateEndpointNetworkPolicies: PrivateEndpointNetworkPolicies;
  /** `defaultOutboundAccess`; undefined means the platform default (true), see rule 14.4. */
  defaultOutboundAccess?: boolean;
  delegations: string[];
}

export type PeeringState = 'Initiated' | 'Connected' | 'Disconnected';

export interface VirtualNetworkPeering extends ResourceBase {
  kind: 'peering';
  vnetId: ResourceId;
  remoteVnetId: ResourceId;
  /** `remoteAddressSpace.addressPrefixes` as the export recorded it (used when the remote VNet is absent). */
  remoteAddressSpace: string[];
  allowVirtualNetworkAccess: boolean;
  allowForwardedTraffic: boolean;
  allowGatewayTransit: boolean;
  useRemoteGateways: boolean;
  peeringState: PeeringState;
  /**
   * Subnet peering (`peerCompleteVnets: false`: only the listed subnets take part) or IPv6-only
   * peering (`enableOnlyIPv6Peering`), when the peering is one. Not evaluated: the peering is
   * treated as peering the complete VNets, and answers that use it say so (CAVEATS.subnetPeering).
   */
  subnetPeering?: { localSubnetNames: string[]; remoteSubnetNames: string[]; ipv6Only: boolean };
  /**
   * `peeringSyncLevel` when it is not `FullyInSync`: an address space changed on one side and the
   * peering was not synced since, so its routes may lack the new ranges (CAVEATS.peeringNotInSync).
   */
  peeringSyncLevel?: string;
}

export interface IpConfiguration {
  id: ResourceId;
  displayId: string;
  name: string;
  nicId: ResourceId;
  subnetId?: ResourceId;
  /** Dotted IPv4 (or IPv6 text); undefined when the export does not carry it. */
  privateIp?: string;
  primary: boolean;
  publicIpId?: ResourceId;
  asgIds: ResourceId[];
  loadBalancerBackendPoolIds: ResourceId[];
  loadBalancerInboundNatRuleIds: ResourceId[];
  applicationGatewayBackendPoolIds: ResourceId[];
  source?: SourceLocation;
}

export interface NetworkInterface extends ResourceBase {
  kind: 'networkInterface';
  ipConfigurations: IpConfiguration[];
  nsgId?: ResourceId;
  enableIpForwarding: boolean;
  vmId?: ResourceId;
  privateEndpointId?: ResourceId;
}

export type Direction = 'Inbound' | 'Outbound';
export type Access = 'Allow' | 'Deny';
/** ARM `SecurityRuleProtocol`: Tcp, Udp, Icmp, Esp, Ah, `*` (rule 1.4). */
export type RuleProtocol = 'Tcp' | 'Udp' | 'Icmp' | 'Esp' | 'Ah' | '*';

export interface SecurityRule {
  id: ResourceId;
  displayId: string;
  name: string;
  nsgId: ResourceId;
  /** Which collection the rule lives in; it prefixes the rule's name in answers (rule 3.13). */
  collection: 'securityRules' | 'defaultSecurityRules';
  priority: number;
  direction: Direction;
  access: Access;
  protocol: RuleProtocol;
  /** Prefixes, tags or `*`, singular and plural fields merged. */
  sourceAddressPrefixes: string[];
  destinationAddressPrefixes: string[];
  sourceAsgIds: ResourceId[];
  destinationAsgIds: ResourceId[];
  /** Port ranges as written (`*`, `80`, `1000-2000`), singular and plural merged. */
  sourcePortRanges: string[];
  destinationPortRanges: string[];
  description?: string;
  source?: SourceLocation;
}

export interface NetworkSecurityGroup extends ResourceBase {
  kind: 'networkSecurityGroup';
  securityRules: SecurityRule[];
  defaultSecurityRules: SecurityRule[];
  /**
   * `flushConnection`: flows are re-evaluated when the rules change (rule 3.9); set only when true.
   * Without it, rule changes affect new connections only.
   */
  flushConnection?: true;
}

export interface ApplicationSecurityGroup extends ResourceBase {
  kind: 'applicationSecurityGroup';
}

/** Next hop types a route may carry (rule 6.2 for UDRs; system routes use the others). */
export type NextHopType =
  | 'VnetLocal'
  | 'VNetPeering'
  | 'VirtualNetworkGateway'
  | 'VirtualAppliance'
  | 'Internet'
  | 'None'
  | 'VirtualNetworkServiceEndpoint'
  | 'InterfaceEndpoint';

export interface Route {
  id: ResourceId;
  displayId: string;
  name: string;
  routeTableId: ResourceId;
  /** CIDR or a service tag name (rule 6.8). */
  addressPrefix: string;
  nextHopType: NextHopType;
  nextHopIpAddress?: string;
  source?: SourceLocation;
}

export interface RouteTable extends ResourceBase {
  kind: 'routeTable';
  routes: Route[];
  disableBgpRoutePropagation: boolean;
}

export interface PublicIpAddress extends ResourceBase {
  kind: 'publicIpAddress';
  ipAddress?: string;
  sku: 'Basic' | 'Standard' | string;
  allocationMethod?: string;
  /** The ip configuration (of a NIC, LB frontend, gateway, firewall...) that holds it. */
  ipConfigurationId?: ResourceId;
}

export interface NatGateway extends ResourceBase {
  kind: 'natGateway';
  publicIpIds: ResourceId[];
  subnetIds: ResourceId[];
}

export interface LoadBalancerFrontend {
  id: ResourceId;
  name: string;
  privateIp?: string;
  subnetId?: ResourceId;
  publicIpId?: ResourceId;
}

export interface LoadBalancingRule {
  id: ResourceId;
  name: string;
  frontendIpConfigurationId?: ResourceId;
  backendPoolIds: ResourceId[];
  protocol: 'Tcp' | 'Udp' | 'All';
  frontendPort: number;
  backendPort: number;
}

export interface InboundNatRule {
  id: ResourceId;
  name: string;
  frontendIpConfigurationId?: ResourceId;
  protocol: 'Tcp' | 'Udp' | 'All';
  frontendPort: number;
  backendPort: number;
  /** NIC ip configuration the rule maps to (`backendIPConfiguration`). */
  backendIpConfigurationId?: ResourceId;
  /** Pool-based NAT rules: a port range mapped onto a backend pool. */
  frontendPortRangeStart?: number;
  frontendPortRangeEnd?: number;
  backendPoolId?: ResourceId;
}

export interface OutboundRule {
  id: ResourceId;
  name: string;
  frontendIpConfigurationIds: ResourceId[];
  backendPoolId?: ResourceId;
  protocol: 'Tcp' | 'Udp' | 'All';
}

export interface LoadBalancer extends ResourceBase {
  kind: 'loadBalancer';
  sku: string;
  frontends: LoadBalancerFrontend[];
  backendPools: { id: ResourceId; name: string }[];
  loadBalancingRules: LoadBalancingRule[];
  inboundNatRules: InboundNatRule[];
  outboundRules: OutboundRule[];
}

export interface ApplicationGatewayBackendPool {
  id: ResourceId;
  name: string;
  /** `backendAddresses[].ipAddress` / `.fqdn`. */
  addresses: { ipAddress?: string; fqdn?: string }[];
  /** NIC ip configurations that joined the pool (`backendIPConfigurations`). */
  ipConfigurationIds: ResourceId[];
}

export interface ApplicationGateway extends ResourceBase {
  kind: 'applicationGateway';
  sku: string;
  subnetId?: ResourceId;
  frontends: { id: ResourceId; name: string; privateIp?: string; publicIpId?: ResourceId; subnetId?: ResourceId }[];
  frontendPorts: { id: ResourceId; name: string; port: number }[];
  listeners: { id: ResourceId; name: string; frontendIpConfigurationId?: ResourceId; frontendPortId?: ResourceId; protocol: string; hostNames: string[] }[];
  backendPools: ApplicationGatewayBackendPool[];
  backendHttpSettings: { id: ResourceId; name: string; port: number; protocol: string }[];
  requestRoutingRules: { id: ResourceId; name: string; listenerId?: ResourceId; backendPoolId?: ResourceId; backendHttpSettingsId?: ResourceId; priority?: number }[];
}

export interface VirtualNetworkGateway extends ResourceBase {
  kind: 'virtualNetworkGateway';
  gatewayType: 'Vpn' | 'ExpressRoute' | string;
  vpnType?: string;
  sku?: string;
  subnetId?: ResourceId;
  vnetId?: ResourceId;
  publicIpIds: ResourceId[];
  enableBgp: boolean;
  bgpPeeringAddresses: string[];
  activeActive: boolean;
}

export interface LocalNetworkGateway extends ResourceBase {
  kind: 'localNetworkGateway';
  addressPrefixes: string[];
  gatewayIpAddress?: string;
  bgpPeeringAddress?: string;
}

export interface Connection extends ResourceBase {
  kind: 'connection';
  connectionType: 'IPsec' | 'Vnet2Vnet' | 'ExpressRoute' | 'VPNClient' | string;
  virtualNetworkGateway1Id?: ResourceId;
  virtualNetworkGateway2Id?: ResourceId;
  localNetworkGateway2Id?: ResourceId;
  /** `peer`: the ExpressRoute circuit of an ExpressRoute connection (not in the input). */
  peerId?: ResourceId;
  /** `connectionStatus`; absent in many exports (treated as connected, with a caveat). */
  connectionStatus?: string;
  enableBgp: boolean;
}

// ---- Azure Firewall --------------------------------------------------------------------------

export type FirewallRuleProtocol = 'TCP' | 'UDP' | 'ICMP' | 'Any';

export interface FirewallNetworkRule {
  kind: 'network';
  name: string;
  protocols: FirewallRuleProtocol[];
  sourceAddresses: string[];
  sourceIpGroupIds: ResourceId[];
  destinationAddresses: string[];
  destinationIpGroupIds: ResourceId[];
  destinationFqdns: string[];
  destinationPorts: string[];
}

export interface FirewallApplicationRule {
  kind: 'application';
  name: string;
  /** `{protocolType: Http|Https|Mssql, port}`. */
  protocols: { protocolType: string; port: number }[];
  sourceAddresses: string[];
  sourceIpGroupIds: ResourceId[];
  targetFqdns: string[];
  fqdnTags: string[];
  destinationAddresses: string[];
  webCategories: string[];
}

export interface FirewallNatRule {
  kind: 'nat';
  name: string;
  protocols: FirewallRuleProtocol[];
  sourceAddresses: string[];
  sourceIpGroupIds: ResourceId[];
  destinationAddresses: string[];
  destinationPorts: string[];
  translatedAddress?: string;
  translatedFqdn?: string;
  translatedPort?: string;
}

export type FirewallRule = FirewallNetworkRule | FirewallApplicationRule | FirewallNatRule;

export interface FirewallRuleCollection {
  name: string;
  priority: number;
  /** Allow / Deny for filter collections, Dnat for NAT collections. */
  action: 'Allow' | 'Deny' | 'Dnat';
  ruleType: 'nat' | 'network' | 'application';
  rules: FirewallRule[];
}

export interface FirewallIpConfiguration {
  id: ResourceId;
  name: string;
  subnetId?: ResourceId;
  privateIp?: string;
  publicIpId?: ResourceId;
}

export interface AzureFirewall extends ResourceBase {
  kind: 'azureFirewall';
  sku?: string;
  ipConfigurations: FirewallIpConfiguration[];
  firewallPolicyId?: ResourceId;
  /** Classic rule collections (rule 12.2), all three types. */
  classicCollections: FirewallRuleCollection[];
  threatIntelMode?: string;
  /**
   * Destinations network rules do not SNAT, as configured on a firewall without a policy
   * (`additionalProperties["Network.SNAT.PrivateRanges"]`, comma-separated; `IANAPrivateRanges`
   * stands for the default). Absent: the default (IANA RFC 1918 and RFC 6598).
   */
  snatPrivateRanges?: string[];
}

export interface FirewallPolicy extends ResourceBase {
  kind: 'firewallPolicy';
  basePolicyId?: ResourceId;
  ruleCollectionGroupIds: ResourceId[];
  threatIntelMode?: string;
  /** `snat.privateRanges`: destinations network rules do not SNAT (see AzureFirewall.snatPrivateRanges). */
  snatPrivateRanges?: string[];
  /** `snat.autoLearnPrivateRanges` is Enabled: ranges learned from Azure Route Server are added, not in the input. */
  snatAutoLearn?: boolean;
}

export interface FirewallPolicyRuleCollectionGroup extends ResourceBase {
  kind: 'firewallPolicyRuleCollectionGroup';
  policyId: ResourceId;
  priority: number;
  ruleCollections: FirewallRuleCollection[];
}

export interface IpGroup extends ResourceBase {
  kind: 'ipGroup';
  ipAddresses: string[];
}

// ---- PaaS ------------------------------------------------------------------------------------

export interface PrivateEndpoint extends ResourceBase {
  kind: 'privateEndpoint';
  subnetId?: ResourceId;
  nicIds: ResourceId[];
  /** Private IPs from `customDnsConfigs`/`ipConfigurations`, when the NIC is not in the input. */
  privateIps: string[];
  connections: { targetId: ResourceId; groupIds: string[]; status: string }[];
}

export interface StorageAccount extends ResourceBase {
  kind: 'storageAccount';
  publicNetworkAccess?: 'Enabled' | 'Disabled' | string;
  networkAcls: {
    defaultAction: 'Allow' | 'Deny';
    bypass: string[];
    ipRules: { value: string; action: string }[];
    virtualNetworkRules: { subnetId: ResourceId; action: string; state?: string }[];
  };
}

export interface VirtualMachine extends ResourceBase {
  kind: 'virtualMachine';
  nics: { id: ResourceId; primary: boolean }[];
  osType?: string;
}

/** A resource the importer read but cannot model yet: counted and listed, never dropped. */
export interface UnsupportedResource {
  id: ResourceId;
  displayId: string;
  name: string;
  type: string;
  source?: SourceLocation;
}

/** A service tag from the Service Tags file (or a built-in approximation). */
export interface ServiceTag {
  name: string;
  addressPrefixes: string[];
  region?: string;
  systemService?: string;
}

export interface ServiceTagCatalog {
  /** Where the tags came from: a file name, or `builtin` for approximations. */
  origin: string;
  changeNumber?: number;
  cloud?: string;
  /** Keyed by lower-cased tag name (`storage`, `storage.westeurope`). */
  tags: Map<string, ServiceTag>;
}

export interface Snapshot {
  virtualNetworks: Map<ResourceId, VirtualNetwork>;
  subnets: Map<ResourceId, Subnet>;
  peerings: Map<ResourceId, VirtualNetworkPeering>;
  networkInterfaces: Map<ResourceId, NetworkInterface>;
  networkSecurityGroups: Map<ResourceId, NetworkSecurityGroup>;
  applicationSecurityGroups: Map<ResourceId, ApplicationSecurityGroup>;
  routeTables: Map<ResourceId, RouteTable>;
  publicIpAddresses: Map<ResourceId, PublicIpAddress>;
  natGateways: Map<ResourceId, NatGateway>;
  loadBalancers: Map<ResourceId, LoadBalancer>;
  applicationGateways: Map<ResourceId, ApplicationGateway>;
  virtualNetworkGateways: Map<ResourceId, VirtualNetworkGateway>;
  localNetworkGateways: Map<ResourceId, LocalNetworkGateway>;
  connections: Map<ResourceId, Connection>;
  azureFirewalls: Map<ResourceId, AzureFirewall>;
  firewallPolicies: Map<ResourceId, FirewallPolicy>;
  firewallPolicyRuleCollectionGroups: Map<ResourceId, FirewallPolicyRuleCollectionGroup>;
  ipGroups: Map<ResourceId, IpGroup>;
  privateEndpoints: Map<ResourceId, PrivateEndpoint>;
  storageAccounts: Map<ResourceId, StorageAccount>;
  virtualMachines: Map<ResourceId, VirtualMachine>;
  unsupported: UnsupportedResource[];
  serviceTags?: ServiceTagCatalog;
  diagnostics: Diagnostic[];
  /** Files read, for summaries. */
  files: string[];
}

export type ModelResource =
  | VirtualNetwork
  | Subnet
  | VirtualNetworkPeering
  | NetworkInterface
  | NetworkSecurityGroup
  | ApplicationSecurityGroup
  | RouteTable
  | PublicIpAddress
  | NatGateway
  | LoadBalancer
  | ApplicationGateway
  | VirtualNetworkGateway
  | LocalNetworkGateway
  | Connection
  | AzureFirewall
  | FirewallPolicy
  | FirewallPolicyRuleCollectionGroup
  | IpGroup
  | PrivateEndpoint
  | StorageAccount
  | VirtualMachine;
