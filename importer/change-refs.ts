// REFs in change files: a resource id (case-insensitive) or a unique name, looked up in the
// snapshot being changed. Subnets are `vnet/subnet`, peerings `vnet/peering`; a NIC may be named by
// its VM (the VM's primary NIC).

import type { ModelResource, NetworkInterface, ResourceId, Snapshot } from '../core/model/index.ts';
import { canonId } from './ids.ts';

export type RefResult<T> = { ok: true; value: T } | { ok: false; message: string };

function byIdOrName<T extends ModelResource>(map: Map<ResourceId, T>, ref: string, what: string, nameOf: (x: T) => string[] = (x) => [x.name]): RefResult<T> {
  const t = ref.trim();
  if (t.startsWith('/')) {
    const hit = map.get(canonId(t));
    return hit ? { ok: true, value: hit } : { ok: false, message: `no ${what} with id ${t}` };
  }
  const n = t.toLowerCase();
  const found = [...map.values()].filter((x) => nameOf(x).some((name) => name.toLowerCase() === n));
  if (found.length === 1) return { ok: true, value: found[0] };
  if (found.length > 1) return { ok: false, message: `'${t}' names ${found.length} ${what}s (${found.slice(0, 3).map((x) => x.displayId).join(', ')}${found.length > 3 ? ', ...' : ''}); use the resource id` };
  return { ok: false, message: `no ${what} named '${t}'` };
}

export function resolveNsg(s: Snapshot, ref: string) {
  return byIdOrName(s.networkSecurityGroups, ref, 'network security group');
}

export function resolveRouteTable(s: Snapshot, ref: string) {
  return byIdOrName(s.routeTables, ref, 'route table');
}

export function resolvePublicIp(s: Snapshot, ref: string) {
  return byIdOrName(s.publicIpAddresses, ref, 'public IP address');
}

export function resolveStorageAccount(s: Snapshot, ref: string) {
  return byIdOrName(s.storageAccounts, ref, 'storage account');
}

function vnetName(s: Snapshot, vnetId: ResourceId): string {
  return s.virtualNetworks.get(vnetId)?.name ?? vnetId.split('/').pop() ?? vnetId;
}

export function resolveSubnet(s: Snapshot, ref: string) {
  return byIdOrName(s.subnets, ref, 'subnet (VNET/SUBNET)', (x) => [`${vnetName(s, x.vnetId)}/${x.name}`]);
}

export function resolvePeering(s: Snapshot, ref: string) {
  return byIdOrName(s.peerings, ref, 'peering (VNET/PEERING)', (x) => [`${vnetName(s, x.vnetId)}/${x.name}`, x.name]);
}

export function resolveNic(s: Snapshot, ref: string): RefResult<NetworkInterface> {
  const direct = byIdOrName(s.networkInterfaces, ref, 'network interface');
  if (direct.ok) return direct;
  const vm = byIdOrName(s.virtualMachines, ref, 'virtual machine');
  if (vm.ok) {
    const primary = vm.value.nics.find((n) => n.primary) ?? vm.value.nics[0];
    const nic = primary ? s.networkInterfaces.get(primary.id) : undefined;
    if (nic) return { ok: true, value: nic };
    return { ok: false, message: `virtual machine ${vm.value.name} has no NIC in the snapshot` };
  }
  return direct;
}
