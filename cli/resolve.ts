// REF flags -> engine objects, with the error messages the CLI owes its users: unknown and
// ambiguous references list candidates; a REF that resolves to the wrong kind says what it is.

import type { DataPlane, Endpoint, ResolvedRef } from '../core/index.ts';
import { resolveRef } from '../core/index.ts';
import { CliError } from './io.ts';

export type NicEndpoint = Extract<Endpoint, { kind: 'nic' | 'privateEndpoint' }>;

export function resolveOrFail(dp: DataPlane, flag: string, text: string): ResolvedRef {
  const r = resolveRef(dp, text);
  if (r.ok) return r.ref;
  const candidates = [...new Set(r.candidates)];
  const details = candidates.length
    ? [r.code === 'ref.ambiguous' ? 'candidates:' : 'did you mean:', ...candidates.map((c) => `  ${c}`)]
    : [];
  throw new CliError(`${flag} ${text}: ${r.message} (${r.code})`, { details });
}

export function subnetLabel(dp: DataPlane, subnetId: string): string {
  const s = dp.snapshot.subnets.get(subnetId);
  if (!s) return subnetId;
  const v = dp.snapshot.virtualNetworks.get(s.vnetId);
  return `${v?.name ?? '?'}/${s.name}`;
}

/** What a resolved REF is, in words, for "resolved to ..." messages. */
export function describeRef(dp: DataPlane, ref: ResolvedRef): string {
  const s = dp.snapshot;
  switch (ref.kind) {
    case 'subnet':
      return `the subnet ${subnetLabel(dp, ref.subnetId)}`;
    case 'storageAccount':
      return `the storage account ${s.storageAccounts.get(ref.storageAccountId)?.name ?? ref.storageAccountId}`;
    case 'external':
      return `an address outside the estate (${ref.where === 'internet' ? 'internet' : 'on-premises or private'})`;
    case 'internet':
      return 'the internet';
    case 'endpoint':
      return describeEndpoint(dp, ref.endpoint);
  }
}

export function describeEndpoint(dp: DataPlane, e: Endpoint): string {
  const s = dp.snapshot;
  switch (e.kind) {
    case 'nic':
      return `network interface ${s.networkInterfaces.get(e.nicId)?.name ?? e.nicId} (${e.ipText} in ${subnetLabel(dp, e.subnetId)})`;
    case 'privateEndpoint':
      return `private endpoint ${s.privateEndpoints.get(e.privateEndpointId)?.name ?? e.privateEndpointId} (${e.ipText} in ${subnetLabel(dp, e.subnetId)})`;
    case 'loadBalancerFrontend':
      return `a frontend of load balancer ${s.loadBalancers.get(e.loadBalancerId)?.name ?? e.loadBalancerId} (${e.ipText})`;
    case 'firewall':
      return `Azure Firewall ${s.azureFirewalls.get(e.firewallId)?.name ?? e.firewallId} (${e.ipText})`;
    case 'applicationGateway':
      return `application gateway ${s.applicationGateways.get(e.applicationGatewayId)?.name ?? e.applicationGatewayId} (${e.ipText})`;
  }
}

/** `--nic REF`: a NIC, a VM (its primary NIC), a private endpoint, or a private IP of one. */
export function resolveNic(dp: DataPlane, text: string, flag = '--nic'): NicEndpoint {
  const ref = resolveOrFail(dp, flag, text);
  if (ref.kind === 'endpoint' && (ref.endpoint.kind === 'nic' || ref.endpoint.kind === 'privateEndpoint')) return ref.endpoint;
  throw new CliError(`${flag} ${text} resolved to ${describeRef(dp, ref)}, not a network interface`, {
    hint: 'name a NIC, a VM (its primary NIC), a private endpoint, its resource id, or one of its private IPs',
  });
}

/** `--subnet VNET/SUBNET` (or a subnet id). */
export function resolveSubnet(dp: DataPlane, text: string, flag = '--subnet'): string {
  const ref = resolveOrFail(dp, flag, text);
  if (ref.kind === 'subnet') return ref.subnetId;
  throw new CliError(`${flag} ${text} resolved to ${describeRef(dp, ref)}, not a subnet`, { hint: 'write the subnet as VNET/SUBNET or give its resource id' });
}

/** Every private IP of the endpoint's NIC, each with the endpoint it makes (its own subnet). */
export function endpointAddresses(dp: DataPlane, e: NicEndpoint): { ip: string; endpoint: NicEndpoint }[] {
  const out: { ip: string; endpoint: NicEndpoint }[] = [];
  const nic = e.nicId ? dp.snapshot.networkInterfaces.get(e.nicId) : undefined;
  if (nic) {
    for (const ipc of nic.ipConfigurations) {
      const subnet = ipc.subnetId ? dp.snapshot.subnets.get(ipc.subnetId) : undefined;
      if (!ipc.privateIp || !subnet) continue;
      const ip = ipc.privateIp.split('/')[0];
      const found = [...(dp.addresses.byVnet.get(subnet.vnetId)?.values() ?? [])].find(
        (x): x is NicEndpoint => (x.kind === 'nic' || x.kind === 'privateEndpoint') && x.ipText === ip && x.nicId === e.nicId,
      );
      if (found) out.push({ ip, endpoint: found });
    }
  }
  if (!out.length) out.push({ ip: e.ipText, endpoint: e });
  return out;
}

export function endpointName(dp: DataPlane, e: NicEndpoint): string {
  if (e.kind === 'nic') return dp.snapshot.networkInterfaces.get(e.nicId)?.name ?? e.nicId;
  return dp.snapshot.privateEndpoints.get(e.privateEndpointId)?.name ?? e.privateEndpointId;
}

/** The endpoint that owns `ip` on the same NIC, or a CliError listing the NIC's IPs. */
export function endpointForLocalIp(dp: DataPlane, e: NicEndpoint, ip: string, flag: string, nicText: string): NicEndpoint {
  const all = endpointAddresses(dp, e);
  const hit = all.find((a) => a.ip === ip);
  if (hit) return hit.endpoint;
  throw new CliError(`${flag} ${ip} is not an address of ${endpointName(dp, e)} (--nic ${nicText}); its private IPs: ${all.map((a) => a.ip).join(', ')}`);
}
