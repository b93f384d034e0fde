// The estate plan: names, ids, address spaces and planted mistakes of every hub and spoke, drawn
// up front from the seed. It is small (one record per VNet), so builders can refer to any other
// hub or spoke (peerings, routes, firewall rules) while the resources themselves are generated
// and written one spoke at a time.

import { APPS, ENVIRONMENTS, HUB_VM_ROLES, REGIONS, WORKLOAD_ROLES } from './catalog.ts';
import { childId, networkId, resourceId, type ResourceGroupRef, TYPES } from './ids.ts';
import { cidrAt, type Cidr, formatCidr, hostAt, parseCidr, subCidr } from './ipv4.ts';
import { createRng, type Rng } from './prng.ts';
import {
  ESTATE_SUPERNET, HUB_PLATFORM_SUBNETS, HUB_VM_SUBNET_FIRST_OFFSET, REGION_PREFIX_LENGTH, SUBNET_PREFIX_LENGTH,
  VNET_PREFIX_LENGTH,
} from './shape.ts';
import { spokeHasLoadBalancer, type TierDefinition, validateTier } from './tiers.ts';

export interface SubnetPlan {
  name: string;
  /** Workload or hub VM role; the subnet name itself for platform subnets. */
  role: string;
  prefix: string;
  cidr: Cidr;
  id: string;
  /** VM NICs in this subnet (private endpoints are counted separately). */
  vmNics: number;
}

export interface JumpboxPlan {
  vmName: string;
  nicName: string;
  ip: string;
  publicIpName: string;
  publicIp: string;
  nsgName: string;
}

export interface HubPlan extends ResourceGroupRef {
  index: number;
  location: string;
  regionShort: string;
  vnetName: string;
  vnetId: string;
  prefix: string;
  regionSupernet: string;
  gatewaySubnet: SubnetPlan;
  firewallSubnet: SubnetPlan;
  vmSubnets: SubnetPlan[];
  firewallName: string;
  firewallId: string;
  firewallIp: string;
  firewallPublicIpName: string;
  firewallPublicIp: string;
  policyName: string;
  policyId: string;
  gatewayName: string;
  gatewayId: string;
  gatewayPublicIpName: string;
  gatewayPublicIp: string;
  localGatewayName: string;
  localGatewayId: string;
  connectionName: string;
  connectionId: string;
  onPremPrefixes: string[];
  onPremGatewayIp: string;
  dnsServerIps: string[];
  jumpbox: JumpboxPlan;
  sharedNsgName: string;
  gatewayRouteTableName: string;
  egressRouteTableName: string;
  /** Estate-wide indexes of this hub's spokes. */
  spokes: number[];
  /** Planted: the jumpbox's RDP/SSH rule is open to the internet. */
  internetManagementPort?: { port: '3389' | '22'; source: 'Internet' | '*' };
}

export interface SpokePlan extends ResourceGroupRef {
  /** Estate-wide index, from 0. */
  index: number;
  hubIndex: number;
  indexInHub: number;
  location: string;
  app: string;
  env: string;
  /** `<app>-<env>-<region>-<nnn>`: the stem of every name in the spoke. */
  short: string;
  vnetName: string;
  vnetId: string;
  prefix: string;
  cidr: Cidr;
  workloadSubnets: SubnetPlan[];
  privateEndpointSubnet: SubnetPlan;
  frontNsgName: string;
  backNsgName: string;
  routeTableName: string;
  storageAccountNames: string[];
  /** The workload role whose subnet has the Microsoft.Storage service endpoint. */
  storageEndpointRole: string;
  hasLoadBalancer: boolean;
  /** Planted: this subnet (name) has no NSG. */
  subnetWithoutNsg?: string;
  /** Planted: the spoke has no route table, so egress skips the firewall. */
  withoutRouteTable?: boolean;
  /** Planted: the first storage account's firewall allows every network. */
  storageDefaultAllow?: boolean;
  /** Planted: a direct peering with this spoke (estate-wide index), bypassing the hub. */
  bypassPeer?: number;
  /** Planted: the front-end NSG has a deny rule shadowed by an earlier allow. */
  shadowedRule?: boolean;
}

export type MistakeKind =
  | 'internet-management-port'
  | 'subnet-without-nsg'
  | 'spoke-without-route-table'
  | 'storage-default-allow'
  | 'spoke-to-spoke-peering'
  | 'shadowed-rule';

export const MISTAKE_KINDS: readonly MistakeKind[] = [
  'internet-management-port', 'subnet-without-nsg', 'spoke-without-route-table', 'storage-default-allow',
  'spoke-to-spoke-peering', 'shadowed-rule',
];

export interface MistakeResource {
  /** Display name: the resource name, or `parent/child` for a child resource. */
  name: string;
  id: string;
}

export interface PlantedMistake {
  kind: MistakeKind;
  summary: string;
  resources: MistakeResource[];
}

export interface EstatePlan {
  tier: TierDefinition;
  seed: number;
  connectivitySubscriptionId: string;
  landingZoneSubscriptionIds: string[];
  basePolicy: ResourceGroupRef & { name: string; id: string; location: string; ruleCollectionGroupName: string };
  hubs: HubPlan[];
  spokes: SpokePlan[];
  mistakes: PlantedMistake[];
}

/** Names of the shadowing pair planted in a front-end NSG. */
export const SHADOWING_RULE = 'Allow-Partner-8000-8100';
export const SHADOWED_RULE = 'Deny-Legacy-Partner-8080';
/** Name of the jumpbox NSG rule that opens RDP/SSH (to corporate ranges, or planted: to the internet). */
export function jumpboxManagementRuleName(port: string): string {
  return port === '22' ? 'Allow-SSH-Jumpbox' : 'Allow-RDP-Jumpbox';
}

/** A public address for slot `slot` of hub `hubIndex` (0 firewall, 1 gateway, 2 jumpbox, 3+ load balancers). */
export function publicIpFor(hubIndex: number, slot: number): string {
  return `20.${80 + hubIndex}.${Math.floor(slot / 250)}.${(slot % 250) + 4}`;
}

/** VM NICs in hub VM subnet `i`: vmNicsPerHub spread evenly, the first subnets taking the remainder. */
export function hubSubnetVmNics(def: TierDefinition, i: number): number {
  const n = HUB_VM_ROLES.length;
  return Math.floor(def.vmNicsPerHub / n) + (i < def.vmNicsPerHub % n ? 1 : 0);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function subnetPlan(vnetId: string, vnet: Cidr, name: string, role: string, offset: number, length: number, vmNics: number): SubnetPlan {
  const cidr = cidrAt(vnet, offset, length);
  return { name, role, prefix: formatCidr(cidr), cidr, id: childId(vnetId, 'subnets', name), vmNics };
}

function planHub(def: TierDefinition, index: number, subscriptionId: string): HubPlan {
  const region = REGIONS[index];
  if (!region) throw new Error(`no region for hub ${index}`);
  const rg: ResourceGroupRef = { subscriptionId, resourceGroup: `rg-connectivity-${region.name}` };
  const supernet = subCidr(parseCidr(ESTATE_SUPERNET), REGION_PREFIX_LENGTH, index);
  const vnet = subCidr(supernet, VNET_PREFIX_LENGTH, 0);
  const vnetName = `vnet-hub-${region.name}`;
  const vnetId = networkId(rg, 'virtualNetworks', vnetName);
  const [gw, fw] = HUB_PLATFORM_SUBNETS;
  if (!gw || !fw) throw new Error('hub platform subnets missing');
  const gatewaySubnet = subnetPlan(vnetId, vnet, gw.name, gw.name, gw.offset, gw.length, 0);
  const firewallSubnet = subnetPlan(vnetId, vnet, fw.name, fw.name, fw.offset, fw.length, 0);
  const vmSubnets = HUB_VM_ROLES.map((role, i) =>
    subnetPlan(vnetId, vnet, `snet-${role}`, role, HUB_VM_SUBNET_FIRST_OFFSET + i * 64, SUBNET_PREFIX_LENGTH, hubSubnetVmNics(def, i)),
  );
  const mgmt = vmSubnets[HUB_VM_ROLES.indexOf('mgmt')];
  const dns = vmSubnets[HUB_VM_ROLES.indexOf('dns')];
  if (!mgmt || !dns) throw new Error('hub mgmt/dns subnets missing');
  const dnsServerIps = [hostAt(dns.cidr, 4)];
  if (dns.vmNics > 1) dnsServerIps.push(hostAt(dns.cidr, 5));
  const s = region.short;
  const firewallName = `afw-hub-${region.name}`;
  const policyName = `afwp-hub-${region.name}`;
  const gatewayName = `vgw-hub-${region.name}`;
  const localGatewayName = `lgw-onprem-${region.name}`;
  const connectionName = `cn-${region.name}-to-onprem`;
  const jumpboxVm = `vm-${s}-mgmt-01`;
  return {
    ...rg,
    index,
    location: region.name,
    regionShort: s,
    vnetName,
    vnetId,
    prefix: formatCidr(vnet),
    regionSupernet: formatCidr(supernet),
    gatewaySubnet,
    firewallSubnet,
    vmSubnets,
    firewallName,
    firewallId: networkId(rg, 'azureFirewalls', firewallName),
    firewallIp: hostAt(firewallSubnet.cidr, 4),
    firewallPublicIpName: `pip-afw-hub-${region.name}`,
    firewallPublicIp: publicIpFor(index, 0),
    policyName,
    policyId: networkId(rg, 'firewallPolicies', policyName),
    gatewayName,
    gatewayId: networkId(rg, 'virtualNetworkGateways', gatewayName),
    gatewayPublicIpName: `pip-vgw-hub-${region.name}`,
    gatewayPublicIp: publicIpFor(index, 1),
    localGatewayName,
    localGatewayId: networkId(rg, 'localNetworkGateways', localGatewayName),
    connectionName,
    connectionId: networkId(rg, 'connections', connectionName),
    onPremPrefixes: [`192.168.${index}.0/24`, `172.${16 + (index >> 4)}.${(index & 15) * 16}.0/20`],
    onPremGatewayIp: `203.0.113.${index + 1}`,
    dnsServerIps,
    jumpbox: {
      vmName: jumpboxVm,
      nicName: `${jumpboxVm}-nic`,
      ip: hostAt(mgmt.cidr, 4),
      publicIpName: `pip-${jumpboxVm}`,
      publicIp: publicIpFor(index, 2),
      nsgName: `nsg-${jumpboxVm}-nic`,
    },
    sharedNsgName: `nsg-hub-${region.name}-shared`,
    gatewayRouteTableName: `rt-hub-${region.name}-gateway`,
    egressRouteTableName: `rt-hub-${region.name}-egress`,
    spokes: [],
  };
}

function planSpoke(def: TierDefinition, rng: Rng, hub: HubPlan, index: number, indexInHub: number, subscriptionId: string): SpokePlan {
  const app = rng.pick(APPS);
  const env = rng.pick(ENVIRONMENTS);
  const short = `${app}-${env}-${hub.regionShort}-${pad(indexInHub + 1, 3)}`;
  const rg: ResourceGroupRef = { subscriptionId, resourceGroup: `rg-${short}` };
  const cidr = subCidr(parseCidr(hub.regionSupernet), VNET_PREFIX_LENGTH, indexInHub + 1);
  const vnetName = `vnet-${short}`;
  const vnetId = networkId(rg, 'virtualNetworks', vnetName);
  const roles = WORKLOAD_ROLES.slice(0, def.workloadSubnetsPerSpoke);
  const workloadSubnets = roles.map((role, i) =>
    subnetPlan(vnetId, cidr, `snet-${role}`, role, i * 64, SUBNET_PREFIX_LENGTH, def.vmNicsPerWorkloadSubnet),
  );
  const privateEndpointSubnet = subnetPlan(vnetId, cidr, 'snet-pe', 'pe', roles.length * 64, SUBNET_PREFIX_LENGTH, 0);
  const stem = `st${app.slice(0, 10)}${hub.regionShort}${pad(indexInHub + 1, 3)}`;
  const storageAccountNames = Array.from({ length: def.storageAccountsPerSpoke }, (_, i) => `${stem}${'abcdefgh'[i] ?? String(i)}`);
  return {
    ...rg,
    index,
    hubIndex: hub.index,
    indexInHub,
    location: hub.location,
    app,
    env,
    short,
    vnetName,
    vnetId,
    prefix: formatCidr(cidr),
    cidr,
    workloadSubnets,
    privateEndpointSubnet,
    frontNsgName: `nsg-${short}-front`,
    backNsgName: `nsg-${short}-back`,
    routeTableName: `rt-${short}`,
    storageAccountNames,
    storageEndpointRole: roles.includes('app') ? 'app' : (roles[roles.length - 1] as string),
    hasLoadBalancer: spokeHasLoadBalancer(def, index),
  };
}

function storageId(spoke: SpokePlan, name: string): string {
  return resourceId(spoke, TYPES.storageAccount, name);
}

function plantMistakes(def: TierDefinition, rng: Rng, hubs: HubPlan[], spokes: SpokePlan[]): PlantedMistake[] {
  const mistakes: PlantedMistake[] = [];
  const m = def.mistakesPerKind;
  if (m === 0) return mistakes;
  const used = new Set<number>();

  // 1. A jumpbox (NIC with a public IP) whose NSGs allow RDP or SSH from the internet.
  for (const [k, hub] of rng.sample(hubs, m).entries()) {
    const open = k % 2 === 0 ? ({ port: '3389', source: 'Internet' } as const) : ({ port: '22', source: '*' } as const);
    hub.internetManagementPort = open;
    const rule = jumpboxManagementRuleName(open.port);
    const nicNsgId = networkId(hub, 'networkSecurityGroups', hub.jumpbox.nsgName);
    const sharedNsgId = networkId(hub, 'networkSecurityGroups', hub.sharedNsgName);
    mistakes.push({
      kind: 'internet-management-port',
      summary: `${hub.jumpbox.nicName} (public IP ${hub.jumpbox.publicIp}) accepts TCP ${open.port} from ${open.source === '*' ? 'any source' : 'the Internet tag'}: rule ${rule} in its NIC NSG and in the subnet NSG`,
      resources: [
        { name: hub.jumpbox.nicName, id: networkId(hub, 'networkInterfaces', hub.jumpbox.nicName) },
        { name: hub.jumpbox.publicIpName, id: networkId(hub, 'publicIPAddresses', hub.jumpbox.publicIpName) },
        { name: `${hub.jumpbox.nsgName}/${rule}`, id: childId(nicNsgId, 'securityRules', rule) },
        { name: `${hub.sharedNsgName}/${rule}`, id: childId(sharedNsgId, 'securityRules', rule) },
      ],
    });
  }

  // 2. Spoke-to-spoke peerings that bypass the hub: pairs of spokes of one hub.
  for (let k = 0; k < m; k++) {
    const hub = rng.shuffle(hubs).find((h) => h.spokes.filter((s) => !used.has(s)).length >= 2);
    if (!hub) throw new Error('no hub with two free spokes for a bypass peering');
    const [a, b] = rng.sample(hub.spokes.filter((s) => !used.has(s)), 2) as [number, number];
    const sa = spokes[a] as SpokePlan;
    const sb = spokes[b] as SpokePlan;
    used.add(a);
    used.add(b);
    sa.bypassPeer = b;
    sb.bypassPeer = a;
    mistakes.push({
      kind: 'spoke-to-spoke-peering',
      summary: `${sa.vnetName} and ${sb.vnetName} are peered directly (both halves Connected), so traffic between them bypasses ${hub.firewallName}`,
      resources: [
        { name: `${sa.vnetName}/${bypassPeeringName(sa, sb)}`, id: childId(sa.vnetId, 'virtualNetworkPeerings', bypassPeeringName(sa, sb)) },
        { name: `${sb.vnetName}/${bypassPeeringName(sb, sa)}`, id: childId(sb.vnetId, 'virtualNetworkPeerings', bypassPeeringName(sb, sa)) },
      ],
    });
  }

  const freeSpoke = (): SpokePlan => {
    const free = spokes.filter((s) => !used.has(s.index));
    const s = rng.pick(free);
    used.add(s.index);
    return s;
  };

  // 3. A workload subnet with no NSG.
  for (let k = 0; k < m; k++) {
    const s = freeSpoke();
    const subnet = rng.pick(s.workloadSubnets);
    s.subnetWithoutNsg = subnet.name;
    mistakes.push({
      kind: 'subnet-without-nsg',
      summary: `${s.vnetName}/${subnet.name} (${subnet.prefix}) has no network security group; its NICs have none either`,
      resources: [{ name: `${s.vnetName}/${subnet.name}`, id: subnet.id }],
    });
  }

  // 4. A spoke without a route table: its egress goes straight out, skipping the firewall.
  for (let k = 0; k < m; k++) {
    const s = freeSpoke();
    s.withoutRouteTable = true;
    mistakes.push({
      kind: 'spoke-without-route-table',
      summary: `${s.vnetName} has no route table (no ${s.routeTableName}); its traffic to the internet and other spokes skips ${hubs[s.hubIndex]?.firewallName}`,
      resources: [{ name: s.vnetName, id: s.vnetId }],
    });
  }

  // 5. A storage account whose firewall allows every network.
  for (let k = 0; k < m; k++) {
    const s = freeSpoke();
    s.storageDefaultAllow = true;
    const name = s.storageAccountNames[0] as string;
    mistakes.push({
      kind: 'storage-default-allow',
      summary: `${name} has networkAcls.defaultAction Allow and public network access enabled (reachable from any network)`,
      resources: [{ name, id: storageId(s, name) }],
    });
  }

  // 6. A deny rule that can never match: an earlier allow covers it.
  for (let k = 0; k < m; k++) {
    const s = freeSpoke();
    s.shadowedRule = true;
    const nsgId = networkId(s, 'networkSecurityGroups', s.frontNsgName);
    mistakes.push({
      kind: 'shadowed-rule',
      summary: `${s.frontNsgName}: ${SHADOWED_RULE} (deny TCP 8080 from on-premises) is shadowed by ${SHADOWING_RULE}, which allows TCP 8000-8100 from a superset of sources at a lower priority number`,
      resources: [
        { name: `${s.frontNsgName}/${SHADOWED_RULE}`, id: childId(nsgId, 'securityRules', SHADOWED_RULE) },
        { name: `${s.frontNsgName}/${SHADOWING_RULE}`, id: childId(nsgId, 'securityRules', SHADOWING_RULE) },
      ],
    });
  }
  return mistakes;
}

export function bypassPeeringName(from: SpokePlan, to: SpokePlan): string {
  return `peer-${from.short}-to-${to.short}`;
}

export function hubSidePeeringName(hub: HubPlan, spoke: SpokePlan): string {
  return `peer-hub-${hub.location}-to-${spoke.short}`;
}

export function spokeSidePeeringName(spoke: SpokePlan, hub: HubPlan): string {
  return `peer-${spoke.short}-to-hub-${hub.location}`;
}

export function hubMeshPeeringName(from: HubPlan, to: HubPlan): string {
  return `peer-hub-${from.location}-to-hub-${to.location}`;
}

/** Draws up the plan of a tier's estate for a seed. Throws when the tier definition is invalid. */
export function planEstate(def: TierDefinition, seed: number): EstatePlan {
  const problems = validateTier(def);
  if (problems.length > 0) throw new Error(`invalid tier ${def.tier}: ${problems.join('; ')}`);
  const rng = createRng(seed, 'plan', def.tier);
  const connectivitySubscriptionId = rng.guid();
  const landingZoneSubscriptionIds = Array.from({ length: def.landingZoneSubscriptions }, () => rng.guid());
  const hubs: HubPlan[] = [];
  const spokes: SpokePlan[] = [];
  for (let h = 0; h < def.hubs; h++) hubs.push(planHub(def, h, connectivitySubscriptionId));
  for (const hub of hubs) {
    for (let i = 0; i < def.spokesPerHub; i++) {
      const index = spokes.length;
      const sub = landingZoneSubscriptionIds[index % landingZoneSubscriptionIds.length] as string;
      spokes.push(planSpoke(def, rng, hub, index, i, sub));
      hub.spokes.push(index);
    }
  }
  const firstHub = hubs[0] as HubPlan;
  const baseRg: ResourceGroupRef = { subscriptionId: connectivitySubscriptionId, resourceGroup: 'rg-connectivity-global' };
  const basePolicyName = 'afwp-global-base';
  const mistakes = plantMistakes(def, createRng(seed, 'mistakes', def.tier), hubs, spokes);
  return {
    tier: def,
    seed,
    connectivitySubscriptionId,
    landingZoneSubscriptionIds,
    basePolicy: {
      ...baseRg,
      name: basePolicyName,
      id: networkId(baseRg, 'firewallPolicies', basePolicyName),
      location: firstHub.location,
      ruleCollectionGroupName: 'rcg-global-baseline',
    },
    hubs,
    spokes,
    mistakes,
  };
}
