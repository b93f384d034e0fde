// When the last document is read: give parents their children, fill the back-references the
// model needs, add default security rules to NSGs that came without them, and report children
// whose parent never arrived.

import type { ResourceId, Route, SecurityRule, Snapshot } from '../core/model/index.ts';
import { buildDefaultSecurityRules, missingDefaultSecurityRules, type NetworkSecurityGroup } from '../core/model/index.ts';
import type { ImportContext } from './context.ts';
import { parentOf } from './ids.ts';
import type { Store } from './store.ts';

export function assembleSnapshot(store: Store, ctx: ImportContext): Snapshot {
  const s = store.snap;

  // VNet -> subnets, peerings (in the order they were first read).
  for (const v of s.virtualNetworks.values()) {
    v.subnetIds = [];
    v.peeringIds = [];
  }
  for (const sub of s.subnets.values()) s.virtualNetworks.get(sub.vnetId)?.subnetIds.push(sub.id);
  for (const p of s.peerings.values()) s.virtualNetworks.get(p.vnetId)?.peeringIds.push(p.id);
  for (const v of s.virtualNetworks.values()) {
    v.subnetIds = exact(v.subnetIds);
    v.peeringIds = exact(v.peeringIds);
  }

  // NSG rules; the six default rules when the NSG came without them, and each one it lacks when it
  // came with only some (rule 2.1: every NSG holds all six, "You can't remove the default rules",
  // learn.microsoft.com/azure/virtual-network/network-security-groups-overview).
  let defaultsAdded = 0;
  for (const nsg of s.networkSecurityGroups.values()) {
    const custom: SecurityRule[] = [];
    const defaults: SecurityRule[] = [];
    for (const r of store.rulesByNsg.get(nsg.id)?.values() ?? []) (r.collection === 'defaultSecurityRules' ? defaults : custom).push(r);
    nsg.securityRules = exact(custom);
    // REST and az CLI always list securityRules (`[]` when there are none); a copy without the
    // field (a Resource Graph row projected to id, name and type) does not say the NSG has none.
    if (custom.length === 0 && !store.gaveCollection(nsg.id, 'securityRules')) {
      const where: { resourceId: string; file?: string; jsonPath?: string } = { resourceId: nsg.displayId };
      if (nsg.source) {
        where.file = nsg.source.file;
        where.jsonPath = nsg.source.jsonPath;
      }
      ctx.report('warning', 'nsg.rules-unknown', `network security group ${nsg.name} came without its securityRules field, and no rule of it stands alone in the input: its custom rules are unknown, and it is evaluated with the default rules only`, { ...where, hint: 'export the NSG with its properties (az network nsg list, or a Resource Graph query that projects properties)' });
    }
    if (defaults.length > 0) {
      nsg.defaultSecurityRules = completeDefaultRules(nsg, defaults, ctx);
    } else {
      nsg.defaultSecurityRules = buildDefaultSecurityRules(nsg.id, nsg.displayId);
      defaultsAdded++;
    }
  }
  if (defaultsAdded > 0) {
    ctx.report('info', 'nsg.defaultRulesAdded', `${defaultsAdded} network security group${defaultsAdded === 1 ? '' : 's'} came without defaultSecurityRules; the six Azure default rules were added`);
  }
  reportOrphans(ctx, store.rulesByNsg, s.networkSecurityGroups, 'security rule', 'network security group');

  for (const rt of s.routeTables.values()) {
    const routes = store.routesByTable.get(rt.id);
    rt.routes = routes === undefined ? [] : Array.from(routes.values());
  }
  reportOrphans(ctx, store.routesByTable, s.routeTables, 'route', 'route table');

  // NAT gateway <-> subnets: the subnet's natGateway is the truth; the gateway's list is a mirror.
  for (const sub of s.subnets.values()) {
    if (sub.natGatewayId === undefined) continue;
    const nat = s.natGateways.get(sub.natGatewayId);
    if (nat && !nat.subnetIds.includes(sub.id)) nat.subnetIds.push(sub.id);
  }

  // NIC ip configuration -> public IP: fill the public IP's back-reference when it lacks one.
  for (const nic of s.networkInterfaces.values()) {
    for (const ipc of nic.ipConfigurations) {
      if (ipc.publicIpId === undefined) continue;
      const pip = s.publicIpAddresses.get(ipc.publicIpId);
      if (pip && pip.ipConfigurationId === undefined) pip.ipConfigurationId = ipc.id;
    }
  }

  // VM -> NICs: fill NIC.vmId when the NIC export did not carry it.
  for (const vm of s.virtualMachines.values()) {
    for (const ref of vm.nics) {
      const nic = s.networkInterfaces.get(ref.id);
      if (nic && nic.vmId === undefined) nic.vmId = vm.id;
    }
  }

  // Private endpoint <-> NIC.
  for (const pe of s.privateEndpoints.values()) {
    for (const nicId of pe.nicIds) {
      const nic = s.networkInterfaces.get(nicId);
      if (nic && nic.privateEndpointId === undefined) nic.privateEndpointId = pe.id;
    }
  }
  for (const nic of s.networkInterfaces.values()) {
    if (nic.privateEndpointId === undefined) continue;
    const pe = s.privateEndpoints.get(nic.privateEndpointId);
    if (pe && !pe.nicIds.includes(nic.id)) pe.nicIds.push(nic.id);
  }

  // Firewall policy -> rule collection groups (listed by the policy, or pointing at it).
  for (const g of s.firewallPolicyRuleCollectionGroups.values()) {
    const policy = s.firewallPolicies.get(g.policyId);
    if (policy && !policy.ruleCollectionGroupIds.includes(g.id)) policy.ruleCollectionGroupIds.push(g.id);
  }

  s.unsupported = [...store.unsupported.values()];

  if (store.identicalDuplicates > 0) {
    const n = store.identicalDuplicates;
    ctx.report('info', 'resource.duplicate', `${n} resource${n === 1 ? ' was' : 's were'} read more than once with identical content and merged`);
  }
  return s;
}

/**
 * The list to keep in the model: a pushed array keeps spare capacity (up to half again its length
 * plus 16 slots), which across tens of thousands of lists is a sizeable part of the heap.
 */
function exact<T>(list: T[]): T[] {
  return list.length === 0 ? [] : list.slice();
}

function reportOrphans<T extends SecurityRule | Route>(
  ctx: ImportContext,
  children: Map<ResourceId, Map<ResourceId, T>>,
  parents: Map<ResourceId, unknown>,
  what: string,
  parentWhat: string,
): void {
  for (const [parentId, list] of children) {
    if (parents.has(parentId) || list.size === 0) continue;
    const first = list.values().next().value as T;
    const parentDisplay = parentOf(first.displayId);
    ctx.report(
      'warning',
      'child.orphan',
      `${list.size} ${what}${list.size === 1 ? '' : 's'} of ${parentWhat} ${parentDisplay} ${list.size === 1 ? 'was' : 'were'} read, but the ${parentWhat} is not in the input; not modelled (${[...list.values()].slice(0, 5).map((r) => r.name).join(', ')}${list.size > 5 ? ', ...' : ''})`,
      { file: first.source?.file ?? '', resourceId: first.displayId, jsonPath: first.source?.jsonPath, hint: `export the ${parentWhat} too` },
    );
  }
}

/**
 * The default rules an NSG came with, and those of the six it lacks (an input holding only some,
 * e.g. one standalone `defaultSecurityRules` resource): Azure's NSG has them all (rule 2.1). Says
 * which were added, on the NSG.
 */
function completeDefaultRules(nsg: NetworkSecurityGroup, given: SecurityRule[], ctx: ImportContext): SecurityRule[] {
  const missing = missingDefaultSecurityRules(nsg.id, nsg.displayId, given);
  if (missing.length === 0) return exact(given);
  const names = missing.map((r) => r.name).join(', ');
  const where: { resourceId: string; file?: string; jsonPath?: string } = { resourceId: nsg.displayId };
  if (nsg.source) {
    where.file = nsg.source.file;
    where.jsonPath = nsg.source.jsonPath;
  }
  ctx.report('info', 'nsg.defaultRulesAdded', `network security group ${nsg.name} came with only some of its default security rules; the ${missing.length === 1 ? 'missing one was' : `${missing.length} missing ones were`} added as Azure defines them: ${names}`, where);
  return exact([...given, ...missing]);
}
