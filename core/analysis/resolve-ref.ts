// The endpoint resolver shared by every verb (CONTRACT.md "REF"): a resource id, a unique name (NIC,
// VM = its primary NIC, private endpoint, storage account, load balancer, firewall, application
// gateway, `vnet/subnet`), an IP address, or `internet`.

import type { ResourceId } from '../model/types.ts';
import { normalizeId } from '../model/ids.ts';
import type { DataPlane } from '../dataplane/compile.ts';
import type { Endpoint } from '../dataplane/address-index.ts';
import { parseIPv4 } from '../sets/ipv4.ts';
import { cidrsToSet } from '../sets/cidr.ts';
import { PRIVATE_SET } from '../dataplane/well-known-addresses.ts';

export type ResolvedRef =
  | { kind: 'endpoint'; endpoint: Endpoint; label: string }
  | { kind: 'subnet'; subnetId: ResourceId; label: string }
  | { kind: 'storageAccount'; storageAccountId: ResourceId; label: string }
  | { kind: 'external'; ip: number; ipText: string; where: 'internet' | 'onPremises'; label: string }
  | { kind: 'internet'; label: string };

export type ResolveResult = { ok: true; ref: ResolvedRef } | { ok: false; code: 'ref.unknown' | 'ref.ambiguous' | 'ref.not-attached'; message: string; candidates: string[] };

interface Candidate {
  ref: ResolvedRef;
  id: string;
}

function endpointOfNic(dp: DataPlane, nicId: ResourceId): Endpoint | undefined {
  const nic = dp.snapshot.networkInterfaces.get(nicId);
  if (!nic) return undefined;
  const ipc = nic.ipConfigurations.find((c) => c.primary) ?? nic.ipConfigurations[0];
  if (!ipc?.privateIp || !ipc.subnetId) return undefined;
  const ip = parseIPv4(ipc.privateIp.split('/')[0]);
  if (ip === undefined) return undefined;
  const vnetId = dp.snapshot.subnets.get(ipc.subnetId)?.vnetId;
  return vnetId ? dp.addresses.byVnet.get(vnetId)?.get(ip) : undefined;
}

/** Prefixes reachable through a gateway (local network gateways): "on-premises" (rule 9.1). */
function onPremisesSet(dp: DataPlane) {
  return cidrsToSet([...dp.snapshot.localNetworkGateways.values()].flatMap((l) => l.addressPrefixes)).set;
}

function byName(dp: DataPlane, name: string): Candidate[] {
  const n = name.toLowerCase();
  const out: Candidate[] = [];
  const s = dp.snapshot;
  for (const nic of s.networkInterfaces.values()) {
    if (nic.name.toLowerCase() !== n) continue;
    const e = endpointOfNic(dp, nic.id);
    if (e) out.push({ ref: { kind: 'endpoint', endpoint: e, label: nic.name }, id: nic.displayId });
  }
  for (const vm of s.virtualMachines.values()) {
    if (vm.name.toLowerCase() !== n) continue;
    const primary = vm.nics.find((x) => x.primary) ?? vm.nics[0];
    const e = primary ? endpointOfNic(dp, primary.id) : undefined;
    if (e) out.push({ ref: { kind: 'endpoint', endpoint: e, label: vm.name }, id: vm.displayId });
  }
  for (const pe of s.privateEndpoints.values()) {
    if (pe.name.toLowerCase() !== n) continue;
    for (const list of dp.addresses.byIp.values()) {
      const e = list.find((x) => x.kind === 'privateEndpoint' && x.privateEndpointId === pe.id);
      if (e) {
        out.push({ ref: { kind: 'endpoint', endpoint: e, label: pe.name }, id: pe.displayId });
        break;
      }
    }
  }
  for (const sa of s.storageAccounts.values()) {
    if (sa.name.toLowerCase() === n) out.push({ ref: { kind: 'storageAccount', storageAccountId: sa.id, label: sa.name }, id: sa.displayId });
  }
  for (const list of dp.addresses.byIp.values()) {
    for (const e of list) {
      const owner =
        e.kind === 'loadBalancerFrontend' ? s.loadBalancers.get(e.loadBalancerId) :
        e.kind === 'firewall' ? s.azureFirewalls.get(e.firewallId) :
        e.kind === 'applicationGateway' ? s.applicationGateways.get(e.applicationGatewayId) : undefined;
      if (owner && owner.name.toLowerCase() === n) out.push({ ref: { kind: 'endpoint', endpoint: e, label: owner.name }, id: owner.displayId });
    }
  }
  if (n.includes('/') && !n.startsWith('/')) {
    const [vnetName, subnetName] = n.split('/');
    for (const sub of s.subnets.values()) {
      const vnet = s.virtualNetworks.get(sub.vnetId);
      if (sub.name.toLowerCase() === subnetName && vnet?.name.toLowerCase() === vnetName) out.push({ ref: { kind: 'subnet', subnetId: sub.id, label: `${vnet.name}/${sub.name}` }, id: sub.displayId });
    }
  }
  return out;
}

function byId(dp: DataPlane, text: string): Candidate[] {
  const id = normalizeId(text);
  const s = dp.snapshot;
  if (s.networkInterfaces.has(id)) {
    const e = endpointOfNic(dp, id);
    return e ? [{ ref: { kind: 'endpoint', endpoint: e, label: s.networkInterfaces.get(id)!.name }, id: text }] : [];
  }
  const vm = s.virtualMachines.get(id);
  if (vm) {
    const primary = vm.nics.find((x) => x.primary) ?? vm.nics[0];
    const e = primary ? endpointOfNic(dp, primary.id) : undefined;
    return e ? [{ ref: { kind: 'endpoint', endpoint: e, label: vm.name }, id: text }] : [];
  }
  if (s.subnets.has(id)) return [{ ref: { kind: 'subnet', subnetId: id, label: s.subnets.get(id)!.name }, id: text }];
  if (s.storageAccounts.has(id)) return [{ ref: { kind: 'storageAccount', storageAccountId: id, label: s.storageAccounts.get(id)!.name }, id: text }];
  const pe = s.privateEndpoints.get(id);
  if (pe) return byName(dp, pe.name).filter((c) => c.ref.kind === 'endpoint' && c.ref.endpoint.kind === 'privateEndpoint' && c.ref.endpoint.privateEndpointId === id);
  for (const list of dp.addresses.byIp.values()) {
    for (const e of list) {
      const ownerId = e.kind === 'loadBalancerFrontend' ? e.loadBalancerId : e.kind === 'firewall' ? e.firewallId : e.kind === 'applicationGateway' ? e.applicationGatewayId : undefined;
      if (ownerId === id) return [{ ref: { kind: 'endpoint', endpoint: e, label: text }, id: text }];
    }
  }
  return [];
}

export function resolveRef(dp: DataPlane, text: string): ResolveResult {
  const t = text.trim();
  if (t.toLowerCase() === 'internet') return { ok: true, ref: { kind: 'internet', label: 'internet' } };
  const ip = parseIPv4(t);
  if (ip !== undefined) {
    const owners = dp.addresses.byIp.get(ip) ?? [];
    if (owners.length === 1) return { ok: true, ref: { kind: 'endpoint', endpoint: owners[0], label: t } };
    if (owners.length > 1) {
      return { ok: false, code: 'ref.ambiguous', message: `${t} is used in several VNets (overlapping address spaces); name the resource instead`, candidates: owners.map((o) => `${o.kind} in ${dp.snapshot.virtualNetworks.get(o.vnetId)?.displayId ?? o.vnetId}`) };
    }
    const where = onPremisesSet(dp).has(ip) || PRIVATE_SET.has(ip) ? 'onPremises' : 'internet';
    return { ok: true, ref: { kind: 'external', ip, ipText: t, where, label: t } };
  }
  const found = t.startsWith('/') ? byId(dp, t) : byName(dp, t);
  // A VM and its primary NIC, or a NIC reached twice, are one endpoint.
  const unique = new Map<string, Candidate>();
  for (const c of found) {
    const k = c.ref.kind === 'endpoint' ? `e:${c.ref.endpoint.vnetId}:${c.ref.endpoint.ip}` : c.ref.kind === 'subnet' ? `s:${c.ref.subnetId}` : c.ref.kind === 'storageAccount' ? `sa:${c.ref.storageAccountId}` : c.id;
    if (!unique.has(k)) unique.set(k, c);
  }
  if (unique.size === 1) return { ok: true, ref: [...unique.values()][0].ref };
  if (unique.size > 1) return { ok: false, code: 'ref.ambiguous', message: `'${t}' names several resources; use a resource id`, candidates: [...unique.values()].map((c) => c.id) };
  const detached = detachedNic(dp, t);
  if (detached) return { ok: false, code: 'ref.not-attached', message: detached, candidates: [] };
  return { ok: false, code: 'ref.unknown', message: `'${t}' is not a resource id, a unique name, an IP address or 'internet' in this snapshot`, candidates: suggest(dp, t) };
}

/**
 * Why a network interface (or a VM's) that the text names is not an endpoint: none of its ip
 * configurations has an address in a subnet of the input. Undefined when the text names none.
 */
function detachedNic(dp: DataPlane, t: string): string | undefined {
  const n = t.toLowerCase();
  const s = dp.snapshot;
  const vm = [...s.virtualMachines.values()].find((x) => x.name.toLowerCase() === n || x.id === n);
  const nic = vm ? s.networkInterfaces.get(vm.nics.find((x) => x.primary)?.id ?? vm.nics[0]?.id ?? '') : [...s.networkInterfaces.values()].find((x) => x.name.toLowerCase() === n || x.id === n);
  if (!nic) return undefined;
  const missing = nic.ipConfigurations.map((c) => c.subnetId).find((id) => id !== undefined && !s.subnets.has(id));
  const what = vm ? `virtual machine ${vm.name} (network interface ${nic.name})` : `network interface ${nic.name}`;
  if (missing) return `${what} is in the input, but its subnet ${missing} is not: it has no place in the network to evaluate (add the file that holds the subnet's virtual network)`;
  return `${what} is in the input, but none of its ip configurations has a private address in a subnet`;
}

function suggest(dp: DataPlane, text: string): string[] {
  const n = text.toLowerCase();
  const names = [
    ...[...dp.snapshot.networkInterfaces.values()].map((x) => x.name),
    ...[...dp.snapshot.virtualMachines.values()].map((x) => x.name),
    ...[...dp.snapshot.privateEndpoints.values()].map((x) => x.name),
    ...[...dp.snapshot.storageAccounts.values()].map((x) => x.name),
  ];
  return [...new Set(names.filter((x) => x.toLowerCase().includes(n) || n.includes(x.toLowerCase())))].slice(0, 10);
}
