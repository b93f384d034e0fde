// All resources of one spoke: ASGs, NSGs, the route table, the VNet (subnets and peerings
// embedded), storage accounts with private endpoints, an optional public load balancer, NICs and VMs.

import { CORPORATE_EGRESS, FRONT_ROLES, STORAGE_GROUP_IDS, VM_SIZES } from './catalog.ts';
import { buildAsg } from './build/asg.ts';
import { buildLoadBalancer, loadBalancerBackendPoolId, loadBalancerFrontendId } from './build/load-balancer.ts';
import { buildNic, macAddressFor, nicIpConfigId } from './build/nic.ts';
import { buildNsg } from './build/nsg.ts';
import { buildPrivateEndpoint, buildPrivateEndpointNic, type PrivateEndpointInput, privateEndpointConnectionName } from './build/private-endpoint.ts';
import { buildPublicIp } from './build/public-ip.ts';
import type { ArmResource } from './build/resource.ts';
import { buildRouteTable } from './build/route-table.ts';
import { buildStorageAccount } from './build/storage.ts';
import { buildVm } from './build/vm.ts';
import { buildVnet, type PeeringInput, type SubnetInput } from './build/vnet.ts';
import { childId, networkId, resourceId, TYPES } from './ids.ts';
import { hostAt } from './ipv4.ts';
import { customRule, generateRuleMix, type RuleContext, type UnplacedRule } from './nsg-rules.ts';
import {
  bypassPeeringName, type EstatePlan, type HubPlan, publicIpFor, SHADOWED_RULE, SHADOWING_RULE, type SpokePlan, spokeSidePeeringName,
  type SubnetPlan,
} from './plan.ts';
import { createRng } from './prng.ts';

/** Estate-wide number of the first NIC of a spoke (hub NICs come first), for MAC addresses. */
function firstNicNumber(plan: EstatePlan, spoke: SpokePlan): number {
  const t = plan.tier;
  const perSpoke = t.workloadSubnetsPerSpoke * t.vmNicsPerWorkloadSubnet + t.privateEndpointsPerSpoke;
  return t.hubs * t.vmNicsPerHub + spoke.index * perSpoke;
}

interface VmNic {
  subnet: SubnetPlan;
  vmName: string;
  vmId: string;
  nicName: string;
  nicId: string;
  ipConfigId: string;
  ip: string;
}

export function* spokeResources(plan: EstatePlan, spoke: SpokePlan): Generator<ArmResource> {
  const rng = createRng(plan.seed, 'spoke', spoke.index);
  const def = plan.tier;
  const hub = plan.hubs[spoke.hubIndex] as HubPlan;
  const loc = spoke.location;
  const roles = spoke.workloadSubnets.map((s) => s.role);

  // ASGs, one per workload role.
  const asgs = new Map<string, string>();
  for (const role of roles) {
    const name = `asg-${spoke.short}-${role}`;
    const id = networkId(spoke, 'applicationSecurityGroups', name);
    asgs.set(role, id);
    yield buildAsg(id, name, loc, rng.guid());
  }

  // VM NICs (computed first: subnets list their IP configurations).
  let nicNumber = firstNicNumber(plan, spoke);
  const vmNics: VmNic[] = [];
  for (const subnet of spoke.workloadSubnets) {
    for (let j = 0; j < subnet.vmNics; j++) {
      const vmName = `vm-${spoke.short}-${subnet.role}-${String(j + 1).padStart(2, '0')}`;
      const nicName = `${vmName}-nic`;
      const nicId = networkId(spoke, 'networkInterfaces', nicName);
      vmNics.push({
        subnet, vmName, nicName, nicId,
        vmId: resourceId(spoke, TYPES.virtualMachine, vmName),
        ipConfigId: nicIpConfigId(nicId, 'ipconfig1'),
        ip: hostAt(subnet.cidr, 4 + j),
      });
    }
  }

  // Storage accounts and private endpoints.
  const storageIds = spoke.storageAccountNames.map((n) => resourceId(spoke, TYPES.storageAccount, n));
  const pes: PrivateEndpointInput[] = [];
  for (let k = 0; k < def.privateEndpointsPerSpoke; k++) {
    const a = k % storageIds.length;
    const account = spoke.storageAccountNames[a] as string;
    const groupId = STORAGE_GROUP_IDS[Math.floor(k / storageIds.length)] as string;
    const name = `pe-${account}-${groupId}`;
    const guid = rng.guid();
    const nicName = `${name}.nic.${guid}`;
    const nicId = networkId(spoke, 'networkInterfaces', nicName);
    pes.push({
      id: networkId(spoke, 'privateEndpoints', name),
      name,
      location: loc,
      subnetId: spoke.privateEndpointSubnet.id,
      targetId: storageIds[a] as string,
      groupId,
      fqdn: `${account}.${groupId}.core.windows.net`,
      privateIp: hostAt(spoke.privateEndpointSubnet.cidr, 4 + k),
      nicId,
      nicName,
      macAddress: macAddressFor(nicNumber + vmNics.length + k),
      ipConfigName: `privateEndpointIpConfig.${rng.guid()}`,
      resourceGuid: guid,
    });
  }

  // NSGs.
  const frontId = networkId(spoke, 'networkSecurityGroups', spoke.frontNsgName);
  const backId = networkId(spoke, 'networkSecurityGroups', spoke.backNsgName);
  const nsgFor = (role: string): string => (FRONT_ROLES.has(role) ? frontId : backId);
  const subnetNsg = (s: SubnetPlan): string | undefined => (s.name === spoke.subnetWithoutNsg ? undefined : nsgFor(s.role));
  const allSubnets = [...spoke.workloadSubnets, spoke.privateEndpointSubnet];
  const subnetPrefixes = new Map(allSubnets.map((s) => [s.role, s.prefix] as const));
  const others = hub.spokes.filter((i) => i !== spoke.index);
  const peerPrefixes = rng.sample(others, Math.min(3, others.length)).map((i) => (plan.spokes[i] as SpokePlan).prefix);
  const context = (protectedRoles: string[]): RuleContext => ({
    rng,
    asgs,
    protectedRoles,
    subnetPrefixes,
    ownPrefix: spoke.prefix,
    hubMgmtPrefix: (hub.vmSubnets.find((s) => s.role === 'mgmt') as SubnetPlan).prefix,
    hubDnsIps: hub.dnsServerIps,
    onPremPrefixes: hub.onPremPrefixes,
    regionSupernet: hub.regionSupernet,
    peerPrefixes,
  });
  const frontRoles = roles.filter((r) => FRONT_ROLES.has(r));
  const backRoles = [...roles.filter((r) => !FRONT_ROLES.has(r)), 'pe'];
  const budget = 2 * def.rulesPerNsg;
  const frontCount = Math.round(budget * (0.35 + 0.15 * rng.next()));
  const frontFixed: UnplacedRule[] = [];
  if (spoke.hasLoadBalancer) {
    frontFixed.push(customRule('Allow-Internet-Https-Web', 'Public load balancer frontend', 'Inbound', 'Allow', 'Tcp',
      { prefix: 'Internet' }, { asgIds: [asgs.get('web') as string] }, '443'));
  }
  if (spoke.shadowedRule) {
    frontFixed.push(
      customRule(SHADOWING_RULE, 'Partner integration range', 'Inbound', 'Allow', 'Tcp',
        { prefixes: [spoke.prefix, hub.prefix, ...hub.onPremPrefixes] }, { prefix: '*' }, '8000-8100'),
      customRule(SHADOWED_RULE, 'Legacy partner must not reach 8080', 'Inbound', 'Deny', 'Tcp',
        { prefix: hub.onPremPrefixes[0] as string }, { prefix: '*' }, '8080'),
    );
  }
  const frontRules = generateRuleMix(context(frontRoles.length > 0 ? frontRoles : [roles[0] as string]), frontCount, {
    fixedInbound: frontFixed,
    denyInternetOutbound: rng.chance(0.25),
  });
  const backRules = generateRuleMix(context(backRoles), budget - frontCount, {
    // "a few" explicit deny-all overrides: the third spoke of every hub, and about 1 in 10 others
    denyAllInbound: rng.chance(0.1) || spoke.indexInHub === 2,
    denyInternetOutbound: rng.chance(0.25),
  });
  yield buildNsg({
    id: frontId, name: spoke.frontNsgName, location: loc, rules: frontRules, resourceGuid: rng.guid(), nicIds: [],
    subnetIds: allSubnets.filter((s) => subnetNsg(s) === frontId).map((s) => s.id),
  });
  yield buildNsg({
    id: backId, name: spoke.backNsgName, location: loc, rules: backRules, resourceGuid: rng.guid(), nicIds: [],
    subnetIds: allSubnets.filter((s) => subnetNsg(s) === backId).map((s) => s.id),
  });

  // Route table: everything leaving the spoke goes to the hub firewall.
  const routeTableId = spoke.withoutRouteTable ? undefined : networkId(spoke, 'routeTables', spoke.routeTableName);
  if (routeTableId) {
    yield buildRouteTable({
      id: routeTableId,
      name: spoke.routeTableName,
      location: loc,
      disableBgpRoutePropagation: true,
      routes: [
        { name: 'default-to-firewall', addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: hub.firewallIp },
        { name: 'region-via-firewall', addressPrefix: hub.regionSupernet, nextHopType: 'VirtualAppliance', nextHopIpAddress: hub.firewallIp },
        ...hub.onPremPrefixes.map((p, i) => ({ name: `onprem-${i + 1}-via-firewall`, addressPrefix: p, nextHopType: 'VirtualAppliance' as const, nextHopIpAddress: hub.firewallIp })),
      ],
      subnetIds: allSubnets.map((s) => s.id),
    });
  }

  // The VNet.
  const peEnabled = rng.pick(['Disabled', 'Disabled', 'Enabled', 'NetworkSecurityGroupEnabled'] as const);
  const subnets: SubnetInput[] = allSubnets.map((s) => ({
    id: s.id,
    name: s.name,
    prefix: s.prefix,
    nsgId: subnetNsg(s),
    routeTableId,
    serviceEndpoints: s.role === spoke.storageEndpointRole ? [{ service: 'Microsoft.Storage', locations: [loc] }] : undefined,
    privateEndpointNetworkPolicies: s === spoke.privateEndpointSubnet ? peEnabled : 'Disabled',
    ipConfigurationIds: s === spoke.privateEndpointSubnet
      ? pes.map((pe) => nicIpConfigId(pe.nicId, pe.ipConfigName))
      : vmNics.filter((n) => n.subnet === s).map((n) => n.ipConfigId),
    privateEndpointIds: s === spoke.privateEndpointSubnet ? pes.map((pe) => pe.id) : [],
  }));
  const peerings: PeeringInput[] = [{
    id: childId(spoke.vnetId, 'virtualNetworkPeerings', spokeSidePeeringName(spoke, hub)),
    name: spokeSidePeeringName(spoke, hub),
    remoteVnetId: hub.vnetId,
    remotePrefixes: [hub.prefix],
    allowVirtualNetworkAccess: true,
    allowForwardedTraffic: true,
    allowGatewayTransit: false,
    useRemoteGateways: true,
  }];
  if (spoke.bypassPeer !== undefined) {
    const other = plan.spokes[spoke.bypassPeer] as SpokePlan;
    peerings.push({
      id: childId(spoke.vnetId, 'virtualNetworkPeerings', bypassPeeringName(spoke, other)),
      name: bypassPeeringName(spoke, other),
      remoteVnetId: other.vnetId,
      remotePrefixes: [other.prefix],
      allowVirtualNetworkAccess: true,
      allowForwardedTraffic: false,
      allowGatewayTransit: false,
      useRemoteGateways: false,
    });
  }
  yield buildVnet({
    id: spoke.vnetId,
    name: spoke.vnetName,
    location: loc,
    addressPrefixes: [spoke.prefix],
    dnsServers: hub.dnsServerIps,
    subnets,
    peerings,
    resourceGuid: rng.guid(),
    tags: { application: spoke.app, environment: spoke.env },
  });

  // Storage accounts, their private endpoints and the endpoints' NICs.
  for (const [a, name] of spoke.storageAccountNames.entries()) {
    const open = spoke.storageDefaultAllow === true && a === 0;
    yield buildStorageAccount({
      id: storageIds[a] as string,
      name,
      location: loc,
      defaultAction: open ? 'Allow' : 'Deny',
      publicNetworkAccess: open || rng.chance(0.7) ? 'Enabled' : 'Disabled',
      virtualNetworkRuleSubnetIds: open ? [] : allSubnets.filter((s) => s.role === spoke.storageEndpointRole).map((s) => s.id),
      ipRules: open ? [] : CORPORATE_EGRESS,
      privateEndpoints: pes.filter((pe) => pe.targetId === storageIds[a]).map((pe) => ({ id: pe.id, connectionName: privateEndpointConnectionName(pe) })),
    });
  }
  for (const pe of pes) {
    yield buildPrivateEndpoint(pe);
    yield buildPrivateEndpointNic(pe);
  }

  // Public load balancer in front of the web tier.
  let backendPoolId: string | undefined;
  if (spoke.hasLoadBalancer) {
    const lbName = `lbe-${spoke.short}-web`;
    const lbId = networkId(spoke, 'loadBalancers', lbName);
    const pipName = `pip-${lbName}`;
    const pipId = networkId(spoke, 'publicIPAddresses', pipName);
    backendPoolId = loadBalancerBackendPoolId(lbId);
    yield buildPublicIp({
      id: pipId, name: pipName, location: loc, ipAddress: publicIpFor(hub.index, 3 + spoke.indexInHub),
      ipConfigurationId: loadBalancerFrontendId(lbId), zones: ['1', '2', '3'], resourceGuid: rng.guid(),
    });
    yield buildLoadBalancer({
      id: lbId, name: lbName, location: loc, publicIpId: pipId, port: 443, resourceGuid: rng.guid(),
      backendIpConfigurationIds: vmNics.filter((n) => n.subnet.role === 'web').map((n) => n.ipConfigId),
    });
  }

  // VM NICs and their VMs.
  for (const n of vmNics) {
    const windows = rng.chance(0.4);
    yield buildNic({
      id: n.nicId,
      name: n.nicName,
      location: loc,
      ipConfigurations: [{
        name: 'ipconfig1',
        privateIp: n.ip,
        allocation: n.subnet.role === 'data' ? 'Static' : 'Dynamic',
        subnetId: n.subnet.id,
        primary: true,
        asgIds: [asgs.get(n.subnet.role) as string],
        loadBalancerBackendPoolIds: backendPoolId && n.subnet.role === 'web' ? [backendPoolId] : undefined,
      }],
      vmId: n.vmId,
      macAddress: macAddressFor(nicNumber++),
      acceleratedNetworking: rng.chance(0.6),
    });
    yield buildVm({
      id: n.vmId,
      name: n.vmName,
      location: loc,
      size: rng.pick(VM_SIZES),
      osType: windows ? 'Windows' : 'Linux',
      nicIds: [n.nicId],
      zone: String(rng.int(1, 3)),
      vmId: rng.guid(),
    });
  }
}
