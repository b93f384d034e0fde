// Microsoft.Network/azureFirewalls: ip configurations, policy link, classic rule collections.

import type { AzureFirewall, FirewallIpConfiguration, FirewallRuleCollection } from '../../core/model/index.ts';
import type { Fields } from '../fields.ts';
import type { Store } from '../store.ts';
import { readIp } from '../values.ts';
import { childIdentity, idOf, resourceBase } from './base.ts';
import { readClassicCollection } from './firewall-rules.ts';

const CLASSIC: readonly [string, FirewallRuleCollection['ruleType']][] = [
  ['natRuleCollections', 'nat'],
  ['networkRuleCollections', 'network'],
  ['applicationRuleCollections', 'application'],
];

export function readAzureFirewall(f: Fields, store: Store): void {
  const b = resourceBase(f);
  const ipConfigurations: FirewallIpConfiguration[] = [];
  f.each(
    'ipConfigurations',
    (c) => {
      const who = childIdentity(c, b.displayId, 'ipConfigurations', 'firewall ip configuration');
      if (!who) return;
      ipConfigurations.push({
        id: who.id,
        name: who.name,
        subnetId: c.ref('subnet'),
        privateIp: readIp(c, c.key('privateIPAddress', 'privateIpAddress')),
        publicIpId: c.ref(c.key('publicIPAddress', 'publicIpAddress')),
      });
    },
    idOf,
  );
  const classicCollections: FirewallRuleCollection[] = [];
  for (const [key, ruleType] of CLASSIC) {
    f.each(key, (c) => {
      const rc = readClassicCollection(c, ruleType);
      if (rc) classicCollections.push(rc);
    });
  }
  const fw: AzureFirewall = {
    kind: 'azureFirewall',
    ...b,
    sku: f.sub('sku')?.str('name'),
    ipConfigurations,
    firewallPolicyId: f.ref('firewallPolicy'),
    classicCollections,
    threatIntelMode: f.str('threatIntelMode'),
    ...classicSnatRanges(f.sub('additionalProperties')),
  };
  store.add(store.snap.azureFirewalls, fw, 'Azure Firewall');
}

/** `additionalProperties["Network.SNAT.PrivateRanges"]`: a comma-separated list on a firewall without a policy. */
function classicSnatRanges(extra: Fields | undefined): Pick<AzureFirewall, 'snatPrivateRanges'> {
  const text = extra?.str('Network.SNAT.PrivateRanges');
  if (text === undefined) return {};
  return { snatPrivateRanges: text.split(',').map((r) => r.trim()).filter((r) => r.length > 0) };
}
