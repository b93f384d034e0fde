// Edits on the model, for callers that hold model objects (the benchmark, tests): a new Snapshot
// that shares every object the edits do not touch (copy on write), so that change detection finds
// the untouched ones equal by identity. Users write change files instead (importer/apply-change.ts),
// which go through the importer.

import type { ModelResource, NetworkSecurityGroup, ResourceId, SecurityRule, Snapshot } from '../../model/types.ts';
import type { Collection } from './snapshot-diff.ts';

export type SnapshotEdit =
  | { kind: 'addSecurityRule'; nsgId: ResourceId; rule: SecurityRule }
  | { kind: 'setSecurityRule'; nsgId: ResourceId; rule: SecurityRule }
  | { kind: 'removeSecurityRule'; nsgId: ResourceId; ruleId: ResourceId }
  | { kind: 'putResource'; collection: Collection; resource: ModelResource }
  | { kind: 'deleteResource'; collection: Collection; id: ResourceId };

export class SnapshotEditError extends Error {}

export function applySnapshotEdits(snapshot: Snapshot, edits: readonly SnapshotEdit[]): Snapshot {
  const out: Snapshot = { ...snapshot };
  const copied = new Set<Collection>();
  const writable = <T>(c: Collection): Map<ResourceId, T> => {
    if (!copied.has(c)) {
      (out as unknown as Record<string, unknown>)[c] = new Map(snapshot[c] as Map<ResourceId, unknown>);
      copied.add(c);
    }
    return out[c] as unknown as Map<ResourceId, T>;
  };
  for (const e of edits) {
    switch (e.kind) {
      case 'addSecurityRule':
      case 'setSecurityRule':
      case 'removeSecurityRule': {
        const nsgs = writable<NetworkSecurityGroup>('networkSecurityGroups');
        const nsgId = e.nsgId.toLowerCase();
        const nsg = nsgs.get(nsgId);
        if (!nsg) throw new SnapshotEditError(`no network security group ${e.nsgId}`);
        if (e.kind === 'removeSecurityRule') {
          const id = e.ruleId.toLowerCase();
          if (!nsg.securityRules.some((r) => r.id === id)) throw new SnapshotEditError(`${nsg.name} has no security rule ${e.ruleId}`);
          nsgs.set(nsgId, { ...nsg, securityRules: nsg.securityRules.filter((r) => r.id !== id) });
          break;
        }
        const rule: SecurityRule = { ...e.rule, id: e.rule.id.toLowerCase(), nsgId, collection: 'securityRules' };
        const exists = nsg.securityRules.some((r) => r.id === rule.id);
        if (e.kind === 'addSecurityRule' && exists) throw new SnapshotEditError(`${nsg.name} already has a security rule ${rule.name}`);
        const rules = exists ? nsg.securityRules.map((r) => (r.id === rule.id ? rule : r)) : [...nsg.securityRules, rule];
        nsgs.set(nsgId, { ...nsg, securityRules: rules });
        break;
      }
      case 'putResource':
        writable<ModelResource>(e.collection).set(e.resource.id, e.resource);
        break;
      case 'deleteResource':
        writable<ModelResource>(e.collection).delete(e.id.toLowerCase());
        break;
    }
  }
  return out;
}
