// Flags shared by trace and reach (CONTRACT.md "Paths").

import type { DataPlane, ResolvedRef } from '../../core/index.ts';
import { type FlagSpec, type ParsedArgs, stringFlag } from '../command.ts';
import { usageError } from '../io.ts';

export const FROM_FLAG: FlagSpec = { name: 'from', type: 'string', value: 'REF', description: "the source: a NIC, VM, subnet (VNET/SUBNET), an IP address, or 'internet'" };
export const TO_FLAG: FlagSpec = { name: 'to', type: 'string', value: 'REF', description: "the destination: a NIC, VM, private endpoint, storage account, load balancer, subnet, an IP address, or 'internet'" };
export const VIA_PUBLIC_IP_FLAG: FlagSpec = { name: 'via-public-ip', type: 'boolean', description: "an outside source addresses the destination's public entry points (public IP, load balancer, Application Gateway, firewall DNAT)" };
export const ENDPOINT_FLAG: FlagSpec = { name: 'endpoint', type: 'string', value: 'SERVICE', description: 'storage service endpoint: blob (default), file, queue, table, dfs or web' };
export const FQDN_FLAG: FlagSpec = { name: 'fqdn', type: 'string', value: 'NAME', description: 'destination FQDN, so that Azure Firewall application rules can match' };

export const STORAGE_ENDPOINTS = ['blob', 'file', 'queue', 'table', 'dfs', 'web'];

export const GATEWAY_FLAG: FlagSpec = { name: 'gateway', type: 'string', value: 'REF', description: 'for an on-premises source: enter through this VPN/ExpressRoute gateway only (name or id; default: every gateway whose connections cover the source)' };

/**
 * `--gateway REF` -> the virtual network gateway's id. An estate with several hubs may connect one
 * site to several gateways (rules 8.7, 9.1); this picks the one to enter through.
 */
export function gatewayOf(dp: DataPlane, verb: string, args: ParsedArgs, from: ResolvedRef): string | undefined {
  const text = stringFlag(args, 'gateway');
  if (text === undefined) return undefined;
  if (from.kind !== 'external' || from.where !== 'onPremises') throw usageError(verb, `--gateway applies to an on-premises source; --from is ${from.label}`);
  const wanted = text.trim().toLowerCase();
  const gateways = [...dp.snapshot.virtualNetworkGateways.values()];
  const found = gateways.filter((g) => g.id === wanted || g.name.toLowerCase() === wanted);
  if (found.length === 1) return found[0].id;
  const known = gateways.map((g) => g.displayId).sort();
  if (found.length > 1) throw usageError(verb, `--gateway ${text}: ${found.length} gateways have that name; give the id`, found.map((g) => g.displayId).sort());
  throw usageError(verb, `--gateway ${text}: no virtual network gateway with that name or id`, known.length ? known : ['the snapshot has no virtual network gateway']);
}
