// Cross-resource checks on a Snapshot: dangling references, overlapping address spaces, subnet
// prefixes outside their VNet or overlapping each other, ASGs spanning VNets (validate-asgs.ts),
// security rules sharing a priority and direction (validate-priorities.ts), security rule names
// Azure refuses (validate-rule-names.ts), address spaces and subnet sizes Azure refuses
// (validate-address-spaces.ts), NICs claiming a subnet's reserved addresses
// (validate-reserved-addresses.ts).
// Pure: no file system, no input formats. Field-level problems (bad CIDRs, ports, types) are the
// importer's job; this file checks what only the whole estate can tell.

import { parseCidr } from '../sets/index.ts';
import type { Diagnostic } from './diagnostics.ts';
import type { FirewallRule, ResourceId, Snapshot, SourceLocation, VirtualNetwork } from './types.ts';
import { fieldPath } from './field-path.ts';
import { checkAsgVnets } from './validate-asgs.ts';
import { checkRulePriorities } from './validate-priorities.ts';
import { checkRuleNames } from './validate-rule-names.ts';
import { checkAddressSpaces, checkSubnetSizes } from './validate-address-spaces.ts';
import { checkReservedAddresses } from './validate-reserved-addresses.ts';

export function validateSnapshot(s: Snapshot): Diagnostic[] {
  const out: Diagnostic[] = [];
  checkReferences(s, out);
  checkVnetOverlaps(s, out);
  checkSubnets(s, out);
  checkAsgVnets(s, out);
  checkRulePriorities(s, out);
  checkRuleNames(s, out);
  checkAddressSpaces(s, out);
  checkSubnetSizes(s, out);
  checkReservedAddresses(s, out);
  return out;
}

// ---- references -----------------------------------------------------------------------------

interface Referrer {
  displayId: string;
  source?: SourceLocation;
}

function parentOf(id: string): string {
  const parts = id.split('/');
  return parts.slice(0, -2).join('/');
}

function checkReferences(s: Snapshot, out: Diagnostic[]): void {
  const dangling = (from: Referrer, field: string, targetId: ResourceId, what: string, extra = '', src: SourceLocation | undefined = from.source) => {
    const d: Diagnostic = {
      severity: 'warning',
      code: 'ref.dangling',
      message: `${from.displayId} refers to ${what} ${targetId}, which is not in the input${extra}`,
      resourceId: from.displayId,
      hint: 'export the referenced resource too (it may live in another subscription or resource group)',
    };
    if (src?.file) d.file = src.file;
    const p = fieldPath(src, field);
    if (p !== undefined) d.jsonPath = p;
    out.push(d);
  };
  const need = <T>(map: Map<ResourceId, T>, id: ResourceId | undefined, from: Referrer, field: string, what: string, src?: SourceLocation) => {
    if (id !== undefined && !map.has(id)) dangling(from, field, id, what, '', src ?? from.source);
  };

  for (const sub of s.subnets.values()) {
    if (!s.virtualNetworks.has(sub.vnetId)) {
      const d: Diagnostic = {
        severity: 'warning',
        code: 'ref.dangling',
        message: `subnet ${sub.displayId} belongs to virtual network ${sub.vnetId}, which is not in the input`,
        resourceId: sub.displayId,
        hint: 'export the virtual network too',
      };
      if (sub.source?.file) d.file = sub.source.file;
      if (sub.source) d.jsonPath = sub.source.jsonPath;
      out.push(d);
    }
    need(s.networkSecurityGroups, sub.nsgId, sub, 'networkSecurityGroup.id', 'network security group');
    need(s.routeTables, sub.routeTableId, sub, 'routeTable.id', 'route table');
    need(s.natGateways, sub.natGatewayId, sub, 'natGateway.id', 'NAT gateway');
  }

  for (const p of s.peerings.values()) {
    if (!s.virtualNetworks.has(p.vnetId)) {
      const d: Diagnostic = {
        severity: 'warning',
        code: 'ref.dangling',
        message: `peering ${p.displayId} belongs to virtual network ${p.vnetId}, which is not in the input`,
        resourceId: p.displayId,
        hint: 'export the virtual network too',
      };
      if (p.source?.file) d.file = p.source.file;
      if (p.source) d.jsonPath = p.source.jsonPath;
      out.push(d);
    }
    if (!s.virtualNetworks.has(p.remoteVnetId)) {
      const extra =
        p.remoteAddressSpace.length > 0
          ? `; its address space is taken from the peering's remoteAddressSpace (${p.remoteAddressSpace.join(', ')})`
          : '; the peering records no remoteAddressSpace, so the remote side is unknown';
      dangling(p, 'remoteVirtualNetwork.id', p.remoteVnetId, 'remote virtual network', extra);
    }
  }

  // NICs and rules are the bulk of an estate: plain loops, and a referrer object only when a
  // reference dangles.
  for (const nic of s.networkInterfaces.values()) {
    need(s.networkSecurityGroups, nic.nsgId, nic, 'networkSecurityGroup.id', 'network security group');
    for (const ipc of nic.ipConfigurations) {
      const src = ipc.source ?? nic.source;
      if (ipc.subnetId !== undefined && !s.subnets.has(ipc.subnetId)) dangling({ displayId: nic.displayId, source: src }, 'subnet.id', ipc.subnetId, 'subnet', '', src);
      if (ipc.publicIpId !== undefined && !s.publicIpAddresses.has(ipc.publicIpId)) dangling({ displayId: nic.displayId, source: src }, 'publicIPAddress.id', ipc.publicIpId, 'public IP address', '', src);
      const asgs = ipc.asgIds;
      for (let i = 0; i < asgs.length; i++) {
        if (!s.applicationSecurityGroups.has(asgs[i])) dangling({ displayId: nic.displayId, source: src }, `applicationSecurityGroups[${i}].id`, asgs[i], 'application security group', '', src);
      }
      const pools = ipc.loadBalancerBackendPoolIds;
      for (let i = 0; i < pools.length; i++) {
        if (!s.loadBalancers.has(parentOf(pools[i]))) dangling({ displayId: nic.displayId, source: src }, `loadBalancerBackendAddressPools[${i}].id`, pools[i], 'load balancer backend pool', '', src);
      }
      const natRules = ipc.loadBalancerInboundNatRuleIds;
      for (let i = 0; i < natRules.length; i++) {
        if (!s.loadBalancers.has(parentOf(natRules[i]))) dangling({ displayId: nic.displayId, source: src }, `loadBalancerInboundNatRules[${i}].id`, natRules[i], 'load balancer inbound NAT rule', '', src);
      }
      const agwPools = ipc.applicationGatewayBackendPoolIds;
      for (let i = 0; i < agwPools.length; i++) {
        if (!s.applicationGateways.has(parentOf(agwPools[i]))) dangling({ displayId: nic.displayId, source: src }, `applicationGatewayBackendAddressPools[${i}].id`, agwPools[i], 'application gateway backend pool', '', src);
      }
    }
  }

  for (const nsg of s.networkSecurityGroups.values()) {
    for (const r of nsg.securityRules) {
      const srcAsgs = r.sourceAsgIds;
      for (let i = 0; i < srcAsgs.length; i++) {
        if (!s.applicationSecurityGroups.has(srcAsgs[i])) dangling(r, `sourceApplicationSecurityGroups[${i}].id`, srcAsgs[i], 'application security group');
      }
      const dstAsgs = r.destinationAsgIds;
      for (let i = 0; i < dstAsgs.length; i++) {
        if (!s.applicationSecurityGroups.has(dstAsgs[i])) dangling(r, `destinationApplicationSecurityGroups[${i}].id`, dstAsgs[i], 'application security group');
      }
    }
  }

  for (const pip of s.natGateways.values()) {
    pip.publicIpIds.forEach((id, i) => need(s.publicIpAddresses, id, pip, `publicIpAddresses[${i}].id`, 'public IP address'));
  }

  for (const lb of s.loadBalancers.values()) {
    lb.frontends.forEach((fe, i) => {
      need(s.subnets, fe.subnetId, lb, `frontendIPConfigurations[${i}].properties.subnet.id`, 'subnet');
      need(s.publicIpAddresses, fe.publicIpId, lb, `frontendIPConfigurations[${i}].properties.publicIPAddress.id`, 'public IP address');
    });
  }

  for (const agw of s.applicationGateways.values()) {
    need(s.subnets, agw.subnetId, agw, 'gatewayIPConfigurations[0].properties.subnet.id', 'subnet');
  }

  for (const gw of s.virtualNetworkGateways.values()) {
    need(s.subnets, gw.subnetId, gw, 'ipConfigurations[0].properties.subnet.id', 'subnet');
    gw.publicIpIds.forEach((id, i) => need(s.publicIpAddresses, id, gw, `ipConfigurations[${i}].properties.publicIPAddress.id`, 'public IP address'));
  }

  for (const c of s.connections.values()) {
    need(s.virtualNetworkGateways, c.virtualNetworkGateway1Id, c, 'virtualNetworkGateway1.id', 'virtual network gateway');
    need(s.virtualNetworkGateways, c.virtualNetworkGateway2Id, c, 'virtualNetworkGateway2.id', 'virtual network gateway');
    need(s.localNetworkGateways, c.localNetworkGateway2Id, c, 'localNetworkGateway2.id', 'local network gateway');
  }

  for (const fw of s.azureFirewalls.values()) {
    need(s.firewallPolicies, fw.firewallPolicyId, fw, 'firewallPolicy.id', 'firewall policy');
    fw.ipConfigurations.forEach((c, i) => {
      need(s.subnets, c.subnetId, fw, `ipConfigurations[${i}].properties.subnet.id`, 'subnet');
      need(s.publicIpAddresses, c.publicIpId, fw, `ipConfigurations[${i}].properties.publicIPAddress.id`, 'public IP address');
    });
    fw.classicCollections.forEach((col, i) => checkIpGroups(s, col.rules, fw, `ruleCollections[${i}]`, need));
  }

  for (const policy of s.firewallPolicies.values()) {
    need(s.firewallPolicies, policy.basePolicyId, policy, 'basePolicy.id', 'base firewall policy');
    policy.ruleCollectionGroupIds.forEach((id, i) => need(s.firewallPolicyRuleCollectionGroups, id, policy, `ruleCollectionGroups[${i}].id`, 'rule collection group'));
  }

  for (const g of s.firewallPolicyRuleCollectionGroups.values()) {
    if (!s.firewallPolicies.has(g.policyId)) {
      const d: Diagnostic = {
        severity: 'warning',
        code: 'ref.dangling',
        message: `rule collection group ${g.displayId} belongs to firewall policy ${g.policyId}, which is not in the input`,
        resourceId: g.displayId,
        hint: 'export the firewall policy too',
      };
      if (g.source?.file) d.file = g.source.file;
      if (g.source) d.jsonPath = g.source.jsonPath;
      out.push(d);
    }
    g.ruleCollections.forEach((col, i) => checkIpGroups(s, col.rules, g, `ruleCollections[${i}]`, need));
  }

  for (const pe of s.privateEndpoints.values()) {
    need(s.subnets, pe.subnetId, pe, 'subnet.id', 'subnet');
    pe.nicIds.forEach((id, i) => need(s.networkInterfaces, id, pe, `networkInterfaces[${i}].id`, 'network interface'));
  }

  for (const sa of s.storageAccounts.values()) {
    sa.networkAcls.virtualNetworkRules.forEach((r, i) => need(s.subnets, r.subnetId, sa, `networkAcls.virtualNetworkRules[${i}].id`, 'subnet'));
  }

  for (const vm of s.virtualMachines.values()) {
    vm.nics.forEach((n, i) => need(s.networkInterfaces, n.id, vm, `networkProfile.networkInterfaces[${i}].id`, 'network interface'));
  }
}

type Need = <T>(map: Map<ResourceId, T>, id: ResourceId | undefined, from: Referrer, field: string, what: string) => void;

function checkIpGroups(
  s: Snapshot,
  rules: FirewallRule[],
  from: Referrer,
  at: string,
  need: Need,
): void {
  rules.forEach((r, j) => {
    r.sourceIpGroupIds.forEach((id, k) => need(s.ipGroups, id, from, `${at}.rules[${j}].sourceIpGroups[${k}]`, 'IP group'));
    if (r.kind === 'network') {
      r.destinationIpGroupIds.forEach((id, k) => need(s.ipGroups, id, from, `${at}.rules[${j}].destinationIpGroups[${k}]`, 'IP group'));
    }
  });
}

// ---- address spaces -------------------------------------------------------------------------

interface Block {
  start: number;
  end: number;
  text: string;
}

function blocks(prefixes: string[]): Block[] {
  const out: Block[] = [];
  for (const text of prefixes) {
    const p = parseCidr(text);
    if (p.ok) out.push({ start: p.cidr.start, end: p.cidr.end, text });
  }
  return out;
}

function overlapping(a: Block[], b: Block[]): [Block, Block] | undefined {
  for (const x of a) for (const y of b) if (x.start <= y.end && y.start <= x.end) return [x, y];
  return undefined;
}

const LIST_LIMIT = 10;

function checkVnetOverlaps(s: Snapshot, out: Diagnostic[]): void {
  const spaces = new Map<ResourceId, Block[]>();
  const all: { block: Block; vnet: VirtualNetwork }[] = [];
  for (const v of s.virtualNetworks.values()) {
    const b = blocks(v.addressSpace);
    spaces.set(v.id, b);
    for (const block of b) all.push({ block, vnet: v });
  }

  // Peered VNets must not overlap (rule 8.3): an error per peered pair. The remote side is the
  // remote VNet when present, else the peering's recorded remoteAddressSpace.
  const reported = new Set<string>();
  for (const p of s.peerings.values()) {
    const local = spaces.get(p.vnetId);
    if (local === undefined) continue;
    const remoteVnet = s.virtualNetworks.get(p.remoteVnetId);
    const remote = remoteVnet ? (spaces.get(remoteVnet.id) ?? []) : blocks(p.remoteAddressSpace);
    const hit = overlapping(local, remote);
    if (hit === undefined) continue;
    const key = p.vnetId < p.remoteVnetId ? `${p.vnetId}|${p.remoteVnetId}` : `${p.remoteVnetId}|${p.vnetId}`;
    if (reported.has(key)) continue;
    reported.add(key);
    const localName = s.virtualNetworks.get(p.vnetId)?.name ?? p.vnetId;
    const remoteName = remoteVnet?.name ?? p.remoteVnetId;
    const d: Diagnostic = {
      severity: 'error',
      code: 'address.overlap',
      message: `peered virtual networks ${localName} and ${remoteName} have overlapping address spaces (${hit[0].text} and ${hit[1].text}); Azure does not allow peering overlapping VNets`,
      resourceId: p.displayId,
      hint: 'one side of the peering must be re-addressed',
    };
    if (p.source?.file) d.file = p.source.file;
    if (p.source) d.jsonPath = p.source.jsonPath;
    out.push(d);
  }

  // Unpeered overlaps are allowed but worth knowing: one warning per group of VNets whose
  // address spaces overlap (found with one sweep over the sorted blocks).
  all.sort((a, b) => a.block.start - b.block.start || b.block.end - a.block.end);
  let i = 0;
  while (i < all.length) {
    let end = all[i].block.end;
    let j = i + 1;
    while (j < all.length && all[j].block.start <= end) {
      if (all[j].block.end > end) end = all[j].block.end;
      j++;
    }
    const members = new Map<ResourceId, { vnet: VirtualNetwork; texts: string[] }>();
    for (let k = i; k < j; k++) {
      const m = members.get(all[k].vnet.id);
      if (m) m.texts.push(all[k].block.text);
      else members.set(all[k].vnet.id, { vnet: all[k].vnet, texts: [all[k].block.text] });
    }
    if (members.size > 1) {
      const list = [...members.values()];
      const first = list[0].vnet;
      const names = list
        .slice(0, LIST_LIMIT)
        .map((m) => `${m.vnet.name} (${m.texts.join(', ')})`)
        .join(', ');
      const d: Diagnostic = {
        severity: 'warning',
        code: 'address.overlap',
        message: `${list.length} virtual networks have overlapping address spaces: ${names}${list.length > LIST_LIMIT ? `, and ${list.length - LIST_LIMIT} more` : ''}. Unpeered VNets may overlap, but they can never be peered or routed to each other`,
        resourceId: first.displayId,
        hint: 'fine for isolated copies (e.g. test environments); plan distinct ranges for anything that must connect',
      };
      if (first.source?.file) d.file = first.source.file;
      if (first.source) d.jsonPath = fieldPath(first.source, 'addressSpace.addressPrefixes');
      out.push(d);
    }
    i = j;
  }
}

function checkSubnets(s: Snapshot, out: Diagnostic[]): void {
  const byVnet = new Map<ResourceId, { block: Block; subnetId: ResourceId; name: string }[]>();
  const spaces = new Map<ResourceId, Block[]>();
  for (const sub of s.subnets.values()) {
    const vnet = s.virtualNetworks.get(sub.vnetId);
    if (vnet === undefined) continue;
    let space = spaces.get(vnet.id);
    if (space === undefined) spaces.set(vnet.id, (space = blocks(vnet.addressSpace)));
    const mine = blocks(sub.addressPrefixes);
    for (const b of mine) {
      const inside = space.some((v) => v.start <= b.start && b.end <= v.end);
      if (!inside && space.length > 0) {
        const d: Diagnostic = {
          severity: 'error',
          code: 'subnet.outside',
          message: `subnet ${sub.name} prefix ${b.text} is outside the address space of virtual network ${vnet.name} (${vnet.addressSpace.join(', ')})`,
          resourceId: sub.displayId,
          hint: 'a subnet prefix must lie inside one of its VNet address prefixes',
        };
        if (sub.source?.file) d.file = sub.source.file;
        const p = fieldPath(sub.source, sub.addressPrefixes.length > 1 ? 'addressPrefixes' : 'addressPrefix');
        if (p) d.jsonPath = p;
        out.push(d);
      }
      let list = byVnet.get(vnet.id);
      if (list === undefined) byVnet.set(vnet.id, (list = []));
      list.push({ block: b, subnetId: sub.id, name: sub.name });
    }
  }
  for (const [vnetId, list] of byVnet) {
    list.sort((a, b) => a.block.start - b.block.start);
    let maxEnd = -1;
    let holder: (typeof list)[number] | undefined;
    for (const item of list) {
      if (holder !== undefined && item.block.start <= maxEnd && holder.subnetId !== item.subnetId) {
        const sub = s.subnets.get(item.subnetId);
        const vnet = s.virtualNetworks.get(vnetId);
        const d: Diagnostic = {
          severity: 'error',
          code: 'subnet.overlap',
          message: `subnets ${holder.name} (${holder.block.text}) and ${item.name} (${item.block.text}) of virtual network ${vnet?.name ?? vnetId} overlap`,
          resourceId: sub?.displayId ?? item.subnetId,
          hint: 'subnets of one VNet must not overlap',
        };
        if (sub?.source?.file) d.file = sub.source.file;
        const p = fieldPath(sub?.source, (sub?.addressPrefixes.length ?? 0) > 1 ? 'addressPrefixes' : 'addressPrefix');
        if (p) d.jsonPath = p;
        out.push(d);
      }
      if (item.block.end > maxEnd) {
        maxEnd = item.block.end;
        holder = item;
      }
    }
  }
}
