// All resources of one hub: ASGs, the shared and jumpbox NSGs, the gateway and egress route
// tables, public IPs, the hub VNet (subnets and every hub-side peering embedded), Azure Firewall
// with its policy and rule collection groups, the VPN gateway, local network gateway and
// connection, and the hub's NICs and VMs.

import { CORPORATE_EGRESS, HUB_VM_ROLES, PLATFORM_FQDNS, ROLE_PORTS, VM_SIZES } from './catalog.ts';
import { buildAsg } from './build/asg.ts';
import {
  type ApplicationRule, buildFirewall, buildFirewallPolicy, buildRuleCollectionGroup, firewallIpConfigId, type NetworkRule,
} from './build/firewall.ts';
import { buildConnection, buildLocalNetworkGateway, buildVpnGateway, gatewayIpConfigId } from './build/gateway.ts';
import { buildNic, macAddressFor, nicIpConfigId } from './build/nic.ts';
import { buildNsg } from './build/nsg.ts';
import { buildPublicIp } from './build/public-ip.ts';
import type { ArmResource } from './build/resource.ts';
import { buildRouteTable } from './build/route-table.ts';
import { buildVm } from './build/vm.ts';
import { buildVnet, type PeeringInput, type SubnetInput } from './build/vnet.ts';
import { childId, networkId, resourceId, TYPES } from './ids.ts';
import { hostAt } from './ipv4.ts';
import { customRule, generateRuleMix, type RuleContext, type RuleEndpoint, type UnplacedRule } from './nsg-rules.ts';
import {
  type EstatePlan, type HubPlan, hubMeshPeeringName, hubSidePeeringName, jumpboxManagementRuleName, type SpokePlan, type SubnetPlan,
} from './plan.ts';
import { createRng, type Rng } from './prng.ts';
import { JUMPBOX_NSG_RULES } from './shape.ts';

export const HUB_RCG = {
  dnat: { name: 'rcg-dnat', priority: 100 },
  network: { name: 'rcg-network', priority: 200 },
  application: { name: 'rcg-application', priority: 300 },
} as const;

interface HubNic {
  subnet: SubnetPlan;
  vmName: string;
  vmId: string;
  nicName: string;
  nicId: string;
  ipConfigId: string;
  ip: string;
}

/** The jumpbox's RDP and SSH rules: from the corporate ranges, or (planted) from the internet. */
function jumpboxRules(hub: HubPlan, destination: RuleEndpoint): UnplacedRule[] {
  return (['3389', '22'] as const).map((port) => {
    const planted = hub.internetManagementPort?.port === port ? hub.internetManagementPort.source : undefined;
    const source: RuleEndpoint = planted ? { prefix: planted } : { prefixes: [...CORPORATE_EGRESS] };
    return customRule(jumpboxManagementRuleName(port), planted ? 'Temporary: vendor access' : 'Admins from the corporate network',
      'Inbound', 'Allow', 'Tcp', source, destination, port);
  });
}

function spokesOf(plan: EstatePlan, hub: HubPlan): SpokePlan[] {
  return hub.spokes.map((i) => plan.spokes[i] as SpokePlan);
}

function networkRules(rng: Rng, plan: EstatePlan, hub: HubPlan): ReturnType<typeof buildRuleCollectionGroup> {
  const spokes = spokesOf(plan, hub);
  const toOnPrem: NetworkRule[] = spokes.map((s) => ({
    name: `${s.short}-to-onprem`,
    ipProtocols: ['TCP'],
    sourceAddresses: [s.prefix],
    destinationAddresses: [...hub.onPremPrefixes],
    destinationPorts: rng.sample(['443', '1433', '22', '8443', '445', '5432'], rng.int(1, 2)),
  }));
  toOnPrem.push({
    name: 'onprem-to-region',
    ipProtocols: ['TCP'],
    sourceAddresses: [...hub.onPremPrefixes],
    destinationAddresses: [hub.regionSupernet],
    destinationPorts: ['443', '22', '3389'],
  });
  const spokeToSpoke: NetworkRule[] = [];
  for (const s of spokes) {
    if (spokes.length < 2 || !rng.chance(0.5)) continue;
    const t = rng.pick(spokes.filter((x) => x !== s));
    spokeToSpoke.push({
      name: `${s.short}-to-${t.short}`,
      ipProtocols: ['TCP'],
      sourceAddresses: [s.prefix],
      destinationAddresses: [t.prefix],
      destinationPorts: rng.pick([['443'], ['8443', '443'], ['8000-8100']]),
    });
  }
  return buildRuleCollectionGroup(hub.policyId, HUB_RCG.network.name, HUB_RCG.network.priority, [
    {
      kind: 'network', name: 'net-platform', priority: 100, action: 'Allow', rules: [
        { name: 'dns-to-hub', ipProtocols: ['UDP', 'TCP'], sourceAddresses: [hub.regionSupernet], destinationAddresses: [...hub.dnsServerIps], destinationPorts: ['53'] },
        { name: 'ntp', ipProtocols: ['UDP'], sourceAddresses: [hub.regionSupernet], destinationAddresses: ['*'], destinationPorts: ['123'] },
        { name: 'kms', ipProtocols: ['TCP'], sourceAddresses: [hub.regionSupernet], destinationFqdns: ['kms.core.windows.net', 'azkms.core.windows.net'], destinationPorts: ['1688'] },
      ],
    },
    { kind: 'network', name: 'net-onprem', priority: 200, action: 'Allow', rules: toOnPrem },
    ...(spokeToSpoke.length > 0 ? [{ kind: 'network' as const, name: 'net-spoke-to-spoke', priority: 300, action: 'Allow' as const, rules: spokeToSpoke }] : []),
    {
      kind: 'network', name: 'net-deny-lateral-mgmt', priority: 400, action: 'Deny', rules: [
        { name: 'deny-lateral-mgmt', ipProtocols: ['TCP'], sourceAddresses: [hub.regionSupernet], destinationAddresses: [hub.regionSupernet], destinationPorts: ['22', '3389', '445', '5985-5986'] },
      ],
    },
  ]);
}

function applicationRules(rng: Rng, plan: EstatePlan, hub: HubPlan): ReturnType<typeof buildRuleCollectionGroup> {
  const perApp: ApplicationRule[] = spokesOf(plan, hub).map((s) => ({
    name: `${s.short}-partner-api`,
    protocols: [{ protocolType: 'Https', port: 443 }],
    sourceAddresses: [s.prefix],
    targetFqdns: [`api.${s.app}-partner.example.com`, `*.${s.app}.example.net`],
  }));
  return buildRuleCollectionGroup(hub.policyId, HUB_RCG.application.name, HUB_RCG.application.priority, [
    {
      kind: 'application', name: 'app-platform', priority: 100, action: 'Allow', rules: [
        { name: 'windows-update', protocols: [{ protocolType: 'Http', port: 80 }, { protocolType: 'Https', port: 443 }], sourceAddresses: [hub.regionSupernet], fqdnTags: ['WindowsUpdate'] },
        { name: 'package-repositories', protocols: [{ protocolType: 'Https', port: 443 }], sourceAddresses: [hub.regionSupernet], targetFqdns: rng.sample(PLATFORM_FQDNS, 5) },
        { name: 'azure-monitor', protocols: [{ protocolType: 'Https', port: 443 }], sourceAddresses: [hub.regionSupernet], targetFqdns: ['*.ods.opinsights.azure.com', '*.oms.opinsights.azure.com', '*.monitoring.azure.com'] },
      ],
    },
    { kind: 'application', name: 'app-per-application', priority: 200, action: 'Allow', rules: perApp },
  ]);
}

function dnatRules(plan: EstatePlan, hub: HubPlan): ReturnType<typeof buildRuleCollectionGroup> {
  const first = spokesOf(plan, hub)[0] as SpokePlan;
  const web = first.workloadSubnets[0] as SubnetPlan;
  return buildRuleCollectionGroup(hub.policyId, HUB_RCG.dnat.name, HUB_RCG.dnat.priority, [{
    kind: 'nat', name: 'dnat-inbound', priority: 100, rules: [{
      name: `dnat-https-${first.short}`,
      ipProtocols: ['TCP'],
      sourceAddresses: ['*'],
      destinationAddresses: [hub.firewallPublicIp],
      destinationPorts: ['443'],
      translatedAddress: hostAt(web.cidr, 4),
      translatedPort: '443',
    }],
  }]);
}

export function* hubResources(plan: EstatePlan, hub: HubPlan): Generator<ArmResource> {
  const rng = createRng(plan.seed, 'hub', hub.index);
  const def = plan.tier;
  const loc = hub.location;
  const spokes = spokesOf(plan, hub);

  const asgs = new Map<string, string>();
  for (const role of HUB_VM_ROLES) {
    const name = `asg-hub-${loc}-${role}`;
    const id = networkId(hub, 'applicationSecurityGroups', name);
    asgs.set(role, id);
    yield buildAsg(id, name, loc, rng.guid());
  }

  // NICs: the jumpbox is the first NIC of the mgmt subnet.
  const nics: HubNic[] = [];
  for (const subnet of hub.vmSubnets) {
    for (let j = 0; j < subnet.vmNics; j++) {
      const vmName = `vm-${hub.regionShort}-${subnet.role}-${String(j + 1).padStart(2, '0')}`;
      const nicName = `${vmName}-nic`;
      const nicId = networkId(hub, 'networkInterfaces', nicName);
      nics.push({
        subnet, vmName, nicName, nicId,
        vmId: resourceId(hub, TYPES.virtualMachine, vmName),
        ipConfigId: nicIpConfigId(nicId, 'ipconfig1'),
        ip: hostAt(subnet.cidr, 4 + j),
      });
    }
  }
  const jumpboxNicId = networkId(hub, 'networkInterfaces', hub.jumpbox.nicName);
  if (!nics.some((n) => n.nicId === jumpboxNicId)) throw new Error('jumpbox NIC missing from the hub layout');

  // NSGs: the jumpbox NIC NSG and the NSG shared by all hub VM subnets.
  const sharedNsgId = networkId(hub, 'networkSecurityGroups', hub.sharedNsgName);
  const jumpboxNsgId = networkId(hub, 'networkSecurityGroups', hub.jumpbox.nsgName);
  const subnetPrefixes = new Map(hub.vmSubnets.map((s) => [s.role, s.prefix] as const));
  const mgmtPrefix = subnetPrefixes.get('mgmt') as string;
  const context = (protectedRoles: readonly string[]): RuleContext => ({
    rng,
    asgs,
    protectedRoles,
    subnetPrefixes,
    ownPrefix: hub.prefix,
    hubMgmtPrefix: mgmtPrefix,
    hubDnsIps: hub.dnsServerIps,
    onPremPrefixes: hub.onPremPrefixes,
    regionSupernet: hub.regionSupernet,
    peerPrefixes: rng.sample(spokes, Math.min(3, spokes.length)).map((s) => s.prefix),
    allowsManagementFromOutside: true,
  });
  const jumpboxCount = rng.int(JUMPBOX_NSG_RULES.min, JUMPBOX_NSG_RULES.max);
  const jumpboxRulesList = generateRuleMix(context(['mgmt']), jumpboxCount, { fixedInbound: jumpboxRules(hub, { prefix: '*' }) });
  const sharedRules = generateRuleMix(context(HUB_VM_ROLES), 2 * def.rulesPerNsg - jumpboxCount, {
    fixedInbound: [
      ...jumpboxRules(hub, { prefix: hub.jumpbox.ip }),
      customRule('Allow-Region-to-identity', 'Domain services for every workload of the region', 'Inbound', 'Allow', 'Tcp',
        { prefix: hub.regionSupernet }, { asgIds: [asgs.get('identity') as string] }, [...(ROLE_PORTS.identity ?? [])]),
      customRule('Allow-Region-DNS', 'DNS for every workload of the region', 'Inbound', 'Allow', 'Udp',
        { prefix: hub.regionSupernet }, { asgIds: [asgs.get('dns') as string] }, '53'),
    ],
  });
  yield buildNsg({
    id: sharedNsgId, name: hub.sharedNsgName, location: loc, rules: sharedRules, resourceGuid: rng.guid(),
    subnetIds: hub.vmSubnets.map((s) => s.id), nicIds: [],
  });
  yield buildNsg({
    id: jumpboxNsgId, name: hub.jumpbox.nsgName, location: loc, rules: jumpboxRulesList, resourceGuid: rng.guid(),
    subnetIds: [], nicIds: [jumpboxNicId],
  });

  // Route tables.
  const gatewayRtId = networkId(hub, 'routeTables', hub.gatewayRouteTableName);
  const egressRtId = networkId(hub, 'routeTables', hub.egressRouteTableName);
  yield buildRouteTable({
    id: gatewayRtId,
    name: hub.gatewayRouteTableName,
    location: loc,
    disableBgpRoutePropagation: false,
    routes: spokes.map((s) => ({ name: `to-${s.short}`, addressPrefix: s.prefix, nextHopType: 'VirtualAppliance' as const, nextHopIpAddress: hub.firewallIp })),
    subnetIds: [hub.gatewaySubnet.id],
  });
  yield buildRouteTable({
    id: egressRtId,
    name: hub.egressRouteTableName,
    location: loc,
    disableBgpRoutePropagation: false,
    routes: [{ name: 'default-to-firewall', addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: hub.firewallIp }],
    subnetIds: hub.vmSubnets.map((s) => s.id),
  });

  // Public IPs.
  const fwPipId = networkId(hub, 'publicIPAddresses', hub.firewallPublicIpName);
  const gwPipId = networkId(hub, 'publicIPAddresses', hub.gatewayPublicIpName);
  const jumpPipId = networkId(hub, 'publicIPAddresses', hub.jumpbox.publicIpName);
  const jumpboxIpConfigId = nicIpConfigId(jumpboxNicId, 'ipconfig1');
  yield buildPublicIp({ id: fwPipId, name: hub.firewallPublicIpName, location: loc, ipAddress: hub.firewallPublicIp, ipConfigurationId: firewallIpConfigId(hub.firewallId), zones: ['1', '2', '3'], resourceGuid: rng.guid() });
  yield buildPublicIp({ id: gwPipId, name: hub.gatewayPublicIpName, location: loc, ipAddress: hub.gatewayPublicIp, ipConfigurationId: gatewayIpConfigId(hub.gatewayId), zones: ['1', '2', '3'], resourceGuid: rng.guid() });
  yield buildPublicIp({ id: jumpPipId, name: hub.jumpbox.publicIpName, location: loc, ipAddress: hub.jumpbox.publicIp, ipConfigurationId: jumpboxIpConfigId, resourceGuid: rng.guid() });

  // The hub VNet.
  const subnets: SubnetInput[] = [
    {
      id: hub.gatewaySubnet.id, name: hub.gatewaySubnet.name, prefix: hub.gatewaySubnet.prefix, routeTableId: gatewayRtId,
      privateEndpointNetworkPolicies: 'Disabled', ipConfigurationIds: [gatewayIpConfigId(hub.gatewayId)], privateEndpointIds: [],
    },
    {
      id: hub.firewallSubnet.id, name: hub.firewallSubnet.name, prefix: hub.firewallSubnet.prefix,
      privateEndpointNetworkPolicies: 'Disabled', ipConfigurationIds: [firewallIpConfigId(hub.firewallId)], privateEndpointIds: [],
    },
    ...hub.vmSubnets.map((s): SubnetInput => ({
      id: s.id, name: s.name, prefix: s.prefix, nsgId: sharedNsgId, routeTableId: egressRtId,
      privateEndpointNetworkPolicies: 'Disabled',
      ipConfigurationIds: nics.filter((n) => n.subnet === s).map((n) => n.ipConfigId),
      privateEndpointIds: [],
    })),
  ];
  const peerings: PeeringInput[] = spokes.map((s) => ({
    id: childId(hub.vnetId, 'virtualNetworkPeerings', hubSidePeeringName(hub, s)),
    name: hubSidePeeringName(hub, s),
    remoteVnetId: s.vnetId,
    remotePrefixes: [s.prefix],
    allowVirtualNetworkAccess: true,
    allowForwardedTraffic: true,
    allowGatewayTransit: true,
    useRemoteGateways: false,
  }));
  for (const other of plan.hubs) {
    if (other === hub) continue;
    peerings.push({
      id: childId(hub.vnetId, 'virtualNetworkPeerings', hubMeshPeeringName(hub, other)),
      name: hubMeshPeeringName(hub, other),
      remoteVnetId: other.vnetId,
      remotePrefixes: [other.prefix],
      allowVirtualNetworkAccess: true,
      allowForwardedTraffic: true,
      allowGatewayTransit: false,
      useRemoteGateways: false,
    });
  }
  yield buildVnet({
    id: hub.vnetId, name: hub.vnetName, location: loc, addressPrefixes: [hub.prefix], dnsServers: hub.dnsServerIps,
    subnets, peerings, resourceGuid: rng.guid(), tags: { role: 'hub' },
  });

  // Firewall, its policy (child of the global base policy) and rule collection groups.
  yield buildFirewall({
    id: hub.firewallId, name: hub.firewallName, location: loc, privateIp: hub.firewallIp, subnetId: hub.firewallSubnet.id,
    publicIpId: fwPipId, policyId: hub.policyId,
  });
  yield buildFirewallPolicy({
    id: hub.policyId, name: hub.policyName, location: loc, basePolicyId: plan.basePolicy.id, firewallIds: [hub.firewallId],
    ruleCollectionGroupNames: [HUB_RCG.dnat.name, HUB_RCG.network.name, HUB_RCG.application.name], dnsProxy: true,
  });
  yield dnatRules(plan, hub);
  yield networkRules(rng, plan, hub);
  yield applicationRules(rng, plan, hub);

  // Site-to-site VPN.
  yield buildVpnGateway({
    id: hub.gatewayId, name: hub.gatewayName, location: loc, subnetId: hub.gatewaySubnet.id, publicIpId: gwPipId,
    publicIp: hub.gatewayPublicIp, bgpPeeringAddress: hostAt(hub.gatewaySubnet.cidr, 30), resourceGuid: rng.guid(),
  });
  yield buildLocalNetworkGateway({
    id: hub.localGatewayId, name: hub.localGatewayName, location: loc, gatewayIpAddress: hub.onPremGatewayIp,
    addressPrefixes: hub.onPremPrefixes, resourceGuid: rng.guid(),
  });
  yield buildConnection({
    id: hub.connectionId, name: hub.connectionName, location: loc, gatewayId: hub.gatewayId, localGatewayId: hub.localGatewayId,
    resourceGuid: rng.guid(),
  });

  // NICs and VMs.
  let nicNumber = hub.index * def.vmNicsPerHub;
  for (const n of nics) {
    const jumpbox = n.nicId === jumpboxNicId;
    const fixedIp = n.subnet.role === 'identity' || n.subnet.role === 'dns';
    yield buildNic({
      id: n.nicId,
      name: n.nicName,
      location: loc,
      ipConfigurations: [{
        name: 'ipconfig1',
        privateIp: n.ip,
        allocation: fixedIp ? 'Static' : 'Dynamic',
        subnetId: n.subnet.id,
        primary: true,
        asgIds: [asgs.get(n.subnet.role) as string],
        publicIpId: jumpbox ? jumpPipId : undefined,
      }],
      nsgId: jumpbox ? jumpboxNsgId : undefined,
      vmId: n.vmId,
      macAddress: macAddressFor(nicNumber++),
      acceleratedNetworking: rng.chance(0.6),
    });
    yield buildVm({
      id: n.vmId,
      name: n.vmName,
      location: loc,
      size: rng.pick(VM_SIZES),
      osType: jumpbox || n.subnet.role === 'identity' || rng.chance(0.3) ? 'Windows' : 'Linux',
      nicIds: [n.nicId],
      zone: String(rng.int(1, 3)),
      vmId: rng.guid(),
    });
  }
}
