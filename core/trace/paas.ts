// Storage account network rules (rule book 10.7, 11.2): private endpoints grant implicit access;
// `publicNetworkAccess: Disabled` closes the public endpoint; otherwise `networkAcls` decide:
// defaultAction Allow lets every network in, Deny admits only virtual network rules (through a
// service endpoint) and IP rules (public internet addresses from another region).

import type { StorageAccount } from '../model/types.ts';
import { cidrsToSet } from '../sets/cidr.ts';
import { IntervalSet } from '../sets/interval-set.ts';

export type StorageAccess =
  | { via: 'privateEndpoint'; privateEndpointId: string }
  | { via: 'serviceEndpoint'; subnetId: string }
  | { via: 'public'; sourcePublicIp?: number; sameRegion: boolean };

export interface StorageDecision {
  access: 'Allow' | 'Deny';
  rule: string;
  detail: string;
}

const ALL_IPS = IntervalSet.range(0, 0xffffffff);

/**
 * The public source addresses an account's public endpoint admits from outside its region, as a
 * set (rule 10.7, https://learn.microsoft.com/azure/storage/common/storage-network-security):
 * nothing with publicNetworkAccess Disabled, everything with defaultAction Allow, else the union of
 * the Allow IP rules (a CIDR or a single address). evaluateStorageAccess decides one address by
 * this same set, so trace and reach agree.
 */
export function storagePublicSources(account: StorageAccount): IntervalSet {
  if (account.publicNetworkAccess?.toLowerCase() === 'disabled') return IntervalSet.EMPTY;
  if (account.networkAcls.defaultAction === 'Allow') return ALL_IPS;
  return cidrsToSet(account.networkAcls.ipRules.filter((r) => r.action.toLowerCase() === 'allow').map((r) => r.value.trim())).set;
}

export function evaluateStorageAccess(account: StorageAccount, a: StorageAccess): StorageDecision {
  if (a.via === 'privateEndpoint') {
    return { access: 'Allow', rule: 'privateEndpointConnections', detail: 'a private endpoint grants access to the subnet that hosts it without firewall rules (rule 10.7)' };
  }
  if (account.publicNetworkAccess?.toLowerCase() === 'disabled') {
    return { access: 'Deny', rule: 'publicNetworkAccess', detail: 'publicNetworkAccess is Disabled: only private endpoints reach the account' };
  }
  const acls = account.networkAcls;
  if (acls.defaultAction === 'Allow') {
    return { access: 'Allow', rule: 'networkAcls.defaultAction', detail: 'networkAcls.defaultAction is Allow: clients on any network are accepted (rule 10.7)' };
  }
  if (a.via === 'serviceEndpoint') {
    const i = acls.virtualNetworkRules.findIndex((r) => r.subnetId === a.subnetId && r.action.toLowerCase() === 'allow');
    if (i >= 0) return { access: 'Allow', rule: `networkAcls.virtualNetworkRules[${i}]`, detail: 'the source subnet is allowed by a virtual network rule, through its service endpoint' };
    return { access: 'Deny', rule: 'networkAcls.defaultAction', detail: 'defaultAction is Deny and no virtual network rule names the source subnet' };
  }
  if (a.sourcePublicIp !== undefined) {
    if (a.sameRegion) {
      return { access: 'Deny', rule: 'networkAcls.defaultAction', detail: 'defaultAction is Deny; IP rules have no effect on requests from the same Azure region (rule 10.7)' };
    }
    const i = acls.ipRules.findIndex((r) => r.action.toLowerCase() === 'allow' && cidrsToSet([r.value.trim()]).set.has(a.sourcePublicIp!));
    if (i >= 0) return { access: 'Allow', rule: `networkAcls.ipRules[${i}]`, detail: `the source address is allowed by IP rule ${acls.ipRules[i].value}` };
  }
  return { access: 'Deny', rule: 'networkAcls.defaultAction', detail: 'defaultAction is Deny and no IP rule admits the source address' };
}

/** The FQDN of a storage service endpoint, for firewall application rules. */
export function storageFqdn(account: StorageAccount, endpoint: string): string {
  return `${account.name}.${endpoint}.core.windows.net`;
}
