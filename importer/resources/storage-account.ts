// Microsoft.Storage/storageAccounts: the storage firewall (`networkAcls`; az CLI calls it
// `networkRuleSet`) and publicNetworkAccess.

import type { StorageAccount } from '../../core/model/index.ts';
import type { Fields } from '../fields.ts';
import { canonId } from '../ids.ts';
import type { Store } from '../store.ts';
import { checkIpOrPrefix, matchEnum } from '../values.ts';
import { resourceBase } from './base.ts';

export function readStorageAccount(f: Fields, store: Store): void {
  const b = resourceBase(f);
  const acls = f.sub(f.key('networkAcls', 'networkRuleSet'));
  const networkAcls: StorageAccount['networkAcls'] = { defaultAction: 'Allow', bypass: [], ipRules: [], virtualNetworkRules: [] };
  if (acls) {
    const actionText = acls.str('defaultAction');
    const action = matchEnum(actionText, ['Allow', 'Deny'] as const);
    if (action !== undefined) networkAcls.defaultAction = action;
    else if (actionText !== undefined) {
      acls.error('field.value', 'defaultAction', `unknown networkAcls.defaultAction '${actionText}' (expected Allow or Deny); read as Allow`);
    }
    networkAcls.bypass = readBypass(acls);
    acls.each('ipRules', (r) => {
      const key = r.key('value', 'ipAddressOrRange');
      if (!r.has(key)) {
        r.error('field.missing', undefined, `storage IP rule has no value; skipped`);
        return;
      }
      const value = checkIpOrPrefix(r, key, 'storage IP rule');
      if (value !== undefined) networkAcls.ipRules.push({ value, action: r.str('action') ?? 'Allow' });
    });
    acls.each('virtualNetworkRules', (r) => {
      const key = r.key('id', 'virtualNetworkResourceId');
      const id = r.str(key);
      if (id === undefined || id.length === 0) {
        r.error('field.missing', undefined, `storage virtual network rule has no subnet id (id or virtualNetworkResourceId); skipped`);
        return;
      }
      networkAcls.virtualNetworkRules.push({ subnetId: canonId(id), action: r.str('action') ?? 'Allow', state: r.str('state') });
    });
  }
  const sa: StorageAccount = {
    kind: 'storageAccount',
    ...b,
    publicNetworkAccess: f.str('publicNetworkAccess'),
    networkAcls,
  };
  store.add(store.snap.storageAccounts, sa, 'storage account');
}

/** `bypass` is a comma list (`"Logging, Metrics, AzureServices"`); SDKs may give an array. */
function readBypass(acls: Fields): string[] {
  const v = acls.raw('bypass');
  const parts = typeof v === 'string' ? v.split(',') : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  if (v !== undefined && typeof v !== 'string' && !Array.isArray(v)) {
    acls.error('field.type', 'bypass', `'bypass' should be a comma-separated string, found ${typeof v}; ignored`);
  }
  const out: string[] = [];
  for (const p of parts) {
    const t = p.trim();
    if (t.length > 0 && t.toLowerCase() !== 'none' && !out.includes(t)) out.push(t);
  }
  return out;
}
