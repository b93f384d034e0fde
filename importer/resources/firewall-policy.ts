// Microsoft.Network/firewallPolicies and their ruleCollectionGroups (embedded or standalone).

import type { FirewallPolicy, FirewallPolicyRuleCollectionGroup, FirewallRuleCollection, ResourceId } from '../../core/model/index.ts';
import { isObject } from '../context.ts';
import type { Fields } from '../fields.ts';
import { canonId, parentOf } from '../ids.ts';
import type { Store } from '../store.ts';
import { childIdentity, idOf, resourceBase, type ChildIdentity } from './base.ts';
import { readPolicyCollection } from './firewall-rules.ts';

export function readFirewallPolicy(f: Fields, store: Store): void {
  const b = resourceBase(f);
  const groupIds: ResourceId[] = [];
  const embedded: FirewallPolicyRuleCollectionGroup[] = [];
  f.each(
    'ruleCollectionGroups',
    (c) => {
      // A policy lists its groups as references; some exports embed the groups themselves.
      const embeddedGroup = isObject(c.obj.properties) || c.obj.ruleCollections !== undefined;
      if (!embeddedGroup) {
        const id = c.obj.id;
        if (typeof id === 'string' && id.length > 0) groupIds.push(canonId(id));
        else c.error('field.missing', undefined, `rule collection group reference has no id; skipped`);
        return;
      }
      const who = childIdentity(c, b.displayId, 'ruleCollectionGroups', 'rule collection group');
      if (!who) return;
      const g = buildGroup(c, who, b.id);
      groupIds.push(g.id);
      embedded.push(g);
    },
    idOf,
  );
  const policy: FirewallPolicy = {
    kind: 'firewallPolicy',
    ...b,
    basePolicyId: f.ref('basePolicy'),
    ruleCollectionGroupIds: groupIds,
    threatIntelMode: f.str('threatIntelMode'),
    ...snatSettings(f.sub('snat')),
  };
  store.addParent(store.snap.firewallPolicies, policy, 'firewall policy', {
    ruleCollectionGroups: embedded.length > 0 ? embedded.map((g) => g.id) : undefined,
  });
  for (const g of embedded) store.add(store.snap.firewallPolicyRuleCollectionGroups, g, 'rule collection group');
}

/** A group that stands alone (`Microsoft.Network/firewallPolicies/ruleCollectionGroups`). */
export function readRuleCollectionGroup(f: Fields, store: Store): void {
  const b = resourceBase(f);
  const g = buildGroup(f, b, canonId(parentOf(b.displayId)));
  store.add(store.snap.firewallPolicyRuleCollectionGroups, g, 'rule collection group');
}

function buildGroup(c: Fields, who: ChildIdentity, policyId: ResourceId): FirewallPolicyRuleCollectionGroup {
  let priority = c.int('priority');
  if (priority === undefined) {
    if (!c.has('priority')) c.warn('field.missing', undefined, `rule collection group ${who.name} has no priority; read as 65000 (last)`);
    priority = 65000;
  } else if (priority < 100 || priority > 65000) {
    c.error('priority.invalid', 'priority', `rule collection group ${who.name}: priority ${priority} is outside 100..65000; kept as written`);
  }
  const ruleCollections: FirewallRuleCollection[] = [];
  c.each('ruleCollections', (rc) => {
    const col = readPolicyCollection(rc);
    if (col) ruleCollections.push(col);
  });
  return {
    kind: 'firewallPolicyRuleCollectionGroup',
    id: who.id,
    displayId: who.displayId,
    name: who.name,
    location: undefined,
    tags: {},
    source: c.source(),
    policyId,
    priority,
    ruleCollections,
  };
}

/** `snat`: the ranges network rules do not SNAT, and whether more are learned from Route Server. */
function snatSettings(snat: Fields | undefined): Pick<FirewallPolicy, 'snatPrivateRanges' | 'snatAutoLearn'> {
  if (!snat) return {};
  const out: Pick<FirewallPolicy, 'snatPrivateRanges' | 'snatAutoLearn'> = {};
  if (snat.has('privateRanges')) out.snatPrivateRanges = [...snat.strList('privateRanges')];
  if (snat.str('autoLearnPrivateRanges')?.toLowerCase() === 'enabled') out.snatAutoLearn = true;
  return out;
}
