// Flags shared by trace and reach (CONTRACT.md "Paths").

import type { FlagSpec } from '../command.ts';

export const FROM_FLAG: FlagSpec = { name: 'from', type: 'string', value: 'REF', description: "the source: a NIC, VM, subnet (VNET/SUBNET), an IP address, or 'internet'" };
export const TO_FLAG: FlagSpec = { name: 'to', type: 'string', value: 'REF', description: "the destination: a NIC, VM, private endpoint, storage account, load balancer, subnet, an IP address, or 'internet'" };
export const VIA_PUBLIC_IP_FLAG: FlagSpec = { name: 'via-public-ip', type: 'boolean', description: "an outside source addresses the destination's public entry points (public IP, load balancer, Application Gateway, firewall DNAT)" };
export const ENDPOINT_FLAG: FlagSpec = { name: 'endpoint', type: 'string', value: 'SERVICE', description: 'storage service endpoint: blob (default), file, queue, table, dfs or web' };
export const FQDN_FLAG: FlagSpec = { name: 'fqdn', type: 'string', value: 'NAME', description: 'destination FQDN, so that Azure Firewall application rules can match' };

export const STORAGE_ENDPOINTS = ['blob', 'file', 'queue', 'table', 'dfs', 'web'];
